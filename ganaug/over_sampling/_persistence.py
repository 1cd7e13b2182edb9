"""A fitted network sampler <-> checkpoint payload of tensors and plain containers."""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

from ..data.images import ImageEncoder
from ..data.tabular import TabularEncoder
from ..training.history import History
from ..utils._validation import plain_scalar
from ._latent import LatentEncoder

_ENCODERS = {"table": TabularEncoder, "image": ImageEncoder, "latent": LatentEncoder}


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
            value = {plain_scalar(k): int(v) for k, v in value.items()}
        if value is None or isinstance(value, (str, bool, int, float, tuple, list, dict)):
            plain[name] = value
    return plain


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


def checkpoint_format(cls: type) -> str:
    """The format tag of a class's saved samplers, e.g. ``"ganaug.GANOversampler/1"``."""
    return f"ganaug.{cls.__name__}/1"


def _weights(module: Any) -> dict | None:
    if module is None:
        return None
    return {k: v.detach().cpu() for k, v in module.state_dict().items()}


def to_checkpoint(sampler: Any) -> dict:
    """Everything needed to generate again, as tensors and plain containers."""
    encoder_kind = next(k for k, kind in _ENCODERS.items() if isinstance(sampler.encoder_, kind))
    dtypes = getattr(sampler, "feature_dtypes_", None)
    names = getattr(sampler, "feature_names_in_", None)
    categorical = getattr(sampler, "categorical_features_", None)
    return {
        "format": checkpoint_format(type(sampler)),
        "params": plain_params(sampler.get_params(deep=False)),
        "classes": sampler.classes_.tolist(),
        "sampling_strategy": [
            [plain_scalar(k), int(v)] for k, v in sampler.sampling_strategy_.items()
        ],
        "n_features_in": int(sampler.n_features_in_),
        "feature_names_in": None if names is None else [str(n) for n in names],
        "feature_dtypes": None if dtypes is None else _dtypes_to_plain(dtypes),
        "sample_shape": list(sampler.sample_shape_),
        "categorical_features": None if categorical is None else categorical.tolist(),
        "encoder": {"kind": encoder_kind, "state": sampler.encoder_.to_state()},
        "architecture": getattr(sampler, "architecture_", None),
        "generator": _weights(sampler.generator_),
        "discriminator": _weights(getattr(sampler, "discriminator_", None)),
        "history": [dict(record) for record in sampler.history_],
        "values": {
            "latent": bool(getattr(sampler, "latent_", False)),
            "match": bool(getattr(sampler, "match_values_", False)),
            "kind": getattr(sampler, "value_kind_", None),
        },
    }


def from_checkpoint(cls: type, payload: dict, device: Any) -> Any:
    """Rebuild a fitted sampler from :func:`to_checkpoint`'s payload."""
    expected = checkpoint_format(cls)
    if not isinstance(payload, dict) or payload.get("format") != expected:
        raise ValueError(
            f"This file is not a {cls.__name__} checkpoint (expected format "
            f"{expected!r}); write one with {cls.__name__}.save."
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
    if payload["categorical_features"] is not None:
        sampler.categorical_features_ = np.asarray(payload["categorical_features"], dtype=int)
    encoder = payload["encoder"]
    if encoder["kind"] == "latent":
        sampler.encoder_ = LatentEncoder.from_state(encoder["state"], device)
    else:
        sampler.encoder_ = _ENCODERS[encoder["kind"]].from_state(encoder["state"])
    values = payload.get("values", {})  # files saved before the latent path lack it
    sampler.latent_ = values.get("latent", False)
    sampler.autoencoder_history_ = sampler.encoder_.history if sampler.latent_ else None
    sampler.match_values_ = values.get("match", False)
    sampler.value_kind_ = values.get("kind")
    if payload["architecture"] is not None:
        sampler.architecture_ = payload["architecture"]
    generator, discriminator = sampler._build_networks()
    generator.load_state_dict(payload["generator"])
    sampler.generator_ = generator.to(device).eval().requires_grad_(False)
    if payload.get("discriminator") is not None:
        discriminator.load_state_dict(payload["discriminator"])
        sampler.discriminator_ = discriminator.to(device).eval().requires_grad_(False)
    sampler.history_ = History(payload["history"])
    return sampler
