"""The workflows layer: moved names keep working one release, seed= becomes random_state=,
sampler parameters are checked before any data is read."""

import importlib

import pytest

import ganaug.workflows


@pytest.mark.parametrize(
    ("old", "name"),
    [
        ("ganaug.io", "augment_folder"),
        ("ganaug.io", "AugmentSummary"),
        ("ganaug.recipes", "run_recipe"),
        ("ganaug.recipes", "RunResult"),
    ],
)
def test_moved_names_import_from_the_old_path_with_a_future_warning(old, name):
    module = importlib.import_module(old)
    assert name not in module.__all__
    with pytest.warns(FutureWarning, match=rf"{old}\.{name} moved to ganaug\.workflows\.{name}"):
        moved = getattr(module, name)
    assert moved is getattr(ganaug.workflows, name)
    with pytest.raises(AttributeError):
        module.no_such_name  # noqa: B018


def test_from_import_of_a_moved_name_warns_once():
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from ganaug.io import augment_folder  # noqa: F401
    assert [w.category for w in caught] == [FutureWarning]
    assert caught[0].filename == __file__  # points at the line that imports


def test_augment_folder_seed_is_random_state_with_a_future_warning(tmp_path):
    (tmp_path / "out").mkdir()
    with (
        pytest.warns(FutureWarning, match=r"augment_folder\(random_state=\.\.\.\)"),
        pytest.raises(FileExistsError),  # checked before any data is read
    ):
        ganaug.workflows.augment_folder(tmp_path / "none", None, tmp_path / "out", seed=3)


def test_sampler_parameters_are_checked_by_the_samplers_constraints(tmp_path):
    with pytest.raises(ValueError, match="did you mean 'batch_size'"):
        ganaug.workflows.augment_folder(
            tmp_path / "none", None, tmp_path / "out", params={"bach_size": 3}
        )
    with pytest.raises(ValueError, match="'epochs' parameter of GANOversampler"):
        ganaug.workflows.run_demo(tmp_path / "demo", epochs=0)
    with pytest.raises(ValueError, match="augment_folder takes as arguments"):
        ganaug.workflows.augment_folder(
            tmp_path / "none", None, tmp_path / "out", params={"epochs": 3}
        )
    assert not any(tmp_path.iterdir())


def test_only_our_own_stale_partial_folder_is_removed(tmp_path):
    import json
    import os
    import socket
    import subprocess
    import sys

    from ganaug.utils._files import PARTIAL_MARKER, atomic_folder, partial_path

    out = tmp_path / "out"
    partial = partial_path(out)

    def leave_partial(pid):
        partial.mkdir(exist_ok=True)
        (partial / "half-written").write_text("x")
        writer = {"pid": pid, "host": socket.gethostname()}
        (partial / PARTIAL_MARKER).write_text(json.dumps(writer))

    # Another ganaug process, still alive, is writing it: refused and kept.
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        leave_partial(sleeper.pid)
        with (
            pytest.raises(FileExistsError, match=f"being written by ganaug process {sleeper.pid}"),
            atomic_folder(out),
        ):
            pass
        assert (partial / "half-written").exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    # Its writer is gone: an interrupted run of ours, removed and written anew.
    with atomic_folder(out) as folder:
        assert not (folder / "half-written").exists()
        (folder / "done").write_text("y")
    assert sorted(p.name for p in out.iterdir()) == ["done"] and not partial.exists()
    # An error leaves nothing behind, unless the folder holds what it is told to keep.
    for keep, kept in ((None, False), ("checkpoint.pt", True)):
        with pytest.raises(KeyboardInterrupt), atomic_folder(tmp_path / "b", keep=keep) as folder:
            (folder / "checkpoint.pt").write_text("state")
            raise KeyboardInterrupt
        assert partial_path(tmp_path / "b").exists() is kept
    assert sorted(os.listdir(tmp_path / ".b.partial")) == sorted([PARTIAL_MARKER, "checkpoint.pt"])
