"""Data-parallel training: torchrun environment, sharding, and a real 2-process run."""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from ganaug import GANOversampler, TranslationOversampler
from ganaug.datasets import load_adrenalmnist3d, load_breastmnist
from ganaug.training.callbacks import read_training_checkpoint
from ganaug.training.distributed import (
    DistributedContext,
    detect_torchrun,
    mean_across_ranks,
    rank_seed,
    shard_rows,
)


def test_torchrun_environment_is_read_and_checked():
    assert detect_torchrun({}) is None
    context = detect_torchrun({"RANK": "3", "LOCAL_RANK": "1", "WORLD_SIZE": "4"})
    assert context == DistributedContext(rank=3, local_rank=1, world_size=4)
    assert not context.is_main and context.is_parallel
    with pytest.raises(ValueError, match="integers"):
        detect_torchrun({"RANK": "a", "WORLD_SIZE": "2"})
    with pytest.raises(ValueError, match="outside WORLD_SIZE"):
        detect_torchrun({"RANK": "2", "WORLD_SIZE": "2"})


def test_shards_are_disjoint_stratified_and_cover_the_data():
    codes = np.array([0] * 5 + [1] * 20)
    contexts = [DistributedContext(rank, rank, 2) for rank in range(2)]
    shards = [shard_rows(codes, c) for c in contexts]
    assert sorted(np.concatenate(shards).tolist()) == list(range(25))
    assert all(set(codes[s]) == {0, 1} for s in shards)
    assert rank_seed(0, contexts[0]) != rank_seed(0, contexts[1])
    with pytest.raises(ValueError, match="fewer than the 3 processes"):
        shard_rows(np.array([0, 0, 0, 1, 1]), DistributedContext(0, 0, 3))


def test_helpers_do_nothing_on_one_process():
    values = {"d_loss": torch.tensor(1.5)}
    assert mean_across_ranks(values, None) is values
    assert shard_rows(np.array([0, 1, 1]), None).tolist() == [0, 1, 2]


def train_with_torchrun(*args: str) -> subprocess.CompletedProcess:
    """``ganaug train ARGS`` under torchrun, 2 gloo processes of one thread each; it
    must succeed."""
    command = [
        *(sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"),
        *("-m", "ganaug", "train", *args),
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(command, capture_output=True, text=True, timeout=240, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_two_process_ddp_training_on_cpu(tmp_path):
    """torchrun, 2 gloo processes: both train and select, rank 0 alone writes, the model loads."""
    out = tmp_path / "run"
    tensorboard = importlib.util.find_spec("tensorboard") is not None
    result = train_with_torchrun(
        *("--data", "breastmnist", "--limit", "64", "--out", str(out)),
        *("--epochs", "2", "--batch-size", "8", "--checkpoint-every", "3", "--quiet"),
        *("--set", "checkpoint_selection=kid"),  # a collective score at every step
        *("--set", "lecam_weight=0.3"),  # score averages taken across the processes
        *("--set", "mode_seeking_weight=1"),  # a generator loss on pairs, one forward pass
        *(["--tensorboard", "--sample-every", "4"] if tensorboard else []),
    )
    # 64 images over 2 processes at 8 per batch: 4 steps per epoch on each rank
    for rank in (0, 1):
        assert f"rank {rank}/2 finished 8 steps" in result.stderr
    expected = {"run.json", "checkpoint.pt", "model.pt"} | (
        {"tensorboard"} if tensorboard else set()
    )
    assert {p.name for p in out.iterdir()} == expected
    assert json.loads((out / "run.json").read_text())["world_size"] == 2
    if tensorboard:  # event files are named by process: one writer only
        assert len(list((out / "tensorboard").iterdir())) == 1

    sampler = GANOversampler.load(out / "model.pt", device="cpu")
    assert sum(len(record["steps"]) for record in sampler.history_) == 8
    samples = sampler.generate(4, 0, random_state=0)
    assert samples.shape == (4, 28, 28) and samples.dtype == np.uint8


def test_two_process_ddp_translation_training_on_cpu(tmp_path):
    """The translation sampler under torchrun: its generator runs three times per step
    (translation, cycle, identity) before one backward, through DistributedDataParallel."""
    out = tmp_path / "run"
    result = train_with_torchrun(
        *("--sampler", "translation", "--data", "breastmnist"),
        *("--limit", "64", "--out", str(out), "--epochs", "2", "--batch-size", "8", "--quiet"),
    )
    for rank in (0, 1):
        assert f"rank {rank}/2 finished 8 steps" in result.stderr
    assert json.loads((out / "run.json").read_text())["sampler"] == "translation"
    sampler = TranslationOversampler.load(out / "model.pt", device="cpu")
    images = load_breastmnist("val").images[:4]
    translated = sampler.translate(images, 0)
    assert translated.shape == (4, 28, 28) and translated.dtype == np.uint8


def test_two_process_ddp_style_generator_on_cpu(tmp_path):
    """The style generator under torchrun: its running mean styles are buffers that
    DistributedDataParallel keeps equal across processes; style mixing draws on each."""
    out = tmp_path / "run"
    train_with_torchrun(
        *("--data", "breastmnist", "--limit", "64", "--out", str(out)),
        *("--epochs", "2", "--batch-size", "8", "--quiet", "--set", "architecture=style"),
        *("--set", "r1_gamma=1", "--set", "mode_seeking_weight=1"),
    )
    sampler = GANOversampler.load(out / "model.pt", device="cpu")
    assert sampler.architecture_ == "style"
    assert (sampler.generator_.w_avg_updates > 0).all()
    sampler.set_params(truncation_psi=0.0)
    samples = sampler.generate(3, 0, random_state=0)
    assert samples.shape == (3, 28, 28) and samples.dtype == np.uint8


def test_two_process_latent_training_on_cpu(tmp_path):
    """The latent path under torchrun: every process fits the autoencoder on all the
    volumes with one seed and takes rank 0's weights; the networks then train in
    parallel on the codes; the checkpoint holds the autoencoder for a resumed run."""
    out = tmp_path / "run"
    result = train_with_torchrun(
        *("--data", "adrenalmnist3d", "--limit", "32"),
        *("--out", str(out), "--epochs", "2", "--batch-size", "4", "--quiet"),
        *("--set", "latent=true", "--set", "autoencoder_steps=2"),
    )
    # 32 codes over 2 processes at 4 per batch: 4 steps per epoch on each rank
    for rank in (0, 1):
        assert f"rank {rank}/2 finished 8 steps" in result.stderr
    assert "autoencoder" in read_training_checkpoint(out / "checkpoint.pt")["stages"]
    sampler = GANOversampler.load(out / "model.pt", device="cpu")
    assert sampler.latent_ and len(sampler.autoencoder_history_) == 2
    samples = sampler.generate(3, 1, random_state=0, match_to=load_adrenalmnist3d().images[:8])
    assert samples.shape == (3, 28, 28, 28) and set(np.unique(samples).tolist()) <= {0, 255}
