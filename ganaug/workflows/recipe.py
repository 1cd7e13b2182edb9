"""Carry out a resolved recipe: load, resample, evaluate, write the run folder."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import train_test_split

from ..datasets import load_splits
from ..datasets._splits import read_table, split_off_test, unlabelled_rows
from ..evaluation import LiftReport
from ..over_sampling import GANOversampler
from ..recipes._schema import FOLDER_DEFAULTS, FOLDER_GROUPS, data_kind, resolve_recipe
from ..recipes._yaml import dump_yaml
from ._run_folder import (
    RECIPE_FILE,
    RUN_FILE,
    SKIPPED_FILE,
    atomic_folder,
    check_output,
    environment_record,
    write_json,
)
from ._sampler import build_sampler


@dataclass
class RunResult:
    """What :func:`run_recipe` wrote and measured.

    Parameters
    ----------
    out_dir : pathlib.Path
        The run folder: the report, ``recipe.yaml``, ``run.json`` and, for a
        DICOM or NIfTI folder, ``skipped.csv``.
    report : LiftReport
        The evaluation's tables.
    skipped_summary : str or None
        For a DICOM or NIfTI folder, the files or series left out while
        loading, counted by reason.
    """

    out_dir: Path
    report: LiftReport
    skipped_summary: str | None = None


def default_run_dir(recipe: dict) -> Path:
    """``OUTPUT/NAME-YYYYmmdd-HHMMSS``: a new folder for every run of a recipe.

    Parameters
    ----------
    recipe : dict
        A resolved recipe.

    Returns
    -------
    out_dir : pathlib.Path
    """
    return Path(recipe["output"]) / f"{recipe['name']}-{time.strftime('%Y%m%d-%H%M%S')}"


def check_run_dir(recipe: dict, out_dir: str | os.PathLike | None = None) -> Path:
    """Where a run of ``recipe`` will write, checked before any data is read.

    Parameters
    ----------
    recipe : dict
        A resolved recipe.
    out_dir : str or os.PathLike, optional
        New run folder. Default: :func:`default_run_dir`.

    Returns
    -------
    out_dir : pathlib.Path

    Raises
    ------
    FileExistsError
        If the folder exists.
    ValueError
        If it lies inside the data folder or under a file, or cannot be
        written (see :func:`~ganaug.workflows._run_folder.check_output`).
    """
    out = Path(out_dir) if out_dir is not None else default_run_dir(recipe)
    source = recipe["data"]["source"]
    inputs = [] if data_kind(source).startswith("bundled") else [source]
    return check_output(out, inputs=inputs)


def _load_data(data: dict, random_state: int, verbose: int = 1):
    """Load the ``data`` section of a recipe as train, validation and test splits.

    Parameters
    ----------
    data : dict
        The resolved ``data`` section. ``limit`` keeps a stratified sample of
        that many training samples (for quick trials).
    random_state : int
        Seeds the stratified test split of sources that have none, and the
        ``limit`` sample.
    verbose : int, default=1
        0 silences the progress bar of the DICOM/NIfTI loader.

    Returns
    -------
    splits : Splits
        With ``data.unlabelled``, ``splits.X_unlabelled`` holds the unlabelled
        samples, less any of a group (patient) in the test split.
    loaded : LabelledImages or None
        What was read from a DICOM or NIfTI folder (its skipped files).
    """
    loaded, pool = None, data.get("unlabelled", False)
    if data_kind(data["source"]) == "folder":
        from ..io import load_labelled_images

        options = {k: data[k] for k in FOLDER_DEFAULTS if k not in ("labels", "unlabelled")}
        options = {k: tuple(v) if isinstance(v, list) else v for k, v in options.items()}
        loaded = load_labelled_images(
            data["source"], data["labels"], **options, unlabelled=pool is True, verbose=verbose
        )
        column = FOLDER_GROUPS.get(data["group"])
        groups = None
        if column is not None and column in loaded.records:  # NIfTI files carry no IDs
            groups = loaded.records[column].astype(str).to_numpy()
        splits = split_off_test(
            loaded.images, loaded.labels, data["source"], data["test_size"], random_state, groups
        )
        if pool is not False:
            other = loaded
            if isinstance(pool, str):  # another folder: every image in it
                other = load_labelled_images(
                    pool, None, **options, unlabelled=True, verbose=verbose
                )
            splits.X_unlabelled = _outside_test(other, column, splits)
    else:
        splits = load_splits(
            data["source"],
            target=data.get("target"),
            group=data.get("group"),
            test_size=data.get("test_size", 0.3),
            random_state=random_state,
            unlabelled=pool is True,
        )
        if isinstance(pool, str):
            splits.X_unlabelled = _other_pool(pool, data, splits)
    if data["limit"] is not None and data["limit"] < len(splits.y):
        splits.X, _, splits.y, _ = train_test_split(
            splits.X,
            splits.y,
            train_size=data["limit"],
            stratify=splits.y,
            random_state=random_state,
        )
    return splits, loaded


def _outside_test(loaded, column: str | None, splits) -> np.ndarray:
    """A folder's unlabelled images, less those of a group (patient) in the test
    split: no method may learn from the test patients' other images, labels or not."""
    records = loaded.unlabelled_records
    if column is None or column not in records or splits.test_groups is None:
        return loaded.unlabelled
    groups = records[column].astype(str).to_numpy()
    return loaded.unlabelled[~np.isin(groups, splits.test_groups)]


