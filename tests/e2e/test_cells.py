"""The app's cell grid (cnnviz.ui.grid.Grid.cells, static/cellgrid) in a real browser.

What the data editor did for a teacher or a student, the kernel editor still does: type a
number, Enter / the arrows to the next cell, paste a block copied from a spreadsheet,
a typo reported at the cell and kept as typed, the kernel kept in the link over a reload,
and presenter mode's larger type. And the page loads none of Streamlit's DataFrame chunks.
The grid is one Tab stop (a roving tabindex): Tab leaves it and comes back to the cell last
focused, and the page's own keys leave a focused cell's keys alone.
"""

from __future__ import annotations

import re
from io import BytesIO

import numpy as np
import pytest
from PIL import Image

from .conftest import SHOTS, fresh_page, no_exception_box, screenshot, wait_for_app

TITLE = "Convolution playground"


def _cell(pg, row: int, col: int, label: str = "Kernel"):
    """The kernel's cell, by the name a screen reader reads (counted from 1)."""
    return pg.get_by_role("textbox", name=f"{label}, row {row}, column {col}", exact=True)


def _focused(pg) -> str:
    return pg.evaluate("() => document.activeElement.getAttribute('aria-label') || ''")


def _sum_is(pg, text: str) -> None:
    """Until the kernel's caption (written by Python after the rerun) says ``text``."""
    pg.get_by_text(re.compile(rf"Kernel 3×3, sum {re.escape(text)}:")).first.wait_for()


def _paste(pg, locator, text: str) -> None:
    """Paste ``text`` into ``locator`` as a browser does (a paste event with its clipboard)."""
    locator.focus()
    locator.evaluate("""(el, text) => {
        const data = new DataTransfer();
        data.setData("text/plain", text);
        el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                      cancelable: true}));
    }""", text)


@pytest.fixture
def playground(page, app_url):
    page.goto(f"{app_url}/")
    wait_for_app(page, TITLE)
    _cell(page, 1, 1).wait_for()
    return page


def test_type_a_cell_move_on_and_the_map_follows(playground):
    """Typing, the arrows and Enter as in a spreadsheet (the rule: cellgrid/logic.js)."""
    pg = playground
    _sum_is(pg, "1")  # sharpen
    first = _cell(pg, 1, 1)
    first.click()
    first.fill("2")
    # Typed into: the cell is being edited, so Left and Right move the caret, not the focus.
    pg.keyboard.press("ArrowRight")
    pg.keyboard.press("ArrowLeft")
    assert _focused(pg) == "Kernel, row 1, column 1"
    pg.keyboard.press("Enter")  # sends, and moves down
    assert _focused(pg) == "Kernel, row 2, column 1"
    _sum_is(pg, "3")
    # The rerun did not take the focus away; the cell reached is navigated to: arrows move.
    pg.keyboard.press("ArrowUp")
    pg.keyboard.press("ArrowRight")
    assert _focused(pg) == "Kernel, row 1, column 2"
    pg.keyboard.type("4")  # replaces the cell's text (the keyboard selected it)
    assert _cell(pg, 1, 2).input_value() == "4"
    pg.keyboard.press("ArrowLeft")  # typed into: the caret's
    assert _focused(pg) == "Kernel, row 1, column 2"
    pg.keyboard.press("ArrowDown")  # Up and Down move either way; leaving the cell sends it
    assert _focused(pg) == "Kernel, row 2, column 2"
    _sum_is(pg, "8")
    pg.keyboard.press("ArrowRight")
    assert _focused(pg) == "Kernel, row 2, column 3"
    pg.keyboard.press("Home")  # the row's first cell
    assert _focused(pg) == "Kernel, row 2, column 1"
    pg.keyboard.press("End")  # the row's last cell
    assert _focused(pg) == "Kernel, row 2, column 3"
    pg.keyboard.press("Control+Home")  # the grid's first cell
    assert _focused(pg) == "Kernel, row 1, column 1"
    pg.keyboard.press("Control+End")  # the grid's last cell
    assert _focused(pg) == "Kernel, row 3, column 3"
    # F2 edits the text: the caret goes to its end, and Left moves it, not the focus.
    pg.keyboard.press("ArrowUp")
    pg.keyboard.press("F2")
    pg.keyboard.press("ArrowLeft")
    pg.keyboard.press("Home")
    pg.keyboard.type("1")
    assert _focused(pg) == "Kernel, row 2, column 3"
    assert _cell(pg, 2, 3).input_value() == "1-1"
    # Escape puts back the cell's last sent text, and the arrows move again.
    pg.keyboard.press("Escape")
    assert _cell(pg, 2, 3).input_value() == "-1"
    pg.keyboard.press("ArrowLeft")
    assert _focused(pg) == "Kernel, row 2, column 2"
    assert [_cell(pg, 1, c).input_value() for c in (1, 2, 3)] == ["2", "4", "0"]
    assert [_cell(pg, 2, c).input_value() for c in (1, 2, 3)] == ["-1", "5", "-1"]
    _sum_is(pg, "8")
    assert "k=" in pg.url
    assert not no_exception_box(pg)


