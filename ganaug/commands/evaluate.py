"""``ganaug evaluate``: run the lift protocol on a data source and write the report."""

from __future__ import annotations

import argparse

from . import _options


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``evaluate`` to the ``ganaug`` sub-commands.

    Parameters
    ----------
    commands : argparse._SubParsersAction
        What ``ArgumentParser.add_subparsers`` returned.

    Returns
    -------
    parser : argparse.ArgumentParser
    """
    parser = _options.add_command(
        commands,
        "evaluate",
        help="a recipe from flags: measure the lift of synthetic samples, write a report",
        description=(
            "Compare doing nothing, class weights, threshold tuning, random "
            "over-sampling, SMOTE, GANOversampler and (with --imbalance-ratio) the "
            "real-data oracle on paired seeds; write report.md, report.html and the raw "
            "tables. The same as 'ganaug run' with the recipe these flags stand for, each "
            "flag named after its recipe key."
        ),
    )
    parser.add_argument(
        "data",
        help="breastmnist, adrenalmnist3d, breast-cancer, or a .npz/.csv/.parquet file "
        "; recipe key data.source",
    )
    parser.add_argument(
        "--target",
        metavar="COLUMN",
        help="label column of a .csv/.parquet table; recipe key data.target",
    )
    parser.add_argument(
        "--out", metavar="DIR", help="new report folder (default: runs/evaluate-TIME)"
    )
    ratio = parser.add_argument(
        "--imbalance-ratio",
        type=_options.ratio,
        default=None,
        metavar="RATIO",
        help="simulate a rarer minority: sub-sample each minority class of the training "
        "split to 1:RATIO for every seed (10 for 1:10), which also makes the oracle; "
        "default none: your data's own imbalance; recipe key evaluation.imbalance_ratio",
    )
    # --ratio 0 meant the data's own imbalance
    _options.add_renamed(parser, "--ratio", ratio, type=float, convert=lambda v: v or None)
    seeds = parser.add_argument(
        "--n-seeds",
        metavar="N",
        type=_options.positive_int,
        default=5,
        help="paired repetitions; recipe key evaluation.n_seeds",
    )
    _options.add_renamed(parser, "--seeds", seeds)
    _options.add_seed(parser, "the first of the paired seeds; recipe key evaluation.random_state")
    parser.add_argument(
        "--methods",
        help="comma-separated methods, e.g. none,ros,gan,gan+class-weight (default: "
        "none,class-weight,threshold,ros,ros-augment (images),smote,gan,oracle (with "
        "--imbalance-ratio)); recipe key evaluation.methods",
    )
    parser.add_argument(
        "--classifier",
        choices=("auto", "cnn", "logistic"),
        default="auto",
        help="auto: a small CNN for images, logistic regression for tables; "
        "recipe key classifier.type",
    )
    epochs = _options.add_epochs(parser)
    _options.add_renamed(parser, "--gan-epochs", epochs)
    steps = parser.add_argument(
        "--n-steps",
        metavar="N",
        type=_options.positive_int,
        default=300,
        help="training steps of the CNN; recipe key classifier.n_steps",
    )
    _options.add_renamed(parser, "--cnn-steps", steps)
    parser.add_argument(
        "--no-fidelity",
        action="store_true",
        help="skip FID/KID and the memorization check; recipe key evaluation.fidelity (false)",
    )
    parser.add_argument(
        "--feature-extractor",
        metavar="FILE",
        help="TorchScript file whose features fidelity is measured in (default: features "
        "learned from the training split); recipe key evaluation.feature_extractor",
    )
    _options.add_device(parser)
    _options.add_set(parser)
    _options.add_output(parser)
    parser.set_defaults(handler=run)
    return parser


def recipe_from_args(args: argparse.Namespace) -> dict:
    """The recipe that ``ganaug evaluate``'s arguments stand for, resolved."""
    from ..recipes import resolve_recipe
    from ..recipes._yaml import apply_overrides

    data = {"source": args.data}
    if args.target is not None:
        data["target"] = args.target
    classifier = {"type": args.classifier}
    if args.classifier != "logistic":
        classifier["n_steps"] = args.n_steps
    raw = {
        "name": "evaluate",
        "data": data,
        "sampler": {"epochs": args.epochs},
        "classifier": classifier,
        "evaluation": {
            "methods": None
            if args.methods is None
            else [m.strip() for m in args.methods.split(",") if m.strip()],
            "imbalance_ratio": args.imbalance_ratio,
            "n_seeds": args.n_seeds,
            "random_state": args.seed,
            "fidelity": not args.no_fidelity,
            "feature_extractor": args.feature_extractor,
            "device": args.device,
            "verbose": _options.verbosity(args),
        },
    }
    return resolve_recipe(apply_overrides(raw, args.set))


def run(args: argparse.Namespace) -> int:
    """Run the protocol as the arguments say, write the report, print the verdict."""
    from .run import execute

    return execute(recipe_from_args(args), args.out)
