"""Time fit_resample of ganaug's samplers, and generation, with default settings.

Each case runs in its own process so its peak memory is its own:

    .venv/bin/python benchmarks/bench_sampler.py            # all cases, markdown table
    .venv/bin/python benchmarks/bench_sampler.py --case breastmnist

Cases (CPU targets from the issue tracker, 2 cores):
  tabular       sklearn breast cancer (569 x 30), auto strategy      < 30 s
  breastmnist   BreastMNIST train, malignant sub-sampled to 1:10     < 60 s
  adrenal3d     AdrenalMNIST3D train (1188 volumes, 28^3)            < 5 min
  generate2d    10,000 BreastMNIST samples from the fitted sampler   < 2 s
  breastmnist-translation   TranslationOversampler, BreastMNIST 1:10  < 2x breastmnist's
  adrenal3d-translation     TranslationOversampler, AdrenalMNIST3D    < 10 min
  breastmnist-augment       AugmentedRandomOverSampler, BreastMNIST   < 10 s
  breastmnist-style   GANOversampler(architecture="style"), BreastMNIST 1:10  < 1.5x breastmnist's
  adrenal3d-style     GANOversampler(architecture="style"), AdrenalMNIST3D    < 1.5x adrenal3d's
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time

import numpy as np

CASES = (
    "tabular",
    "breastmnist",
    "adrenal3d",
    "generate2d",
    "breastmnist-translation",
    "adrenal3d-translation",
    "breastmnist-augment",
    "breastmnist-style",
    "adrenal3d-style",
)
TARGETS_S = {
    "tabular": 30,
    "breastmnist": 60,
    "adrenal3d": 300,
    "generate2d": 2,
    "breastmnist-translation": 120,
    "adrenal3d-translation": 600,
    "breastmnist-augment": 10,
    "breastmnist-style": 90,
    "adrenal3d-style": 450,
}


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _breastmnist_1_to_10():
    from ganaug.datasets import load_breastmnist

    data = load_breastmnist("train")
    rng = np.random.RandomState(0)
    malignant = np.flatnonzero(data.target == 0)
    keep = np.sort(np.r_[rng.choice(malignant, 40, replace=False), np.flatnonzero(data.target)])
    return data.images[keep], data.target[keep]


def run_case(case: str) -> dict:
    """Run one case in this process and return its measurements."""
    import torch

    from ganaug import AugmentedRandomOverSampler, GANOversampler, TranslationOversampler

    if case == "tabular":
        from sklearn.datasets import load_breast_cancer

        X, y = load_breast_cancer(return_X_y=True)
    elif case.startswith("breastmnist") or case == "generate2d":
        X, y = _breastmnist_1_to_10()
    else:
        from ganaug.datasets import load_adrenalmnist3d

        data = load_adrenalmnist3d("train")
        X, y = data.images, data.target

    rss_before = _peak_rss_mib()
    if case.endswith("-translation"):
        sampler = TranslationOversampler(random_state=0, verbose=0)
    elif case.endswith("-augment"):
        sampler = AugmentedRandomOverSampler(random_state=0)
    elif case.endswith("-style"):
        sampler = GANOversampler(architecture="style", random_state=0, verbose=0)
    else:
        sampler = GANOversampler(random_state=0, verbose=0)
    started = time.perf_counter()
    X_res, _ = sampler.fit_resample(X, y)
    fit_s = time.perf_counter() - started
    history = getattr(sampler, "history_", [])
    result = {
        "case": case,
        "n_samples": len(X),
        "sample_shape": list(X.shape[1:]),
        "n_synthetic": len(X_res) - len(X),  # the new rows
        "steps": sum(len(record["steps"]) for record in history),
        "fit_s": round(fit_s, 2),
        "peak_rss_mib": round(_peak_rss_mib(), 1),
        "rss_before_fit_mib": round(rss_before, 1),
        "threads": torch.get_num_threads(),
    }
    if case == "generate2d":
        sampler.generate(100, 0, random_state=0)  # warm-up
        timings = []
        for seed in range(3):
            started = time.perf_counter()
            sampler.generate(10_000, 0, random_state=seed)
            timings.append(time.perf_counter() - started)
        result["generate_10k_s"] = round(min(timings), 3)
        result["samples_per_s"] = round(10_000 / min(timings))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=CASES, action="append")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_process:
        print(json.dumps(run_case(args.case[0])))
        return
    rows = []
    for case in args.case or CASES:
        out = subprocess.run(
            [sys.executable, __file__, "--case", case, "--in-process"],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), file=sys.stderr)
    print(f"\nMachine: {platform.machine()}, python {platform.python_version()}\n")
    columns = (
        "case | samples | synthetic | steps | fit (s) | target (s) | peak RSS (MiB) | generation"
    )
    print(f"| {columns} |")
    print("|---" * len(columns.split("|")) + "|")
    for r in rows:
        gen = (
            f"{r['generate_10k_s']} s / 10k ({r['samples_per_s']}/s)"
            if "generate_10k_s" in r
            else ""
        )
        target = TARGETS_S["generate2d" if gen else r["case"]]
        print(
            f"| {r['case']} | {r['n_samples']} x {tuple(r['sample_shape'])} | {r['n_synthetic']} "
            f"| {r['steps']} | {r['fit_s']} | {target} | {r['peak_rss_mib']} | {gen} |"
        )


if __name__ == "__main__":
    main()
