"""Every figure of the lift report, drawn with matplotlib (no display needed).

Figures are built on :class:`matplotlib.figure.Figure` directly, not through
``pyplot``: no global state, no backend to choose, nothing left open.
:func:`save_figure` writes each one as PNG (embedded in the HTML report) and SVG.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

# Okabe and Ito's palette, readable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000")
ORACLE_COLOUR = "#009E73"
CHANGE_MAP = "PuOr"  # diverging and colour-blind-safe: orange darker, purple brighter
TILE_INCHES = 0.9
LABEL_INCHES = 1.9


def save_figure(figure: Figure, folder: Path, stem: str) -> bytes:
    """Write ``stem.png`` and ``stem.svg`` into ``folder``; return the PNG bytes.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The figure.
    folder : pathlib.Path
        Where to write.
    stem : str
        File name without extension.

    Returns
    -------
    png : bytes
        The PNG file's content, for embedding.
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    png = buffer.getvalue()
    (folder / f"{stem}.png").write_bytes(png)
    figure.savefig(folder / f"{stem}.svg", format="svg", bbox_inches="tight")
    return png


def lift_figure(
    lift: pd.DataFrame, per_seed: Mapping[str, Sequence[float]], metric: str
) -> Figure:
    """Paired lift over doing nothing per method: mean, 95% interval and the seeds.

    Parameters
    ----------
    lift : pandas.DataFrame
        Indexed by method, with ``mean_lift``, ``ci_low`` and ``ci_high``.
    per_seed : mapping
        Method to its per-seed lifts.
    metric : str
        The metric's name, for the axis.

    Returns
    -------
    figure : matplotlib.figure.Figure
    """
    methods = list(lift.index)
    figure = Figure(figsize=(7.0, 0.45 * len(methods) + 1.4))
    axes = figure.add_subplot()
    rows = np.arange(len(methods))[::-1]  # first method on top
    axes.axvline(0.0, color="grey", linestyle="--", linewidth=1, label="none (no lift)")
    for row, method in zip(rows, methods, strict=True):
        colour = ORACLE_COLOUR if method == "oracle" else PALETTE[0]
        seeds = np.asarray(per_seed.get(method, []), dtype=float)
        jitter = np.linspace(-0.15, 0.15, len(seeds)) if len(seeds) > 1 else np.zeros(len(seeds))
        axes.scatter(seeds, row + jitter, s=12, color="#999999", zorder=2)
        entry = lift.loc[method]
        if np.isfinite(entry.ci_low) and np.isfinite(entry.ci_high):
            axes.plot([entry.ci_low, entry.ci_high], [row, row], color=colour, linewidth=2.5)
        axes.scatter([entry.mean_lift], [row], s=45, color=colour, zorder=3)
    if "oracle" in lift.index:
        axes.axvline(
            lift.loc["oracle", "mean_lift"],
            color=ORACLE_COLOUR,
            linestyle=":",
            linewidth=1.2,
            label="oracle (real samples added back)",
        )
    axes.scatter([], [], s=12, color="#999999", label="one seed")
    axes.set_yticks(rows, methods)
    axes.set_xlabel(f"{metric}: paired lift over none (mean and 95% CI)")
    axes.set_title(f"Lift over doing nothing: {metric}")
    axes.grid(axis="x", alpha=0.3)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, fontsize=8, frameon=False)
    figure.tight_layout()
    return figure


LOSS_NAMES = {"d_loss": "discriminator", "g_loss": "generator"}


