"""The colour page under AppTest: R, G, B partial sums from the core, the filter bank, errors."""

from __future__ import annotations

import pytest

from cnnviz.ui import colour
from cnnviz.ui import state as keys

from .conftest import (
    charts,
    exceptions,
    figure,
    numbers,
    page_text,
    pictures,
    sums,
    title,
    type_in,
)

PAGE = "pages/colour.py"


def _codes(at) -> list[str]:
    # The sums are Markdown (show.sum_line), not st.code: its syntax highlighter cost every
    # first visit of the page 1.5 MB of script.
    assert not at.code
    return sums(at)


def _lecture(open_page):
    """The colour page on the lectures' 10 × 10 × 3 vertical-edge volume, picked in the sidebar.

    The default filter is the lectures' one: the vertical-edge kernel on every slice.
    """
    at = open_page(PAGE)
    at.radio(key=keys.SOURCE).set_value("Lecture").run()
    at.selectbox(key=keys.LECTURE).set_value("vertical_edge").run()
    assert not at.exception, exceptions(at)
    return at


def _edit(at, slice_name: str, row: int, col: int, text: str):
    grid = colour.GRIDS[colour.NAMES.index(slice_name)]
    return type_in(at, grid, {row: {str(col): text}}).run()


def test_default_render_has_three_layers_a_total_and_a_bank(open_page):
    at = open_page(PAGE)
    assert at.title[0].value == "Colour volumes and filter banks"
    text = page_text(at)
    # The default photo is grey: the page says it copied it into three channels.
    assert "three equal channels" in text
    for name in ("R", "G", "B"):
        assert f"**Layer {name}**" in text
    codes = _codes(at)
    assert len(codes) == 4 and "(bias b)" in codes[-1]
    # 3 planes + output + 3 × 3 step grids + 4 bank maps + the separable section's 4.
    assert len(charts(at)) == 4 + 9 + 4 + 4
    latex = [x.value for x in at.latex]
    assert any("(3 \\cdot 3 \\cdot 3 + 1) \\cdot 4 = 112" in x for x in text.split("\n") + latex)
    assert not at.error and not at.warning


def test_maps_do_not_each_carry_the_map_elements_script(open_page):
    # The page shows 21 maps. Each carried the element's 51 KB script and style, 1.1 MB of
    # the first visit's 2.0 MB; the browser now loads them once (cnnviz.ui.served).
    at = open_page(PAGE)
    maps = pictures(at)
    assert len(maps) == 21
    for element in maps:
        assert len(element.proto.js_content) < 1000
        assert not element.proto.css_content
    assert sum(element.proto.ByteSize() for element in maps) < 1_100_000


def test_no_markdown_asks_for_the_html_parser(open_page):
    # Markdown with HTML allowed loads a 188 KB parser (rehype-raw) on the page's first
    # visit; the sums are st.html (show.sum_line), whose script every page has already.
    at = open_page(PAGE)
    assert len(sums(at)) == 4
    assert not [m.value for m in at.markdown if m.proto.allow_html]


def test_lecture_volume_gives_75_per_channel_and_225(open_page):
    at = _lecture(open_page)
    codes = _codes(at)
    for code in codes[:3]:
        assert code.endswith("= 75"), code
        assert code.startswith("25·1 + 25·0 + 0·(−1)")
    assert codes[3] == "75 (R) + 75 (G) + 75 (B) + 0 (bias b) = 225"
    output = figure(at, 3)  # the one output map, 8 × 8 with numbers
    assert numbers(output)[0] == ["0", "0", "0", "225", "225", "0", "0", "0"]
    assert "10 × 10 × 3 with one filter 3 × 3 × 3 → one map 8 × 8" in page_text(at)


def test_lecture_button_loads_the_volume_the_filter_and_the_cell(open_page):
    at = open_page(PAGE)
    at.button(key="colour_lecture").click().run()
    assert not at.exception, exceptions(at)
    assert at.session_state[keys.LECTURE] == "vertical_edge"
    assert _codes(at)[3] == "75 (R) + 75 (G) + 75 (B) + 0 (bias b) = 225"
    assert "three equal channels" not in page_text(at)  # a real 3-channel volume


