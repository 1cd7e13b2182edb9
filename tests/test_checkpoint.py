import pickle

import pytest
import torch

from ganaug.io import load_checkpoint, save_checkpoint


class _Exploit:
    def __reduce__(self):
        return (print, ("this must never run",))


def test_round_trip_and_atomic_replace(tmp_path):
    path = tmp_path / "model.pt"
    save_checkpoint({"w": torch.ones(2), "meta": {"n": 1}}, path)
    save_checkpoint({"w": torch.zeros(2), "meta": {"n": 2}}, path)
    loaded = load_checkpoint(path)
    assert torch.equal(loaded["w"], torch.zeros(2)) and loaded["meta"] == {"n": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"]  # no temp files left


def test_a_file_with_pickled_code_is_refused(tmp_path, capsys):
    path = tmp_path / "evil.pt"
    torch.save({"payload": _Exploit()}, path, pickle_module=pickle)
    with pytest.raises(ValueError, match="weights_only"):
        load_checkpoint(path)
    assert "must never run" not in capsys.readouterr().out


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nope\.pt"):
        load_checkpoint(tmp_path / "nope.pt")
