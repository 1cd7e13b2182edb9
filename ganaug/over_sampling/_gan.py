"""GANOversampler: imbalanced-learn over-sampling with a conditional GAN."""

from __future__ import annotations

import warnings
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
import torch
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import Substitution
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..data.images import ImageEncoder
from ..data.tabular import TabularEncoder
from ..distances import kernel_distance
from ..nets import build_networks
from ..training.diffaugment import parse_policy
from ..training.trainer import GANTrainer
from ..utils._docstring import parameter_docs
from ..utils._random import draw_seed, seeded_torch
from ..utils._validation import (
    MAX_SAMPLES,
    check_finite_samples,
    check_new_values,
    check_not_sparse,
    check_sample_count,
    class_label,
)
from ._generation import generate_codes, slerp
from ._latent import LatentInterpolation
from ._network import LATENT_DEFAULT, NetworkOversampler
from ._sample_choice import inside_real_manifold, match_moments

# Generator updates that epochs="auto" aims for, per data kind: enough for the
# defaults to learn on small medical sets within a few CPU minutes (BENCHMARKS.md).
# On the latent path's small codes a step is cheap: 2000 as in the latent screen.
AUTO_STEPS = {"table": 1500, "image": 1200, "volume": 300, "latent": 2000}
# checkpoint_selection="kid": generated samples per class and score.
SELECTION_SAMPLES = 500
# Parameters that choose which new samples fit_resample returns from the
# trained generator; training never reads them.
SAMPLE_CHOICE_PARAMS = (
    "synthetic_share",
    "balance_synthetic",
    "reject_outliers",
    "match_moments",
    "match_values",
)


