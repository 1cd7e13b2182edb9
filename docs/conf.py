"""Sphinx configuration: ganaug's documentation site.

Build it with ``.venv/bin/sphinx-build -W -b html docs docs/_build/html`` (CI
does, warnings as errors, then ``scripts/check_docs_links`` checks every
internal link of the built pages).
"""

import os
from pathlib import Path

# Before torch is imported (by ganaug): the gallery's examples are small, and
# one thread each keeps the build's time predictable on shared CPUs.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

import ganaug

ROOT = Path(__file__).resolve().parents[1]

project = "ganaug"
author = "the ganaug developers"
copyright = "2026, the ganaug developers"
release = ganaug.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py", "**.zip"]
myst_heading_anchors = 3
# README.md and BENCHMARKS.md are written for GitHub: their first heading is the
# page title, later ones may skip a level.
suppress_warnings = ["myst.header"]

templates_path = ["_templates"]
autosummary_generate = True
# scikit-learn's metadata-routing setters are generated on every estimator.
autodoc_default_options = {
    "exclude-members": ",".join(
        f"set_{method}_request"
        for method in (
            "fit",
            "score",
            "transform",
            "predict",
            "predict_proba",
            "inverse_transform",
        )
    )
}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# intersphinx needs the projects' inventories from the internet: nothing is
# downloaded while building, so cross-links to them stay plain text.
intersphinx_mapping = {}

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "show_memory": False,
}

html_theme = "pydata_sphinx_theme"
html_title = f"ganaug {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path = []
