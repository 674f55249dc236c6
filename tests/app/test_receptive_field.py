"""The "Receptive field" page through the real router."""

from __future__ import annotations

from cnnviz.ui import rf as ui_rf
from tests.app.conftest import (
    charts,
    exceptions,
    numbers,
    row_tables,
    shapes,
    switch,
    title,
    type_in,
)

PAGE = "pages/receptive_field.py"


def _open(open_page):
    """The page on the default photo at a 128-pixel working size (shrunk to 32 here)."""
    at = open_page(PAGE)
    at.select_slider(key="size").set_value(128).run()
    at.button(key="rf_centre").click().run()  # the cell of the first (smaller) image fits too
    assert not at.exception, exceptions(at)
    return at


def _charts(at) -> list[dict]:
    return charts(at)


def _titled(at, start: str) -> list[dict]:
    out = []
    for spec in _charts(at):
        if title(spec).startswith(start):
            out.append(spec)
    return out


def _rect(spec) -> tuple[float, float, float, float]:
    """(top, left, height, width) of the first outlined rectangle."""
    s = shapes(spec)[0]
    return s["y0"] + 0.5, s["x0"] + 0.5, s["y1"] - s["y0"], s["x1"] - s["x0"]


def _text(at) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.latex]
    parts += [e.value for e in at.caption] + [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


def _edit(at, edited=None, added=()):
    type_in(at, ui_rf.TABLE, edited, added).run()
    assert not at.exception, exceptions(at)


def test_default_render(open_page):
    at = _open(open_page)
    assert at.title[0].value == "Receptive field"
    text = _text(at)
    assert r"r = 1 + 1\cdot(3-1)\cdot 1 + 1\cdot(3-1)\cdot 1 + 1\cdot(3-1)\cdot 1 = 7" in text
    assert "Receptive field: 7 × 7" in text
    # Output cell centred on the 32×32 map; its region at the input and every layer.
    assert (at.number_input(key="rf_row").value, at.number_input(key="rf_col").value) == (16, 16)
    image = _titled(at, "Input 32 × 32")[0]
    assert _rect(image) == (13, 13, 7, 7)
    levels = [_titled(at, t)[0] for t in ("input a^[0]", "a^[1]", "a^[2]", "a^[3]")]
    assert [_rect(s)[2] for s in levels[:3]] == [7, 5, 3]
    assert "Rows 14–18, columns 14–18: 5 × 5 cells" in text
    paths = _titled(at, "Paths from each input pixel")[0]
    assert numbers(paths)[3][3] == "49"
    # Three 3×3 against one 7×7.
    assert [m.value for m in at.metric] == ["30", "50"]
    assert r"3\cdot(3\cdot 3\cdot 1 + 1)\cdot 1 = 30" in text and "3 ReLUs" in text
    assert [_rect(s)[2:] for s in _titled(at, "Three 3×3") + _titled(at, "One 7×7")] == [
        (7, 7), (7, 7)]


def test_presets_recentre_and_change_the_field(open_page):
    at = _open(open_page)
    at.selectbox(key="rf_preset").set_value("conv_pool_conv").run()
    assert not at.exception, exceptions(at)
    assert at.number_input(key="rf_row").value == 8  # centre of the 16×16 last map
    text = _text(at)
    assert r"1\cdot(3-1)\cdot 2 = 8" in text and "Receptive field: 8 × 8" in text
    assert _rect(_titled(at, "Input 32 × 32")[0]) == (13, 13, 8, 8)
    at.selectbox(key="rf_preset").set_value("dilated").run()
    assert "Receptive field: 15 × 15" in _text(at)
    assert _rect(_titled(at, "Input 32 × 32")[0]) == (9, 9, 15, 15)


def test_corner_cell_is_clipped_by_the_border(open_page):
    at = _open(open_page)
    at.number_input(key="rf_row").set_value(0)
    at.number_input(key="rf_col").set_value(0).run()
    assert not at.exception, exceptions(at)
    assert _rect(_titled(at, "Input 32 × 32")[0]) == (0, 0, 4, 4)
    assert "Unclipped, the field is 7 × 7" in _text(at)
    at.button(key="rf_centre").click().run()
    assert at.number_input(key="rf_row").value == 16


def test_cell_outside_the_map_is_an_error(open_page):
    at = _open(open_page)
    at.number_input(key="rf_row").set_value(40).run()
    assert not at.exception, exceptions(at)
    assert "row 40 is outside the last map" in at.error[0].value
    assert at.number_input(key="rf_row").value == 40


def test_editing_the_stack(open_page):
    at = _open(open_page)
    _edit(at, edited={0: {"k": 5, "p": 2}})
    assert "Receptive field: 9 × 9" in _text(at)
    _edit(at, edited={0: {"k": 40}})
    assert "layer 1 (conv 40×40" in at.error[0].value
    _edit(at, added=[{"type": "conv", "k": 3}] * 4)
    assert "at most 6 layers" in at.error[0].value
    _edit(at, added=[{"type": "pool", "k": None}])
    assert "row 4 (pool): the k cell is empty" in at.error[0].value


def test_channels_and_small_image(open_page):
    at = _open(open_page)
    at.number_input(key="rf_channels").set_value(64).run()
    assert [m.value for m in at.metric] == ["110,784", "200,768"]
    at.select_slider(key="rf_size").set_value(16).run()
    assert not at.exception, exceptions(at)
    level = _titled(at, "a^[1]")[0]
    assert len(numbers(level)) == 16  # small maps show their numbers


def test_lecture_matrix_source(open_page):
    at = _open(open_page)
    at.radio(key="src").set_value("Lecture").run()
    assert not at.exception, exceptions(at)
    assert _titled(at, "Input 7 × 7")
    assert at.number_input(key="rf_row").value == 3  # re-centred on the new 7×7 map
    assert _rect(_titled(at, "Input 7 × 7")[0]) == (0, 0, 7, 7)


def test_inputs_and_edits_survive_a_visit_to_another_page(open_page):
    at = _open(open_page)
    at.number_input(key="rf_row").set_value(3)
    at.number_input(key="rf_col").set_value(2).run()
    _edit(at, edited={0: {"k": 5, "p": 2}})
    switch(at, "pages/playground.py")
    switch(at, PAGE)
    assert not at.exception, exceptions(at)
    at.select_slider(key="size").set_value(128).run()  # the shared picker's own state
    assert (at.number_input(key="rf_row").value, at.number_input(key="rf_col").value) == (3, 2)
    assert "Receptive field: 9 × 9" in _text(at)


def test_the_layer_table_is_the_apps_own_with_the_editors_columns(open_page):
    """The stack is drawn by the app's cell grid (no data editor: its DataFrame and Arrow
    scripts cost a first visit about 1.5 MB), with the data editor's columns: a choice of
    type, whole numbers with their ranges and help, up to 6 rows."""
    at = _open(open_page)
    assert not at.dataframe  # (a data editor is one)
    (table,) = row_tables(at)
    assert table["cells"] == [["conv", "3", "1", "1", "1"]] * 3
    columns = {c["name"]: c for c in table["columns"]}
    assert list(columns) == ["type", "k", "s", "p", "d"]
    assert columns["type"]["options"] == ["conv", "pool"] and "min" not in columns["type"]
    assert columns["type"]["help"] == "conv, or max pool. One of conv, pool."
    assert (columns["k"]["min"], columns["k"]["max"], columns["k"]["step"]) == (1, 11, 1)
    assert columns["k"]["help"] == "Kernel (window) size. A whole number, 1 to 11."
    assert columns["s"]["help"] == "Stride; empty: 1. A whole number, 1 to 8."
    assert table["rows"] == {"item": "layer", "max": 6} and table["bad"] == []


def test_a_cell_that_is_no_number_is_marked_at_the_table_and_the_last_good_stack_stays(
        open_page):
    at = _open(open_page)
    _edit(at, edited={0: {"k": 5, "p": 2}})
    assert "Receptive field: 9 × 9" in _text(at)
    good = at.query_params["rf_stack"]
    assert good == "conv,5,1,2,1;conv,3,1,1,1;conv,3,1,1,1"
    _edit(at, edited={0: {"k": "5x", "p": 2}, 1: {"type": "fc"}})
    (table,) = row_tables(at)
    # The texts as typed, each bad cell with its message at the table.
    assert table["cells"][:2] == [["conv", "5x", "1", "2", "1"], ["fc", "3", "1", "1", "1"]]
    assert table["bad"] == [[0, 1, "Row 1, column k: '5x' is not a whole number"],
                            [1, 0, "Row 2, column type: 'fc' is not one of conv, pool"]]
    assert table["after"] == ("Until they are fixed, the page uses the last good table; your "
                              "text is kept.")
    # The last good stack's result stays; the link holds the table as typed.
    assert "Receptive field: 9 × 9" in _text(at) and not at.error
    typed = "typed:conv,5x,1,2,1;fc,3,1,1,1;conv,3,1,1,1"
    assert at.query_params["rf_stack"] == typed
    # A reload (or the link, shared) shows the table as typed with its messages, and the
    # preset's result until it is fixed (a new session has no last good stack).
    again = open_page(PAGE, query=dict(at.query_params))
    (shown,) = row_tables(again)
    assert shown["cells"][:2] == table["cells"][:2] and shown["bad"] == table["bad"]
    assert not again.exception and not again.error
    assert not [w.value for w in again.warning if "ignored" in w.value]  # no link notice
    assert "Receptive field: 7 × 7" in _text(again)
    assert again.query_params["rf_stack"] == typed
    # The text survives a visit to another page.
    switch(at, "pages/playground.py")
    switch(at, PAGE)
    assert not at.exception, exceptions(at)
    (table,) = row_tables(at)
    assert table["cells"][0] == ["conv", "5x", "1", "2", "1"] and len(table["bad"]) == 2
    at.select_slider(key="size").set_value(128).run()
    assert "Receptive field: 9 × 9" in _text(at)
    # Fixed: the stack is the typed one.
    _edit(at, edited={0: {"k": "7"}, 1: {"type": "conv"}})
    assert not row_tables(at)[0]["bad"] and "Receptive field: 11 × 11" in _text(at)
    assert at.query_params["rf_stack"] == "conv,7,1,2,1;conv,3,1,1,1;conv,3,1,1,1"
