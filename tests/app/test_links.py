"""Every view is a link: each page opened from a query string shows what the string says.

Each test opens the page the way a fresh browser opens a shared link (the
first run is on that page, with the query string), then checks the widgets
and what the page computed against the core. A browser test (tests/e2e)
checks the other direction for widgets, which the browser itself writes into
the URL; here the values the app writes by hand (kernel, tables, step) are
checked in reverse.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import cnnviz
from cnnviz.core import codec
from cnnviz.core.activations import activate
from cnnviz.core.kernels import get_kernel
from cnnviz.data import samples
from cnnviz.lessons import colour as volumes
from cnnviz.lessons import shapes
from cnnviz.ui import kernel, links, transposed
from cnnviz.ui import rf as ui_rf
from cnnviz.ui import shapes as ui_shapes
from cnnviz.ui import state as keys
from tests.readers import read_out

from .conftest import (
    animators,
    charts,
    exceptions,
    figure,
    page_text,
    raw,
    read,
    switch,
    type_in,
)


def _notices(at) -> str:
    return "\n".join(w.value for w in at.warning)


def _bidi(at) -> dict:
    (element,) = animators(at)
    return json.loads(element.proto.json)


# --- each page from its link ------------------------------------------------------------


def test_playground_from_a_link(open_page):
    at = open_page(query={"src": "Pattern", "pattern": "square", "size": "16", "k": "1,2;3,-4",
                          "s_h": "2", "pad": "same", "bias": "-1.5", "act": "relu"})
    assert not at.exception, exceptions(at)
    assert at.radio(key=keys.SOURCE).value == "Pattern"
    assert at.selectbox(key=keys.PATTERN).value == "square"
    assert at.select_slider(key=keys.MAX_SIDE).value == 16
    assert at.session_state[kernel.TABLE] == [["1", "2"], ["3", "-4"]]
    assert at.number_input(key=keys.STRIDE_H).value == 2
    assert at.radio(key=keys.PAD_KIND).value == "same"
    assert at.number_input(key=keys.BIAS).value == -1.5
    assert at.selectbox(key=keys.ACTIVATION).value == "relu"
    image = samples.pattern("square", 16)
    z = cnnviz.conv2d(image, [[1, 2], [3, -4]], -1.5, stride=(2, 1), padding="same")
    np.testing.assert_allclose(read_out(figure(at, 1))["values"], z)
    np.testing.assert_allclose(read_out(figure(at, 2))["values"], activate(z, "relu"))
    assert not _notices(at)


def test_a_preset_kernel_travels_by_name_and_selects_the_preset(open_page):
    at = open_page(query={"k": "sobel_y"})
    assert at.selectbox(key=keys.KERNEL_PRESET).value == "sobel_y"
    assert at.session_state[kernel.TABLE] == [["1", "2", "1"], ["0", "0", "0"],
                                              ["-1", "-2", "-1"]]
    at = open_page(query={"k": "1,0,-1;1,0,-1;1,0,-1"})  # a preset's values name it
    assert at.selectbox(key=keys.KERNEL_PRESET).value == "vertical_edge"
    assert at.query_params["k"] == "vertical_edge"


def test_step_by_step_from_a_link(open_page):
    at = open_page("pages/animation.py", query={
        "src": "Lecture", "lecture": "digit_one", "step": "7", "speed": "5", "bias": "1"})
    assert not at.exception, exceptions(at)
    data = _bidi(at)
    assert data["start"] == 7 and data["options"]["speed"] == 5
    payload = json.loads(data["payload"])
    item = samples.LECTURE_INPUTS["digit_one"]
    expected = cnnviz.conv2d(item.array, get_kernel("sharpen"), 1.0)
    assert payload["n_steps"] == expected.size
    assert at.query_params["step"] == "7" and at.query_params["speed"] == "5"


def test_step_by_step_crop_from_a_link(open_page):
    at = open_page("pages/animation.py", query={"grid": "8", "crop_r": "0", "crop_c": "100",
                                                "levels": "0-1"})
    assert not at.exception, exceptions(at)
    assert at.slider(key="grid").value == 8
    assert (at.slider(key="crop_r").value, at.slider(key="crop_c").value) == (0, 100)
    assert "rows 0–7" in page_text(at)
    assert "Pixel values 0-255" not in page_text(at)


def test_colour_page_from_a_link(open_page):
    at = open_page("pages/colour.py", query={
        "src": "Lecture", "lecture": "vertical_edge", "cv_g": "zeros", "cv_bias": "2",
        "cv_p": "1", "cv_s": "2", "cv_row": "1", "cv_col": "1", "cv_filters": "2",
        "cv_bank1": "sobel_y"})
    assert not at.exception, exceptions(at)
    assert at.selectbox(key="cv_g").value == "zeros"
    assert at.selectbox(key="cv_bank1").value == "sobel_y"
    volume = np.asarray(samples.LECTURE_INPUTS["vertical_edge"].array, dtype=float)
    weights = np.stack([volumes.slice_preset(n, 3) for n in ("vertical_edge", "zeros",
                                                             "vertical_edge")], axis=2)
    expected = cnnviz.conv2d(volume, weights, 2.0, stride=2, padding=1)
    np.testing.assert_allclose(raw(at, "colour_output"), expected)
    assert "(row 1, column 1)" in page_text(at)


def test_colour_slices_travel_when_edited(open_page):
    w = "1,0;0,1|0,0;0,0|2,2;2,2"
    at = open_page("pages/colour.py", query={"w": w})
    assert not at.exception, exceptions(at)
    assert at.number_input(key="cv_f").value == 2
    assert at.query_params["w"] == w


def test_pooling_from_a_link(open_page):
    at = open_page("pages/pooling.py", query={"src": "Lecture", "lecture": "max_pool_4x4",
                                              "pl_mode": "avg", "pl_row": "1", "pl_col": "1"})
    assert not at.exception, exceptions(at)
    x = samples.LECTURE_INPUTS["max_pool_4x4"].array
    np.testing.assert_allclose(raw(at, "pooling_out"), cnnviz.pool2d(x, 2, mode="avg"))
    assert "Window of output cell (row 1, column 1)" in page_text(at)


def test_shapes_page_from_a_link(open_page):
    stack = "conv,6,5,,,,;pool,,2,2,,,max;flatten,,,,,,;dense,10,,,,,"
    at = open_page("pages/shapes.py", query={
        "shp_n": "6", "shp_f": "3", "shp_pad": "custom", "shp_p": "1", "shp_s": "5",
        "shp_nh": "28", "shp_nw": "28", "stack": stack})
    assert not at.exception, exceptions(at)
    latex = " ".join(x.value for x in at.latex)
    assert "= 2" in latex  # ⌊(6 + 2 − 3)/5⌋ + 1 = 2
    rows = codec.decode_rows(stack, shapes.COLUMNS, numeric=ui_shapes.NUMERIC)
    report = shapes.analyse_stack((28, 28, 1), shapes.parse_stack(rows))
    assert [m.value for m in at.metric][0].replace(",", "") == str(report.total_params)
    assert at.query_params["stack"] == stack


def test_receptive_field_from_a_link(open_page):
    at = open_page("pages/receptive_field.py", query={
        "rf_stack": "conv,5,1,0,1;conv,3,1,0,1", "rf_size": "16", "rf_row": "2", "rf_col": "3"})
    assert not at.exception, exceptions(at)
    text = "\n".join(str(e.value) for e in list(at.markdown) + list(at.caption))
    assert "Receptive field: 7 × 7" in text
    assert (at.number_input(key=ui_rf.ROW).value, at.number_input(key=ui_rf.COL).value) == (2, 3)


def test_matrix_page_from_a_link(open_page):
    at = open_page("pages/matrix.py", query={"mx_side": "4", "mx_kernel": "numbered_2",
                                             "mx_row": "1", "mx_col": "2"})
    assert not at.exception, exceptions(at)
    assert read(at, "mx_w")["panels"][0]["values"].shape == (9, 16)
    assert "Output cell $(1, 2)$" in page_text(at)


def test_correlation_page_from_a_link(open_page):
    at = open_page("pages/correlation.py", query={"corr_kernel": "sobel_x", "corr_pad": "valid"})
    assert not at.exception, exceptions(at)
    np.testing.assert_array_equal(raw(at, "corr_k"), get_kernel("sobel_x"))
    n = raw(at, "corr_input").shape
    assert raw(at, "corr_corr").shape == (n[0] - 2, n[1] - 2)


def test_transposed_page_from_a_link(open_page):
    at = open_page("pages/transposed.py", query={
        "tr_stride": "3", "tr_x": "single", "tr_k_cells": "1,2;3,4",
        "tr_dil_kernel": "box_blur_5", "tr_dil_d": "3"})
    assert not at.exception, exceptions(at)
    np.testing.assert_array_equal(raw(at, "tr_result_0"), [[1, 2], [3, 4]])
    assert raw(at, "tr_dil_dilated").shape == (13, 13)
    assert at.query_params["tr_k_cells"] == "1,2;3,4"


# --- the other direction: what the app writes into the link ------------------------------


def test_an_edited_kernel_goes_into_the_link_and_a_preset_by_name(open_page):
    at = open_page()
    assert "k" not in at.query_params  # the default kernel stays out of the link
    at.selectbox(key=keys.KERNEL_PRESET).set_value("sobel_x").run()
    assert at.query_params["k"] == "sobel_x"
    type_in(at, kernel.GRID, {0: {"0": "1/2"}}).run()
    assert at.query_params["k"] == "1/2,0,-1;2,0,-2;1,0,-1"
    again = open_page(query=dict(at.query_params))  # the link, in a new session
    assert again.session_state[kernel.TABLE][0] == ["1/2", "0", "-1"]


def test_an_edited_stack_goes_into_the_link(open_page):
    at = open_page("pages/receptive_field.py")
    assert "rf_stack" not in at.query_params
    type_in(at, ui_rf.TABLE, {0: {"k": 5}}).run()
    assert at.query_params["rf_stack"] == "conv,5,1,1,1;conv,3,1,1,1;conv,3,1,1,1"


def test_a_page_drops_the_other_pages_values_from_its_link(open_page):
    at = open_page(query={"k": "sobel_x"})
    switch(at, "pages/pooling.py")
    assert "k" not in at.query_params


def test_the_link_survives_a_round_trip(open_page):
    """Settings written to the link open the same view in a fresh session."""
    at = open_page("pages/transposed.py")
    type_in(at, transposed.grid("tr_x"), {0: {"0": "7"}}).run()
    query = dict(at.query_params)
    again = open_page("pages/transposed.py", query=query)
    np.testing.assert_array_equal(raw(again, "tr_steps_0"), raw(at, "tr_steps_0"))


# --- untrusted links ---------------------------------------------------------------------


BAD = [
    ("s_h", "abc"), ("s_h", "99999999999999999999"), ("bias", "1e999"), ("act", "evil"),
    ("k", "x" * 10_000), ("k", "1,2;3"), ("k", "1,nan;0,0"), ("lecture", "<script>"),
    ("photo", "../../etc/passwd"), ("size", "-3"), ("flip", "maybe"), ("nonsense", "1"),
]


@pytest.mark.parametrize(("name", "value"), BAD)
def test_a_bad_value_in_a_link_falls_back_with_a_notice(open_page, name, value):
    at = open_page(query={name: value})
    assert not at.exception, exceptions(at)
    notices = _notices(at)
    assert f"`{links.shown(name, 20)}=" in notices, notices
    assert "<script>" not in notices and "<" not in notices
    # The page shows the defaults: the default photo and the Sharpen kernel.
    assert at.session_state[kernel.TABLE] == [["0", "-1", "0"], ["-1", "5", "-1"],
                                              ["0", "-1", "0"]]
    assert at.number_input(key=keys.STRIDE_H).value == 1
    assert at.number_input(key=keys.BIAS).value == 0.0
    assert len(charts(at)) >= 3  # the maps are there


@pytest.mark.parametrize(("page", "query"), [
    ("pages/animation.py", {"step": "-5", "speed": "nan"}),
    ("pages/animation.py", {"step": "100000"}),
    ("pages/receptive_field.py", {"rf_stack": "conv,1e9,1,0,1"}),
    ("pages/shapes.py", {"stack": "warp,1,1,1,1,1,1"}),
    ("pages/colour.py", {"w": "1|2"}),
    ("pages/transposed.py", {"tr_k_cells": "a,b;c,d"}),
    ("pages/pooling.py", {"pl_kh": "-1", "pl_mode": "median"}),
])
def test_bad_link_values_on_every_page(open_page, page, query):
    at = open_page(page, query=query)
    assert not at.exception, exceptions(at)
    notices = _notices(at)
    for name in query:
        assert f"`{name}=" in notices, (name, notices)


def test_the_notices_can_be_dismissed(open_page):
    at = open_page(query={"s_h": "abc"})
    assert _notices(at)
    at.button(key="link_notices_dismiss").click().run()
    assert not _notices(at)


def test_an_upload_cannot_travel_in_a_link(open_page):
    at = open_page(query={"src": "Upload"})
    assert not at.exception, exceptions(at)
    assert "uploaded image, which cannot travel in a link" in _notices(at)
    assert "No upload yet: the default photo is shown" in page_text(at)
    assert len(charts(at)) >= 3


# --- a typed matrix ------------------------------------------------------------------------


def test_the_lectures_signed_map_typed_in_and_max_pooled(open_page):
    at = open_page("pages/pooling.py", query={"src": "Typed"})
    assert not at.exception, exceptions(at)
    np.testing.assert_array_equal(
        raw(at, "pooling_out"),
        [[343, 55, 0, 81], [559, 0, 0, -423], [559, 0, 0, -423], [344, 55, 0, 76]])
    assert at.query_params["m"].startswith("-67,23,43,55,-72,-12,-30,81;313,")


def test_a_typed_matrix_from_a_spreadsheet_a_bad_cell_and_the_link(open_page):
    at = open_page(query={"src": "Typed"})
    at.text_area(key="typed").set_value("1\t-2\t1/2\n0\t3\t4\n5\t6\t7").run()
    assert not at.exception, exceptions(at)
    assert at.query_params["m"] == "1,-2,1/2;0,3,4;5,6,7"
    good = [[1, -2, 0.5], [0, 3, 4], [5, 6, 7]]
    expected = cnnviz.conv2d(good, get_kernel("sharpen"))
    np.testing.assert_allclose(read_out(figure(at, 1))["values"], expected)
    at.text_area(key="typed").set_value("1 -2 1/2\n0 x 4\n5 6 7").run()
    assert not at.exception, exceptions(at)
    errors = " ".join(e.value for e in at.sidebar.error)
    assert "row 2, column 2" in errors and "'x'" in errors
    assert at.text_area(key="typed").value == "1 -2 1/2\n0 x 4\n5 6 7"  # nothing typed is lost
    # The link keeps the text as typed, marked as such, so a reload keeps it too
    # (test_a_bad_typed_matrix_survives_a_reload_as_typed).
    assert at.query_params["m"] == "typed:1 -2 1/2\n0 x 4\n5 6 7"
    # The maps stay on the last good matrix.
    np.testing.assert_allclose(read_out(figure(at, 1))["values"], expected)
    at.text_area(key="typed").set_value("1 -2 1/2\n0 3 4\n5 6 7").run()
    assert at.query_params["m"] == "1,-2,1/2;0,3,4;5,6,7"  # fixed: the good link again
    again = open_page(query=dict(at.query_params))
    assert again.text_area(key="typed").value == "1 -2 1/2\n0 3 4\n5 6 7"


def _errors(at) -> str:
    """The error messages' Markdown, as the page gets it."""
    return " ".join(e.value for e in [*at.error, *at.sidebar.error])


