"""The documentation site's sources: the API page lists every public name, the
user guide is written for the site (concepts defined once, docstrings linking
to their sections), and the link checker finds broken links. (CI builds the
site with warnings as errors.)"""

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


GUIDE = ROOT / "docs" / "guide"
CONCEPTS = ["lift", "oracle", "paired-seeds", "signature", "imbalance"]


def _labels() -> dict[str, list[str]]:
    """MyST labels ``(name)=`` of the site's pages: name -> pages defining it."""
    labels: dict[str, list[str]] = {}
    for page in (ROOT / "docs").rglob("*.md"):
        if "_build" in page.parts:
            continue
        for name in re.findall(r"^\(([\w-]+)\)=$", page.read_text(), flags=re.MULTILINE):
            labels.setdefault(name, []).append(page.name)
    return labels


def test_user_guide_is_written_for_the_site():
    pages = [p for p in sorted(GUIDE.glob("*.md")) if p.name != "index.md"]
    assert len(pages) >= 8, [p.name for p in pages]
    for page in [*pages, ROOT / "docs" / "index.md", ROOT / "docs" / "developer.md"]:
        text = page.read_text()
        assert "{include}" not in text, page.name  # written here, not pasted
        assert re.search(r"^# \S", text, flags=re.MULTILINE), f"{page.name} has no title"
    toctree = (GUIDE / "index.md").read_text()
    assert all(p.stem in toctree for p in pages)


def test_concepts_are_defined_once_and_linked_from_elsewhere():
    labels = _labels()
    text = "".join(p.read_text() for p in (ROOT / "docs").rglob("*.md") if "_build" not in p.parts)
    for concept in CONCEPTS:
        assert labels.get(concept) == ["concepts.md"], (concept, labels.get(concept))
        uses = re.findall(rf"\{{ref\}}`(?:[^`<]*<)?{concept}>?`", text)
        assert len(uses) >= 2, f"{concept} is linked {len(uses)} time(s)"


def test_docstrings_link_to_the_guide_and_keep_figures_out():
    import ganaug

    labels = _labels()
    refs = []
    for path in (ROOT / "ganaug").rglob("*.py"):
        source = path.read_text()
        assert "Read more in the README" not in source, path
        refs += re.findall(r":ref:`[^`<]*<([\w-]+)>`", source)
        refs += re.findall(r":ref:`([\w-]+)`", source)
    assert len(refs) >= 10
    assert not [r for r in refs if r not in labels], [r for r in refs if r not in labels]
    for sampler in ("GANOversampler", "TranslationOversampler", "AugmentedRandomOverSampler"):
        doc = getattr(ganaug, sampler).__doc__
        assert "User Guide" in doc, sampler
        assert "BENCHMARKS" not in doc and "AUROC" not in doc, sampler


def test_cli_page_is_generated_from_the_parser():
    page = (ROOT / "docs" / "cli.md").read_text()
    assert "```{argparse}\n:module: ganaug.cli\n:func: build_parser" in page


def test_docs_tools_are_in_the_docs_extra_and_pinned():
    pyproject = (ROOT / "pyproject.toml").read_text()
    extra = re.findall(r'"([^"]+)"', re.search(r"^docs = \[(.*?)^\]", pyproject, re.S | re.M)[1])
    pins = (ROOT / "constraints.txt").read_text().lower().replace("_", "-")
    for tool in ("sphinx-argparse", "myst-nb", "sphinx-copybutton", "sphinx-design"):
        assert any(req.startswith(tool) for req in extra), tool
        assert f"\n{tool}==" in pins, tool


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
