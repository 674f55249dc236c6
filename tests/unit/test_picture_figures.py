"""Big maps travel as PNG pictures: same colours, same legend, raw values in the hover."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pytest
from PIL import Image

from cnnviz.plots.display import map_for_display, to_uint8_image
from cnnviz.plots.figures import (
    HOVER_MAX_SIDE,
    NUMBERS_MAX_SIDE,
    grid_figure,
    image_figure,
    read_out,
)

RNG = np.random.default_rng(11)


def _png(trace) -> np.ndarray:
    uri = trace.source
    assert uri.startswith("data:image/png;base64,")
    with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as im:
        # A diverging map is a palette PNG: compare the colours it decodes to.
        return np.asarray(im.convert("RGB") if im.mode == "P" else im)


@pytest.mark.parametrize("mapping", ["diverging", "abs", "clip", "minmax"])
def test_big_map_is_a_lossless_picture_of_the_heatmaps_colours(mapping):
    values = RNG.normal(size=(40, 70))
    fig = grid_figure(values, mapping=mapping, title="t")
    hover, picture = fig.data
    assert (hover.type, picture.type) == ("heatmap", "image")
    # Exactly the PNG download's pixels: the same stops, no loss.
    np.testing.assert_array_equal(_png(picture), to_uint8_image(values, mapping))
    assert (picture.x0, picture.y0, picture.dx, picture.dy) == (0, 0, 1, 1)
    # The legend speaks raw values as before: same range, same tick texts.
    small_twin = grid_figure(values[:16, :16] * 0 + values.max(), mapping=mapping)
    assert hover.colorscale == small_twin.data[0].colorscale
    dm = map_for_display(values, mapping)
    assert (hover.zmin, hover.zmax) == (dm.zmin, dm.zmax)
    assert hover.showscale
    assert hover.opacity == 0 and picture.hoverinfo == "skip"
    # The subtitle still names the mapping and what it did.
    assert fig.layout.title.subtitle.text.startswith(mapping)


def test_hover_grid_is_every_cell_up_to_its_limit():
    values = RNG.normal(size=(HOVER_MAX_SIDE, 30))
    r = read_out(grid_figure(values))
    assert r["shape"] == values.shape
    np.testing.assert_array_equal(r["values"], values.astype(np.float32))
    assert "every" not in grid_figure(values).data[0].hovertemplate


def test_hover_grid_of_a_big_map_samples_exact_cells():
    values = RNG.normal(size=(510, 300))
    fig = grid_figure(values)
    r = read_out(fig)
    assert r["shape"] == (510, 300)
    assert r["values"].shape == (128, 100)  # steps 4 and 3
    np.testing.assert_array_equal(r["rows"], np.arange(0, 510, 4))
    np.testing.assert_array_equal(r["cols"], np.arange(0, 300, 3))
    np.testing.assert_array_equal(r["values"], values[::4, ::3].astype(np.float32))
    assert "every 4th row and 3rd column" in fig.data[0].hovertemplate


def test_read_out_works_on_the_json_a_page_sends():
    values = RNG.normal(size=(200, 200))
    sent = json.loads(grid_figure(values).to_json())
    r = read_out(sent)
    assert r["shape"] == (200, 200)
    np.testing.assert_array_equal(r["values"], values[::2, ::2].astype(np.float32))


def test_small_maps_keep_their_numbers_and_heatmap():
    values = RNG.integers(-5, 5, size=(NUMBERS_MAX_SIDE, NUMBERS_MAX_SIDE)).astype(float)
    fig = grid_figure(values)
    assert len(fig.data) == 1 and fig.data[0].type == "heatmap"
    assert fig.data[0].text[0][0] == str(int(values[0, 0]))
    np.testing.assert_array_equal(read_out(fig)["values"], values)


def test_big_map_payload_is_a_fraction_of_the_heatmaps():
    values = RNG.normal(size=(512, 512)).cumsum(axis=1)  # smooth-ish, like a feature map
    size = len(grid_figure(values).to_json())
    # The heatmap of before: z and customdata, float32, base64: 2.8 MB.
    assert size < 1_000_000


def test_colour_image_is_a_png_with_rgb_hover():
    rgb = RNG.uniform(size=(64, 48, 3))
    fig = image_figure(rgb)
    (picture,) = fig.data
    np.testing.assert_array_equal(_png(picture), (rgb * 255).round().astype(np.uint8))
    assert "RGB %{z}" in picture.hovertemplate
    small = image_figure(rgb[:8, :8])
    assert small.data[0].z is not None


def test_a_huge_map_keeps_every_kth_pixel_on_its_own_coordinates():
    values = RNG.normal(size=(1100, 40))
    picture = grid_figure(values, mapping="minmax").data[1]
    assert picture.dx == picture.dy == 2
    assert _png(picture).shape == (550, 20)


def test_highlight_shapes_sit_on_cell_coordinates_in_pictures_too():
    fig = grid_figure(RNG.normal(size=(100, 100)), highlight=[(10, 20, 3, 3)], cells=[(5, 5)])
    assert fig.layout.shapes[0].x0 == 19.5 and fig.layout.shapes[1].y0 == pytest.approx(4.55)
