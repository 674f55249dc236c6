"""The "convolution as a matrix" page, through the real router."""

from __future__ import annotations

import numpy as np
import pytest

from tests.app.conftest import array, chart, exceptions

PAGE = "pages/matrix.py"






def texts(at, kind):
    return " ".join(str(e.value) for e in at.get(kind))


@pytest.fixture
def page(open_page):
    return open_page(PAGE)


def test_default_render_shows_both_matrices_and_the_check(page):
    at = page
    assert at.title[0].value == "Convolution as a matrix multiplication"
    w = chart(at, "mx_w")
    assert array(w["data"][0]["z"]).shape == (16, 36)  # 6×6 input, 3×3 kernel, valid
    assert array(w["data"][1]["z"]).shape == (1, 36)  # x unrolled under W
    assert array(w["data"][2]["z"]).shape == (16, 1)  # y beside W
    first_row = array(w["data"][0]["text"])[0].tolist()
    assert first_row[:7] == ["1", "2", "3", "", "", "", "4"]  # the numbered taps, zeros blank
    im2col = chart(at, "mx_im2col")
    assert array(im2col["data"][0]["z"]).shape == (16, 9)
    assert array(im2col["data"][1]["text"]).ravel().tolist() == [str(n) for n in range(1, 10)]
    assert "✓" in at.success[0].value and "16 outputs" in at.success[0].value
    md = texts(at, "markdown")
    assert "W is 16 × 36" in md and "Doubly block Toeplitz" in md
    assert "36 · 16 = 576 weights" in md
    assert len(at.latex) == 2 and "= 4" in at.latex[0].value


def test_selected_cell_highlights_its_row(page):
    at = page
    at.number_input(key="mx_row").set_value(2).run()
    at.number_input(key="mx_col").set_value(3).run()
    assert not at.exception, exceptions(at)
    assert "row $i = r \\cdot n_W^{[l]} + c = 11$" in texts(at, "markdown")
    w = chart(at, "mx_w")
    rows = [s for s in w["layout"]["shapes"] if s["yref"] == "y" and s["xref"] == "x"]
    assert rows[0]["y0"] == 10.5 and rows[0]["y1"] == 11.5
    read = [s["x0"] + 0.5 for s in w["layout"]["shapes"] if s["yref"] == "y2"]
    assert read == [15, 16, 17, 21, 22, 23, 27, 28, 29]  # the 3×3 window at (2, 3)
    assert "y[11] = 1·" in at.code[0].value


def test_kernel_and_padding_change_the_matrices(page):
    at = page
    at.selectbox(key="mx_kernel").set_value("numbered_2").run()
    at.radio(key="pad").set_value("same").run()
    assert not at.exception, exceptions(at)
    assert array(chart(at, "mx_w")["data"][0]["z"]).shape == (36, 36)
    assert array(chart(at, "mx_im2col")["data"][0]["z"]).shape == (36, 4)
    assert "✓" in at.success[0].value
    assert "Doubly block Toeplitz" in texts(at, "markdown")
    at.number_input(key="s_h").set_value(2).run()
    md = texts(at, "markdown")
    assert "W is 18 × 36" in md and "Doubly block Toeplitz" not in md  # the stride breaks it


def test_cell_outside_the_output_warns_and_shows_the_last_one(page):
    at = page
    at.number_input(key="mx_row").set_value(9).run()
    assert not at.exception, exceptions(at)
    assert "Row 9 is outside the 4 × 4 output" in at.warning[0].value
    assert "Output cell $(3, 0)$" in texts(at, "markdown")


def test_the_input_side_box_takes_only_what_the_page_can_draw(page):
    # A control's limits are the real limits: W has one column per pixel, so 16 at most.
    assert page.number_input(key="mx_side").max == 16
    at = page
    at.number_input(key="mx_side").set_value(16).run()
    assert not at.exception, exceptions(at)
    assert array(chart(at, "mx_w")["data"][0]["z"]).shape[1] == 16 * 16


def test_kernel_larger_than_the_input_is_refused(page):
    at = page
    at.number_input(key="mx_side").set_value(2).run()
    assert not at.exception, exceptions(at)
    assert "kernel is larger than the padded input" in at.error[0].value


def test_lecture_matrix_is_used_as_it_is(open_page):
    at = open_page(PAGE)
    at.session_state["src"] = "Lecture"
    at.number_input(key="mx_side").set_value(8).run()
    assert not at.exception, exceptions(at)
    w = chart(at, "mx_w")
    assert array(w["data"][1]["z"]).shape == (1, 49)  # the 7×7 digit one, not resized
    assert "shrunk" not in texts(at, "caption")


def test_a_typed_kernel_goes_into_the_matrix(open_page):
    at = open_page("pages/matrix.py", query={"mx_kernel": "typed", "mx_side": "4"})
    assert not at.exception, exceptions(at)
    at.text_area(key="mx_typed").set_value("1 -1\n2 0").run()
    assert not at.exception, exceptions(at)
    w = array(chart(at, "mx_w")["data"][0]["z"])
    assert w.shape == (9, 16)  # 3 × 3 outputs, 4 × 4 pixels
    # z holds the diverging display values, v / max|v|: the typed taps over 2.
    assert sorted(set(w[0][~np.isnan(w[0])].tolist()) - {0}) == [-0.5, 0.5, 1.0]
    assert at.query_params["mx_k"] == "1,-1;2,0"
    at.text_area(key="mx_typed").set_value("1 2 3 4 5 6").run()  # wider than 5
    assert not at.exception, exceptions(at)
    assert "at most 5 × 5" in " ".join(e.value for e in at.error)
