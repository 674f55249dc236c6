"""Big maps in real Chromium: the map element's read-out, zoom and keyboard against the core.

A map too big for numbers is drawn by ``cnnviz/ui/static/mapview.js`` from a
``cnnviz.plots.figures.Picture``. What the person reads off it (the cell under
the pointer and its raw value, or its RGB) must be the core's number for that
cell, written as the app writes numbers (format_number), at full view and zoomed in.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import cnnviz
from cnnviz.core.text import format_number
from cnnviz.data import samples

from .conftest import no_exception_box, wait_for_app

pytestmark = pytest.mark.e2e

SOBEL_X = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]


def _photo(mode: str = "gray") -> np.ndarray:
    return samples.load_photo(next(iter(samples.PHOTOS)), mode=mode, max_side=128)


def _open(page, url: str):
    page.goto(url)
    wait_for_app(page, "Convolution playground")
    maps = page.get_by_test_id("cnnviz-map")
    page.wait_for_function(
        "() => { const m = [...document.querySelectorAll('[data-testid=\"cnnviz-map\"]')];"
        " return m.length >= 3 && m.every(e => e.dataset.state === 'drawn'); }", polling=100)
    assert no_exception_box(page) == []
    return maps


def _point(canvas, cell: tuple[int, int], shape: tuple[int, int], view=None) -> tuple[float, float]:
    """The page coordinates of a cell's centre on a canvas showing ``view`` (x, y, w, h)."""
    box = canvas.bounding_box()
    x, y, w, h = view or (0, 0, shape[1], shape[0])
    return (box["x"] + (cell[1] + 0.5 - x) / w * box["width"],
            box["y"] + (cell[0] + 0.5 - y) / h * box["height"])


def _tip(page, m) -> str:
    tip = m.get_by_test_id("cnnviz-map-tip")
    tip.wait_for(state="visible")
    return tip.inner_text()


def _value(text: str) -> str:
    return re.search(r"value (\S+)", text).group(1)


def _shown(v: float) -> str:
    """The read-out's text of a value: format_number with the map's digits (2, the default),
    of the float32 the picture carries."""
    return format_number(float(np.float32(v)), 2)


def _cell(text: str) -> tuple[int, int]:
    return tuple(int(n) for n in re.search(r"row (\d+), col (\d+)", text).groups())


def test_hover_reads_the_cores_value_of_the_cell_under_the_pointer(page, app_url):
    maps = _open(page, f"{app_url}/?src=Photo&size=128&k=sobel_x")
    z = cnnviz.conv2d(_photo(), SOBEL_X)
    feature = maps.nth(1)
    assert feature.get_by_test_id("cnnviz-map-title").inner_text().startswith("Feature map")
    canvas = feature.locator("canvas.cm-canvas")
    for cell in ((0, 0), (40, 61), (125, 125), (77, 3)):
        page.mouse.move(*_point(canvas, cell, z.shape))
        text = _tip(page, feature)
        # The pointer lands on whole CSS pixels and a cell is ~1.6 px: the cell it names
        # is the aimed one or its neighbour, and the value is exactly that cell's.
        r, c = _cell(text)
        assert abs(r - cell[0]) <= 1 and abs(c - cell[1]) <= 1, (cell, text)
        assert _value(text) == _shown(z[r, c]), (cell, text)
        assert "every" not in text  # 126 × 126: every cell is in the read-out
    # At the corner the read-out stays whole inside the figure (which clips).
    page.mouse.move(*_point(canvas, (125, 125), z.shape))
    tip, fig = feature.get_by_test_id("cnnviz-map-tip").bounding_box(), feature.bounding_box()
    assert tip["y"] + tip["height"] <= fig["y"] + fig["height"] + 0.5, (tip, fig)
    assert tip["x"] + tip["width"] <= fig["x"] + fig["width"] + 0.5, (tip, fig)
    assert "value" in _tip(page, feature)


def test_a_colour_picture_reads_the_pixels_rgb(page, app_url):
    maps = _open(page, f"{app_url}/?src=Photo&size=128&channels=Colour&k=sobel_x")
    rgb = (np.clip(_photo("rgb"), 0, 1) * 255).round().astype(int)
    canvas = maps.nth(0).locator("canvas.cm-canvas")
    for cell in ((5, 9), (100, 64)):
        page.mouse.move(*_point(canvas, cell, rgb.shape[:2]))
        text = _tip(page, maps.nth(0))
        r, c = _cell(text)
        assert abs(r - cell[0]) <= 1 and abs(c - cell[1]) <= 1, (cell, text)
        assert f"RGB [{', '.join(str(v) for v in rgb[r, c])}]" in text, (cell, text)


