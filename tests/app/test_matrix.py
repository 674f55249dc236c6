"""The "convolution as a matrix" page, through the real router."""

from __future__ import annotations

import numpy as np
import pytest

from tests.app.conftest import chart, exceptions, read, sums

PAGE = "pages/matrix.py"






def texts(at, kind):
    return " ".join(str(e.value) for e in at.get(kind))


@pytest.fixture
def page(open_page):
    return open_page(PAGE)


def test_default_render_shows_both_matrices_and_the_check(page):
    at = page
    assert at.title[0].value == "Convolution as a matrix multiplication"
    w, x, y = read(at, "mx_w")["panels"]  # the map element's panels: W, x under it, y beside
    assert (w["name"], x["name"], y["name"]) == ("W", "x", "y")
    assert w["values"].shape == (16, 36)  # 6×6 input, 3×3 kernel, valid
    assert x["values"].shape == (1, 36)  # x unrolled under W
    assert y["values"].shape == (16, 1)  # y beside W
    assert w["text"][0][:7] == ["1", "2", "3", "", "", "", "4"]  # the numbered taps, zeros blank
    assert x["at"][1] == w["at"][1] == 0  # column j of W sits above x[j]
    assert y["at"][0] == w["at"][0] == 0  # row i of W beside y[i]
    # The products equal the sliding window's map (the page's conv2d), read from the picture.
    assert np.allclose((w["values"] @ x["values"].ravel()), y["values"].ravel())
    im2col, k, _ = read(at, "mx_im2col")["panels"]
    assert im2col["values"].shape == (16, 9)
    assert [t for row in k["text"] for t in row] == [str(n) for n in range(1, 10)]
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
    amber = [s for s in w["shapes"] if s["line"]["color"] == "#ffb300"]
    assert (amber[0]["x0"], amber[0]["x1"]) == (-0.5, 35.5)  # the whole row of W
    assert amber[0]["y0"] == 10.5 and amber[0]["y1"] == 11.5
    strip = read(at, "mx_w")["panels"][1]["at"][0]  # x's row in the picture
    taps = [s["x0"] + 0.5 for s in w["shapes"] if s["y0"] + 0.5 == strip]
    assert taps == [15, 16, 17, 21, 22, 23, 27, 28, 29]  # the 3×3 window at (2, 3)
    # The sum as Markdown, not st.code (whose highlighter costs a first visit 1.5 MB of script).
    assert not at.code
    assert sums(at)[0].startswith("y[11] = 1·")


def test_kernel_and_padding_change_the_matrices(page):
    at = page
    at.selectbox(key="mx_kernel").set_value("numbered_2").run()
    at.radio(key="pad").set_value("same").run()
    assert not at.exception, exceptions(at)
    assert read(at, "mx_w")["panels"][0]["values"].shape == (36, 36)
    assert read(at, "mx_im2col")["panels"][0]["values"].shape == (36, 4)
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
    assert read(at, "mx_w")["panels"][0]["values"].shape[1] == 16 * 16


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
    assert read(at, "mx_w")["panels"][1]["values"].shape == (1, 49)  # 7×7, not resized
    assert "shrunk" not in texts(at, "caption")


def test_a_typed_kernel_goes_into_the_matrix(open_page):
    at = open_page("pages/matrix.py", query={"mx_kernel": "typed", "mx_side": "4"})
    assert not at.exception, exceptions(at)
    at.text_area(key="mx_typed").set_value("1 -1\n2 0").run()
    assert not at.exception, exceptions(at)
    w = read(at, "mx_w")["panels"][0]["values"]
    assert w.shape == (9, 16)  # 3 × 3 outputs, 4 × 4 pixels
    assert sorted(set(w[0].tolist()) - {0}) == [-1.0, 1.0, 2.0]  # the typed taps, raw
    assert at.query_params["mx_k"] == "1,-1;2,0"
    at.text_area(key="mx_typed").set_value("1 2 3 4 5 6").run()  # wider than 5
    assert not at.exception, exceptions(at)
    assert "at most 5 × 5" in " ".join(e.value for e in at.error)
