"""Big maps travel as PNG pictures: same colours, same legend, raw values in the hover."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pytest
from PIL import Image

from cnnviz.core.text import format_number
from cnnviz.plots.display import (
    DIVERGING_COLORSCALE,
    NUMBER_FIT,
    map_for_display,
    to_uint8_image,
)
from cnnviz.plots.figures import (
    HOVER_MAX_SIDE,
    NUMBERS_MAX_SIDE,
    PICTURE,
    Picture,
    grid_figure,
    image_figure,
)
from tests.readers import picture_data, read_out, unpack

RNG = np.random.default_rng(11)


def _png(picture) -> np.ndarray:
    uri = picture_data(picture)["png"]
    assert uri.startswith("data:image/png;base64,")
    with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as im:
        # A diverging map is a palette PNG: compare the colours it decodes to.
        return np.asarray(im.convert("RGB") if im.mode == "P" else im)


@pytest.mark.parametrize("mapping", ["diverging", "abs", "clip", "minmax"])
def test_big_map_is_a_lossless_picture_of_the_heatmaps_colours(mapping):
    values = RNG.normal(size=(40, 70))
    picture = grid_figure(values, mapping=mapping, title="t")
    assert isinstance(picture, Picture) and picture_data(picture)["kind"] == PICTURE
    # Exactly the PNG download's pixels: the same stops, no loss.
    np.testing.assert_array_equal(_png(picture), to_uint8_image(values, mapping))
    assert picture_data(picture)["step"] == 1 and picture_data(picture)["shape"] == [40, 70]
    # The legend speaks raw values, as the heatmaps' did: the mapping's colours, and the
    # raw value at each of five evenly spaced ticks.
    dm = map_for_display(values, mapping)
    bar = picture_data(picture)["colorbar"]
    assert bar["colours"][0][0] == 0.0 and bar["colours"][-1][0] == 1.0
    if mapping == "diverging":
        assert bar["colours"] == [[float(p), c] for p, c in DIVERGING_COLORSCALE]
    else:
        assert bar["colours"] == [[0.0, "rgb(0,0,0)"], [1.0, "rgb(255,255,255)"]]
    raw = dm.raw_of(np.linspace(dm.zmin, dm.zmax, 5))
    assert [text for _, text in bar["ticks"]] == [format_number(v, 3) for v in raw]
    assert [pos for pos, _ in bar["ticks"]] == pytest.approx([0, 0.25, 0.5, 0.75, 1])
    # The subtitle still names the mapping and what it did, and so does the chart's name.
    assert picture_data(picture)["note"][0].startswith(mapping)
    assert picture_data(picture)["label"].startswith("Chart: t. " + mapping)


def test_no_colour_bar_when_asked_for_none():
    assert picture_data(grid_figure(RNG.normal(size=(30, 30)), colorbar=False))["colorbar"] is None


def test_every_grid_is_a_picture_and_small_ones_carry_numbers_and_indices():
    big = grid_figure(RNG.normal(size=(40, 40)))
    assert isinstance(big, Picture) and big.meta["numbers"] is None and not big.meta["axes"]
    small = grid_figure(np.eye(4))
    assert isinstance(small, Picture) and small.meta["axes"]
    assert read_out(small)["text"] == [["1" if i == j else "0" for j in range(4)]
                                       for i in range(4)]
    # Asked for, a bigger grid prints its numbers too; asked not to, a small one does not.
    assert read_out(grid_figure(np.ones((20, 20)), show_numbers=True))["text"][19][19] == "1"
    assert grid_figure(np.eye(4), show_numbers=False).meta["numbers"] is None


def test_hover_grid_is_every_cell_up_to_its_limit():
    values = RNG.normal(size=(HOVER_MAX_SIDE, 30))
    r = read_out(grid_figure(values))
    assert r["shape"] == values.shape
    np.testing.assert_array_equal(r["values"], values.astype(np.float32))
    assert picture_data(grid_figure(values))["hover"]["where"] == ""


def test_hover_grid_of_a_big_map_samples_exact_cells():
    values = RNG.normal(size=(510, 300))
    picture = grid_figure(values)
    r = read_out(picture)
    assert r["shape"] == (510, 300)
    assert r["values"].shape == (128, 100)  # steps 4 and 3
    np.testing.assert_array_equal(r["rows"], np.arange(0, 510, 4))
    np.testing.assert_array_equal(r["cols"], np.arange(0, 300, 3))
    np.testing.assert_array_equal(r["values"], values[::4, ::3].astype(np.float32))
    assert "every 4th row and 3rd column" in picture_data(picture)["hover"]["where"]


def test_values_past_float32_keep_float64():
    values = np.full((20, 20), 1e300)
    values[0, 0] = -1e300
    r = read_out(grid_figure(values))
    assert r["values"][0, 0] == -1e300 and r["values"][1, 1] == 1e300


def test_read_out_works_on_the_json_a_page_sends():
    values = RNG.normal(size=(200, 200))
    sent = json.loads(json.dumps(picture_data(grid_figure(values))))
    r = read_out(sent)
    assert r["shape"] == (200, 200)
    np.testing.assert_array_equal(r["values"], values[::2, ::2].astype(np.float32))


def test_small_maps_keep_their_numbers_values_and_colours():
    values = RNG.integers(-5, 5, size=(NUMBERS_MAX_SIDE, NUMBERS_MAX_SIDE)).astype(float)
    fig = grid_figure(values, digits=2)
    r = read_out(fig)
    assert r["text"] == [[format_number(v, 2) for v in row] for row in values]
    np.testing.assert_array_equal(r["values"], values)
    np.testing.assert_array_equal(_png(fig), to_uint8_image(values, "diverging"))
    # The rule the browser applies to the cells it draws travels with the numbers.
    assert fig.meta["numbers"]["fit"] == dict(NUMBER_FIT)
    assert r["font"] >= NUMBER_FIT["min"]


def test_big_map_payload_is_a_fraction_of_the_heatmaps():
    values = RNG.normal(size=(512, 512)).cumsum(axis=1)  # smooth-ish, like a feature map
    size = len(json.dumps(picture_data(grid_figure(values))))
    # The heatmap of before: z and customdata, float32, base64: 2.8 MB.
    assert size < 600_000


def test_colour_image_is_a_png_with_rgb_hover():
    rgb = RNG.uniform(size=(64, 48, 3))
    picture = image_figure(rgb, title="photo")
    np.testing.assert_array_equal(_png(picture), (rgb * 255).round().astype(np.uint8))
    data = picture_data(picture)
    assert data["hover"]["kind"] == "rgb" and data["colorbar"] is None
    with pytest.raises(ValueError, match="RGB"):
        read_out(picture)
    small = image_figure(rgb[:8, :8])  # a small colour image is a picture too, with indices
    np.testing.assert_array_equal(_png(small), (rgb[:8, :8] * 255).round().astype(np.uint8))
    assert small.meta["axes"] and small.meta["hover"]["kind"] == "rgb"


def test_a_huge_map_keeps_every_kth_pixel_on_its_own_coordinates():
    values = RNG.normal(size=(1100, 40))
    picture = grid_figure(values, mapping="minmax")
    assert picture_data(picture)["step"] == 2
    assert _png(picture).shape == (550, 20)


def test_highlight_shapes_sit_on_cell_coordinates_in_pictures_too():
    picture = grid_figure(RNG.normal(size=(100, 100)), highlight=[(10, 20, 3, 3)], cells=[(5, 5)])
    first, second = picture_data(picture)["shapes"]
    assert first["x0"] == 19.5 and second["y0"] == pytest.approx(4.55)


def test_presenter_pictures_are_taller_and_say_so():
    values = RNG.normal(size=(64, 64))
    normal = picture_data(grid_figure(values))
    present = picture_data(grid_figure(values, present=True))
    assert present["present"] and not normal["present"]
    assert present["height"] > normal["height"]


def test_the_browser_gets_the_png_and_values_as_bytes_not_base64():
    values = RNG.normal(size=(300, 300)).cumsum(axis=0)
    picture = grid_figure(values, title="t")
    packed = picture.pack()
    # Length, JSON meta, the PNG and the float32 hover grid as they are: no base64.
    assert len(packed) < len(picture.png) + len(picture.values) + 4_000
    assert len(packed) < 0.8 * len(json.dumps(picture_data(picture)))
    again = unpack(packed)
    assert again.meta == picture.meta and again.png == picture.png
    np.testing.assert_array_equal(read_out(again)["values"], read_out(picture)["values"])
    np.testing.assert_array_equal(read_out(again)["values"], values[::3, ::3].astype(np.float32))


def test_the_read_out_gets_the_grids_digits():
    # The map element writes a value read out from a map without printed numbers by
    # format_number's rule with these digits (tests/js/format.test.mjs checks the rule).
    big = grid_figure(np.full((40, 40), 1 / 3), digits=4)
    assert big.meta["numbers"] is None and big.meta["hover"]["digits"] == 4
    small = grid_figure(np.full((3, 3), 1 / 3))
    assert small.meta["hover"]["digits"] == 2
    assert small.meta["numbers"]["text"][0][0] == format_number(1 / 3, 2) == "0.33"
    assert unpack(big.pack()).meta["hover"]["digits"] == 4


def test_a_small_grid_carries_its_latex_and_markdown_at_its_printed_digits():
    """Slides out (issue 18): the copy texts are export's, at the cells' own digits, and
    their numbers are exactly the printed cells (a 0.333 copied under a printed 0.33 fails)."""
    from cnnviz.lessons.export import bmatrix, markdown_table

    values = np.array([[1 / 3, -2.0, 0.125], [2.675, 0.0, -1e-9]])
    for digits in (1, 2, 3):
        meta = grid_figure(values, title="demo", digits=digits).meta
        assert meta["copy"] == {"latex": bmatrix(values, digits=digits),
                                "markdown": markdown_table(values, digits=digits)}
        cells = meta["numbers"]["text"]
        latex_rows = meta["copy"]["latex"].splitlines()[1:-1]
        assert [row.rstrip(" \\").split(" & ") for row in latex_rows] == cells
        md_rows = meta["copy"]["markdown"].splitlines()[2:]
        assert [row.strip("| ").split(" | ")[1:] for row in md_rows] == cells
    assert grid_figure(values, digits=2).meta["numbers"]["text"][0][0] == "0.33"
    assert "0.33 & -2 & 0.12" in grid_figure(values, digits=2).meta["copy"]["latex"]


def test_a_big_map_carries_no_copy_texts():
    assert grid_figure(np.zeros((NUMBERS_MAX_SIDE + 1, 5))).meta["copy"] is None
    assert grid_figure(np.zeros((3, 3)), show_numbers=False).meta["copy"] is None
    assert image_figure(RNG.random((40, 40, 3))).meta["copy"] is None
    # and what travels to the browser says so
    assert unpack(grid_figure(np.zeros((64, 64))).pack()).meta["copy"] is None
