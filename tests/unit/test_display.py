"""Display mappings: explicit, counted, never a silent wrap or clamp."""

from __future__ import annotations

import numpy as np
import pytest

from cnnviz import conv2d
from cnnviz.plots.display import (
    DIVERGING_COLORS,
    DIVERGING_COLORSCALE,
    MAPPINGS,
    DisplayMap,
    map_for_display,
    to_uint8_image,
)

RNG = np.random.default_rng(5)
EDGE = conv2d(np.kron(np.eye(3), np.ones((3, 3))), [[0, -1, 0], [-1, 4, -1], [0, -1, 0]])


def test_registry_is_read_only_and_complete():
    assert set(MAPPINGS) == {"diverging", "abs", "clip", "minmax"}
    assert all(isinstance(v, str) and v for v in MAPPINGS.values())
    with pytest.raises(TypeError):
        MAPPINGS["new"] = "x"  # type: ignore[index]


def test_diverging_is_symmetric_around_zero():
    dm = map_for_display(EDGE, "diverging")
    assert isinstance(dm, DisplayMap)
    peak = np.abs(EDGE).max()
    np.testing.assert_allclose(dm.values, EDGE / peak)
    assert (dm.zmin, dm.zmax, dm.zmid, dm.colorscale) == (-1.0, 1.0, 0.0, DIVERGING_COLORSCALE)
    assert dm.values.dtype == np.float64
    np.testing.assert_array_equal(dm.values == 0, EDGE == 0)
    np.testing.assert_array_equal(np.sign(dm.values), np.sign(EDGE))
    assert dm.scale == peak
    assert dm.n_negative == np.count_nonzero(EDGE < 0) > 0
    assert dm.n_negative + dm.n_zero + dm.n_positive == dm.n_values == EDGE.size
    assert (dm.n_below, dm.n_above) == (0, 0)
    # Only one side reaches ±1 when the map is lopsided.
    lop = map_for_display([[-1.0, 4.0]], "diverging")
    np.testing.assert_array_equal(lop.values, [[-0.25, 1.0]])
    assert "blue" in lop.note and "red" in lop.note


def test_diverging_all_zero():
    dm = map_for_display(np.zeros((2, 2)), "diverging")
    np.testing.assert_array_equal(dm.values, 0)
    assert "neutral" in dm.note


def test_abs():
    dm = map_for_display([[-3.0, 0.0], [1.5, 3.0]], "abs")
    np.testing.assert_array_equal(dm.values, [[1.0, 0.0], [0.5, 1.0]])
    assert (dm.zmin, dm.zmax, dm.zmid, dm.colorscale) == (0.0, 1.0, None, "gray")
    assert dm.note == "divided by max |v| = 3; 1 negative value shown by magnitude (sign dropped)"
    assert "black" in map_for_display([0, 0], "abs").note


def test_clip_counts_and_notes():
    x = np.array([-2.0, -1.0, -0.5, 0.0, 0.25, 1.0, 1.5])
    dm = map_for_display(x, "clip")
    np.testing.assert_array_equal(dm.values, [0, 0, 0, 0, 0.25, 1, 1])
    assert (dm.n_below, dm.n_above) == (3, 1)
    assert dm.note == "3 values below 0 shown as 0 (clipped); 1 value above 1 shown as 1 (clipped)"
    ok = map_for_display([0.0, 0.5, 1.0], "clip")
    assert (ok.n_below, ok.n_above) == (0, 0)
    assert ok.note == "no value clipped: all lie in [0, 1]"
    assert map_for_display([5, 6], "clip").note == "2 values above 1 shown as 1 (clipped)"


def test_minmax_stretch_and_constant():
    dm = map_for_display([[-2.0, 0.0], [2.0, 6.0]], "minmax")
    np.testing.assert_array_equal(dm.values, [[0.0, 0.25], [0.5, 1.0]])
    assert (dm.raw_min, dm.raw_max, dm.scale) == (-2.0, 6.0, 8.0)
    assert dm.note == "stretched -2 … 6 onto 0 … 1 (black … white)"
    const = map_for_display(np.full((3, 3), 7.25), "minmax")
    np.testing.assert_array_equal(const.values, 0.5)
    assert const.note == "constant map (every value is 7.25): shown as mid-grey 0.5"


@pytest.mark.parametrize("mapping", list(MAPPINGS))
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.longdouble, np.int16,
                                   np.uint8])
def test_any_dtype_gives_float64_in_range(mapping, dtype):
    x = (RNG.normal(size=(4, 5, 3)) * 50).astype(dtype)
    x0 = x.copy()
    dm = map_for_display(x, mapping)
    assert dm.values.dtype == np.float64 and dm.values.shape == x.shape
    assert dm.zmin <= dm.values.min() and dm.values.max() <= dm.zmax
    np.testing.assert_array_equal(x, x0)  # never modified in place
    if mapping == "clip":
        xf = x.astype(np.float64)
        assert (dm.n_below, dm.n_above) == (np.sum(xf < 0), np.sum(xf > 1))


