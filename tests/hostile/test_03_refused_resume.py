"""Case 3 of issue 36: a refused ``train --resume`` rewrites nothing of the finished run."""

import json

from _hostile import one_line_error as _one_line_error
from _hostile import train as _train
from _hostile import tree as _tree


def test_a_refused_resume_rewrites_nothing(tmp_path, train_npz, capsys):
    out = tmp_path / "run"
    assert _train(train_npz, out) == 0
    record = next(p for p in (out / "run.json", out / "config.json") if p.exists())
    before = _tree(out)
    capsys.readouterr()

    # other data: the checkpoint sees another number of samples
    assert _train(train_npz, out, "--resume", "--limit", "16") == 2
    _one_line_error(capsys, "limit")
    assert _tree(out) == before
    # other settings
    assert _train(train_npz, out, "--resume", "--set", "r1_gamma=3") == 2
    _one_line_error(capsys, "r1_gamma")
    assert _tree(out) == before
    assert json.loads(record.read_text())["limit"] is None