def test_editing_one_slice_changes_only_its_partial_sum(open_page):
    at = _lecture(open_page)
    _edit(at, "R", 0, 0, "2")
    assert not at.exception, exceptions(at)
    codes = _codes(at)
    assert codes[0].endswith("= 100") and codes[1].endswith("= 75")
    assert codes[3] == "100 (R) + 75 (G) + 75 (B) + 0 (bias b) = 250"


def test_slice_preset_and_bias(open_page):
    at = _lecture(open_page)
    at.selectbox(key="cv_g").set_value("zeros").run()
    at.number_input(key=colour.BIAS).set_value(-25.0).run()
    assert not at.exception, exceptions(at)
    assert _codes(at)[3] == "75 (R) + 0 (G) + 75 (B) + (−25) (bias b) = 125"


def test_bad_cell_is_reported_and_kept(open_page):
    at = _lecture(open_page)
    _edit(at, "B", 1, 2, "abc")
    assert not at.exception, exceptions(at)
    assert any("Slice B" in e.value and "not a number: 'abc'" in e.value for e in at.error)
    assert at.session_state[colour.GRIDS[2].name][1][2] == "abc"
    assert not sums(at) and not at.code  # no step is explained without a filter
    assert any(h.value.startswith("A bank of filters") for h in at.header)  # the bank shows


def test_output_cell_out_of_range_warns(open_page):
    at = _lecture(open_page)
    at.number_input(key=colour.ROW).set_value(8).run()
    assert not at.exception, exceptions(at)
    assert any("output cell must lie in 8×8" in w.value for w in at.warning)
    assert not sums(at) and not at.code


def test_resizing_the_filter_keeps_the_centre(open_page):
    at = _lecture(open_page)
    at.number_input(key=colour.F).set_value(5).run()
    assert not at.exception, exceptions(at)
    table = at.session_state[colour.GRIDS[0].name]
    assert table[0] == ["0"] * 5 and table[1] == ["0", "1", "0", "-1", "0"]
    assert "one filter 5 × 5 × 3 → one map 6 × 6" in page_text(at)


def test_filter_larger_than_the_image_is_an_error(open_page):
    at = _lecture(open_page)
    at.selectbox(key=keys.LECTURE).set_value("max_pool_4x4").run()  # 4 × 4, grey
    at.number_input(key=colour.F).set_value(5).run()
    assert not at.exception, exceptions(at)
    assert any("does not fit this image" in e.value for e in at.error)
    assert "three equal channels" in page_text(at)


def test_bank_of_sixteen_filters_and_its_parameters(open_page):
    at = _lecture(open_page)
    at.number_input(key=colour.N_FILTERS).set_value(16).run()
    assert not at.exception, exceptions(at)
    titles = [title(figure(at, i)) for i in range(len(charts(at)))]
    maps = [t for t in titles if t.startswith("Map ")]
    assert len(maps) == 16 and maps[0] == "Map 1: Vertical edges"
    text = page_text(at)
    assert "(3 \\cdot 3 \\cdot 3 + 1) \\cdot 16 = 448" in text
    assert "8 \\times 8 \\times 16" in text


@pytest.mark.parametrize("preset, f, params", [("gaussian_5", 5, (5 * 5 * 3 + 1) * 4)])
def test_a_larger_preset_sets_f_for_the_whole_bank(open_page, preset, f, params):
    at = _lecture(open_page)
    at.selectbox(key=colour.BANK[1]).set_value(preset).run()
    assert not at.exception, exceptions(at)
    text = page_text(at)
    assert f"f = {f} (the largest preset)" in text
    assert f"= {params}" in text


def test_one_channel_prints_its_numbers_the_others_their_colours(open_page):
    """Off the projector, three 10 × 10 channels cannot print their numbers side by side as
    large as Step by step does (issue 18): the channel picked prints them, the other two
    show their colours only (their values still in the read-out)."""
    from .conftest import read

    at = _lecture(open_page)
    texts = {n: read(at, f"colour_plane_{c}")["text"] for c, n in enumerate(colour.NAMES)}
    assert texts["R"][0][:3] == ["25", "25", "25"] and texts["G"] is None and texts["B"] is None
    at.radio(key=colour.SHOWN).set_value("G").run()
    planes = [read(at, f"colour_plane_{c}") for c in range(3)]
    assert [p["text"] is not None for p in planes] == [False, True, False]
    assert all(p["values"].shape == (10, 10) for p in planes)