def _read(at) -> str:
    """The error messages as a person reads them (Markdown's backslash escapes undone)."""
    return re.sub(r"\\(.)", r"\1", _errors(at))


@pytest.mark.parametrize(("page", "key", "link", "extra"), [
    ("pages/playground.py", "typed", "m", {"src": "Typed"}),
    ("pages/correlation.py", "corr_typed", "corr_k", {"corr_kernel": "typed"}),
])
@pytest.mark.parametrize(("text", "why"), [
    ("1 2\n3 x", "cell (row 2, column 2) is not a number: 'x'"),
    # Read as a good link ("," a separator) it would become the valid "1 5 2 5": it must come
    # back as typed, with its own message.
    ("1,5 2,5\n3 4", "'1,5' looks like a number with a decimal comma"),
    ("1 2\n3", "row 2 has 1 cell but row 1 has 2"),
])
def test_a_bad_typed_matrix_survives_a_reload_as_typed(open_page, page, key, link, extra,
                                                        text, why):
    """A reload (or the link shared) shows the text as typed and its message again, and the
    default result meanwhile; it lost the text and showed the last good matrix's."""
    fresh = open_page(page, query=extra)
    default = [read_out(spec)["values"] for spec in charts(fresh)[:2]]
    at = open_page(page, query=extra)
    at.text_area(key=key).set_value(text).run()
    assert not at.exception, exceptions(at)
    assert why in _read(at)
    again = open_page(page, query=dict(at.query_params))
    assert again.text_area(key=key).value == text
    assert why in _read(again)
    assert "ignored" not in _notices(again)
    for shown, values in zip(charts(again)[:2], default, strict=True):
        np.testing.assert_array_equal(read_out(shown)["values"], values)


