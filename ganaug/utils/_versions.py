"""The installed versions of the packages that can move ganaug's results."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

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