def loss_figure(history: pd.DataFrame, name: str) -> Figure:
    """Training losses per epoch, one line per network.

    Parameters
    ----------
    history : pandas.DataFrame
        An ``epoch`` column and one column per loss (``d_loss``, ``g_loss``).
    name : str
        The sampler's name, for the title.

    Returns
    -------
    figure : matplotlib.figure.Figure
    """
    figure = Figure(figsize=(7.0, 3.4))
    axes = figure.add_subplot()
    for colour, (column, network) in zip(PALETTE, LOSS_NAMES.items(), strict=False):
        if column in history:
            axes.plot(history["epoch"], history[column], color=colour, label=f"{network} loss")
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss (mean over the epoch's batches)")
    axes.set_title(f"Training losses: {name} (first seed)")
    axes.grid(alpha=0.3)
    axes.legend(frameon=False)
    figure.tight_layout()
    return figure


def memorization_figure(
    synthetic: np.ndarray, holdout: np.ndarray, threshold: float, title: str, space: str
) -> Figure:
    """Distances to the closest training sample: added samples against held-out real ones.

    Parameters
    ----------
    synthetic, holdout : ndarray
        Distances of the added samples and of real samples the resampler never saw.
    threshold : float
        The near-copy threshold, drawn as a vertical line.
    title : str
        Heading.
    space : str
        What the distance is measured in, for the axis.

    Returns
    -------
    figure : matplotlib.figure.Figure
    """
    figure = Figure(figsize=(7.0, 3.2))
    axes = figure.add_subplot()
    values = np.concatenate([synthetic, holdout, [threshold]])
    bins = np.linspace(values.min(), values.max(), 31)
    for colour, (label, distances) in zip(
        PALETTE, (("added samples", synthetic), ("held-out real samples", holdout)), strict=False
    ):
        axes.hist(distances, bins=bins, density=True, alpha=0.5, color=colour, label=label)
    axes.axvline(threshold, color="black", linestyle="--", label="near-copy threshold")
    axes.set_xlabel(f"distance to the closest real training sample of the class ({space})")
    axes.set_ylabel("density")
    axes.set_title(title)
    axes.legend(frameon=False, fontsize=8)
    figure.tight_layout()
    return figure


FIDELITY_PANELS = (
    ("fid", "FID (lower is closer)"),
    ("precision", "precision"),
    ("recall", "recall"),
)


def fidelity_figure(summary: pd.DataFrame, cls) -> Figure:
    """FID, precision and recall of each source's samples of one class, per feature space.

    Parameters
    ----------
    summary : pandas.DataFrame
        :meth:`LiftReport.fidelity_summary`: indexed by (class, space, method).
    cls : object
        The class to draw.

    Returns
    -------
    figure : matplotlib.figure.Figure
    """
    table = summary.xs(cls, level="class")
    spaces = list(dict.fromkeys(table.index.get_level_values("space")))
    methods = list(dict.fromkeys(table.index.get_level_values("method")))
    figure = Figure(figsize=(9.0, 0.35 * len(methods) + 1.6))
    panels = figure.subplots(1, len(FIDELITY_PANELS), sharey=True)
    rows = np.arange(len(methods))[::-1]
    offsets = np.linspace(-0.2, 0.2, len(spaces)) if len(spaces) > 1 else [0.0]
    for axes, (column, label) in zip(panels, FIDELITY_PANELS, strict=True):
        for colour, space, offset in zip(PALETTE, spaces, offsets, strict=False):
            values = table.xs(space, level="space")[column].reindex(methods)
            axes.scatter(values, rows + offset, color=colour, s=25, label=space)
        axes.set_xlabel(label)
        axes.grid(axis="x", alpha=0.3)
    panels[0].set_yticks(rows, methods)
    if len(spaces) > 1:
        panels[1].legend(
            title="feature space",
            loc="upper center",
            bbox_to_anchor=(0.5, -0.25),
            ncol=len(spaces),
            fontsize=8,
            frameon=False,
        )
    else:
        panels[1].set_title(f"in the {spaces[0]} feature space", fontsize=9)
    figure.suptitle(f"Fidelity of class {cls}'s samples against its real test samples")
    figure.tight_layout()
    return figure


def _tiles(sample: np.ndarray, spatial_dims: int) -> list[np.ndarray]:
    """2D pictures of one sample: the image, or the three orthogonal middle slices;
    three channels are drawn as colour (a last axis of red, green, blue)."""
    if sample.ndim > spatial_dims:  # channels first: colour, else the first channel
        sample = np.moveaxis(sample, 0, -1) if sample.shape[0] == 3 else sample[0]
    if spatial_dims == 2:
        return [sample]
    return [np.take(sample, sample.shape[axis] // 2, axis=axis) for axis in range(3)]


def _draw(axes, tile: np.ndarray, change: bool, reach: float, value_range) -> None:
    """One tile: a difference around zero, a colour image, or grey over ``value_range``."""
    low, high = value_range
    if change:
        tile = tile.mean(axis=-1) if tile.ndim == 3 else tile  # colour: mean change
        axes.imshow(tile, cmap=CHANGE_MAP, vmin=-reach, vmax=reach, interpolation="nearest")
    elif tile.ndim == 3:
        axes.imshow(np.clip((tile - low) / (high - low), 0, 1), interpolation="nearest")
    else:
        axes.imshow(tile, cmap="gray", vmin=low, vmax=high, interpolation="nearest")


def sample_figure(
    rows: Mapping[str, np.ndarray],
    sample_shape: tuple[int, ...],
    spatial_dims: int,
    value_range: tuple[float, float],
    title: str,
) -> Figure:
    """One labelled row of images per source; rows named ``... (change)`` in a diverging map.

    Parameters
    ----------
    rows : mapping
        Row label to flat samples ``(k, prod(sample_shape))``. A row whose label
        ends in ``(change)`` holds differences (sample minus source), drawn
        around zero; every other row is drawn in grey over ``value_range``
        (three-channel samples in colour).
    sample_shape : tuple of int
        Shape of one sample.
    spatial_dims : {2, 3}
        Images, or volumes shown as their three orthogonal middle slices.
    value_range : tuple of float
        Values drawn black and white.
    title : str
        Heading.

    Returns
    -------
    figure : matplotlib.figure.Figure
    """
    pictures = {
        label: [
            tile
            for sample in np.asarray(flat, dtype=np.float64).reshape(-1, *sample_shape)
            for tile in _tiles(sample, spatial_dims)
        ]
        for label, flat in rows.items()
    }
    n_cols = max(len(tiles) for tiles in pictures.values())
    tile = TILE_INCHES if spatial_dims == 2 else TILE_INCHES * 2 / 3
    width = LABEL_INCHES + tile * n_cols
    height = tile * len(pictures) + 0.4
    figure = Figure(figsize=(width, height))
    grid = figure.add_gridspec(
        len(pictures),
        n_cols,
        left=LABEL_INCHES / width,
        right=0.99,
        top=1 - 0.35 / height,
        bottom=0.01,
        wspace=0.05,
        hspace=0.08,
    )
    changes = [t for label, tiles in pictures.items() if label.endswith("(change)") for t in tiles]
    reach = max((float(np.abs(t).max()) for t in changes), default=1.0) or 1.0
    for r, (label, tiles) in enumerate(pictures.items()):
        change = label.endswith("(change)")
        for c in range(n_cols):
            axes = figure.add_subplot(grid[r, c])
            axes.set_xticks([])
            axes.set_yticks([])
            for spine in axes.spines.values():
                spine.set_visible(False)
            if c < len(tiles):
                _draw(axes, tiles[c], change, reach, value_range)
            if c == 0:
                axes.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    figure.suptitle(title, fontsize=10)
    return figure
