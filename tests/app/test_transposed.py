"""The "transposed convolution and dilation" page, through the real router."""

from __future__ import annotations

import numpy as np
import pytest

from cnnviz.ui import transposed
from tests.app.conftest import exceptions, raw, type_in

PAGE = "pages/transposed.py"








def edit(at, matrix, row, col, text):
    return type_in(at, transposed.grid(matrix), {row: {str(col): text}}).run()


@pytest.fixture
def page(open_page):
    return open_page(PAGE)


def test_default_shows_every_step_and_the_checks(page):
    at = page
    assert at.title[0].value == "Transposed convolution and dilation"
    np.testing.assert_array_equal(raw(at, "tr_steps_0"), [[1, 2], [3, 4]])
    np.testing.assert_array_equal(raw(at, "tr_steps_1"), [[1, 0, 2], [0, 0, 0], [3, 0, 4]])
    padded = raw(at, "tr_steps_2")
    assert padded.shape == (7, 7) and padded[2, 2] == 1 and padded[4, 4] == 4
    output, direct = raw(at, "tr_result_2"), raw(at, "tr_result_3")
    np.testing.assert_array_equal(output, direct)
    np.testing.assert_array_equal(output[2], [4, 4, 10, 6, 6])  # the overlaps add up
    latex = [e.value.strip("$\n") for e in at.latex]
    assert latex[0].endswith("(2 - 1)\\cdot 2 - 2\\cdot 0 + 1\\cdot(3 - 1) + 0 + 1 = 5")
    assert any(t.startswith("n_H^{[l-1]}") and t.endswith("= 2") for t in latex)
    successes = " ".join(e.value for e in at.success)
    assert "exactly the direct scatter-add" in successes
    assert "Back to the input's shape 2 × 2" in successes
    md = " ".join(e.value for e in at.markdown)
    assert "Insert s − 1 = 1 zero" in md and "top 2, bottom 2, left 2, right 2" in md


def test_stride_padding_and_output_padding_change_the_shapes(page):
    at = page
    at.number_input(key="tr_stride").set_value(3).run()
    at.number_input(key="tr_pad").set_value(1).run()
    at.number_input(key="tr_outpad").set_value(2).run()
    assert not at.exception, exceptions(at)
    assert raw(at, "tr_result_2").shape == (6, 6)  # (2 − 1)·3 − 2·1 + (3 − 1) + 2 + 1
    assert raw(at, "tr_steps_1").shape == (4, 4)  # two zeros between the cells
    assert any(e.value.strip("$\n").endswith("+ 2 + 1 = 6") for e in at.latex)


def test_presets_and_cell_edits(page):
    at = page
    at.selectbox(key="tr_x").set_value("ones_4").run()
    at.selectbox(key="tr_k").set_value("bilinear_4").run()
    at.number_input(key="tr_pad").set_value(1).run()
    assert not at.exception, exceptions(at)
    assert raw(at, "tr_result_2").shape == (8, 8)
    edit(at, "tr_x", 0, 0, "5")
    assert not at.exception, exceptions(at)
    assert raw(at, "tr_steps_0")[0, 0] == 5


def test_bad_cell_and_bad_output_padding_give_messages(page):
    at = page
    editor = "tr_k"
    edit(at, editor, 1, 1, "abc")
    assert not at.exception, exceptions(at)
    assert "Kernel k: cell (row 2, column 2) is not a number: 'abc'" in at.error[0].value
    edit(at, editor, 1, 1, "1")
    # output_padding offers only what the stride allows; a stride cut lowers it, saying so.
    at.number_input(key="tr_outpad").set_value(1).run()
    assert at.number_input(key="tr_outpad").max == 1
    at.number_input(key="tr_stride").set_value(1).run()
    assert not at.exception, exceptions(at)
    assert at.number_input(key="tr_outpad").value == 0
    assert at.number_input(key="tr_outpad").max == 0
    assert any("output_padding was 1; it must stay below max(s, d) = 1, so it is now 0"
               in c.value for c in at.caption)
    assert not at.error
    # the dilation half of the page still works
    assert "Identical maps" in " ".join(e.value for e in at.success)


def test_the_padding_box_offers_exactly_the_paddings_that_leave_an_output(page):
    at = page  # x 2 × 2, k 3 × 3, s = 2: the full result is 5 × 5
    assert at.number_input(key="tr_pad").max == 2
    at.number_input(key="tr_pad").set_value(2).run()
    assert not at.exception, exceptions(at)
    assert raw(at, "tr_result_2").shape == (1, 1)
    at.number_input(key="tr_stride").set_value(1).run()  # full result 4 × 4: p ≤ 1
    assert not at.exception, exceptions(at)
    assert at.number_input(key="tr_pad").value == 1 and at.number_input(key="tr_pad").max == 1
    assert any("Padding p was 2; at most 1 leaves an output" in c.value for c in at.caption)
    assert raw(at, "tr_result_2").shape == (2, 2)
    assert not at.error


def test_round_trip_warning_when_output_padding_reaches_the_dilation(page):
    at = page
    at.number_input(key="tr_stride").set_value(1).run()
    at.number_input(key="tr_dil").set_value(2).run()
    at.number_input(key="tr_outpad").set_value(1).run()
    assert not at.exception, exceptions(at)
    assert "output_padding must be below the stride" in at.warning[0].value


def test_dilation_section(page):
    at = page
    dilated = raw(at, "tr_dil_dilated")
    np.testing.assert_array_equal(dilated[::2, ::2], [[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    assert dilated.shape == (5, 5) and not dilated[1::2].any()
    assert any("2\\cdot(3 - 1) + 1 = 5" in e.value for e in at.latex)
    a, b = raw(at, "tr_dil_maps_1"), raw(at, "tr_dil_maps_2")
    np.testing.assert_array_equal(a, b)
    at.number_input(key="tr_dil_d").set_value(3).run()
    at.selectbox(key="tr_dil_kernel").set_value("box_blur_5").run()
    assert not at.exception, exceptions(at)
    assert raw(at, "tr_dil_dilated").shape == (13, 13)
    assert any("3\\cdot(5 - 1) + 1 = 13" in e.value for e in at.latex)


def test_dilated_kernel_too_large_for_a_lecture_matrix(open_page):
    at = open_page(PAGE)
    at.session_state["src"] = "Lecture"
    at.session_state["lecture"] = "floor_6x6"
    at.number_input(key="tr_dil_d").set_value(4).run()
    assert not at.exception, exceptions(at)
    assert "dilated by 4 spans 9" in at.error[0].value