def test_uint8_diverging_ramp():
    img = to_uint8_image([[-1.0, -0.5, 0.0, 0.5, 1.0]], "diverging")
    assert img.shape == (1, 5, 3) and img.dtype == np.uint8
    assert img[0, 0].tolist() == list(DIVERGING_COLORS[0])  # dark blue
    assert img[0, 2].tolist() == [247, 247, 247]  # near-white at 0
    assert img[0, 4].tolist() == list(DIVERGING_COLORS[-1])  # dark red
    blue, red = img[0, 1], img[0, 3]
    assert blue[2] > blue[0] and red[0] > red[2]
    # Scaled like the screen: the map is divided by max |v| first.
    np.testing.assert_array_equal(to_uint8_image([[-8.0, 0.0, 8.0]], "diverging"),
                                  img[:, [0, 2, 4]])


def test_ramp_matches_plotly_rdbu_reversed():
    colors = pytest.importorskip("plotly.colors")
    scale = colors.get_colorscale("RdBu_r")
    assert [c.replace(" ", "") for _, c in scale] == [c for _, c in DIVERGING_COLORSCALE]
    np.testing.assert_allclose([p for p, _ in scale], [p for p, _ in DIVERGING_COLORSCALE])


def test_uint8_grey_mappings():
    np.testing.assert_array_equal(to_uint8_image([[-1.0, 0.5, 2.0]], "clip"), [[0, 128, 255]])
    np.testing.assert_array_equal(to_uint8_image([[-4.0, 2.0]], "abs"), [[255, 128]])
    np.testing.assert_array_equal(to_uint8_image([[10.0, 20.0]], "minmax"), [[0, 255]])
    rgb = to_uint8_image(RNG.random((4, 4, 3)), "clip")
    assert rgb.shape == (4, 4, 3) and rgb.dtype == np.uint8
    # 300 never wraps to 44: it is mapped, then clipped, explicitly.
    assert to_uint8_image(np.array([[300]], np.int64), "clip")[0, 0] == 255


def test_uint8_shape_errors():
    with pytest.raises(ValueError, match=r"x must be 2-D \(H, W\) for the diverging mapping"):
        to_uint8_image(np.ones((2, 2, 3)), "diverging")
    with pytest.raises(ValueError, match=r"x must be \(H, W\) or \(H, W, 3\), got shape"):
        to_uint8_image(np.ones((2, 2, 4)), "clip")
    with pytest.raises(ValueError, match=r"x must be \(H, W\) or \(H, W, 3\), got shape \(4,\)"):
        to_uint8_image(np.ones(4), "minmax")


@pytest.mark.parametrize(
    "x, mapping, pattern",
    [
        (np.zeros((0, 3)), "clip", r"x must not be empty, got shape \(0, 3\)"),
        ([[1.0, np.nan]], "diverging", "x must contain only finite numbers, got nan"),
        ([[1.0, -np.inf]], "minmax", "x must contain only finite numbers, got -inf"),
        ([["a", "b"]], "abs", "x must contain only numbers"),
        ([[1.0]], "rainbow", "mapping must be one of .* got 'rainbow'"),
        ([[1.0]], None, "mapping must be one of .* got None"),
    ],
)
@pytest.mark.parametrize("func", [map_for_display, to_uint8_image])
def test_mapping_errors(func, x, mapping, pattern):
    with pytest.raises(ValueError, match=pattern):
        func(x, mapping)


def test_diverging_levels_hold_every_stop_and_stay_within_two_of_the_ramp():
    from cnnviz.core.palette import diverging_rgb as _diverging_rgb

    stops = np.linspace(-1.0, 1.0, len(DIVERGING_COLORS))
    np.testing.assert_array_equal(to_uint8_image(stops[None, :], "diverging")[0],
                                  np.array(DIVERGING_COLORS))
    v = np.linspace(-1.0, 1.0, 100_001)
    levels = to_uint8_image(v[None, :], "diverging")[0].astype(int)
    assert np.abs(levels - np.rint(_diverging_rgb(v))).max() <= 2
    # Monotone along the ramp: blue falls, red rises, never back.
    assert np.all(np.diff(levels[:, 2][v > 0]) <= 0) and np.all(np.diff(levels[:, 0][v < 0]) >= 0)


def test_display_png_decodes_to_the_pixels_for_every_mapping():
    import io

    from PIL import Image

    from cnnviz.plots.display import display_pixels, display_png

    x = np.random.default_rng(3).normal(size=(37, 53))
    for mapping in ("diverging", "abs", "clip", "minmax"):
        dm = map_for_display(x, mapping)
        for step in (1, 3):
            with Image.open(io.BytesIO(display_png(dm, step=step))) as im:
                decoded = np.asarray(im.convert("RGB") if im.mode == "P" else im)
            np.testing.assert_array_equal(decoded, display_pixels(dm)[::step, ::step])
