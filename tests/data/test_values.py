from pathlib import Path

import nibabel
import numpy as np
import pytest
from scipy.ndimage import gaussian_filter

from ganaug.data.values import match_values, value_kind

NIBABEL_DATA = Path(nibabel.__file__).parent / "tests" / "data"


def cdf_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Largest gap between the empirical CDFs of two value sets (the KS statistic)."""
    a, b = np.sort(a.reshape(-1)), np.sort(b.reshape(-1))
    grid = np.union1d(a, b)
    return float(
        np.abs(
            np.searchsorted(a, grid, side="right") / len(a)
            - np.searchsorted(b, grid, side="right") / len(b)
        ).max()
    )


@pytest.fixture(scope="module")
def adrenal(adrenal_small):
    images, target = adrenal_small
    return images[target == 1]  # 22 hyperplasia masks, values 0 and 255


def blurred(masks: np.ndarray, seed: int = 0) -> np.ndarray:
    """What a decoder returns for masks: smooth values between the two, plus noise."""
    rng = np.random.default_rng(seed)
    soft = gaussian_filter(masks.astype(np.float64) / 255, sigma=(0, 1.5, 1.5, 1.5))
    return np.clip(soft * 200 + rng.normal(0, 5, masks.shape), -10, 260)


def test_value_kinds():
    assert value_kind(np.array([0, 255, 255], dtype=np.uint8)) == "mask"
    assert value_kind(np.array([True, False])) == "mask"
    assert value_kind(np.zeros((3, 4))) == "mask"  # one value
    assert value_kind(np.array([-1.0, 1.0])) == "mask"
    assert value_kind(np.array([0, 1, 2], dtype=np.uint8)) == "discrete"
    assert value_kind(np.array([-1000.0, 0.0, 40.0])) == "discrete"  # whole numbers
    assert value_kind(np.array([0.0, 0.5, 1.0])) == "continuous"


def test_mask_matching_gives_the_real_two_values_and_foreground_share(adrenal):
    synthetic = blurred(adrenal[:12])
    real = adrenal[12:]
    assert value_kind(real) == "mask"
    matched = match_values(synthetic, real)
    assert matched.dtype == real.dtype and matched.shape == synthetic.shape
    assert set(np.unique(matched).tolist()) == {0, 255}
    share = (real == 255).mean()
    assert (matched == 255).mean() == pytest.approx(share, abs=1 / matched.size)
    # The samples keep their own foreground shares (set-wise matching) ...
    per_sample = (matched == 255).mean(axis=(1, 2, 3))
    assert np.std(per_sample) > 0.2 * share
    # ... and their shapes (the other masks hold a smaller share, hence not near 1).
    ours, theirs = matched > 0, adrenal[:12] > 0
    assert 2 * (ours & theirs).sum() / (ours.sum() + theirs.sum()) > 0.7


def test_per_sample_mask_matching_gives_every_sample_the_real_share(adrenal):
    matched = match_values(blurred(adrenal[:6]), adrenal[6:], per="sample")
    share = (adrenal[6:] == 255).mean()
    voxels = adrenal[0].size
    np.testing.assert_allclose((matched == 255).mean(axis=(1, 2, 3)), share, atol=1 / voxels)


def test_matching_keeps_the_ranking_of_values():
    rng = np.random.default_rng(0)
    synthetic = rng.normal(size=(5, 200))
    real = rng.gamma(2.0, 3.0, size=(8, 200))
    matched = match_values(synthetic, real)
    order = np.argsort(synthetic.reshape(-1))
    assert np.all(np.diff(matched.reshape(-1)[order]) >= 0)


def test_grey_integer_volumes_keep_the_real_histogram():
    # A real MRI volume (nibabel's example, int16, about 1,000 grey levels) and a
    # "synthetic" one: the other volume of the series smoothed, rescaled and shifted.
    series = np.asarray(nibabel.load(NIBABEL_DATA / "example4d.nii.gz").dataobj)
    real = series[None, ..., 0]
    synthetic = gaussian_filter(series[None, ..., 1].astype(np.float64), 1.0) * 0.7 + 50
    assert value_kind(real) == "discrete"
    assert cdf_distance(synthetic, real) > 0.1
    matched = match_values(synthetic, real)
    assert matched.dtype == np.int16
    assert np.isin(matched, real).all()  # only real grey levels
    assert cdf_distance(matched, real) < 0.01


def test_continuous_volumes_map_their_quantiles_onto_the_real_ones():
    series = np.asarray(nibabel.load(NIBABEL_DATA / "functional.nii").dataobj)
    volumes = np.moveaxis(series, -1, 0)  # 20 float volumes of 17 x 21 x 3
    real, synthetic = volumes[:10], gaussian_filter(volumes[10:], (0, 1, 1, 0)) * 0.5 + 300
    assert value_kind(real) == "continuous"
    assert cdf_distance(synthetic, real) > 0.5
    matched = match_values(synthetic, real)
    assert matched.dtype == real.dtype
    assert cdf_distance(matched, real) < 0.01
    assert matched.min() >= real.min() and matched.max() <= real.max()


def test_edge_cases():
    real = np.zeros((3, 4, 4), dtype=np.uint8)  # one value: everything becomes it
    np.testing.assert_array_equal(
        match_values(np.random.default_rng(0).random((2, 4, 4)), real), 0
    )
    assert match_values(np.zeros((0, 4, 4)), real).shape == (0, 4, 4)
    tied = np.zeros((2, 8))  # all tied: they all get one value
    assert len(np.unique(match_values(tied, np.array([[0, 0, 0, 255]])))) == 1
    with pytest.raises(ValueError, match="per must be"):
        match_values(real, real, per="voxel")
    with pytest.raises(ValueError, match="kind must be"):
        match_values(real, real, kind="binary")
