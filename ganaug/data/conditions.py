"""Class-balanced batches: every class is seen equally often during training."""

from __future__ import annotations

from collections.abc import Iterator

import torch


class ClassBalancedBatches:
    """Iterate over ``(x, y)`` batches drawn with equal probability per class.

    Minority classes of tens of samples would otherwise appear in few batches;
    drawing rows with weight ``1 / count(class)`` gives the conditional
    generator as many minority as majority examples to learn from (CTGAN's
    "training by sampling" idea applied to the class label). One pass yields
    ``ceil(n_samples / batch_size)`` batches (unless ``n_batches`` says
    otherwise), so an epoch sees as many rows as the data set holds. Rows are
    drawn from torch's global RNG.

    Parameters
    ----------
    X : torch.Tensor
        Encoded samples, first axis the sample axis.
    y : torch.Tensor
        Integer class codes in ``[0, n_classes)``, shape ``(n_samples,)``.
    batch_size : int
        Rows per batch (capped at the number of samples).
    n_batches : int, optional
        Batches per pass, instead of ``ceil(n_samples / batch_size)``; data
        parallel training sets it so that every process takes as many steps.
    unlabelled : torch.Tensor, optional
        Encoded unlabelled samples (an unlabelled pool). With them, every
        batch is ``(x, y, x_unlabelled)``: as many pool rows as ``x`` has (at
        most the pool's size), drawn uniformly with replacement after the
        labelled rows. The pool does not change the number of batches.
    """

    def __init__(
        self,
        X: torch.Tensor,
        y: torch.Tensor,
        batch_size: int,
        n_batches: int | None = None,
        unlabelled: torch.Tensor | None = None,
    ) -> None:
        self.X, self.y = X, y
        self.batch_size = min(batch_size, len(y))
        self.n_batches = n_batches
        self.unlabelled = unlabelled if unlabelled is not None and len(unlabelled) else None
        self._set_weights()

    def _set_weights(self) -> None:
        counts = torch.bincount(self.y).double()
        self.weights = (1.0 / counts)[self.y].cpu()

    def admit(self, X: torch.Tensor, y: torch.Tensor) -> None:
        """Add rows to the labelled ones (pseudo-labelled pool rows), from the next batch on.

        The number of batches per pass stays what it was, so a run takes the
        steps it planned; the class weights count the new rows.
        """
        self.n_batches = len(self)
        self.X = torch.cat([self.X, X.to(self.X.device)])
        self.y = torch.cat([self.y, y.to(self.y.device)])
        self._set_weights()

    def __len__(self) -> int:
        if self.n_batches is not None:
            return self.n_batches
        return -(-len(self.y) // self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        for _ in range(len(self)):
            rows = torch.multinomial(self.weights, self.batch_size, replacement=True)
            rows = rows.to(self.y.device)
            if self.unlabelled is None:
                yield self.X[rows], self.y[rows]
                continue
            n = min(self.batch_size, len(self.unlabelled))
            pool = torch.randint(len(self.unlabelled), (n,)).to(self.unlabelled.device)
            yield self.X[rows], self.y[rows], self.unlabelled[pool]
