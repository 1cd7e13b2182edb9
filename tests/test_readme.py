"""The README is a front page: short, and what it tells a reader to run runs."""

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
MAIN_JOB = "bash scripts/bootstrap && .venv/bin/ganaug run breastmnist"
TESTS = "bash scripts/bootstrap && .venv/bin/python -m pytest"


def _blocks(language: str, text: str | None = None) -> list[str]:
    text = README.read_text() if text is None else text
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def _ganaug_lines() -> list[list[str]]:
    """Every ``ganaug ...`` command of the README's bash blocks, as arguments."""
    commands = []
    for block in _blocks("bash"):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if ">" in words:  # an output redirection
                words = words[: words.index(">")]
            for prefix in (["ganaug"], [".venv/bin/ganaug"]):
                if words[: len(prefix)] == prefix:
                    commands.append(words[len(prefix) :])
            if "&&" in words and words[words.index("&&") + 1] == ".venv/bin/ganaug":
                commands.append(words[words.index("&&") + 2 :])
    return commands


def test_readme_is_a_front_page():
    lines = README.read_text().splitlines()
    assert len(lines) <= 200, f"README.md has {len(lines)} lines: move detail to docs/"
    headings = [line for line in lines if line.startswith("## ")]
    order = ["What to expect", "Install", "Run the", "Quick start", "The report", "Your own data"]
    positions = [next(i for i, h in enumerate(headings) if h[3:].startswith(o)) for o in order]
    assert positions == sorted(positions), headings
    text = README.read_text()
    for private in ("_parameter_constraints", "the main job", "ceiling"):
        assert private not in text, private


def test_setup_commands_are_true():
    text = README.read_text()
    assert MAIN_JOB in text
    assert TESTS in text
    assert (ROOT / "scripts" / "bootstrap").is_file()
    assert 'testpaths = ["tests"]' in (ROOT / "pyproject.toml").read_text()


def test_every_readme_command_parses():
    from ganaug.cli import build_parser

    commands = _ganaug_lines()
    assert ["run", "breastmnist"] in commands
    assert ["recipes", "show", "dicom-folder"] in commands
    assert any(c[:1] == ["augment-dicom"] for c in commands)
    parser = build_parser()
    for args in commands:
        parser.parse_args(args)  # SystemExit (exit 2) on an unknown command or option


def test_main_job_and_own_data_steps_run_as_dry_runs(tmp_path, monkeypatch, capsys):
    """The main job's recipe and the own-data template, checked as a user would."""
    from ganaug.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["run", "breastmnist", "--dry-run", "-q"]) == 0
    assert "recipe valid, data found and read" in capsys.readouterr().out
    assert main(["recipes", "show", "dicom-folder"]) == 0
    template = capsys.readouterr().out
    assert "imbalance_ratio: null" in template  # your own data keeps its own imbalance
    assert not list(tmp_path.iterdir())  # a dry run writes nothing


def test_relative_links_resolve():
    links = re.findall(r"\]\(([^)\s]+)\)", README.read_text())
    local = [link for link in links if "://" not in link and not link.startswith("#")]
    assert local
    missing = [link for link in local if not (ROOT / link.split("#")[0]).exists()]
    assert not missing, missing


@pytest.mark.slow
def test_quick_start_runs(capsys):
    blocks = _blocks("python")
    assert blocks, "the README has no python block"
    assert len(blocks[0].strip().splitlines()) <= 14, "the quick start is about ten lines"
    exec(compile(blocks[0], "README.md", "exec"), {})
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "Counter({1: 357, 0: 212}) -> Counter({0: 357, 1: 357})"
    assert float(lines[1]) > 0.95


def test_recipe_example_is_the_main_jobs_recipe():
    import yaml

    from ganaug.recipes import resolve_recipe

    page = ROOT / "docs" / "guide" / "measuring.md"
    example = _blocks("yaml", page.read_text())[0]
    recipe = resolve_recipe(yaml.safe_load(example))
    shipped = yaml.safe_load((ROOT / "recipes" / "breastmnist.yaml").read_text())
    assert recipe == resolve_recipe(shipped)  # the guide shows the BreastMNIST recipe
