"""The layer tables (cnnviz.ui.grid.Rows.editor: the cell grid's rows mode) in a real browser.

What the data editor did on the Receptive field and Shapes pages, the app's own table still
does: a choice of type, numbers typed into named cells, Enter / the arrows between them, a
row added with the button under the table and one deleted with its own button, the stack
kept in the link over a reload, a bad value kept as typed with its message at the table (the
last good stack stays in use; a reload shows it again), and presenter mode's larger type.
The table is ONE Tab stop with the matrix grid's keys (test_cells.py): a roving tabindex,
the arrows reaching every column and each row's delete button, navigating vs editing. And the
Receptive field page loads none of Streamlit's DataFrame / Arrow chunks any more.
"""

from __future__ import annotations

import re
from io import BytesIO

import numpy as np
import pytest
from PIL import Image

from .conftest import SHOTS, fresh_page, no_exception_box, screenshot, wait_for_app

RF = "Receptive field"
SHAPES = "Shapes and parameters"
CHUNKS = ("DataFrame.", "arrowFormatUtils.", "reactJsonViewCompat.")


def _cell(pg, layer: int, column: str, choice: bool | None = None):
    """A layer table's cell, by the name a screen reader reads: a choice (type, mode, and
    the Shapes page's p) or a number."""
    name = f"Layer {layer}, {column}"
    role = "combobox" if (column in ("type", "mode") if choice is None else choice) \
        else "textbox"
    return pg.get_by_role(role, name=name, exact=True)


def _focused(pg) -> str:
    return pg.evaluate("() => document.activeElement.getAttribute('aria-label') || ''")


def _rows(pg) -> int:
    return pg.get_by_role("button", name=re.compile(r"^Delete layer \d+$")).count()


def _field_is(pg, r: int) -> None:
    """Until the page (Python, after the rerun) says the receptive field is r × r."""
    pg.get_by_text(f"Receptive field: {r} × {r}").first.wait_for()


@pytest.fixture
def rf_page(page, app_url):
    page.goto(f"{app_url}/receptive_field")
    wait_for_app(page, RF)
    _cell(page, 1, "k").wait_for()
    _field_is(page, 7)  # three 3×3 convolutions
    return page


