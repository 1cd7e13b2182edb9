"""A workflow's sampler, built from a dict of parameters checked before any data is read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..utils._suggest import did_you_mean


def build_sampler(sampler_class: type, params: Mapping[str, Any] | None) -> Any:
    """Build ``sampler_class(**params)``, checked by the sampler's own constraints.

    Parameters
    ----------
    sampler_class : type
        :class:`~ganaug.GANOversampler` or another estimator with
        ``_parameter_constraints``.
    params : mapping or None
        Its parameters by name.

    Returns
    -------
    sampler : estimator
        Unfitted, its parameters valid.

    Raises
    ------
    ValueError
        One line: an unknown name (with the closest known one), or a value
        the constraints refuse (scikit-learn's ``InvalidParameterError``).
    """
    params = dict(params or {})
    known = sampler_class._get_param_names()
    for name in params:
        if name not in known:
            raise ValueError(
                f"{sampler_class.__name__} has no parameter {name!r}; "
                f"{did_you_mean(name, known)}its parameters: {', '.join(known)}"
            )
    sampler = sampler_class(**params)
    sampler._validate_params()
    return sampler