def test_a_typed_text_from_a_link_is_shown_as_text_not_markdown(open_page):
    """Someone else's link may carry any text: its message shows the cells as text."""
    at = open_page(query={"src": "Typed", "m": "typed:1 *x* [a](http://x.example) $y$"})
    assert at.text_area(key="typed").value == "1 *x* [a](http://x.example) $y$"
    assert "is not a number\\: '\\*x\\*'" in _errors(at)
    at.text_area(key="typed").set_value("1 [a](http://x.example)").run()
    assert "'\\[a\\](http\\://x\\.example)'" in _errors(at)
    # Nor a link, an address or an icon Markdown would make of bare text (review24).
    at.text_area(key="typed").set_value("1 www.evil.example\n2 :material/home:").run()
    assert "'www\\.evil\\.example'" in _errors(at)
    at.text_area(key="typed").set_value("1 2\n:material/home: 3").run()
    assert "'\\:material/home\\:'" in _errors(at)


def test_a_bad_typed_matrix_in_a_link_is_refused(open_page):
    at = open_page(query={"src": "Typed", "m": "1,2;3"})
    assert not at.exception, exceptions(at)
    assert "`m=1,2;3`" in _notices(at)


# One integer number input a link can fill on each page (issue 17: 12 of 13 pages crashed
# with "OverflowError: cannot convert float infinity to integer" inside Streamlit).
INTEGER_INPUTS = [
    ("pages/playground.py", "s_h"), ("pages/animation.py", "d_w"), ("pages/colour.py", "cv_f"),
    ("pages/compare.py", "a_s"), ("pages/digits.py", "cnn_digit"),
    ("pages/learn_kernel.py", "lk_steps"), ("pages/matrix.py", "mx_side"),
    ("pages/pooling.py", "pl_kh"), ("pages/quiz.py", "q_seed"),
    ("pages/receptive_field.py", "rf_row"), ("pages/shapes.py", "shp_n"),
    ("pages/transposed.py", "tr_stride"), ("pages/correlation.py", "s_h"),
]


