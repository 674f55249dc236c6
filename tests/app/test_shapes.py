"""The "Shapes and parameters" page through the real router."""

from __future__ import annotations

import json

from cnnviz.ui import shapes as ui_shapes
from tests.app.conftest import (
    charts,
    exceptions,
    numbers,
    row_tables,
    svgs,
    switch,
    title,
    type_in,
)

PAGE = "pages/shapes.py"


def _text(at) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.latex]
    parts += [e.value for e in at.warning] + [e.value for e in at.success]
    parts += [e.value for e in at.info] + [e.value for e in at.error]
    parts += [e.value for e in at.caption]
    return "\n".join(str(p) for p in parts)


def _bars(at) -> str:
    """The parameters-per-layer chart: SVG (no Plotly on the page, whose script would cost a
    first visit about 2.3 s)."""
    assert not at.get("plotly_chart")
    (found,) = [s for s in svgs(at) if "Parameters per layer" in s]
    return found


def _chart(at, key_part: str) -> dict:
    for spec in charts(at):
        if key_part in json.dumps(title(spec)):
            return spec
    raise AssertionError(f"no chart titled like {key_part!r}")


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _edit(at, edited=None, added=(), deleted=()):
    type_in(at, ui_shapes.TABLE, edited, added, deleted).run()
    assert not at.exception, exceptions(at)


def test_default_render(open_page):
    at = open_page(PAGE)
    assert at.title[0].value == "Shapes and parameters"
    text = _text(at)
    # 10×10, f = 3, s = 2: the floor and the unread last row.
    assert r"\frac{10 + 2\cdot 0 - 3}{2}" in text and r"\rfloor + 1 = 4" in text
    # As the lectures say it: (10 − 3)/2 + 1 = 4.5, pick the lower integer.
    assert "(10 + 2·0 − 3)/2 + 1 = 4.5: a fraction, so round down" in text
    assert "**9** is never read" in at.warning[0].value
    coverage = _chart(at, "Windows reading each cell")
    assert len(numbers(coverage)) == 10
    # The lectures' comparisons.
    table = at.table[0].value
    assert "3,083,010" in table["exact value"].tolist()
    assert ["84", "280", "30", "50"] == table["exact value"].tolist()[5:9]
    assert ["921,600", "92,160,000", "67,500", "67,500,000"] == table["exact value"].tolist()[9:]
    # LeNet-5 loaded: published total matched.
    assert _metrics(at)["Parameters"] == "61,706"
    assert "matches the published count of 61,706" in at.success[0].value
    frame = at.dataframe[-1].value
    assert frame["output shape"].tolist()[:2] == ["32 × 32 × 1", "28 × 28 × 6"]
    assert frame["receptive field"].tolist()[-1] == "whole input"
    bars = _bars(at)
    assert 'data-log="false"' in bars and bars.count('class="bar"') == 5
    assert "[1] CONV 5×5, 6 filters, s=1, p=0" in bars and "48,120" in bars


def test_lecture_exercise_buttons(open_page):
    at = open_page(PAGE)
    at.button(key="shp_ex_0").click().run()
    assert not at.exception, exceptions(at)
    assert at.number_input(key="shp_n").value == 6 and at.radio(key="shp_pad").value == "custom"
    text = _text(at)
    assert r"\frac{6 + 2\cdot 1 - 3}{5}" in text and r"\rfloor + 1 = 2" in text
    assert "**2–3** are never read" in at.warning[0].value
    at.button(key="shp_ex_2").click().run()
    assert r"\rfloor + 1 = 8" in _text(at) and not at.warning


def test_same_padding_even_filter_is_asymmetric(open_page):
    at = open_page(PAGE)
    at.radio(key="shp_pad").set_value("same")
    at.number_input(key="shp_f").set_value(4)
    at.number_input(key="shp_s").set_value(1).run()
    assert not at.exception, exceptions(at)
    text = _text(at)
    assert "1 before, 2 after (same)" in text and r"(1 + 2)" in text
    assert "asymmetric" in text and "odd" in text and r"\rfloor + 1 = 10" in text


def test_filter_too_big_shows_error_and_keeps_the_rest(open_page):
    at = open_page(PAGE)
    at.number_input(key="shp_n").set_value(3)
    at.number_input(key="shp_f").set_value(7).run()
    assert not at.exception, exceptions(at)
    assert "does not fit" in at.error[0].value and "3 + 0 + 0 = 3" in at.error[0].value
    assert at.number_input(key="shp_f").value == 7  # what the user typed stays
    assert _metrics(at)["Parameters"] == "61,706"  # the rest of the page still runs


def test_presets_match_published_counts(open_page):
    at = open_page(PAGE)
    at.selectbox(key="shp_preset").set_value("vgg16").run()
    assert not at.exception, exceptions(at)
    assert _metrics(at)["Parameters"] == "138,357,544"
    assert "matches the published count of 138,357,544" in at.success[0].value
    assert "about 138 million" in at.success[0].value
    assert at.number_input(key="shp_nh").value == 224
    at.selectbox(key="shp_preset").set_value("alexnet").run()
    assert _metrics(at)["Parameters"] == "61,100,840"
    assert "about 60 million" in at.success[0].value
    assert at.dataframe[-1].value["output shape"].tolist()[1] == "55 × 55 × 64"


