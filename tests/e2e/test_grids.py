"""Small grids in real Chromium: the map element prints their numbers, picks a cell on a
click, and its PNG button gives a slide-sized picture with the numbers drawn.

Every grid is drawn by ``cnnviz/ui/static/mapview.js`` from a
``cnnviz.plots.figures.Picture``; a small one carries the text of its cells
(``meta.numbers``), which the element prints at the size NUMBER_FIT gives for
the cells it really draws (``data-font`` on the figure says which).
"""

from __future__ import annotations

import re
import time

import numpy as np
import pytest

from cnnviz.plots.display import NUMBER_FIT

from .conftest import no_exception_box, wait_for_app

pytestmark = pytest.mark.e2e

DRAWN = ("() => { const m = [...document.querySelectorAll('[data-testid=\"cnnviz-map\"]')];"
         " return m.length >= {n} && m.every(e => e.dataset.state === 'drawn'); }")


def _figure(page, title: str):
    return page.get_by_test_id("cnnviz-map").filter(
        has=page.get_by_test_id("cnnviz-map-title").get_by_text(title, exact=False)).first


def _centre(canvas, cell: tuple[int, int], shape: tuple[int, int]) -> tuple[float, float]:
    box = canvas.bounding_box()
    return (box["x"] + (cell[1] + 0.5) / shape[1] * box["width"],
            box["y"] + (cell[0] + 0.5) / shape[0] * box["height"])


def _colour_lecture(page, app_url: str, present: bool = False):
    page.goto(f"{app_url}/colour" + ("?present=true" if present else ""))
    wait_for_app(page, "Colour volumes and filter banks")
    main = page.get_by_test_id("stMain")
    main.get_by_role("button", name=re.compile("lectures' example")).click()
    page.get_by_text("Total", exact=False).first.wait_for()
    page.wait_for_function(DRAWN.replace("{n}", "10"), polling=100)
    assert no_exception_box(page) == []
    return _figure(page, "Output z: one map 8 × 8")


def test_numbers_are_printed_at_the_rules_size_larger_in_presenter_mode(browser, app_url):
    sizes = {}
    for present in (False, True):
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        page = context.new_page()
        output = _colour_lecture(page, app_url, present)
        output.scroll_into_view_if_needed()
        font = int(output.get_attribute("data-font"))
        canvas = output.locator("canvas.cm-canvas")
        cell = canvas.bounding_box()["width"] / 8
        # The rule of NUMBER_FIT: at most half the cell high, and never below its minimum.
        assert NUMBER_FIT["min"] <= font <= max(NUMBER_FIT["min"], cell * NUMBER_FIT["height"])
        assert cell >= 30  # an 8 × 8 grid in half the row: the cells of the Plotly grid or more
        # Row and column indices along the edges.
        assert output.locator("canvas.cm-xax").is_visible()
        assert output.locator("canvas.cm-yax").is_visible()
        sizes[present] = font
        context.close()
    assert sizes[True] > sizes[False]


def test_a_click_on_an_output_cell_explains_that_cell(page, app_url):
    output = _colour_lecture(page, app_url)
    canvas = output.locator("canvas.cm-canvas")
    canvas.scroll_into_view_if_needed()
    page.mouse.click(*_centre(canvas, (2, 4), (8, 8)))
    page.get_by_text("Total at output cell (row 2, column 4)", exact=False).wait_for()
    main = page.get_by_test_id("stMain")
    assert main.get_by_label("Output row").input_value() == "2"
    assert main.get_by_label("Output column").input_value() == "4"
    # The keyboard picks too: focus the grid, walk to a cell, Enter.
    page.wait_for_function(DRAWN.replace("{n}", "10"), polling=100)
    output = _figure(page, "Output z: one map 8 × 8")
    output.locator("canvas.cm-canvas").focus()  # the first key starts the cursor at the centre
    for key in ("ArrowUp", "ArrowUp", "ArrowUp", "ArrowUp", "ArrowLeft", "ArrowLeft",
                "ArrowLeft", "ArrowLeft", "Enter"):
        page.keyboard.press(key)
    page.get_by_text("Total at output cell (row 0, column 0)", exact=False).wait_for()
    assert no_exception_box(page) == []


