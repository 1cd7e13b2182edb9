"""``ganaug train``: train a sampler on a data set and save it; ``torchrun``-ready."""

from __future__ import annotations

import argparse
import sys

from . import _options


def _run(args: argparse.Namespace) -> int:
    from ..workflows import train_sampler

    params = {
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "random_state": args.seed,
        "device": args.device,
        "amp": not args.no_amp,
        "compile": args.compile,
        "verbose": _options.verbosity(args),
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
    parser = _options.add_command(
        commands,
        "train",
        help="train a sampler on a data set and save it, for long runs (torchrun-ready)",
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
    parser.add_argument(
        "--data",
        required=True,
        help="breastmnist, adrenalmnist3d, or an .npz with 'images' and 'labels'; "
        "recipe key data.source",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")
    parser.add_argument(
        "--sampler",
        choices=("gan", "translation"),
        default="gan",
        help="GANOversampler, or TranslationOversampler (images only)",
    )
    parser.add_argument(
        "--split",
        default="train",
        choices=("train", "val", "test"),
        help="which split of a bundled data set to train on",
    )
    parser.add_argument(
        "--limit",
        metavar="N",
        type=_options.positive_int,
        help="use only the first N samples (default: all); recipe key data.limit",
    )
    _options.add_epochs(parser, "the sampler")
    _options.add_batch_size(parser, "per process")
    _options.add_set(parser, sampler_only=True)
    _options.add_seed(parser, "seeds the networks, batches and noise")
    _options.add_device(parser)
    parser.add_argument(
        "--no-amp",
        action="store_true",
        help="no mixed precision on CUDA; recipe key sampler.amp (false)",
    )
    parser.add_argument(
        "--compile", action="store_true", help="use torch.compile; recipe key sampler.compile"
    )
    _options.add_checkpoints(
        parser, every=500, resume="continue from OUT/checkpoint.pt if it exists"
    )
    parser.add_argument(
        "--tensorboard",
        action="store_true",
        help="log to OUT/tensorboard (pip install tensorboard)",
    )
    parser.add_argument(
        "--log-every", metavar="N", type=_options.positive_int, default=10, help="steps per scalar"
    )
    parser.add_argument(
        "--sample-every",
        metavar="N",
        type=_options.positive_int,
        default=200,
        help="steps per sample grid",
    )
    _options.add_output(parser)
    parser.set_defaults(handler=_run)
    return parser
