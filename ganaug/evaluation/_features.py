"""Feature spaces in which fidelity is measured, all learned without the test split.

By default: for tables, the quantile/one-hot encoding fitted on the real
training split; for images, the pooled features of a :class:`CNNClassifier`
trained on the real training split; for volumes, both a 3D CNN and one 2D CNN
per orthogonal slice plane (the middle slice along each axis), because users
of 3D generators have no agreed 3D FID. Users with pretrained weights
(RadImageNet, MedicalNet, Inception) pass a callable or a TorchScript file.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from sklearn.base import clone

from ..data.images import image_layout
from ..data.tabular import TabularEncoder, categorical_mask
from ._cnn import CNNClassifier

PLANE_NAMES = ("plane-0", "plane-1", "plane-2")
EXTRACT_BATCH = 256


@dataclass
class FeatureSpace:
    """A named map from samples to ``(n, d)`` features.

    Attributes
    ----------
    name : str
        Shown in the fidelity table, e.g. ``"cnn-3d"`` or ``"plane-0"``.
    extract : callable
        Takes samples as the protocol holds them (flat rows or a table) and
        returns a float array of shape ``(n, d)``.
    predict_proba : callable or None
        The in-domain classifier whose features these are: samples to class
        probabilities ``(n, n_classes)`` (for the in-domain Inception Score);
        None when the space has no classifier.
    classes : ndarray or None
        The classes of ``predict_proba``'s columns.
    """

    name: str
    extract: Callable[[object], np.ndarray]
    predict_proba: Callable[[object], np.ndarray] | None = None
    classes: np.ndarray | None = None


def middle_slices(X: np.ndarray, sample_shape: tuple[int, ...], axis: int) -> np.ndarray:
    """The middle 2D slice of each volume, normal to spatial ``axis`` (0, 1 or 2).

    Parameters
    ----------
    X : ndarray of shape (n, prod(sample_shape))
        Flat volumes.
    sample_shape : tuple of int
        ``(D, H, W)`` or ``(C, D, H, W)``.
    axis : {0, 1, 2}
        Spatial axis the slice is normal to.

    Returns
    -------
    slices : ndarray of shape (n, [C,] A, B)
    """
    volumes = X.reshape(len(X), *sample_shape)
    spatial_axis = volumes.ndim - 3 + axis
    return np.take(volumes, volumes.shape[spatial_axis] // 2, axis=spatial_axis)


def _trained_cnn(template, X, y, X_val, y_val, image_shape, spatial_dims, seed):
    cnn = clone(template).set_params(
        image_shape=image_shape,
        spatial_dims=spatial_dims,
        class_weight="balanced",
        random_state=seed,
    )
    return cnn.fit(X, y, X_val, y_val)


def learned_feature_spaces(
    X, y, X_val, y_val, *, sample_shape, spatial_dims, seed: int, cnn: CNNClassifier
) -> list[FeatureSpace]:
    """Feature spaces learned from the real training split (never the test split).

    Parameters
    ----------
    X, y : array-like
        Real training samples (flat rows for images) and labels.
    X_val, y_val : array-like
        Validation split, used for checkpoint selection of the CNNs.
    sample_shape : tuple of int or None
        Shape of one image or volume; None for tables.
    spatial_dims : {2, 3} or None
        Images or volumes; None for tables.
    seed : int
        Seeds the CNNs.
    cnn : CNNClassifier
        Settings (budget, device) of the CNNs, trained with class weights.

    Returns
    -------
    spaces : list of FeatureSpace
    """
    if sample_shape is None:
        encoder = TabularEncoder(categorical=categorical_mask(X, "auto"))
        encoder.fit(np.asarray(X, dtype=object) if hasattr(X, "columns") else X)

        def encode(rows):
            return encoder.transform(
                np.asarray(rows, dtype=object) if hasattr(rows, "columns") else rows
            )

        return [FeatureSpace("encoded", encode)]
    name = "cnn-3d" if spatial_dims == 3 else "cnn"
    encoder = _trained_cnn(cnn, X, y, X_val, y_val, sample_shape, spatial_dims, seed)
    spaces = [FeatureSpace(name, encoder.transform, encoder.predict_proba, encoder.classes_)]
    if spatial_dims == 3:
        for axis, plane in enumerate(PLANE_NAMES):
            slices, val_slices = (middle_slices(a, sample_shape, axis) for a in (X, X_val))
            plane_cnn = _trained_cnn(cnn, slices, y, val_slices, y_val, None, 2, seed)

            def extract(rows, plane_cnn=plane_cnn, axis=axis):
                return plane_cnn.transform(middle_slices(rows, sample_shape, axis))

            def predict_proba(rows, plane_cnn=plane_cnn, axis=axis):
                return plane_cnn.predict_proba(middle_slices(rows, sample_shape, axis))

            spaces.append(FeatureSpace(plane, extract, predict_proba, plane_cnn.classes_))
    return spaces


def user_feature_space(
    extractor: Callable | str | os.PathLike,
    sample_shape: tuple[int, ...],
    spatial_dims: int | None = None,
) -> FeatureSpace:
    """Wrap a user's feature extractor: a callable, or a TorchScript file.

    Parameters
    ----------
    extractor : callable, str or os.PathLike
        A callable takes an array ``(n, *sample_shape)`` and returns ``(n, d)``
        features. A path is a TorchScript file (``torch.jit.save``) or, ending
        in ``.pt2``, a ``torch.export`` program with a dynamic batch axis; both
        hold a graph, not Python code. It is called on float tensors of shape
        ``(n, C, *spatial)`` in batches.
    sample_shape : tuple of int
        Shape of one sample.
    spatial_dims : {2, 3}, optional
        Images or volumes, when the shape alone is ambiguous.

    Returns
    -------
    space : FeatureSpace
    """
    if callable(extractor):

        def call(rows):
            return np.asarray(extractor(np.asarray(rows).reshape(len(rows), *sample_shape)))

        return FeatureSpace("user", call)
    path = Path(extractor)
    if not path.is_file():
        raise FileNotFoundError(
            f"Feature extractor {path} does not exist; pass a TorchScript file "
            "(torch.jit.save) or a callable."
        )
    try:
        if path.suffix == ".pt2":
            module = torch.export.load(str(path)).module()
        else:
            with warnings.catch_warnings():  # deprecated in favour of torch.export, still read
                warnings.simplefilter("ignore", DeprecationWarning)
                module = torch.jit.load(str(path), map_location="cpu").eval()
    except (RuntimeError, ValueError) as exc:
        raise ValueError(
            f"{path} is not a TorchScript (.pt) or torch.export (.pt2) file ({exc}); save "
            "your model with torch.jit.save / torch.export.save, or pass a callable."
        ) from exc
    channels, spatial = image_layout(sample_shape, spatial_dims)

    @torch.inference_mode()
    def run(rows):
        x = torch.as_tensor(np.asarray(rows, dtype=np.float32)).reshape(
            len(rows), channels, *spatial
        )
        parts = [module(x[i : i + EXTRACT_BATCH]) for i in range(0, len(x), EXTRACT_BATCH)]
        return torch.cat(parts).flatten(1).float().numpy()

    return FeatureSpace("user", run)