@pytest.mark.parametrize(("page", "name"), INTEGER_INPUTS)
@pytest.mark.parametrize("value", ["inf", "-inf", "1e400"])
def test_an_infinite_number_in_a_link_is_refused_not_a_crash(open_page, page, name, value):
    at = open_page(page, query={name: value}, timeout=60)  # open_page fails on an exception
    notices = _notices(at)
    # 1e400 is a finite number, only too large: its reason is the range.
    why = ("out of range: beyond what any setting takes" if value == "1e400"
           else "not a finite number")
    assert f"`{name}={value}` was ignored ({why})" in notices, notices
    assert name not in at.query_params
    assert "not a setting of this page" not in notices


def test_an_infinite_link_value_then_a_page_switch_names_no_false_reason(open_page):
    at = open_page(query={"s_h": "inf", "pool_size": "1e400"})
    assert len(charts(at)) >= 3  # the maps are drawn
    switch(at, "pages/pooling.py")
    assert not at.exception, exceptions(at)
    assert "not a setting of this page" not in _notices(at)


@pytest.mark.parametrize(("page", "key", "link", "extra"), [
    ("pages/playground.py", "typed", "m", {"src": "Typed"}),
    ("pages/correlation.py", "corr_typed", "corr_k", {"corr_kernel": "typed"}),
])
def test_a_typed_matrix_travels_in_its_link_exactly_as_typed(open_page, page, key, link, extra):
    at = open_page(page, query=extra)
    if at.text_area(key=key).value is None:
        pytest.fail(f"no text area {key}")
    at.text_area(key=key).set_value("0.123456789 1e-320\n1/3 -2.50").run()
    assert not at.exception, exceptions(at)
    assert at.query_params[link] == "0.123456789,1e-320;1/3,-2.50"
    again = open_page(page, query=dict(at.query_params))
    assert again.text_area(key=key).value == "0.123456789 1e-320\n1/3 -2.50"


