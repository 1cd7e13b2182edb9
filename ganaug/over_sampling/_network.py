"""What the samplers that train networks share: their parameters, the fit that
trains the networks, long runs with checkpoints and processes, saving, loading
and pickling."""

from __future__ import annotations

import copy
import os
from collections.abc import Sequence
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..data.images import ImageEncoder, image_layout
from ..data.tabular import TabularEncoder
from ..data.values import match_values, value_kind
from ..io.checkpoint import load_checkpoint, save_checkpoint
from ..losses import LOSSES
from ..training.callbacks import Callback
from ..training.checkpoint_selection import BestGenerator
from ..training.diffaugment import parse_policy
from ..training.distributed import DistributedContext
from ..training.history import History
from ..training.run_setup import TrainingRun, pool_fingerprint
from ..training.runtime import resolve_device
from ..training.trainer import GANTrainer
from ..utils._random import draw_seed
from ..utils._validation import check_min_class_size, class_label
from ._base import SyntheticOversampler
from ._latent import LatentEncoder, auto_autoencoder_steps
from ._persistence import from_checkpoint, plain_params, to_checkpoint

DEFAULT_AUGMENT = "translation,cutout"
# The samplers' default ``latent``: "auto" makes the latent path the default
# for the kinds in LATENT_AUTO_KINDS, once the benchmarks say it earns it.
LATENT_DEFAULT = False
LATENT_AUTO_KINDS = ("volume",)
AUTOENCODER_BATCH_SIZE = 16

