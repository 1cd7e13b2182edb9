"""The lift protocol on real data, with tiny budgets: structure and the numbers behind it."""

import base64
import json
import re
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest
import sklearn
import torch
from imblearn.over_sampling import RandomOverSampler
from imblearn.over_sampling.base import BaseOverSampler
from sklearn.neighbors import KNeighborsClassifier

from ganaug import GANOversampler
from ganaug.datasets import load_breastmnist
from ganaug.evaluation import METRICS, CNNClassifier, evaluate_lift, paired_lift
from ganaug.evaluation._methods import default_methods

pytestmark = pytest.mark.slow


class CopyingSampler(BaseOverSampler):
    """A 'generator' that memorised its training set: returns copies plus faint noise."""

    _sampling_type = "over-sampling"

    def __init__(self, *, sampling_strategy="auto", random_state=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state

    def _fit_resample(self, X, y):
        rng = np.random.RandomState(self.random_state)
        parts_X, parts_y = [X], [y]
        for cls, n in self.sampling_strategy_.items():
            rows = rng.choice(np.flatnonzero(y == cls), n)
            parts_X.append(X[rows] + rng.normal(0, 1e-3, X[rows].shape).astype(X.dtype))
            parts_y.append(y[rows])
        return np.concatenate(parts_X), np.concatenate(parts_y)


@pytest.fixture(scope="module")
def breast():
    return {s: load_breastmnist(s) for s in ("train", "val", "test")}


@pytest.fixture(scope="module")
def report(breast):
    train, val, test = breast["train"], breast["val"], breast["test"]
    return evaluate_lift(
        train.images,
        train.target,
        test.images,
        test.target,
        X_val=val.images,
        y_val=val.target,
        methods=["none", "class-weight", "threshold", "ros", "gan", "copier", "oracle"],
        # A 3-epoch generator's samples lie outside the real manifold; without
        # the filter a quarter of its new rows stay synthetic for the report.
        samplers={
            "gan": GANOversampler(epochs=3, reject_outliers=False),
            "copier": CopyingSampler(),
        },
        classifier=CNNClassifier(n_steps=30, eval_every=10),
        imbalance_ratio=10,
        n_seeds=2,
        verbose=0,
    )


def test_score_table_structure(report):
    scores = report.scores
    assert len(scores) == 2 * 7
    assert sorted(scores["seed"].unique()) == [0, 1]
    assert list(dict.fromkeys(scores["method"])) == [
        "none",
        "class-weight",
        "threshold",
        "ros",
        "gan",
        "copier",
        "oracle",
    ]
    for metric in METRICS:
        assert scores[metric].between(0, 1).all(), metric


def test_training_sizes_show_subsample_balance_and_oracle(report, breast):
    n_train = report.scores.groupby("method")["n_train"].first()
    counts = np.bincount(breast["train"].target)  # 147 malignant, 399 benign
    kept = round(399 / 10)  # 40 malignant kept at 1:10
    assert n_train["none"] == n_train["class-weight"] == n_train["threshold"] == 399 + kept
    assert n_train["ros"] == n_train["gan"] == n_train["copier"] == 2 * 399
    # The oracle trains on every real training image: the removed ones are back.
    assert n_train["oracle"] == counts.sum()


def test_lift_table_is_the_paired_computation(report):
    lift = report.lift("auroc")
    wide = report.scores.pivot(index="seed", columns="method", values="auroc")
    diff = wide["ros"] - wide["none"]
    assert lift.loc["ros", "mean_lift"] == pytest.approx(diff.mean())
    assert lift.loc["ros", "n_seeds"] == 2
    assert lift.loc["none", "mean_lift"] == 0
    assert lift.loc["oracle", "oracle_share"] == pytest.approx(
        1.0 if lift.loc["oracle", "mean_lift"] > 0 else np.nan, nan_ok=True
    )
    assert paired_lift(report.scores, "auroc").equals(lift)


def test_threshold_tuning_moves_only_the_threshold(report):
    scores = report.scores.set_index(["seed", "method"])
    for seed in (0, 1):
        assert scores.loc[(seed, "threshold"), "auroc"] == pytest.approx(
            scores.loc[(seed, "none"), "auroc"]
        )


def test_fidelity_has_the_floor_and_every_source(report):
    fidelity = report.fidelity_summary()
    sources = set(fidelity.index.get_level_values("method"))
    assert sources == {"real-train", "ros", "gan", "copier"}
    assert set(fidelity.index.get_level_values("class")) == {0}
    assert (fidelity["precision"].between(0, 1)).all()
    # The floor (real training images) is closer to real test images than a GAN
    # trained for three epochs is.
    floor = fidelity.loc[(0, "cnn", "real-train")]
    assert floor["fid"] < fidelity.loc[(0, "cnn", "gan"), "fid"]
    # The in-domain CNN, trained on the real training split, calls those images
    # more often of their class than not; its IS over one class lies in [1, 2].
    assert floor["class_probability"] > 0.5
    assert fidelity["inception_score"].between(1, 2).all()


def test_a_copying_generator_is_flagged_and_the_gan_is_not(report):
    memo = report.memorization_summary()
    assert memo.loc[("copier", 0), "flagged"]
    assert memo.loc[("copier", 0), "near_copy_share"] == 1.0
    assert memo.loc[("ros", 0), "flagged"]
    assert not memo.loc[("gan", 0), "flagged"]


def test_report_files(report, tmp_path):
    out = report.write(tmp_path / "report")
    names = {p.name for p in out.iterdir()}
    assert {
        "report.md",
        "report.html",
        "scores.csv",
        "lift.csv",
        "fidelity.csv",
        "memorization.csv",
        "results.json",
        "lift_auroc.png",
        "lift_auroc.svg",
        "samples_0.png",
        "fidelity_0.png",
        "losses_gan.png",
        "memorization_gan_0.png",
        "history_gan.csv",
    } <= names
    markdown = (out / "report.md").read_text()
    assert "## Verdict" in markdown and "FLAGGED: copier" in markdown
    assert "On auroc, gan" in markdown and "On auroc, copier" in markdown
    html = (out / "report.html").read_text()
    assert 'src="http' not in html and "<link" not in html  # self-contained
    # Every figure is embedded in the HTML, as the PNG written beside it, with its SVG.
    embedded = dict(re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,([^"]+)"', html))
    assert set(embedded) == {p.stem for p in out.glob("*.png")}
    for stem, data in embedded.items():
        assert base64.b64decode(data) == (out / f"{stem}.png").read_bytes()
        assert (out / f"{stem}.svg").exists()
    for stem in embedded:
        assert f"![{stem}]({stem}.png)" in markdown
    # 2 seeds, a 30-step CNN and a 3-epoch GAN are below the benchmarks' budget.
    assert "Quick budget: 2 seeds" in markdown and "a CNN of 30 steps" in markdown
    assert "gan trained for 3 epochs" in markdown
    assert json.loads((out / "results.json").read_text())["budget_note"].startswith("Quick")
    assert pd.read_csv(out / "scores.csv").shape == report.scores.shape
    results = json.loads((out / "results.json").read_text())
    assert results["settings"]["imbalance_ratio"] == 10
    # the versions that made the scores, for a rerun to match
    assert results["versions"]["scikit-learn"] == sklearn.__version__
    assert results["versions"]["torch"] == torch.__version__
    assert results["versions"]["cpu"]  # floats, hence scores, can differ between CPUs
    assert f"scikit-learn {sklearn.__version__}" in markdown
    assert (out / "samples_0.png").read_bytes().startswith(b"\x89PNG")
    for svg in out.glob("*.svg"):
        assert ElementTree.parse(svg).getroot().tag.endswith("svg")


def test_sample_grid_pairs_each_generated_sample_with_its_closest_training_image(report):
    rows = report.samples[0]
    samples, closest = rows["gan"], rows["gan (closest real)"]
    assert samples.shape == closest.shape == (8, 28 * 28)
    # "real" holds the first training images of the class: none is closer than the
    # image picked as closest among all of them.
    to_closest = ((samples - closest) ** 2).sum(axis=1)
    to_real = ((samples[:, None] - rows["real"][None]) ** 2).sum(axis=2)
    assert (to_closest <= to_real.min(axis=1) + 1e-9).all()
    assert (to_closest > 0).all()  # generated, not copies
    # the generator's latent walk, and no walk for samplers without noise (copier)
    walk = rows["gan (latent walk)"]
    assert walk.shape == (8, 28 * 28) and "copier (latent walk)" not in rows
    assert not np.allclose(walk[0], walk[-1])


def test_report_never_overwrites_and_leaves_nothing_half_written(report, tmp_path, monkeypatch):
    out = report.write(tmp_path / "r")
    before = (out / "report.md").read_text()
    with pytest.raises(FileExistsError, match="already exists"):
        report.write(out)
    assert (out / "report.md").read_text() == before

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(OSError, match="disk full"):
        report.write(tmp_path / "interrupted")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_same_seeds_same_scores(breast_cancer):
    X, y = breast_cancer
    kwargs = dict(methods=["none", "ros", "smote"], imbalance_ratio=10, n_seeds=2, verbose=0)
    first = evaluate_lift(X[:400], y[:400], X[400:], y[400:], **kwargs)
    second = evaluate_lift(X[:400], y[:400], X[400:], y[400:], **kwargs)
    columns = ["seed", "method", *METRICS]
    pd.testing.assert_frame_equal(first.scores[columns], second.scores[columns])
    assert not first.column_distances.empty
    assert "correlation_difference" in first.fidelity


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"methods": ["none", "oracle"]}, "set imbalance_ratio"),
        ({"methods": ["none", "magic"]}, "Unknown method 'magic'"),
        ({"samplers": {"ros+smote": None}}, r"\['ros\+smote'\] contain '\+'"),
        (
            {"methods": ["ros+class-weight"], "classifier": KNeighborsClassifier()},
            "has no class_weight parameter",
        ),
    ],
)
def test_bad_settings_are_clear_errors(breast_cancer, kwargs, message):
    X, y = breast_cancer
    with pytest.raises(ValueError, match=message):
        evaluate_lift(X[:400], y[:400], X[400:], y[400:], fidelity=False, verbose=0, **kwargs)


