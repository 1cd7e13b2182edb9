"""One training run on a data set: what ``ganaug train`` does, under ``torchrun`` or not."""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..datasets._splits import BUNDLED
from ..over_sampling import GANOversampler, TranslationOversampler
from ._run_folder import (
    CHECKPOINT_FILE,
    LEGACY_NAMES,
    MODEL_FILE,
    RUN_FILE,
    TENSORBOARD_DIR,
    check_output,
    environment_record,
    find_run_file,
    remove_stale_temps,
    write_json,
)
from ._sampler import build_sampler

SAMPLERS = {"gan": GANOversampler, "translation": TranslationOversampler}
# What a resumed run must share with the run it continues, besides what the
# checkpoint itself checks (the sampler's parameters, the number of samples).
SAME_ON_RESUME = ("data", "split", "limit", "sampler")


@dataclass
class TrainSummary:
    """What :func:`train_sampler` did, seen from one process.

    Parameters
    ----------
    out_dir : str
        The run folder.
    steps : int
        Training steps taken in all, counting those of a resumed run.
    seconds : float
        Training time of this call.
    rank : int, default=0
        This process's rank under ``torchrun``.
    world_size : int, default=1
        The number of processes.
    files : list of str
        The files written (on rank 0 only).
    """

    out_dir: str
    steps: int
    seconds: float
    rank: int = 0
    world_size: int = 1
    files: list = field(default_factory=list)

    def text(self) -> str:
        """A short human-readable report.

        Returns
        -------
        text : str
        """
        return (
            f"trained {self.steps} steps in {self.seconds:.1f} s on {self.world_size} "
            f"process(es); wrote {', '.join(self.files)} to {self.out_dir}"
        )


