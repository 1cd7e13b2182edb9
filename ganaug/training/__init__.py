"""Training of a conditional generator/discriminator pair, independent of sklearn."""

from .history import History
from .trainer import GANTrainer

__all__ = ["GANTrainer", "History"]