def test_threshold_needs_two_classes():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 4))
    y = np.repeat([0, 1, 2], [200, 60, 40])
    X[:, 0] += y
    with pytest.raises(ValueError, match="needs two classes"):
        evaluate_lift(X, y, X, y, methods=["threshold"], fidelity=False, verbose=0)


def test_balanced_labels_are_refused():
    X = np.zeros((20, 2))
    y = np.repeat([0, 1], 10)
    with pytest.raises(ValueError, match="no minority class"):
        evaluate_lift(X, y, X, y, verbose=0)


def test_custom_sampler_by_name(breast_cancer):
    X, y = breast_cancer
    report = evaluate_lift(
        X[:400],
        y[:400],
        X[400:],
        y[400:],
        methods=["dup", "dup+class-weight"],
        samplers={"dup": RandomOverSampler(sampling_strategy=0.5)},
        imbalance_ratio=10,
        n_seeds=1,
        fidelity=False,
        verbose=0,
    )
    n_train = report.scores.set_index("method")["n_train"]
    assert list(n_train.index) == ["none", "dup", "dup+class-weight"]
    n_majority = max(report.settings["class_counts"].values())
    n_minority = round(n_majority / 10)
    assert n_train["none"] == n_majority + n_minority
    assert n_train["dup"] == n_train["dup+class-weight"] == n_majority + int(0.5 * n_majority)


