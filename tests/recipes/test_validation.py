"""Bad recipes fail with one line and exit code 2; good ones resolve to explicit values."""

import pytest
import yaml

from ganaug.cli import main
from ganaug.over_sampling import GANOversampler
from ganaug.recipes import RecipeError, load_recipe, resolve_recipe
from ganaug.recipes._yaml import apply_overrides, parse_yaml

MINIMAL = {"data": {"source": "breast-cancer"}}


def _write(tmp_path, text, name="r.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def _run_error(capsys, argv):
    code = main(argv)
    err = capsys.readouterr().err
    return code, err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("data: {source: breast-cancer}\nsampler: {epoch: 3}\n", "did you mean 'epochs'"),
        ("data: {source: breast-cancer}\nsampler: {epochs: three}\n", "sampler.epochs must be"),
        ("data: {source: breast-cancer}\nsampler: {loss: magic}\n", "sampler.loss must be"),
        ("data: {source: breast-cancer}\nsampler: {random_state: 1}\n", "evaluation.random_state"),
        ("data: {source: breast-cancer}\nevaluaton: {n_seeds: 2}\n", "did you mean 'evaluation'"),
        ("data: {source: breast-cancer}\nevaluation: {n_seeds: 2.5}\n", "evaluation.n_seeds"),
        ("data: {source: breast-cancer}\nevaluation: {methods: [none, magic]}\n", "'magic'"),
        (
            "data: {source: breast-cancer}\nevaluation: {methods: [none, oracle]}\n",
            "needs evaluation.imbalance_ratio",
        ),
        ("data: {source: breast-cancer}\nclassifier: {type: forest}\n", "classifier.type"),
        ("data: {source: breast-cancer}\nclassifier: {n_step: 5}\n", "did you mean 'n_steps'"),
        (
            "data: {source: breast-cancer}\nclassifier: {type: logistic, n_steps: 5}\n",
            "allowed: ",
        ),
        ("data: {source: no-such.csv, target: y}\n", "nor an existing file"),
        ("data: {source: no-such-folder}\n", "nor an existing folder"),
        ("data: {source: t.csv}\n", "data.target is required"),
        ("data: {source: breastmnist, target: y}\n", "unknown key data.'target'"),
        ("sampler: {epochs: 2}\n", "data.source is required"),
        ("data: [breastmnist]\n", "data.source is required"),
        ("- a list\n", "mapping"),
        ("data: {source: breastmnist\n", "not valid YAML"),
        ("name: [a]\ndata: {source: breastmnist}\n", "name must be a string"),
    ],
)
def test_bad_recipe_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch, text, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.csv").write_text("a,y\n1,0\n")
    code, err = _run_error(capsys, ["run", str(_write(tmp_path, text)), "--dry-run"])
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert message in err, err


def test_missing_recipe_file_and_bad_set(tmp_path, capsys):
    code, err = _run_error(capsys, ["run", str(tmp_path / "none.yaml")])
    assert code == 2 and "no such recipe file" in err
    path = _write(tmp_path, "data: {source: breast-cancer}\n")
    code, err = _run_error(capsys, ["run", str(path), "--set", "sampler.epochs", "--dry-run"])
    assert code == 2 and "KEY=VALUE" in err
    code, err = _run_error(capsys, ["run", str(path), "--set", "sampler.epochs=-1", "--dry-run"])
    assert code == 2 and "sampler.epochs must be" in err


def test_dry_run_prints_the_resolved_recipe(tmp_path, capsys):
    path = _write(tmp_path, "data: {source: breast-cancer}\nsampler: {epochs: 3}\n", "mine.yaml")
    argv = ["run", str(path), "--set", "evaluation.methods=[none, ros]", "--dry-run"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    resolved = yaml.safe_load(printed)
    assert resolved["name"] == "mine"
    assert resolved["sampler"]["epochs"] == 3
    assert resolved["sampler"]["latent_dim"] == GANOversampler().latent_dim
    assert resolved["evaluation"]["methods"] == ["none", "ros"]
    assert "runs/mine-" in printed
    assert not (tmp_path / "runs").exists()


def test_resolution_is_explicit_and_idempotent():
    recipe = resolve_recipe(MINIMAL)
    assert set(recipe) == {"name", "data", "sampler", "classifier", "evaluation", "output"}
    assert recipe["evaluation"]["methods"][0] == "none"
    assert "oracle" not in recipe["evaluation"]["methods"]  # no imbalance ratio
    assert recipe["data"] == {"source": "breast-cancer", "test_size": 0.3, "limit": None}
    assert resolve_recipe(recipe) == recipe


def test_overrides_are_typed_yaml():
    out = apply_overrides(
        {"sampler": {"epochs": 2}},
        ["sampler.epochs=5", "sampler.generator_lr=1e-4", "evaluation.fidelity=false", "name=x"],
    )
    assert out == {
        "sampler": {"epochs": 5, "generator_lr": 1e-4},
        "evaluation": {"fidelity": False},
        "name": "x",
    }
    assert parse_yaml("lr: 2e-3", "x") == {"lr": 0.002}
    with pytest.raises(RecipeError, match="two levels"):
        apply_overrides({}, ["a.b.c=1"])


def test_yaml_never_builds_objects(tmp_path):
    path = _write(tmp_path, "name: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(RecipeError, match="not valid YAML"):
        load_recipe(path)


def test_image_recipes_compare_augmented_ros_and_take_the_translation_by_name():
    images = resolve_recipe({"data": {"source": "breastmnist"}})
    assert "ros-augment" in images["evaluation"]["methods"]
    table = resolve_recipe(MINIMAL)  # breast-cancer: a table
    assert "ros-augment" not in table["evaluation"]["methods"]
    chosen = resolve_recipe(
        {"data": {"source": "breastmnist"}, "evaluation": {"methods": ["ros", "translation"]}}
    )
    assert chosen["evaluation"]["methods"] == ["ros", "translation"]