def test_the_png_of_a_grid_with_numbers_is_slide_sized_with_the_numbers(page, app_url, tmp_path):
    output = _colour_lecture(page, app_url)
    output.hover()
    with page.expect_download() as info:
        output.get_by_role("button", name=re.compile("^Download Output z")).click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    from PIL import Image

    shown = np.asarray(Image.open(saved).convert("RGB")).astype(int)
    assert shown.shape[0] >= 512 and shown.shape[1] >= 512
    k = shown.shape[0] // 8
    # Column 3 holds 225 (dark red) and column 0 holds 0 (near white): each cell's middle
    # has ink of the other contrast (the number), its corner the cell's own colour.
    for col in (0, 3):
        cell = shown[k * 2:k * 3, k * col:k * (col + 1)]
        corner = cell[k // 10, k // 10]
        middle = cell[k // 3:2 * k // 3, k // 5:4 * k // 5].reshape(-1, 3)
        far = np.abs(middle - corner).sum(axis=1) > 200
        assert far.mean() > 0.02, (col, far.mean())


def test_w_x_y_on_the_map_element_reads_out_and_picks_a_row(page, app_url, tmp_path):
    """The matrix page's W · x = y is one picture of three panels (mosaic_figure): its
    numbers printed, the read-out naming W[i, j] with its output cell and pixel, a click on
    row i of W following that output cell, and the keyboard's cursor read out."""
    page.goto(f"{app_url}/matrix")
    wait_for_app(page, "y = W x + b: the weight matrix")
    # The followed cell's sum: Markdown styled as code by app.css (not st.code, whose
    # syntax highlighter is 1.5 MB of script on the first visit).
    sum_line = page.locator("div.cnnviz-sum").first
    assert sum_line.inner_text().startswith("y[0] = 1·")
    assert "Source Code Pro" in sum_line.evaluate("e => getComputedStyle(e).fontFamily")
    assert not page.get_by_test_id("stCode").count()
    w = _figure(page, "W (16 × 36)")
    w.scroll_into_view_if_needed()
    page.wait_for_function(DRAWN.replace("{n}", "5"), polling=100)
    assert int(w.get_attribute("data-font")) >= NUMBER_FIT["min"]  # W's taps are printed
    canvas = w.locator("canvas.cm-canvas")
    shape = (16 + 1 + 2, 36 + 1 + 3)  # W, a white row, x's strip; a white column, y
    page.mouse.move(*_centre(canvas, (0, 6), shape))
    tip = w.get_by_test_id("cnnviz-map-tip")
    assert tip.inner_text().splitlines() == ["W[0, 6] = 4", "output cell (0, 0), pixel (1, 0)"]
    page.mouse.move(*_centre(canvas, (18, 2), shape))  # x's strip, two cells tall
    assert tip.inner_text().splitlines()[0].startswith("x[2] = ")
    # The PNG for slides: at least 512 px, W's numbers drawn (cell (0, 6) holds a 4: ink of
    # the other contrast in its middle, the cell's own colour in its corner).
    with page.expect_download() as info:
        w.get_by_role("button", name=re.compile("^Download W")).click()
    saved = tmp_path / "w.png"
    info.value.save_as(saved)
    from PIL import Image

    shown = np.asarray(Image.open(saved).convert("RGB")).astype(int)
    assert max(shown.shape[:2]) >= 512
    kh, kw = shown.shape[0] / shape[0], shown.shape[1] / shape[1]
    cell = shown[:int(kh), int(6 * kw):int(7 * kw)]
    corner = cell[2, 2]
    middle = cell[int(kh) // 4:3 * int(kh) // 4, int(kw) // 4:3 * int(kw) // 4].reshape(-1, 3)
    assert (np.abs(middle - corner).sum(axis=1) > 200).mean() > 0.02
    page.mouse.click(*_centre(canvas, (11, 20), shape))  # row 11 of W: output cell (2, 3)
    wait_for_app(page, "Output cell (2, 3)")
    w = _figure(page, "W (16 × 36)")
    page.wait_for_function(DRAWN.replace("{n}", "5"), polling=100)
    canvas = w.locator("canvas.cm-canvas")
    canvas.focus()
    page.keyboard.press("ArrowDown")  # the cursor starts mid-view, then moves
    live = w.locator(".cm-live")
    assert re.match(r"W\[\d+, \d+\] = ", live.inner_text()), live.inner_text()
    assert no_exception_box(page) == []


def test_the_slide_png_leaves_out_the_picked_cell(page, app_url, tmp_path):
    """The Colour page's output marks the explained cell (0, 3) on screen in the pick colour;
    the PNG for slides holds the grid and its numbers, not that selection."""
    from PIL import Image

    from cnnviz.plots.figures import MARK_COLOUR

    output = _colour_lecture(page, app_url)
    output.hover()
    with page.expect_download() as info:
        output.get_by_role("button", name=re.compile("^Download Output z")).click()
    saved = tmp_path / "slide.png"
    info.value.save_as(saved)
    shown = np.asarray(Image.open(saved).convert("RGB")).astype(int)
    mark = np.array([int(MARK_COLOUR[i:i + 2], 16) for i in (1, 3, 5)])
    near = (np.abs(shown - mark).sum(axis=2) < 60).sum()
    assert near == 0, f"{near} pixels in the pick colour {MARK_COLOUR}"


def _font(figure) -> int:
    """The size the map element prints a grid's numbers at; 0 for colours only."""
    return int(figure.get_attribute("data-font") or 0)


def _sized_page(browser, size: tuple[int, int]):
    """A new browser context of ``size`` (width, height) and its page."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def _step_numbers(page) -> dict:
    """The Step-by-step animation's number sizes and cells, as it reports them."""
    return page.evaluate("() => Object.values(window.__cnnvizInstances).map((a) => "
                         "a.numbers())")[0]


@pytest.mark.parametrize("size", [(1280, 720), (1400, 1000)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_colour_channels_print_their_numbers_as_large_as_step_by_step(browser, app_url, size):
    """Numbers the same size everywhere (issue 18), off the projector: a colour volume's
    channel prints its numbers as large as Step by step prints that channel at the same
    viewport. Three side by side cannot be that large, so one prints them (a switch picks
    which) and the other two show their colours only, never smaller numbers (they printed
    11-12 px at 1280 × 720)."""
    context, page = _sized_page(browser, size)
    page.goto(f"{app_url}/animation?src=Lecture&lecture=another_image&ex=004.6a")
    wait_for_app(page, "Step by step")
    page.locator("[data-act='channel'][data-ch='0']").first.click()
    page.wait_for_timeout(500)
    step = _step_numbers(page)
    assert step["numbersIn"] and step["input"] >= NUMBER_FIT["comfort"], step
    page.goto(f"{app_url}/colour?src=Lecture&lecture=another_image&ex=004.6")
    wait_for_app(page, "Colour volumes and filter banks")
    page.wait_for_function(DRAWN.replace("{n}", "10"), polling=100)
    for shown in "RGB":
        if shown != "R":
            page.get_by_test_id("stMain").get_by_text(shown, exact=True).first.click()
            wait_for_app(page, "Colour volumes and filter banks")
            page.wait_for_function(DRAWN.replace("{n}", "10"), polling=100)
        # The maps are redrawn by the switch's run; the run may not have started when the
        # page looks idle (the clean-clone run read R's old numbers beside G's new ones), so
        # the reading is repeated until it shows the switch, for at most 15 s.
        deadline = time.monotonic() + 15
        while True:
            fonts = {n: _font(_figure(page, f"{n} channel")) for n in "RGB"}
            done = all(f == 0 for n, f in fonts.items() if n != shown) and fonts[shown] > 0
            if done or time.monotonic() > deadline:
                break
            page.wait_for_timeout(200)
        assert fonts[shown] >= step["input"], (size, shown, fonts, step)
        assert all(f == 0 for n, f in fonts.items() if n != shown), (size, shown, fonts)
    assert no_exception_box(page) == []
    context.close()


@pytest.mark.parametrize("size", [(1280, 720), (1400, 1000)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_step_by_step_prints_one_channels_output_at_the_comfortable_size(browser, app_url,
                                                                         size):
    """Off the projector, a colour volume's channel picked on Step by step: the output
    wraps under the input, and its sums print at NUMBER_FIT's comfortable size at least
    (13 px at 1280 × 720 in the input's 44 px cells, below the 14 px minimum), in cells no
    smaller than the input's."""
    context, page = _sized_page(browser, size)
    page.goto(f"{app_url}/animation?src=Lecture&lecture=another_image&ex=004.6a")
    wait_for_app(page, "Step by step")
    page.locator("[data-act='channel'][data-ch='0']").first.click()
    page.wait_for_timeout(500)
    step = _step_numbers(page)
    assert step["numbersIn"] and step["input"] >= NUMBER_FIT["comfort"], step
    assert step["numbersOut"] and step["output"] >= NUMBER_FIT["comfort"], step
    assert step["outCell"] >= step["cell"], step
    out = page.get_by_test_id("cnnviz-output").bounding_box()
    assert out["x"] >= 0 and out["x"] + out["width"] <= size[0], out
    assert no_exception_box(page) == []
    context.close()


@pytest.mark.parametrize("size", [(1280, 720), (1400, 1000)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_colour_prints_the_padded_maps_numbers_as_large_as_step_by_step(browser, app_url,
                                                                         size):
    """Lecture 004's padded 10 × 10 map (item 004.9, ten rows of sums such as "-1204") off
    the projector: its numbers are the lesson, so they print as large as Step by step prints
    that map at the same viewport. In half the row it showed its colours only (a column of
    about 300 px of cells)."""
    context, page = _sized_page(browser, size)
    page.goto(f"{app_url}/animation?src=Lecture&lecture=another_image_p1")
    wait_for_app(page, "Step by step")
    page.wait_for_function("() => Object.keys(window.__cnnvizInstances || {}).length > 0",
                           polling=100)
    step = _step_numbers(page)
    assert step["numbersOut"] and step["output"] >= NUMBER_FIT["comfort"], step
    page.goto(f"{app_url}/colour?src=Lecture&lecture=another_image_p1&ex=004.9")
    wait_for_app(page, "Colour volumes and filter banks")
    page.wait_for_function(DRAWN.replace("{n}", "10"), polling=100)
    output = _figure(page, "Output z")
    assert _font(output) >= step["output"], (size, _font(output), step)
    box = output.bounding_box()
    assert box["x"] + box["width"] <= size[0], box
    assert no_exception_box(page) == []
    context.close()


@pytest.mark.parametrize("size", [(1400, 1000), (1280, 720)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_step_by_step_opens_a_colour_volume_on_a_channel_that_prints_its_numbers(browser,
                                                                                  app_url,
                                                                                  size):
    """Item 004.6a off the projector (lecture 004's 10 × 10 × 3 volume, one channel at a
    time): three channels side by side cannot print their numbers, so it opens on R with
    its numbers and its partial sum, as presenter mode does (it opened on "All", the three
    channels in colours only). A person's own pick of All is kept."""
    context, page = _sized_page(browser, size)
    page.goto(f"{app_url}/animation?src=Lecture&lecture=another_image&ex=004.6a")
    wait_for_app(page, "Step by step")
    box = page.locator(".cnv").first
    page.wait_for_function("() => Object.values(window.__cnnvizInstances || {}).length > 0",
                           polling=100)
    assert box.get_attribute("data-channel") == "R"
    channels = page.get_by_test_id("cnnviz-channels")
    assert channels.get_by_role("button", name="Show the red channel and its partial sum"
                                ).get_attribute("aria-pressed") == "true"
    step = _step_numbers(page)
    assert step["numbersIn"] and step["input"] >= NUMBER_FIT["comfort"], step
    assert page.get_by_test_id("cnnviz-equation").inner_text().startswith("R:")
    # All, asked for, stays All (colours only there: the switch is the person's).
    channels.get_by_role("button", name="Show all three channels").click()
    assert box.get_attribute("data-channel") == "all"
    assert no_exception_box(page) == []
    context.close()
