"""The GAN training loop: discriminator and generator phases, EMA, progress, state."""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterable, Iterator, Sequence, Sized
from contextlib import contextmanager
from itertools import islice

import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from ..ema import EMA
from ..losses import (
    LOSSES,
    gradient_penalty,
    k_plus_one_fake,
    k_plus_one_real,
    lecam_penalty,
    mode_seeking_penalty,
    r1_penalty,
)
from .callbacks import Callback
from .diffaugment import diff_augment
from .distributed import (
    DistributedContext,
    broadcast_module,
    gather_objects,
    mean_across_ranks,
    wrap_ddp,
)
from .history import History
from .runtime import amp_dtype, autocast, grad_scaler

ADAM_BETAS = (0.5, 0.999)
GP_WEIGHT = 10.0
LECAM_DECAY = 0.99  # of the moving averages of real and fake scores, per step


class GANTrainer:
    """Train a conditional generator against a conditional discriminator.

    The trainer knows nothing of sklearn or of the data's format: it takes two
    modules with ``generator(z, y)`` and ``discriminator(x, y)`` and an
    iterable of ``(x, y)`` batches, and returns a :class:`History`. Generated
    samples are conditioned on the labels of the real batch, so class-balanced
    batches give class-balanced training for both networks.

    A batch may also hold unlabelled real samples, ``(x, y, x_unlabelled)``
    (an unlabelled pool, see :class:`ganaug.data.conditions.ClassBalancedBatches`).
    They join the real side of the adversarial loss with the label -1, which
    the discriminator scores without a class (its unconditional logit), and
    never the class loss: the real/fake head learns from them, the class
    head does not (unless ``k_plus_one``). Batches without them train
    exactly as before.

    Parameters
    ----------
    generator, discriminator : torch.nn.Module
        ``generator.latent_dim`` gives the noise size.
    loss : {"hinge", "bce", "wgan-gp", "lsgan"}, default="hinge"
        Adversarial loss; ``"wgan-gp"`` adds a gradient penalty of weight 10.
    generator_lr : float, default=1e-4
        Adam learning rate of the generator (betas 0.5, 0.999).
    discriminator_lr : float, default=4e-4
        Adam learning rate of the discriminator (betas 0.5, 0.999).
    discriminator_steps : int, default=1
        Discriminator updates per generator update.
    r1_gamma : float, default=0.0
        Weight of the R1 penalty on real samples; applied every ``r1_interval``
        steps in float32 (lazy regularisation, as StyleGAN2 does).
    r1_interval : int, default=4
        Steps between R1 evaluations.
    lecam_weight : float, default=0.0
        Weight of the LeCam regulariser (:func:`ganaug.losses.lecam_penalty`),
        against moving averages (decay 0.99 per step) of the mean real and
        fake scores; 0 disables it.
    mode_seeking_weight : float, default=0.0
        Weight of the mode-seeking term
        (:func:`ganaug.losses.mode_seeking_penalty`) in the generator's loss,
        taken over pairs of same-class rows of each generated batch
        (:func:`same_class_pairs`; no extra forward pass); 0 disables it.
    augment : tuple of str, default=()
        DiffAugment policy applied to real and generated samples before the
        discriminator (see :func:`ganaug.training.diffaugment.parse_policy`).
    class_loss_weight : float, default=1.0
        Weight of the auxiliary classification loss (AC-GAN): the
        discriminator's classifier learns the real samples' classes, and the
        generator is rewarded when its samples are classified as the class
        they were conditioned on. The discriminator must return
        ``(logits, class_logits)``.
    k_plus_one : bool, default=False
        Semi-supervised classifier (Salimans et al. 2016): the class head
        gets a fake class, its logit fixed at 0 (:func:`ganaug.losses.k_plus_one_real`).
        The discriminator also learns that every real sample, labelled or
        not, is of a real class and every generated one of the fake class;
        the generator, that its samples are of a real class. Weighted by
        ``class_loss_weight``, which must be positive.
    ema_half_life : float, default=10_000
        Half-life, in samples, of the generator average used for sampling.
    device : torch.device, default=cpu
    amp : bool, default=True
        Mixed precision on CUDA (no effect on the CPU).
    compile : bool, default=False
        Run the networks' forward passes through ``torch.compile``. The R1 and
        gradient penalties use the eager modules (compiled graphs do not
        support the double backward they need).
    distributed : DistributedContext, optional
        Set under ``torchrun`` (see :mod:`ganaug.training.distributed`): the
        networks are wrapped in ``DistributedDataParallel``, losses are
        averaged over processes, and the progress bar shows on rank 0 only.
        Each process must be given its own share of the batches.
    verbose : int, default=1
        0 silences the progress bar.

    Attributes
    ----------
    ema : EMA
        After :meth:`fit`, the averaged generator is ``ema.model``.
    step : int
        Steps (discriminator updates) done so far.
    planned_steps : int or None
        Set by :meth:`fit` before the callbacks' ``on_train_begin``: the
        steps ``epochs`` passes over the batches make (None for batches
        without a ``len()``).
    stop_training : bool
        Set by a callback to end :meth:`fit` after the current step.
    history : History
        Records of the finished epochs.
    """

    def __init__(
        self,
        generator: nn.Module,
        discriminator: nn.Module,
        *,
        loss: str = "hinge",
        generator_lr: float = 1e-4,
        discriminator_lr: float = 4e-4,
        discriminator_steps: int = 1,
        r1_gamma: float = 0.0,
        r1_interval: int = 4,
        lecam_weight: float = 0.0,
        mode_seeking_weight: float = 0.0,
        augment: tuple[str, ...] = (),
        class_loss_weight: float = 1.0,
        k_plus_one: bool = False,
        ema_half_life: float = 10_000,
        device: torch.device | None = None,
        amp: bool = True,
        compile: bool = False,
        distributed: DistributedContext | None = None,
        verbose: int = 1,
    ) -> None:
        self.device = device or torch.device("cpu")
        self.generator = generator.to(self.device)
        self.discriminator = discriminator.to(self.device)
        self.d_loss, self.g_loss = LOSSES[loss]
        self.use_gradient_penalty = loss == "wgan-gp"
        self.discriminator_steps = discriminator_steps
        self.r1_gamma, self.r1_interval = r1_gamma, r1_interval
        self.lecam_weight = lecam_weight
        self.mode_seeking_weight = mode_seeking_weight
        # Moving averages of the mean real and fake scores, a float64 pair on the
        # device: updating them needs no host synchronisation.
        self._score_averages: torch.Tensor | None = None
        self.augment = augment
        self.class_loss_weight = class_loss_weight
        if k_plus_one and class_loss_weight <= 0:
            raise ValueError("k_plus_one trains the class head: set class_loss_weight > 0.")
        self.k_plus_one = k_plus_one
        self.verbose = verbose
        self.dtype = amp_dtype(self.device, amp)
        self.g_opt = torch.optim.Adam(generator.parameters(), generator_lr, betas=ADAM_BETAS)
        self.d_opt = torch.optim.Adam(
            discriminator.parameters(), discriminator_lr, betas=ADAM_BETAS
        )
        self.g_scaler = grad_scaler(self.device, self.dtype)
        self.d_scaler = grad_scaler(self.device, self.dtype)
        self.ema = EMA(self.generator, ema_half_life)
        self.step = 0
        self.planned_steps: int | None = None
        self.stop_training = False
        self.history = History()
        self._callbacks: Sequence[Callback] = ()
        self._callback_states: dict[str, dict] = {}  # from a checkpoint, until fit
        self._epoch_steps: list[dict] = []
        self.distributed = distributed
        self.world_size = distributed.world_size if distributed is not None else 1
        # Module roles. D-step: fakes from the plain G, scores from DDP(D), and the
        # penalties' double backward through the eager DDP(D). G-step: scores from
        # DDP(G) through the plain D, whose weights need no gradient there.
        g_train = wrap_ddp(self.generator, distributed, self.device)
        self._d_train = wrap_ddp(self.discriminator, distributed, self.device)
        compiled = _Compiler(compile)
        self._g_sample = compiled(self.generator)
        self._g_fast = compiled(g_train)
        self._d_fast = compiled(self._d_train)
        self._d_critic = compiled(self.discriminator)

    @property
    def is_main(self) -> bool:
        """True where logs and files are written: rank 0, or the only process."""
        return self.distributed is None or self.distributed.is_main

    def _noise(self, n: int) -> torch.Tensor:
        return torch.randn(n, self.generator.latent_dim, device=self.device)

    def _fakes(
        self,
        generator: nn.Module,
        x: torch.Tensor,
        y: torch.Tensor,
        x_pool: torch.Tensor | None = None,
    ):
        """Generated samples for the real batch ``x, y`` (and its unlabelled rows
        ``x_pool``): the samples, the labels they were made for, and the noise
        they were made from.

        Here one sample per label of ``y`` from fresh noise; a translating
        trainer maps ``x`` (and ``x_pool``) to other labels instead.
        """
        z = self._noise(len(y))
        return generator(z, y), y, z

    def _generator_penalty(
        self,
        generator: nn.Module,
        x: torch.Tensor,
        y: torch.Tensor,
        fake: torch.Tensor,
        x_pool: torch.Tensor | None = None,
    ) -> torch.Tensor | None:
        """Terms of the generator's loss beyond the adversarial and class ones (none here)."""
        return None

    def _step(
        self, loss: torch.Tensor, opt: torch.optim.Optimizer, scaler: torch.amp.GradScaler
    ) -> None:
        opt.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()

    def discriminator_step(
        self, x: torch.Tensor, y: torch.Tensor, x_pool: torch.Tensor | None = None
    ) -> dict[str, torch.Tensor]:
        """One discriminator update on a real batch (with its unlabelled rows
        ``x_pool``, scored without a class) and the generated samples."""
        D = self._d_train  # eager, for the penalties' double backward (in float32)
        with torch.no_grad(), autocast(self.device, self.dtype):
            fake, fake_y, _ = self._fakes(self._g_sample, x, y, x_pool)
        real_x, real_y, n = x, y, len(y)
        if x_pool is not None:  # -1: no class, the unconditional logit
            real_x = torch.cat([x, x_pool])
            real_y = torch.cat([y, torch.full((len(x_pool),), -1, device=y.device)])
        real_in = diff_augment(real_x, self.augment)
        fake_in = diff_augment(fake, self.augment)
        with autocast(self.device, self.dtype):
            real_logits, real_classes = self._d_fast(real_in, real_y)
            fake_logits, fake_classes = self._d_fast(fake_in, fake_y)
        real_logits, fake_logits = real_logits.float(), fake_logits.float()
        loss = self.d_loss(real_logits, fake_logits)
        if self.class_loss_weight > 0:
            labelled = real_classes if x_pool is None else real_classes[:n]
            loss = loss + self.class_loss_weight * F.cross_entropy(labelled.float(), y)
            if self.k_plus_one:
                loss = loss + self.class_loss_weight * (
                    k_plus_one_real(real_classes.float()) + k_plus_one_fake(fake_classes.float())
                )
        elif self.world_size > 1:  # DDP expects a gradient for every parameter
            loss = loss + 0.0 * real_classes.float().sum()
        if self.lecam_weight > 0 and self._score_averages is not None:
            loss = loss + self.lecam_weight * lecam_penalty(
                real_logits, fake_logits, *self._score_averages
            )
        if self.use_gradient_penalty:  # interpolates carry the real labels
            loss = loss + GP_WEIGHT * gradient_penalty(
                lambda t: D(t, y)[0], real_in[:n].float(), fake_in[:n].float()
            )
        if self.r1_gamma > 0 and self.step % self.r1_interval == 0:
            real = x.detach().float().requires_grad_(True)
            penalty = r1_penalty(D(diff_augment(real, self.augment), y)[0], real)
            loss = loss + 0.5 * self.r1_gamma * self.r1_interval * penalty
        self._step(loss, self.d_opt, self.d_scaler)
        record = {
            "d_loss": loss.detach(),
            "real_score": real_logits.detach().mean(),
            "fake_score": fake_logits.detach().mean(),
        }
        if x_pool is not None:  # the labelled rows' score, and the pool's apart
            record["real_score"] = real_logits[:n].detach().mean()
            record["unlabelled_score"] = real_logits[n:].detach().mean()
        return record

    def generator_step(
        self, x: torch.Tensor, y: torch.Tensor, x_pool: torch.Tensor | None = None
    ) -> dict[str, torch.Tensor]:
        """One generator update for the real batch ``x, y`` (and its unlabelled rows
        ``x_pool``), then the EMA update."""
        with _frozen(self.discriminator), autocast(self.device, self.dtype):
            fake, fake_y, z = self._fakes(self._g_fast, x, y, x_pool)
            logits, classes = self._d_critic(diff_augment(fake, self.augment), fake_y)
            penalty = self._generator_penalty(self._g_fast, x, y, fake, x_pool)
        loss = self.g_loss(logits.float())
        if penalty is not None:
            loss = loss + penalty.float()
        if self.class_loss_weight > 0:
            loss = loss + self.class_loss_weight * F.cross_entropy(classes.float(), fake_y)
            if self.k_plus_one:
                loss = loss + self.class_loss_weight * k_plus_one_real(classes.float())
        if self.mode_seeking_weight > 0 and z is not None:
            a, b = same_class_pairs(y)
            if len(a):
                penalty = mode_seeking_penalty(fake[a].float(), fake[b].float(), z[a], z[b])
                loss = loss + self.mode_seeking_weight * penalty
        self._step(loss, self.g_opt, self.g_scaler)
        # Every process keeps the same average: the weights are synchronised and
        # the half-life counts the samples of all processes.
        self.ema.update(self.generator, len(y) * self.world_size)
        return {"g_loss": loss.detach()}

    def fit(self, batches: Iterable, epochs: int, callbacks: Sequence[Callback] = ()) -> History:
        """Train until ``epochs`` passes over ``batches`` are done, or a callback stops it.

        A trainer restored by :meth:`load_state_dict` continues where its
        checkpoint left off: the finished epochs are kept and an interrupted
        epoch is completed with as many fresh batches as it still lacked, so
        the run ends with the same number of steps as an uninterrupted one.

        Parameters
        ----------
        batches : iterable of (torch.Tensor, torch.Tensor)
            Re-iterable source of ``(x, y)`` or ``(x, y, x_unlabelled)`` batches (e.g.
            :class:`ganaug.data.conditions.ClassBalancedBatches` or a
            ``DataLoader``); moved to the trainer's device.
        epochs : int
            Number of passes.
        callbacks : sequence of Callback, default=()
            Hooks called before training, after every step and at the end
            (e.g. :class:`ganaug.training.callbacks.Checkpoint`).

        Returns
        -------
        history : History
            One record per epoch.
        """
        n_batches = len(batches) if isinstance(batches, Sized) else None
        if self._epoch_steps and n_batches is None:
            raise ValueError("Resuming inside an epoch needs batches with a len().")
        self.stop_training = False
        self.planned_steps = epochs * n_batches if n_batches is not None else None
        self.generator.train()
        self.discriminator.train()
        self._callbacks = callbacks
        for callback in callbacks:
            if type(callback).__name__ in self._callback_states:
                callback.load_state_dict(self._callback_states[type(callback).__name__])
            callback.on_train_begin(self)
        with tqdm(
            total=self.planned_steps,
            initial=self.step,
            disable=self.verbose == 0 or not self.is_main,
            desc="ganaug training",
            unit="step",
        ) as progress:
            for epoch in range(len(self.history), epochs):
                if self.stop_training:
                    break
                started = time.perf_counter()
                todo = batches
                if self._epoch_steps:  # resumed inside this epoch
                    todo = islice(batches, n_batches - len(self._epoch_steps))
                for batch in self._on_device(todo, progress):
                    record = self._train_batch(*batch)
                    self._epoch_steps.append(record)
                    for callback in callbacks:
                        callback.on_step_end(self, record)
                    if self.stop_training:
                        break
                self.history.append(self._epoch_record(epoch, self._epoch_steps, started))
                self._epoch_steps = []
                progress.set_postfix(
                    d_loss=f"{self.history[-1]['d_loss']:.3f}",
                    g_loss=f"{self.history[-1]['g_loss']:.3f}",
                )
        for callback in callbacks:
            callback.on_train_end(self)
        # Batch-norm running statistics differ per process (also in a generator a
        # callback restored): keep rank 0's everywhere.
        broadcast_module(self.ema.model, self.distributed)
        return self.history

    def state_dict(self) -> dict:
        """Everything needed to continue training, as tensors and plain values.

        In a distributed run every process must call it: the RNG states of
        all processes are gathered so that each can resume its own stream.

        Returns
        -------
        state : dict
            Networks, optimisers, gradient scalers, EMA, step, history, the
            LeCam score averages, the state of the callbacks of the current
            :meth:`fit` (e.g. checkpoint selection's scores and best weights)
            and the RNG state of each process.
        """
        rng = {"cpu": torch.get_rng_state()}
        if self.device.type == "cuda":
            rng["cuda"] = torch.cuda.get_rng_state(self.device)
        return {
            "step": self.step,
            "generator": self.generator.state_dict(),
            "discriminator": self.discriminator.state_dict(),
            "g_opt": self.g_opt.state_dict(),
            "d_opt": self.d_opt.state_dict(),
            "g_scaler": self.g_scaler.state_dict(),
            "d_scaler": self.d_scaler.state_dict(),
            "ema": self.ema.state_dict(),
            "history": [dict(record) for record in self.history],
            "score_averages": self._score_averages,
            "callbacks": {type(c).__name__: c.state_dict() for c in self._callbacks},
            "epoch_steps": [{k: float(v) for k, v in s.items()} for s in self._epoch_steps],
            "rng": gather_objects(rng, self.distributed),
        }

    def load_state_dict(self, state: dict) -> None:
        """Restore :meth:`state_dict`'s output, before calling :meth:`fit` again.

        Parameters
        ----------
        state : dict
            From :meth:`state_dict` (possibly read from a checkpoint file).
        """
        self.generator.load_state_dict(state["generator"])
        self.discriminator.load_state_dict(state["discriminator"])
        self.g_opt.load_state_dict(state["g_opt"])
        self.d_opt.load_state_dict(state["d_opt"])
        for scaler, key in ((self.g_scaler, "g_scaler"), (self.d_scaler, "d_scaler")):
            if scaler.is_enabled() and state[key]:
                scaler.load_state_dict(state[key])
        self.ema.load_state_dict(state["ema"])
        self.step = int(state["step"])
        averages = state.get("score_averages")  # read onto the CPU: move to this device
        self._score_averages = (
            None
            if averages is None
            else torch.as_tensor(averages, dtype=torch.float64, device=self.device)
        )
        self._callback_states = state.get("callbacks", {})
        self.history = History(state["history"])
        self._epoch_steps = list(state["epoch_steps"])
        rank = self.distributed.rank if self.distributed is not None else 0
        if len(state["rng"]) != self.world_size:
            warnings.warn(
                f"The checkpoint was written by {len(state['rng'])} processes and this run "
                f"has {self.world_size}: training continues with fresh random streams.",
                stacklevel=2,
            )
            return
        rng = state["rng"][rank]
        torch.set_rng_state(rng["cpu"])
        if self.device.type == "cuda" and "cuda" in rng:
            torch.cuda.set_rng_state(rng["cuda"], self.device)

    def _on_device(self, batches: Iterable, progress: tqdm):
        for batch in batches:
            yield tuple(t.to(self.device, non_blocking=True) for t in batch)
            progress.update()

    def _train_batch(
        self, x: torch.Tensor, y: torch.Tensor, x_pool: torch.Tensor | None = None
    ) -> dict[str, torch.Tensor]:
        record = self.discriminator_step(x, y, x_pool)
        if (self.step + 1) % self.discriminator_steps == 0:
            record.update(self.generator_step(x, y, x_pool))
        self.step += 1
        record = mean_across_ranks(record, self.distributed)
        if self.lecam_weight > 0:  # from the averaged scores: the same on every process
            scores = torch.stack([record["real_score"], record["fake_score"]]).double()
            if self._score_averages is None:
                self._score_averages = scores
            else:
                self._score_averages = (
                    LECAM_DECAY * self._score_averages + (1 - LECAM_DECAY) * scores
                )
        return record

    @staticmethod
    def _epoch_record(epoch: int, steps: list[dict], started: float) -> dict:
        step_values = [{k: float(v) for k, v in step.items()} for step in steps]
        record: dict = {"epoch": epoch}
        for key in ("d_loss", "g_loss", "real_score", "fake_score", "unlabelled_score"):
            values = [s[key] for s in step_values if key in s]
            if values or key != "unlabelled_score":  # that one only with a pool
                record[key] = sum(values) / len(values) if values else float("nan")
        record["duration"] = time.perf_counter() - started
        record["steps"] = step_values
        return record