def test_volumes_get_3d_and_slice_plane_fidelity(tmp_path):
    from ganaug.datasets import load_adrenalmnist3d

    val, test = load_adrenalmnist3d("val"), load_adrenalmnist3d("test")
    report = evaluate_lift(
        val.images,
        val.target,
        test.images[:60],
        test.target[:60],
        methods=["ros", "gan"],
        samplers={"gan": GANOversampler(epochs=1)},
        classifier=CNNClassifier(n_steps=3, batch_size=16),
        n_seeds=1,
        verbose=0,
    )
    spaces = set(report.fidelity_summary().index.get_level_values("space"))
    assert spaces == {"cnn-3d", "plane-0", "plane-1", "plane-2", "planes"}
    out = report.write(tmp_path / "r")
    assert "three orthogonal middle slices" in (out / "report.md").read_text().replace(
        "slices normal to axes 0, 1, 2", "three orthogonal middle slices"
    )
    assert (out / "samples_1.png").exists()


def test_user_feature_extractor_callable_and_torchscript(breast, tmp_path):
    import torch

    train, test = breast["train"], breast["test"]

    class MeanPool(torch.nn.Module):
        def forward(self, x):
            return torch.nn.functional.adaptive_avg_pool2d(x, 4).flatten(1)

    path = tmp_path / "features.pt"
    torch.jit.save(torch.jit.script(MeanPool()), str(path))
    kwargs = dict(methods=["ros"], classifier=CNNClassifier(n_steps=3), n_seeds=1, verbose=0)
    scripted = evaluate_lift(
        train.images, train.target, test.images, test.target, feature_extractor=str(path), **kwargs
    )
    pooled = evaluate_lift(
        train.images,
        train.target,
        test.images,
        test.target,
        feature_extractor=lambda x: (
            x.reshape(len(x), 4, 7, 4, 7).mean(axis=(2, 4)).reshape(len(x), -1)
        ),
        **kwargs,
    )
    exported = tmp_path / "features.pt2"
    batch = torch.export.Dim("batch")
    program = torch.export.export(
        MeanPool(), (torch.zeros(2, 1, 28, 28),), dynamic_shapes={"x": {0: batch}}
    )
    torch.export.save(program, str(exported))
    from_export = evaluate_lift(
        train.images,
        train.target,
        test.images,
        test.target,
        feature_extractor=str(exported),
        **kwargs,
    )
    assert set(scripted.fidelity["space"]) == {"user"}
    pd.testing.assert_frame_equal(scripted.fidelity, from_export.fidelity)
    columns = ["fid", "kid", "precision", "recall"]
    np.testing.assert_allclose(
        scripted.fidelity[columns].to_numpy(), pooled.fidelity[columns].to_numpy(), rtol=1e-4
    )
    (tmp_path / "junk.pt").write_bytes(b"not a model")
    with pytest.raises(ValueError, match="not a TorchScript"):
        evaluate_lift(
            train.images,
            train.target,
            test.images,
            test.target,
            feature_extractor=str(tmp_path / "junk.pt"),
            **kwargs,
        )