# The parameters every network sampler has, for imblearn's ``Substitution``
# through ``parameter_docs``; each sampler fills in the ``{placeholders}``.
_NETWORK_PARAMETERS = """\
random_state : int, RandomState instance or None, default=None
        Seeds network initialisation, {seeded}.
        The same integer on the same device, with the same number of CPU
        threads, gives the same samples.

epochs : int or "auto", default="auto"
        Passes over the (class-balanced) training data. ``"auto"`` picks
        enough passes for about {auto_steps}, whatever the data set's size.

batch_size : int, default=32
        Samples per training batch (capped at the number of training samples).

loss : {{"hinge", "bce", "wgan-gp", "lsgan"}}, default="hinge"
        Adversarial loss. ``"wgan-gp"`` adds a gradient penalty.

spectral_norm : bool, default=True
        Spectral normalisation of the discriminator's layers.

r1_gamma : float, default=0.0
        Weight of the R1 gradient penalty on real samples (0 disables it).

augment : str or None, default="auto"
        Differentiable augmentation of real and generated samples before the
        discriminator: a comma-separated subset of ``"translation"``,
        ``"cutout"`` and ``"intensity"``. ``"auto"`` is
        ``"translation,cutout"`` for images and volumes{auto_augment_tables},
        and none on the latent path (``latent``), whose codes are no images.

class_loss_weight : float, default={class_loss_weight}
        Weight of the auxiliary classification loss (AC-GAN): the
        discriminator also learns to classify real samples, and the generator
        is rewarded when its samples are classified as the class they were
        made for. 0 disables it.
        {class_loss_note}

ema_half_life : float, default=10000
        Half-life, in samples, of the moving average of generator weights
        that produces the samples (ramped up over the first 5% of training).

generator_lr : float, default=1e-4
        Adam learning rate of the generator.

discriminator_lr : float, default=4e-4
        Adam learning rate of the discriminator. Faster than the
        generator's by default (the two time-scale update rule of Heusel et
        al. 2017, as in SAGAN and BigGAN), which gave more varied samples
        than equal rates; lower both together if training diverges.

discriminator_steps : int, default=1
        Discriminator updates per generator update.

synthetic_share : float, default=0.25
        Share of the new samples of each class that {synthetic}; the
        rest duplicate randomly chosen real samples of the class, as
        ``RandomOverSampler`` does. 1.0 returns synthetic samples only. Not
        used with ``balance_synthetic``, whose new samples for
        ``sampling_strategy`` are all duplicates.
        {synthetic_share_evidence}

latent : "auto" or bool, default={latent_default}
        The latent path: first fit an autoencoder (MONAI's ``AutoencoderKL``,
        a 28^3 volume becoming a 4 x 7^3 code; binary cross-entropy and
        Dice for masks, L1 for grey values) on every sample of ``X``, all
        classes, labels unused; then train the networks on the samples'
        codes, and decode what they make. A network step then costs what a
        small 2D model's does, even for volumes; the autoencoder's
        reconstructions are the floor of every sample's fidelity (see
        :meth:`reconstruct`). ``"auto"``: for volumes, not for 2D images
        (not measured yet) or tables. True: for images and volumes; tables
        are refused.

autoencoder_steps : int or "auto", default="auto"
        Training steps (batches of 16 samples) of the autoencoder of the
        latent path. ``"auto"``: 300 for 28^3 volumes (about 6 minutes on
        one CPU core), scaled by the square root of the voxel count (87 at
        64^3, about 1600 for 28x28 images), at most 50 passes over the data.

semi_supervised : {{"pseudo-labels", "k-plus-one"}} or None, default=None
        What the class condition learns from the rows labelled -1 (an
        unlabelled pool, see ``unlabelled``). Whatever the setting, the pool
        trains what needs no label: the encoder (and the autoencoder of the
        latent path) are fitted on its rows too, and every training batch
        carries as many pool rows, which the discriminator scores as real
        without a class (the projection discriminator's unconditional
        logit){pool_translation}. None: nothing more.
        ``"pseudo-labels"``: half-way through training, the pool rows to
        which the discriminator's classifier gives a class with probability
        at least ``pseudo_label_threshold`` join that class's rows for the
        rest of training (see ``pseudo_label_shares_`` and ``transduction_``).
        ``"k-plus-one"``: the classifier gets a fake class (Salimans et al.
        2016): it learns that every real row, labelled or not, is of some
        real class and every generated one is fake, and the generator that
        its samples are of a real class. Both need ``class_loss_weight > 0``.
        None by default until the benchmarks measure the two.

pseudo_label_threshold : float, default=0.9
        With ``semi_supervised="pseudo-labels"``: the probability a pool
        row's class needs for the row to join it.

match_values : "auto" or bool, default="auto"
        Map each class's synthetic samples, once decoded, onto the values
        of the class's real samples, all together
        (:func:`ganaug.data.values.match_values`): masks get exactly their
        two values in the real foreground share, integer data (uint8, CT in
        HU) real values in the real shares, other data the real quantiles.
        Values between the real ones are a signature a classifier can read.
        ``"auto"``: on the latent path only (so far). Images and volumes only.

device : str or torch.device, default="auto"
        ``"auto"`` uses CUDA when available, else the CPU.

amp : bool, default=True
        Mixed precision on CUDA (bfloat16, or float16 with gradient scaling).
        No effect on the CPU.

compile : bool, default=False
        Compile the networks with ``torch.compile`` for training: slower to
        start (tens of seconds), faster per step on a GPU for long runs.

verbose : int, default=1
        Show a progress bar while training; 0 silences it.
"""

# The fitted attributes every network sampler has, the same way; ``{samples}`` names
# what the sampler makes.
_NETWORK_ATTRIBUTES = """\
latent_ : bool
        Whether the sampler took the latent path.

autoencoder_history_ : list of dict or None
        On the latent path: the autoencoder's training, one record per step
        (``step``, ``loss``, ``reconstruction``, ``kl``, ``seconds``); None
        without it.

match_values_ : bool
        Whether {samples} are mapped onto their class's real values.

transduction_ : ndarray of shape (n_samples,)
        The label of every input row: its own, or for a row labelled -1 the
        class it joined (``semi_supervised="pseudo-labels"``), else -1.

pseudo_label_shares_ : dict or None
        With ``semi_supervised="pseudo-labels"``: per class, the share of the
        unlabelled rows that joined it; None otherwise.

value_kind_ : str or None
        With ``match_values_``: ``"mask"``, ``"discrete"`` or
        ``"continuous"``, the kind of values of ``X`` (see
        :func:`ganaug.data.values.value_kind`).
"""


