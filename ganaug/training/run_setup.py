"""One training run, beyond "train these networks on these samples".

:class:`TrainingRun` owns what a run adds around :meth:`GANTrainer.fit`: the
device of this process, each process's share of the samples and its own
random stream, the class-balanced batches, the number of epochs
``epochs="auto"`` stands for, checkpoint selection, periodic checkpoints and
the checks that a checkpoint to resume from was written by the same run, and
the stages a run finishes before the networks train (a latent autoencoder),
kept in its checkpoints so that a resumed run does not repeat them, and an
unlabelled pool: its batches beside the labelled ones, its fingerprint in the
run's metadata, and confident pseudo-labels for it (:class:`PseudoLabels`). The
samplers hand it a way to build their trainer and the encoded samples; it knows
nothing of sklearn or of the samplers.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn

from ..data.conditions import ClassBalancedBatches
from ..utils._random import seeded_torch
from .callbacks import Callback, Checkpoint, read_training_checkpoint
from .checkpoint_selection import BestGenerator
from .distributed import DistributedContext, local_device, rank_seed, shard_rows
from .runtime import resolve_device
from .semi_supervised import PseudoLabels

if TYPE_CHECKING:
    from .trainer import GANTrainer

# Scores per run of checkpoint selection.
SELECTION_SCORES = 20


class TrainingRun:
    """How one training run goes: processes, seeds, batches, epochs, checkpoints.

    Parameters
    ----------
    callbacks : sequence of Callback, default=()
        Training hooks, e.g. :class:`ganaug.training.tensorboard.TensorBoardLogger`.
    distributed : DistributedContext, optional
        Set under ``torchrun``: each process trains on its share of the
        samples, with its own random stream after the networks are built.
    checkpoint : str or os.PathLike, optional
        File for the training state, replaced every ``checkpoint_every``
        steps and at the end.
    checkpoint_every : int, default=500
        Steps between checkpoints.
    resume : bool, default=False
        Continue from ``checkpoint`` when that file exists.

    Attributes
    ----------
    resume_state : dict or None
        After :meth:`begin`, the trainer state to continue from, if any.
    stages : dict
        The states of the stages finished so far (see :meth:`stage`),
        restored by :meth:`begin` from the checkpoint to resume from.
    pseudo_labels : PseudoLabels or None
        After :meth:`fit` with ``pseudo_label_threshold``: the pool rows
        admitted, and their class codes.
    """

    def __init__(
        self,
        *,
        callbacks: Sequence[Callback] = (),
        distributed: DistributedContext | None = None,
        checkpoint: str | os.PathLike | None = None,
        checkpoint_every: int = 500,
        resume: bool = False,
    ) -> None:
        self.callbacks = list(callbacks)
        self.distributed = distributed
        self.checkpoint = checkpoint
        self.checkpoint_every = checkpoint_every
        self.resume = resume
        self.resume_state: dict | None = None
        self.stages: dict[str, Any] = {}
        self.pseudo_labels: PseudoLabels | None = None
        self._checkpoint: Checkpoint | None = None

    @property
    def is_parallel(self) -> bool:
        """True when several processes train together."""
        return self.distributed is not None and self.distributed.is_parallel

    @property
    def is_main(self) -> bool:
        """True on the process that shows progress and writes files (rank 0)."""
        return self.distributed is None or self.distributed.is_main

    def device(self, device: str | torch.device) -> torch.device:
        """This process's device for ``device`` (``cuda:LOCAL_RANK`` under torchrun)."""
        return local_device(resolve_device(device), self.distributed)

    def begin(self, metadata: dict[str, Any]) -> None:
        """Read the state to resume from, and save checkpoints from now on.

        Parameters
        ----------
        metadata : dict
            ``{"params": ..., "n_samples": ...}`` of this run, stored in every
            checkpoint, and ``"unlabelled"`` (:func:`pool_fingerprint`) when
            it has an unlabelled pool. A checkpoint to resume from must hold
            the same.

        Raises
        ------
        ValueError
            If the checkpoint to resume from was written by a run with other
            parameters, another number of samples or another pool.
        """
        if self.checkpoint is None:
            return
        if self.resume and Path(self.checkpoint).is_file():
            payload = read_training_checkpoint(self.checkpoint)
            check_same_run(payload["metadata"], metadata, self.checkpoint)
            self.resume_state, self.stages = payload["trainer"], dict(payload["stages"])
        self._checkpoint = Checkpoint(
            self.checkpoint, self.checkpoint_every, metadata, stages=self.stages
        )
        self.callbacks.append(self._checkpoint)

    def stage(self, name: str, run: Callable[[], Any]) -> Any:
        """The state of a stage that comes before the networks' training.

        A stage restored from the checkpoint to resume from is returned as
        saved; otherwise ``run()`` makes it, and the run's checkpoint file is
        saved at once with it, so an interruption later does not repeat it.
        Every checkpoint of the run holds the finished stages.

        Parameters
        ----------
        name : str
            The stage's key in the checkpoint, e.g. ``"autoencoder"``.
        run : callable
            Does the stage's work (on every process of a distributed run) and
            returns its state: tensors and plain values.

        Returns
        -------
        state : object
            What ``run()`` returned, now or in the run that was interrupted.
        """
        if name not in self.stages:
            self.stages[name] = run()
            if self._checkpoint is not None and self.is_main:
                self._checkpoint.save(None)
        return self.stages[name]

    def batches(
        self,
        Z: torch.Tensor,
        codes: np.ndarray,
        batch_size: int,
        device: torch.device,
        unlabelled: torch.Tensor | None = None,
    ) -> ClassBalancedBatches:
        """Class-balanced batches of this process's share of ``Z``, on ``device``,
        each with as many rows of the unlabelled pool ``unlabelled``, if given.

        Under data parallelism every process takes as many batches, enough for
        all processes together to see as many rows per epoch as there are.
        Every process holds the whole pool and draws its own rows of it.
        """
        n_batches = None
        if self.is_parallel:
            n_batches = math.ceil(len(codes) / (self.distributed.world_size * batch_size))
            rows = shard_rows(codes, self.distributed)
            Z, codes = Z[rows], codes[rows]
        return ClassBalancedBatches(
            Z.to(device),
            torch.as_tensor(codes, device=device),
            batch_size,
            n_batches=n_batches,
            unlabelled=None if unlabelled is None else unlabelled.to(device),
        )

    def fit(
        self,
        make_trainer: Callable[[DistributedContext | None], GANTrainer],
        Z: torch.Tensor,
        codes: np.ndarray,
        *,
        batch_size: int,
        epochs: int | str,
        auto_steps: int,
        seed: int,
        device: torch.device,
        score: Callable[[nn.Module], float] | None = None,
        patience: int | None = None,
        unlabelled: torch.Tensor | None = None,
        pseudo_label_threshold: float | None = None,
    ) -> tuple[GANTrainer, BestGenerator | None]:
        """Train on encoded samples ``Z`` of class codes ``codes``.

        Parameters
        ----------
        make_trainer : callable
            ``make_trainer(distributed)`` builds the networks and their
            trainer. It runs in the stream seeded by ``seed``, so every
            process starts from the same weights; each process then draws
            from its own stream.
        Z : torch.Tensor
            Encoded samples, first axis the sample axis.
        codes : ndarray of int
            Class code of every sample.
        batch_size : int
            Samples per batch (per process).
        epochs : int or "auto"
            Passes over the batches; ``"auto"``: enough for ``auto_steps``.
        auto_steps : int
            Steps ``epochs="auto"`` aims for.
        seed : int
            Seeds the networks, batches, noise and augmentation.
        device : torch.device
            Where to train.
        score : callable, optional
            With it, a :class:`BestGenerator` scores the averaged generator
            :data:`SELECTION_SCORES` times during training and keeps the one
            scored lowest.
        patience : int, optional
            Scores without improvement before checkpoint selection stops the run.
        unlabelled : torch.Tensor, optional
            Encoded unlabelled samples: every batch carries as many of them
            (see :class:`ClassBalancedBatches`). The number of steps does not
            change.
        pseudo_label_threshold : float, optional
            With ``unlabelled``: admit the pool rows the discriminator's
            class head is this sure of to the labelled ones, half-way through
            (:class:`PseudoLabels`, then in :attr:`pseudo_labels`).

        Returns
        -------
        trainer : GANTrainer
            The trained trainer; ``trainer.ema.model`` is the generator kept.
        selector : BestGenerator or None
            The checkpoint-selection callback, when ``score`` was given.
        """
        batches = self.batches(Z, codes, batch_size, device, unlabelled)
        if epochs == "auto":
            epochs = max(1, math.ceil(auto_steps / len(batches)))
        callbacks, selector = list(self.callbacks), None
        if score is not None:
            every = max(1, epochs * len(batches) // SELECTION_SCORES)
            selector = BestGenerator(score, every, patience=patience)
            callbacks.insert(0, selector)  # scores a step before a checkpoint saves it
        if pseudo_label_threshold is not None and batches.unlabelled is not None:
            # first: a checkpoint saved at the labelling's step holds what it admitted
            self.pseudo_labels = PseudoLabels(batches, pseudo_label_threshold)
            callbacks.insert(0, self.pseudo_labels)
        with seeded_torch(seed, device):
            trainer = make_trainer(self.distributed)  # the networks' initial weights
            if self.is_parallel:
                # Same initial weights on every process; then each its own noise and batches.
                torch.manual_seed(rank_seed(seed, self.distributed))
            if self.resume_state is not None:
                trainer.load_state_dict(self.resume_state)
            trainer.fit(batches, epochs, callbacks)
        return trainer, selector


def check_same_run(saved: dict, current: dict, path: Any) -> None:
    """Refuse to resume from a checkpoint whose run had other parameters or data.

    Parameters
    ----------
    saved, current : dict
        The checkpoint's metadata and this run's, each with ``"params"`` and
        ``"n_samples"``, and ``"unlabelled"`` where the run had a pool.
    path : str or os.PathLike
        The checkpoint, named in the message.

    Raises
    ------
    ValueError
        Naming the parameters that changed, or the number of samples.
    """
    changed = sorted(
        k
        for k in set(saved["params"]) | set(current["params"])
        if saved["params"].get(k) != current["params"].get(k)
    )
    what = None
    if changed:
        what = f"different parameters {changed}"
    elif saved["n_samples"] != current["n_samples"]:
        what = "a different number of samples"
    elif saved.get("unlabelled") != current.get("unlabelled"):
        pools = [
            p["n_samples"] if p else 0
            for p in (saved.get("unlabelled"), current.get("unlabelled"))
        ]
        what = (
            f"another unlabelled pool ({pools[0]} rows labelled -1 there, {pools[1]} here"
            + (", the same number but other samples" if pools[0] == pools[1] else "")
            + ")"
        )
    if what is not None:
        raise ValueError(
            f"{path} was written by a run with {what}; resume with the same "
            "settings and data, or start a new run with another checkpoint file."
        )


def pool_fingerprint(X: np.ndarray) -> dict[str, Any] | None:
    """What a run's metadata records of its unlabelled pool: its size and a hash of
    its samples (SHA-256 of their bytes, shape and dtype); None for no pool.

    Parameters
    ----------
    X : ndarray
        The pool's samples, as the sampler checked them.

    Returns
    -------
    fingerprint : dict or None
        ``{"n_samples": ..., "sha256": ...}``.
    """
    if not len(X):
        return None
    digest = hashlib.sha256(f"{X.shape} {X.dtype}".encode())
    if X.dtype.kind == "O":  # a table with text columns
        digest.update(repr(X.tolist()).encode())
    else:
        digest.update(np.ascontiguousarray(X).data)
    return {"n_samples": len(X), "sha256": digest.hexdigest()}