def test_no_dataframe_chunks_on_the_receptive_field_page(browser, app_url):
    """The whole page (its first screen and the rest) loads no DataFrame / Arrow script:
    its layer table was a data editor, the page's only one."""
    scripts = []
    with fresh_page(browser, 1400, 1000) as pg:
        pg.on("request",
              lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
        pg.goto(f"{app_url}/receptive_field")
        wait_for_app(pg, RF)  # the whole page, the part after the first screen included
        _cell(pg, 1, "k").wait_for()
        pg.get_by_text("Layer by layer").first.wait_for()
        pg.wait_for_timeout(500)
        assert not pg.locator('[data-testid="stDataFrame"]').count()
    names = [url.rsplit("/", 1)[-1] for url in scripts]
    assert not [n for n in names if n.startswith(CHUNKS)], names
    assert any(n.startswith("cellgrid.") for n in names), names


def test_type_move_add_and_delete_a_layer(rf_page):
    pg = rf_page
    k = _cell(pg, 1, "k")
    k.click()
    k.fill("5")
    # Tab leaves the table (its one Tab stop) for "Add a layer"; Shift+Tab comes back.
    pg.keyboard.press("Tab")
    assert pg.evaluate("() => document.activeElement.innerText.trim()") == "+ Add a layer"
    _field_is(pg, 9)  # the edit reached Python on leaving the cell
    pg.keyboard.press("Shift+Tab")
    assert _focused(pg) == "Layer 1, k"
    pg.keyboard.press("ArrowRight")
    assert _focused(pg) == "Layer 1, s"
    pg.wait_for_function("() => location.search.includes('rf_stack=conv')", polling=100)
    # The arrows: down a column, Left from a cell just reached, and on a choice the arrows
    # move rather than change it.
    pg.keyboard.press("ArrowDown")
    assert _focused(pg) == "Layer 2, s"
    pg.keyboard.press("ArrowLeft")
    pg.keyboard.press("ArrowLeft")
    assert _focused(pg) == "Layer 2, type"
    pg.keyboard.press("ArrowDown")
    assert _focused(pg) == "Layer 3, type"
    assert _cell(pg, 3, "type").input_value() == "conv"
    pg.keyboard.press("Shift+Enter")
    assert _focused(pg) == "Layer 2, type"
    # Add a layer: an empty row (its cells "—"), the focus on its type.
    pg.get_by_role("button", name="Add a layer").click()
    assert _rows(pg) == 4 and _focused(pg) == "Layer 4, type"
    assert _cell(pg, 4, "k").get_attribute("placeholder") == "—"
    pg.get_by_text("row 4 (no type): no type").first.wait_for()  # the page's own check
    _cell(pg, 4, "type").select_option("pool")
    pg.keyboard.press("ArrowRight")
    assert _focused(pg) == "Layer 4, k"
    pg.keyboard.type("2")
    pg.keyboard.press("Enter")
    _field_is(pg, 10)  # 5, 3, 3 and a 2×2 pool of stride 1 (empty: 1)
    assert [_cell(pg, 4, c).input_value() for c in ("type", "k", "s", "p", "d")] == [
        "pool", "2", "", "", ""]
    # Delete layer 2: the focus goes to the delete button of the row that took its place.
    pg.get_by_role("button", name="Delete layer 2").click()
    assert _rows(pg) == 3 and _focused(pg) == "Delete layer 2"
    _field_is(pg, 8)
    assert [_cell(pg, r, "type").input_value() for r in (1, 2, 3)] == ["conv", "conv", "pool"]
    # The stack travels in the link: a reload shows it.
    pg.wait_for_function("() => location.search.includes('pool%2C2') "
                         "|| location.search.includes('pool,2')", polling=100)
    pg.reload()
    wait_for_app(pg, RF)
    _field_is(pg, 8)
    assert _rows(pg) == 3 and _cell(pg, 1, "k").input_value() == "5"
    assert not no_exception_box(pg)


def test_up_to_six_layers_then_the_add_button_says_why_not(rf_page):
    pg = rf_page
    add = pg.get_by_role("button", name="Add a layer")
    for rows in (4, 5, 6):
        add.click()
        assert _rows(pg) == rows
    assert add.is_disabled() and add.get_attribute("title") == (
        "Up to 6 layers: delete one to add another")
    pg.get_by_role("button", name="Delete layer 6").click()
    assert _rows(pg) == 5 and add.is_enabled()


def test_a_bad_value_is_kept_with_its_message_and_the_last_good_stack_stays(rf_page):
    pg = rf_page
    cell = _cell(pg, 2, "k")
    cell.click()
    cell.fill("3x")
    pg.keyboard.press("Enter")
    table = pg.get_by_test_id("cnnviz-cells")
    message = "Row 2, column k: '3x' is not a whole number"
    table.get_by_text(message).wait_for()
    table.get_by_text("the page uses the last good table; your text is kept").wait_for()
    assert cell.get_attribute("aria-invalid") == "true"
    # Screen readers read the message with the cell, then the column's help.
    described = cell.get_attribute("aria-describedby").split()
    assert pg.locator(f"#{described[0]}").inner_text() == message
    assert pg.locator(f"#{described[1]}").text_content() == (
        "Kernel (window) size. A whole number, 1 to 11.")
    assert cell.input_value() == "3x"
    _field_is(pg, 7)  # the last good stack's result stays, with no error box
    assert not pg.locator('[data-testid="stAlertContentError"]').count()
    # The message sits right under the table, on the first screen.
    box = table.get_by_text(message).bounding_box()
    grid = table.locator("table").bounding_box()
    assert 0 <= box["y"] - (grid["y"] + grid["height"]) < 30 and box["y"] < 1000
    screenshot(pg, "rows_bad_cell")
    # A reload keeps it: the link holds the table as typed.
    pg.wait_for_function("() => location.search.includes('typed')", polling=100)
    pg.reload()
    wait_for_app(pg, RF)
    cell = _cell(pg, 2, "k")
    table = pg.get_by_test_id("cnnviz-cells")
    table.get_by_text(message).wait_for()
    assert cell.input_value() == "3x" and cell.get_attribute("aria-invalid") == "true"
    _field_is(pg, 7)
    cell.click()
    cell.fill("5")
    pg.keyboard.press("Tab")
    _field_is(pg, 9)
    assert cell.get_attribute("aria-invalid") is None
    assert not table.get_by_text(message).count()


def test_column_help_is_the_headers_tooltip(rf_page):
    heads = rf_page.get_by_test_id("cnnviz-cells").locator("th[scope=col]")
    titles = {h.inner_text(): h.get_attribute("title") for h in heads.all()}
    assert titles["type"] == "conv, or max pool. One of conv, pool."
    assert titles["d"] == "Dilation; empty: 1. A whole number, 1 to 8."


def test_presenter_mode_the_table_is_larger_and_on_the_first_screen(browser, app_url):
    with fresh_page(browser, 1280, 720) as pg:
        pg.goto(f"{app_url}/receptive_field?present=true")
        wait_for_app(pg, RF)
        cell = _cell(pg, 3, "d")
        cell.wait_for()
        add = pg.get_by_role("button", name="Add a layer")
        box = add.bounding_box()
        assert box["y"] + box["height"] <= 720
        size = float(cell.evaluate("el => getComputedStyle(el).fontSize").removesuffix("px"))
        assert size >= 16, size  # the data editor printed 14 px
        assert cell.bounding_box()["height"] >= 33
        screenshot(pg, "rows_presenter")


def test_the_shapes_network_table(page, app_url):
    pg = page
    pg.goto(f"{app_url}/shapes?shp_first=network")
    wait_for_app(pg, SHAPES)
    units = _cell(pg, 1, "filters/units")
    units.wait_for()
    assert _rows(pg) == 13  # LeNet-5
    # The only DataFrame left on the page is the per-layer report, not the editor.
    frames = pg.locator('[data-testid="stDataFrame"]')
    frames.first.wait_for()
    assert frames.count() == 1
    assert [_cell(pg, 2, c, choice=True).input_value() for c in ("type", "p", "mode")] == [
        "activation", "", "tanh"]
    metric = pg.get_by_test_id("stMetric").first
    assert "61,706" in metric.inner_text()
    units.click()
    units.fill("8")
    pg.keyboard.press("Enter")  # sends and moves down (Tab leaves the table)
    assert _focused(pg) == "Layer 2, filters/units"
    pg.get_by_text("differs from the published count of 61,706").first.wait_for()
    # A choice of padding.
    _cell(pg, 1, "p", choice=True).select_option("same")
    pg.wait_for_function("() => /stack=conv(%2C|,)8(%2C|,)5(%2C|,)1(%2C|,)same/"
                         ".test(location.search)", polling=100)
    pg.get_by_role("button", name="Add a layer").click()
    assert _rows(pg) == 14 and _focused(pg) == "Layer 14, type"
    pg.get_by_text("row 14 (no type)").first.wait_for()
    pg.get_by_role("button", name="Delete layer 14").click()
    assert _rows(pg) == 13 and _focused(pg) == "Delete layer 13"
    pg.get_by_text("differs from the published count of 61,706").first.wait_for()
    assert not pg.get_by_text("row 14 (no type)").count()
    assert not no_exception_box(pg)
    screenshot(pg, "rows_shapes")


def test_edits_survive_a_page_switch_and_a_preset_replaces_the_table(rf_page):
    pg = rf_page
    k = _cell(pg, 1, "k")
    k.click()
    k.fill("5")
    pg.keyboard.press("Enter")
    _field_is(pg, 9)
    nav = pg.locator('[data-testid="stSidebarNav"]')
    nav.get_by_text("Pooling", exact=True).click()
    pg.locator("h1", has_text="Pooling").wait_for()
    wait_for_app(pg, "Pooling")
    nav.get_by_text("Receptive field", exact=True).click()
    pg.locator("h1", has_text=RF).wait_for()
    wait_for_app(pg, RF)
    _field_is(pg, 9)
    assert _rows(pg) == 3 and _cell(pg, 1, "k").input_value() == "5"
    # A preset replaces the whole table, the edit included.
    pg.get_by_label("Preset stack").click()
    pg.get_by_role("option", name="One 7×7 convolution").first.click()
    _field_is(pg, 7)
    pg.wait_for_function("() => document.querySelectorAll('.cg-rows tbody tr').length === 1",
                         polling=100)
    assert _cell(pg, 1, "k").input_value() == "7" and _rows(pg) == 1
    assert not no_exception_box(pg)


def test_leaving_a_cell_by_clicking_add_keeps_the_text_and_the_new_row(rf_page):
    """Leaving a cell by a click on "Add a layer" sends twice (the cell's text, then the new
    row): the run for the first must not take the new row away (nor the focus)."""
    pg = rf_page
    for attempt in range(3):
        k = _cell(pg, 3, "k")
        k.click()
        k.fill(str(5 + attempt))
        pg.get_by_role("button", name="Add a layer").click()
        rows = 4
        assert _rows(pg) == rows and _focused(pg) == f"Layer {rows}, type"
        pg.get_by_text(f"row {rows} (no type)").first.wait_for()
        wait_for_app(pg, RF)
        assert _rows(pg) == rows and _focused(pg) == f"Layer {rows}, type", attempt
        assert _cell(pg, 3, "k").input_value() == str(5 + attempt)
        pg.get_by_role("button", name=f"Delete layer {rows}").click()
        _field_is(pg, 9 + attempt)  # 3, 3 and 5 + attempt


# --- The keyboard: the table is ONE Tab stop, as the matrix grid (test_cells.py) ------------

VGG = "shapes?shp_first=network&shp_preset=vgg16"
SHAPES_COLUMNS = ("type", "filters/units", "f", "s", "p", "d", "mode")
RF_COLUMNS = ("type", "k", "s", "p", "d")


def _in_table(pg) -> bool:
    return pg.evaluate(
        "() => !!document.activeElement && !!document.activeElement.closest("
        "'[data-testid=\"cnnviz-cells\"] table')")


def _stops(pg) -> list[str]:
    """The names of the table's controls in the Tab order (tabindex 0): one, the Tab stop."""
    return pg.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="cnnviz-cells"] table input, [data-testid="cnnviz-cells"] table select,'
        + '[data-testid="cnnviz-cells"] table button')].filter((el) => el.tabIndex >= 0)
        .map((el) => el.getAttribute('aria-label'))""")


def _open_vgg(pg, app_url) -> None:
    pg.goto(f"{app_url}/{VGG}")
    wait_for_app(pg, SHAPES)
    _cell(pg, 1, "filters/units").wait_for()
    pg.wait_for_function("() => document.querySelectorAll('.cg-rows tbody tr').length > 30",
                         polling=100)


@pytest.mark.parametrize("where", ["rf", "vgg16"])
def test_one_tab_into_the_table_and_one_more_to_add_a_layer(page, app_url, where):
    """From the control before the table, Tab lands on its first cell and one more Tab on
    "Add a layer"; Shift+Tab comes back to the cell last focused. Every cell and every delete
    button was its own Tab stop: VGG16's network took well over 100 presses to get past."""
    pg = page
    if where == "rf":
        pg.goto(f"{app_url}/receptive_field")
        wait_for_app(pg, RF)
        _cell(pg, 1, "k").wait_for()
        before = pg.get_by_label("Preset stack")
    else:
        _open_vgg(pg, app_url)
        before = pg.get_by_role("spinbutton", name="Input n_c")
    before.focus()
    pg.keyboard.press("Tab")
    assert _focused(pg) == "Layer 1, type"
    presses = 0
    while _in_table(pg) and presses < 300:
        pg.keyboard.press("Tab")
        presses += 1
    assert presses == 1
    assert pg.evaluate("() => document.activeElement.innerText.trim()") == "+ Add a layer"
    pg.keyboard.press("Shift+Tab")
    assert _focused(pg) == "Layer 1, type"
    # Inside, the keys move; Tab leaves from any cell and comes back to the one last focused.
    pg.keyboard.press("Control+End")
    pg.keyboard.press("ArrowUp")
    pg.keyboard.press("Home")
    pg.keyboard.press("ArrowRight")
    assert _focused(pg) == f"Layer {_rows(pg) - 1}, {'k' if where == 'rf' else 'filters/units'}"
    stop = _focused(pg)
    assert _stops(pg) == [stop]
    pg.keyboard.press("Tab")
    assert not _in_table(pg)
    pg.keyboard.press("Shift+Tab")
    assert _focused(pg) == stop
    assert not no_exception_box(pg)


