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
    """

    def __init__(
        self, X: torch.Tensor, y: torch.Tensor, batch_size: int, n_batches: int | None = None
    ) -> None:
        self.X, self.y = X, y
        self.batch_size = min(batch_size, len(y))
        self.n_batches = n_batches
        counts = torch.bincount(y).double()
        self.weights = (1.0 / counts)[y].cpu()

    def __len__(self) -> int:
        if self.n_batches is not None:
            return self.n_batches
        return -(-len(self.y) // self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        for _ in range(len(self)):
            rows = torch.multinomial(self.weights, self.batch_size, replacement=True)
            rows = rows.to(self.y.device)
            yield self.X[rows], self.y[rows]
