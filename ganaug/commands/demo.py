"""``ganaug demo``: over-sample the bundled BreastMNIST at 1:10 and check the samples."""

from __future__ import annotations

import argparse


def _run(args: argparse.Namespace) -> int:
    from ..workflows import run_demo

    summary = run_demo(
        out_dir=args.out,
        minority=args.minority,
        epochs=args.epochs,
        random_state=args.seed,
        device=args.device,
        verbose=0 if args.quiet else 1,
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
    demo = commands.add_parser(
        "demo",
        help="over-sample the bundled BreastMNIST at 1:10 and check the samples",
        description=(
            "Train GANOversampler on the bundled BreastMNIST training split with "
            "the malignant class sub-sampled, write the resampled data and the "
            "model, and report how a classifier trained on real images labels "
            "the synthetic ones."
        ),
    )
    demo.add_argument("--out", default=None, help="output folder (default: runs/demo-TIME)")
    demo.add_argument("--minority", type=int, default=40, help="malignant images kept")
    demo.add_argument("--epochs", default="auto", help="training epochs, or 'auto'")
    demo.add_argument("--seed", type=int, default=0, help="random seed")
    demo.add_argument("--device", default="auto", help="'auto', 'cpu' or 'cuda'")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(handler=_run)
    return demo
