"""Colour DICOM images (RGB, YBR, palette) with their channels, and multi-frame
(enhanced) volumes with their per-frame geometry; multi-frame files that are not
volumes skipped with a reason; synthetic colour written back as RGB Secondary
Capture that dciodvfy accepts."""

import json
import shutil

import numpy as np
import pandas as pd
import pydicom
import pytest
from _dicom_inputs import (
    colour_image,
    ct_volume,
    dciodvfy_errors,
    dicom_recipe_argv,
    read_series,
    snapshot,
    write_colour_image,
    write_ct_series,
    write_enhanced_ct,
)
from pydicom.data import get_testdata_file

from ganaug.cli import main
from ganaug.io import load_labelled_images
from ganaug.io.dicom_series import DicomSeriesReader, scan_dicom_folder
from ganaug.io.dicom_writer import write_dicom_series

LUMA = np.array([0.299, 0.587, 0.114])


def test_enhanced_ct_loads_as_the_volume_its_single_frame_twin_gives(tmp_path):
    hu = ct_volume(1, seed=3)
    write_ct_series(tmp_path / "classic", hu)
    write_enhanced_ct(tmp_path / "enhanced" / "CT.dcm", hu)
    reader = DicomSeriesReader()
    (classic,), _ = scan_dicom_folder(tmp_path / "classic")
    (enhanced,), skipped = scan_dicom_folder(tmp_path / "enhanced")
    assert skipped == [] and enhanced.frames == 8 and enhanced.dims == 3
    want, want_meta = reader.get_data(reader.read(list(classic.files)))
    got, got_meta = reader.get_data(reader.read(list(enhanced.files)))
    # frames stored head to feet come out feet to head, in HU, with the same affine
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got, hu.transpose(1, 0, 2))
    np.testing.assert_allclose(got_meta["affine"], want_meta["affine"])
    np.testing.assert_allclose(np.abs(np.diag(got_meta["affine"]))[:3], (0.7, 0.8, 2.5))


def test_an_enhanced_ct_folder_goes_through_the_monai_pipeline(tmp_path):
    root, rows = tmp_path / "in", []
    for i, label in enumerate([0, 0, 0, 1, 1]):
        uid = write_enhanced_ct(root / f"p{i}" / "CT.dcm", ct_volume(label, seed=i))
        rows.append((uid, label))
    labels = tmp_path / "labels.csv"
    pd.DataFrame(rows, columns=["SeriesInstanceUID", "label"]).to_csv(labels, index=False)
    data = load_labelled_images(root, labels, spacing=(1.4, 1.6, 2.5), verbose=0)
    assert data.images.shape == (5, 1, 8, 8, 8) and data.spacing == (1.4, 1.6, 2.5)
    assert data.labels.tolist() == [0, 0, 0, 1, 1] and data.modality == "CT"
    assert data.records["files"].tolist() == [1] * 5
    centre = data.images[:, 0, 3:5, 3:5, :].mean(axis=(1, 2, 3))
    assert centre[3:].min() > centre[:3].max() + 100  # class 1's bright centre, in HU


@pytest.mark.parametrize(
    ("positions", "reason"),
    [
        (None, "multi-frame image without a position and orientation per frame"),
        ([[0, 0, 0], [0, 0, 2.5]] * 4, "multi-frame image whose frames repeat positions"),
        (
            [[0, 0, z] for z in (0, 2.5, 5, 7.5, 10, 12.5, 20, 22.5)],
            "multi-frame image with missing slices",
        ),
    ],
)
def test_multi_frame_files_that_are_not_volumes_are_skipped_with_the_reason(
    tmp_path, positions, reason
):
    write_enhanced_ct(tmp_path / "CINE", ct_volume(0), positions=positions)
    shutil.copy(get_testdata_file("examples_ybr_color.dcm"), tmp_path / "US")  # a colour cine
    series, skipped = scan_dicom_folder(tmp_path)
    assert series == []
    reasons = dict(skipped)
    assert reasons[str(tmp_path / "CINE")].startswith(reason)
    assert (
        reasons[str(tmp_path / "US")] == "multi-frame colour image (cine or video), not a volume"
    )


@pytest.mark.parametrize("photometric", ["RGB", "YBR_FULL"])
def test_colour_images_keep_red_green_and_blue(tmp_path, photometric):
    rgb = colour_image(1, shape=(12, 20))
    write_colour_image(tmp_path / "SC", rgb, photometric)
    (series,), _ = scan_dicom_folder(tmp_path)
    assert series.colour and series.dims == 2
    data, meta = DicomSeriesReader().get_data(DicomSeriesReader().read(list(series.files)))
    assert data.shape == (20, 12, 3) and meta["original_channel_dim"] == -1
    tolerance = 0 if photometric == "RGB" else 2  # YBR -> RGB rounds
    np.testing.assert_allclose(data, rgb.transpose(1, 0, 2), atol=tolerance)
    grey, _ = DicomSeriesReader("grey").get_data(DicomSeriesReader().read(list(series.files)))
    np.testing.assert_allclose(grey, data @ LUMA, rtol=1e-5)


def test_palette_and_bundled_colour_files_come_on_the_8bit_scale(tmp_path):
    for name in ("examples_palette.dcm", "SC_rgb_jpeg.dcm", "SC_ybr_full_422_uncompressed.dcm"):
        shutil.copy(get_testdata_file(name), tmp_path / name)
    reader = DicomSeriesReader()
    for series in scan_dicom_folder(tmp_path)[0]:
        data, _ = reader.get_data(reader.read(list(series.files)))
        assert data.ndim == 3 and data.shape[-1] == 3, series.files
        assert data.min() >= 0 and data.max() <= 255 and data.max() > 200
    palette = pydicom.dcmread(tmp_path / "examples_palette.dcm")
    data, _ = reader.get_data([palette])
    assert len(np.unique(data.reshape(-1, 3), axis=0)) > 10  # colours, not grey indices


