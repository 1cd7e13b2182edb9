"""Keep the generator that scores best during training, and stop when it stops improving."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING

import torch
from torch import nn

from .callbacks import Callback
from .distributed import mean_across_ranks

if TYPE_CHECKING:
    from .trainer import GANTrainer


class BestGenerator(Callback):
    """Score the averaged generator every ``every`` steps; end with the best one.

    Small data sets let a discriminator overfit, after which the generator
    can get worse while the losses look steady; the last step is then not the
    best. This hook scores the averaged (EMA) generator on a validation
    signal, keeps a copy of the best-scoring weights, and puts them back into
    ``trainer.ema.model`` when training ends. With ``patience`` it also stops
    training early.

    Parameters
    ----------
    score : callable
        ``score(generator) -> float``, lower is better, e.g. a kernel distance
        between generated and real samples of the minority class. It gets the
        averaged generator in eval mode and must leave torch's global random
        stream as it found it (draw its noise inside
        :func:`ganaug.utils._random.seeded_torch`), so that scoring does not
        change training.
    every : int
        Steps between scores. The last step is always scored.
    patience : int or None, default=None
        Stop training after this many scores in a row without improvement;
        None trains to the end.

    Attributes
    ----------
    scores : list of (int, float)
        ``(step, score)`` of every evaluation so far, averaged over the
        processes of a distributed run.
    best_step : int or None
        Step of the best score so far.
    """

    def __init__(
        self, score: Callable[[nn.Module], float], every: int, patience: int | None = None
    ) -> None:
        if every < 1:
            raise ValueError(f"every must be a positive number of steps, got {every}.")
        if patience is not None and patience < 1:
            raise ValueError(f"patience must be a positive integer or None, got {patience}.")
        self.score = score
        self.every = every
        self.patience = patience
        self.scores: list[tuple[int, float]] = []
        self.best_step: int | None = None
        self._best_state: dict[str, torch.Tensor] | None = None
        self._best_score = float("inf")
        self._since_best = 0

    def _evaluate(self, trainer: GANTrainer) -> None:
        generator = trainer.ema.model
        with torch.no_grad():
            value = torch.tensor(float(self.score(generator)))
        value = float(mean_across_ranks({"score": value}, trainer.distributed)["score"])
        self.scores.append((trainer.step, value))
        if value < self._best_score:
            self._best_score, self.best_step = value, trainer.step
            self._best_state = copy.deepcopy(generator.state_dict())
            self._since_best = 0
        else:
            self._since_best += 1
            if self.patience is not None and self._since_best >= self.patience:
                trainer.stop_training = True

    def state_dict(self) -> dict:
        """The scores so far and the best weights, for a resumed run to carry on."""
        return {
            "scores": [list(pair) for pair in self.scores],
            "best_step": self.best_step,
            "best_score": self._best_score,
            "since_best": self._since_best,
            "best_state": self._best_state,
        }

    def load_state_dict(self, state: dict) -> None:
        """Restore :meth:`state_dict`'s output."""
        self.scores = [(int(step), float(score)) for step, score in state["scores"]]
        self.best_step, self._best_score = state["best_step"], state["best_score"]
        self._since_best, self._best_state = state["since_best"], state["best_state"]

    def on_train_begin(self, trainer: GANTrainer) -> None:
        """Stop at once when a restored run had already run out of patience."""
        if self.patience is not None and self._since_best >= self.patience:
            trainer.stop_training = True

    def on_step_end(self, trainer: GANTrainer, record: dict[str, torch.Tensor]) -> None:
        """Score the generator when the step count is a multiple of ``every``."""
        if trainer.step % self.every == 0:
            self._evaluate(trainer)

    def on_train_end(self, trainer: GANTrainer) -> None:
        """Score the last step if it was not scored, then restore the best weights.

        When no score was finite, the last weights stay.
        """
        if not self.scores or self.scores[-1][0] != trainer.step:
            self._evaluate(trainer)
        if self._best_state is not None:
            trainer.ema.model.load_state_dict(self._best_state)
