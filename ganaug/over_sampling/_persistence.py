"""GANOversampler <-> checkpoint payload of tensors and plain containers."""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

from ..data.images import ImageEncoder
from ..data.tabular import TabularEncoder
from ..nets import build_networks
from ..training.history import History

CHECKPOINT_FORMAT = "ganaug.GANOversampler/1"
_ENCODERS = {"table": TabularEncoder, "image": ImageEncoder}


def plain_params(params: dict) -> dict:
    """Parameters as plain values; those that are not (callables, RandomState
    instances) are left out, so the loaded sampler uses their defaults."""
    plain = {}
    for name, value in params.items():
        if isinstance(value, tuple):
            value = tuple(np.asarray(value).tolist())
        elif isinstance(value, (list, np.ndarray)):
            value = np.asarray(value).tolist()
        elif name == "device":
            value = str(value)
        elif isinstance(value, Integral) and not isinstance(value, bool):
            value = int(value)
        elif isinstance(value, dict):
            value = {_plain(k): int(v) for k, v in value.items()}
        if value is None or isinstance(value, (str, bool, int, float, tuple, list, dict)):
            plain[name] = value
    return plain


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _dtypes_to_plain(dtypes: pd.Series) -> list:
    return [
        [
            str(name),
            str(dtype),
            list(dtype.categories) if isinstance(dtype, pd.CategoricalDtype) else None,
        ]
        for name, dtype in dtypes.items()
    ]


def _dtypes_from_plain(rows: list) -> pd.Series:
    return pd.Series(
        {
            name: pd.CategoricalDtype(categories)
            if categories is not None
            else pd.api.types.pandas_dtype(dtype)
            for name, dtype, categories in rows
        },
        dtype=object,
    )


def to_checkpoint(sampler: Any) -> dict:
    """Everything needed to generate again, as tensors and plain containers."""
    encoder_kind = "image" if isinstance(sampler.encoder_, ImageEncoder) else "table"
    dtypes = getattr(sampler, "feature_dtypes_", None)
    names = getattr(sampler, "feature_names_in_", None)
    return {
        "format": CHECKPOINT_FORMAT,
        "params": plain_params(sampler.get_params(deep=False)),
        "classes": sampler.classes_.tolist(),
        "sampling_strategy": [[_plain(k), int(v)] for k, v in sampler.sampling_strategy_.items()],
        "n_features_in": int(sampler.n_features_in_),
        "feature_names_in": None if names is None else [str(n) for n in names],
        "feature_dtypes": None if dtypes is None else _dtypes_to_plain(dtypes),
        "sample_shape": list(sampler.sample_shape_),
        "categorical_features": sampler.categorical_features_.tolist(),
        "encoder": {"kind": encoder_kind, "state": sampler.encoder_.to_state()},
        "architecture": sampler.architecture_,
        "generator": {k: v.detach().cpu() for k, v in sampler.generator_.state_dict().items()},
        "history": [dict(record) for record in sampler.history_],
    }


def from_checkpoint(cls: type, payload: dict, device: Any) -> Any:
    """Rebuild a fitted sampler from :func:`to_checkpoint`'s payload."""
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(
            "This file is not a GANOversampler checkpoint (expected format "
            f"{CHECKPOINT_FORMAT!r}); write one with GANOversampler.save."
        )
    sampler = cls(**payload["params"])
    sampler.device_ = device
    sampler.classes_ = np.asarray(payload["classes"])
    sampler.sampling_strategy_ = {k: v for k, v in payload["sampling_strategy"]}
    sampler.n_features_in_ = payload["n_features_in"]
    if payload["feature_names_in"] is not None:
        sampler.feature_names_in_ = np.asarray(payload["feature_names_in"], dtype=object)
    if payload["feature_dtypes"] is not None:
        sampler.feature_dtypes_ = _dtypes_from_plain(payload["feature_dtypes"])
    sampler.sample_shape_ = tuple(payload["sample_shape"])
    sampler.categorical_features_ = np.asarray(payload["categorical_features"], dtype=int)
    encoder = payload["encoder"]
    sampler.encoder_ = _ENCODERS[encoder["kind"]].from_state(encoder["state"])
    sampler.architecture_ = payload["architecture"]
    generator, _ = build_networks(sampler.architecture_, **sampler._network_kwargs())
    generator.load_state_dict(payload["generator"])
    sampler.generator_ = generator.to(device).eval().requires_grad_(False)
    sampler.history_ = History(payload["history"])
    return sampler
