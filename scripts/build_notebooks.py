"""Write notebooks/*.ipynb from the cells below, outputs stripped.

The notebooks are generated so that they stay reviewable as plain Python and
never carry outputs; tests/test_notebooks.py checks that the committed files
match this script and executes each one with GANAUG_NOTEBOOK_SMOKE=1, which
shrinks every budget in its parameters cell.

    .venv/bin/python scripts/build_notebooks.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

SMOKE = 'SMOKE = os.environ.get("GANAUG_NOTEBOOK_SMOKE") == "1"  # CI: tiny budgets\n'
RUNS = 'RUNS = Path(os.environ.get("GANAUG_RUNS", "../runs"))  # where reports go\n'

QUICK_START = [
    (
        "md",
        """# 1. Quick start: GANOversampler in an sklearn pipeline

`GANOversampler` is an imbalanced-learn over-sampler: wherever you would write
`SMOTE()`, you can write `GANOversampler()`. It trains one conditional GAN on
your data and generates exactly as many new minority samples as needed. This
notebook uses it on a table (sklearn's breast-cancer data) and on images
(BreastMNIST, breast ultrasound, shipped with ganaug), and ends with the one
question that matters: does it help *your* classifier?""",
    ),
    (
        "parameters",
        f"""import os

{SMOKE}EPOCHS = 2 if SMOKE else "auto"  # GAN training epochs
MALIGNANT_KEPT = 40  # malignant BreastMNIST images kept: about 1:10""",
    ),
    (
        "md",
        """## A table
`fit_resample` returns the original rows plus new minority rows; the classes
are balanced by default (`sampling_strategy="auto"`, as for SMOTE). By default
a quarter of the new rows are synthetic and the rest duplicate real minority
rows (`synthetic_share=0.25`), synthetic rows that lie outside the real class's
manifold are replaced by duplicates (`reject_outliers=True`), and the synthetic
rows take the real class's per-column mean and spread (`match_moments=True`):
`sampler.source_indices_` is -1 for a synthetic row and the copied row's index
otherwise.""",
    ),
    (
        "code",
        """from collections import Counter

from sklearn.datasets import load_breast_cancer

from ganaug import GANOversampler

X, y = load_breast_cancer(return_X_y=True)
sampler = GANOversampler(epochs=EPOCHS, random_state=0, verbose=0)
X_res, y_res = sampler.fit_resample(X, y)
print(Counter(y.tolist()), "->", Counter(y_res.tolist()))
print("synthetic rows:", (sampler.source_indices_ < 0).sum())""",
    ),
    (
        "md",
        """## In a pipeline
Inside an `imblearn` pipeline the sampler acts only while fitting: synthetic
rows never reach the validation folds, so cross-validation stays honest.""",
    ),
    (
        "code",
        """from imblearn.pipeline import make_pipeline
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.preprocessing import StandardScaler

model = make_pipeline(
    StandardScaler(),
    GANOversampler(epochs=EPOCHS, random_state=0, verbose=0),
    LogisticRegression(max_iter=1000),
)
print("AUROC, 3-fold:", cross_val_score(model, X, y, cv=3, scoring="roc_auc").mean().round(3))""",
    ),
    (
        "md",
        """## Images
The same sampler takes images `(n, H, W)` and returns images of the same
shape, dtype and range. Here BreastMNIST's malignant class is cut to about
1:10, as a rare finding would be.""",
    ),
    (
        "code",
        """import numpy as np

from ganaug.datasets import load_breastmnist

train = load_breastmnist("train")
rng = np.random.RandomState(0)
malignant = rng.choice(np.flatnonzero(train.target == 0), MALIGNANT_KEPT, replace=False)
keep = np.sort(np.concatenate([malignant, np.flatnonzero(train.target == 1)]))
images, labels = train.images[keep], train.target[keep]

sampler = GANOversampler(epochs=EPOCHS, random_state=0, verbose=0)
images_res, labels_res = sampler.fit_resample(images, labels)
print(images.shape, Counter(labels.tolist()), "->", images_res.shape, Counter(labels_res.tolist()))
print("dtype and range kept:", images_res.dtype, images_res.min(), images_res.max())""",
    ),
    (
        "md",
        """`sampler.generate(n, y)` makes more samples later, as the generator draws
them; with `match_to=` the real samples of that class, they get the real
class's per-pixel mean and spread, as `fit_resample`'s do.
`sampler.save("sampler.pt")` keeps the model. The generator's losses are in
`sampler.history_`.""",
    ),
    (
        "code",
        """more = sampler.generate(8, 0, match_to=images[labels == 0])  # 8 more malignant
print(more.shape)
sampler.history_.to_dataframe().tail(3)""",
    ),
    (
        "md",
        """## Next: measure before you trust
Realistic-looking samples do not mean a better classifier. Notebook 4 and
`ganaug run breastmnist` compare the GAN, on paired seeds, with
class weights, threshold tuning and random over-sampling. On BreastMNIST and
on this table, so far, the GAN does not beat them.""",
    ),
]

