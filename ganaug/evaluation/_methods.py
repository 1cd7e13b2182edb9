"""The methods the protocol compares, parsed from names such as ``"gan+class-weight"``
or ``"gan+pool"``; which of them are references, the headline metrics and the
benchmarks' budget."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from imblearn.over_sampling import SMOTE, SMOTENC, RandomOverSampler

from ..over_sampling import AugmentedRandomOverSampler, GANOversampler, TranslationOversampler
from ._cnn import CNNClassifier

# "+pool": the resampler is also given the unlabelled pool, as rows labelled -1.
MODIFIERS = ("class-weight", "threshold", "pool")
SELF_TRAINING = "self-training"
NO_RESAMPLING = ("none", "oracle", SELF_TRAINING)
# The simple alternatives a method adding synthetic samples must beat to be worth it.
REFERENCES = ("class-weight", "threshold", "ros", "ros-augment", "smote", SELF_TRAINING)
NOT_SYNTHETIC = (*NO_RESAMPLING, *REFERENCES)
HEADLINE_METRICS = ("auroc", "balanced_accuracy")
DEFAULT_METHODS = (
    "none",
    "class-weight",
    "threshold",
    "ros",
    "ros-augment",
    "smote",
    "gan",
    "oracle",
)
IMAGE_ONLY_METHODS = ("ros-augment",)

# The budget BENCHMARKS.md ranks methods with: 10 paired seeds, the CNN's default
# steps, samplers trained for their default ("auto") epochs.
BENCHMARK_SEEDS = 10
BENCHMARK_CNN_STEPS = CNNClassifier().n_steps


def default_methods(images: bool, oracle: bool, pool: bool = False) -> list[str]:
    """The methods compared when none are named: for tables, those that take tables.

    Parameters
    ----------
    images : bool
        Whether the data are images or volumes.
    oracle : bool
        Whether the oracle can be formed (the minority was sub-sampled, or
        part of the training split was made an unlabelled pool).
    pool : bool, default=False
        Whether there is an unlabelled pool: adds ``self-training`` and
        ``gan+pool``.

    Returns
    -------
    methods : list of str
    """
    methods = [
        m
        for m in DEFAULT_METHODS
        if (m != "oracle" or oracle) and (images or m not in IMAGE_ONLY_METHODS)
    ]
    if pool:  # the pool's references, and the GAN with it beside the GAN without
        methods.insert(methods.index("ros"), SELF_TRAINING)
        methods.insert(methods.index("gan") + 1, "gan+pool")
    return methods


@dataclass(frozen=True)
class Method:
    """One row of the comparison.

    Attributes
    ----------
    name : str
        As the user wrote it, e.g. ``"gan+class-weight"``.
    sampler : str or None
        Key of the resampler in the sampler table, None for no resampling.
    oracle : bool
        Add the removed real minority samples back, or the pool with its
        labels (always with class weights).
    self_training : bool
        Self-training: the classifier labels the pool rows it is confident
        about and learns from them too.
    pool : bool
        The method is given the unlabelled pool (self-training, or a
        resampler with ``+pool``).
    class_weight : bool
        Weight the classifier's loss by inverse class frequency.
    threshold : bool
        Tune the decision threshold on the validation split.
    """

    name: str
    sampler: str | None
    oracle: bool
    class_weight: bool
    threshold: bool
    self_training: bool = False
    pool: bool = False

    @property
    def label(self) -> str:
        """The resampler's name in the quality tables: ``"gan"``, or ``"gan+pool"``."""
        return f"{self.sampler}+pool" if self.pool else str(self.sampler)


def parse_method(name: str, samplers: dict[str, Any]) -> Method:
    """Parse ``"base[+modifier...]"``; bases are ``none``, ``oracle``,
    ``self-training`` or a sampler key.

    Parameters
    ----------
    name : str
        Method name. A name of modifiers only (``"class-weight"``) applies
        them to ``none``; ``+pool`` needs a resampler.
    samplers : dict
        The available resamplers by key.

    Returns
    -------
    method : Method
    """
    parts = [p.strip() for p in str(name).split("+")]
    modifiers = [p for p in parts if p in MODIFIERS]
    bases = [p for p in parts if p not in MODIFIERS] or ["none"]
    allowed = sorted({*NO_RESAMPLING, *samplers})
    if len(bases) != 1 or bases[0] not in allowed or len(set(modifiers)) != len(modifiers):
        raise ValueError(
            f"Unknown method {name!r}: write one base from {allowed} (add your own "
            f"with samplers={{'name': sampler}}), optionally followed by "
            f"'+{MODIFIERS[0]}', '+{MODIFIERS[1]}' and/or '+{MODIFIERS[2]}'."
        )
    base = bases[0]
    if "pool" in modifiers and base in NO_RESAMPLING:
        raise ValueError(
            f"Method {name!r}: '+pool' gives a resampler the unlabelled pool; put it after "
            f"a sampler (e.g. 'gan+pool'). {SELF_TRAINING!r} uses the pool by itself."
        )
    return Method(
        name=str(name),
        sampler=None if base in NO_RESAMPLING else base,
        oracle=base == "oracle",
        class_weight="class-weight" in modifiers or base == "oracle",
        threshold="threshold" in modifiers,
        self_training=base == SELF_TRAINING,
        pool="pool" in modifiers or base == SELF_TRAINING,
    )