def test_images_get_augmented_ros_by_default_and_balanced_samplers_are_judged(breast):
    assert "ros-augment" in default_methods(images=True, oracle=True)
    assert "ros-augment" not in default_methods(images=False, oracle=True)
    val, test = breast["val"], breast["test"]
    report = evaluate_lift(
        val.images,
        val.target,
        test.images[:80],
        test.target[:80],
        samplers={
            "gan": GANOversampler(epochs=1, reject_outliers=False),
            "gan-balanced": GANOversampler(epochs=1, balance_synthetic=1.0, reject_outliers=False),
        },
        methods=["ros", "ros-augment", "gan", "gan-balanced"],
        classifier=CNNClassifier(n_steps=3),
        imbalance_ratio=2,
        n_seeds=1,
        verbose=0,
    )
    n_train = report.scores.set_index("method")["n_train"]
    assert n_train["ros-augment"] == n_train["gan-balanced"] == 2 * n_train["ros"]
    # only the minority's synthetic samples are judged, for every sampler that made some
    fidelity = report.fidelity
    judged = fidelity[fidelity.space == fidelity.space.iloc[0]]
    assert set(judged["class"]) == {0}
    assert {"ros-augment", "gan", "gan-balanced"} <= set(judged.method)
    # augmented copies are measured against their sources; noise samples have none
    moved = report.memorization_summary()["source_distance_ratio"]
    assert 0 < moved[("ros-augment", 0)] < 2 and np.isnan(moved[("gan", 0)])