def test_the_arrows_reach_every_column_the_choices_and_the_delete_buttons(page, app_url):
    pg = page
    _open_vgg(pg, app_url)
    n = _rows(pg)
    _cell(pg, 1, "type").focus()
    names = [_focused(pg)]
    for _ in SHAPES_COLUMNS:
        pg.keyboard.press("ArrowRight")
        names.append(_focused(pg))
    assert names == [f"Layer 1, {c}" for c in SHAPES_COLUMNS] + ["Delete layer 1"]
    pg.keyboard.press("ArrowRight")  # the row's end: it stays
    assert _focused(pg) == "Delete layer 1"
    pg.keyboard.press("ArrowDown")
    assert _focused(pg) == "Delete layer 2"
    pg.keyboard.press("Home")
    assert _focused(pg) == "Layer 2, type"
    pg.keyboard.press("End")
    assert _focused(pg) == "Delete layer 2"
    pg.keyboard.press("Control+End")
    assert _focused(pg) == f"Delete layer {n}"
    pg.keyboard.press("Control+Home")
    assert _focused(pg) == "Layer 1, type"
    # On a choice the arrows move and never change it (Layer 2 is a ReLU).
    before = [_cell(pg, r, "mode", choice=True).input_value() for r in (1, 2, 3)]
    pg.keyboard.press("End")
    pg.keyboard.press("ArrowLeft")
    assert _focused(pg) == "Layer 1, mode"
    for key in ("ArrowDown", "ArrowDown", "ArrowUp", "ArrowLeft"):
        pg.keyboard.press(key)
    assert _focused(pg) == "Layer 2, d"
    assert [_cell(pg, r, "mode", choice=True).input_value() for r in (1, 2, 3)] == before
    assert not no_exception_box(pg)


