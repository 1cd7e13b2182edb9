"""Workflows: what the ``ganaug`` commands do, from data on disk to a finished run folder.

Each workflow loads data, builds and trains a sampler from the library below
it, and writes one run folder (see :mod:`ganaug.workflows._run_folder`):
:func:`augment_folder` (``ganaug augment-dicom``), :func:`train_sampler`
(``ganaug train``), :func:`run_recipe` (``ganaug run`` and ``ganaug
evaluate``), :func:`plan_recipe` (``ganaug run --dry-run``) and :func:`run_demo`
(``ganaug demo``). The library never
imports this package.
"""

from .augment_folder import AugmentSummary, augment_folder
from .demo import DemoSummary, run_demo
from .dry_run import RunPlan, plan_recipe
from .recipe import RunResult, run_recipe
from .train import TrainSummary, train_sampler

__all__ = [
    "AugmentSummary",
    "DemoSummary",
    "RunPlan",
    "RunResult",
    "TrainSummary",
    "augment_folder",
    "plan_recipe",
    "run_demo",
    "run_recipe",
    "train_sampler",
]
