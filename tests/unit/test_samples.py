"""Tests of cnnviz.data.samples: bundled photos, synthetic patterns, lecture matrices."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

from cnnviz.data import samples
from cnnviz.data.samples import (
    ASSETS_DIR,
    LECTURE_INPUTS,
    PATTERNS,
    PHOTOS,
    LectureInput,
    PhotoInfo,
    load_photo,
    pattern,
    pattern_options,
)

REPO = Path(__file__).resolve().parents[2]


def correlate_valid(image: np.ndarray, kernel: np.ndarray, *, padding=0, stride=1):
    """Plain-loop cross-correlation, independent of cnnviz.core.conv (the oracle)."""
    if padding:
        image = np.pad(image, padding)
    f = kernel.shape[0]
    rows = (image.shape[0] - f) // stride + 1
    cols = (image.shape[1] - f) // stride + 1
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            window = image[i * stride : i * stride + f, j * stride : j * stride + f]
            out[i, j] = np.sum(window * kernel)
    return out


# --------------------------------------------------------------------------
# Photos


def test_assets_dir_is_the_repository_assets_folder():
    assert ASSETS_DIR == REPO / "assets"


def test_at_least_five_photos_with_credits():
    assert len(PHOTOS) >= 5
    for name, info in PHOTOS.items():
        assert isinstance(info, PhotoInfo)
        assert info.title and info.source and info.licence, name
        licence = info.licence.lower()
        assert "cc0" in licence or "public domain" in licence, name
        path = ASSETS_DIR / info.file
        assert path.is_file(), path
        assert path.stat().st_size < 600_000, path


def test_assets_readme_names_every_photo_and_its_licence():
    readme = (ASSETS_DIR / "README.md").read_text(encoding="utf-8")
    for info in PHOTOS.values():
        rows = [line for line in readme.splitlines() if line.startswith(f"| `{info.file}`")]
        assert len(rows) == 1, info.file
        assert "CC0" in rows[0] or "public domain" in rows[0], info.file


@pytest.mark.parametrize("name", sorted(PHOTOS))
def test_every_photo_loads(name):
    rgb = load_photo(name)
    assert rgb.dtype == np.float64 and rgb.ndim == 3 and rgb.shape[2] == 3
    assert min(rgb.shape[:2]) >= 256
    assert 0.0 <= rgb.min() and rgb.max() <= 1.0
    assert rgb.std() > 0.05  # a real picture, not a blank
    gray = load_photo(name, mode="gray", max_side=64)
    assert gray.ndim == 2 and max(gray.shape) == 64
    # aspect kept within rounding
    assert gray.shape[0] / gray.shape[1] == pytest.approx(
        rgb.shape[0] / rgb.shape[1], abs=1 / 64 + 1e-9
    )


def test_load_photo_returns_a_fresh_array():
    a = load_photo("camera", max_side=16)
    a[:] = 0
    assert load_photo("camera", max_side=16).max() > 0


@pytest.mark.parametrize("name", ["astronaut", "", None, "Camera"])
def test_unknown_photo_names_name(name):
    with pytest.raises(ValueError, match=r"^name must be one of") as info:
        load_photo(name)
    assert repr(name) in str(info.value)


def test_load_photo_checks_mode():
    with pytest.raises(ValueError, match="mode"):
        load_photo("camera", mode="hsv")


def test_load_photo_accepts_both_spellings_of_grey():
    grey = load_photo("camera", mode="grey", max_side=32)
    np.testing.assert_array_equal(grey, load_photo("camera", mode="gray", max_side=32))
    assert grey.ndim == 2


def test_photos_registry_is_read_only():
    with pytest.raises(TypeError):
        PHOTOS["new"] = PhotoInfo("x.png", "x", "x", "x")  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        PHOTOS["camera"].file = "other.png"  # type: ignore[misc]


# --------------------------------------------------------------------------
# Patterns

REQUIRED_PATTERNS = {
    "checkerboard",
    "circle",
    "stripes",
    "gradient",
    "square",
    "cross",
    "digit",
    "noise",
}


def test_required_patterns_are_registered_with_descriptions():
    assert REQUIRED_PATTERNS <= set(PATTERNS)
    for name, description in PATTERNS.items():
        assert isinstance(description, str) and 10 < len(description) < 120, name
        assert "\n" not in description


@pytest.mark.parametrize("name", sorted(PATTERNS))
@pytest.mark.parametrize("size", [3, 4, 7, 28, 64, 2048])
def test_every_pattern_shape_dtype_range(name, size):
    out = pattern(name, size)
    assert out.shape == (size, size)
    assert out.dtype == np.float64
    assert out.flags.c_contiguous and out.flags.writeable and out.flags.owndata
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert out.max() > out.min()  # something is drawn


def test_default_size_is_64():
    assert pattern("circle").shape == (64, 64)


@pytest.mark.parametrize("size", [2, 0, -1, 2049, 3.5, "64", None, True])
def test_bad_size_names_size(size):
    with pytest.raises(ValueError, match=r"^size must be"):
        pattern("square", size)


def test_unknown_pattern_and_option_are_named():
    with pytest.raises(ValueError, match=r"^name must be one of .*'zigzag'"):
        pattern("zigzag")
    with pytest.raises(ValueError, match=r"no option 'colour'"):
        pattern("circle", colour=3)


def test_checkerboard_alternates():
    out = pattern("checkerboard", 16, cells=4)
    assert out[0, 0] == 1.0 and out[0, 4] == 0.0 and out[4, 4] == 1.0
    np.testing.assert_array_equal(out[:4, :4], 1.0)
    assert out.mean() == 0.5
    with pytest.raises(ValueError, match="cells"):
        pattern("checkerboard", 8, cells=0)


def test_circle_is_symmetric_with_the_right_area():
    out = pattern("circle", 101, radius=0.4)
    np.testing.assert_array_equal(out, out[::-1])
    np.testing.assert_array_equal(out, out.T)
    assert out.sum() == pytest.approx(math.pi * 40.4**2, rel=0.02)
    with pytest.raises(ValueError, match=r"radius must be .* got 0"):
        pattern("circle", 10, radius=0)


def test_stripes_orientations():
    vertical = pattern("stripes", 16, period=4)
    np.testing.assert_array_equal(vertical[0], [1, 1, 0, 0] * 4)
    np.testing.assert_array_equal(vertical, vertical[[0] * 16])  # every row alike
    horizontal = pattern("stripes", 16, period=4, orientation="horizontal")
    np.testing.assert_array_equal(horizontal, vertical.T)
    np.testing.assert_array_equal(pattern("stripes", 16, period=4, angle=90), horizontal)
    diagonal = pattern("stripes", 16, period=6, orientation="diagonal")
    assert diagonal[0, 1] == diagonal[1, 0]  # constant along "/" lines
    assert not np.array_equal(diagonal, diagonal[:, ::-1])
    sine = pattern("stripes", 16, period=8, wave="sine")
    assert sine[0, 0] == 1.0 and sine[0, 4] == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="orientation or angle"):
        pattern("stripes", 8, orientation="vertical", angle=0)
    with pytest.raises(ValueError, match=r"^orientation must be one of"):
        pattern("stripes", 8, orientation="sideways")


def test_gradients():
    horizontal = pattern("gradient", 5)
    np.testing.assert_allclose(horizontal[2], [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_array_equal(pattern("gradient", 5, direction="vertical"), horizontal.T)
    radial = pattern("gradient", 8, direction="radial")
    assert radial.min() == 0.0 and radial.max() == 1.0
    assert radial[0, 0] == 1.0 and radial[4, 4] == 0.0
    with pytest.raises(ValueError, match="direction"):
        pattern("gradient", 5, direction="up")


def test_square_and_cross():
    square = pattern("square", 8, side=0.5)
    expected = np.zeros((8, 8))
    expected[2:6, 2:6] = 1
    np.testing.assert_array_equal(square, expected)
    cross = pattern("cross", 9, thickness=1 / 9, length=1.0)
    np.testing.assert_array_equal(cross[4], 1.0)
    np.testing.assert_array_equal(cross[:, 4], 1.0)
    assert cross.sum() == 17


@pytest.mark.parametrize("char", ["0", "1", "7", "A", "F", 3])
def test_digit_is_binary_and_depends_on_the_character(char):
    out = pattern("digit", 28, char=char)
    assert set(np.unique(out)) == {0.0, 1.0}
    assert not np.array_equal(out, pattern("digit", 28, char="8"))
    # margin: nothing touches the border, like MNIST
    assert out[0].sum() == out[-1].sum() == out[:, 0].sum() == out[:, -1].sum() == 0


def test_digit_one_is_a_vertical_stroke():
    one = pattern("digit", 28, char="1")
    column_ink = one.sum(axis=0)
    assert column_ink.max() >= 0.6 * one.sum(axis=1).astype(bool).sum()
    with pytest.raises(ValueError, match=r"^char must be one of"):
        pattern("digit", 28, char="?")


def test_noise_is_seeded():
    a = pattern("noise", 32, seed=5)
    np.testing.assert_array_equal(a, pattern("noise", 32, seed=5))
    assert not np.array_equal(a, pattern("noise", 32, seed=6))
    assert 0.4 < a.mean() < 0.6


def test_impulse_is_a_single_pixel():
    out = pattern("impulse", 7)
    assert out.sum() == 1.0 and out[3, 3] == 1.0


def test_pattern_options_lists_defaults():
    assert pattern_options("noise") == {"seed": 0}
    for name in PATTERNS:
        assert isinstance(pattern_options(name), dict)


def test_patterns_registry_is_read_only():
    with pytest.raises(TypeError):
        PATTERNS["new"] = "x"  # type: ignore[index]


# --------------------------------------------------------------------------
# Lecture matrices (literal values from shared/TEACHING.md)

DIGIT_ONE = [
    [0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 1, 0, 0, 0],
    [0, 0, 1, 1, 0, 0, 0],
    [0, 0, 0, 1, 0, 0, 0],
    [0, 0, 0, 1, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0],
]
RECTANGLE = [[0] * 7, [0] * 7, [0, 1, 1, 1, 1, 1, 0], [0, 1, 0, 0, 0, 1, 0]]
RECTANGLE += [[0, 1, 1, 1, 1, 1, 0], [0] * 7, [0] * 7]
VERTICAL_EDGE = [[1, 0, -1], [1, 0, -1], [1, 0, -1]]


def test_required_lecture_inputs_exist():
    required = {"digit_one", "rectangle", "vertical_edge", "floor_6x6", "stride_10x10"}
    assert required | {"max_pool_4x4"} <= set(LECTURE_INPUTS)
    for name, item in LECTURE_INPUTS.items():
        assert isinstance(item, LectureInput)
        assert item.title and item.explanation and "\n" not in item.explanation, name
        assert item.array.dtype == np.float64, name


def test_digit_one_matches_teaching():
    item = LECTURE_INPUTS["digit_one"]
    np.testing.assert_array_equal(item.array, DIGIT_ONE)
    np.testing.assert_array_equal(item.kernel, [[1, 0, 0], [1, 0, 1], [0, 1, 1]])
    out = correlate_valid(item.array, item.kernel) + item.bias
    assert out.max() == 3 and np.argwhere(out == 3).tolist() == [[1, 1]]


def test_rectangle_bias_keeps_only_the_full_corner_match():
    item = LECTURE_INPUTS["rectangle"]
    np.testing.assert_array_equal(item.array, RECTANGLE)
    np.testing.assert_array_equal(item.kernel, [[1, 1, 1], [0, 0, 1], [0, 0, 1]])
    relu = np.maximum(correlate_valid(item.array, item.kernel) + item.bias, 0)
    # exactly one window survives ReLU: the top-right corner of the outline
    assert np.argwhere(relu > 0).tolist() == [[2, 3]]
    assert "−4" in item.explanation or "-4" in item.explanation


def test_vertical_edge_volume_and_per_channel_sum():
    item = LECTURE_INPUTS["vertical_edge"]
    assert item.array.shape == (10, 10, 3)
    np.testing.assert_array_equal(item.array[:, :5, :], 25.0)
    np.testing.assert_array_equal(item.array[:, 5:, :], 0.0)
    assert item.kernel.shape == (3, 3, 3)
    for c in range(3):
        np.testing.assert_array_equal(item.kernel[:, :, c], VERTICAL_EDGE)
    partial = [correlate_valid(item.array[:, :, c], item.kernel[:, :, c]) for c in range(3)]
    for p in partial:
        np.testing.assert_array_equal(p[0], [0, 0, 0, 75, 75, 0, 0, 0])
    total = sum(partial) + item.bias
    assert total.shape == (8, 8)
    np.testing.assert_array_equal(total, np.tile([0, 0, 0, 225, 225, 0, 0, 0], (8, 1)))


def test_floor_6x6_size_formula():
    item = LECTURE_INPUTS["floor_6x6"]
    assert item.array.shape == (6, 6)
    assert (item.kernel.shape[0], item.padding, item.stride) == (3, 1, 5)
    n_out = (6 + 2 * item.padding - 3) // item.stride + 1
    assert n_out == 2  # (6 + 2 - 3) / 5 = 1 exactly, + 1
    out = correlate_valid(item.array, item.kernel, padding=1, stride=5)
    assert out.shape == (2, 2)
    # the classic 6×6 example: its valid vertical-edge map, first row
    np.testing.assert_array_equal(correlate_valid(item.array, item.kernel)[0], [-5, -4, 0, 8])


def test_stride_10x10_is_lecture_004s_25_0_image():
    # issue 18: it was the app's own digits of pi, not the lecture's image
    item = LECTURE_INPUTS["stride_10x10"]
    np.testing.assert_array_equal(item.array[:, :5], 25.0)
    np.testing.assert_array_equal(item.array[:, 5:], 0.0)
    np.testing.assert_array_equal(item.kernel, VERTICAL_EDGE)
    assert (item.kernel.shape[0], item.padding, item.stride) == (3, 0, 2)
    out = correlate_valid(item.array, item.kernel, stride=2)
    assert out.shape == (4, 4)  # (10 - 3) / 2 + 1 = 4.5 -> 4
    np.testing.assert_array_equal(out, np.tile([0, 0, 75, 0], (4, 1)))


def test_rectangle_wtx_is_the_lectures_printed_map():
    item = LECTURE_INPUTS["rectangle_wtx"]
    np.testing.assert_array_equal(item.array, RECTANGLE)
    assert item.bias == 0
    np.testing.assert_array_equal(correlate_valid(item.array, item.kernel), [
        [1, 1, 1, 1, 0], [1, 1, 1, 2, 0], [3, 4, 4, 5, 2], [2, 2, 1, 2, 1], [2, 3, 3, 3, 2]])
    # wT x comes before w0 in the menu: the further step is the next matrix
    names = list(LECTURE_INPUTS)
    assert names.index("rectangle_wtx") + 1 == names.index("rectangle")


SIGNED = [[-67, 23, 43, 55, -72, -12, -30, 81], [313, 343, 0, 0, 0, 0, -362, -291],
          [559, 390, 0, 0, 0, 0, -423, -601], [498, 390, 0, 0, 0, 0, -423, -633],
          [498, 390, 0, 0, 0, 0, -423, -633], [559, 390, 0, 0, 0, 0, -423, -601],
          [318, 344, 0, 0, 0, 0, -367, -296], [-62, 24, 43, 55, -72, -12, -35, 76]]


def test_another_image_rebuilt_gives_all_64_values_of_the_signed_map():
    item = LECTURE_INPUTS["another_image"]
    assert item.array.shape == (10, 10, 3)
    partial = [correlate_valid(item.array[:, :, c], item.kernel[:, :, c]) for c in range(3)]
    assert [p[0, 0] for p in partial] == [-448, -91, 472]
    np.testing.assert_array_equal(sum(partial), SIGNED)
    # the restored G values sit inside runs of equal values (columns 3-8, 1-based)
    green = item.array[:, :, 1]
    np.testing.assert_array_equal(green[1, 2:8], 196)
    np.testing.assert_array_equal(green[2:8, 2:8], 3)
    np.testing.assert_array_equal(green[8, 2:8], 182)


def test_another_image_padded_is_the_lectures_10x10_map():
    item = LECTURE_INPUTS["another_image_p1"]
    assert item.padding == 1
    out = sum(correlate_valid(item.array[:, :, c], item.kernel[:, :, c], padding=1)
              for c in range(3))
    assert out.shape == (10, 10)
    assert out[0, :3].tolist() == [-801, -268, -107]
    assert out[:4, 0].tolist() == [-801, -1204, -1301, -1209]
    np.testing.assert_array_equal(out[1:9, 1:9], SIGNED)


def test_pooling_examples_of_lecture_004():
    band = LECTURE_INPUTS["band_225"]
    pooled = band.array.reshape(4, 2, 4, 2).max(axis=(1, 3))
    np.testing.assert_array_equal(pooled, np.tile([0, 225, 225, 0], (4, 1)))
    signed = LECTURE_INPUTS["signed_8x8"]
    np.testing.assert_array_equal(signed.array, SIGNED)
    np.testing.assert_array_equal(signed.array.reshape(4, 2, 4, 2).max(axis=(1, 3)), [
        [343, 55, 0, 81], [559, 0, 0, -423], [559, 0, 0, -423], [344, 55, 0, 76]])


def test_padding_10x10_output_is_8x8():
    item = LECTURE_INPUTS["padding_10x10"]
    assert item.array.shape == (10, 10) and item.kernel.shape == (5, 5)
    assert item.kernel.sum() == pytest.approx(1.0)
    out = correlate_valid(item.array, item.kernel, padding=item.padding, stride=item.stride)
    assert out.shape == (8, 8)


def test_max_pool_example_is_lecture_002s():
    # issue 18: it was a matrix from none of the lectures
    item = LECTURE_INPUTS["max_pool_4x4"]
    np.testing.assert_array_equal(
        item.array, [[1, 1, 1, 1], [1, 1, 1, 2], [3, 4, 4, 5], [2, 2, 1, 2]]
    )
    assert item.kernel is None and item.pool_size == 2 and item.stride == 2
    pooled = item.array.reshape(2, 2, 2, 2).max(axis=(1, 3))
    np.testing.assert_array_equal(pooled, [[1, 2], [4, 5]])


def test_lecture_registry_cannot_be_corrupted():
    item = LECTURE_INPUTS["digit_one"]
    with pytest.raises(ValueError):
        item.array[2, 3] = 5.0
    with pytest.raises(ValueError):
        item.kernel[0, 0] = 9.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.bias = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        LECTURE_INPUTS["digit_one"] = item  # type: ignore[index]
    assert LECTURE_INPUTS["digit_one"].array[2, 3] == 1.0
    # a copy is editable and does not touch the registry
    copy = item.array.copy()
    copy[2, 3] = 0
    assert samples.LECTURE_INPUTS["digit_one"].array[2, 3] == 1.0