_SYNTHETIC_SHARE_EVIDENCE = """Keep the default to train a classifier: synthetic samples
        alone are narrower than the real class, and a classifier that sees
        mostly them misses real minority samples. Set 1.0 to study the
        generator's samples on their own (see
        :ref:`evidence-synthetic-share`)."""


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    **parameter_docs(
        NetworkOversampler._parameters_docstring + NetworkOversampler._attributes_docstring,
        seeded="noise, batch sampling and augmentation",
        auto_steps="1500 generator steps on tables, 1200 on 2D\n"
        "        images, 300 on 3D volumes and 2000 on the latent\n        path",
        latent_default=repr(LATENT_DEFAULT),
        samples="synthetic samples",
        auto_augment_tables=" and none for tables",
        class_loss_weight="1.0",
        class_loss_note="It keeps minority samples recognisable as the minority.",
        synthetic="come from the generator",
        synthetic_share_evidence=_SYNTHETIC_SHARE_EVIDENCE,
        balance_default="None",
        unbalanced="``synthetic_share`` of their new samples, the rest duplicates.",
        balanced="The outlier filter and moment matching apply to the synthetic\n"
        "        samples of every class, each against the class's real samples.",
        and_tables=" and for tables",
        pool_translation="",
    ),
)
class GANOversampler(NetworkOversampler):
    """Over-sample minority classes with samples from a conditional GAN.

    A drop-in for imblearn's ``SMOTE``: ``fit_resample(X, y)`` returns the
    original samples followed by new ones, exactly as many per class as
    ``sampling_strategy`` asks. One generator, conditioned on the class label,
    is trained per fit and serves every class to be over-sampled. By default a
    quarter of the new samples are synthetic and the rest duplicate real
    samples of the class (``synthetic_share``); synthetic samples outside the
    real class's manifold are replaced by duplicates (``reject_outliers``),
    and the synthetic samples take the real class's per-feature mean and
    spread (``match_moments``), so they add variation around the class
    without moving it.
    ``source_indices_`` tells which rows are synthetic.

    With ``latent=True`` the generator learns, and makes, the codes of an
    autoencoder fitted on ``X`` first, which are decoded into samples and
    mapped onto the real class's values (``match_values``). There,
    ``architecture="interpolation"`` trains no GAN at all: its samples are
    decoded interpolations between two real codes of the class, SMOTE in
    the latent space, the yardstick a latent GAN has to beat.

    ``X`` may be a table (numpy array or pandas DataFrame, with categorical
    columns), images ``(n, H, W)`` / ``(n, C, H, W)``, volumes
    ``(n, D, H, W)`` / ``(n, C, D, H, W)``, or flat rows folded by
    ``image_shape``. The output has the input's container, dtype and range.

    Read more in the :ref:`User Guide <gan-oversampler>`.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    architecture : {{"auto", "mlp", "conv", "style", "interpolation"}}, default="auto"
        Generator family: ``"mlp"`` for tables, ``"conv"`` (DCGAN-style, 2D
        or 3D) for images and volumes, ``"style"`` (StyleGAN2-style: a
        mapping network, modulated convolutions and per-layer noise; see
        :class:`ganaug.nets.StyleGenerator`) for images and volumes.
        ``"auto"`` picks ``"mlp"`` or ``"conv"`` from the input.
        ``"interpolation"``, on the latent path only: no GAN; each sample is
        decoded from a point drawn uniformly on the line between two
        different real codes of its class, drawn at random (SMOTE between
        random pairs, in the latent space). Only the autoencoder trains, and
        the GAN's training parameters are unused; ``reject_outliers`` and
        ``match_moments`` act on its codes as on a GAN's.

    {latent}

    {autoencoder_steps}

    {epochs}

    {batch_size}

    latent_dim : int, default=64
        Size of the generator's noise vector.

    style_mixing : float, default=0.9
        ``architecture="style"`` only: the share of training batches whose
        later layers take the style of a second noise vector (style mixing
        regularisation); 0 turns it off.

    truncation_psi : float, default=1.0
        ``architecture="style"`` only: when sampling, styles are pulled
        towards their class's mean style by this factor (1: not at all; 0:
        every sample of a class has the mean style, less variety, fewer
        odd samples).

    {loss}

    {spectral_norm}

    {r1_gamma}

    lecam_weight : float, default=0.0
        Weight of the LeCam regulariser (Tseng et al. 2021), which keeps the
        discriminator's scores of real and generated samples from drifting
        apart when it overfits a small data set; 0 disables it. Try 0.3 on
        small 2D sets when the samples' fidelity matters: it brought them
        closer to the real images without helping a classifier, and on
        volumes, whose discriminator scores are far larger, it made the
        generator fail (see :ref:`evidence-training-changes`).

    mode_seeking_weight : float, default=0.0
        Weight of the mode-seeking term (MSGAN, Mao et al. 2019) in the
        generator's loss: pairs of samples of the same class from different
        noise are pushed apart, against mode collapse. 0 disables it. Set
        1.0 when the samples themselves matter more than a classifier's
        score (synthetic DICOM series, figures): it makes them about as
        varied as the real ones, without changing the classifiers (see
        :ref:`evidence-training-changes`).

    {augment}

    {class_loss_weight}

    {ema_half_life}

    {generator_lr}

    {discriminator_lr}

    {discriminator_steps}

    {synthetic_share}

    {balance_synthetic}

    reject_outliers : bool, default=True
        Drop synthetic samples that lie outside the real class's k-NN manifold
        (farther from every real sample of the class than that sample is from
        its 3rd nearest real neighbour, in the generator's encoded space). Twice
        the samples needed are drawn; when too few lie inside, real duplicates
        make up the rest, with a warning. It guards against wild samples
        only: distances in the encoded space do not see blur, so check the
        samples' fidelity (``ganaug.evaluation``) too. A warning that most
        candidates were rejected means the generator needs more training.

    match_moments : bool, default=True
        Shift and scale each feature of a class's synthetic samples (each
        pixel of images, each continuous column of tables, in the encoded
        space) so that their mean and standard deviation equal the real
        class's. The new samples then have the class's real mean, as
        duplicates do, and the generator only adds variation around it:
        without it, a linear model can learn the generator's offset from the
        real class as a cue to the class (see
        :ref:`evidence-moment-matching`). Turn it off only to look at the
        generator's raw samples. Needs two real and two synthetic samples of
        the class; with fewer, the samples are left as drawn. On the latent
        path it matches the latent codes, before ``match_values`` matches
        the decoded samples' values.

    {match_values}

    {semi_supervised}

    {pseudo_label_threshold}

    checkpoint_selection : {{"last", "kid"}}, default="last"
        Which generator to keep. ``"last"``: the averaged generator after the
        last step. ``"kid"``: 20 times during training (and at the last
        step), the kernel (KID-style) distance between 500 generated samples
        and (up to 500) real training samples of each class to over-sample is
        measured in the encoded space, and the generator with the lowest mean
        distance is kept. It scores closeness to the training samples, so
        check memorization when using it (the evaluation does). Useful for
        long runs whose last generator may be worse than an earlier one; at
        the default length it did not help (see
        :ref:`evidence-training-changes`).

    n_iter_no_change : int or None, default=None
        With ``checkpoint_selection="kid"``: stop training after this many
        scores in a row without improvement. None trains all ``epochs``.

    train_on : {{"all", "target"}}, default="all"
        ``"all"`` trains on every class, so majority samples teach what the
        classes share and the condition moves samples to the minority;
        ``"target"`` trains only on the classes being over-sampled.

    categorical_features : "auto" or array-like, default="auto"
        Categorical columns of a table: indices, names (DataFrame) or a
        boolean mask. ``"auto"`` takes non-numeric DataFrame columns
        (category, object, string, bool) and non-numeric array columns.

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
        Number of samples to generate per class.

    classes_ : ndarray
        Class labels seen during fit.

    source_indices_ : ndarray of int
        After :meth:`fit_resample`: for every returned sample, the index of the
        input row it is (the originals and the duplicates), or -1 for a
        synthetic sample.

    synthetic_mask_ : ndarray of bool
        After :meth:`fit_resample`: True for every returned sample the
        generator made (``source_indices_ == -1``).

    checkpoint_scores_ : list of (int, float)
        With ``checkpoint_selection="kid"``: ``(step, kernel distance)`` of
        every scored generator; empty otherwise.

    selected_step_ : int or None
        Training step of the generator kept (the last one with
        ``checkpoint_selection="last"``); None when no score was finite and
        the last generator was kept.

    acceptance_rate_ : dict
        After :meth:`fit_resample` with ``reject_outliers=True``: per
        over-sampled class, the share of generated candidates that lay inside
        the real class's manifold.

    n_features_in_ : int
        Number of values per sample (pixels for images).

    feature_names_in_ : ndarray of str
        Column names, when ``X`` was a DataFrame with string column names.

    feature_dtypes_ : pandas.Series
        Column dtypes, when ``X`` was a DataFrame (restored by :meth:`generate`).

    categorical_features_ : ndarray of int
        Indices of the categorical columns of a table (empty for images).

    sample_shape_ : tuple of int
        Shape of one sample; ``(n_features_in_,)`` for tables.

    encoder_ : TabularEncoder, ImageEncoder or LatentEncoder
        Maps samples to the generator's space and back (on the latent path,
        through the autoencoder).

    {latent_}

    {autoencoder_history_}

    {match_values_}

    {transduction_}

    {pseudo_label_shares_}

    {value_kind_}

    architecture_ : str
        The generator family used, ``"mlp"``, ``"conv"``, ``"style"`` or
        ``"interpolation"``.

    generator_ : torch.nn.Module
        The averaged (EMA) generator in eval mode; ``generator_(z, codes)``
        where ``codes`` index ``classes_``. With
        ``architecture="interpolation"``, the interpolation between the
        stored real codes.

    history_ : ganaug.training.History
        Per-epoch losses and discriminator scores.

    device_ : torch.device
        The device used for training and generation.

    See Also
    --------
    imblearn.over_sampling.SMOTE : Interpolation between minority neighbours.
    imblearn.over_sampling.RandomOverSampler : Duplication of minority samples.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from ganaug import GANOversampler
    >>> X, y = make_classification(n_samples=300, weights=[0.9, 0.1], random_state=0)
    >>> sorted(Counter(y.tolist()).items())
    [(0, 268), (1, 32)]
    >>> sampler = GANOversampler(epochs=2, random_state=0, verbose=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 268), (1, 268)]
    """

    _parameter_constraints: dict = {
        **NetworkOversampler._parameter_constraints,
        "architecture": [StrOptions({"auto", "mlp", "conv", "style", "interpolation"})],
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        "style_mixing": [Interval(Real, 0, 1, closed="both")],
        "truncation_psi": [Interval(Real, 0, 1, closed="both")],
        "lecam_weight": [Interval(Real, 0, None, closed="left")],
        "mode_seeking_weight": [Interval(Real, 0, None, closed="left")],
        "reject_outliers": ["boolean"],
        "match_moments": ["boolean"],
        "checkpoint_selection": [StrOptions({"last", "kid"})],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), None],
        "train_on": [StrOptions({"all", "target"})],
        "categorical_features": [StrOptions({"auto"}), "array-like"],
    }
    _takes_tables = True
    _auto_steps_by_kind = AUTO_STEPS
    SAMPLE_CHOICE_PARAMS = SAMPLE_CHOICE_PARAMS

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        architecture="auto",
        latent=LATENT_DEFAULT,
        autoencoder_steps="auto",
        epochs="auto",
        batch_size=32,
        latent_dim=64,
        style_mixing=0.9,
        truncation_psi=1.0,
        loss="hinge",
        spectral_norm=True,
        r1_gamma=0.0,
        lecam_weight=0.0,
        mode_seeking_weight=0.0,
        augment="auto",
        class_loss_weight=1.0,
        ema_half_life=10_000,
        generator_lr=1e-4,
        discriminator_lr=4e-4,
        discriminator_steps=1,
        synthetic_share=0.25,
        balance_synthetic=None,
        reject_outliers=True,
        match_moments=True,
        match_values="auto",
        semi_supervised=None,
        pseudo_label_threshold=0.9,
        checkpoint_selection="last",
        n_iter_no_change=None,
        train_on="all",
        categorical_features="auto",
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
        self.architecture = architecture
        self.latent = latent
        self.autoencoder_steps = autoencoder_steps
        self.epochs = epochs
        self.batch_size = batch_size
        self.latent_dim = latent_dim
        self.style_mixing = style_mixing
        self.truncation_psi = truncation_psi
        self.loss = loss
        self.spectral_norm = spectral_norm
        self.r1_gamma = r1_gamma
        self.lecam_weight = lecam_weight
        self.mode_seeking_weight = mode_seeking_weight
        self.augment = augment
        self.class_loss_weight = class_loss_weight
        self.ema_half_life = ema_half_life
        self.generator_lr = generator_lr
        self.discriminator_lr = discriminator_lr
        self.discriminator_steps = discriminator_steps
        self.synthetic_share = synthetic_share
        self.balance_synthetic = balance_synthetic
        self.reject_outliers = reject_outliers
        self.match_moments = match_moments
        self.match_values = match_values
        self.semi_supervised = semi_supervised
        self.pseudo_label_threshold = pseudo_label_threshold
        self.checkpoint_selection = checkpoint_selection
        self.n_iter_no_change = n_iter_no_change
        self.train_on = train_on
        self.categorical_features = categorical_features
        self.image_shape = image_shape
        self.spatial_dims = spatial_dims
        self.unlabelled = unlabelled
        self.device = device
        self.amp = amp
        self.compile = compile
        self.verbose = verbose

    # -- fitting --------------------------------------------------------------
    def _check_training_params(self) -> None:
        if self.n_iter_no_change is not None and self.checkpoint_selection != "kid":
            raise ValueError(
                f"n_iter_no_change={self.n_iter_no_change} stops training when the "
                "checkpoint score stops improving, which needs checkpoint_selection='kid'; "
                "set it, or leave n_iter_no_change=None."
            )

    def _training_rows(self, y: np.ndarray, targets: list):
        return np.isin(y, targets) if self.train_on == "target" else slice(None)

    def _fit_encoder(self, X: np.ndarray) -> None:
        if self._is_image_input(X):
            super()._fit_encoder(X)
        else:
            mask = np.zeros(X.shape[1], dtype=bool)
            mask[self.categorical_features_] = True
            self.encoder_ = TabularEncoder(categorical=mask).fit(X)
        self.architecture_ = self._resolve_architecture()

    def _resolve_architecture(self) -> str:
        is_image = isinstance(self.encoder_, ImageEncoder)
        if self.architecture == "auto":
            return "conv" if is_image else "mlp"
        if self.architecture == "interpolation" and not self.latent_:
            raise ValueError(
                "architecture='interpolation' interpolates between the latent codes of "
                "the latent path; set latent=True (images or volumes), or choose a GAN "
                "architecture."
            )
        if self.architecture in ("conv", "style") and not is_image:
            raise ValueError(
                f"architecture={self.architecture!r} needs images or volumes; X is a "
                "table. Use architecture='mlp', or pass image_shape for flat image rows."
            )
        return self.architecture

    def _network_kwargs(self) -> dict:
        kwargs = {**super()._network_kwargs(), "latent_dim": self.latent_dim}
        if isinstance(self.encoder_, TabularEncoder):
            kwargs["output_spans"] = self.encoder_.output_spans_
        elif self.architecture_ == "style":
            kwargs["style_mixing"] = self.style_mixing
        return kwargs

    def _encode(self, X: np.ndarray) -> torch.Tensor:
        if isinstance(self.encoder_, TabularEncoder):
            return torch.from_numpy(np.ascontiguousarray(self.encoder_.transform(X)))
        Z = super()._encode(X)
        return Z.reshape(len(Z), -1) if self.architecture_ == "mlp" else Z

    def _augment_policy(self) -> tuple[str, ...]:
        if self.architecture_ != "mlp":
            return super()._augment_policy()
        policy = parse_policy(None if self.augment == "auto" else self.augment)
        if policy:
            raise ValueError(
                f"augment={self.augment!r} applies to images and volumes only; "
                "use augment=None (or 'auto') with architecture='mlp'."
            )
        return policy

    def _build_networks(self) -> tuple[torch.nn.Module, torch.nn.Module | None]:
        if self.architecture_ == "interpolation":
            return LatentInterpolation(), None  # its codes come with its weights
        return build_networks(self.architecture_, **self._network_kwargs())

    def _untrained_generator(self, Z: torch.Tensor, codes: np.ndarray):
        if self.architecture_ != "interpolation":
            return None
        self.checkpoint_scores_, self.selected_step_ = [], None
        return LatentInterpolation(Z, torch.from_numpy(np.asarray(codes)))

    def _make_trainer(self, generator, discriminator, policy, context) -> GANTrainer:
        return GANTrainer(
            generator,
            discriminator,
            lecam_weight=self.lecam_weight,
            mode_seeking_weight=self.mode_seeking_weight,
            **self._common_trainer_kwargs(policy, context),
        )

    def _checkpoint_score(self, Z: torch.Tensor, codes: np.ndarray, seed: int):
        if self.checkpoint_selection != "kid":
            return None
        return self._kid_to_real(Z, codes, seed), self.n_iter_no_change

    def _kid_to_real(self, Z: torch.Tensor, codes: np.ndarray, seed: int):
        """Score for :class:`BestGenerator`: mean kernel distance to each target class."""
        targets = [cls for cls, n in self.sampling_strategy_.items() if n > 0]
        flat = Z.reshape(len(Z), -1).numpy()
        real = {}
        for code in np.searchsorted(self.classes_, targets):
            rows = np.flatnonzero(codes == code)  # at most SELECTION_SAMPLES, spread evenly
            keep = np.linspace(0, len(rows) - 1, min(len(rows), SELECTION_SAMPLES)).astype(int)
            real[code] = flat[rows[keep]]

        def score(generator: torch.nn.Module) -> float:
            distances = []
            for code, rows in real.items():
                fake = generate_codes(
                    generator, SELECTION_SAMPLES, int(code), seed, self.device_, flat.shape[1]
                )
                distances.append(kernel_distance(rows, fake.reshape(len(fake), -1)))
            return float(np.mean(distances))

        return score

    def _keep_trained(self, trainer: GANTrainer, selector) -> None:
        self.checkpoint_scores_ = selector.scores if selector is not None else []
        self.selected_step_ = selector.best_step if selector is not None else trainer.step

    def _fit_synthesis(self, X: np.ndarray, y: np.ndarray, rng) -> None:
        if self.balance_synthetic is not None and self.train_on == "target":
            raise ValueError(
                f"balance_synthetic={self.balance_synthetic} gives every class synthetic "
                "samples, but train_on='target' trains the generator on the classes to "
                "over-sample only; use train_on='all', or balance_synthetic=None."
            )
        super()._fit_synthesis(X, y, rng)
        self.acceptance_rate_ = {}

    def _unbalanced_share(self) -> float:
        return self.synthetic_share

    def _synthetic_rows(self, X: np.ndarray, y: np.ndarray, cls: Any, n_samples: int, rng):
        """Generator samples of ``cls``: filtered and matched (:meth:`_chosen_codes`)."""
        n_draw = 2 * n_samples if self.reject_outliers else n_samples
        codes = self._generate_codes(n_draw, cls, rng).reshape(n_draw, -1)
        codes = self._chosen_codes(codes, self._encoded_rows(X[y == cls]), n_samples, cls)
        if not len(codes):
            return X[:0], np.zeros(0, dtype=int)
        real = X[y == cls] if self.match_values_ else None
        samples = self._decode(codes, real).reshape(len(codes), *X.shape[1:])
        return samples, np.full(len(codes), -1)

    def _chosen_codes(self, codes: np.ndarray, real: np.ndarray, n_synthetic: int, cls: Any):
        """At most ``n_synthetic`` of the candidate ``codes``: filtered, then matched.

        The filter judges the candidates as the generator drew them, so a
        generator far from the real class gets all its candidates rejected
        and the new samples are duplicates. Matching first would hide that
        distance: on AdrenalMNIST3D 1:50 (3 seeds) the filter then kept 54% of
        the candidates instead of 33%, and AUROC fell by 0.013 (BENCHMARKS.md).
        """
        if self.reject_outliers:
            inside = inside_real_manifold(codes, real)
            self.acceptance_rate_[cls] = float(inside.mean())
            codes = codes[inside]
            if len(codes) < n_synthetic:
                warnings.warn(
                    f"Only {self.acceptance_rate_[cls]:.0%} of the generated candidates "
                    f"for class {class_label(cls)} lay inside the real class's manifold, so "
                    f"{n_synthetic - len(codes)} of the {n_synthetic} synthetic samples "
                    "asked for are real duplicates instead. The generator is far from "
                    "the real samples: train it longer (epochs), or check its samples' "
                    "fidelity (ganaug.evaluation) before relying on them.",
                    UserWarning,
                    stacklevel=3,
                )
        codes = codes[:n_synthetic]
        if self.match_moments:
            codes = match_moments(codes, real, self._continuous_codes())
        return codes

    def _encoded_rows(self, X: np.ndarray) -> np.ndarray:
        """Checked samples in the encoded space, one flat row each."""
        return self._encode(X).numpy().reshape(len(X), -1)

    def _continuous_codes(self) -> np.ndarray | None:
        """Which encoded columns hold continuous values (None: all, as for images)."""
        if isinstance(self.encoder_, TabularEncoder):
            return self.encoder_.continuous_outputs()
        return None

    # -- generation -----------------------------------------------------------
    def _generate_codes(self, n_samples: int, cls: Any, rng: np.random.RandomState):
        """``n_samples`` generator outputs for ``cls``, in the encoded space."""
        code = int(np.searchsorted(self.classes_, cls))
        generator = self.generator_.to(self.device_).eval()
        seed = draw_seed(rng)
        return generate_codes(
            generator,
            n_samples,
            code,
            seed,
            self.device_,
            self.n_features_in_,
            **self._sampling_kwargs(),
        )

    def _sampling_kwargs(self) -> dict:
        """What the generator takes when sampling beyond noise and class (truncation)."""
        return {"psi": self.truncation_psi} if self.architecture_ == "style" else {}

    def _decode(self, Z: np.ndarray, real: np.ndarray | None = None) -> np.ndarray:
        """Encoded samples back to the input's form (value-matched onto ``real``, if given)."""
        if isinstance(self.encoder_, TabularEncoder):
            return self.encoder_.inverse_transform(Z)
        Z = Z.reshape(len(Z), self.encoder_.channels, *self.encoder_.spatial_shape)
        return self._to_samples(Z, real)

    def generate(self, n_samples: int, y: Any, random_state: Any = None, *, match_to=None):
        """Draw new synthetic samples of one class from the fitted generator.

        Without ``match_to`` the samples are as the generator draws them
        (on the latent path, as the autoencoder decodes them).
        :meth:`fit_resample`'s moment matching (``match_moments``) and value
        matching (``match_values``) need the real samples: pass them as
        ``match_to`` to apply them. Its outlier filter (``reject_outliers``)
        is not applied, so every sample asked for is synthetic.

        Parameters
        ----------
        n_samples : int
            Number of samples to draw, at most 100 million (and 2**33 values
            in all).
        y : object
            The class label, one of ``classes_``.
        random_state : int, RandomState instance or None, default=None
            Seeds the noise; the same integer gives the same samples.
        match_to : array-like or pandas.DataFrame, optional
            Real samples of class ``y``, in the form ``X`` had during fit.
            The new samples are then shifted and scaled so that each pixel or
            voxel (each continuous column of a table) has these samples' mean
            and standard deviation, as in :meth:`fit_resample`. Needs at least
            two real samples and ``n_samples >= 2``; otherwise nothing changes.
            With ``match_values_``, the decoded samples then take these
            samples' values, all together (and without ``match_moments``,
            only that).

        Returns
        -------
        X_new : ndarray or pandas.DataFrame
            ``n_samples`` samples in the form ``X`` had during fit: a DataFrame
            with the same columns and dtypes, or an array of the same dtype
            and per-sample shape.
        """
        check_is_fitted(self, "generator_")
        check_sample_count(n_samples)
        check_new_values(n_samples, self.n_features_in_, "draw them in smaller batches.")
        self._check_class(y)
        real = None if match_to is None else self._check_real(match_to, y)
        if n_samples == 0:
            return self._as_input_form(np.empty((0, *self.sample_shape_)))
        codes = self._generate_codes(n_samples, y, check_random_state(random_state))
        if real is not None and (self.match_moments or not self.match_values_):
            codes = codes.reshape(n_samples, -1)
            codes = match_moments(codes, self._encoded_rows(real), self._continuous_codes())
        X_new = self._decode(codes, real if self.match_values_ else None)
        check_finite_samples(X_new, type(self).__name__)
        return self._as_input_form(X_new)

    def interpolate(self, y: Any, n_steps: int = 8, random_state: Any = None):
        """Samples of one class along a walk between two latent codes.

        Two noise vectors are drawn and joined by spherical interpolation
        (the path stays where Gaussian noise lies); the generator draws one
        sample at each of ``n_steps`` even steps, first and last at the two
        codes. A smooth walk means the generator has learned a continuous
        class, not a lookup of training images. The style generator walks
        without its per-pixel noise and with ``truncation_psi``. With
        ``architecture="interpolation"`` the walk goes from one real latent
        code of the class to another, decoded: how smooth the latent space is.

        Parameters
        ----------
        y : object
            The class label, one of ``classes_``.
        n_steps : int, default=8
            Samples along the walk, at least 2 (at most 100 million).
        random_state : int, RandomState instance or None, default=None
            Seeds the two codes; the same integer gives the same walk.

        Returns
        -------
        X_walk : ndarray or pandas.DataFrame
            ``n_steps`` samples in the form ``X`` had during fit, in order.
        """
        check_is_fitted(self, "generator_")
        if not isinstance(n_steps, Integral) or not 2 <= n_steps <= MAX_SAMPLES:
            raise ValueError(
                f"n_steps must be an integer of at least 2 and at most {MAX_SAMPLES:_}, "
                f"got {n_steps!r}."
            )
        check_new_values(n_steps, self.n_features_in_, "take fewer steps.")
        self._check_class(y)
        code = int(np.searchsorted(self.classes_, y))
        generator = self.generator_.to(self.device_).eval()
        kwargs = self._sampling_kwargs()
        if self.architecture_ == "style":
            kwargs["noise"] = False
        seed = draw_seed(check_random_state(random_state))
        with torch.inference_mode(), seeded_torch(seed, self.device_):
            ends = torch.randn(2, generator.latent_dim, device=self.device_)
            steps = torch.linspace(0, 1, n_steps, device=self.device_)[:, None]
            if self.architecture_ == "interpolation":  # one pair, its mixing weight walking
                z = torch.cat([ends[:1, :2].expand(n_steps, 2), torch.special.ndtri(steps)], 1)
            else:
                z = slerp(ends[0], ends[1], steps)
            labels = torch.full((n_steps,), code, dtype=torch.long, device=self.device_)
            codes = generator(z, labels, **kwargs).float().cpu().numpy()
        return self._as_input_form(self._decode(codes))

    def _as_input_form(self, X_new: np.ndarray):
        """Decoded samples in the form ``X`` had during fit (flat rows, a DataFrame)."""
        if self.image_shape is not None:
            X_new = X_new.reshape(len(X_new), -1)
        if hasattr(self, "feature_dtypes_"):
            frame = pd.DataFrame(X_new, columns=self.feature_dtypes_.index)
            return frame.astype(self.feature_dtypes_.to_dict())
        return X_new

    def _check_real(self, X, y: Any) -> np.ndarray:
        """``X`` checked as samples in the form the sampler was fitted on."""
        check_not_sparse(X)
        if isinstance(X, pd.DataFrame) != hasattr(self, "feature_dtypes_") or (
            isinstance(X, pd.DataFrame) and list(X.columns) != list(self.feature_dtypes_.index)
        ):
            raise ValueError(
                f"match_to must hold real samples of class {class_label(y)} in the form X "
                "had during fit: a DataFrame with the same columns, or an array of the "
                "same sample shape."
            )
        return self._check_fitted_shape(
            X, "match_to", f"pass real samples of class {class_label(y)} in the same form as X."
        )
