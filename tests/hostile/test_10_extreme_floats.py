"""Case 10 of issue 36: extreme floats. At the float32 limits every sampler returns
finite synthetic samples inside the data's range (AugmentedRandomOverSampler returned
NaN cells, GANOversampler said "Input X contains NaN" of input that has none); a range
float64 cannot hold is refused with one clear line."""

import numpy as np
import pytest
from _hostile import one_line_error, tree

from ganaug import AugmentedRandomOverSampler, GANOversampler
from ganaug.cli import main

F32 = float(np.finfo(np.float32).max)
F64 = float(np.finfo(np.float64).max)


def _extremes(shape, limit, dtype):
    rng = np.random.RandomState(0)
    X = (rng.uniform(-1, 1, size=(40, *shape)) * limit).astype(dtype)
    X.reshape(40, -1)[0, :2] = (limit, -limit)
    return X, np.r_[[0] * 30, [1] * 10]


SAMPLERS = {
    "augmented": (lambda: AugmentedRandomOverSampler(random_state=0), (8, 8)),
    "gan-images": (lambda: GANOversampler(epochs=1, random_state=0, verbose=0), (8, 8)),
    "gan-table": (lambda: GANOversampler(epochs=1, random_state=0, verbose=0), (6,)),
}


def test_every_sampler_returns_finite_samples_at_the_float32_limits():
    for kind, (make, shape) in SAMPLERS.items():
        X, y = _extremes(shape, F32, np.float32)
        sampler = make()
        X_res, _ = sampler.fit_resample(X, y)
        new = X_res[len(X) :]
        assert X_res.dtype == np.float32 and len(new) >= 20, kind
        assert np.isfinite(X_res).all(), kind
        assert new.min() >= X.min() and new.max() <= X.max(), kind
        if kind == "augmented":
            assert sampler.synthetic_mask_.sum() > 0


@pytest.mark.parametrize("kind", SAMPLERS)
def test_a_range_float64_cannot_hold_is_refused_clearly(kind):
    make, shape = SAMPLERS[kind]
    X, y = _extremes(shape, F64, np.float64)
    with pytest.raises(ValueError, match="a range wider than float64 can hold"):
        make().fit_resample(X, y)


def test_train_on_such_data_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys):
    X, y = _extremes((8, 8), F64, np.float64)
    np.savez(tmp_path / "data.npz", images=X, labels=y)
    before = tree(tmp_path)
    argv = ["train", "--data", str(tmp_path / "data.npz"), "--out", str(tmp_path / "run")]
    assert main([*argv, "--quiet", "--epochs", "1", "--batch-size", "8"]) == 2
    one_line_error(capsys, "a range wider than float64 can hold")
    assert tree(tmp_path) == before
