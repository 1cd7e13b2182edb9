"""``ganaug train`` in one process: outputs, inputs and user errors."""

import json

import numpy as np
import pytest

from ganaug import GANOversampler
from ganaug.cli import main


def test_train_on_an_npz_file_saves_a_loadable_model(tmp_path, capsys):
    rng = np.random.RandomState(0)
    images = rng.randint(0, 256, size=(24, 8, 8)).astype(np.uint8)
    np.savez(tmp_path / "data.npz", images=images, labels=np.r_[[0] * 8, [1] * 16])
    out = tmp_path / "run"
    args = ["train", "--data", str(tmp_path / "data.npz"), "--out", str(out), "--quiet"]
    args += ["--epochs", "1", "--batch-size", "8", "--set", "loss=bce", "--set", "r1_gamma=0.5"]
    assert main(args) == 0
    assert "trained 3 steps" in capsys.readouterr().out
    config = json.loads((out / "run.json").read_text())
    assert config["params"]["loss"] == "bce" and config["params"]["r1_gamma"] == 0.5
    sampler = GANOversampler.load(out / "model.pt")
    assert sampler.generate(2, 1).shape == (2, 8, 8)

    assert main(args) == 2  # the folder holds a run now
    assert "--resume" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--data", "nowhere.npz"], "neither a bundled data set"),
        (["--data", "breastmnist", "--set", "loss=nope"], "'loss' parameter"),
    ],
)
def test_user_errors_exit_2_with_one_line(tmp_path, capsys, extra, message):
    assert main(["train", "--out", str(tmp_path / "run"), "--quiet", *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_npz_without_images_and_labels_is_refused(tmp_path, capsys):
    np.savez(tmp_path / "bad.npz", pixels=np.zeros((4, 8, 8)))
    assert main(["train", "--data", str(tmp_path / "bad.npz"), "--out", str(tmp_path / "r")]) == 2
    assert "'images' and 'labels'" in capsys.readouterr().err


def test_set_has_the_recipe_grammar_and_names_a_misspelt_parameter(tmp_path, capsys):
    rng = np.random.RandomState(0)
    images = rng.randint(0, 256, size=(24, 8, 8)).astype(np.uint8)
    np.savez(tmp_path / "data.npz", images=images, labels=np.r_[[0] * 8, [1] * 16])
    out = tmp_path / "run"
    args = ["train", "--data", str(tmp_path / "data.npz"), "--out", str(out), "--quiet"]
    args += ["--epochs", "1", "--batch-size", "8"]
    settings = ["sampler.loss=bce", "r1_gamma=1e-1", "match_moments=false"]
    assert main([*args, *(a for s in settings for a in ("--set", s))]) == 0
    params = json.loads((out / "run.json").read_text())["params"]
    assert params["loss"] == "bce" and params["r1_gamma"] == 0.1
    assert params["match_moments"] is False  # YAML: false is a bool

    # Checked before any data is read: the data path does not exist.
    missing = ["train", "--data", "nowhere.npz", "--out", str(tmp_path / "r2")]
    assert main([*missing, "--set", "r1_gama=1"]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'r1_gamma'?" in err and len(err.strip().splitlines()) == 1
    with pytest.raises(SystemExit):
        main([*missing, "--set", "evaluation.n_seeds=2"])
    assert "sampler.NAME=VALUE" in capsys.readouterr().err


def test_resume_reads_a_run_saved_under_the_old_names(tmp_path, capsys):
    rng = np.random.RandomState(0)
    images = rng.randint(0, 256, size=(24, 8, 8)).astype(np.uint8)
    np.savez(tmp_path / "data.npz", images=images, labels=np.r_[[0] * 8, [1] * 16])
    out = tmp_path / "run"
    args = ["train", "--data", str(tmp_path / "data.npz"), "--out", str(out), "--quiet"]
    args += ["--epochs", "1", "--batch-size", "8"]
    assert main(args) == 0
    (out / "run.json").rename(out / "config.json")  # as ganaug train wrote it before 0.2
    (out / "model.pt").rename(out / "sampler.pt")
    assert main(args) == 2  # still a run: not overwritten without --resume
    assert "--resume" in capsys.readouterr().err
    with pytest.warns(FutureWarning, match="config.json has the name ganaug 0.1 gave it"):
        assert main([*args, "--resume"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["checkpoint.pt", "model.pt", "run.json"]
    assert GANOversampler.load(out / "model.pt").generate(1, 1).shape == (1, 8, 8)
