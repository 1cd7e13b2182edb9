"""Confident pseudo-labels for an unlabelled pool, from the discriminator's class head."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from torch import nn

from ..data.conditions import ClassBalancedBatches
from .callbacks import Callback

if TYPE_CHECKING:
    from .trainer import GANTrainer

# Share of the planned steps before the pool is pseudo-labelled: the class head
# has learned the labelled rows (and, through the shared features, the pool) by then,
# and the generator still has half the run to learn the rows admitted.
PSEUDO_LABEL_WARMUP = 0.5
# Pool rows the discriminator scores per forward pass.
SCORE_BATCH = 256


class PseudoLabels(Callback):
    """Admit the pool rows the discriminator is sure of to the classes the generator learns.

    Once, after ``warmup`` of the planned steps, the discriminator's
    auxiliary classifier (its class head) gives every unlabelled row of
    ``batches`` class probabilities, without augmentation; the rows whose
    highest probability is at least ``threshold`` join the labelled rows
    with that class (:meth:`ClassBalancedBatches.admit`) for the rest of the
    run, as class-balanced as the labelled ones. What was admitted is saved
    with the run's checkpoints, so a resumed run admits the same rows.

    Parameters
    ----------
    batches : ClassBalancedBatches
        The run's batches, with an unlabelled pool.
    threshold : float
        Probability a pseudo-label needs.
    warmup : float, default=PSEUDO_LABEL_WARMUP
        Share of the planned steps before the pool is labelled.

    Attributes
    ----------
    rows : torch.Tensor or None
        After the labelling: indices of the admitted rows in the pool.
    codes : torch.Tensor or None
        Their class codes.
    """

    def __init__(
        self, batches: ClassBalancedBatches, threshold: float, warmup: float = PSEUDO_LABEL_WARMUP
    ) -> None:
        self.batches = batches
        self.threshold = threshold
        self.warmup = warmup
        self.at_step: int | None = None
        self.rows: torch.Tensor | None = None
        self.codes: torch.Tensor | None = None

    def on_train_begin(self, trainer: GANTrainer) -> None:
        """Set the step of the labelling from the planned steps."""
        planned = trainer.planned_steps or 0
        self.at_step = max(1, round(self.warmup * planned))

    def on_step_end(self, trainer: GANTrainer, record: dict[str, torch.Tensor]) -> None:
        """Label the pool and admit the confident rows, at the step set."""
        if self.rows is None and trainer.step >= self.at_step:
            self._admit(*self._label(trainer.discriminator))

    @torch.no_grad()
    def _label(self, discriminator: nn.Module) -> tuple[torch.Tensor, torch.Tensor]:
        """The confident rows of the pool and their class codes."""
        pool = self.batches.unlabelled
        training = discriminator.training
        discriminator.eval()  # spectral norm keeps its power iteration where it is
        try:
            probabilities = []
            for start in range(0, len(pool), SCORE_BATCH):
                x = pool[start : start + SCORE_BATCH]
                no_class = torch.full((len(x),), -1, device=x.device)
                probabilities.append(discriminator(x, no_class)[1].float().softmax(dim=1))
        finally:
            discriminator.train(training)
        confidence, codes = torch.cat(probabilities).max(dim=1)
        rows = torch.nonzero(confidence >= self.threshold).squeeze(1)
        return rows, codes[rows]

    def _admit(self, rows: torch.Tensor, codes: torch.Tensor) -> None:
        self.rows, self.codes = rows.cpu(), codes.cpu()
        if len(rows):
            pool = self.batches.unlabelled
            self.batches.admit(pool[rows.to(pool.device)], codes.to(self.batches.y.dtype))

    def state_dict(self) -> dict:
        """The admitted rows and their codes (empty before the labelling)."""
        if self.rows is None:
            return {}
        return {"rows": self.rows.tolist(), "codes": self.codes.tolist()}

    def load_state_dict(self, state: dict) -> None:
        """Admit the rows a resumed run had admitted."""
        if state:
            rows = torch.as_tensor(state["rows"], dtype=torch.long)
            self._admit(rows, torch.as_tensor(state["codes"], dtype=torch.long))
