"""Case 6 of issue 36: counts that allocate are bounded and checked like every other key,
before any data is read (``n_seeds: 1000000000`` passed --dry-run and then took 17.9 GB
in 45 s); the samplers refuse sample counts that could not fit, before allocating."""

import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from _hostile import augment, one_line_error, tree
from sklearn.datasets import load_breast_cancer

from ganaug import AugmentedRandomOverSampler, GANOversampler
from ganaug.cli import main
from ganaug.evaluation import evaluate_lift

RECIPE = str(Path(__file__).resolve().parents[2] / "recipes" / "breast-cancer.yaml")
HUGE = 1_000_000_000


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_billion_seeds_are_refused_before_any_data_is_read(
    tmp_path, capsys, monkeypatch, no_data_read, dry_run
):
    monkeypatch.chdir(tmp_path)
    before = tree(tmp_path)
    argv = ["run", RECIPE, "--set", f"evaluation.n_seeds={HUGE}", "--out", str(tmp_path / "r")]
    tracemalloc.start()
    try:
        assert main([*argv, *(["--dry-run"] if dry_run else [])]) == 2
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    one_line_error(capsys, "evaluation.n_seeds", "[1, 1000]", HUGE)
    assert peak < 200 * 2**20
    assert tree(tmp_path) == before


def test_a_billion_samples_in_a_recipe_are_refused_by_dry_run(tmp_path, capsys, no_data_read):
    before = tree(tmp_path)
    argv = ["run", RECIPE, "--dry-run", "--set", f"sampler.sampling_strategy={{1: {HUGE}}}"]
    assert main(argv) == 2
    one_line_error(capsys, "sampler.sampling_strategy", "at most 100_000_000")
    assert tree(tmp_path) == before


def test_augment_dicom_refuses_a_billion_samples_before_reading(tmp_path, capsys, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the folder was read before the counts were checked")

    monkeypatch.setattr("ganaug.io.loading.scan_dicom_folder", refuse)
    (tmp_path / "in").mkdir()
    (tmp_path / "labels.csv").write_text("path,label\nx,1\n")
    before = tree(tmp_path)
    argv = ["--sampling-strategy", f"1:{HUGE}"]
    assert augment(tmp_path / "in", tmp_path / "labels.csv", tmp_path / "out", *argv) == 2
    one_line_error(capsys, "sampling_strategy", "at most 100_000_000")
    assert tree(tmp_path) == before


def test_evaluate_lift_refuses_a_billion_seeds_at_once():
    X, y = load_breast_cancer(return_X_y=True)
    with pytest.raises(ValueError, match=r"'n_seeds' parameter .* range \[1, 1000\]"):
        evaluate_lift(X, y, X, y, n_seeds=HUGE, methods=["none"], fidelity=False, verbose=0)


def test_samplers_refuse_counts_that_cannot_fit_before_allocating():
    rng = np.random.RandomState(0)
    images = rng.uniform(size=(20, 8, 8)).astype(np.float32)
    y = np.r_[[0] * 14, [1] * 6]
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="at most 100_000_000"):
            AugmentedRandomOverSampler(sampling_strategy={1: HUGE}).fit_resample(images, y)
        volumes = rng.uniform(size=(20, 32, 32, 32)).astype(np.float32)
        ten_million = AugmentedRandomOverSampler(sampling_strategy={1: 10**7}, random_state=0)
        with pytest.raises(ValueError, match="GiB or more, above the 32 GiB one call may make"):
            ten_million.fit_resample(volumes, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200 * 2**20

    table = rng.normal(size=(40, 4))
    sampler = GANOversampler(epochs=1, random_state=0, verbose=0)
    sampler.fit_resample(table, np.r_[[0] * 30, [1] * 10])
    with pytest.raises(ValueError, match="n_samples must be a non-negative integer of at most"):
        sampler.generate(HUGE, 1)