def _colour_folder(tmp_path, labels=(0, 0, 0, 0, 0, 0, 1, 1, 1, 1)):
    root, rows = tmp_path / "in", []
    for i, label in enumerate(labels):
        photometric = "YBR_FULL" if i % 2 else "RGB"
        uid = write_colour_image(root / f"img{i}.dcm", colour_image(label, seed=i), photometric)
        rows.append((uid, label))
    csv = tmp_path / "labels.csv"
    pd.DataFrame(rows, columns=["SeriesInstanceUID", "label"]).to_csv(csv, index=False)
    return root, csv


def test_colour_folder_loads_channel_first_and_refuses_a_mix_with_grey(tmp_path):
    root, labels = _colour_folder(tmp_path)
    data = load_labelled_images(root, labels, verbose=0)
    assert data.images.shape == (10, 3, 16, 16) and data.colour
    assert data.records["colour"].all()
    red_lesion = data.images[:, 0, 6:10, 6:10].mean(axis=(1, 2))
    assert red_lesion[data.labels == 1].min() > red_lesion[data.labels == 0].max()
    grey = load_labelled_images(root, labels, colour="grey", verbose=0)
    assert grey.images.shape == (10, 1, 16, 16) and not grey.colour
    np.testing.assert_allclose(
        grey.images[:, 0], np.einsum("nc...,c->n...", data.images, LUMA), rtol=1e-5
    )

    ct = write_ct_series(root / "ct", ct_volume(0)[:, :, :1])  # one greyscale slice
    pd.concat(
        [pd.read_csv(labels), pd.DataFrame({"SeriesInstanceUID": [ct], "label": [0]})]
    ).to_csv(labels, index=False)
    with pytest.raises(ValueError, match=r"10 colour and 1 greyscale .*--colour grey"):
        load_labelled_images(root, labels, verbose=0)
    assert load_labelled_images(root, labels, colour="grey", verbose=0).images.shape[1] == 1
    with pytest.raises(ValueError, match="colour must be 'rgb' or 'grey'"):
        load_labelled_images(root, labels, colour="color", verbose=0)


def test_write_dicom_series_writes_rgb_secondary_capture(tmp_path):
    rgb = colour_image(0, shape=(10, 14)).transpose(1, 0, 2).astype(float)  # (columns, rows, 3)
    rgb[0, 0] = (300.0, -5.0, 12.4)  # clipped to 8 bits, rounded
    write_dicom_series(rgb, tmp_path / "s", spacing=(0.5, 0.5), modality="CT", colour=True)
    (ds,) = read_series(tmp_path / "s")
    assert ds.SOPClassUID == pydicom.uid.SecondaryCaptureImageStorage and ds.Modality == "OT"
    assert (ds.SamplesPerPixel, ds.PhotometricInterpretation, ds.BitsStored) == (3, "RGB", 8)
    assert "RescaleSlope" not in ds and "WindowCenter" not in ds
    assert dciodvfy_errors(next((tmp_path / "s").iterdir())) == []
    back, _ = DicomSeriesReader().get_data([ds])
    expected = rgb.copy()
    expected[0, 0] = (255, 0, 12)
    np.testing.assert_array_equal(back, expected)


def test_augment_dicom_writes_colour_back_as_rgb(tmp_path, capsys):
    root, labels = _colour_folder(tmp_path)
    before = snapshot(root)
    out = tmp_path / "out"
    argv = ["augment-dicom", str(root), "--labels", str(labels), "--out", str(out)]
    assert main([*argv, "--epochs", "1", "--batch-size", "4", "--quiet"]) == 0
    assert "wrote 2 synthetic series (2 of class 1)" in capsys.readouterr().out
    manifest = pd.read_csv(out / "manifest.csv")
    for folder in manifest["path"]:
        (ds,) = read_series(out / folder)
        assert ds.PhotometricInterpretation == "RGB" and ds.pixel_array.shape == (16, 16, 3)
        assert dciodvfy_errors(next((out / folder).iterdir())) == []
    written, _ = scan_dicom_folder(out)
    assert len(written) == 2 and all(s.colour and s.dims == 2 for s in written)
    assert snapshot(root) == before
    grey_out = tmp_path / "grey"
    argv = ["augment-dicom", str(root), "--labels", str(labels), "--out", str(grey_out)]
    assert main([*argv, "--epochs", "1", "--colour", "grey", "--quiet"]) == 0
    (ds,) = read_series(grey_out / pd.read_csv(grey_out / "manifest.csv")["path"][0])
    assert ds.PhotometricInterpretation == "MONOCHROME2"


def test_the_dicom_recipe_runs_on_colour_images_and_draws_them_in_colour(tmp_path):
    from matplotlib.image import imread

    root, labels = _colour_folder(tmp_path, labels=[0] * 12 + [1] * 6)
    out = tmp_path / "run"
    settings = ["data.target_shape=[16, 16]", "data.window=[0, 255]", "data.group=null"]
    settings += ["evaluation.n_seeds=1", "evaluation.methods=[none, ros, gan]"]
    assert main(dicom_recipe_argv(root, labels, out, *settings)) == 0
    assert json.loads((out / "run.json").read_text())["grouping"] is None  # per image
    picture = imread(out / "samples_1.png")[..., :3]
    assert np.abs(picture[..., 0] - picture[..., 2]).max() > 0.3  # red lesions, not grey