def test_a_spreadsheet_block_pastes_from_the_focused_cell_and_survives_a_reload(playground):
    pg = playground
    _paste(pg, _cell(pg, 1, 1), "1\t2\t3\r\n4\t5\t6\r\n7\t8\t9\r\n")
    _sum_is(pg, "45")
    assert [[_cell(pg, r, c).input_value() for c in (1, 2, 3)] for r in (1, 2, 3)] == [
        ["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"]]
    pg.wait_for_function("() => location.search.includes('k=1%2C2%2C3')"
                         " || location.search.includes('k=1,2,3')", polling=100)
    # A block that does not fit: what fits is pasted, and a note says what was left out.
    _paste(pg, _cell(pg, 3, 3), "0\t0\n0\t0\n")
    pg.get_by_text("2 × 2: 3 cells past the 3 × 3 grid were left out").wait_for()
    _sum_is(pg, "36")
    pg.reload()
    wait_for_app(pg, TITLE)
    _sum_is(pg, "36")
    assert [[_cell(pg, r, c).input_value() for c in (1, 2, 3)] for r in (1, 2, 3)] == [
        ["1", "2", "3"], ["4", "5", "6"], ["7", "8", "0"]]


def test_a_bad_cell_is_reported_at_the_cell_and_kept_as_typed(playground):
    pg = playground
    cell = _cell(pg, 2, 2)
    cell.click()
    cell.fill("5x")
    pg.keyboard.press("Enter")
    message = "Cell (row 2, column 2) is not a number: '5x'"
    pg.get_by_test_id("cnnviz-cells").get_by_text(message).wait_for()
    assert cell.get_attribute("aria-invalid") == "true"
    # Screen readers read the message with the cell.
    described = cell.get_attribute("aria-describedby")
    assert pg.locator(f"#{described}").inner_text() == message
    # The page's own message, and the cell as typed.
    pg.get_by_text("kernel cell (row 2, column 2) is not a number: '5x'").first.wait_for()
    assert cell.input_value() == "5x"
    # The message sits right under the grid, on the first screen.
    box = pg.get_by_test_id("cnnviz-cells").get_by_text(message).bounding_box()
    grid = pg.get_by_test_id("cnnviz-cells").locator("table").bounding_box()
    assert 0 <= box["y"] - (grid["y"] + grid["height"]) < 30 and box["y"] < 1000
    screenshot(pg, "cells_bad_cell")
    cell.fill("5")
    pg.keyboard.press("Tab")
    _sum_is(pg, "1")
    assert cell.get_attribute("aria-invalid") is None
    assert not pg.get_by_test_id("cnnviz-cells").get_by_text(message).count()


