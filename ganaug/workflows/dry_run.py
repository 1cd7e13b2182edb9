"""``plan_recipe``: what a run of a recipe would do, from its data, without running it.

Reads the data as the run would (every file of a DICOM folder), splits it,
sub-samples it for the first seed, counts the model fits and times a few
training steps of each network on this machine to estimate the run time:
``ganaug run RECIPE --dry-run``.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.base import clone
from sklearn.model_selection import ParameterGrid

from ..datasets._splits import take_rows
from ..evaluation import CNNClassifier
from ..evaluation._classifiers import choose_classifier, fit_classifier
from ..evaluation._data import class_sizes, prepare_data, subsample_minority
from ..evaluation._methods import method_table, parse_method
from ..evaluation._protocol import _configure_sampler
from ..over_sampling import GANOversampler
from ..recipes._applies import inapplicable_keys
from ..recipes._schema import data_kind, resolve_recipe
from ..recipes._yaml import dump_annotated
from ..training.callbacks import Callback
from ..training.runtime import resolve_device
from .recipe import _build_classifier, _load_data, check_run_dir

# Steps timed per network (after one warm-up step); samples generated to time sampling.
TIMED_STEPS = 5
TIMED_CNN_STEPS = 10
TIMED_SAMPLES = 32
SHOWN_SKIPS = 10
AXES = {2: "x, y", 3: "x, y, z"}


@dataclass
class Estimate:
    """An estimated run time, and what it was extrapolated from.

    Parameters
    ----------
    seconds : float
        The whole run, estimated.
    device : str
        Where the steps were timed.
    parts : dict of str to float
        Seconds per part: ``"loading"``, one fit of each network sampler
        (``"gan"``), ``"classifier"`` (one fit and its test predictions),
        ``"fidelity"`` (the feature networks).
    basis : list of str
        What was timed, e.g. ``"5 GAN steps: 0.12 s each"``.
    """

    seconds: float
    device: str
    parts: dict = field(default_factory=dict)
    basis: list = field(default_factory=list)


@dataclass
class RunPlan:
    """What a run of a recipe would read, train and write (see :func:`plan_recipe`).

    Parameters
    ----------
    recipe : dict
        The resolved recipe.
    out_dir : pathlib.Path
        Where the run would write.
    origins : dict of str to str
        ``"section.key"`` of each value the recipe file or the command line
        set; the others are defaults.
    left_out : dict of str to str
        Values the run would not use, and why.
    data : str
        The data source, what it holds and its sample shape.
    per_class : pandas.DataFrame
        Per class: ``"series"``, ``"images"`` or ``"rows"`` read (all splits),
        and for DICOM folders ``"patients"``.
    counts : pandas.DataFrame
        Per class, samples in each split: ``"train"``, ``"train after
        1:RATIO"`` (with sub-sampling; the first seed's), ``"validation"``,
        ``"test"``.
    skipped : list of (str, str)
        Files or series a run would leave out, and why.
    groups : dict of str to int, or None
        Patients (or studies) per split, when splits keep groups whole.
    fits : dict
        ``"seeds"``, ``"methods"``, ``"networks"`` (method name to fits per
        seed, steps per fit and the sampler's class name), ``"classifier"`` (a description) and
        ``"feature_networks"`` (trained once, for fidelity).
    estimate : Estimate or None
        The estimated run time (None when not asked for).
    """

    recipe: dict
    out_dir: Path
    origins: dict
    left_out: dict
    data: str
    per_class: pd.DataFrame
    counts: pd.DataFrame
    skipped: list
    groups: dict | None
    fits: dict
    estimate: Estimate | None = None

    def text(self) -> str:
        """The resolved recipe as YAML, values marked, then the plan as YAML comments.

        Returns
        -------
        text : str
            Valid YAML: saved to a file, it is the resolved recipe.
        """
        notes = {}
        for section, values in self.recipe.items():
            keys = [f"{section}.{k}" for k in values] if isinstance(values, dict) else [section]
            for key in keys:
                origin = self.origins.get(key, "default")
                if origin != "recipe":
                    notes[key] = origin
        lines = [
            "# ganaug run --dry-run: the resolved recipe; '# default' marks values the "
            "recipe does not set,",
            "# '# command line' those --set, --device, --quiet or -v set.",
            dump_annotated(self.recipe, notes, self.left_out).rstrip("\n"),
            "#",
            f"# data: {self.data}",
            *_table(self.per_class, "read, per class (all splits):"),
            *self._skip_lines(),
            *_table(self.counts, "class counts per split:"),
            *self._group_lines(),
            *self._fit_lines(),
            *self._estimate_lines(),
            f"# recipe valid, data found and read; a run writes {self.out_dir}",
        ]
        return "\n".join(lines) + "\n"

    def _skip_lines(self) -> list[str]:
        if not self.skipped:
            return ["# skipped: nothing"]
        from ..io.loading import summarize_skipped

        lines = [f"# {summarize_skipped(self.skipped)}; a run lists them all in skipped.csv:"]
        lines += [f"#   {path}: {reason}" for path, reason in self.skipped[:SHOWN_SKIPS]]
        if len(self.skipped) > SHOWN_SKIPS:
            lines.append(f"#   ... and {len(self.skipped) - SHOWN_SKIPS} more")
        return lines

    def _group_lines(self) -> list[str]:
        if self.groups is None:
            return ["# splits: per sample (no grouping)"]
        by = self.recipe["data"].get("group") or "group"
        sides = ", ".join(f"{side} {n}" for side, n in self.groups.items())
        return [f"# {by} groups per split (none on two sides): {sides}"]

    def _fit_lines(self) -> list[str]:
        fits = self.fits
        seeds, lines = fits["seeds"], []
        for name, (per_seed, steps, estimator) in fits["networks"].items():
            lines.append(
                f"# model fits: {seeds} seed(s) x {per_seed} = {seeds * per_seed} trainings of "
                f"{estimator} (method {name}), {steps} steps each"
            )
        methods = fits["methods"]
        lines.append(
            f"# classifier fits: {seeds} seed(s) x {methods} methods = {seeds * methods} "
            f"({fits['classifier']})"
        )
        if fits["feature_networks"]:
            lines.append(f"# fidelity features: {fits['feature_networks']}, trained once")
        return lines

    def _estimate_lines(self) -> list[str]:
        if self.estimate is None:
            return []
        est = self.estimate
        return [
            f"# estimated run time: {_duration(est.seconds)} on {est.device}, plus a few "
            "seconds for the report (an estimate,",
            f"#   extrapolated from a few timed steps on this machine: {'; '.join(est.basis)})",
        ]


def _table(frame: pd.DataFrame, title: str) -> list[str]:
    text = frame.to_string(index_names=False)
    return [f"# {title}", *(f"#   {line}" for line in text.splitlines())]


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"about {max(1, round(seconds))} seconds"
    if seconds < 90 * 60:
        return f"about {round(seconds / 60)} minutes"
    return f"about {seconds / 3600:.1f} hours"


class _StepTimer(Callback):
    """Times the first steps of a training, then stops it."""

    def __init__(self, n_steps: int):
        self.n_steps, self.times, self.planned = n_steps, [], None

    def _now(self, trainer) -> float:
        if trainer.device.type == "cuda":
            torch.cuda.synchronize(trainer.device)
        return time.perf_counter()

    def on_train_begin(self, trainer) -> None:
        self.planned = trainer.planned_steps

    def on_step_end(self, trainer, record) -> None:
        self.times.append(self._now(trainer))
        if len(self.times) > self.n_steps:
            trainer.stop_training = True


def _time_network(sampler, X, y, n_steps: int) -> tuple[float, int, str]:
    """Seconds one fit of a network sampler would take, its steps, and what was timed."""
    timer = _StepTimer(n_steps)
    started = time.perf_counter()
    sampler.fit_generator(X, y, callbacks=[timer])
    if not timer.times:  # no network to train (architecture="interpolation"): the whole fit
        timer.times = [time.perf_counter()]
    first = timer.times[0] - started  # set-up and the first (warm-up) step
    each = (timer.times[-1] - timer.times[0]) / max(1, len(timer.times) - 1)
    steps = timer.planned or len(timer.times)
    to_make = sum(sampler.sampling_strategy_.values()) * (2 if sampler.reject_outliers else 1)
    if to_make:
        cls = max(sampler.sampling_strategy_, key=sampler.sampling_strategy_.get)
        drawn = time.perf_counter()
        sampler.generate(TIMED_SAMPLES, cls, 0)
        sampling = (time.perf_counter() - drawn) / TIMED_SAMPLES * to_make
    else:
        sampling = 0.0
    seconds = first + (steps - 1) * each + sampling
    return seconds, steps, f"{len(timer.times) - 1} steps after a warm-up, {each:.3g} s each"


def _time_classifier(classifier, grid, X, y, data, n_steps: int) -> tuple[float, str]:
    """Seconds one classifier fit (and its test predictions) would take; what was timed."""
    method = parse_method("none", {})
    if not isinstance(classifier, CNNClassifier):
        started = time.perf_counter()
        model = fit_classifier(classifier, grid, X, y, data, method, 0)
        model.predict_proba(data.X_test)
        return time.perf_counter() - started, "one whole fit"
    model = clone(classifier).set_params(n_steps=n_steps, eval_every=n_steps, verbose=0)
    started = time.perf_counter()
    model = fit_classifier(model, grid, X, y, data, method, 0)
    fitted = time.perf_counter()
    model.predict_proba(data.X_val)
    validation = time.perf_counter() - fitted
    model.predict_proba(data.X_test)
    test = time.perf_counter() - fitted - validation
    each = max(0.0, fitted - started - validation) / n_steps
    steps, every = classifier.n_steps, classifier.eval_every
    seconds = steps * each + math.ceil(steps / every) * validation + test
    return seconds, f"{n_steps} CNN steps, {each:.3g} s each"


def _describe(data: dict, splits, loaded, prepared) -> tuple[str, pd.DataFrame]:
    """One line on the data, and what was read per class."""
    source, kind = data["source"], data_kind(data["source"])
    shape = prepared.sample_shape
    if shape is None:
        n_columns = np.shape(prepared.X)[1]
        what = f"a table of {n_columns} feature columns"
    else:
        dims = prepared.spatial_dims
        channels = shape[0] if len(shape) > dims else 1
        kind_name = "volumes" if dims == 3 else "images"
        axes = f" ({AXES[dims]})" if loaded is not None else ""  # MONAI's index order
        what = f"{kind_name} of {' x '.join(map(str, shape[-dims:]))}{axes}"
        what += ", colour" if channels == 3 else ""
    if loaded is not None:
        records = loaded.records
        dicom = "series_uid" in records and records["series_uid"].notna().any()
        unit = "series" if dicom else "files"
        per_class = records.groupby("label").size().to_frame(unit)
        if dicom:
            per_class["patients"] = records.groupby("label")["patient_id"].nunique()
        folder = "DICOM folder" if dicom else "NIfTI folder"
        return f"{source} ({folder}): {what}", per_class
    unit = "rows" if shape is None else "images"
    labels = np.concatenate(
        [splits.y, *(s for s in (splits.y_val, splits.y_test) if s is not None)]
    )
    per_class = pd.Series(labels).value_counts().sort_index().to_frame(unit)
    return f"{source} ({kind.replace('-', ' ')}): {what}", per_class


def plan_recipe(
    recipe: dict,
    out_dir: str | os.PathLike | None = None,
    *,
    origins: dict | None = None,
    timed_steps: int = TIMED_STEPS,
) -> RunPlan:
    """Read a recipe's data and say what a run would do, without a run's training or files.

    The data are loaded as the run loads them (every file of a folder is
    read), split, and the training split sub-sampled for the first seed.
    Each network sampler then trains for ``timed_steps`` steps (after one
    warm-up step) and the classifier for a few more on this machine, and
    the run time is extrapolated from them.

    Read more in the :ref:`User Guide <dry-run>`.

    Parameters
    ----------
    recipe : dict
        A recipe, e.g. from :func:`~ganaug.recipes.load_recipe`.
    out_dir : str or os.PathLike, optional
        The run folder a run would write; checked as a run checks it.
    origins : dict of str to str, optional
        Where each value came from (see :func:`~ganaug.recipes.read_recipe`),
        to mark the defaults.
    timed_steps : int, default=5
        Training steps timed per network sampler (the classifier's CNN: twice
        as many).

    Returns
    -------
    plan : RunPlan
        ``plan.text()`` is what ``ganaug run --dry-run`` prints.
    """
    started = time.perf_counter()
    recipe = resolve_recipe(recipe, name=recipe.get("name", "recipe"))
    out = check_run_dir(recipe, out_dir)
    evaluation = recipe["evaluation"]
    seed, ratio, device = evaluation["random_state"], evaluation["imbalance_ratio"], None
    splits, loaded = _load_data(recipe["data"], seed, evaluation["verbose"])
    loading = time.perf_counter() - started
    image_shape = evaluation["image_shape"]
    prepared = prepare_data(
        splits.X,
        splits.y,
        splits.X_val,
        splits.y_val,
        splits.X_test,
        splits.y_test,
        None if image_shape is None else tuple(image_shape),
        evaluation["spatial_dims"],
        evaluation["val_size"],
        seed,
        splits.groups,
    )
    _, minority = class_sizes(prepared.y)
    rng = np.random.RandomState(seed)  # the first seed's sub-sample, as the run draws it
    kept, _ = subsample_minority(prepared.y, minority, ratio, rng, prepared.groups)
    images = prepared.sample_shape is not None
    device = str(resolve_device(evaluation["device"]))
    methods, table = method_table(
        evaluation["methods"],
        {"gan": GANOversampler(**recipe["sampler"])},
        categorical=prepared.categorical,
        smallest_minority=min(int(np.sum(prepared.y[kept] == c)) for c in minority),
        images=images,
        subsampled=ratio is not None or evaluation["unlabelled_share"] is not None,
        pool=evaluation["unlabelled_share"] is not None or splits.X_unlabelled is not None,
    )
    classifier, grid = _build_classifier(recipe["classifier"], images, evaluation["device"])
    classifier, grid = choose_classifier(classifier, grid, prepared, evaluation["device"])
    description, per_class = _describe(recipe["data"], splits, loaded, prepared)
    plan = RunPlan(
        recipe=recipe,
        out_dir=out,
        origins=origins or {},
        left_out=inapplicable_keys(
            recipe,
            images=images,
            own_validation=splits.X_val is not None,
            cuda=device.startswith("cuda"),
        ),
        data=description,
        per_class=per_class,
        counts=_counts(prepared, splits, kept, ratio, seed),
        skipped=list(loaded.skipped) if loaded is not None else [],
        groups=_groups(prepared, splits, kept),
        fits=_fits(evaluation, methods, classifier, grid, prepared),
    )
    X_fit, y_fit = take_rows(prepared.X, kept), prepared.y[kept]
    parts, basis = {"loading": loading}, []
    networks = {m.sampler for m in methods if hasattr(table.get(m.sampler), "fit_generator")}
    for name in sorted(networks):
        sampler = _configure_sampler(table[name], prepared, seed, evaluation["device"], 0)
        per_seed = len({(m.oracle, m.pool) for m in methods if m.sampler == name})
        parts[name], steps, what = _time_network(sampler, X_fit, y_fit, timed_steps)
        plan.fits["networks"][name] = (per_seed, steps, type(sampler).__name__)
        basis.append(f"{name}: {what}")
    parts["classifier"], what = _time_classifier(
        classifier, grid, X_fit, y_fit, prepared, 2 * timed_steps
    )
    basis.append(f"classifier: {what}")
    n_feature_fits = {"": 0, "1 CNN": 1}.get(plan.fits["feature_networks"], 2)
    parts["fidelity"] = n_feature_fits * parts["classifier"]
    per_seed = len(methods) * parts["classifier"] + sum(
        parts[name] * n for name, (n, *_) in plan.fits["networks"].items()
    )
    seconds = loading + parts["fidelity"] + evaluation["n_seeds"] * per_seed
    plan.estimate = Estimate(seconds, device, parts, basis)
    return plan


def _counts(prepared, splits, kept, ratio, seed) -> pd.DataFrame:
    """Samples per class and split, and in the sub-sampled training split."""
    counts = pd.DataFrame({"train": pd.Series(prepared.y).value_counts()})
    if ratio is not None:
        after = pd.Series(prepared.y[kept]).value_counts()
        counts[f"train after 1:{ratio:g} (seed {seed})"] = after
    counts["validation"] = pd.Series(prepared.y_val).value_counts()
    counts["test"] = pd.Series(splits.y_test).value_counts()
    return counts.fillna(0).astype(int).sort_index()


def _groups(prepared, splits, kept) -> dict | None:
    """Groups (patients) per split, when the splits keep them whole."""
    if prepared.groups is None:
        return None
    groups = {"train": len(np.unique(prepared.groups[kept]))}
    if prepared.n_val_groups is not None:
        groups["validation"] = prepared.n_val_groups
    groups["test"] = len(np.unique(splits.test_groups))
    return groups


def _fits(evaluation: dict, methods, classifier, grid, prepared) -> dict:
    """The model fits a run makes (the network samplers' are added as they are timed)."""
    cnn = isinstance(classifier, CNNClassifier)
    if cnn:
        about = f"a CNN of {classifier.n_steps} steps each"
    else:
        about = f"{type(classifier).__name__}, {len(ParameterGrid(grid or [{}]))} setting(s) each"
    features = ""
    learned = evaluation["fidelity"] and evaluation["feature_extractor"] is None
    if learned and prepared.sample_shape is not None:
        features = "1 CNN"
        if prepared.spatial_dims == 3:
            features += " and 3 2D CNNs (one per slice plane)"
    return {
        "seeds": evaluation["n_seeds"],
        "methods": len(methods),
        "networks": {},
        "classifier": about,
        "feature_networks": features,
    }
