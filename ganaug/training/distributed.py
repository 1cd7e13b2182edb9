"""Data-parallel training under ``torchrun``: environment, process group, DDP, reductions.

ganaug never starts processes itself. ``torchrun`` (PyTorch's launcher) starts
one process per device and sets ``RANK``, ``LOCAL_RANK`` and ``WORLD_SIZE``;
:func:`distributed_session` reads them and joins the process group, and the
helpers below are no-ops when there is no group or only one process.
"""

from __future__ import annotations

import gc
import inspect
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from torch import nn

_ENV = ("RANK", "LOCAL_RANK", "WORLD_SIZE")


@dataclass(frozen=True)
class DistributedContext:
    """Where this process sits in a ``torchrun`` job.

    Parameters
    ----------
    rank : int
        Global rank, ``0 <= rank < world_size``.
    local_rank : int
        Rank on this node; picks the GPU.
    world_size : int
        Number of processes in the job.
    """

    rank: int
    local_rank: int
    world_size: int

    @property
    def is_main(self) -> bool:
        """True on rank 0, the process that logs and writes files."""
        return self.rank == 0

    @property
    def is_parallel(self) -> bool:
        """True when more than one process trains."""
        return self.world_size > 1


def detect_torchrun(environ: Mapping[str, str] | None = None) -> DistributedContext | None:
    """Read the ``torchrun`` environment, or return None outside ``torchrun``.

    Parameters
    ----------
    environ : mapping, optional
        Defaults to ``os.environ``.

    Returns
    -------
    context : DistributedContext or None

    Raises
    ------
    ValueError
        If the variables are present but not consistent integers.
    """
    environ = os.environ if environ is None else environ
    if "WORLD_SIZE" not in environ or "RANK" not in environ:
        return None
    try:
        rank, world = int(environ["RANK"]), int(environ["WORLD_SIZE"])
        local_rank = int(environ.get("LOCAL_RANK", rank))
    except ValueError as exc:
        raise ValueError(
            f"{'/'.join(_ENV)} must be integers (torchrun sets them); got "
            f"{ {k: environ.get(k) for k in _ENV} }."
        ) from exc
    if not 0 <= rank < world or local_rank < 0:
        raise ValueError(f"RANK={rank} is outside WORLD_SIZE={world}; launch with torchrun.")
    return DistributedContext(rank=rank, local_rank=local_rank, world_size=world)


def local_device(device: torch.device, context: DistributedContext | None) -> torch.device:
    """The device of this process: ``cuda:LOCAL_RANK`` for CUDA jobs, else ``device``."""
    if context is None or device.type != "cuda":
        return device
    return torch.device("cuda", context.local_rank)


@contextmanager
def distributed_session(device: torch.device) -> Iterator[DistributedContext | None]:
    """Join the ``torchrun`` process group for a block, and leave it afterwards.

    The backend is NCCL for CUDA devices and gloo otherwise. Outside
    ``torchrun`` the block runs with None, and nothing is initialised. A
    group that the caller already initialised is used and left open.

    Parameters
    ----------
    device : torch.device
        The resolved training device (before :func:`local_device`).

    Yields
    ------
    context : DistributedContext or None
    """
    context = detect_torchrun()
    if context is None:
        yield None
        return
    owned = not dist.is_initialized()
    if owned:
        if device.type == "cuda":
            torch.cuda.set_device(context.local_rank)
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    try:
        yield context
        if owned:  # no process leaves while another still talks to it (rank 0 saves last)
            dist.barrier()
    finally:
        if owned and dist.is_initialized():
            # Free the DDP wrappers while the interpreter is whole: once, a gloo
            # process aborted at exit ("terminate called without an active
            # exception") after both had finished.
            gc.collect()
            dist.destroy_process_group()


def wrap_ddp(
    module: nn.Module, context: DistributedContext | None, device: torch.device
) -> nn.Module:
    """Wrap ``module`` in ``DistributedDataParallel`` when several processes train.

    Buffers are not broadcast at each forward (``broadcast_buffers=False``):
    the discriminator is called several times per step (real, generated, R1)
    and spectral normalisation updates its power-iteration buffers in place,
    which a broadcast would overwrite between the forward and the backward.
    Those buffers stay identical across ranks anyway, being a deterministic
    function of the (synchronised) weights; batch-norm running statistics are
    per rank, and rank 0's are the ones saved.
    """
    if context is None or not context.is_parallel:
        return module
    from torch.nn.parallel import DistributedDataParallel

    device_ids = [device.index] if device.type == "cuda" else None
    # torch >= 2.13 names the option forward_sync_buffers (broadcast_buffers is deprecated)
    takes_new_name = (
        "forward_sync_buffers" in inspect.signature(DistributedDataParallel).parameters
    )
    no_sync = {"forward_sync_buffers" if takes_new_name else "broadcast_buffers": False}
    return DistributedDataParallel(module, device_ids=device_ids, **no_sync)


def mean_across_ranks(
    values: dict[str, torch.Tensor], context: DistributedContext | None
) -> dict[str, torch.Tensor]:
    """Average scalar tensors over all processes (one all-reduce for the dict)."""
    if context is None or not context.is_parallel or not values:
        return values
    keys = sorted(values)
    stacked = torch.stack([values[k].detach().float() for k in keys])
    dist.all_reduce(stacked)  # SUM: gloo has no AVG
    stacked /= context.world_size
    return dict(zip(keys, stacked, strict=True))


def gather_objects(obj: Any, context: DistributedContext | None) -> list:
    """Every process's ``obj``, in rank order (a one-item list without a group)."""
    if context is None or not context.is_parallel:
        return [obj]
    gathered: list = [None] * context.world_size
    dist.all_gather_object(gathered, obj)
    return gathered


def broadcast_module(module: nn.Module, context: DistributedContext | None) -> None:
    """Copy rank 0's parameters and buffers of ``module`` to every process."""
    if context is None or not context.is_parallel:
        return
    with torch.no_grad():
        for tensor in [*module.parameters(), *module.buffers()]:
            dist.broadcast(tensor.data, src=0)


def shard_rows(codes: np.ndarray, context: DistributedContext | None) -> np.ndarray:
    """Indices of this process's share of the rows, stratified by class.

    Each class is dealt round-robin over the ranks, so every rank sees every
    class and no row is on two ranks.

    Raises
    ------
    ValueError
        If a class has fewer rows than there are processes.
    """
    if context is None or not context.is_parallel:
        return np.arange(len(codes))
    classes, counts = np.unique(codes, return_counts=True)
    if counts.min() < context.world_size:
        raise ValueError(
            f"Class code {classes[counts.argmin()]} has {counts.min()} samples, fewer than "
            f"the {context.world_size} processes: every process needs each class. Use "
            "fewer processes (--nproc_per_node) or more data."
        )
    shards = [np.flatnonzero(codes == c)[context.rank :: context.world_size] for c in classes]
    return np.sort(np.concatenate(shards))


def rank_seed(seed: int, context: DistributedContext) -> int:
    """A seed for this rank's noise and batches, distinct per rank."""
    return int(np.random.SeedSequence([seed, context.rank]).generate_state(1, np.uint64)[0])