def load_training_data(
    data: str, split: str = "train", limit: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Load images and labels: a bundled data set or an ``.npz`` file.

    Parameters
    ----------
    data : str
        ``"breastmnist"``, ``"adrenalmnist3d"`` or the path of an ``.npz``
        holding ``images`` and ``labels`` (or ``X`` and ``y``, as
        ``ganaug demo`` writes them).
    split : {"train", "val", "test"}, default="train"
        Split of a bundled data set.
    limit : int, optional
        Keep only the first ``limit`` samples (for quick trials).

    Returns
    -------
    X : ndarray
    y : ndarray of shape (n_samples,)

    Raises
    ------
    ValueError
        If the file lacks the arrays or ``limit`` is not positive.
    """
    if data in BUNDLED:
        bunch = BUNDLED[data](split)
        X, y = bunch.images, bunch.target
    else:
        path = Path(data)
        if not path.is_file():
            raise FileNotFoundError(
                f"--data {data!r} is neither a bundled data set {tuple(BUNDLED)} nor a file."
            )
        with np.load(path, allow_pickle=False) as archive:
            keys = next(
                (k for k in (("images", "labels"), ("X", "y")) if set(k) <= set(archive)), None
            )
            if keys is None:
                raise ValueError(
                    f"{path} must hold arrays 'images' and 'labels' (or 'X' and 'y'); "
                    f"it holds {sorted(archive)}."
                )
            X, y = archive[keys[0]], archive[keys[1]].reshape(-1)
    if limit is not None:
        if limit < 1:
            raise ValueError(f"limit must be a positive number of samples, got {limit}.")
        X, y = X[:limit], y[:limit]
    return X, y


def _holds_run(out_dir: Path) -> bool:
    names = (CHECKPOINT_FILE, MODEL_FILE, RUN_FILE, *LEGACY_NAMES.values())
    return any((out_dir / name).exists() for name in names)


def _check_run_folder(out_dir: Path, resume: bool, record: dict) -> Path | None:
    """Before any data is read: ``out_dir`` is new, empty, or (with ``resume``) a run
    of ours on the same data. Return the settings file of the run to resume, if any."""
    check_output(out_dir, in_place=True)
    if not out_dir.exists():
        return None
    if not _holds_run(out_dir):
        if any(not path.name.endswith(".tmp") for path in out_dir.iterdir()):
            raise FileExistsError(
                f"{out_dir} holds files that are not a ganaug training run; choose a new --out."
            )
        return None
    if not resume:
        raise FileExistsError(
            f"{out_dir} already holds a training run; pass --resume to continue it, "
            "or choose a new --out."
        )
    settings = find_run_file(out_dir, RUN_FILE)
    if settings is None:
        return None
    try:
        saved = json.loads(settings.read_text())
    except ValueError as exc:
        raise ValueError(f"{settings} is not a run record of ganaug ({exc}).") from None
    changed = [key for key in SAME_ON_RESUME if saved.get(key) != record[key]]
    if changed:
        was = ", ".join(f"{key}={saved.get(key)!r}" for key in changed)
        raise ValueError(
            f"{out_dir} holds a run trained with {was}; resume it with the same "
            "settings, or choose a new --out."
        )
    return settings


def _remove_unstarted(out_dir: Path, created: bool) -> None:
    """A new run that stopped before its first checkpoint (refused input, a class too
    small) leaves nothing, so that the next try is not taken for a run to resume: the
    folder goes if this run made it, else what this run wrote into the empty folder."""
    if (out_dir / CHECKPOINT_FILE).exists():
        return
    if created:
        shutil.rmtree(out_dir, ignore_errors=True)
        return
    (out_dir / RUN_FILE).unlink(missing_ok=True)
    shutil.rmtree(out_dir / TENSORBOARD_DIR, ignore_errors=True)


def train_sampler(
    data: str,
    out_dir: str | os.PathLike,
    *,
    split: str = "train",
    limit: int | None = None,
    params: dict | None = None,
    sampler: str = "gan",
    checkpoint_every: int = 500,
    resume: bool = False,
    tensorboard: bool = False,
    log_every: int = 10,
    sample_every: int = 200,
) -> TrainSummary:
    """Train a :class:`~ganaug.GANOversampler` (or translation sampler) on a data set
    and save it.

    Run it plainly for one process, or under ``torchrun`` for data-parallel
    training: each process then trains on its share of the data and only
    rank 0 writes files. ``out_dir`` receives ``run.json`` (the resolved
    settings and the package versions), ``checkpoint.pt`` (every
    ``checkpoint_every`` steps and at the end), ``model.pt`` (the model, for
    :meth:`GANOversampler.load`) and, with ``tensorboard``, a ``tensorboard``
    folder. Where it writes, and the sampler's parameters, are checked
    before any data is read.

    Read more in the :ref:`User Guide <long-runs>`.

    Parameters
    ----------
    data : str
        See :func:`load_training_data`.
    out_dir : str or os.PathLike
        Output folder: new or empty, or, with ``resume``, one that holds a
        run on the same data, split, limit and sampler (also one written
        by ganaug 0.1, whose ``sampler.pt`` and ``config.json`` are read
        and replaced by ``model.pt`` and ``run.json``).
    split : str, default="train"
        Split of a bundled data set.
    limit : int, optional
        Keep only the first ``limit`` samples.
    params : dict, optional
        The sampler's parameters, checked by its own constraints.
    sampler : {"gan", "translation"}, default="gan"
        :class:`~ganaug.GANOversampler` or :class:`~ganaug.TranslationOversampler`
        (load the model with that class's ``load``; TensorBoard gets its
        losses but no sample grids).
    checkpoint_every : int, default=500
        Steps between checkpoints.
    resume : bool, default=False
        Continue from ``out_dir/checkpoint.pt`` when it exists. The run's
        ``run.json`` is rewritten only once the checkpoint has accepted the
        settings.
    tensorboard : bool, default=False
        Log to ``out_dir/tensorboard`` (needs ``pip install tensorboard``).
    log_every : int, default=10
        Steps between TensorBoard scalar points.
    sample_every : int, default=200
        Steps between TensorBoard sample grids.

    Returns
    -------
    summary : TrainSummary
        This process's view; ``files`` is empty except on rank 0.
    """
    from ..training.distributed import distributed_session
    from ..training.runtime import resolve_device
    from ..training.tensorboard import TensorBoardLogger

    if sampler not in SAMPLERS:
        raise ValueError(f"sampler={sampler!r} is not one of {sorted(SAMPLERS)}.")
    kind, sampler = sampler, build_sampler(SAMPLERS[sampler], params)
    out_dir = Path(out_dir)
    record = {"data": data, "split": split, "limit": limit, "sampler": kind}
    resumed = _check_run_folder(out_dir, resume, record)
    created = not out_dir.exists()
    X, y = load_training_data(data, split, limit)
    callbacks = []
    if tensorboard:
        callbacks.append(TensorBoardLogger(out_dir / TENSORBOARD_DIR, log_every, sample_every))
    with distributed_session(resolve_device(sampler.device)) as context:
        is_main = context is None or context.is_main
        files = []
        record.update(
            n_samples=len(y),
            world_size=1 if context is None else context.world_size,
            checkpoint_every=checkpoint_every,
            params=sampler.get_params(deep=False),
            versions=environment_record(),
        )
        if is_main:
            out_dir.mkdir(parents=True, exist_ok=True)
            remove_stale_temps(out_dir)  # left by a save that was killed
            if resumed is None:  # a resumed run's record is rewritten once training agrees
                write_json(record, out_dir / RUN_FILE)
            files = [RUN_FILE, CHECKPOINT_FILE, MODEL_FILE]
            files += [TENSORBOARD_DIR] if tensorboard else []
        started = time.perf_counter()
        try:
            sampler.fit_generator(
                X,
                y,
                checkpoint=out_dir / CHECKPOINT_FILE,
                checkpoint_every=checkpoint_every,
                resume=resume,
                callbacks=callbacks,
                distributed=context,
            )
        except BaseException:
            if is_main and resumed is None:
                _remove_unstarted(out_dir, created)
            raise
        seconds = time.perf_counter() - started
        if is_main:
            sampler.save(out_dir / MODEL_FILE)
            write_json(record, out_dir / RUN_FILE)
            for old in LEGACY_NAMES.values():  # saved under the new names now
                (out_dir / old).unlink(missing_ok=True)
    summary = TrainSummary(
        out_dir=str(out_dir),
        steps=sum(len(record["steps"]) for record in sampler.history_),
        seconds=seconds,
        files=files,
    )
    if context is not None:
        summary.rank, summary.world_size = context.rank, context.world_size
    return summary
