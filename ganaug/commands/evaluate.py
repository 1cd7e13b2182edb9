"""``ganaug evaluate``: run the lift protocol on a data source and write the report."""

from __future__ import annotations

import argparse


def _epochs(value: str) -> int | str:
    return value if value == "auto" else int(value)


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register ``evaluate`` on the ``ganaug`` parser."""
    parser = commands.add_parser(
        "evaluate",
        help="measure the downstream lift of synthetic samples and write a report",
        description=(
            "Compare doing nothing, class weights, threshold tuning, random "
            "over-sampling, SMOTE, GANOversampler and the real-data oracle on "
            "paired seeds; write report.md, report.html and the raw tables."
        ),
    )
    parser.add_argument(
        "data",
        help="breastmnist, adrenalmnist3d, breast-cancer, or a .npz/.csv/.parquet file",
    )
    parser.add_argument("--target", help="label column of a .csv/.parquet table")
    parser.add_argument(
        "--out", default=None, help="new report folder (default: runs/evaluate-TIME)"
    )
    parser.add_argument(
        "--ratio", type=float, default=10.0, help="sub-sample minority classes to 1:RATIO (0: no)"
    )
    parser.add_argument("--seeds", type=int, default=5, help="paired repetitions")
    parser.add_argument("--seed", type=int, default=0, help="first seed")
    parser.add_argument(
        "--methods",
        default=None,
        help="comma-separated methods, e.g. none,ros,gan,gan+class-weight (default: "
        "none,class-weight,threshold,ros,ros-augment (images),smote,gan,oracle)",
    )
    parser.add_argument(
        "--classifier",
        choices=("auto", "logistic"),
        default="auto",
        help="auto: a small CNN for images, logistic regression for tables",
    )
    parser.add_argument("--gan-epochs", type=_epochs, default="auto", help="GAN epochs or 'auto'")
    parser.add_argument("--cnn-steps", type=int, default=300, help="CNN training steps")
    parser.add_argument("--no-fidelity", action="store_true", help="skip FID/KID/memorization")
    parser.add_argument("--feature-extractor", help="TorchScript file for the fidelity features")
    parser.add_argument("--device", default="auto", help="'auto', 'cpu' or 'cuda'")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=run)


def recipe_from_args(args: argparse.Namespace) -> dict:
    """The recipe that ``ganaug evaluate``'s arguments stand for, resolved."""
    from ..recipes import resolve_recipe

    data = {"source": args.data}
    if args.target is not None:
        data["target"] = args.target
    classifier = {"type": args.classifier}
    if args.classifier != "logistic":
        classifier["n_steps"] = args.cnn_steps
    return resolve_recipe(
        {
            "name": "evaluate",
            "data": data,
            "sampler": {"epochs": args.gan_epochs},
            "classifier": classifier,
            "evaluation": {
                "methods": None
                if args.methods is None
                else [m.strip() for m in args.methods.split(",") if m.strip()],
                "imbalance_ratio": args.ratio or None,
                "n_seeds": args.seeds,
                "random_state": args.seed,
                "fidelity": not args.no_fidelity,
                "feature_extractor": args.feature_extractor,
                "device": args.device,
                "verbose": 0 if args.quiet else 1,
            },
        }
    )


def run(args: argparse.Namespace) -> int:
    """Run the protocol as the arguments say, write the report, print the verdict."""
    from .run import execute

    return execute(recipe_from_args(args), args.out)
