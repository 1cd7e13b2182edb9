"""Which recipe values a run would not use, given what the data turned out to be."""

from __future__ import annotations

from ..evaluation._methods import default_samplers, parse_method


def inapplicable_keys(
    recipe: dict, *, images: bool, own_validation: bool, cuda: bool
) -> dict[str, str]:
    """The values of a resolved recipe that do not apply to this run, and why.

    Parameters
    ----------
    recipe : dict
        A resolved recipe.
    images : bool
        Whether the data are images or volumes (not a table).
    own_validation : bool
        Whether the data set comes with its own validation split.
    cuda : bool
        Whether the run trains on a CUDA device.

    Returns
    -------
    left_out : dict of str to str
        ``"section.key"`` (or ``"section"`` for a whole section) to the
        reason it does not apply, e.g. ``"sampler.style_mixing"`` for a
        convolutional generator.
    """
    sampler, classifier = recipe["sampler"], recipe["classifier"]
    evaluation = recipe["evaluation"]
    samplers = default_samplers(None, 2, images=True)
    bases = {parse_method(m, samplers).sampler for m in evaluation["methods"]}
    left_out = {}
    if "gan" not in bases:
        left_out["sampler"] = "no method trains GANOversampler"
    architecture = sampler["architecture"]
    if architecture == "auto":
        architecture = "conv" if images else "mlp"
    if architecture != "style":
        why = f"architecture style only; this run's generator is {architecture}"
        left_out.update(dict.fromkeys(["sampler.style_mixing", "sampler.truncation_psi"], why))
    if sampler["checkpoint_selection"] != "kid":
        left_out["sampler.n_iter_no_change"] = "checkpoint_selection kid only"
    if images:
        left_out["sampler.categorical_features"] = "tables only"
    if not cuda:
        left_out["sampler.amp"] = "mixed precision on CUDA only"
    for section in ("sampler", "evaluation"):
        for key in ("image_shape", "spatial_dims"):
            if recipe[section][key] is None:
                left_out[f"{section}.{key}"] = "taken from the data"
    if classifier["type"] == "auto" and not images:
        why = "the CNN's only; a table gets a logistic regression"
        left_out.update({f"classifier.{k}": why for k in classifier if k != "type"})
    if not evaluation["fidelity"]:
        left_out["evaluation.feature_extractor"] = "fidelity is off"
    if own_validation:
        left_out["evaluation.val_size"] = "the data set has its own validation split"
    return left_out
