"""One training run on a data set: what ``ganaug train`` does, under ``torchrun`` or not."""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..datasets._splits import BUNDLED

MODEL_FILE, CHECKPOINT_FILE, CONFIG_FILE = "sampler.pt", "checkpoint.pt", "config.json"
TENSORBOARD_DIR = "tensorboard"


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


def _write_json(payload: dict, path: Path) -> None:
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(handle, "w") as file:
        json.dump(payload, file, indent=2, default=str)  # devices and the like as text
    os.replace(tmp, path)


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
    rank 0 writes files. ``out_dir`` receives ``config.json`` (the resolved
    settings), ``checkpoint.pt`` (every ``checkpoint_every`` steps and at the
    end), ``sampler.pt`` (the model, for :meth:`GANOversampler.load`) and,
    with ``tensorboard``, a ``tensorboard`` folder.

    Parameters
    ----------
    data : str
        See :func:`load_training_data`.
    out_dir : str or os.PathLike
        Output folder; one that already holds a run is refused unless
        ``resume`` is set.
    split : str, default="train"
        Split of a bundled data set.
    limit : int, optional
        Keep only the first ``limit`` samples.
    params : dict, optional
        The sampler's parameters.
    sampler : {"gan", "translation"}, default="gan"
        :class:`~ganaug.GANOversampler` or :class:`~ganaug.TranslationOversampler`
        (load the model with that class's ``load``; TensorBoard gets its
        losses but no sample grids).
    checkpoint_every : int, default=500
        Steps between checkpoints.
    resume : bool, default=False
        Continue from ``out_dir/checkpoint.pt`` when it exists.
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
    from ..over_sampling import GANOversampler, TranslationOversampler
    from ..training.distributed import distributed_session
    from ..training.runtime import resolve_device
    from ..training.tensorboard import TensorBoardLogger

    out_dir = Path(out_dir)
    checkpoint = out_dir / CHECKPOINT_FILE
    if not resume and (checkpoint.exists() or (out_dir / MODEL_FILE).exists()):
        raise FileExistsError(
            f"{out_dir} already holds a training run; pass --resume to continue it, "
            "or choose a new --out."
        )
    classes = {"gan": GANOversampler, "translation": TranslationOversampler}
    if sampler not in classes:
        raise ValueError(f"sampler={sampler!r} is not one of {sorted(classes)}.")
    X, y = load_training_data(data, split, limit)
    kind, sampler = sampler, classes[sampler](**(params or {}))
    callbacks = []
    if tensorboard:
        callbacks.append(TensorBoardLogger(out_dir / TENSORBOARD_DIR, log_every, sample_every))
    with distributed_session(resolve_device(sampler.device)) as context:
        is_main = context is None or context.is_main
        files = []
        if is_main:
            out_dir.mkdir(parents=True, exist_ok=True)
            for stale in out_dir.glob(".*.tmp"):  # left by a save that was killed
                stale.unlink()
            config = {
                "data": data,
                "split": split,
                "limit": limit,
                "n_samples": len(y),
                "world_size": 1 if context is None else context.world_size,
                "checkpoint_every": checkpoint_every,
                "sampler": kind,
                "params": sampler.get_params(deep=False),
            }
            _write_json(config, out_dir / CONFIG_FILE)
            files = [CONFIG_FILE, CHECKPOINT_FILE, MODEL_FILE]
            files += [TENSORBOARD_DIR] if tensorboard else []
        started = time.perf_counter()
        sampler.fit_generator(
            X,
            y,
            checkpoint=checkpoint,
            checkpoint_every=checkpoint_every,
            resume=resume,
            callbacks=callbacks,
            distributed=context,
        )
        seconds = time.perf_counter() - started
        if is_main:
            sampler.save(out_dir / MODEL_FILE)
    summary = TrainSummary(
        out_dir=str(out_dir),
        steps=sum(len(record["steps"]) for record in sampler.history_),
        seconds=seconds,
        files=files,
    )
    if context is not None:
        summary.rank, summary.world_size = context.rank, context.world_size
    return summary
