"""Presenter mode puts each example's key result first (issue 18, "one screen each")."""

from __future__ import annotations

import numpy as np

from cnnviz.lessons import lectures
from cnnviz.ui import colour

from .conftest import chart, exceptions, is_map, raw, read, sums


def _present(open_page, example_id, **more):
    step = lectures.find(example_id)
    query = {**lectures.link_query(step, present=True), **more}
    at = open_page(f"pages/{step.page}.py", query=query)
    assert not at.exception, exceptions(at)
    return at


def _order(at) -> list[str]:
    """Element kinds and keys in page order, to see what comes first."""
    out = []
    for e in at.main:
        key = getattr(e.proto, "id", "") or ""
        out.append(f"{e.type}:{key.rsplit('-', 1)[-1] if key else ''}")
    return out


def test_colour_volumes_show_one_channel_beside_its_partial_sum(open_page):
    at = _present(open_page, "004.6")
    codes = sums(at)
    assert codes[0].endswith("= -448") and codes[1].endswith("= -67")
    assert raw(at, "colour_plane_0").shape == (10, 10)
    # one channel at a time: switch to G and its partial sum is the lecture's −91
    at.radio(key=colour.SHOWN).set_value("G").run()
    codes = sums(at)
    assert codes[0].endswith("= -91") and codes[1].endswith("= -67")
    assert raw(at, "colour_plane_1").shape == (10, 10)
    np.testing.assert_array_equal(raw(at, "colour_output")[0, :2], [-67, 23])


def test_colour_volumes_put_the_filter_editor_below_the_result(open_page):
    at = _present(open_page, "004.6")
    kinds = [e.type for e in at.main]
    # Every grid is the map element now (a Plotly chart only for charts).
    first_chart = next(i for i, e in enumerate(at.main) if e.type == "plotly_chart" or is_map(e))
    bias = next(i for i, e in enumerate(at.main) if getattr(e, "label", "") == "Bias b")
    assert first_chart < bias, kinds


def test_pooling_puts_the_maps_and_the_window_above_the_settings(open_page):
    at = _present(open_page, "002.5")
    order = _order(at)
    maps = order.index(next(o for o in order if o.endswith("pooling_out")))
    mode = next(i for i, e in enumerate(at.main) if e.type == "radio" and e.label == "Mode")
    assert maps < mode
    assert sums(at)[0] == "max(1, 1, 1, 1) = 1"
    np.testing.assert_array_equal(raw(at, "pooling_out"), [[1, 2], [4, 5]])


def test_colour_volumes_show_one_grid_with_its_numbers_where_two_do_not_fit(open_page):
    """Lecture 004's padded example: a 12 × 12 channel and a 10 × 10 map of "-1204" cannot
    both print at the presenter's size beside the sums, so one prints its numbers and the
    other stays on the screen small, in colours only, with a switch between the two (issue
    18: a switch rather than smaller numbers); 004.6's 10 × 10 and 8 × 8 can."""
    at = _present(open_page, "004.9")
    assert sums(at)[1].endswith("= -801")  # the total beside the map
    out, plane = read(at, "colour_output"), read(at, "colour_plane_0")
    assert out["text"][0][:2] == ["-801", "-268"] and plane["text"] is None
    assert plane["values"].shape == (12, 12)  # its values in the read-out
    # The output's cells may be wider than tall, to print "-1204" above the screen's foot.
    assert chart(at, "colour_output")["wide"] is True
    at.radio(key=colour.ONE_GRID).set_value("Input channel").run()
    out, plane = read(at, "colour_output"), read(at, "colour_plane_0")
    assert out["text"] is None and plane["text"][1][:4] == ["0", "3", "3", "98"]
    assert out["values"][0, 0] == -801
    # Both with their numbers on one row where they fit, and no switch.
    at = _present(open_page, "004.6")
    assert not [r for r in at.radio if r.key == colour.ONE_GRID]
    assert read(at, "colour_plane_0")["text"] is not None
    assert read(at, "colour_output")["text"] is not None


def _animation_index(at) -> int:
    return next(i for i, e in enumerate(at.main) if e.type == "bidi_component"
                and e.proto.component_name.endswith("cnnviz_animator"))


def test_step_by_step_lecture_items_open_on_the_animation_off_the_projector(open_page):
    """A student opening a Step-by-step lecture item (004.6a) off the projector: the
    animation comes first, its settings and the page's intro under it, as in presenter mode
    (at 1280 × 720 the animation started below the first screen, under four lines of intro
    and the settings). The banner names the example; the animation says its own keys."""
    step = lectures.find("004.6a")
    at = open_page("pages/animation.py", query=lectures.link_query(step))
    assert not at.exception, exceptions(at)
    main = list(at.main)
    animate = next(i for i, e in enumerate(main) if e.type == "radio" and e.label == "Animate")
    intro = next(i for i, e in enumerate(main) if e.type == "markdown"
                 and "Watch the layer compute" in str(e.value))
    assert _animation_index(at) < animate, _order(at)
    assert _animation_index(at) < intro, _order(at)  # nothing lost: under it
    # The same page opened on its own (no lecture item) keeps its intro and the settings
    # first: a person setting up their own animation reads them before it.
    at = open_page("pages/animation.py", query={"src": "Lecture", "lecture": "another_image"})
    animate = next(i for i, e in enumerate(at.main) if e.type == "radio"
                   and e.label == "Animate")
    assert animate < _animation_index(at), _order(at)
    assert any("Watch the layer compute" in str(e.value) for e in at.markdown)
