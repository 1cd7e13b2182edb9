"""``ganaug train``: train a sampler on a data set and save it; ``torchrun``-ready."""

from __future__ import annotations

import argparse
import sys


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _epochs(text: str) -> int | str:
    return text if text == "auto" else _positive_int(text)


def _setting(text: str) -> tuple[str, object]:
    """``sampler.NAME=VALUE`` (as in a recipe) or ``NAME=VALUE``; the value read as YAML."""
    from ..recipes._yaml import parse_setting

    try:
        keys, value = parse_setting(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if keys[0] == "sampler" and len(keys) == 2:
        keys = keys[1:]
    if len(keys) != 1:
        raise argparse.ArgumentTypeError(
            f"expected sampler.NAME=VALUE or NAME=VALUE (a sampler parameter), got {text!r}"
        )
    return keys[0], value


def _run(args: argparse.Namespace) -> int:
    from ..workflows import train_sampler

    params = {
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "random_state": args.seed,
        "device": args.device,
        "amp": not args.no_amp,
        "compile": args.compile,
        "verbose": 0 if args.quiet else 1,
        **dict(args.set),
    }
    summary = train_sampler(
        args.data,
        args.out,
        split=args.split,
        limit=args.limit,
        params=params,
        sampler=args.sampler,
        checkpoint_every=args.checkpoint_every,
        resume=args.resume,
        tensorboard=args.tensorboard,
        log_every=args.log_every,
        sample_every=args.sample_every,
    )
    if summary.world_size > 1:  # one line per process: every rank shows it trained
        print(
            f"ganaug train: rank {summary.rank}/{summary.world_size} finished "
            f"{summary.steps} steps",
            file=sys.stderr,
        )
    if summary.rank == 0:
        print(summary.text())
    return 0


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``train`` to the ``ganaug`` sub-commands.

    Parameters
    ----------
    commands : argparse._SubParsersAction
        What ``ArgumentParser.add_subparsers`` returned.

    Returns
    -------
    parser : argparse.ArgumentParser
    """
    train = commands.add_parser(
        "train",
        help="train a sampler on a data set and save it (torchrun-ready)",
        description=(
            "Train GANOversampler's (or, with --sampler translation, "
            "TranslationOversampler's) networks on a bundled data set or an .npz file "
            "and save the model to OUT/model.pt, with checkpoints to resume from. "
            "Under torchrun (torchrun --nproc_per_node=N -m ganaug train ...) "
            "every process trains on its share of the data with "
            "DistributedDataParallel and only rank 0 writes files; --batch-size "
            "is per process."
        ),
    )
    train.add_argument(
        "--data",
        required=True,
        help="'breastmnist', 'adrenalmnist3d', or an .npz with images and labels",
    )
    train.add_argument("--out", required=True, help="output folder")
    train.add_argument(
        "--sampler",
        choices=("gan", "translation"),
        default="gan",
        help="GANOversampler (default) or TranslationOversampler (images only)",
    )
    train.add_argument("--split", default="train", choices=("train", "val", "test"))
    train.add_argument("--limit", type=_positive_int, help="use only the first N samples")
    train.add_argument("--epochs", type=_epochs, default="auto", help="epochs, or 'auto'")
    train.add_argument("--batch-size", type=_positive_int, default=32, help="per process")
    train.add_argument("--seed", type=int, default=0, help="random seed")
    train.add_argument("--device", default="auto", help="'auto', 'cpu' or 'cuda'")
    train.add_argument("--no-amp", action="store_true", help="no mixed precision on CUDA")
    train.add_argument("--compile", action="store_true", help="use torch.compile")
    train.add_argument(
        "--checkpoint-every", type=_positive_int, default=500, help="steps between checkpoints"
    )
    train.add_argument(
        "--resume", action="store_true", help="continue from OUT/checkpoint.pt if it exists"
    )
    train.add_argument(
        "--tensorboard",
        action="store_true",
        help="log to OUT/tensorboard (pip install tensorboard)",
    )
    train.add_argument("--log-every", type=_positive_int, default=10, help="steps per scalar")
    train.add_argument(
        "--sample-every", type=_positive_int, default=200, help="steps per sample grid"
    )
    train.add_argument(
        "--set",
        type=_setting,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any other parameter of the sampler, read as YAML as in 'ganaug run': "
        "--set r1_gamma=1 --set loss=bce (or --set sampler.loss=bce)",
    )
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.set_defaults(handler=_run)
    return train
