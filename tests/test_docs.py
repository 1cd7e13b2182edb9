"""The documentation site's sources: the API page lists every public name, the
user guide includes README sections that exist, and the link checker finds
broken links. (CI builds the site with warnings as errors.)"""

import importlib
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PUBLIC_MODULES = [
    "ganaug",
    "ganaug.evaluation",
    "ganaug.datasets",
    "ganaug.data",
    "ganaug.io",
    "ganaug.recipes",
    "ganaug.workflows",
    "ganaug.training",
    "ganaug.nets",
]


def _api_entries() -> dict[str, set[str]]:
    entries, module = {}, None
    for line in (ROOT / "docs" / "api.rst").read_text().splitlines():
        if line.startswith(".. currentmodule::"):
            module = line.split("::")[1].strip()
        elif module and re.fullmatch(r"   [A-Za-z_]\w*", line):
            entries.setdefault(module, set()).add(line.strip())
    return entries


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_api_page_lists_every_public_name(module):
    public = {n for n in importlib.import_module(module).__all__ if not n.startswith("__")}
    assert _api_entries().get(module, set()) == public


def test_user_guide_includes_readme_sections_that_exist():
    readme = (ROOT / "README.md").read_text()
    markers = []
    for page in (ROOT / "docs").rglob("*.md"):
        markers += re.findall(r':(?:start-after|end-before): "([^"]+)"', page.read_text())
    assert len(markers) > 10
    missing = [m for m in markers if m not in readme]
    assert not missing, f"README.md no longer has {missing}: update docs/"


def test_link_checker_finds_a_missing_page_and_anchor(tmp_path):
    spec = importlib.util.spec_from_loader("check_docs_links", loader=None)
    checker = importlib.util.module_from_spec(spec)
    exec((ROOT / "scripts" / "check_docs_links").read_text(), checker.__dict__)
    (tmp_path / "index.html").write_text(
        '<h1 id="top">x</h1><a href="#top">ok</a><a href="page.html#nope">bad anchor</a>'
        '<a href="missing.html">missing</a><a href="https://example.org/x">external</a>'
    )
    (tmp_path / "page.html").write_text('<p id="here">y</p><a href="index.html#top">ok</a>')
    problems = checker.broken_links(tmp_path)
    assert len(problems) == 2
    assert any("page.html#nope (no such anchor)" in p for p in problems)
    assert any("missing.html (no such file)" in p for p in problems)