def test_editing_the_stack(open_page):
    at = open_page(PAGE)
    _edit(at, edited={0: {"filters/units": 8}})
    assert _metrics(at)["Parameters"] != "61,706"
    assert "differs from the published count of 61,706" in at.info[0].value
    _edit(at, added=[{"type": "dense", "filters/units": 5}])
    assert _metrics(at)["Parameters"] == "61,761"  # 10·5 + 5 more
    at.toggle(key="shp_log").set_value(True).run()
    assert 'data-log="true"' in _bars(at)


def test_impossible_stacks_show_errors(open_page):
    at = open_page(PAGE)
    _edit(at, edited={0: {"f": 40}})
    assert "layer 1" in at.error[0].value and "larger than the padded input" in at.error[0].value
    _edit(at, deleted=[8])  # the flatten row
    assert "add Flatten" in at.error[0].value
    _edit(at, added=[{"type": None}])
    assert "row 14 (no type)" in at.error[0].value
    assert not at.metric  # nothing computed from a broken stack


def test_inputs_and_edits_survive_a_visit_to_another_page(open_page):
    at = open_page(PAGE)
    at.selectbox(key="shp_preset").set_value("vgg16").run()
    at.number_input(key="shp_f").set_value(5).run()
    _edit(at, edited={0: {"filters/units": 32}})
    total = _metrics(at)["Parameters"]
    assert total != "138,357,544"
    switch(at, "pages/playground.py")
    switch(at, PAGE)
    assert not at.exception, exceptions(at)
    assert at.selectbox(key="shp_preset").value == "vgg16"
    assert at.number_input(key="shp_nh").value == 224 and at.number_input(key="shp_f").value == 5
    assert _metrics(at)["Parameters"] == total and not at.error


def test_a_lecture_stack_is_not_called_an_edited_lenet5(open_page):
    """Lecture 002.3 and 004.12 link a one-layer stack; the page said "LeNet-5: 760 parameters:
    differs from the published count of 61,706 by -60,946: the stack is no longer the preset"
    on the projector, about a network nobody had loaded."""
    for query, total in (({"shp_n": "32", "shp_nh": "32", "shp_nw": "32", "shp_nc": "3",
                           "stack": "conv,10,5,1,2,,", "shp_first": "network"}, "760"),
                         ({"shp_nh": "10", "shp_nw": "10", "shp_nc": "3",
                           "stack": "conv,10,3,1,,,", "shp_first": "network"}, "280")):
        at = open_page(PAGE, query=query)
        assert _metrics(at)["Parameters"] == total
        text = " ".join(e.value for e in [*at.info, *at.success])
        assert "published count" not in text, text


def test_the_network_table_is_the_apps_own_with_the_editors_columns(open_page):
    """The stack is drawn by the app's cell grid, not a data editor (whose DataFrame and
    Arrow scripts cost a first visit about 1.5 MB): the only dataframe left is the report."""
    at = open_page(PAGE)
    (table,) = row_tables(at)
    assert len(at.dataframe) == 1 and "output shape" in at.dataframe[0].value
    columns = {c["name"]: c for c in table["columns"]}
    assert list(columns) == ["type", "filters/units", "f", "s", "p", "d", "mode"]
    assert columns["type"]["options"] == ["conv", "pool", "activation", "flatten", "dense"]
    assert columns["p"]["options"] == ["valid", "same", *map(str, range(11))]
    assert columns["mode"]["options"][:2] == ["max", "avg"] and "relu" in columns["mode"][
        "options"]
    assert (columns["filters/units"]["min"], columns["filters/units"]["max"]) == (1, None)
    assert columns["filters/units"]["help"] == ("Filters n_c^[l] of a conv; units of a dense. "
                                                "A whole number, at least 1.")
    assert columns["p"]["help"].startswith("Zeros per side. One of valid, same, 0, 1")
    assert table["cells"][0] == ["conv", "6", "5", "1", "0", "1", ""]
    assert table["rows"] == {"item": "layer", "max": 64}


def test_a_bad_cell_is_marked_at_the_table_and_the_last_good_network_stays(open_page):
    at = open_page(PAGE)
    _edit(at, edited={0: {"filters/units": 8}})
    total, link = _metrics(at)["Parameters"], at.query_params["stack"]
    _edit(at, edited={0: {"filters/units": "eight"}, 1: {"p": "7x"}})
    (table,) = row_tables(at)
    assert table["cells"][0][1] == "eight" and table["cells"][1][4] == "7x"
    assert [bad[:2] for bad in table["bad"]] == [[0, 1], [1, 4]]
    assert table["bad"][0][2] == "Row 1, column filters/units: 'eight' is not a whole number"
    assert table["bad"][1][2].startswith("Row 2, column p: '7x' is not one of valid, same, 0")
    # The last good network's numbers stay, with no error under them; the link holds the
    # table as typed, and shows it again.
    assert _metrics(at)["Parameters"] == total and not at.error
    assert at.query_params["stack"].startswith("typed:conv,eight,5,1,0,1,;activation,,,,7x,")
    assert link != at.query_params["stack"]
    again = open_page(PAGE, query=dict(at.query_params))
    (shown,) = row_tables(again)
    assert shown["cells"] == table["cells"] and shown["bad"] == table["bad"]
    assert not again.exception and not again.error
    # A text with the link's own separators cannot travel: the last good table's link stays.
    _edit(at, edited={0: {"filters/units": "8,5"}})
    assert at.query_params["stack"] == link