def test_no_dataframe_chunks_on_the_playground(browser, app_url):
    """The first visit loads no DataFrame / Arrow script (what the data editor cost)."""
    scripts = []
    with fresh_page(browser, 1400, 1000) as pg:
        pg.on("request",
              lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
        pg.goto(f"{app_url}/")
        wait_for_app(pg, TITLE)
        _cell(pg, 1, 1).wait_for()
        pg.wait_for_timeout(500)
    names = [url.rsplit("/", 1)[-1] for url in scripts]
    # (moment and numbro come with the number inputs too.)
    chunks = ("DataFrame.", "arrowFormatUtils.", "reactJsonViewCompat.")
    assert not [n for n in names if n.startswith(chunks)], names
    assert any(n.startswith("cellgrid.") for n in names), names


def test_presenter_mode_cells_are_larger_and_on_the_first_screen(browser, app_url):
    with fresh_page(browser, 1280, 720) as pg:
        pg.goto(f"{app_url}/?present=true")
        wait_for_app(pg, TITLE)
        cell = _cell(pg, 3, 3)
        cell.wait_for()
        # Read where the cell settles: on a busy machine the page is still laying out (the
        # presenter CSS, the sidebar) for a moment after its title shows.
        box, last = cell.bounding_box(), None
        for _ in range(50):
            if box == last:
                break
            pg.wait_for_timeout(200)
            box, last = cell.bounding_box(), box
        assert box["y"] + box["height"] <= 720 and box["height"] >= 35 and box["width"] >= 75, box
        size = float(cell.evaluate("el => getComputedStyle(el).fontSize").removesuffix("px"))
        assert size >= 16, size  # the data editor printed 14 px
        cell.click()
        cell.fill("1")
        pg.keyboard.press("Enter")
        _sum_is(pg, "2")
        screenshot(pg, "cells_presenter")


# An 11 × 11 kernel (the largest) in the page's link: row r, column c holds r*11 + c.
BIG = ";".join(",".join(str(r * 11 + c) for c in range(11)) for r in range(11))


def _in_grid(pg) -> bool:
    return pg.evaluate(
        "() => !!document.activeElement && !!document.activeElement.closest("
        "'[data-testid=\"cnnviz-cells\"]')")


def test_one_tab_stop_per_grid_past_an_11_by_11_kernel(page, app_url):
    """Tab from the control before the grid lands in the grid; one more Tab leaves it, and
    Tab comes back to the cell last focused.

    Every cell was its own Tab stop: 121 presses to get past an 11 × 11 kernel."""
    pg = page
    pg.goto(f"{app_url}/?k={BIG}")
    wait_for_app(pg, TITLE)
    _cell(pg, 11, 11).wait_for()
    pg.get_by_role("spinbutton", name="Columns f_W").focus()
    pg.keyboard.press("Tab")
    assert _focused(pg) == "Kernel, row 1, column 1"
    presses = 0
    while _in_grid(pg) and presses < 200:
        pg.keyboard.press("Tab")
        presses += 1
    assert presses == 1
    # On the next control (the first of the kernel's buttons), not lost.
    assert pg.evaluate("() => document.activeElement.innerText.trim()") == "Normalise"
    pg.keyboard.press("Shift+Tab")
    assert _focused(pg) == "Kernel, row 1, column 1"
    pg.keyboard.press("Shift+Tab")
    assert not _in_grid(pg)
    assert pg.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Columns f_W"
    # Inside, the keys move; Tab leaves from any cell and comes back to the one last focused.
    pg.keyboard.press("Tab")
    pg.keyboard.press("Control+End")
    assert _focused(pg) == "Kernel, row 11, column 11"
    pg.keyboard.press("ArrowUp")
    pg.keyboard.press("ArrowLeft")
    pg.keyboard.press("Home")
    assert _focused(pg) == "Kernel, row 10, column 1"
    pg.keyboard.press("ArrowRight")
    pg.keyboard.press("ArrowRight")
    assert _focused(pg) == "Kernel, row 10, column 3"
    pg.keyboard.press("Tab")
    assert not _in_grid(pg)
    pg.keyboard.press("Shift+Tab")
    assert _focused(pg) == "Kernel, row 10, column 3"
    # Text selected as the keyboard arrives: typing replaces the cell.
    pg.keyboard.type("7")
    assert _cell(pg, 10, 3).input_value() == "7"
    # Exactly one cell of the grid is in the Tab order.
    stops = pg.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="cnnviz-cells"] input')].filter((i) => i.tabIndex === 0)
        .map((i) => i.getAttribute('aria-label'))""")
    assert stops == ["Kernel, row 10, column 3"]
    # A click makes the cell clicked the Tab stop.
    _cell(pg, 2, 5).click()
    pg.keyboard.press("Tab")
    pg.keyboard.press("Shift+Tab")
    assert _focused(pg) == "Kernel, row 2, column 5"
    assert not no_exception_box(pg)


def test_the_grid_is_named_for_screen_readers(playground):
    """role=grid named by its label, rows and gridcells; each cell named by row and column."""
    pg = playground
    grid = pg.get_by_role("grid", name="Kernel", exact=True)
    assert grid.count() == 1
    assert grid.get_attribute("aria-rowcount") == "3" and grid.get_attribute("aria-colcount") == "3"
    rows = grid.get_by_role("row")
    assert rows.count() == 3  # the column numbers over it are for the eye only
    assert rows.nth(1).get_by_role("gridcell").count() == 3
    cell = rows.nth(1).get_by_role("gridcell").nth(2).get_by_role("textbox")
    assert cell.get_attribute("aria-label") == "Kernel, row 2, column 3"
    # Its description tells the keys.
    hint = pg.locator(f"#{grid.get_attribute('aria-describedby')}")
    assert "Tab leaves the grid" in hint.text_content()
    snapshot = grid.aria_snapshot()
    assert 'textbox "Kernel, row 2, column 3"' in snapshot, snapshot


def test_the_pages_keys_leave_a_focused_cell_alone_on_step_by_step(page, app_url):
    """The animation's keys (arrows, Home / End, PageDown, "A") and the key keeper in the
    page's head take nothing from a focused cell; out of the grid they work as before."""
    from .test_stepping import FOCUSED_BOX, URL, _open

    pg = page
    counter = pg.get_by_test_id("cnnviz-step-counter")
    for present in (False, True):
        _open(pg, app_url + URL + ("&present=true" if present else ""))
        if present:  # the animation has the keyboard as the page opens
            pg.wait_for_function(FOCUSED_BOX, polling=100)
        start = counter.inner_text()
        pg.get_by_text("Kernel", exact=True).first.click()  # its expander
        first = _cell(pg, 1, 1)
        first.wait_for()
        first.focus()
        for key, where in (("ArrowRight", "row 1, column 2"), ("End", "row 1, column 3"),
                           ("Home", "row 1, column 1"), ("ArrowDown", "row 2, column 1"),
                           ("PageDown", "row 2, column 1"), ("Control+End", "row 3, column 3"),
                           ("Control+Home", "row 1, column 1")):
            pg.keyboard.press(key)
            assert _focused(pg) == f"Kernel, {where}", key
        # "A" typed into a cell is typing, not a jump to the animation.
        pg.keyboard.press("F2")
        pg.keyboard.press("a")
        assert _focused(pg) == "Kernel, row 1, column 1"
        assert first.input_value().endswith("a")
        pg.keyboard.press("Escape")
        assert not pg.evaluate(FOCUSED_BOX)
        assert counter.inner_text() == start  # no step taken
        # Out of the grid, the page's own keys still work.
        pg.evaluate("() => document.activeElement.blur()")
        pg.keyboard.press("a")
        assert pg.evaluate(FOCUSED_BOX)
        pg.keyboard.press("PageDown")
        pg.wait_for_function("([el, before]) => el.textContent.trim() !== before",
                             arg=[counter.element_handle(), start], polling=100)
        assert not no_exception_box(pg)