def test_number_cells_navigate_or_edit_and_a_choice_is_picked_by_letter(rf_page):
    """As in the matrix grid: a number cell reached by the keyboard has its text selected
    (typing replaces it, the arrows move on); after typing, Left and Right move the caret;
    Escape puts the sent text back; F2 edits. A choice: Space, Alt+Down or Enter opens its
    list, its first letter picks it."""
    pg = rf_page
    _cell(pg, 1, "type").focus()
    pg.keyboard.press("ArrowRight")
    assert _focused(pg) == "Layer 1, k"
    pg.keyboard.type("5")
    pg.keyboard.press("ArrowLeft")  # the caret's, in an edit
    pg.keyboard.press("ArrowLeft")
    assert _focused(pg) == "Layer 1, k"
    pg.keyboard.type("1")
    assert _cell(pg, 1, "k").input_value() == "15"
    pg.keyboard.press("Escape")
    assert _cell(pg, 1, "k").input_value() == "3"
    pg.keyboard.press("ArrowRight")  # navigating again after Escape
    assert _focused(pg) == "Layer 1, s"
    assert _cell(pg, 1, "s").input_value() == "1"
    pg.keyboard.press("F2")  # an edit, the caret at the text's end
    pg.keyboard.press("Backspace")
    pg.keyboard.type("2")
    assert _cell(pg, 1, "s").input_value() == "2"
    pg.keyboard.press("Enter")  # sends, moves down
    assert _focused(pg) == "Layer 2, s"
    _field_is(pg, 11)  # a 3×3 convolution of stride 2, then two 3×3
    pg.keyboard.press("Control+Home")
    # Space, Alt+Down and Enter on a choice open its list (the picker): no move, no change.
    errors = []
    pg.on("pageerror", lambda err: errors.append(str(err)))
    is_open = "() => document.activeElement.matches(':open')"
    for key in (" ", "Alt+ArrowDown", "Enter"):
        pg.keyboard.press(key)
        assert _focused(pg) == "Layer 1, type" and pg.evaluate(is_open), key
        pg.keyboard.press("Escape")
        assert not pg.evaluate(is_open), key
    assert _cell(pg, 1, "type").input_value() == "conv" and errors == []
    pg.keyboard.press("p")  # the letter picks "pool"
    assert _cell(pg, 1, "type").input_value() == "pool"
    assert _focused(pg) == "Layer 1, type"
    pg.wait_for_function("() => location.search.includes('rf_stack=pool')", polling=100)
    # In the open list the arrows are the list's: Enter picks the option and closes it.
    pg.keyboard.press("Alt+ArrowDown")
    pg.keyboard.press("ArrowUp")
    pg.keyboard.press("Enter")
    assert not pg.evaluate(is_open)
    assert _focused(pg) == "Layer 1, type"
    assert _cell(pg, 1, "type").input_value() == "conv"
    pg.wait_for_function("() => location.search.includes('rf_stack=conv')", polling=100)
    _field_is(pg, 11)
    assert not no_exception_box(pg)