VOLUMES = [
    (
        "md",
        """# 2. 3D volumes with MONAI

ganaug's networks are built from MONAI's layer factories, so the same sampler
works on 3D volumes `(n, D, H, W)`. This notebook over-samples AdrenalMNIST3D
(adrenal gland shapes from abdominal CT, 28³, shipped with ganaug), prepares
the volumes with a MONAI transform, and checks the synthetic volumes on the
three orthogonal slice planes with the lift protocol's report.""",
    ),
    (
        "parameters",
        f"""import os
from pathlib import Path

{SMOKE}{RUNS}EPOCHS = 1 if SMOKE else "auto"  # GAN training epochs
N_VOLUMES = 48 if SMOKE else None  # training volumes used (None: all 1188)
N_SEEDS = 2 if SMOKE else 3
CNN_STEPS = 3 if SMOKE else 150""",
    ),
    (
        "md",
        """## Load and prepare with MONAI
MONAI transforms work on channel-first arrays; `ScaleIntensity` maps each
volume to [0, 1]. Class 1 (hyperplasia) is the minority.""",
    ),
    (
        "code",
        """from collections import Counter

import numpy as np
from monai.transforms import ScaleIntensity

from ganaug.datasets import load_adrenalmnist3d

splits = {s: load_adrenalmnist3d(s) for s in ("train", "val", "test")}
scale = ScaleIntensity()


def prepare(volumes):
    return np.stack([np.asarray(scale(v[None]))[0] for v in volumes]).astype(np.float32)


train = splits["train"]
rows = slice(None) if N_VOLUMES is None else slice(0, N_VOLUMES)
X, y = prepare(train.images[rows]), train.target[rows]
X_val, y_val = prepare(splits["val"].images), splits["val"].target
X_test, y_test = prepare(splits["test"].images), splits["test"].target
print(X.shape, Counter(y.tolist()))""",
    ),
    (
        "md",
        """## Over-sample the volumes
A 4-axis array with more than 4 leading slices is read as volumes; say
`spatial_dims=3` to be explicit. On a CPU a 3D GAN is slow (the full
budget of this notebook takes about half an hour on 2 cores): use a GPU
(`device="cuda"`) when you have one.""",
    ),
    (
        "code",
        """from ganaug import GANOversampler

sampler = GANOversampler(epochs=EPOCHS, spatial_dims=3, random_state=0, verbose=0)
X_res, y_res = sampler.fit_resample(X, y)
print(X_res.shape, Counter(y_res.tolist()))""",
    ),
    (
        "md",
        """## Does it help, and do the volumes look right?
`evaluate_lift` compares methods on paired seeds with a small 3D CNN and
measures fidelity on 3D features and on each slice plane. The report's sample
grid shows the middle slice along each axis, real rows above synthetic ones.""",
    ),
    (
        "code",
        """import time

from IPython.display import Image, display

from ganaug.evaluation import CNNClassifier, evaluate_lift

report = evaluate_lift(
    X,
    y,
    X_test,
    y_test,
    X_val=X_val,
    y_val=y_val,
    methods=["none", "class-weight", "ros", "gan"],
    samplers={"gan": GANOversampler(epochs=EPOCHS, spatial_dims=3)},
    classifier=CNNClassifier(n_steps=CNN_STEPS, spatial_dims=3),
    n_seeds=N_SEEDS,
    spatial_dims=3,
    verbose=0,
)
out = report.write(RUNS / time.strftime("notebook-volumes-%Y%m%d-%H%M%S"))
print(report.lift("auroc")[["mean_lift", "ci_low", "ci_high", "wins", "ties", "losses"]])
display(Image(filename=str(out / "samples_1.png")))""",
    ),
    (
        "md",
        """`report.fidelity_summary()` lists FID and KID per feature space: `cnn3d`
(volumetric) and `planes` (mean of the three slice planes). There is no
agreed 3D FID, so compare each number only with its reference rows
(`real-train`, the floor, and the ROS/SMOTE samples), never across papers.""",
    ),
    (
        "code",
        """report.fidelity_summary()""",
    ),
]

