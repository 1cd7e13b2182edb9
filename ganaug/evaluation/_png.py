"""Sample grids as PNG, with no imaging library: images and the middle slices of volumes."""

from __future__ import annotations

import struct
import zlib

import numpy as np

GAP = 2


def encode_png(image: np.ndarray) -> bytes:
    """Encode a uint8 grey ``(H, W)`` or RGB ``(H, W, 3)`` array as PNG bytes.

    Parameters
    ----------
    image : ndarray of uint8
        The picture.

    Returns
    -------
    png : bytes
    """
    image = np.ascontiguousarray(image, dtype=np.uint8)
    height, width = image.shape[:2]
    colour = 2 if image.ndim == 3 else 0
    rows = image.reshape(height, -1)
    raw = b"".join(b"\x00" + row.tobytes() for row in rows)

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _tiles(sample: np.ndarray, spatial_dims: int) -> list[np.ndarray]:
    """2D grey pictures of one sample: the image, or three middle slices of a volume."""
    if sample.ndim > spatial_dims:  # channels first: show the first channel
        sample = sample[0]
    if spatial_dims == 2:
        return [sample]
    return [np.take(sample, sample.shape[axis] // 2, axis=axis) for axis in range(3)]


def sample_grid(
    rows: dict[str, np.ndarray],
    sample_shape: tuple[int, ...],
    spatial_dims: int,
    value_range: tuple[float, float],
    zoom: int = 3,
) -> np.ndarray:
    """Lay out samples, one row per source, as a uint8 picture.

    Parameters
    ----------
    rows : dict
        Source name to flat samples ``(k, prod(sample_shape))``.
    sample_shape : tuple of int
        Shape of one sample.
    spatial_dims : {2, 3}
        Images, or volumes shown as their three orthogonal middle slices.
    value_range : tuple of float
        Values mapped to black and white.
    zoom : int, default=3
        Pixel repetition factor.

    Returns
    -------
    picture : ndarray of uint8, shape (H, W)
    """
    low, high = value_range
    scale = 255.0 / (high - low) if high > low else 1.0
    rendered = []
    for flat in rows.values():
        tiles = []
        for sample in np.asarray(flat, dtype=np.float64).reshape(-1, *sample_shape):
            tiles += _tiles(sample, spatial_dims)
        rendered.append(tiles)
    tile_h = max(t.shape[0] for tiles in rendered for t in tiles)
    tile_w = max(t.shape[1] for tiles in rendered for t in tiles)
    n_cols = max(len(tiles) for tiles in rendered)
    picture = np.full((len(rendered) * (tile_h + GAP) + GAP, n_cols * (tile_w + GAP) + GAP), 255.0)
    for r, tiles in enumerate(rendered):
        for c, tile in enumerate(tiles):
            top, left = GAP + r * (tile_h + GAP), GAP + c * (tile_w + GAP)
            picture[top : top + tile.shape[0], left : left + tile.shape[1]] = (tile - low) * scale
    picture = np.clip(picture, 0, 255).astype(np.uint8)
    return picture.repeat(zoom, axis=0).repeat(zoom, axis=1)
