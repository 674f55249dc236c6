"""The pooling page under AppTest: winners, window sums, shapes, the feature map, errors."""

from __future__ import annotations

from cnnviz.plots.figures import MARK_COLOUR
from cnnviz.ui import pooling as pool_ui
from cnnviz.ui import state as keys

from .conftest import charts, exceptions, figure, numbers, page_text, sums, switch, title
from .conftest import shapes as chart_shapes

PAGE = "pages/pooling.py"


def _lecture(open_page):
    at = open_page(PAGE)
    at.button(key="pooling_lecture").click().run()
    assert not at.exception, exceptions(at)
    return at


def _texts(fig: dict) -> list[list[str]]:
    return numbers(fig)


def test_default_render_says_no_parameters_and_shows_the_formula(open_page):
    at = open_page(PAGE)
    assert at.title[0].value == "Pooling"
    at.select_slider(key=keys.MAX_SIDE).set_value(128).run()
    assert not at.exception, exceptions(at)
    text = page_text(at)
    assert "pooling has 0 parameters" in text and "128 × 128 → **64 × 64**" in text
    assert len(charts(at)) == 2  # input and pooled map, side by side
    latex = [x.value for x in at.latex]
    assert any("128 + 2\\cdot 0 - 2" in x and "= 64" in x for x in latex), latex
    assert not at.error and not at.warning


def test_lecture_example_marks_the_winners_and_gives_1_2_4_5(open_page):
    # Lecture 002's example (issue 18: it was a matrix from none of the lectures).
    at = _lecture(open_page)
    assert at.session_state[keys.SOURCE] == "Lecture"
    inp, out = figure(at, 0), figure(at, 1)
    assert _texts(out) == [["1", "2"], ["4", "5"]]
    # 4 dotted windows, 1 orange (the selected one), 4 green winners at 1, 2, 4 and 5.
    shapes = chart_shapes(inp)
    green = [s for s in shapes if s["line"]["color"] == MARK_COLOUR]
    assert len(shapes) == 9 and len(green) == 4
    cells = [(round(s["y0"] + 0.45), round(s["x0"] + 0.45)) for s in green]
    assert [_texts(inp)[r][c] for r, c in cells] == ["1", "2", "4", "5"]
    assert sums(at)[0] == "max(1, 1, 1, 1) = 1"
    # The sum as Markdown (show.sum_line), not st.code: its syntax highlighter cost the
    # page's first visit 1.5 MB of script (issue 19).
    assert not at.code


def test_average_pooling_and_another_window(open_page):
    at = _lecture(open_page)
    at.radio(key=pool_ui.MODE).set_value("avg").run()
    at.number_input(key=pool_ui.COL).set_value(1).run()
    assert not at.exception, exceptions(at)
    assert _texts(figure(at, 1)) == [["1", "1.25"], ["2.75", "3"]]
    assert sums(at)[0] == "mean(1, 1, 1, 2) = (1 + 1 + 1 + 2) / 4 = 1.25"


def test_stride_other_than_the_pool_size(open_page):
    at = _lecture(open_page)
    at.toggle(key=pool_ui.SAME_STRIDE).set_value(False).run()
    at.number_input(key=pool_ui.SH).set_value(1).run()
    at.number_input(key=pool_ui.SW).set_value(1).run()
    assert not at.exception, exceptions(at)
    assert _texts(figure(at, 1)) == [["1", "1", "2"], ["4", "4", "5"], ["4", "4", "5"]]
    assert "stride **1 × 1**" in page_text(at)


def test_window_out_of_range_warns(open_page):
    at = _lecture(open_page)
    at.number_input(key=pool_ui.ROW).set_value(2).run()
    assert not at.exception, exceptions(at)
    assert any("output cell must lie in 2×2" in w.value for w in at.warning)
    assert not sums(at)


def test_too_much_padding_is_an_error(open_page):
    at = _lecture(open_page)
    at.number_input(key=pool_ui.PH).set_value(2).run()
    assert not at.exception, exceptions(at)
    assert any("padding must be at most half the pool size" in e.value for e in at.error)
    assert at.number_input(key=pool_ui.PH).value == 2  # kept for the student to fix


def test_pool_larger_than_the_input_is_an_error(open_page):
    at = _lecture(open_page)
    at.number_input(key=pool_ui.KH).set_value(5).run()
    assert not at.exception, exceptions(at)
    assert any("does not fit the image (4 × 4)" in e.value for e in at.error)


def test_padding_shows_in_the_window_sum(open_page):
    at = _lecture(open_page)
    for key, value in ((pool_ui.KH, 3), (pool_ui.KW, 3), (pool_ui.PH, 1), (pool_ui.PW, 1)):
        at.number_input(key=key).set_value(value).run()
    assert not at.exception, exceptions(at)
    assert sums(at)[0] == "max(pad −∞, pad −∞, pad −∞, pad −∞, 1, 1, pad −∞, 1, 1) = 1"


def test_pooling_the_playground_feature_map(open_page):
    at = _lecture(open_page)
    at.toggle(key=pool_ui.FEATURE_MAP).set_value(True).run()
    assert not at.exception, exceptions(at)
    text = page_text(at)
    # The pooling example brings its own settings (issue 18), so the Playground's kernel
    # is the 1 × 1 identity: 4 × 4 input → 4 × 4 feature map → 2 × 2 pool.
    assert "Feature map z = a ⋆ k" in text and "4 × 4 → **2 × 2**" in text
    assert "The playground's kernel, 1 × 1" in text


def test_colour_channels_are_pooled_separately(open_page):
    at = open_page(PAGE)
    at.radio(key=keys.COLOUR).set_value("Colour").run()
    at.select_slider(key=keys.MAX_SIDE).set_value(16).run()
    at.radio(key=pool_ui.CHANNEL).set_value("B").run()
    assert not at.exception, exceptions(at)
    assert "× 3 → **" in page_text(at)
    assert title(figure(at, 0)).endswith("(channel B)")
    at.select_slider(key=keys.MAX_SIDE).set_value(64).run()
    assert not at.exception, exceptions(at)
    titles = [title(figure(at, i)) for i in range(4)]
    assert titles[2:] == ["All three channels", "Each channel pooled, recombined"]


def test_settings_survive_a_visit_to_another_page(open_page):
    at = _lecture(open_page)
    at.number_input(key=pool_ui.KH).set_value(1).run()
    switch(at, "pages/playground.py")
    switch(at, PAGE)
    assert not at.exception, exceptions(at)
    assert at.number_input(key=pool_ui.KH).value == 1
