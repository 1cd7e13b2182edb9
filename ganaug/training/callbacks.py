"""Hooks into the training loop: the callback protocol and periodic checkpoints."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from ..io.checkpoint import load_checkpoint, save_checkpoint

if TYPE_CHECKING:
    from .trainer import GANTrainer

TRAINING_CHECKPOINT_FORMAT = "ganaug.training/1"


class Callback:
    """Base class of training hooks; each method is a no-op by default.

    The trainer calls the hooks on every process of a distributed run, so a
    hook may take part in collective operations; it writes files only where
    ``trainer.is_main``.
    """

    def on_train_begin(self, trainer: GANTrainer) -> None:
        """Called once before the first step (also when resuming)."""

    def on_step_end(self, trainer: GANTrainer, record: dict[str, torch.Tensor]) -> None:
        """Called after each step with its losses (averaged over processes)."""

    def on_train_end(self, trainer: GANTrainer) -> None:
        """Called once after the last step."""

    def state_dict(self) -> dict:
        """What a resumed run needs of this hook (saved in training checkpoints)."""
        return {}

    def load_state_dict(self, state: dict) -> None:
        """Restore :meth:`state_dict`'s output when a run resumes."""


class Checkpoint(Callback):
    """Save the whole training state every ``every`` steps and at the end.

    The file holds the generator, discriminator, optimisers, gradient
    scalers, EMA, step count, history, the state of the other hooks (e.g.
    checkpoint selection) and the RNG state of every process, as
    tensors and plain values (written atomically; read with
    ``weights_only=True``). :func:`load_training_state` reads it back for
    :meth:`GANTrainer.load_state_dict`.

    Parameters
    ----------
    path : str or os.PathLike
        The checkpoint file; each save replaces it atomically.
    every : int, default=500
        Steps between saves.
    metadata : dict, optional
        Plain values stored beside the state (e.g. the sampler parameters),
        returned by :func:`load_training_state`.
    stages : dict, optional
        The states of stages finished before the networks' training (e.g. a
        latent autoencoder), stored in every save; the dict is read at each
        save, so stages recorded later are saved too.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        every: int = 500,
        metadata: dict | None = None,
        stages: dict | None = None,
    ) -> None:
        if every < 1:
            raise ValueError(f"Checkpoint every must be a positive number of steps, got {every}.")
        self.path = Path(path)
        self.every = every
        self.metadata = metadata or {}
        self.stages = {} if stages is None else stages

    def save(self, trainer: GANTrainer | None) -> None:
        """Save now (a collective call in distributed runs: every rank calls it).

        Without a trainer (before the networks' training starts; call it on
        the main process only) just the finished stages are saved; a run
        resumed from that file trains the networks from the start.
        """
        state = trainer.state_dict() if trainer is not None else None
        if trainer is None or trainer.is_main:
            payload = {
                "format": TRAINING_CHECKPOINT_FORMAT,
                "metadata": self.metadata,
                "trainer": state,
            }
            if self.stages:
                payload["stages"] = self.stages
            save_checkpoint(payload, self.path)

    def on_step_end(self, trainer: GANTrainer, record: dict[str, torch.Tensor]) -> None:
        """Save when the step count is a multiple of ``every``."""
        if trainer.step % self.every == 0:
            self.save(trainer)

    def on_train_end(self, trainer: GANTrainer) -> None:
        """Save the final state, unless the last step just did."""
        if trainer.step % self.every != 0:
            self.save(trainer)


def load_training_state(path: str | os.PathLike) -> tuple[dict | None, dict[str, Any]]:
    """Read a file written by :class:`Checkpoint`.

    Parameters
    ----------
    path : str or os.PathLike
        The checkpoint file.

    Returns
    -------
    state : dict or None
        For :meth:`GANTrainer.load_state_dict`; None when the file was saved
        before the networks' first step (it holds finished stages only).
    metadata : dict
        What the :class:`Checkpoint` was given as ``metadata``.

    Raises
    ------
    ValueError
        If the file is not a training checkpoint.
    """
    payload = read_training_checkpoint(path)
    return payload["trainer"], payload["metadata"]


def read_training_checkpoint(path: str | os.PathLike) -> dict[str, Any]:
    """Read a file written by :class:`Checkpoint`: the whole payload.

    Parameters
    ----------
    path : str or os.PathLike
        The checkpoint file.

    Returns
    -------
    payload : dict
        ``"trainer"`` (the trainer's state or None), ``"metadata"`` and
        ``"stages"`` (the finished stages' states; empty when none).

    Raises
    ------
    ValueError
        If the file is not a training checkpoint.
    """
    payload = load_checkpoint(path)
    if not isinstance(payload, dict) or payload.get("format") != TRAINING_CHECKPOINT_FORMAT:
        raise ValueError(
            f"{path} is not a ganaug training checkpoint (expected format "
            f"{TRAINING_CHECKPOINT_FORMAT!r}); a model saved by GANOversampler.save "
            "cannot be resumed."
        )
    return {**payload, "stages": payload.get("stages") or {}}
