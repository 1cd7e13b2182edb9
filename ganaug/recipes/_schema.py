"""What a recipe may say: its sections, their keys, the values allowed and the defaults.

The sampler and CNN keys are checked against the estimators' own
``_parameter_constraints`` and the evaluation keys against the arguments of
:func:`~ganaug.evaluation.evaluate_lift`, so a recipe accepts exactly what the
library accepts.
"""

from __future__ import annotations

import difflib
import inspect
import os
from numbers import Integral, Real
from pathlib import Path

import torch
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    StrOptions,
    validate_parameter_constraints,
)

from ..datasets import load_splits
from ..datasets._splits import BUNDLED, TABLES
from ..evaluation import CNNClassifier, evaluate_lift
from ..evaluation._methods import (
    check_pool_methods,
    default_methods,
    default_samplers,
    parse_method,
)
from ..evaluation._protocol import LIFT_CONSTRAINTS
from ..io.dicom_series import COLOUR_MODES
from ..io.labels import KEY_COLUMNS
from ..io.preprocess import RESIZE_MODES
from ..over_sampling import GANOversampler
from ._errors import RecipeError
from ._paths import NAMED_SOURCES, absolute_paths

SECTIONS = ("name", "data", "sampler", "classifier", "evaluation", "output")
SOURCES = NAMED_SOURCES
DEFAULT_OUTPUT = "runs"
# Characters a recipe's name may not hold: path separators, and ':' (a drive on Windows).
NAME_FORBIDS = ("/", "\\", ":")

# Types the library's constraints accept that a YAML value never is.
PYTHON_ONLY = (tuple, os.PathLike, callable, torch.device)

# Keys the protocol sets on every sampler and CNN, and where a recipe sets them instead.
SET_BY_EVALUATION = ("random_state", "device", "verbose")
# What the protocol sets per method: "+pool" methods give the sampler the unlabelled pool.
SET_BY_METHOD = ("unlabelled",)

DATA_KEYS = {
    "bundled": ("source", "limit"),  # with official validation and test splits
    "bundled-table": ("source", "test_size", "limit"),
    "npz": ("source", "test_size", "limit", "unlabelled"),
    "table": ("source", "target", "group", "test_size", "limit", "unlabelled"),
    "folder": (
        "source",
        "labels",
        "unlabelled",
        "key",
        "colour",
        "group",
        "test_size",
        "limit",
        "target_shape",
        "resize",
        "window",
        "spacing",
        "strict",
        "cache_dir",
    ),
}
DATA_CONSTRAINTS = {
    "source": [str],
    "target": [str],
    "labels": [str, None],
    "key": [StrOptions(set(KEY_COLUMNS)), None],
    "colour": [StrOptions(set(COLOUR_MODES))],
    "group": [str, None],
    "test_size": [Interval(Real, 0, 1, closed="neither")],
    "limit": [Interval(Integral, 4, None, closed="left"), None],
    "target_shape": [list, None],
    "resize": [StrOptions(set(RESIZE_MODES))],
    "window": [list, str, None],
    "spacing": [list, Real, None],
    "strict": ["boolean"],
    "cache_dir": [str, None],
    # true: the source's own rows without a label; a path: another source of its kind
    "unlabelled": ["boolean", str],
}
# ganaug.io.load_labelled_images's keyword defaults, for DICOM and NIfTI folders.
FOLDER_DEFAULTS = {
    "labels": None,
    "unlabelled": False,
    "key": None,
    "colour": "rgb",
    "target_shape": None,
    "resize": "crop",
    "window": None,
    "spacing": None,
    "strict": False,
    "cache_dir": None,
}

# DICOM folders are split by patient unless data.group says otherwise.
FOLDER_GROUP = "PatientID"
FOLDER_GROUPS = {"PatientID": "patient_id", "StudyInstanceUID": "study_uid"}

CLASSIFIER_TYPES = ("auto", "cnn", "logistic")
CNN_KEYS = tuple(
    k
    for k in CNNClassifier._parameter_constraints
    if k not in (*SET_BY_EVALUATION, "image_shape", "spatial_dims", "class_weight")
)

# The evaluate_lift arguments a recipe sets; their values are checked by evaluate_lift's
# own constraints. The runner sets the data, the samplers and the classifier.
EVALUATION_KEYS = (
    "methods",
    "imbalance_ratio",
    "unlabelled_share",
    "n_seeds",
    "random_state",
    "val_size",
    "image_shape",
    "spatial_dims",
    "fidelity",
    "feature_extractor",
    "device",
    "verbose",
)


def _defaults(function, keys) -> dict:
    parameters = inspect.signature(function).parameters
    return {k: parameters[k].default for k in keys}


def data_kind(source: str) -> str:
    """The kind of a data source, from its name: bundled, bundled-table, npz, table, folder."""
    if source in BUNDLED:
        return "bundled"
    if source in SOURCES:
        return "bundled-table"
    suffix = Path(source).suffix.lower()
    if suffix == ".npz":
        return "npz"
    return "table" if suffix in TABLES else "folder"