def _other_pool(path: str, data: dict, splits):
    """Every sample of another table or ``.npz`` (labels, if any, unread)."""
    if data_kind(path) == "npz":
        other = load_splits(path)
        parts = [other.X, other.X_val, other.X_test]
        return np.concatenate([np.asarray(p) for p in parts if p is not None])
    frame = read_table(Path(path))
    return unlabelled_rows(frame, data.get("target"), data.get("group"), splits.test_groups)


def _build_classifier(spec: dict, images: bool, device: str) -> tuple[Any, dict | None]:
    """The downstream classifier and its grid, from the ``classifier`` section.

    Parameters
    ----------
    spec : dict
        The resolved ``classifier`` section.
    images : bool
        Whether the samples are images or volumes.
    device : str
        Device for the CNN.

    Returns
    -------
    classifier : estimator or "auto"
    param_grid : dict or None
    """
    if spec["type"] == "logistic":
        from ..evaluation._classifiers import logistic_pipeline

        return logistic_pipeline()
    if images or spec["type"] == "cnn":
        from ..evaluation import CNNClassifier

        params = {k: v for k, v in spec.items() if k != "type"}
        return CNNClassifier(**params, device=device), None
    return "auto", None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _grouping(data: dict, splits) -> dict | None:
    """How the test split was made: by which column, with how many groups a side."""
    if splits.groups is None:
        return None
    return {
        "by": data.get("group"),
        "groups_train_and_val": len(set(splits.groups)),
        "groups_test": len(set(splits.test_groups)),
    }


def _run_record(recipe, report, data_name, command, started, clock) -> dict:
    """What ``run.json`` says: enough to repeat the run and to compare timings."""
    import torch

    from ..training.runtime import resolve_device

    return {
        "ganaug_run": recipe["name"],
        "command": list(sys.argv if command is None else command),
        "cwd": os.getcwd(),
        "data": data_name,
        "seeds": report.settings["seeds"],
        "device": str(resolve_device(recipe["evaluation"]["device"])),
        "torch_threads": torch.get_num_threads(),
        "versions": environment_record(),
        "started": started,
        "finished": _now(),
        "seconds": round(time.perf_counter() - clock, 1),
        "cpu_seconds": round(time.process_time(), 1),
    }


def run_recipe(
    recipe: dict, out_dir: str | os.PathLike | None = None, *, command: list[str] | None = None
) -> RunResult:
    """Run a resolved recipe and write its run folder, atomically.

    The folder holds the lift report (see :meth:`LiftReport.write`), the
    resolved recipe as ``recipe.yaml`` (``ganaug run FOLDER/recipe.yaml``
    repeats the run) and ``run.json``: package versions, seeds, device,
    command line and start and end times. It is written under a temporary
    name and renamed at the end; an existing folder is never overwritten.
    Where it writes, and the sampler's parameters, are checked before any
    data is read.

    Read more in the :ref:`User Guide <recipes>`.

    Parameters
    ----------
    recipe : dict
        A recipe, e.g. from :func:`load_recipe`; validated and resolved again
        here.
    out_dir : str or os.PathLike, optional
        New run folder. Default: ``OUTPUT/NAME-<time>`` from the recipe.
    command : list of str, optional
        The command line to record; default ``sys.argv``.

    Returns
    -------
    result : RunResult
    """
    from ..evaluation import evaluate_lift

    recipe = resolve_recipe(recipe, name=recipe.get("name", "recipe"))
    out = check_run_dir(recipe, out_dir)
    sampler = build_sampler(GANOversampler, recipe["sampler"])
    started, clock = _now(), time.perf_counter()
    evaluation = dict(recipe["evaluation"])
    splits, loaded = _load_data(recipe["data"], evaluation["random_state"], evaluation["verbose"])
    images = getattr(splits.X, "ndim", 2) > 2
    classifier, grid = _build_classifier(recipe["classifier"], images, evaluation["device"])
    if evaluation["image_shape"] is not None:
        evaluation["image_shape"] = tuple(evaluation["image_shape"])
    report = evaluate_lift(
        splits.X,
        splits.y,
        splits.X_test,
        splits.y_test,
        X_val=splits.X_val,
        y_val=splits.y_val,
        X_unlabelled=splits.X_unlabelled,
        groups=splits.groups,
        samplers={"gan": sampler},
        classifier=classifier,
        param_grid=grid,
        **evaluation,
    )
    run = _run_record(recipe, report, splits.name, command, started, clock)
    run["grouping"] = _grouping(recipe["data"], splits)
    if splits.X_unlabelled is not None:
        run["unlabelled_given"] = len(splits.X_unlabelled)
    title = f"ganaug lift report: {recipe['name']} ({splits.name})"
    with atomic_folder(out, create=lambda folder: report.write(folder, title=title)) as tmp:
        header = f"# Resolved recipe of this run; repeat it with: ganaug run {out / RECIPE_FILE}\n"
        (tmp / RECIPE_FILE).write_text(header + dump_yaml(recipe))
        write_json(run, tmp / RUN_FILE)
        if loaded is not None:
            # With the paths, unlike augment-dicom's synthetic output: a run folder is the
            # researcher's own record, not a data set to share. Its recipe.yaml already
            # names the data folder and labels file, and the paths are what lets them
            # find and fix each skipped file.
            loaded.write_skipped(tmp / SKIPPED_FILE)
    return RunResult(out, report, loaded.skipped_summary() if loaded is not None else None)