def test_the_tab_stop_stays_on_a_cell_that_exists_after_delete_and_add(rf_page):
    pg = rf_page
    _cell(pg, 1, "type").focus()
    pg.keyboard.press("Control+End")
    assert _focused(pg) == "Delete layer 3"
    pg.keyboard.press("Enter")  # the button's own key: it deletes, the arrows are not asked
    assert _rows(pg) == 2 and _focused(pg) == "Delete layer 2"
    assert _stops(pg) == ["Delete layer 2"]
    _field_is(pg, 5)
    wait_for_app(pg, RF)
    assert _stops(pg) == ["Delete layer 2"]
    pg.keyboard.press("Tab")
    assert not _in_table(pg)
    pg.keyboard.press("Enter")  # "Add a layer", by keyboard
    assert _rows(pg) == 3 and _focused(pg) == "Layer 3, type"
    assert _stops(pg) == ["Layer 3, type"]
    pg.get_by_text("row 3 (no type)").first.wait_for()
    wait_for_app(pg, RF)
    pg.keyboard.press("Tab")
    pg.keyboard.press("Shift+Tab")
    assert _focused(pg) == "Layer 3, type"
    # A preset with fewer rows: the Tab stop, on a row no longer there, goes to the first
    # cell (logic.tabStop, as a smaller matrix's).
    pg.keyboard.press("End")
    assert _focused(pg) == "Delete layer 3"
    pg.get_by_label("Preset stack").click()
    pg.get_by_role("option", name="One 7×7 convolution").first.click()
    pg.wait_for_function("() => document.querySelectorAll('.cg-rows tbody tr').length === 1",
                         polling=100)
    assert _stops(pg) == ["Layer 1, type"]
    # Deleting the last row left: the focus on "Add a layer", the next row's first cell
    # the Tab stop once added.
    pg.get_by_role("button", name="Delete layer 1").click()
    assert _rows(pg) == 0
    assert pg.evaluate("() => document.activeElement.innerText.trim()") == "+ Add a layer"
    pg.keyboard.press("Enter")
    assert _rows(pg) == 1 and _stops(pg) == ["Layer 1, type"]
    assert not no_exception_box(pg)