def _unknown(where: str, key: str, allowed) -> RecipeError:
    close = difflib.get_close_matches(str(key), [str(a) for a in allowed], n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return RecipeError(f"unknown key {where}{key!r}; {hint}allowed: {', '.join(allowed)}")


def _check(section: str, values: object, constraints: dict, allowed, caller: str) -> dict:
    """Every key known and every value allowed, or a one-line :class:`RecipeError`."""
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise RecipeError(
            f"{section}: expected a mapping of keys to values, got {type(values).__name__}"
        )
    for key, value in values.items():
        if key not in allowed:
            if key in SET_BY_EVALUATION:
                raise RecipeError(
                    f"{section}.{key} is set for every method by evaluation.{key}; set it there"
                )
            if key in SET_BY_METHOD:
                raise RecipeError(
                    f"{section}.{key} is set by each method: name 'gan+pool' in "
                    "evaluation.methods to give the sampler the unlabelled pool"
                )
            raise _unknown(f"{section}.", key, allowed)
        # YAML gives no tuples, paths, callables or devices: the message names what it can.
        written = [c for c in constraints[key] if not any(c is t for t in PYTHON_ONLY)]
        try:
            validate_parameter_constraints({key: written}, {key: value}, caller_name=caller)
        except InvalidParameterError as exc:
            rule = str(exc).split(" must be ", 1)[1]
            raise RecipeError(f"{section}.{key} must be {rule}") from None
    return dict(values)


def _resolve_data(values: object) -> dict:
    if not isinstance(values, dict) or "source" not in values:
        raise RecipeError(
            "data.source is required: one of "
            f"{', '.join(SOURCES)}, or a .npz file, a .csv/.parquet table or a DICOM/NIfTI folder"
        )
    source = values["source"]
    _check("data", {"source": source}, DATA_CONSTRAINTS, ["source"], "recipe")
    kind = data_kind(source)
    if kind.startswith("bundled") and "unlabelled" in values:
        raise RecipeError(
            f"data.unlabelled: {source} has every label; to hide some, set "
            "evaluation.unlabelled_share (e.g. 0.3)"
        )
    data = _check("data", values, DATA_CONSTRAINTS, DATA_KEYS[kind], "recipe")
    if kind == "table" and "target" not in data:
        raise RecipeError(f"data.target is required for the table {source}: name its label column")
    _check_data_paths(data)
    defaults = {
        **_defaults(load_splits, ["test_size", "unlabelled"]),
        "limit": None,
        "group": None,
    }
    if kind == "folder":
        _check_folder_options(data)
        defaults.update(FOLDER_DEFAULTS, group=FOLDER_GROUP)
    resolved = {**defaults, **data}
    return {k: resolved[k] for k in DATA_KEYS[kind] if k in resolved}


def _check_folder_options(data: dict) -> None:
    if data.get("labels") is None:
        raise RecipeError(
            "data.labels is required for a DICOM/NIfTI folder: a CSV with a 'label' column "
            "and one key column (path, SeriesInstanceUID, StudyInstanceUID or PatientID)"
        )
    if data.get("group") not in (None, *FOLDER_GROUPS):
        raise RecipeError(
            f"data.group: {data['group']!r} is not a grouping for a DICOM/NIfTI folder; use "
            f"one of {', '.join(FOLDER_GROUPS)}, or null to split per image"
        )
    from ..io.preprocess import check_window

    try:
        check_window(data.get("window"))
    except (TypeError, ValueError) as exc:
        raise RecipeError(f"data.window: {exc}") from None


def _check_data_paths(data: dict) -> None:
    """Raise a one-line :class:`RecipeError` when a data path of the recipe is missing."""
    source, kind = data["source"], data_kind(data["source"])
    if kind.startswith("bundled"):
        return
    path = Path(source)
    if kind == "folder" and path.is_file():
        raise RecipeError(
            f"data.source {source!r} is a file: use a .npz file, a .csv/.parquet table, a "
            f"DICOM/NIfTI folder, or one of {', '.join(SOURCES)}"
        )
    if not path.exists():
        what = "folder" if kind == "folder" else "file"
        raise RecipeError(
            f"data.source: {source!r} is neither a bundled data set ({', '.join(SOURCES)}) "
            f"nor an existing {what}"
        )
    labels = data.get("labels")
    if labels is not None and not Path(labels).is_file():
        raise RecipeError(f"data.labels: no such file {labels!r}")
    _check_unlabelled(data.get("unlabelled", False), kind)


def _check_unlabelled(pool: bool | str, kind: str) -> None:
    """``data.unlabelled``: true for a table or folder, else a path to another source
    of the same kind, or a one-line :class:`RecipeError`."""
    if pool is True and kind == "npz":
        raise RecipeError(
            "data.unlabelled: an .npz has every label; name another .npz whose images "
            "are to be the unlabelled ones"
        )
    if isinstance(pool, bool):
        return
    if not Path(pool).exists():
        raise RecipeError(f"data.unlabelled: no such file or folder {pool!r}")
    if data_kind(pool) != kind or (kind == "folder" and Path(pool).is_file()):
        raise RecipeError(
            f"data.unlabelled: {pool!r} is not a source of the same kind as data.source "
            f"({kind}); name one, or write true for the source's own rows without a label"
        )


def _resolve_classifier(values: object) -> dict:
    values = dict(values or {})
    kind = values.pop("type", "auto")
    if kind not in CLASSIFIER_TYPES:
        raise RecipeError(
            f"classifier.type must be one of {', '.join(CLASSIFIER_TYPES)}; got {kind!r}"
        )
    allowed = () if kind == "logistic" else CNN_KEYS
    cnn = _check(
        "classifier", values, CNNClassifier._parameter_constraints, allowed, "CNNClassifier"
    )
    resolved = {"type": kind}
    if kind != "logistic":
        resolved.update({**_defaults(CNNClassifier, CNN_KEYS), **cnn})
    return resolved


def _resolve_evaluation(values: object, images: bool, given_pool: bool = False) -> dict:
    allowed = list(EVALUATION_KEYS)
    evaluation = _check("evaluation", values, LIFT_CONSTRAINTS, allowed, "evaluate_lift")
    resolved = {**_defaults(evaluate_lift, allowed), **evaluation}
    samplers = default_samplers(None, 2, images=True)
    hidden = resolved["imbalance_ratio"] is not None or resolved["unlabelled_share"] is not None
    pool = given_pool or resolved["unlabelled_share"] is not None
    if resolved["methods"] is None:
        resolved["methods"] = default_methods(images, hidden, pool)
    for method in resolved["methods"]:
        try:
            parsed = parse_method(method, samplers)
            check_pool_methods([parsed], samplers, pool)
        except ValueError as exc:
            raise RecipeError(f"evaluation.methods: {exc}") from None
        if parsed.oracle and not hidden:
            raise RecipeError(
                "evaluation.methods: 'oracle' needs evaluation.imbalance_ratio (e.g. 10) "
                "or evaluation.unlabelled_share"
            )
    return resolved


def _holds_images(data: dict) -> bool:
    """Whether a data source is known, from its name, to hold images (not an .npz)."""
    return data["source"] in BUNDLED or data_kind(data["source"]) == "folder"


def _check_name(name: str) -> None:
    """A run's name becomes a folder under ``output``: a plain name, or a one-line
    :class:`RecipeError` (a separator or ``..`` would put the report elsewhere)."""
    bad = set(NAME_FORBIDS) & set(name) or any(ord(c) < 32 or ord(c) == 127 for c in name)
    if bad or name.strip() in ("", ".", ".."):
        raise RecipeError(
            f"name must be a plain name, a folder under output: no '/', '\\' or ':', not "
            f"'.' or '..', on one line; got {name!r}"
        )


def resolve_recipe(raw: object, name: str = "recipe") -> dict:
    """Validate a parsed recipe and fill in every default.

    Parameters
    ----------
    raw : dict
        The recipe as parsed from YAML (and overridden).
    name : str, default="recipe"
        Name to use when the recipe has no ``name`` key.

    Returns
    -------
    recipe : dict
        Sections ``name``, ``data``, ``sampler``, ``classifier``,
        ``evaluation`` and ``output``, with every value explicit and every
        path absolute (relative ones start from the working folder), so that
        the saved recipe repeats the run from anywhere, even if a default
        changes later.
    """
    if not isinstance(raw, dict):
        raise RecipeError(
            f"a recipe is a mapping with the sections {', '.join(SECTIONS)}; "
            f"got {type(raw).__name__}"
        )
    for key in raw:
        if key not in SECTIONS:
            raise _unknown("", key, SECTIONS)
    for key in ("name", "output"):
        if key in raw and not isinstance(raw[key], str):
            raise RecipeError(f"{key} must be a string; got {raw[key]!r}")
    _check_name(raw.get("name", name))
    sampler_keys = [
        k
        for k in GANOversampler._parameter_constraints
        if k not in (*SET_BY_EVALUATION, *SET_BY_METHOD)
    ]
    sampler = _check(
        "sampler",
        raw.get("sampler"),
        GANOversampler._parameter_constraints,
        sampler_keys,
        "GANOversampler",
    )
    data = _resolve_data(raw.get("data"))
    resolved = {
        "name": raw.get("name", name),
        "data": data,
        "sampler": {**_defaults(GANOversampler, sampler_keys), **sampler},
        "classifier": _resolve_classifier(raw.get("classifier")),
        "evaluation": _resolve_evaluation(
            raw.get("evaluation"), _holds_images(data), data.get("unlabelled", False) is not False
        ),
        "output": raw.get("output", DEFAULT_OUTPUT),
    }
    return absolute_paths(resolved, Path.cwd())
