"""``ganaug evaluate`` end to end on bundled data, with tiny budgets."""

import json

import pytest

from ganaug.cli import main


@pytest.mark.slow
def test_evaluate_writes_a_report(tmp_path, capsys):
    out = tmp_path / "report"
    code = main(
        [
            "evaluate",
            "breast-cancer",
            "--out",
            str(out),
            "--seeds",
            "2",
            "--methods",
            "none,class-weight,ros,gan",
            "--gan-epochs",
            "2",
            "--quiet",
        ]
    )
    assert code == 0
    results = json.loads((out / "results.json").read_text())
    assert results["settings"]["methods"] == ["none", "class-weight", "ros", "gan"]
    assert results["settings"]["seeds"] == [0, 1]
    printed = capsys.readouterr().out
    assert "On auroc, gan" in printed and "report.html" in printed


def test_evaluate_user_errors_exit_2(tmp_path, capsys):
    assert main(["evaluate", "no-such-data", "--quiet"]) == 2
    assert "neither a bundled data set" in capsys.readouterr().err
    assert (
        main(
            [
                "evaluate",
                "breast-cancer",
                "--methods",
                "none,magic",
                "--no-fidelity",
                "--out",
                str(tmp_path / "x"),
                "--quiet",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "Unknown method 'magic'" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()