DICOM = [
    (
        "md",
        """# 3. Augmenting a DICOM folder

Your data is a folder of DICOM series and a spreadsheet of labels. This
notebook (1) loads such a folder with `ganaug.io.load_labelled_images`,
(2) measures, with the bundled `dicom-folder` recipe, whether synthetic
samples help a classifier on it, and (3) if you decide to use them, writes
synthetic series as new DICOM files with `ganaug.workflows.augment_folder`,
marked as derived, with new UIDs and no patient data.

Set `DICOM_FOLDER` and `LABELS_CSV` to your own data. Left at None, the
notebook first writes a small demo folder: AdrenalMNIST3D volumes saved as
CT series.""",
    ),
    (
        "parameters",
        f"""import os
from pathlib import Path

{SMOKE}{RUNS}DICOM_FOLDER = None  # your folder of DICOM series, or None for a demo folder
LABELS_CSV = None  # CSV with a `label` column and a `path` (or SeriesInstanceUID) column
WINDOW = [-150.0, 250.0]  # intensity window in HU, or a preset such as "soft-tissue"
TARGET_SHAPE = [28, 28, 28]
N_DEMO = 24 if SMOKE else 240  # volumes in the demo folder
EPOCHS = 1 if SMOKE else "auto"
N_SEEDS = 2 if SMOKE else 3
CNN_STEPS = 3 if SMOKE else 150""",
    ),
    (
        "md",
        """## A demo folder (skipped when you give your own)
Each AdrenalMNIST3D volume becomes a CT series of 28 slices, its values
mapped to Hounsfield units; `labels.csv` names each series by its folder.""",
    ),
    (
        "code",
        """import time

import numpy as np
import pandas as pd

from ganaug.datasets import load_adrenalmnist3d
from ganaug.io import write_dicom_series

if DICOM_FOLDER is None:
    demo = RUNS / time.strftime("demo-dicom-%Y%m%d-%H%M%S")
    data = load_adrenalmnist3d("train")
    rng = np.random.RandomState(0)
    minority = np.flatnonzero(data.target == 1)
    majority = np.flatnonzero(data.target == 0)
    picked = np.concatenate(
        [
            rng.choice(majority, N_DEMO - N_DEMO // 4, replace=False),
            rng.choice(minority, N_DEMO // 4, replace=False),
        ]
    )
    rows = []
    for i in picked:  # index: each series gets its own UIDs
        hu = data.images[i].astype(np.float64) / 255.0 * 400.0 - 150.0
        write_dicom_series(hu, demo / f"case{i:04d}", spacing=(1, 1, 1), modality="CT", index=i)
        rows.append({"path": f"case{i:04d}", "label": int(data.target[i])})
    pd.DataFrame(rows).to_csv(demo / "labels.csv", index=False)
    DICOM_FOLDER, LABELS_CSV = demo, demo / "labels.csv"
print(DICOM_FOLDER)""",
    ),
    (
        "md",
        """## Load the folder
Series are found recursively, slices ordered by position, rescaled to HU,
windowed to [0, 1] and cropped or padded to one shape. Files that are not
images are skipped and listed.""",
    ),
    (
        "code",
        """from collections import Counter

from ganaug.io import load_labelled_images

loaded = load_labelled_images(
    DICOM_FOLDER, LABELS_CSV, window=WINDOW, target_shape=TARGET_SHAPE, verbose=0
)
print(loaded.images.shape, Counter(loaded.labels.tolist()), "skipped:", len(loaded.skipped))
loaded.records.head()""",
    ),
    (
        "md",
        """## Measure first, with the recipe
The recipe splits the folder (stratified) into training, validation and test
series and compares the GAN with class weights, threshold tuning and random
over-sampling on paired seeds. Here its values are overridden from this
notebook, exactly as `ganaug run dicom-folder --set ...` does on
the command line.""",
    ),
    (
        "code",
        """from ganaug.recipes import load_recipe
from ganaug.workflows import run_recipe

recipe = load_recipe(
    "dicom-folder",  # the bundled template, by name
    [
        f"data.source={DICOM_FOLDER}",
        f"data.labels={LABELS_CSV}",
        f"data.window={WINDOW}",
        f"data.target_shape={TARGET_SHAPE}",
        "data.spacing=null",
        f"sampler.epochs={EPOCHS}",
        f"classifier.n_steps={CNN_STEPS}",
        f"evaluation.n_seeds={N_SEEDS}",
        "evaluation.methods=[none, class-weight, threshold, ros, gan]",
        "evaluation.verbose=0",
        f"output={RUNS}",
    ],
)
result = run_recipe(recipe)
print("\\n".join(result.report.verdicts()))
print("report:", result.out_dir / "report.html")""",
    ),
    (
        "md",
        """## If you use synthetic series: write them as DICOM
`augment_folder` trains the sampler on the whole folder and writes one new
series per synthetic sample, plus `manifest.csv` (path, label, seed, model
hash, SeriesInstanceUID, PatientID, the run's UID root and what the model
learned from) and the model. Every file is marked as derived and synthetic,
gets UIDs new to this run and carries no patient data. The input folder is
never written to. On the command line: `ganaug augment-dicom`.""",
    ),
    (
        "code",
        """from ganaug.workflows import augment_folder

summary = augment_folder(
    DICOM_FOLDER,
    LABELS_CSV,
    RUNS / time.strftime("synthetic-dicom-%Y%m%d-%H%M%S"),
    window=WINDOW,
    target_shape=TARGET_SHAPE,
    epochs=EPOCHS,
    verbose=0,
)
summary.manifest.head()""",
    ),
]