def test_a_16_by_16_matrix_with_long_cells_comes_back_whole_from_its_link(open_page):
    # 16 × 16 travels in the link, cells exactly as typed: 3,071 characters here. The
    # link's reader refused any value over 2,000 characters, so the reload (or the shared
    # link) showed the default matrix and "ignored (too long)": the typed one was lost.
    text = "\n".join(" ".join(f"0.{r:02d}{c:02d}56789" for c in range(16)) for r in range(16))
    at = open_page(query={"src": "Typed"})
    at.text_area(key="typed").set_value(text).run()
    assert not at.exception, exceptions(at)
    assert len(at.query_params["m"]) > 3000
    again = open_page(query=dict(at.query_params))
    assert again.text_area(key="typed").value == text
    assert "too long" not in _notices(again)


def test_a_typed_matrix_too_long_for_a_link_says_so_and_is_not_half_written(open_page):
    # Cells of 40 digits: beyond what a link value may hold. The link must not carry a
    # value its own reader refuses; the person is told it stays on this screen only.
    cell = "0." + "1" * 38
    text = "\n".join(" ".join([cell] * 16) for _ in range(16))
    at = open_page(query={"src": "Typed"})
    at.text_area(key="typed").set_value(text).run()
    assert not at.exception, exceptions(at)
    assert "m" not in at.query_params
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "does not travel in the page's link" in captions, captions