class NetworkOversampler(SyntheticOversampler):
    """Base of the samplers whose synthetic rows come from a trained generator.

    It declares the parameters they share (constraints and docs) and fits
    them in one template, :meth:`_fit_generator`: the class-size check, the
    device, ``classes_``, the latent path and value matching, the encoder,
    the augmentation policy, the autoencoder of the latent path (wrapping the
    encoder in a :class:`~ganaug.over_sampling._latent.LatentEncoder`), then
    the training run. The unlabelled rows (``_X_unlabelled``) join the
    encoder's and the autoencoder's fit and every training batch, and come
    back pseudo-labelled in ``transduction_``. Subclasses implement
    :meth:`_build_networks` and :meth:`_make_trainer`, set
    ``_auto_steps_by_kind`` (generator updates ``epochs="auto"`` aims for,
    per :meth:`_data_kind`), may override the template's other hooks, and
    name in ``SAMPLE_CHOICE_PARAMS`` the parameters that only choose among
    the trained generator's samples.
    """

    _parameter_constraints: dict = {
        **SyntheticOversampler._parameter_constraints,
        "epochs": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "batch_size": [Interval(Integral, 2, None, closed="left")],
        "loss": [StrOptions(set(LOSSES))],
        "spectral_norm": ["boolean"],
        "r1_gamma": [Interval(Real, 0, None, closed="left")],
        "augment": [str, None],
        "class_loss_weight": [Interval(Real, 0, None, closed="left")],
        "ema_half_life": [Interval(Real, 0, None, closed="left")],
        "generator_lr": [Interval(Real, 0, None, closed="neither")],
        "discriminator_lr": [Interval(Real, 0, None, closed="neither")],
        "discriminator_steps": [Interval(Integral, 1, None, closed="left")],
        "synthetic_share": [Interval(Real, 0, 1, closed="both")],
        "latent": ["boolean", StrOptions({"auto"})],
        "autoencoder_steps": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "match_values": ["boolean", StrOptions({"auto"})],
        "semi_supervised": [StrOptions({"pseudo-labels", "k-plus-one"}), None],
        "pseudo_label_threshold": [Interval(Real, 0, 1, closed="right")],
        "device": [str, torch.device],
        "amp": ["boolean"],
        "compile": ["boolean"],
        "verbose": ["verbose"],
    }
    _parameters_docstring = SyntheticOversampler._parameters_docstring + _NETWORK_PARAMETERS
    _attributes_docstring = _NETWORK_ATTRIBUTES

    SAMPLE_CHOICE_PARAMS: tuple[str, ...] = ()
    # Samples that every class to over-sample needs.
    _min_class_size = 2
    _auto_steps_by_kind: dict[str, int] = {}

    # -- hooks ----------------------------------------------------------------
    def _build_networks(self) -> tuple[torch.nn.Module, torch.nn.Module]:
        """A fresh generator and discriminator for the fitted encoder and classes."""
        raise NotImplementedError

    def _make_trainer(self, generator, discriminator, policy, context) -> GANTrainer:
        """The trainer of the two networks, with the sampler's settings."""
        raise NotImplementedError

    def _check_training_params(self) -> None:
        """Refuse parameters that contradict each other (before any work)."""

    def _training_rows(self, y: np.ndarray, targets: list) -> Any:
        """Which rows the networks learn from (an index for ``X``): all of them."""
        return slice(None)

    def _fit_encoder(self, X: np.ndarray) -> None:
        """Set ``encoder_``, fitted on the training rows ``X`` (images here)."""
        self.encoder_ = ImageEncoder(self.sample_shape_, self.spatial_dims).fit(X)

    def _augment_policy(self) -> tuple[str, ...]:
        """The DiffAugment policy of ``augment``; refuses an unknown one."""
        auto = None if self.latent_ else DEFAULT_AUGMENT
        return parse_policy(auto if self.augment == "auto" else self.augment)

    def _encode(self, X: np.ndarray) -> torch.Tensor:
        """Checked samples as the networks take them."""
        Z = self.encoder_.transform(X.reshape(len(X), *self.sample_shape_))
        return torch.from_numpy(np.ascontiguousarray(Z))

    def _checkpoint_score(self, Z: torch.Tensor, codes: np.ndarray, seed: int):
        """``(score, patience)`` for checkpoint selection, or None to keep the last generator."""
        return None

    def _keep_trained(self, trainer: GANTrainer, selector: BestGenerator | None) -> None:
        """Keep what the sampler needs of the training beyond ``generator_`` and ``history_``."""

    def _untrained_generator(self, Z: torch.Tensor, codes: np.ndarray) -> torch.nn.Module | None:
        """A generator that needs no training (then none runs), or None to train the networks."""
        return None

    def _network_kwargs(self) -> dict:
        """:func:`ganaug.nets.build_networks`'s settings for the fitted encoder and classes."""
        kwargs: dict = {"n_classes": len(self.classes_), "spectral_norm": self.spectral_norm}
        if not isinstance(self.encoder_, TabularEncoder):
            kwargs["channels"] = self.encoder_.channels
            kwargs["spatial_shape"] = self.encoder_.spatial_shape
        return kwargs

    def _data_kind(self) -> str:
        """``"table"``, ``"image"``, ``"volume"`` or ``"latent"``: what ``encoder_`` encodes."""
        if isinstance(self.encoder_, TabularEncoder):
            return "table"
        if isinstance(self.encoder_, LatentEncoder):
            return "latent"
        return "volume" if len(self.encoder_.spatial_shape) == 3 else "image"

    def _auto_steps(self) -> int:
        """Generator updates that ``epochs="auto"`` aims for."""
        return self._auto_steps_by_kind[self._data_kind()]

    # -- the latent path and value matching -------------------------------------
    def _sample_kind(self, X: np.ndarray) -> str:
        """``"table"``, ``"image"`` or ``"volume"``: what the checked ``X`` holds."""
        if not self._is_image_input(X):
            return "table"
        _, spatial = image_layout(self.sample_shape_, self.spatial_dims)
        return "volume" if len(spatial) == 3 else "image"

    def _uses_latent(self, X: np.ndarray) -> bool:
        """Whether ``latent`` takes the latent path for the checked ``X``; refuses tables."""
        kind = self._sample_kind(X)
        if isinstance(self.latent, str):
            return kind in LATENT_AUTO_KINDS
        if self.latent and kind == "table":
            raise ValueError(
                "latent=True trains the networks in an autoencoder's latent space, which "
                "needs images or volumes; X is a table. Use latent=False (or 'auto')."
            )
        return bool(self.latent)

    def _resolve_values(self, X: np.ndarray) -> None:
        """Set ``latent_``, ``match_values_`` and ``value_kind_`` for the checked ``X``."""
        self.latent_ = self._uses_latent(X)
        match = self.latent_ if isinstance(self.match_values, str) else bool(self.match_values)
        if match and self._sample_kind(X) == "table":
            raise ValueError(
                "match_values=True maps samples onto the values of real images or "
                "volumes; X is a table. Use match_values=False (or 'auto')."
            )
        self.match_values_ = match
        self.value_kind_ = value_kind(X) if match else None

    def _fit_latent(self, X: np.ndarray, rng, run: TrainingRun) -> None:
        """Wrap ``encoder_`` in a :class:`LatentEncoder` fitted on every row of ``X``
        (or restored from the checkpoint the run resumes from)."""
        steps = self.autoencoder_steps
        if steps == "auto":
            spatial = self.encoder_.spatial_shape
            steps = auto_autoencoder_steps(len(X), spatial, AUTOENCODER_BATCH_SIZE)
        settings = {"random_state": draw_seed(rng), "device": self.device_, "amp": self.amp}
        fitted = []

        def fit() -> dict:
            verbose = self.verbose if run.is_main else 0
            encoder = LatentEncoder(self.encoder_, steps, verbose=verbose, **settings)
            fitted.append(encoder.fit(X.reshape(len(X), *self.sample_shape_), run.distributed))
            return encoder.to_state()

        state = run.stage("autoencoder", fit)
        self.encoder_ = fitted[0] if fitted else LatentEncoder.from_state(state, self.device_)
        self.autoencoder_history_ = self.encoder_.history

    def _to_samples(self, Z: np.ndarray, real: np.ndarray | None = None) -> np.ndarray:
        """Encoded samples ``(n, C, *spatial)`` in the data's form: value-matched onto
        ``real`` (real samples of their class) when given, else decoded as they are."""
        if real is None:
            return self.encoder_.inverse_transform(Z)
        kind = self.value_kind_ or value_kind(real)
        return match_values(self.encoder_.unscale(Z), real, kind=kind)

    # -- the fit --------------------------------------------------------------
    def _pool(self) -> np.ndarray | None:
        """The checked unlabelled rows of this fit, or None when there are none."""
        pool = getattr(self, "_X_unlabelled", None)
        return pool if pool is not None and len(pool) else None

    def _check_semi_supervised(self) -> None:
        if self.semi_supervised is not None and self.class_loss_weight <= 0:
            raise ValueError(
                f"semi_supervised={self.semi_supervised!r} learns the pool's classes "
                "through the discriminator's classifier, which class_loss_weight=0 turns "
                "off; set class_loss_weight > 0, or semi_supervised=None."
            )

    def _fit_generator(self, X: np.ndarray, y: np.ndarray, rng, run: TrainingRun) -> None:
        """Fit the encoder and train the networks on checked ``X, y`` (and the pool)."""
        targets = [cls for cls, n in self.sampling_strategy_.items() if n > 0]
        check_min_class_size(y, targets, minimum=self._min_class_size)
        self._check_training_params()
        self._check_semi_supervised()
        self.device_ = run.device(self.device)
        self.classes_, codes = np.unique(y, return_inverse=True)
        self._resolve_values(X)
        self.autoencoder_history_ = None
        self._keep_pool_labels(None)
        pool = self._pool()
        rows = self._training_rows(y, targets)
        self._fit_encoder(_with_pool(X[rows], pool))
        policy = self._augment_policy()  # refuses a bad policy before any training
        if self.latent_:
            self._fit_latent(_with_pool(X, pool), rng, run)
        Z, codes, seed = self._encode(X[rows]), codes[rows], draw_seed(rng)
        generator = self._untrained_generator(Z, codes)
        if generator is not None:
            self.generator_, self.history_ = generator.to(self.device_).eval(), History()
            return
        pseudo_labels = self.semi_supervised == "pseudo-labels"
        # Scored against every real row: taken before a distributed run shares them out.
        score, patience = self._checkpoint_score(Z, codes, seed) or (None, None)
        trainer, selector = run.fit(
            lambda context: self._make_trainer(*self._build_networks(), policy, context),
            Z,
            codes,
            batch_size=self.batch_size,
            epochs=self.epochs,
            auto_steps=self._auto_steps(),
            seed=seed,
            device=self.device_,
            score=score,
            patience=patience,
            unlabelled=None if pool is None else self._encode(pool),
            pseudo_label_threshold=self.pseudo_label_threshold if pseudo_labels else None,
        )
        self.history_ = trainer.history
        self.generator_ = trainer.ema.model
        self._keep_trained(trainer, selector)
        self._keep_pool_labels(run.pseudo_labels)

    def _keep_pool_labels(self, labeller) -> None:
        """Set ``pseudo_label_shares_``, and the pool's labels (the class each
        unlabelled row joined, -1 for none) for ``transduction_``."""
        pool = self._pool()
        labels = np.full(0 if pool is None else len(pool), -1, dtype=object)
        if labeller is not None and labeller.rows is not None:
            labels[labeller.rows.numpy()] = self.classes_[labeller.codes.numpy()]
        self._pool_labels = labels
        self.pseudo_label_shares_ = None
        if self.semi_supervised == "pseudo-labels":
            self.pseudo_label_shares_ = {
                cls: float(np.mean(labels == cls)) if len(labels) else 0.0
                for cls in self.classes_.tolist()
            }

    def _fit_resample(self, X, y, *, training_run: TrainingRun | None = None):
        if training_run is None:
            return super()._fit_resample(X, y)
        # fit_generator: train only. imblearn's fit_resample, which checked X and y,
        # hands back what this returns; fit_generator drops it.
        metadata = {"params": self._resumable_params(X), "n_samples": len(y)}
        pool = self._pool()
        if pool is not None:  # a run without one keeps the metadata it always had
            metadata["unlabelled"] = pool_fingerprint(pool)
        training_run.begin(metadata)
        self._fit_generator(X, y, check_random_state(self.random_state), training_run)
        return X, y

    def _fit_synthesis(self, X: np.ndarray, y: np.ndarray, rng) -> None:
        self._fit_generator(X, y, rng, TrainingRun())

    def _common_trainer_kwargs(self, policy: tuple[str, ...], context) -> dict:
        """:class:`GANTrainer` settings that every network sampler has."""
        return {
            "loss": self.loss,
            "generator_lr": self.generator_lr,
            "discriminator_lr": self.discriminator_lr,
            "discriminator_steps": self.discriminator_steps,
            "r1_gamma": self.r1_gamma,
            "augment": policy,
            "class_loss_weight": self.class_loss_weight,
            "k_plus_one": self.semi_supervised == "k-plus-one",
            "ema_half_life": self.ema_half_life,
            "device": self.device_,
            "amp": self.amp,
            "compile": self.compile,
            "distributed": context,
            "verbose": self.verbose,
        }

    # -- checks after fitting ---------------------------------------------------
    def _check_class(self, y: Any) -> None:
        """Refuse a class the sampler was not fitted on, naming the ones it was."""
        if y not in set(self.classes_.tolist()):
            raise ValueError(
                f"y={class_label(y)} is not a class seen during fit; choose one of "
                f"{self.classes_.tolist()}."
            )

    def _check_fitted_shape(self, X, name: str, fix: str) -> np.ndarray:
        """``X`` checked as samples of the shape the sampler was fitted on."""
        X_checked, shape, _ = self._check_samples(X)
        if tuple(shape) != tuple(self.sample_shape_):
            raise ValueError(
                f"{name} holds samples of shape {tuple(shape)}, but the sampler was fitted "
                f"on samples of shape {tuple(self.sample_shape_)}; {fix}"
            )
        return X_checked

    def reconstruct(self, X, *, match: bool | None = None) -> np.ndarray:
        """Pass real samples through the latent path's autoencoder.

        What the autoencoder loses here, every sample the sampler makes has
        lost too: set these reconstructions beside the real samples and the
        synthetic ones (fidelity, signature) to see the latent path's floor.

        Parameters
        ----------
        X : array-like
            Samples in the form ``X`` had during fit (images, volumes, or
            flat rows with ``image_shape``).
        match : bool or None, default=None
            Map the reconstructions onto the values of ``X``, all together, as
            :meth:`fit_resample` maps a class's synthetic samples onto its real
            ones (``match_values``). None: as ``match_values`` decided.

        Returns
        -------
        X_rec : ndarray
            The reconstructions, in ``X``'s shape, dtype and value range.
        """
        check_is_fitted(self, "generator_")
        if not getattr(self, "latent_", False):
            raise ValueError(
                "reconstruct passes samples through the autoencoder of the latent path, "
                "and this sampler was fitted without it; fit it with latent=True."
            )
        X_checked = self._check_fitted_shape(X, "X", "pass samples in that form.")
        samples = X_checked.reshape(len(X_checked), *self.sample_shape_)
        matched = self.match_values_ if match is None else match
        X_rec = self._to_samples(self.encoder_.transform(samples), samples if matched else None)
        return X_rec.reshape(np.shape(X_checked))

    # -- long runs --------------------------------------------------------------
    def fit_generator(
        self,
        X,
        y,
        *,
        checkpoint: str | os.PathLike | None = None,
        checkpoint_every: int = 500,
        resume: bool = False,
        callbacks: Sequence[Callback] = (),
        distributed: DistributedContext | None = None,
    ):
        """Train the generator on ``X, y`` without drawing samples, for long runs.

        :meth:`fit_resample` minus the synthetic samples, plus what long runs
        need: periodic checkpoints to resume from, training callbacks (e.g.
        TensorBoard) and data-parallel training under ``torchrun``. With the
        same parameters, the fitted generator is the one :meth:`fit_resample`
        trains; use :meth:`save` afterwards.

        Parameters
        ----------
        X : array-like or pandas.DataFrame
            Samples, as for :meth:`fit_resample`.
        y : array-like of shape (n_samples,)
            Class labels.
        checkpoint : str or os.PathLike, optional
            File for the training state (networks, optimisers, EMA, RNG),
            replaced atomically every ``checkpoint_every`` steps and at the end.
        checkpoint_every : int, default=500
            Steps between checkpoints.
        resume : bool, default=False
            Continue from ``checkpoint`` when that file exists (a new run
            starts otherwise). The parameters must be those of the run that
            wrote it, except ``device``, ``verbose`` and those that only choose
            among the generator's samples (``SAMPLE_CHOICE_PARAMS``).
        callbacks : sequence of Callback, default=()
            Extra training hooks, e.g.
            :class:`ganaug.training.tensorboard.TensorBoardLogger`.
        distributed : DistributedContext, optional
            From :func:`ganaug.training.distributed.distributed_session`: each
            process trains on its share of the data (``batch_size`` is per
            process), gradients are averaged, and only rank 0 writes the
            checkpoint. Every process ends with the same generator.

        Returns
        -------
        self : object
            The fitted sampler.
        """
        run = TrainingRun(
            callbacks=callbacks,
            distributed=distributed,
            checkpoint=checkpoint,
            checkpoint_every=checkpoint_every,
            resume=resume,
        )
        # imblearn's fit_resample checks the parameters, X and y and sets
        # sampling_strategy_, as for any fit; the run makes it train only.
        self.fit_resample(X, y, training_run=run)
        return self

    def _resumable_params(self, X: np.ndarray) -> dict:
        params = plain_params(self.get_params(deep=False))
        # unlabelled: the metadata's number of samples and pool tell what it changed
        ignored = ["device", "verbose", "unlabelled", *self.SAMPLE_CHOICE_PARAMS]
        if not self._uses_latent(X):  # then they change nothing (and older runs lack them)
            ignored += ["latent", "autoencoder_steps"]
        if self.semi_supervised != "pseudo-labels":
            ignored.append("pseudo_label_threshold")
        return {k: v for k, v in params.items() if k not in ignored}

    # -- persistence ----------------------------------------------------------
    def save(self, path: str | os.PathLike) -> Path:
        """Save the fitted sampler to one file, atomically.

        The file holds tensors and plain values only (network weights,
        encoder state, parameters, history), so :meth:`load` reads it with
        ``torch.load(weights_only=True)`` and never runs code from it.
        Parameters that are not plain values (a callable ``sampling_strategy``,
        a ``RandomState`` instance) are not saved.

        Parameters
        ----------
        path : str or os.PathLike
            Destination file, e.g. ``"sampler.pt"``.

        Returns
        -------
        path : pathlib.Path
        """
        check_is_fitted(self, "generator_")
        return save_checkpoint(to_checkpoint(self), path)

    @classmethod
    def load(cls, path: str | os.PathLike, device: str = "auto"):
        """Load a sampler saved by :meth:`save`, ready to generate.

        Parameters
        ----------
        path : str or os.PathLike
            File written by :meth:`save`.
        device : str, default="auto"
            Where to generate; a checkpoint made on a GPU loads on a CPU.

        Returns
        -------
        sampler : object
            A fitted sampler of this class.
        """
        return from_checkpoint(cls, load_checkpoint(path), resolve_device(device))

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        generator = state.get("generator_")
        if generator is not None and any(p.is_cuda for p in generator.parameters()):
            state["generator_"] = copy.deepcopy(generator).cpu()
        # Spectral norm's parametrized layers refuse to be pickled: keep the weights.
        discriminator = state.pop("discriminator_", None)
        if discriminator is not None:
            state["_discriminator_weights"] = {
                k: v.detach().cpu() for k, v in discriminator.state_dict().items()
            }
        return state

    def __setstate__(self, state: dict) -> None:
        device = state.get("device_")
        if device is not None and device.type == "cuda" and not torch.cuda.is_available():
            state["device_"] = torch.device("cpu")
        weights = state.pop("_discriminator_weights", None)
        super().__setstate__(state)
        if weights is not None:
            _, discriminator = self._build_networks()
            discriminator.load_state_dict(weights)
            self.discriminator_ = discriminator.to(self.device_).eval().requires_grad_(False)


def _with_pool(X: np.ndarray, pool: np.ndarray | None) -> np.ndarray:
    """``X`` and then the unlabelled rows (``X`` itself, not a copy, without any)."""
    return X if pool is None else np.concatenate([X, pool])
