import json
import subprocess
import sys

import numpy as np
import pytest

from ganaug import GANOversampler
from ganaug.cli import main


def test_help_runs_as_a_module():
    result = subprocess.run(
        [sys.executable, "-m", "ganaug", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "demo" in result.stdout


def test_demo_writes_resampled_data_model_and_summary(tmp_path, capsys):
    out = tmp_path / "demo"
    code = main(["demo", "--out", str(out), "--epochs", "1", "--minority", "20", "--quiet"])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["model.pt", "resampled.npz", "summary.json"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["counts_before"] == {"0": 20, "1": 399}
    assert summary["counts_after"] == {"0": 399, "1": 399}
    with np.load(out / "resampled.npz") as data:
        assert data["X"].shape == (798, 28, 28) and data["X"].dtype == np.uint8
    assert GANOversampler.load(out / "model.pt").generate(2, 0).shape == (2, 28, 28)
    assert "labelled malignant" in capsys.readouterr().out
    # nothing but the finished folder is left beside it
    assert [p.name for p in tmp_path.iterdir()] == ["demo"]


def test_demo_refuses_to_overwrite_and_exits_2(tmp_path, capsys):
    (tmp_path / "taken").mkdir()
    assert main(["demo", "--out", str(tmp_path / "taken"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "already exists" in err and len(err.strip().splitlines()) == 1


def test_bad_arguments_exit_2():
    with pytest.raises(SystemExit) as info:
        main(["demo", "--minority", "many"])
    assert info.value.code == 2


def test_third_party_warnings_are_quiet_unless_verbose():
    import warnings

    from ganaug.cli import build_parser, quiet_third_party

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quiet_third_party()
        warnings.warn_explicit("no nvImageCodec", UserWarning, "plugin.py", 1, module="monai.data")
        warnings.warn_explicit("about the file", UserWarning, "valuerep.py", 1, module="pydicom")
        warnings.warn_explicit("ours", UserWarning, "_base.py", 1, module="ganaug.over_sampling")
    assert [str(w.message) for w in caught] == ["about the file", "ours"]
    assert build_parser().parse_args(["recipes", "-v"]).verbose
    assert not build_parser().parse_args(["recipes"]).verbose
