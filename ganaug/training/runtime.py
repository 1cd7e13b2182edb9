"""Device resolution and mixed precision: everything that depends on the hardware."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

import torch


def resolve_device(device: str | torch.device) -> torch.device:
    """Turn the ``device`` parameter into a ``torch.device``.

    Parameters
    ----------
    device : str or torch.device
        ``"auto"`` picks CUDA when available, else the CPU; anything else is
        passed to ``torch.device``.

    Returns
    -------
    device : torch.device

    Raises
    ------
    ValueError
        If the device is unknown, or CUDA is asked for and not available.
    """
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device={device!r} is not a device torch knows; use 'auto', 'cpu' "
            "or 'cuda' (optionally 'cuda:N')."
        ) from exc
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available on this "
            "machine; use device='auto' or device='cpu'."
        )
    return resolved


def amp_dtype(device: torch.device, amp: bool) -> torch.dtype | None:
    """Return the autocast dtype for ``device``, or ``None`` when AMP is off.

    Mixed precision is used on CUDA only: bfloat16 where the GPU supports it,
    else float16 (which needs gradient scaling). On the CPU training stays in
    float32, so CPU results do not depend on the ``amp`` setting.
    """
    if not amp or device.type != "cuda":
        return None
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def autocast(device: torch.device, dtype: torch.dtype | None) -> AbstractContextManager:
    """An autocast context for ``dtype``, or a no-op one when ``dtype`` is None."""
    if dtype is None:
        return nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)


def grad_scaler(device: torch.device, dtype: torch.dtype | None) -> torch.amp.GradScaler:
    """A ``GradScaler`` that is active only for float16 autocast."""
    enabled = dtype == torch.float16
    return torch.amp.GradScaler(device.type if enabled else "cpu", enabled=enabled)
