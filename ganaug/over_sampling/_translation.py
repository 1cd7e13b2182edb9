"""TranslationOversampler: new samples of a class translated from real samples of others."""

from __future__ import annotations

import math
import warnings
from numbers import Real
from typing import Any

import numpy as np
import torch
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import Substitution
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..nets import build_networks
from ..training.translation import TranslationTrainer
from ..utils._docstring import parameter_docs
from ..utils._validation import class_label
from ._network import LATENT_DEFAULT, NetworkOversampler, _with_pool

# Generator updates that epochs="auto" aims for, per data kind. The latent
# path's value is a guess (cheap steps on 4 x 7^3 codes), not yet measured.
AUTO_STEPS = {"image": 1000, "volume": 200, "latent": 1000}
# Values translated per forward pass (bounds memory).
TRANSLATION_ELEMENTS = 2**22


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    **parameter_docs(
        NetworkOversampler._parameters_docstring + NetworkOversampler._attributes_docstring,
        seeded="batches, augmentation and the choice of\n        source images",
        auto_steps="1000 generator steps on 2D images, 200 on\n"
        "        volumes and 1000 on the latent path",
        latent_default=repr(LATENT_DEFAULT),
        samples="translations",
        auto_augment_tables="",
        class_loss_weight="5.0",
        class_loss_note="Lower it and translations stay close to their sources,\n"
        "        barely moved toward the target class (see\n"
        "        :ref:`evidence-translation`).",
        synthetic="are translations",
        synthetic_share_evidence="Keep the default to train a classifier: a translated\n"
        "        image keeps its source's anatomy under the new label, and\n"
        "        translations alone measured worse than a quarter. 1.0 shows the\n"
        "        translations on their own (see :ref:`evidence-translation`).",
        balance_default="None",
        unbalanced="``synthetic_share`` of their new samples are translations.",
        balanced="Each class's translations come from the sources ``translate_from``\n"
        "        names for it, the majority's from the minority images included.",
        and_tables="",
        pool_translation=", and the generator translates them too, each to\n"
        "        a class drawn at random (the cycle and fixed-point losses, which\n"
        "        need the source's class, stay with the labelled rows); they are\n"
        "        then sources of every class's translations (``translate_from``)",
    ),
)
class TranslationOversampler(NetworkOversampler):
    """Over-sample images by translating real images of the other classes.

    Most of a new minority sample's content (anatomy, background, texture,
    acquisition) then comes from the hundreds of real majority images, and
    only the difference between the classes from the few minority ones. One
    generator ``G(x, c)`` for all classes (StarGAN, Choi et al. 2018), a
    U-Net with a residual output so that translating an image to its own
    class can return it unchanged (Fixed-Point GAN, Siddiquee et al. 2019),
    is trained on every class of the training data against a projection
    discriminator with an auxiliary classifier; an average of its weights
    makes the samples. A translation counts only if that classifier calls it
    the target class (``label_gate``). With ``latent=True`` it translates
    the codes of an autoencoder fitted on ``X`` first; translations are
    decoded and mapped onto the target class's real values
    (``match_values``).

    ``X`` holds images ``(n, H, W)`` / ``(n, C, H, W)``, volumes
    ``(n, D, H, W)`` / ``(n, C, D, H, W)``, or flat rows folded by
    ``image_shape``; the output has the input's shape, dtype and value range.

    Read more in the :ref:`User Guide <translation-oversampler>`.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    {latent}

    {autoencoder_steps}

    {epochs}

    {batch_size}

    {loss}

    {spectral_norm}

    {r1_gamma}

    {augment}

    {class_loss_weight}

    cycle_weight : float, default=5.0
        Weight of the cycle loss ``|G(G(x, c), c_x) - x|``: a translation
        must keep what lets it be translated back.

    identity_weight : float, default=1.0
        Weight of the fixed-point loss ``|G(x, c_x) - x|``: translating an
        image to its own class changes nothing.

    change_weight : float, default=0.0
        Weight of ``|G(x, c) - x|``, which keeps translations close to their
        sources.

    {ema_half_life}

    {generator_lr}

    {discriminator_lr}

    {discriminator_steps}

    translate_from : {{"others", "all"}}, default="others"
        Source images of a class's translations: the real images of the other
        classes, or of every class (its own translated to itself included).
        Rows labelled -1 (an unlabelled pool) are sources of every class's
        translations too; ``source_indices_`` names them. Sources are spread
        evenly: each is used at most ``ceil(n_candidates / n_sources)`` times.

    label_gate : bool, default=True
        Keep a translation only if the discriminator's classifier calls it
        the target class. Twice the candidates needed are translated and
        judged together (the discriminator sees their minibatch standard
        deviation, so a borderline call depends a little on the other
        candidates); real duplicates make up any shortfall, with a warning.

    {match_values}

    {semi_supervised}

    {pseudo_label_threshold}

    {synthetic_share}

    {balance_synthetic}

    {image_shape}

    {spatial_dims}

    {unlabelled}

    {device}

    {amp}

    {compile}

    {verbose}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples to add per class.

    classes_ : ndarray
        Class labels seen during fit.

    source_indices_ : ndarray of int
        After :meth:`fit_resample`: for every returned sample, the input row
        it is, duplicates or was translated from.

    synthetic_mask_ : ndarray of bool
        After :meth:`fit_resample`: True for every returned translation.

    acceptance_rate_ : dict
        After :meth:`fit_resample` with ``label_gate=True``: per class that
        received translations, the share of candidates the classifier called
        the target class.

    n_features_in_ : int
        Number of values per sample (pixels).

    sample_shape_ : tuple of int
        Shape of one sample.

    encoder_ : ImageEncoder or LatentEncoder
        Maps samples to [-1, 1] and back (on the latent path, through the
        autoencoder).

    {latent_}

    {autoencoder_history_}

    {match_values_}

    {transduction_}

    {pseudo_label_shares_}

    {value_kind_}

    generator_ : torch.nn.Module
        The averaged (EMA) generator in eval mode; ``generator_(x, codes)``
        where ``x`` is encoded and ``codes`` index ``classes_``.

    discriminator_ : torch.nn.Module
        The trained discriminator; its classifier gates the translations.

    history_ : ganaug.training.History
        Per-epoch losses and discriminator scores.

    device_ : torch.device
        The device used for training and translation.

    See Also
    --------
    GANOversampler : New samples from noise.
    AugmentedRandomOverSampler : Classically augmented copies.

    Examples
    --------
    >>> from collections import Counter
    >>> from ganaug import TranslationOversampler
    >>> from ganaug.datasets import load_breastmnist
    >>> data = load_breastmnist("val")
    >>> sorted(Counter(data.target.tolist()).items())
    [(0, 21), (1, 57)]
    >>> sampler = TranslationOversampler(epochs=1, label_gate=False, random_state=0, verbose=0)
    >>> X_res, y_res = sampler.fit_resample(data.images, data.target)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 57), (1, 57)]
    >>> bool((data.target[sampler.source_indices_[sampler.synthetic_mask_]] == 1).all())
    True
    """

    SAMPLE_CHOICE_PARAMS = (
        "translate_from",
        "label_gate",
        "match_values",
        "synthetic_share",
        "balance_synthetic",
    )

    _parameter_constraints: dict = {
        **NetworkOversampler._parameter_constraints,
        "cycle_weight": [Interval(Real, 0, None, closed="left")],
        "identity_weight": [Interval(Real, 0, None, closed="left")],
        "change_weight": [Interval(Real, 0, None, closed="left")],
        "translate_from": [StrOptions({"others", "all"})],
        "label_gate": ["boolean"],
    }
    # A class of one sample can still be the target of translations.
    _min_class_size = 1
    _auto_steps_by_kind = AUTO_STEPS

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        latent=LATENT_DEFAULT,
        autoencoder_steps="auto",
        epochs="auto",
        batch_size=32,
        loss="hinge",
        spectral_norm=True,
        r1_gamma=0.0,
        augment="auto",
        class_loss_weight=5.0,
        cycle_weight=5.0,
        identity_weight=1.0,
        change_weight=0.0,
        ema_half_life=10_000,
        generator_lr=1e-4,
        discriminator_lr=4e-4,
        discriminator_steps=1,
        translate_from="others",
        label_gate=True,
        match_values="auto",
        semi_supervised=None,
        pseudo_label_threshold=0.9,
        synthetic_share=0.25,
        balance_synthetic=None,
        image_shape=None,
        spatial_dims=None,
        unlabelled="drop",
        device="auto",
        amp=True,
        compile=False,
        verbose=1,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.latent = latent
        self.autoencoder_steps = autoencoder_steps
        self.epochs = epochs
        self.batch_size = batch_size
        self.loss = loss
        self.spectral_norm = spectral_norm
        self.r1_gamma = r1_gamma
        self.augment = augment
        self.class_loss_weight = class_loss_weight
        self.cycle_weight = cycle_weight
        self.identity_weight = identity_weight
        self.change_weight = change_weight
        self.ema_half_life = ema_half_life
        self.generator_lr = generator_lr
        self.discriminator_lr = discriminator_lr
        self.discriminator_steps = discriminator_steps
        self.translate_from = translate_from
        self.label_gate = label_gate
        self.match_values = match_values
        self.semi_supervised = semi_supervised
        self.pseudo_label_threshold = pseudo_label_threshold
        self.synthetic_share = synthetic_share
        self.balance_synthetic = balance_synthetic
        self.image_shape = image_shape
        self.spatial_dims = spatial_dims
        self.unlabelled = unlabelled
        self.device = device
        self.amp = amp
        self.compile = compile
        self.verbose = verbose

    # -- training -------------------------------------------------------------
    def _build_networks(self) -> tuple[torch.nn.Module, torch.nn.Module]:
        return build_networks("translation", **self._network_kwargs())

    def _make_trainer(self, generator, discriminator, policy, context) -> TranslationTrainer:
        return TranslationTrainer(
            generator,
            discriminator,
            cycle_weight=self.cycle_weight,
            identity_weight=self.identity_weight,
            change_weight=self.change_weight,
            **self._common_trainer_kwargs(policy, context),
        )

    def _keep_trained(self, trainer: TranslationTrainer, selector) -> None:
        self.discriminator_ = trainer.discriminator.eval().requires_grad_(False)

    def _fit_synthesis(self, X: np.ndarray, y: np.ndarray, rng) -> None:
        super()._fit_synthesis(X, y, rng)
        self.acceptance_rate_ = {}

    # -- translation ----------------------------------------------------------
    def _unbalanced_share(self) -> float:
        return self.synthetic_share

    def _synthetic_rows(self, X: np.ndarray, y: np.ndarray, cls: Any, n_samples: int, rng):
        """Translations to ``cls`` of real samples spread evenly over the sources
        (the unlabelled rows, numbered from ``len(X)``, among them)."""
        pool = np.flatnonzero(y != cls) if self.translate_from == "others" else np.arange(len(y))
        unlabelled = self._pool()
        if unlabelled is not None:
            pool = np.concatenate([pool, len(X) + np.arange(len(unlabelled))])
        n_draw = 2 * n_samples if self.label_gate else n_samples
        sources = np.tile(rng.permutation(pool), math.ceil(n_draw / len(pool)))[:n_draw]
        code = int(np.searchsorted(self.classes_, cls))
        Z = self._translate_codes(
            self.encoder_.transform(_with_pool(X, unlabelled)[sources]), code
        )
        if self.label_gate:
            kept = self._called(Z, code)
            self.acceptance_rate_[cls] = float(kept.mean())
            Z, sources = Z[kept][:n_samples], sources[kept][:n_samples]
            if len(Z) < n_samples:
                warnings.warn(
                    f"The classifier called only {self.acceptance_rate_[cls]:.0%} of the "
                    f"translations to class {class_label(cls)} that class, so "
                    f"{n_samples - len(Z)} of the {n_samples} translations asked for are "
                    "real duplicates instead. Train longer (epochs), or set "
                    "label_gate=False to keep them all.",
                    UserWarning,
                    stacklevel=2,
                )
        real = X[y == cls] if self.match_values_ else None
        return self._to_samples(Z, real).reshape(len(Z), *X.shape[1:]), sources

    def _translate_codes(self, Z: np.ndarray, code: int) -> np.ndarray:
        """Encoded samples ``Z`` translated to class index ``code``."""
        return self._in_chunks(self.generator_, Z, code, lambda out: out.float())

    def _called(self, Z: np.ndarray, code: int) -> np.ndarray:
        """Whether the discriminator's classifier calls each encoded sample class ``code``."""
        return self._in_chunks(self.discriminator_, Z, code, lambda out: out[1].argmax(1) == code)

    @torch.inference_mode()
    def _in_chunks(self, module: torch.nn.Module, Z: np.ndarray, code: int, keep) -> np.ndarray:
        """``keep(module(x, c))`` over ``Z`` in chunks of bounded size, ``c`` all ``code``."""
        module = module.to(self.device_).eval()
        chunk = max(1, TRANSLATION_ELEMENTS // math.prod(Z.shape[1:]))
        parts = []
        for start in range(0, len(Z), chunk):
            x = torch.from_numpy(Z[start : start + chunk]).to(self.device_)
            c = torch.full((len(x),), code, dtype=torch.long, device=self.device_)
            parts.append(keep(module(x, c)).cpu().numpy())
        return np.concatenate(parts)

    def translate(self, X, y: Any):
        """Translate real samples to class ``y`` with the fitted generator.

        Every sample is translated, whatever the label gate would say. On
        the latent path the translations are decoded as they are
        (:meth:`fit_resample` also maps them onto the target class's values).

        Parameters
        ----------
        X : array-like
            Samples in the form ``X`` had during fit (images, volumes, or flat
            rows with ``image_shape``).
        y : object
            The target class, one of ``classes_``.

        Returns
        -------
        X_new : ndarray
            The translations, in ``X``'s form, dtype and value range.
        """
        check_is_fitted(self, "generator_")
        self._check_class(y)
        X_checked = self._check_fitted_shape(X, "X", "pass samples in that form.")
        code = int(np.searchsorted(self.classes_, y))
        Z = self._translate_codes(self.encoder_.transform(X_checked), code)
        return self.encoder_.inverse_transform(Z).reshape(np.shape(X_checked))