def same_class_pairs(y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Pairs of rows with the same label, as two index tensors ``a, b``.

    Rows are sorted by label and each is paired with the next one of its
    label, so a label with ``n`` rows gives ``n - 1`` pairs.
    """
    order = torch.argsort(y, stable=True)
    a, b = order[:-1], order[1:]
    same = y[a] == y[b]
    return a[same], b[same]


@contextmanager
def _frozen(module: nn.Module) -> Iterator[None]:
    """Turn off ``module``'s parameter gradients for a block (they would be thrown away)."""
    flags = [p.requires_grad for p in module.parameters()]
    module.requires_grad_(False)
    try:
        yield
    finally:
        for param, flag in zip(module.parameters(), flags, strict=True):
            param.requires_grad_(flag)


class _Compiler:
    """``torch.compile`` each module once (or pass modules through when off).

    Spectral normalisation runs eagerly (a graph break per layer): inductor
    (torch 2.13) saves its power-iteration vector for the backward without
    the copy the eager code makes, so a discriminator called on real and then
    on generated samples fails its backward with an in-place modification
    error.
    """

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.cache: dict[int, nn.Module] = {}

    def __call__(self, module: nn.Module) -> nn.Module:
        if not self.enabled:
            return module
        if id(module) not in self.cache:
            for layer in module.modules():
                if type(layer).__name__ == "_SpectralNorm" and "forward" not in vars(layer):
                    layer.forward = torch.compiler.disable(layer.forward)
            self.cache[id(module)] = torch.compile(module)
        return self.cache[id(module)]
