"""Images and volumes <-> generator space: channel-first float tensors in [-1, 1]."""

from __future__ import annotations

import numpy as np

from ._range import check_value_range

MAX_CHANNELS_WITHOUT_HINT = 4


def image_layout(
    sample_shape: tuple[int, ...], spatial_dims: int | None
) -> tuple[int, tuple[int, ...]]:
    """Split one sample's shape into (channels, spatial shape).

    Parameters
    ----------
    sample_shape : tuple of int
        Shape of one sample: ``(H, W)``, ``(C, H, W)``, ``(D, H, W)`` or
        ``(C, D, H, W)``.
    spatial_dims : {2, 3} or None
        Number of spatial dimensions. None infers it: 2 axes are an image,
        4 axes a multi-channel volume, and 3 axes are a multi-channel image
        when the first axis has at most 4 entries (grey, RGB, RGBA), else a
        volume. Pass ``spatial_dims`` when that guess is wrong.

    Returns
    -------
    channels : int
    spatial_shape : tuple of int

    Raises
    ------
    ValueError
        If the shape cannot be an image or volume of ``spatial_dims``.
    """
    shape = tuple(int(s) for s in sample_shape)
    if spatial_dims is None:
        if len(shape) == 3:
            spatial_dims = 2 if shape[0] <= MAX_CHANNELS_WITHOUT_HINT else 3
        else:
            spatial_dims = {2: 2, 4: 3}.get(len(shape))
    if spatial_dims not in (2, 3) or len(shape) not in (spatial_dims, spatial_dims + 1):
        raise ValueError(
            f"A sample of shape {shape} is neither an image (H, W) / (C, H, W) nor "
            "a volume (D, H, W) / (C, D, H, W)"
            + (f" with spatial_dims={spatial_dims}" if spatial_dims else "")
            + "; pass image_shape and spatial_dims to say how to read it."
        )
    if any(s < 4 for s in shape[-spatial_dims:]):
        raise ValueError(
            f"Spatial size {shape[-spatial_dims:]} is too small: every spatial axis "
            "needs at least 4 pixels."
        )
    channels = shape[0] if len(shape) == spatial_dims + 1 else 1
    return channels, shape[-spatial_dims:]


class ImageEncoder:
    """Scale images linearly to [-1, 1] and back to their dtype and range.

    The scale is the data set's own minimum and maximum (uint8 images map
    0..255, CT in HU maps its observed window), so decoded samples never
    leave the range of the training data, and integer data stay integers.

    Parameters
    ----------
    sample_shape : tuple of int
        Shape of one sample as the user holds it (without the batch axis).
    spatial_dims : {2, 3} or None, default=None
        See :func:`image_layout`.
    """

    def __init__(self, sample_shape: tuple[int, ...], spatial_dims: int | None = None):
        self.sample_shape = tuple(int(s) for s in sample_shape)
        self.spatial_dims = spatial_dims
        self.channels, self.spatial_shape = image_layout(self.sample_shape, spatial_dims)

    def fit(self, X: np.ndarray) -> ImageEncoder:
        """Record the value range and dtype of ``X`` (shape ``(n, *sample_shape)``).

        Raises
        ------
        ValueError
            If the range is too wide to compute with (its width overflows
            float64, as for values near ±1.8e308).
        """
        low, high = float(np.min(X)), float(np.max(X))
        check_value_range(low, high)
        self.low_, self.high_ = low, high
        self.dtype_ = np.dtype(X.dtype)
        return self

    def _work_dtype(self) -> type:
        """float32, unless the values or their range leave float32's (then float64)."""
        largest = max(abs(self.low_), abs(self.high_), self.high_ - self.low_)
        return np.float32 if largest < float(np.finfo(np.float32).max) / 2 else np.float64

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Return float32 ``(n, C, *spatial)`` scaled to [-1, 1] (computed in float64
        where float32 cannot hold the values or their range)."""
        scale = max(self.high_ - self.low_, float(np.finfo(np.float32).eps))
        Z = (np.asarray(X, dtype=self._work_dtype()) - self.low_) / scale * 2.0 - 1.0
        return Z.astype(np.float32, copy=False).reshape(len(X), self.channels, *self.spatial_shape)

    def unscale(self, Z: np.ndarray) -> np.ndarray:
        """Map ``(n, C, *spatial)`` values in [-1, 1] back to the data's units: float64
        ``(n, *sample_shape)`` inside the training range, not yet rounded or cast to
        the training dtype (what :func:`ganaug.data.values.match_values` takes)."""
        Z = np.clip(np.asarray(Z, dtype=np.float64), -1.0, 1.0)
        X = np.clip((Z + 1.0) / 2.0 * (self.high_ - self.low_) + self.low_, self.low_, self.high_)
        return X.reshape(len(Z), *self.sample_shape)

    def inverse_transform(self, Z: np.ndarray) -> np.ndarray:
        """Map ``(n, C, *spatial)`` values in [-1, 1] back to ``(n, *sample_shape)``,
        inside the training range (so finite in the training dtype)."""
        X = self.unscale(Z)
        if self.dtype_.kind in "iub":
            X = np.round(X)
        return X.astype(self.dtype_)

    def to_state(self) -> dict:
        """Fitted state as plain values (loadable with ``weights_only``)."""
        return {
            "sample_shape": list(self.sample_shape),
            "spatial_dims": self.spatial_dims,
            "low": self.low_,
            "high": self.high_,
            "dtype": self.dtype_.str,
        }

    @classmethod
    def from_state(cls, state: dict) -> ImageEncoder:
        """Rebuild a fitted encoder from :meth:`to_state`'s output."""
        encoder = cls(tuple(state["sample_shape"]), state["spatial_dims"])
        encoder.low_, encoder.high_ = state["low"], state["high"]
        encoder.dtype_ = np.dtype(state["dtype"])
        return encoder