def _put_script(value: str) -> None:
    import streamlit as st

    from cnnviz.ui import links

    st.session_state["fits"] = links.put("k", value)


def test_a_value_too_long_for_a_link_is_left_out_and_said_then_unsaid():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_put_script, args=("1," * 5000,)).run()
    assert not at.exception
    assert at.session_state["fits"] is False and "k" not in at.query_params
    notes = at.session_state[links._NOTICES]
    assert len(notes) == 1 and notes[0].startswith("This view's `k` is too long for a link")
    assert "10,000 characters; at most 8,192" in notes[0]
    at = AppTest.from_function(_put_script, args=("1,2;3,4",))
    at.session_state[links._NOTICES] = list(notes)
    at.run()
    assert at.session_state["fits"] is True and at.query_params["k"] == "1,2;3,4"
    assert at.session_state[links._NOTICES] == []


K11 = ";".join([",".join(["1"] * 11)] * 11)


@pytest.mark.parametrize(("page", "query", "name", "why"), [
    ("pages/animation.py", {"step": "99999", "k": "1e308,1e308;1e308,1e308"}, "step",
     "these settings do not fit this grid"),
    ("pages/animation.py", {"predict": "true", "k": K11, "src": "Lecture"}, "predict",
     "these settings do not fit this grid"),
    ("pages/learn_kernel.py", {"lk_t": "1999", "src": "Typed", "m": "1"}, "lk_t",
     "this setting cannot run"),
])
def test_a_value_the_page_stopped_before_names_the_real_reason(open_page, page, query, name,
                                                               why):
    at = open_page(page, query=query)
    notices = _notices(at)
    assert "not a setting of this page" not in notices, notices
    assert (f"`{name}={query[name]}` was not used: the page stopped before it ({why}; "
            "see the message on the page)") in notices, notices


