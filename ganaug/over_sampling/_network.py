"""What the samplers that train networks share: the training run, long runs with
checkpoints and processes, saving, loading and pickling."""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from imblearn.utils import check_sampling_strategy
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from ..data.conditions import ClassBalancedBatches
from ..io.checkpoint import load_checkpoint, save_checkpoint
from ..training.callbacks import Callback, Checkpoint, load_training_state
from ..training.checkpoint_selection import BestGenerator
from ..training.diffaugment import parse_policy
from ..training.distributed import DistributedContext, rank_seed, shard_rows
from ..training.runtime import resolve_device
from ..training.trainer import GANTrainer
from ..utils._random import seeded_torch
from ..utils._validation import class_label
from ._base import SyntheticOversampler
from ._persistence import from_checkpoint, plain_params, to_checkpoint

# Scores per run of a checkpoint-selection callback.
SELECTION_SCORES = 20


@dataclass
class _Run:
    """How one training run goes beyond a plain fit: hooks, resume state, processes."""

    callbacks: list[Callback] = field(default_factory=list)
    distributed: DistributedContext | None = None
    resume_state: dict | None = None


class NetworkOversampler(SyntheticOversampler):
    """Base of the samplers whose synthetic rows come from a trained generator.

    Subclasses implement :meth:`_fit_generator` (encode, then
    :meth:`_train_networks`), :meth:`_build_networks`, :meth:`_make_trainer`
    and :meth:`_auto_steps`, and name in ``SAMPLE_CHOICE_PARAMS`` the
    parameters that only choose among the trained generator's samples.
    """

    SAMPLE_CHOICE_PARAMS: tuple[str, ...] = ()

    # -- hooks ----------------------------------------------------------------
    def _fit_generator(self, X: np.ndarray, y: np.ndarray, rng, run: _Run) -> None:
        """Fit the encoder and the networks on checked ``X, y``."""
        raise NotImplementedError

    def _build_networks(self) -> tuple[torch.nn.Module, torch.nn.Module]:
        """A fresh generator and discriminator for the fitted encoder and classes."""
        raise NotImplementedError

    def _make_trainer(self, generator, discriminator, policy, context) -> GANTrainer:
        """The trainer of the two networks, with the sampler's settings."""
        raise NotImplementedError

    def _auto_steps(self) -> int:
        """Generator updates that ``epochs="auto"`` aims for."""
        raise NotImplementedError

    # -- shared ---------------------------------------------------------------
    def _fit_synthesis(self, X: np.ndarray, y: np.ndarray, rng) -> None:
        self._fit_generator(X, y, rng, _Run())

    def _check_class(self, y: Any) -> None:
        """Refuse a class the sampler was not fitted on, naming the ones it was."""
        if y not in set(self.classes_.tolist()):
            raise ValueError(
                f"y={class_label(y)} is not a class seen during fit; choose one of "
                f"{self.classes_.tolist()}."
            )

    def _common_trainer_kwargs(self, policy: tuple[str, ...], context) -> dict:
        """:class:`GANTrainer` settings that every network sampler has."""
        return {
            "loss": self.loss,
            "generator_lr": self.generator_lr,
            "discriminator_lr": self.discriminator_lr,
            "discriminator_steps": self.discriminator_steps,
            "r1_gamma": self.r1_gamma,
            "augment": policy,
            "class_loss_weight": self.class_loss_weight,
            "ema_half_life": self.ema_half_life,
            "device": self.device_,
            "amp": self.amp,
            "compile": self.compile,
            "distributed": context,
            "verbose": self.verbose,
        }

    def _image_augment_policy(self, default: str) -> tuple[str, ...]:
        """The DiffAugment policy of ``augment`` for images (``"auto"``: ``default``)."""
        return parse_policy(default if self.augment == "auto" else self.augment)

    def _train_networks(
        self,
        Z: torch.Tensor,
        codes: np.ndarray,
        policy: tuple[str, ...],
        seed: int,
        run: _Run,
        score: Callable[[torch.nn.Module], float] | None = None,
    ) -> tuple[GANTrainer, BestGenerator | None]:
        """Train the networks on encoded samples ``Z`` of class codes ``codes``.

        With ``score``, a :class:`BestGenerator` callback keeps the generator
        it scores lowest. Sets ``generator_`` (the averaged generator) and
        ``history_``; returns the trainer and that callback.
        """
        context = run.distributed
        n_batches = None
        if context is not None and context.is_parallel:
            # Each process trains on its own rows; all take the same number of steps.
            n_batches = math.ceil(len(codes) / (context.world_size * self.batch_size))
            rows = shard_rows(codes, context)
            Z, codes = Z[rows], codes[rows]
        batches = ClassBalancedBatches(
            Z.to(self.device_),
            torch.as_tensor(codes, device=self.device_),
            self.batch_size,
            n_batches=n_batches,
        )
        epochs = self.epochs
        if epochs == "auto":
            epochs = max(1, math.ceil(self._auto_steps() / len(batches)))
        callbacks, selector = list(run.callbacks), None
        if score is not None:
            every = max(1, epochs * len(batches) // SELECTION_SCORES)
            patience = getattr(self, "n_iter_no_change", None)
            selector = BestGenerator(score, every, patience=patience)
            callbacks.insert(0, selector)  # scores a step before a checkpoint saves it
        with seeded_torch(seed, self.device_):
            generator, discriminator = self._build_networks()
            if context is not None and context.is_parallel:
                # Same initial weights on every process; then each its own noise and batches.
                torch.manual_seed(rank_seed(seed, context))
            trainer = self._make_trainer(generator, discriminator, policy, context)
            if run.resume_state is not None:
                trainer.load_state_dict(run.resume_state)
            self.history_ = trainer.fit(batches, epochs, callbacks)
        self.generator_ = trainer.ema.model
        return trainer, selector

    def fit_generator(
        self,
        X,
        y,
        *,
        checkpoint: str | os.PathLike | None = None,
        checkpoint_every: int = 500,
        resume: bool = False,
        callbacks: Sequence[Callback] = (),
        distributed: DistributedContext | None = None,
    ):
        """Train the generator on ``X, y`` without drawing samples, for long runs.

        :meth:`fit_resample` minus the synthetic samples, plus what long runs
        need: periodic checkpoints to resume from, training callbacks (e.g.
        TensorBoard) and data-parallel training under ``torchrun``. With the
        same parameters, the fitted generator is the one :meth:`fit_resample`
        trains; use :meth:`save` afterwards.

        Parameters
        ----------
        X : array-like or pandas.DataFrame
            Samples, as for :meth:`fit_resample`.
        y : array-like of shape (n_samples,)
            Class labels.
        checkpoint : str or os.PathLike, optional
            File for the training state (networks, optimisers, EMA, RNG),
            replaced atomically every ``checkpoint_every`` steps and at the end.
        checkpoint_every : int, default=500
            Steps between checkpoints.
        resume : bool, default=False
            Continue from ``checkpoint`` when that file exists (a new run
            starts otherwise). The parameters must be those of the run that
            wrote it, except ``device``, ``verbose`` and those that only choose
            among the generator's samples (``SAMPLE_CHOICE_PARAMS``).
        callbacks : sequence of Callback, default=()
            Extra training hooks, e.g.
            :class:`ganaug.training.tensorboard.TensorBoardLogger`.
        distributed : DistributedContext, optional
            From :func:`ganaug.training.distributed.distributed_session`: each
            process trains on its share of the data (``batch_size`` is per
            process), gradients are averaged, and only rank 0 writes the
            checkpoint. Every process ends with the same generator.

        Returns
        -------
        self : object
            The fitted sampler.
        """
        self._validate_params()
        check_classification_targets(y)
        X, y, _ = self._check_X_y(X, y)
        self.sampling_strategy_ = check_sampling_strategy(
            self.sampling_strategy, y, self._sampling_type
        )
        run = _Run(callbacks=list(callbacks), distributed=distributed)
        if checkpoint is not None:
            metadata = {"params": self._resumable_params(), "n_samples": len(y)}
            if resume and Path(checkpoint).is_file():
                run.resume_state, saved = load_training_state(checkpoint)
                _check_same_run(saved, metadata, checkpoint)
            run.callbacks.append(Checkpoint(checkpoint, checkpoint_every, metadata))
        self._fit_generator(X, y, check_random_state(self.random_state), run)
        return self

    def _resumable_params(self) -> dict:
        params = plain_params(self.get_params(deep=False))
        ignored = ("device", "verbose", *self.SAMPLE_CHOICE_PARAMS)
        return {k: v for k, v in params.items() if k not in ignored}

    # -- persistence ----------------------------------------------------------
    def save(self, path: str | os.PathLike) -> Path:
        """Save the fitted sampler to one file, atomically.

        The file holds tensors and plain values only (network weights,
        encoder state, parameters, history), so :meth:`load` reads it with
        ``torch.load(weights_only=True)`` and never runs code from it.
        Parameters that are not plain values (a callable ``sampling_strategy``,
        a ``RandomState`` instance) are not saved.

        Parameters
        ----------
        path : str or os.PathLike
            Destination file, e.g. ``"sampler.pt"``.

        Returns
        -------
        path : pathlib.Path
        """
        check_is_fitted(self, "generator_")
        return save_checkpoint(to_checkpoint(self), path)

    @classmethod
    def load(cls, path: str | os.PathLike, device: str = "auto"):
        """Load a sampler saved by :meth:`save`, ready to generate.

        Parameters
        ----------
        path : str or os.PathLike
            File written by :meth:`save`.
        device : str, default="auto"
            Where to generate; a checkpoint made on a GPU loads on a CPU.

        Returns
        -------
        sampler : object
            A fitted sampler of this class.
        """
        return from_checkpoint(cls, load_checkpoint(path), resolve_device(device))

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        generator = state.get("generator_")
        if generator is not None and any(p.is_cuda for p in generator.parameters()):
            state["generator_"] = copy.deepcopy(generator).cpu()
        # Spectral norm's parametrized layers refuse to be pickled: keep the weights.
        discriminator = state.pop("discriminator_", None)
        if discriminator is not None:
            state["_discriminator_weights"] = {
                k: v.detach().cpu() for k, v in discriminator.state_dict().items()
            }
        return state

    def __setstate__(self, state: dict) -> None:
        device = state.get("device_")
        if device is not None and device.type == "cuda" and not torch.cuda.is_available():
            state["device_"] = torch.device("cpu")
        weights = state.pop("_discriminator_weights", None)
        super().__setstate__(state)
        if weights is not None:
            _, discriminator = self._build_networks()
            discriminator.load_state_dict(weights)
            self.discriminator_ = discriminator.to(self.device_).eval().requires_grad_(False)


def _check_same_run(saved: dict, current: dict, path: Any) -> None:
    changed = sorted(
        k
        for k in set(saved["params"]) | set(current["params"])
        if saved["params"].get(k) != current["params"].get(k)
    )
    if changed or saved["n_samples"] != current["n_samples"]:
        what = f"parameters {changed}" if changed else "the number of samples"
        raise ValueError(
            f"{path} was written by a run with different {what}; resume with the same "
            "settings and data, or start a new run with another checkpoint file."
        )