@pytest.mark.parametrize(("width", "height", "present"),
                         [(1400, 1000, False), (1280, 720, False), (1280, 720, True)])
def test_the_focused_cell_shows_its_focus_ring(browser, app_url, width, height, present):
    """Tabbed to, a cell has a visible focus ring (screenshots: artifacts/screens/)."""
    with fresh_page(browser, width, height) as pg:
        pg.goto(f"{app_url}/" + ("?present=true" if present else ""))
        wait_for_app(pg, TITLE)
        _cell(pg, 1, 1).wait_for()
        pg.get_by_role("spinbutton", name="Columns f_W").focus()
        pg.keyboard.press("Tab")
        pg.keyboard.press("ArrowDown")
        pg.keyboard.press("ArrowRight")
        cell = _cell(pg, 2, 2)
        assert _focused(pg) == "Kernel, row 2, column 2"
        # The ring: a 2 px inset shadow in the focus blue, not the page's plain cell.
        shadow = cell.evaluate("el => getComputedStyle(el).boxShadow")
        assert "inset" in shadow and "2px" in shadow, shadow
        cell.scroll_into_view_if_needed()
        box = cell.bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= height
        SHOTS.mkdir(parents=True, exist_ok=True)
        name = f"cells_focus_{width}x{height}{'_present' if present else ''}.png"
        pg.screenshot(path=str(SHOTS / name))
        # The ring's blue (#0b4fa8) is in the cell's own pixels.
        pixels = np.asarray(Image.open(BytesIO(cell.screenshot())).convert("RGB"), dtype=int)
        blue = (np.abs(pixels - [11, 79, 168]).sum(axis=2) < 60).sum()
        assert blue > 2 * (box["width"] + box["height"]), blue  # about its outline, 2 px wide


