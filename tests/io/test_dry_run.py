"""``ganaug run dicom-folder --dry-run`` reads the folder and says what a run would do:
class counts, skips and why, patients per split, model fits and an estimated time."""

import pandas as pd
import pytest
import yaml
from _dicom_inputs import ct_volume, write_ct_series

from ganaug.cli import main
from ganaug.workflows import plan_recipe


@pytest.fixture
def ct_study(tmp_path):
    """20 CT series of 16x16x8 (15 of class 0, 5 of class 1) from 10 patients, a file
    that is not DICOM, a broken one, and a labels CSV by path."""
    root = tmp_path / "ct"
    rows = []
    for i in range(20):
        label = int(i % 4 == 3)
        write_ct_series(root / f"p{i:02d}", ct_volume(label, seed=i), patient_id=f"PAT{i // 2}")
        rows.append({"path": f"p{i:02d}", "label": label})
    (root / "notes.txt").write_text("not a DICOM file")
    (root / "p00" / "broken").write_bytes(b"DICM")
    labels = tmp_path / "labels.csv"
    pd.DataFrame(rows).to_csv(labels, index=False)
    return root, labels


def _argv(root, labels, *settings):
    tiny = [
        f"data.source={root}",
        f"data.labels={labels}",
        "data.target_shape=[16, 16, 8]",
        "data.spacing=null",
        *settings,
    ]
    return ["run", "dicom-folder", "--dry-run", "-q", *(a for s in tiny for a in ("--set", s))]


def test_dry_run_of_a_dicom_folder(ct_study, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    root, labels = ct_study
    assert main(_argv(root, labels)) == 0
    printed = capsys.readouterr().out
    # Still the resolved recipe, as YAML: saved, it is a recipe.
    recipe = yaml.safe_load(printed)
    assert recipe["data"]["source"] == str(root) and recipe["data"]["resize"] == "crop"
    assert "source: " + str(root) + "  # command line" in printed
    assert "limit: null  # default" in printed
    assert "group: PatientID\n" in printed  # set by the recipe: unmarked
    # Options that do not apply are left out, with the reason.
    assert "style_mixing" not in recipe["sampler"]
    assert "not used here: style_mixing, truncation_psi" in printed
    # What was read, per class, and what would be skipped and why.
    assert "(DICOM folder): volumes of 16 x 16 x 8 (x, y, z)" in printed
    assert "series  patients" in printed
    assert "skipped 2 file(s) or series: 2 x not a readable DICOM file" in printed
    assert f"#   {root / 'notes.txt'}: not a readable DICOM file" in printed
    # Class counts per split; native imbalance: no sub-sampling column.
    assert "class counts per split:" in printed and "train after" not in printed
    # Patients per split, none on two sides, adding up to the 10 patients.
    line = next(x for x in printed.splitlines() if "PatientID groups per split" in x)
    numbers = [int(n) for n in line.split(":")[-1].replace(",", " ").split() if n.isdigit()]
    assert sum(numbers) == 10
    assert "trainings of GANOversampler (method gan)" in printed
    assert "classifier fits: 5 seed(s) x 7 methods = 35" in printed
    assert "# estimated run time: about " in printed and "an estimate" in printed
    assert f"a run writes {tmp_path / 'runs'}/dicom-folder-" in printed
    assert not (tmp_path / "runs").exists()  # nothing written


def test_the_plan_counts_the_fits(ct_study):
    from ganaug.recipes import load_recipe

    root, labels = ct_study
    settings = [f"data.source={root}", f"data.labels={labels}", "data.spacing=null"]
    settings += ["data.target_shape=[16, 16, 8]", "evaluation.n_seeds=2", "evaluation.verbose=0"]
    plan = plan_recipe(load_recipe("dicom-folder", settings), timed_steps=2)
    assert plan.fits["networks"]["gan"][0] == 1  # one GAN per seed
    assert plan.fits["methods"] == 7 and plan.fits["seeds"] == 2
    assert plan.estimate.seconds > 2 * plan.estimate.parts["gan"]
    assert [p for p, _ in plan.skipped] == [str(root / "notes.txt"), str(root / "p00" / "broken")]
    assert plan.per_class["series"].tolist() == [15, 5]


def test_the_plan_counts_classes_before_and_after_sub_sampling():
    from ganaug.recipes import load_recipe

    settings = ["evaluation.imbalance_ratio=10", "evaluation.methods=[none, gan]"]
    plan = plan_recipe(load_recipe("breast-cancer", settings), timed_steps=2)
    train, after = plan.counts["train"], plan.counts["train after 1:10 (seed 0)"]
    assert after[1] == train[1]  # the majority (benign) is kept whole
    assert after[0] == round(train[1] / 10) < train[0]  # malignant cut to 1:10
    assert "train after 1:10 (seed 0)" in plan.text()
    # The classifier is a logistic regression here: the CNN's keys are not shown.
    assert "not used here: n_steps" in plan.text()
