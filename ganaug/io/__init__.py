"""Reading and writing files: checkpoints (and, later, medical images)."""

from .checkpoint import load_checkpoint, save_checkpoint

__all__ = ["load_checkpoint", "save_checkpoint"]