def default_samplers(
    categorical: list | None, smallest_minority: int, images: bool = False
) -> dict[str, Any]:
    """The built-in resamplers: ``ros``, ``smote`` (SMOTENC for categorical tables),
    ``gan``, and for images ``ros-augment`` (:class:`AugmentedRandomOverSampler`)
    and ``translation`` (:class:`TranslationOversampler`).

    Parameters
    ----------
    categorical : list or None
        Categorical column names of a table, if any.
    smallest_minority : int
        Size of the smallest class to over-sample; SMOTE's ``k_neighbors`` is
        capped below it.
    images : bool, default=False
        Whether the data are images or volumes.

    Returns
    -------
    samplers : dict
    """
    k = max(1, min(5, smallest_minority - 1))
    smote = (
        SMOTENC(categorical_features=categorical, k_neighbors=k)
        if categorical
        else SMOTE(k_neighbors=k)
    )
    samplers = {"ros": RandomOverSampler(), "smote": smote, "gan": GANOversampler()}
    if images:
        samplers["ros-augment"] = AugmentedRandomOverSampler()
        samplers["translation"] = TranslationOversampler()
    return samplers


def method_table(
    methods: Sequence[str] | None,
    samplers: dict[str, Any] | None,
    *,
    categorical: list | None,
    smallest_minority: int,
    images: bool,
    subsampled: bool,
    pool: bool = False,
) -> tuple[list[Method], dict[str, Any]]:
    """The methods to compare, parsed, and the resamplers they name.

    Parameters
    ----------
    methods : sequence of str or None
        Method names; None for :func:`default_methods`. ``none`` is added
        first when missing.
    samplers : dict or None
        Resamplers by name, adding to or replacing :func:`default_samplers`.
    categorical : list or None
        Categorical column names of a table, if any.
    smallest_minority : int
        Size of the smallest class to over-sample.
    images : bool
        Whether the data are images or volumes.
    subsampled : bool
        Whether real rows are hidden from the methods (the minority
        sub-sampled, or a share of the training split made the unlabelled
        pool), which the oracle needs.
    pool : bool, default=False
        Whether there is an unlabelled pool, which self-training and the
        ``+pool`` methods need.

    Returns
    -------
    methods : list of Method
    samplers : dict
    """
    joined = [name for name in samplers or {} if "+" in str(name)]
    if joined:
        raise ValueError(
            f"Sampler names {joined} contain '+', which joins a base and modifiers in a "
            "method name ('gan+class-weight'); rename them, e.g. with '-'."
        )
    table = {**default_samplers(categorical, smallest_minority, images), **(samplers or {})}
    if methods is None:
        methods = default_methods(images, oracle=subsampled, pool=pool)
    parsed = [parse_method(m, table) for m in methods]
    if any(m.oracle for m in parsed) and not subsampled:
        raise ValueError(
            "The oracle adds back real minority samples removed by sub-sampling; "
            "set imbalance_ratio (e.g. 10) or drop 'oracle' from methods."
        )
    check_pool_methods(parsed, table, pool)
    if "none" not in [m.name for m in parsed]:
        parsed.insert(0, parse_method("none", table))
    return parsed, table


def check_pool_methods(parsed: list[Method], table: dict[str, Any], pool: bool) -> None:
    """Refuse a method that needs the unlabelled pool when there is none, and
    ``+pool`` on a resampler that cannot take rows labelled -1."""
    for method in parsed:
        if method.pool and not pool:
            raise ValueError(
                f"Method {method.name!r} learns from unlabelled rows; set unlabelled_share "
                "(a share of the training split, labels hidden) or X_unlabelled (in a "
                "recipe: evaluation.unlabelled_share or data.unlabelled), or drop it."
            )
        if method.pool and method.sampler is not None:
            sampler = table[method.sampler]
            if "unlabelled" not in sampler.get_params():
                raise ValueError(
                    f"Method {method.name!r}: {type(sampler).__name__} has no unlabelled "
                    "parameter, so it would learn -1 as a class; '+pool' is for samplers "
                    "that take unlabelled rows (ganaug's)."
                )
