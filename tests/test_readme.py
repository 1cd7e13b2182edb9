"""The README's quick start runs as written."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.slow
def test_quick_start_runs(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)
    assert blocks, "the README has no python block"
    exec(compile(blocks[0], "README.md", "exec"), {})
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "Counter({1: 357, 0: 212}) -> Counter({0: 357, 1: 357})"
    assert float(lines[1]) > 0.95


def test_setup_commands_and_recipe_example_are_true():
    import yaml

    from ganaug.recipes import resolve_recipe

    text = README.read_text()
    assert "bash scripts/bootstrap && .venv/bin/ganaug run breastmnist" in text
    assert "bash scripts/bootstrap && .venv/bin/python -m pytest" in text
    example = re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)[0]
    recipe = resolve_recipe(yaml.safe_load(example))
    shipped = yaml.safe_load((README.parent / "recipes" / "breastmnist.yaml").read_text())
    assert recipe == resolve_recipe(shipped)  # the README shows the main job's recipe
