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

The latent path (issue 33), autoencoder included, and 1,000 volumes generated
(translated, for the translator) from the fitted sampler, value-matched onto the
real minority, and the Dice of 100 training volumes with their reconstructions:
  adrenal3d-latent-interp   GANOversampler(latent=True, architecture="interpolation")  < 10 min
  adrenal3d-latent-gan      GANOversampler(latent=True)                              < 10 min
  adrenal3d-latent-trans    TranslationOversampler(latent=True)                      < 10 min
  adrenal64-latent-interp, adrenal64-latent-gan: the same on AdrenalMNIST3D train
                            upsampled to 64^3 (nearest neighbour: masks)            < 30 min
  generation of 1,000 volumes at 28^3                                                < 30 s
``--autoencoder-cache DIR`` reuses autoencoders fitted by an earlier case with the
same data and seed (ablate_quality's CachedLatentEncoder); the row then gives the
cached autoencoder's training time beside the fit's, and their sum.
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
    "adrenal3d-latent-interp",
    "adrenal3d-latent-gan",
    "adrenal3d-latent-trans",
    "adrenal64-latent-interp",
    "adrenal64-latent-gan",
)
LATENT_CASES = {  # case: (sampler, its parameters besides latent=True)
    "latent-interp": ("gan", {"architecture": "interpolation"}),
    "latent-gan": ("gan", {}),
    "latent-trans": ("translation", {}),
}
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
    "adrenal3d-latent-interp": 600,
    "adrenal3d-latent-gan": 600,
    "adrenal3d-latent-trans": 600,
    "adrenal64-latent-interp": 1800,
    "adrenal64-latent-gan": 1800,
}
GENERATE_1000_TARGET_S = 30


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _breastmnist_1_to_10():
    from ganaug.datasets import load_breastmnist

    data = load_breastmnist("train")
    rng = np.random.RandomState(0)
    malignant = np.flatnonzero(data.target == 0)
    keep = np.sort(np.r_[rng.choice(malignant, 40, replace=False), np.flatnonzero(data.target)])
    return data.images[keep], data.target[keep]


def _upsampled(X: np.ndarray, size: int) -> np.ndarray:
    """Volumes resized to ``size``^3 by nearest-neighbour interpolation (masks stay masks)."""
    import torch
    import torch.nn.functional as F

    parts = [
        F.interpolate(torch.from_numpy(X[i : i + 64, None]).float(), size=(size,) * 3)[:, 0]
        for i in range(0, len(X), 64)
    ]
    return torch.cat(parts).round().numpy().astype(X.dtype)


def _latent_generation(sampler, X, y) -> dict:
    """Seconds to make 1,000 minority volumes with a fitted latent sampler, value-matched
    onto the real minority as fit_resample's are (the translator: 1,000 translations of
    majority volumes), after a warm-up."""
    minority, majority = X[y == 1], X[y == 0]
    if hasattr(sampler, "translate"):
        sources = np.resize(majority, (1000, *X.shape[1:]))
        sampler.translate(sources[:10], 1)

        def make():
            return sampler.translate(sources, 1)
    else:
        sampler.generate(10, 1, random_state=0, match_to=minority)

        def make():
            return sampler.generate(1000, 1, random_state=0, match_to=minority)

    started = time.perf_counter()
    volumes = make()
    seconds = time.perf_counter() - started
    return {"generate_1000_s": round(seconds, 2), "generated_shape": list(volumes.shape)}


def _reconstruction(sampler, X) -> dict:
    """Dice of the first 100 volumes with their value-matched reconstructions (masks)."""
    real = X[:100] > X.min()
    rebuilt = sampler.reconstruct(X[:100]) > X.min()
    dice = 2 * (real & rebuilt).sum() / max(real.sum() + rebuilt.sum(), 1)
    return {"reconstruction_dice": round(float(dice), 3)}


def run_case(case: str, autoencoder_cache: str | None = None) -> dict:
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
        if case.startswith("adrenal64"):
            X = _upsampled(X, 64)
    latent = next((v for k, v in LATENT_CASES.items() if case.endswith(k)), None)
    if latent is not None and autoencoder_cache:
        from ablate_quality import cache_autoencoders

        cache_autoencoders(autoencoder_cache)

    rss_before = _peak_rss_mib()
    if latent is not None:
        family, params = latent
        cls = GANOversampler if family == "gan" else TranslationOversampler
        sampler = cls(latent=True, random_state=0, verbose=0, **params)
    elif case.endswith("-translation"):
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
    if latent is not None:
        autoencoder_s = sum(r["seconds"] for r in sampler.autoencoder_history_)
        cached = getattr(sampler.encoder_, "loaded_", False)
        result.update(
            autoencoder_steps=len(sampler.autoencoder_history_),
            autoencoder_s=round(autoencoder_s, 2),
            autoencoder_cached=cached,
            fit_with_autoencoder_s=round(fit_s + autoencoder_s * cached, 2),
            **_latent_generation(sampler, X, y),
            **_reconstruction(sampler, X),
        )
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
    parser.add_argument(
        "--autoencoder-cache", default=None, help="reuse the latent cases' autoencoders"
    )
    args = parser.parse_args()
    if args.in_process:
        print(json.dumps(run_case(args.case[0], args.autoencoder_cache)))
        return
    rows = []
    cache = ["--autoencoder-cache", args.autoencoder_cache] if args.autoencoder_cache else []
    for case in args.case or CASES:
        out = subprocess.run(
            [sys.executable, __file__, "--case", case, "--in-process", *cache],
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
        if "generate_1000_s" in r:
            gen = (
                f"{r['generate_1000_s']} s / 1000 (bound {GENERATE_1000_TARGET_S} s); "
                f"reconstruction Dice {r['reconstruction_dice']}"
            )
            cached = " (cached)" if r["autoencoder_cached"] else ""
            r["fit_s"] = (
                f"{r['fit_with_autoencoder_s']} ({r['autoencoder_steps']} autoencoder "
                f"steps: {r['autoencoder_s']} s{cached})"
            )
        target = TARGETS_S["generate2d" if "generate_10k_s" in r else r["case"]]
        print(
            f"| {r['case']} | {r['n_samples']} x {tuple(r['sample_shape'])} | {r['n_synthetic']} "
            f"| {r['steps']} | {r['fit_s']} | {target} | {r['peak_rss_mib']} | {gen} |"
        )


if __name__ == "__main__":
    main()