READING = [
    (
        "md",
        """# 4. Reading a lift report: when synthetic data helps, and when it does not

A lift report answers one question for your data: does adding synthetic
minority samples make the classifier better than the simple alternatives?
This notebook runs the protocol on the breast-cancer table and reads each
part of the report.""",
    ),
    (
        "parameters",
        f"""import os
from pathlib import Path

{SMOKE}{RUNS}N_SEEDS = 2 if SMOKE else 5  # paired repetitions
EPOCHS = 2 if SMOKE else "auto"
RATIO = 10  # the minority class is cut to 1:RATIO for each seed""",
    ),
    (
        "code",
        """import time

from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

from ganaug import GANOversampler
from ganaug.evaluation import evaluate_lift

X, y = load_breast_cancer(return_X_y=True, as_frame=True)
X, X_test, y, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
report = evaluate_lift(
    X,
    y,
    X_test,
    y_test,
    samplers={"gan": GANOversampler(epochs=EPOCHS)},
    imbalance_ratio=RATIO,
    n_seeds=N_SEEDS,
    verbose=0,
)
out = report.write(RUNS / time.strftime("notebook-lift-%Y%m%d-%H%M%S"))""",
    ),
    (
        "md",
        """## The lift table
One row per method. `mean_lift` is the mean, over seeds, of the method's
score minus the score of doing nothing *on the same seed* (paired). The 95%
interval `[ci_low, ci_high]` is a paired t interval: if it contains 0, the
seeds do not show that the method helps. `wins/ties/losses` count seeds
(a tie is within ±0.005). `oracle_share` is the share of the oracle's lift
(the removed real minority samples put back) that a method recovers: 1 means
as good as having the real data.""",
    ),
    (
        "code",
        """report.lift("balanced_accuracy")""",
    ),
    (
        "md",
        """## The verdict
The GAN is compared, paired by seed, with the best of class weighting,
threshold tuning, ROS and SMOTE. With few seeds the intervals are wide:
"not distinguishable" is the common and honest answer, and it means the GAN
is not worth its training time on this data.""",
    ),
    (
        "code",
        """print("\\n".join(report.verdicts()))""",
    ),
    (
        "md",
        """## When does synthetic data help?
Read the table from the top: if `class-weight` or `threshold` already
recover most of the oracle's lift, there is little left for any generator to
add. Synthetic samples can help when the oracle is far above the simple
methods (real extra minority data would help) *and* the GAN's samples are
faithful: low FID/KID next to the `real-train` floor and no memorization
flag. On the data measured so far (BreastMNIST and this table at 1:10), the
GAN does not beat threshold tuning or random over-sampling.""",
    ),
    (
        "code",
        """report.fidelity_summary()""",
    ),
    (
        "md",
        """## Memorization
A generator that copies training patients must not look good. For each
synthetic sample, the distance to its closest real training sample is
compared with the same distance for real held-out samples. ROS is flagged
by construction: its samples are copies.""",
    ),
    (
        "code",
        """report.memorization_summary()""",
    ),
    (
        "md",
        """The written folder holds `report.html` (self-contained), `report.md`
and the raw tables (`scores.csv`, `lift.csv`, `fidelity.csv`,
`memorization.csv`, `results.json`) for your own plots.""",
    ),
    (
        "code",
        """sorted(p.name for p in out.iterdir())""",
    ),
]

NOTEBOOK_CELLS = {
    "01-quick-start.ipynb": QUICK_START,
    "02-3d-volumes-with-monai.ipynb": VOLUMES,
    "03-augmenting-a-dicom-folder.ipynb": DICOM,
    "04-reading-a-lift-report.ipynb": READING,
}


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """One notebook from ``(kind, source)`` pairs; kind ``parameters`` is a tagged code cell."""
    out = []
    for kind, source in cells:
        if kind == "md":
            out.append(new_markdown_cell(source))
        else:
            cell = new_code_cell(source)
            if kind == "parameters":
                cell.metadata["tags"] = ["parameters"]
            out.append(cell)
    notebook = new_notebook(cells=out)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    for index, cell in enumerate(notebook.cells):  # stable ids: reproducible files
        cell["id"] = f"cell-{index:02d}"
    return notebook


def render(cells: list[tuple[str, str]]) -> str:
    """The ``.ipynb`` text of a notebook."""
    return nbformat.writes(build(cells)) + "\n"


def main() -> int:
    """Write every notebook; print what changed."""
    NOTEBOOKS.mkdir(exist_ok=True)
    for name, cells in NOTEBOOK_CELLS.items():
        path = NOTEBOOKS / name
        text = render(cells)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