def test_a_link_value_a_control_changes_names_what_it_shows_instead(open_page):
    at = open_page(query={"d_h": "2.7"})
    assert at.number_input(key=keys.DIL_H).value == 2
    notices = _notices(at)
    assert "`d_h=2.7` was ignored (not a value this control takes): it shows `2`." in notices
    assert "default" not in notices  # 2 is not the default (1)


@pytest.mark.parametrize(("page", "name", "value", "why"), [
    # int() reads "1_0" as 10 and "２" as 2: silently a number the link does not show.
    ("pages/playground.py", "s_h", "1_0", "“_” inside a number: write the digits only"),
    ("pages/playground.py", "s_h", "２", "“２” is not one of the digits 0 to 9"),
    ("pages/pooling.py", "pl_kh", "1_0", "“_” inside a number: write the digits only"),
    ("pages/quiz.py", "q_seed", "٣", "“٣” is not one of the digits 0 to 9"),
    # A finite whole number, just too large: the reason is the range, not infinity.
    ("pages/playground.py", "s_h", "9" * 500, "out of range: beyond what any setting takes"),
    ("pages/quiz.py", "q_seed", "-" + "9" * 400, "out of range: beyond what any setting takes"),
])
def test_a_link_number_not_written_plainly_is_refused_with_the_real_reason(
        open_page, page, name, value, why):
    at = open_page(page, query={name: value}, timeout=60)
    notices = _notices(at)
    assert f"was ignored ({why})" in notices, notices
    assert "not a finite number" not in notices
    assert name not in at.query_params
    if name == "s_h":
        assert at.number_input(key="s_h").value == 1  # the default, not 10 or 2


def test_a_table_in_a_link_takes_only_the_digits_0_to_9():
    """re's \\d is Unicode: "conv,２,1" was read as a kernel of 2."""
    columns, numeric = ("type", "k", "s"), ("k", "s")
    assert codec.decode_rows("conv,2,1", columns, numeric=numeric)[0]["k"] == 2
    for field in ("２", "٣", "²", "1_0"):
        with pytest.raises(ValueError, match="is not a whole number"):
            codec.decode_rows(f"conv,{field},1", columns, numeric=numeric)


@pytest.mark.parametrize(("page", "name"), [("pages/learn_kernel.py", "lk_t"),
                                            ("pages/animation.py", "step")])
@pytest.mark.parametrize("value", ["²", "1²"])
def test_a_step_in_a_link_with_other_digits_is_refused_in_the_apps_words(
        open_page, page, name, value):
    """"²" passed str.isdigit, then int() refused it with Python's "invalid literal" text."""
    at = open_page(page, query={name: value}, timeout=60)
    notices = _notices(at)
    assert f"`{name}={value}` was ignored (" in notices, notices
    assert "invalid literal" not in notices and "base 10" not in notices


