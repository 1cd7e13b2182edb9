"""``ganaug demo``: over-sample the bundled BreastMNIST at 1:10 and check the samples."""

from __future__ import annotations

import argparse

from . import _options


def _run(args: argparse.Namespace) -> int:
    from ..workflows import run_demo

    summary = run_demo(
        out_dir=args.out,
        minority=args.minority,
        epochs=args.epochs,
        random_state=args.seed,
        device=args.device,
        verbose=_options.verbosity(args),
    )
    print(summary.text())
    return 0


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``demo`` to the ``ganaug`` sub-commands.

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
        "demo",
        help="a two-minute check: over-sample BreastMNIST at 1:10 and look at the samples",
        description=(
            "Train GANOversampler on the bundled BreastMNIST training split with "
            "the malignant class sub-sampled, write the resampled data and the "
            "model, and report how a classifier trained on real images labels "
            "the synthetic ones."
        ),
    )
    parser.add_argument("--out", metavar="DIR", help="output folder (default: runs/demo-TIME)")
    parser.add_argument(
        "--minority",
        metavar="N",
        type=_options.positive_int,
        default=40,
        help="malignant images kept of the training split's 147 (a simulated rare class)",
    )
    _options.add_epochs(parser)
    _options.add_seed(parser, "seeds the sub-sample, training and samples")
    _options.add_device(parser)
    _options.add_output(parser)
    parser.set_defaults(handler=_run)
    return parser