def test_colour_volumes_three_slices_are_three_tab_stops(page, app_url):
    """Each grid is one Tab stop: from the filter size, Tab goes through each slice's preset
    and its grid once (3 × 3 × 3 cells were 27 stops)."""
    pg = page
    pg.goto(f"{app_url}/colour")
    wait_for_app(pg, "Slice B")
    _cell(pg, 3, 3, "Slice B").wait_for()
    stops = pg.evaluate("""() => [...document.querySelectorAll('[data-testid="cnnviz-cells"]')]
        .map((g) => [...g.querySelectorAll('input')].filter((i) => i.tabIndex === 0).length)""")
    assert stops == [1, 1, 1]
    pg.get_by_role("spinbutton", name=re.compile("^Filter size f")).focus()
    cells = []
    for _ in range(12):
        pg.keyboard.press("Tab")
        if _in_grid(pg):
            cells.append(_focused(pg))
        elif cells and cells[-1].startswith("Slice B"):
            break
    assert cells == [f"Slice {n}, row 1, column 1" for n in "RGB"]
    # Inside slice G, the arrows stay in slice G.
    _cell(pg, 1, 1, "Slice G").focus()
    pg.keyboard.press("Control+End")
    pg.keyboard.press("ArrowRight")
    assert _focused(pg) == "Slice G, row 3, column 3"


# From the page's first moment: every height each cell grid's element takes (a grid's key is
# "<name>_editor_<version>", or "<name>_editor_<slice>_<version>"), frame by frame, as a
# ResizeObserver sees it (what a person sees move; the PerformanceObserver's layout shifts are
# the page's whole, the sidebar's and the later sections' too).
GRID_HEIGHTS = r"""
window.__cnnvizGridHeights = {};
const heights = new ResizeObserver((entries) => {
  for (const e of entries) {
    const key = e.target.className.match(/st-key-(\S+)/)[1];
    (window.__cnnvizGridHeights[key] ||= []).push(e.borderBoxSize[0].blockSize);
  }
});
const seen = new WeakSet();
new MutationObserver(() => {
  for (const el of document.querySelectorAll('[data-testid="stElementContainer"]')) {
    if (!seen.has(el) && /(^|\s)st-key-\S+_editor_(\S+_)?\d+(\s|$)/.test(el.className)) {
      seen.add(el);
      heights.observe(el);
    }
  }
}).observe(document, { childList: true, subtree: true });
"""


