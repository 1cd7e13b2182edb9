"""The installed versions of the packages, and the CPU, that can move ganaug's results."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

# ganaug and the libraries behind its numerics, classifiers, resampling and metrics.
PACKAGES = (
    "ganaug",
    "torch",
    "numpy",
    "scipy",
    "scikit-learn",
    "imbalanced-learn",
    "monai",
    "pandas",
)


def package_versions() -> dict[str, str | None]:
    """Each of :data:`PACKAGES`' installed version (None where it is not installed)."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo`` on Linux), else what ``platform`` knows.

    The same library versions on another CPU can give other floats (BLAS
    picks its kernels by CPU), which a long solver run or a training run
    amplifies into other scores.
    """
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def environment_record() -> dict[str, str | None]:
    """What a run's results may depend on besides its settings: the one record
    that reports (``results.json``) and run folders (``run.json``) keep.

    Returns
    -------
    record : dict
        ``python`` (its version), each of :data:`PACKAGES`' version (None
        where not installed), ``cpu`` (see :func:`cpu_model`) and
        ``platform`` (the operating system, as :func:`platform.platform`).
    """
    return {
        "python": platform.python_version(),
        **package_versions(),
        "cpu": cpu_model(),
        "platform": platform.platform(),
    }