def test_box_zoom_reads_the_right_cells_and_double_click_resets(page, app_url):
    maps = _open(page, f"{app_url}/?src=Photo&size=128&k=sobel_x")
    z = cnnviz.conv2d(_photo(), SOBEL_X)
    feature = maps.nth(1)
    canvas = feature.locator("canvas.cm-canvas")
    reset = feature.get_by_role("button", name="Reset zoom")
    assert not reset.is_visible()
    # A box over rows and columns 20 to 51: the view becomes those 32 cells across.
    page.mouse.move(*_point(canvas, (20, 20), z.shape))
    page.mouse.down()
    page.mouse.move(*_point(canvas, (51, 51), z.shape), steps=4)
    page.mouse.up()
    reset.wait_for(state="visible")
    box = canvas.bounding_box()
    # The cell now at the canvas's centre is the box's centre cell, about (36, 36).
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    text = _tip(page, feature)
    r, c = _cell(text)
    assert 33 <= r <= 39 and 33 <= c <= 39, text
    assert _value(text) == _shown(z[r, c])
    # Zoomed in, each cell is wider: one cell to the right is ≥ 3 px away.
    page.mouse.move(box["x"] + box["width"] / 2 + box["width"] / 32 * 1.0,
                    box["y"] + box["height"] / 2)
    assert f"col {c + 1}" in _tip(page, feature)
    # Shift+drag pans: dragging a quarter of the width to the left moves the view 8 cells right.
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.keyboard.down("Shift")
    page.mouse.move(*centre)
    page.mouse.down()
    page.mouse.move(centre[0] - box["width"] / 4, centre[1], steps=4)
    page.mouse.up()
    page.keyboard.up("Shift")
    page.mouse.move(*centre)
    r2, c2 = _cell(_tip(page, feature))
    assert r2 == r and 6 <= c2 - c <= 10, (r, c, r2, c2)
    page.mouse.dblclick(box["x"] + 5, box["y"] + 5)
    reset.wait_for(state="hidden")
    page.mouse.move(*_point(canvas, (100, 10), z.shape))
    r, c = _cell(_tip(page, feature))
    assert abs(r - 100) <= 1 and abs(c - 10) <= 1


def test_reset_zoom_by_mouse_leaves_no_cursor_or_read_out(page, app_url):
    maps = _open(page, f"{app_url}/?src=Photo&size=128&k=sobel_x")
    feature = maps.nth(1)
    canvas = feature.locator("canvas.cm-canvas")
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(box["x"] + 60, box["y"] + 60, steps=4)
    page.mouse.up()
    reset = feature.get_by_role("button", name="Reset zoom")
    reset.click()
    reset.wait_for(state="hidden")
    assert not feature.get_by_test_id("cnnviz-map-tip").is_visible()
    assert feature.locator(".cm-live").inner_text() == ""


@pytest.mark.parametrize("width", [900, 1280])
def test_colour_bar_labels_never_overlap(browser, app_url, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        maps = _open(page, f"{app_url}/?src=Photo&size=128&k=sobel_x")
        for i in (1, 2):
            spans = maps.nth(i).locator(".cm-ticks span")
            boxes = [spans.nth(j).bounding_box() for j in range(spans.count())]
            assert len(boxes) >= 2  # at least both ends
            boxes.sort(key=lambda b: b["y"])
            for upper, lower in zip(boxes, boxes[1:], strict=False):
                assert upper["y"] + upper["height"] <= lower["y"] + 0.5, (width, boxes)
    finally:
        context.close()


def test_the_keyboard_walks_the_read_out_and_says_it(page, app_url):
    maps = _open(page, f"{app_url}/?src=Photo&size=128&k=sobel_x")
    z = cnnviz.conv2d(_photo(), SOBEL_X)
    feature = maps.nth(1)
    canvas = feature.locator("canvas.cm-canvas")
    canvas.focus()
    live = feature.locator(".cm-live")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowRight")  # back where focus put the cursor
    r, c = _cell(live.inner_text())
    assert (r, c) == (63, 63)  # the centre of 126 × 126
    for key in ("ArrowRight", "ArrowRight", "ArrowDown", "Shift+ArrowLeft"):
        page.keyboard.press(key)
    said = live.inner_text()
    assert f"row {r + 1}, col {c + 2 - 10}" in said, said
    assert _value(said) == _shown(z[r + 1, c - 8])
    page.keyboard.press("+")
    assert feature.get_by_role("button", name="Reset zoom").is_visible()
    page.keyboard.press("0")
    assert not feature.get_by_role("button", name="Reset zoom").is_visible()


def test_a_new_kernel_redraws_the_picture_and_keeps_the_zoom(page, app_url):
    maps = _open(page, f"{app_url}/?src=Photo&size=128&k=sobel_x")
    feature = maps.nth(1)
    canvas = feature.locator("canvas.cm-canvas")
    drawn = int(feature.get_attribute("data-drawn"))
    canvas.focus()
    page.keyboard.press("+")  # zoom in around the centre
    page.get_by_text("Negate", exact=True).click()
    page.wait_for_function(
        "n => { const m = document.querySelectorAll('[data-testid=\"cnnviz-map\"]')[1];"
        " return Number(m.dataset.drawn) > n && m.dataset.state === 'drawn'; }",
        arg=drawn, polling=100)
    wait_for_app(page, "Convolution playground")
    assert feature.get_by_role("button", name="Reset zoom").is_visible()
    z = -cnnviz.conv2d(_photo(), SOBEL_X)
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    text = _tip(page, feature)
    r, c = _cell(text)
    assert _value(text) == _shown(z[r, c])


def test_the_png_button_downloads_the_maps_own_pixels(page, app_url, tmp_path):
    maps = _open(page, f"{app_url}/?src=Photo&size=128&k=sobel_x")
    feature = maps.nth(1)
    feature.hover()
    with page.expect_download() as info:
        feature.get_by_role("button", name=re.compile("^Download Feature map")).click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name.startswith("Feature_map") and saved.suffix == ".png"
    from PIL import Image

    shown = np.asarray(Image.open(saved).convert("RGB"))
    # 126 × 126 cells, each a 5 × 5 square: at least 512 px a side, no smoothing.
    assert shown.shape == (630, 630, 3)
    np.testing.assert_array_equal(shown[::5, ::5], shown[4::5, 4::5])
    # The same colours as the map's own PNG ("auto" shows Sobel x, which sums to 0, diverging).
    from cnnviz.plots.display import to_uint8_image

    z = cnnviz.conv2d(_photo(), SOBEL_X)
    expected = to_uint8_image(z, "diverging")
    np.testing.assert_array_equal(shown[::5, ::5], expected)