@pytest.mark.parametrize(("where", "title", "grids", "width", "height"), [
    ("/", TITLE, 1, 1400, 1000), ("/", TITLE, 1, 1280, 720),
    ("/?present=true", TITLE, 1, 1280, 720), (f"/?k={BIG}", TITLE, 1, 1400, 1000),
    ("/colour", "Slice B", 3, 1400, 1000), ("/colour?present=true", "Slice B", 3, 1280, 720),
    ("/transposed", "Transposed convolution", 2, 1400, 1000),
    ("/transposed?present=true", "Transposed convolution", 2, 1280, 720),
])
def test_a_grid_takes_its_height_before_its_script_loads(browser, app_url, where, title, grids,
                                                          width, height):
    """A first visit: the grid's element is as tall from its first frame as once drawn, so
    nothing below it moves when its script arrives (it was 40 px, Streamlit's placeholder,
    then 0, then the grid: everything below jumped down by about 100 px)."""
    with fresh_page(browser, width, height) as pg:
        pg.add_init_script(GRID_HEIGHTS)
        pg.goto(app_url + where)
        wait_for_app(pg, title)
        pg.wait_for_function(f"() => document.querySelectorAll("
                             f"'[data-testid=\"cnnviz-cells\"] table').length >= {grids}",
                             polling=100)
        pg.wait_for_timeout(500)
        seen = pg.evaluate("window.__cnnvizGridHeights")
        # Each grid as drawn: its key, and its height.
        drawn = dict(pg.evaluate("""() => [...document.querySelectorAll(
            '[data-testid="cnnviz-cells"]')].map((g) => [
                g.closest('[data-testid="stElementContainer"]').className
                  .match(/st-key-(\\S+)/)[1], g.getBoundingClientRect().height])"""))
        assert len(seen) == grids == len(drawn) and set(seen) == set(drawn), (seen, drawn)
        for key, frames in seen.items():
            # Every frame's height is the drawn grid's, to the pixel: nothing below it moves
            # (but for Streamlit's gap between elements, which presenter mode's styles change
            # for every element as they arrive).
            assert all(abs(h - drawn[key]) < 1 for h in frames), (key, frames, drawn[key])
            assert frames[0] >= 35 * 2, (key, frames)  # a header and a row, at least
        assert not no_exception_box(pg)


def test_back_on_the_page_a_grid_with_a_bad_cell_takes_its_height_at_once(browser, app_url):
    """A page switch away and back draws the grid anew, with the bad cell typed before and its
    message: its element is as tall from its first frame (its message counted) as drawn."""
    with fresh_page(browser, 1400, 1000) as pg:
        pg.add_init_script(GRID_HEIGHTS)
        pg.goto(f"{app_url}/")
        wait_for_app(pg, TITLE)
        cell = _cell(pg, 2, 2)
        cell.click()
        cell.fill("x")
        pg.keyboard.press("Enter")
        message = "Cell (row 2, column 2) is not a number: 'x'"
        pg.get_by_test_id("cnnviz-cells").get_by_text(message).wait_for()
        nav = pg.get_by_test_id("stSidebarNavItems")
        nav.get_by_role("link", name="Pooling").click()
        wait_for_app(pg, "Pooling")
        pg.evaluate("() => { window.__cnnvizGridHeights = {}; }")
        nav.get_by_role("link", name="Playground").click()
        wait_for_app(pg, TITLE)
        pg.get_by_test_id("cnnviz-cells").get_by_text(message).wait_for()
        pg.wait_for_timeout(500)
        seen = pg.evaluate("window.__cnnvizGridHeights")
        drawn = pg.get_by_test_id("cnnviz-cells").bounding_box()["height"]
        assert list(seen) == ["kernel_editor_1"], seen
        frames = seen["kernel_editor_1"]
        assert all(abs(h - drawn) < 1 for h in frames), (frames, drawn)
        assert _cell(pg, 2, 2).input_value() == "x"


