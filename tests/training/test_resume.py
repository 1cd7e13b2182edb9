"""Checkpoints and resume: an interrupted run ends like an uninterrupted one."""

import os
import signal
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
import torch
from _interrupt import Crash

from ganaug import GANOversampler
from ganaug.cli import main
from ganaug.training.callbacks import Checkpoint, load_training_state

PARAMS = {"epochs": 2, "batch_size": 16, "random_state": 0, "verbose": 0}


def _steps(sampler):
    return [step for record in sampler.history_ for step in record["steps"]]


@pytest.fixture(scope="module")
def small_images(breastmnist_small):
    X, y = breastmnist_small
    return X[::4], y[::4]  # 60 images, both classes


# LeCam keeps running score averages; checkpoint selection, its scores and
# best weights; the defaults, neither. On CUDA the averages, read from the
# checkpoint onto the CPU, must move back to the GPU.
@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"checkpoint_selection": "kid"},
        {"lecam_weight": 0.3},
        pytest.param({"lecam_weight": 0.3, "device": "cuda"}, marks=pytest.mark.gpu),
    ],
)
def test_resumed_run_is_bitwise_the_uninterrupted_one(small_images, tmp_path, extra):
    X, y = small_images
    path = tmp_path / "checkpoint.pt"
    params = {**PARAMS, **extra}
    reference = GANOversampler(**params).fit_generator(X, y)

    with pytest.raises(KeyboardInterrupt):
        GANOversampler(**params).fit_generator(
            X, y, checkpoint=path, checkpoint_every=2, callbacks=[Crash(at_step=5)]
        )
    state, _ = load_training_state(path)
    assert state["step"] == 4  # the last checkpoint before the interruption

    resumed = GANOversampler(**params).fit_generator(X, y, checkpoint=path, resume=True)
    assert len(_steps(resumed)) == len(_steps(reference)) == 8
    assert _steps(resumed) == _steps(reference)
    assert resumed.checkpoint_scores_ == reference.checkpoint_scores_  # 8 or none
    expected = reference.generator_.state_dict()
    for name, tensor in resumed.generator_.state_dict().items():
        assert torch.equal(tensor, expected[name]), name
    assert (
        resumed.generate(3, 0, random_state=1) == reference.generate(3, 0, random_state=1)
    ).all()
    assert load_training_state(path)[0]["step"] == 8


def test_fit_generator_trains_what_fit_resample_trains(small_images):
    X, y = small_images
    sampler = GANOversampler(**{**PARAMS, "epochs": 1})
    sampler.fit_resample(X, y)
    again = GANOversampler(**{**PARAMS, "epochs": 1}).fit_generator(X, y)
    for name, tensor in again.generator_.state_dict().items():
        assert torch.equal(tensor, sampler.generator_.state_dict()[name]), name


def test_resume_refuses_other_settings_and_model_files(small_images, tmp_path):
    X, y = small_images
    path = tmp_path / "checkpoint.pt"
    GANOversampler(**{**PARAMS, "epochs": 1}).fit_generator(X, y, checkpoint=path)
    with pytest.raises(ValueError, match=r"different parameters \['batch_size'\]"):
        GANOversampler(**{**PARAMS, "epochs": 1, "batch_size": 8}).fit_generator(
            X, y, checkpoint=path, resume=True
        )
    model = GANOversampler(**{**PARAMS, "epochs": 1}).fit_generator(X, y).save(tmp_path / "m.pt")
    with pytest.raises(ValueError, match="not a ganaug training checkpoint"):
        load_training_state(model)


def test_resume_accepts_other_sample_choices(small_images, tmp_path):
    """synthetic_share, reject_outliers and match_moments do not touch training."""
    X, y = small_images
    path = tmp_path / "checkpoint.pt"
    first = GANOversampler(**{**PARAMS, "epochs": 1}).fit_generator(X, y, checkpoint=path)
    choices = {"synthetic_share": 1.0, "reject_outliers": False, "match_moments": False}
    resumed = GANOversampler(**{**PARAMS, "epochs": 1, **choices}).fit_generator(
        X, y, checkpoint=path, resume=True
    )
    for name, tensor in resumed.generator_.state_dict().items():
        assert torch.equal(tensor, first.generator_.state_dict()[name]), name
    assert resumed.fit_resample(X, y)[0].shape[0] > len(X)


def test_only_the_main_process_writes_checkpoints(tmp_path):
    path = tmp_path / "checkpoint.pt"
    worker = SimpleNamespace(is_main=False, step=5, state_dict=lambda: {"step": 5})
    Checkpoint(path, every=5).on_step_end(worker, {})
    assert not path.exists()
    Checkpoint(path, every=5).on_step_end(SimpleNamespace(**{**vars(worker), "is_main": True}), {})
    assert load_training_state(path)[0] == {"step": 5}


def test_a_killed_run_resumes_to_the_same_number_of_steps(tmp_path):
    out = tmp_path / "run"
    args = ["train", "--data", "breastmnist", "--limit", "64", "--out", str(out), "--quiet"]
    args += ["--epochs", "6", "--batch-size", "16", "--checkpoint-every", "2"]
    process = subprocess.Popen(
        [sys.executable, "-m", "ganaug", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    checkpoint = out / "checkpoint.pt"
    deadline = time.monotonic() + 120
    while not checkpoint.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, process.stderr.read().decode()[-2000:]
    config = (out / "run.json").read_text()
    killed_at = load_training_state(checkpoint)[0]["step"]  # intact despite the kill
    assert 2 <= killed_at < 24
    assert not (out / "model.pt").exists()

    assert main([*args, "--resume"]) == 0
    assert (out / "run.json").read_text() == config
    sampler = GANOversampler.load(out / "model.pt")
    assert len(_steps(sampler)) == 24  # 6 epochs of 4 steps, as without the kill
    assert sampler.generate(2, 1, random_state=0).shape == (2, 28, 28)
    assert sorted(p.name for p in out.iterdir()) == ["checkpoint.pt", "model.pt", "run.json"]


def test_translation_sampler_resumes_bitwise(small_images, tmp_path):
    from ganaug import TranslationOversampler

    X, y = small_images
    path = tmp_path / "translation.pt"
    reference = TranslationOversampler(**PARAMS).fit_generator(X, y)
    with pytest.raises(KeyboardInterrupt):
        TranslationOversampler(**PARAMS).fit_generator(
            X, y, checkpoint=path, checkpoint_every=2, callbacks=[Crash(at_step=5)]
        )
    resumed = TranslationOversampler(**{**PARAMS, "label_gate": False}).fit_generator(
        X,
        y,
        checkpoint=path,
        resume=True,  # label_gate only chooses among samples
    )
    assert _steps(resumed) == _steps(reference) and len(_steps(resumed)) == 8
    expected = reference.generator_.state_dict()
    for name, tensor in resumed.generator_.state_dict().items():
        assert torch.equal(tensor, expected[name]), name
    assert (resumed.translate(X[:3], 0) == reference.translate(X[:3], 0)).all()
