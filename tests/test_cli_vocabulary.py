"""One CLI vocabulary: flags named after recipe keys, defaults in every --help, every
option described, shared options defined once, old flags kept as hidden aliases."""

import argparse
import inspect
import re
from pathlib import Path

import pytest
import yaml

from ganaug.cli import build_parser, main
from ganaug.commands import _options
from ganaug.commands.evaluate import recipe_from_args

COMMANDS_DIR = Path(__file__).resolve().parents[1] / "ganaug" / "commands"
WORKFLOW_ORDER = ["recipes", "run", "evaluate", "augment-dicom", "train", "demo"]


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices


def _shown(parser: argparse.ArgumentParser):
    return [a for a in parser._actions if a.help is not argparse.SUPPRESS]


def test_commands_are_listed_in_workflow_order_with_a_start_here_epilog():
    assert list(_commands()) == WORKFLOW_ORDER
    text = build_parser().format_help()
    assert "start here:" in text and "ganaug run my.yaml --dry-run" in text
    positions = [text.index(f"    {name}") for name in WORKFLOW_ORDER]
    assert positions == sorted(positions)


@pytest.mark.parametrize("name", WORKFLOW_ORDER)
def test_every_option_has_help_and_every_default_is_shown(name):
    parser = _commands()[name]
    text = parser.format_help()
    formatter = parser._get_formatter()
    for action in _shown(parser):
        assert action.help, f"{name} {action.option_strings or action.dest} has no help"
        default = action.default
        if not action.option_strings or default in (None, [], argparse.SUPPRESS):
            continue
        if default is False:  # a flag: off unless given
            continue
        assert "default" in formatter._get_help_string(action), (name, action.dest)
    if name == "evaluate":
        assert re.search(r"--n-seeds N\s+paired repetitions \(default: 5\)", text)
        assert "(default: 300); recipe key classifier.n_steps" in " ".join(text.split())


def test_cli_defaults_are_the_library_defaults():
    from ganaug import GANOversampler
    from ganaug.evaluation import CNNClassifier, evaluate_lift
    from ganaug.io import load_labelled_images

    commands = _commands()

    def default(command, dest):
        return next(a.default for a in commands[command]._actions if a.dest == dest)

    assert (
        default("evaluate", "n_seeds")
        == inspect.signature(evaluate_lift).parameters["n_seeds"].default
    )
    assert default("evaluate", "imbalance_ratio") is None  # your data's own imbalance
    assert default("evaluate", "n_steps") == CNNClassifier().n_steps
    loader = inspect.signature(load_labelled_images).parameters
    for command in ("evaluate", "augment-dicom", "train", "demo"):
        assert default(command, "epochs") == GANOversampler().epochs
    for command in ("augment-dicom", "train"):
        assert default(command, "batch_size") == GANOversampler().batch_size
    for dest in ("colour", "resize"):
        assert default("augment-dicom", dest) == loader[dest].default


def test_shared_options_are_defined_once():
    for path in COMMANDS_DIR.glob("*.py"):
        if path.name == "_options.py":
            continue
        source = path.read_text()
        shared = ("device", "seed", "quiet", "verbose", "set", "epochs", "batch-size", "resume")
        for flag in (f'"--{name}"' for name in shared):
            assert flag not in source, f"{path.name} defines {flag}; use ganaug.commands._options"
    for name, parser in _commands().items():
        flags = {s for a in parser._actions for s in a.option_strings}
        assert {"-v", "--verbose"} <= flags, name
        if name != "recipes":
            assert {"-q", "--quiet", "--device"} <= flags, name


def test_verbose_means_more_output_and_excludes_quiet(capsys):
    parse = build_parser().parse_args
    assert _options.verbosity(parse(["demo"])) == 1
    assert _options.verbosity(parse(["demo", "-q"])) == 0
    assert _options.verbosity(parse(["demo", "-v"])) == 2
    with pytest.raises(SystemExit):
        parse(["demo", "-q", "-v"])
    assert "not allowed with" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("old", "new", "value", "expected"),
    [
        ("--gan-epochs", "epochs", "3", 3),
        ("--cnn-steps", "n_steps", "7", 7),
        ("--seeds", "n_seeds", "2", 2),
        ("--ratio", "imbalance_ratio", "0", None),
        ("--ratio", "imbalance_ratio", "25", 25.0),
    ],
)
def test_old_flags_still_work_with_a_one_line_notice(capsys, old, new, value, expected):
    args = build_parser().parse_args(["evaluate", "breast-cancer", old, value])
    assert getattr(args, new) == expected
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert f"FutureWarning: {old} is now --{new.replace('_', '-')}" in err
    assert old not in _commands()["evaluate"].format_help()  # hidden


def test_evaluate_flags_set_the_recipe_keys_they_are_named_after():
    args = build_parser().parse_args(
        [
            "evaluate",
            "breast-cancer",
            "--imbalance-ratio",
            "10",
            "--n-seeds",
            "2",
            "--epochs",
            "4",
            "--classifier",
            "cnn",
            "--n-steps",
            "9",
            "--set",
            "evaluation.val_size=0.25",
            "--set",
            "sampler.loss=bce",
            "-q",
        ]
    )
    recipe = recipe_from_args(args)
    assert recipe["evaluation"]["imbalance_ratio"] == 10
    assert recipe["evaluation"]["n_seeds"] == 2 and recipe["evaluation"]["verbose"] == 0
    assert recipe["evaluation"]["val_size"] == 0.25
    assert recipe["sampler"]["epochs"] == 4 and recipe["sampler"]["loss"] == "bce"
    assert recipe["classifier"] == {**recipe["classifier"], "type": "cnn", "n_steps": 9}
    native = recipe_from_args(build_parser().parse_args(["evaluate", "breast-cancer"]))
    assert native["evaluation"]["imbalance_ratio"] is None
    assert build_parser().parse_args(["evaluate", "x", "--imbalance-ratio", "none"])


def test_run_takes_device_and_quiet(capsys):
    assert main(["run", "breast-cancer", "--device", "cpu", "-q", "--dry-run"]) == 0
    printed = capsys.readouterr().out
    evaluation = yaml.safe_load(printed)["evaluation"]
    assert evaluation["device"] == "cpu" and evaluation["verbose"] == 0
    assert "device: cpu  # command line" in printed


def test_augment_dicom_says_labels_are_required_for_a_folder(tmp_path, capsys):
    usage = _commands()["augment-dicom"].format_usage()
    assert "FOLDER --labels CSV --out OUT" in usage and "FILE.npz --out OUT" in usage
    folder = tmp_path / "scans"
    folder.mkdir()
    assert main(["augment-dicom", str(folder), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "--labels is required when IN_DIR is a folder" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_target_shape_help_gives_the_axis_order():
    text = " ".join(_commands()["augment-dicom"].format_help().split())
    assert "--target-shape X,Y[,Z]" in text and "64,64,32: 32 axial slices of 64 x 64" in text
    assert "x, y, z in RAS" in text


def test_train_and_augment_dicom_take_sampler_settings_as_in_a_recipe():
    parse = build_parser().parse_args
    args = parse(["train", "--data", "d.npz", "--out", "o", "--set", "sampler.r1_gamma=1e-1"])
    assert args.set == [("r1_gamma", 0.1)]
    args = parse(["augment-dicom", "x.npz", "--out", "o", "--set", "loss=bce"])
    assert args.set == [("loss", "bce")]