def test_a_message_that_wraps_makes_the_grid_taller_not_cut_off(browser, app_url):
    """The element's height from Python counts a bad cell's message as one line; in presenter
    mode's narrow kernel column at 1280 x 720 it wraps, and the grid's element grows with it
    (Streamlit's fixed height and flex basis are the grid's own once it is drawn)."""
    with fresh_page(browser, 1280, 720) as pg:
        pg.goto(f"{app_url}/?present=true")
        wait_for_app(pg, TITLE)
        for row in (1, 2):
            cell = _cell(pg, row, 1)
            cell.click()
            cell.fill("x")
            pg.keyboard.press("Enter")
            pg.get_by_test_id("cnnviz-cells").get_by_text(
                f"Cell (row {row}, column 1) is not a number: 'x'").wait_for()
        pg.wait_for_timeout(500)
        grid = pg.get_by_test_id("cnnviz-cells")
        box = grid.bounding_box()
        element = pg.locator('[data-testid="stElementContainer"]').filter(has=grid)
        outer = element.bounding_box()
        last = grid.locator(".cg-errors p").last.bounding_box()
        assert last["height"] > 30  # two lines: the case this is about
        assert abs(outer["height"] - box["height"]) < 1, (outer, box)
        assert last["y"] + last["height"] <= outer["y"] + outer["height"] + 0.5
        # Nothing scrolls inside the element.
        assert element.evaluate("el => el.scrollHeight <= el.clientHeight + 1")
        # What follows (the kernel's buttons) starts below the messages.
        button = pg.get_by_role("button", name="Normalise").bounding_box()
        assert button["y"] >= last["y"] + last["height"]
        screenshot(pg, "cells_wrapped_message_presenter")


def _away_and_back(pg) -> None:
    """Another window takes the focus, then this one gets it back (alt-tab and back): the
    focused cell gets a real blur and focus. (Playwright's focus emulation, which keeps every
    page focused, is turned off for this page.)"""
    cdp = pg.context.new_cdp_session(pg)
    cdp.send("Emulation.setFocusEmulationEnabled", {"enabled": False})
    other = pg.context.new_page()
    other.bring_to_front()
    pg.wait_for_function("() => !document.hasFocus()", polling=50)
    pg.wait_for_timeout(300)
    pg.bring_to_front()
    pg.wait_for_function("() => document.hasFocus()", polling=50)
    other.close()
    cdp.send("Emulation.setFocusEmulationEnabled", {"enabled": True})
    cdp.detach()


def test_an_edit_survives_the_window_losing_and_regaining_the_focus(browser, app_url):
    """Typing in a cell, alt-tab away and back: the edit goes on where the caret was (the
    returning focus was taken for the keyboard's arrival: the text selected, the edit ended,
    so the next key replaced what was typed)."""
    with fresh_page(browser, 1400, 1000) as pg:
        pg.goto(f"{app_url}/")
        wait_for_app(pg, TITLE)
        _sum_is(pg, "1")  # sharpen: its centre is 5
        cell = _cell(pg, 2, 2)
        cell.click()
        pg.keyboard.press("End")
        pg.keyboard.type("7")
        pg.keyboard.press("ArrowLeft")  # the caret between 5 and 7
        _away_and_back(pg)
        _sum_is(pg, "53")  # leaving the page sent the cell ("57"), as leaving a cell does
        assert _focused(pg) == "Kernel, row 2, column 2"
        pg.keyboard.type("0")  # at the caret
        assert cell.input_value() == "507"
        pg.keyboard.press("ArrowRight")  # still the caret's
        pg.keyboard.press("ArrowLeft")
        assert _focused(pg) == "Kernel, row 2, column 2"
        pg.keyboard.press("Enter")
        _sum_is(pg, "503")
        # Navigating (reached by the keyboard, its text selected), away and back: still
        # navigating, the arrows move on and typing replaces.
        assert _focused(pg) == "Kernel, row 3, column 2"
        _away_and_back(pg)
        pg.keyboard.press("ArrowRight")
        assert _focused(pg) == "Kernel, row 3, column 3"
        pg.keyboard.type("1")
        assert _cell(pg, 3, 3).input_value() == "1"
        assert not no_exception_box(pg)