def test_the_table_is_a_grid_named_for_screen_readers(rf_page):
    pg = rf_page
    grid = pg.get_by_role("grid", name="Layers", exact=True)
    assert grid.count() == 1
    # The header row and three layers; the row number, five columns and the delete column.
    assert grid.get_attribute("aria-rowcount") == "4"
    assert grid.get_attribute("aria-colcount") == "7"
    rows = grid.get_by_role("row")
    assert rows.count() == 4
    assert rows.nth(2).get_by_role("gridcell").count() == 6
    assert rows.nth(2).get_by_role("gridcell").last.get_by_role("button").get_attribute(
        "aria-label") == "Delete layer 2"
    assert rows.nth(0).get_by_role("columnheader").count() == 7
    hint = pg.locator(f"#{grid.get_attribute('aria-describedby')}")
    assert "Tab leaves the table" in hint.text_content()
    pg.get_by_role("button", name="Add a layer").click()
    assert grid.get_attribute("aria-rowcount") == "5"


@pytest.mark.parametrize(("width", "height", "present"),
                         [(1400, 1000, False), (1280, 720, False), (1280, 720, True)])
def test_the_focused_layer_cell_shows_its_focus_ring(browser, app_url, width, height, present):
    """Reached by the keyboard, a number cell, a choice and a delete button show a visible
    focus ring (screenshots: artifacts/screens/)."""
    with fresh_page(browser, width, height) as pg:
        pg.goto(f"{app_url}/receptive_field" + ("?present=true" if present else ""))
        wait_for_app(pg, RF)
        _cell(pg, 1, "k").wait_for()
        pg.get_by_label("Preset stack").focus()
        pg.keyboard.press("Tab")
        pg.keyboard.press("ArrowDown")
        for name, key in (("Layer 2, type", None), ("Layer 2, k", "ArrowRight"),
                          ("Delete layer 2", "End")):
            if key:
                pg.keyboard.press(key)
            assert _focused(pg) == name
            el = pg.locator(f'[aria-label="{name}"]')
            shadow = el.evaluate("el => getComputedStyle(el).boxShadow")
            assert "inset" in shadow and "2px" in shadow, (name, shadow)
            el.scroll_into_view_if_needed()
            box = el.bounding_box()
            assert 0 <= box["y"] and box["y"] + box["height"] <= height
            pixels = np.asarray(Image.open(BytesIO(el.screenshot())).convert("RGB"), dtype=int)
            blue = (np.abs(pixels - [11, 79, 168]).sum(axis=2) < 60).sum()
            assert blue > 1.5 * (box["width"] + box["height"]), (name, blue)
            SHOTS.mkdir(parents=True, exist_ok=True)
            shot = f"rows_focus_{width}x{height}{'_present' if present else ''}"
            if name == "Layer 2, k":
                pg.screenshot(path=str(SHOTS / f"{shot}.png"))
            else:  # the table alone, its choice or its delete button focused
                pg.get_by_test_id("cnnviz-cells").screenshot(
                    path=str(SHOTS / f"{shot}_{'type' if 'type' in name else 'delete'}.png"))


@pytest.mark.parametrize("where", ["receptive_field", VGG])
def test_axe_finds_nothing_in_the_table(page, app_url, where):
    """axe-core on the table alone, every impact (test_a11y.py checks whole pages for the
    serious and critical ones): the grid's roles, names, counts and its Tab stop."""
    from axe_playwright_python.sync_playwright import Axe

    pg = page
    pg.goto(f"{app_url}/{where}")
    wait_for_app(pg, RF if where == "receptive_field" else SHAPES)
    _cell(pg, 1, "type").wait_for()
    _cell(pg, 1, "type").focus()
    pg.keyboard.press("End")  # a delete button holds the Tab stop
    results = Axe().run(pg, context={"include": [['[data-testid="cnnviz-cells"]']]},
                        options={"resultTypes": ["violations"]}).response
    assert [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
            for v in results["violations"]] == []
