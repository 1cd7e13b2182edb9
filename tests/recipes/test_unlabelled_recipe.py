"""Recipes with an unlabelled pool: data.unlabelled (true, or another source of the
same kind) and evaluation.unlabelled_share."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer

from ganaug.cli import main
from ganaug.datasets import load_splits
from ganaug.recipes import RecipeError
from ganaug.recipes._schema import resolve_recipe
from ganaug.workflows.recipe import _load_data


@pytest.fixture
def table(tmp_path):
    """sklearn's breast-cancer table as a CSV, one label in five left empty."""
    frame = load_breast_cancer(as_frame=True).frame
    frame.loc[frame.index % 5 == 0, "target"] = np.nan
    path = tmp_path / "cancer.csv"
    frame.to_csv(path, index=False)
    return path, int((frame.index % 5 == 0).sum())


def test_empty_labels_are_an_error_without_the_flag(table):
    path, n_empty = table
    with pytest.raises(ValueError, match=f"{n_empty} row\\(s\\) have an empty 'target'"):
        load_splits(str(path), target="target")
    splits = load_splits(str(path), target="target", unlabelled=True)
    assert len(splits.X_unlabelled) == n_empty and "target" not in splits.X_unlabelled
    assert splits.y.dtype.kind == "i"  # read as floats beside the empty cells
    assert len(splits.y) + len(splits.y_test) == 569 - n_empty


def test_a_table_recipe_runs_with_its_unlabelled_rows(table, tmp_path, capsys):
    path, n_empty = table
    out = tmp_path / "run"
    settings = [
        f"data.source={path}",
        "data.target=target",
        "data.unlabelled=true",
        "sampler.epochs=1",
        "evaluation.n_seeds=1",
        "evaluation.verbose=0",
        "evaluation.fidelity=false",
        "evaluation.imbalance_ratio=10",
        "evaluation.unlabelled_share=0.3",
        "evaluation.methods=[none, ros, self-training, gan+pool, oracle]",
    ]
    argv = ["run", "breast-cancer", "--out", str(out)]
    for setting in settings:
        argv += ["--set", setting]
    assert main(argv) == 0, capsys.readouterr().err
    results = json.loads((out / "results.json").read_text())
    assert results["settings"]["unlabelled"] == {"share": 0.3, "n_given": n_empty}
    scores = pd.read_csv(out / "scores.csv").set_index("method")
    hidden = scores.loc["oracle", "pool_used"]
    assert scores.loc["self-training", "pool_used"] == hidden + n_empty
    assert scores.loc["self-training", "pool_correct"] <= hidden
    assert "Unlabelled pool" in (out / "report.md").read_text()


def test_another_table_is_every_row_unlabelled(table, tmp_path):
    path, _ = table
    other = tmp_path / "unread.csv"
    pd.read_csv(path).drop(columns="target").head(25).to_csv(other, index=False)
    clean = tmp_path / "labelled.csv"
    pd.read_csv(path).dropna().to_csv(clean, index=False)
    recipe = resolve_recipe(
        {"data": {"source": str(clean), "target": "target", "unlabelled": str(other)}}
    )
    splits, _ = _load_data(recipe["data"], 0, verbose=0)
    assert splits.X_unlabelled.shape == (25, 30)
    assert list(splits.X_unlabelled.columns) == list(splits.X.columns)


@pytest.mark.parametrize(
    ("data", "evaluation", "message"),
    [
        ({"source": "breastmnist", "unlabelled": True}, {}, "set evaluation.unlabelled_share"),
        ({"source": "breast-cancer"}, {"methods": ["none", "self-training"]}, "learns from"),
        (
            {"source": "breast-cancer"},
            {"methods": ["none", "ros+pool"], "unlabelled_share": 0.3},
            "RandomOverSampler has no unlabelled parameter",
        ),
        ({"source": "breast-cancer"}, {"unlabelled_share": 1.5}, "unlabelled_share must be"),
        ({"source": "breast-cancer", "sampler": {"unlabelled": "keep"}}, {}, "gan\\+pool"),
    ],
)
def test_pool_recipe_mistakes_are_one_line(data, evaluation, message):
    sampler = data.pop("sampler", None)
    with pytest.raises(RecipeError, match=message):
        resolve_recipe({"data": data, "evaluation": evaluation, "sampler": sampler})


def test_unlabelled_path_must_be_a_source_of_the_same_kind(table, tmp_path):
    path, _ = table
    with pytest.raises(RecipeError, match="not a source of the same kind"):
        resolve_recipe(
            {"data": {"source": str(path), "target": "target", "unlabelled": str(tmp_path)}}
        )
    with pytest.raises(RecipeError, match="no such file or folder"):
        resolve_recipe(
            {"data": {"source": str(path), "target": "target", "unlabelled": "missing.csv"}}
        )


def test_share_alone_gives_the_pool_methods_and_the_oracle():
    recipe = resolve_recipe(
        {"data": {"source": "breastmnist"}, "evaluation": {"unlabelled_share": 0.5}}
    )
    methods = recipe["evaluation"]["methods"]
    assert {"self-training", "gan+pool", "oracle"} <= set(methods)
    assert recipe["data"] == {"source": "breastmnist", "limit": None}