def test_the_upload_notice_goes_once_the_image_is_uploaded(open_page):
    """It said "the default photo is shown" above the student's own, just uploaded, image."""
    import io

    from PIL import Image

    at = open_page(query={"src": "Upload"})
    assert "cannot travel in a link" in _notices(at)
    buf = io.BytesIO()
    Image.new("L", (12, 9), 90).save(buf, format="PNG")
    at.file_uploader(key=keys.UPLOAD).set_value(("mine.png", buf.getvalue(), "image/png")).run()
    assert not at.exception, exceptions(at)
    assert "cannot travel in a link" not in _notices(at)


@pytest.mark.parametrize("query", [{"": ""}, {"": "1"}])
def test_a_value_with_no_name_is_refused_not_a_crash(open_page, query):
    """`/?=` gave "Something went wrong" (StreamlitValueError: a session-state key must be a
    non-empty string) and a traceback in the server's log."""
    at = open_page(query=query)
    assert not at.exception, exceptions(at)
    assert "with no name" in _notices(at) and "``" not in _notices(at)
def test_a_bound_value_the_browser_did_not_write_reaches_the_link(open_page):
    """A browser whose binding of a widget was lost (the widget moved on the page: Step
    by step in presenter mode) does not write its change into the link; AppTest never
    writes one. The run sets the value again, and Streamlit writes it (issue 18: the
    presenter test's `animate=Pooling` never reached the link)."""
    at = open_page("pages/animation.py", query={"src": "Lecture", "lecture": "digit_one"})
    assert "animate" not in at.query_params
    at.radio(key="animate").set_value("Pooling").run()
    assert not at.exception, exceptions(at)
    assert at.query_params.get("animate") == "Pooling", at.query_params
    # Back to the default: out of the link again.
    at.radio(key="animate").set_value("Convolution").run()
    assert "animate" not in at.query_params, at.query_params
    # A sidebar widget too (a page's run, not a fragment's): presenter mode.
    at.toggle(key="present").set_value(True).run()
    assert not at.exception, exceptions(at)
    assert at.query_params.get("present") == "true", at.query_params


def test_step_by_step_plays_from_a_link(open_page):
    """Whether it plays is part of the view's link (issue 18/20: class mode's follow carries it)."""
    at = open_page("pages/animation.py", query={
        "src": "Lecture", "lecture": "digit_one", "step": "3", "play": "1"})
    assert not at.exception, exceptions(at)
    data = _bidi(at)
    assert data["start"] == 3 and data["playing"] is True and data["play"][1] is True
    assert at.query_params["play"] == "1" and at.query_params["step"] == "3"
    at.run()  # a rerun opens no link: no new play command, the link keeps play=1
    assert _bidi(at)["play"] == data["play"] and at.query_params["play"] == "1"
    # A still view's link leaves it out, and says so to the browser (a follow pauses).
    at = open_page("pages/animation.py", query={"src": "Lecture", "lecture": "digit_one"})
    data = _bidi(at)
    assert data["playing"] is False and data["play"][1] is False
    assert "play" not in at.query_params


def test_a_play_value_other_than_1_is_refused_with_a_notice(open_page):
    at = open_page("pages/animation.py", query={"play": "yes"})
    assert not at.exception, exceptions(at)
    assert _bidi(at)["playing"] is False and "play" not in at.query_params
    assert any("play=yes" in w.value for w in at.warning), [w.value for w in at.warning]


def test_a_value_given_twice_is_named_and_the_link_keeps_the_one_used(open_page):
    # Found by tester23: ?k=sobel_x&k=box_ones_3 showed the box blur with no word, and the
    # URL (so a copied link) kept both values.
    at = open_page(query={"k": ["sobel_x", "box_ones_3"], "src": ["Typed", "Photo", "Pattern"]})
    assert at.selectbox(key=keys.KERNEL_PRESET).value == "box_ones_3"
    assert at.radio(key=keys.SOURCE).value == "Pattern"
    for name, used in (("k", "box_ones_3"), ("src", "Pattern")):
        assert at.query_params[name] in (used, [used])  # one value, not a list of several
    notes = _notices(at)
    assert "gives `k` 2 times" in notes and "`box_ones_3`" in notes
    assert "gives `src` 3 times" in notes
