"""A click on a grid's cell (the map element's trigger "pick") sets the inputs choosing that cell.

The browser side is tested in tests/e2e/test_grids.py; here the Python side: the
value the element reports, read from the session, handed to the page's callback,
and nothing raised for a value that is not a cell.
"""

from __future__ import annotations

import pytest

from cnnviz.ui import charts


class _Trigger(dict):
    """The session's entry for a component: a dict with attribute access, as Streamlit's."""

    __getattr__ = dict.get


@pytest.mark.parametrize("state", [{"pick": [2, 5]}, _Trigger(pick=[2, 5]), {"pick": ("2", 5.0)}])
def test_the_reported_cell_reaches_the_callback(monkeypatch, state):
    monkeypatch.setattr(charts.st, "session_state", {"grid": state})
    got = []
    charts.picked("grid", lambda r, c: got.append((r, c)))
    assert got == [(2, 5)]


@pytest.mark.parametrize("state", [None, {}, {"pick": None}, {"pick": [1]}, {"pick": "x"},
                                   {"pick": [-1, 0]}, {"pick": ["a", "b"]}])
def test_anything_but_a_cell_is_ignored(monkeypatch, state):
    monkeypatch.setattr(charts.st, "session_state", {"grid": state})
    got = []
    charts.picked("grid", lambda r, c: got.append((r, c)))
    assert got == []


def test_pick_into_sets_both_inputs(monkeypatch):
    session = {}
    monkeypatch.setattr(charts.st, "session_state", session)
    charts.pick_into("cv_row", "cv_col")(3, 4)
    assert session == {"cv_row": 3, "cv_col": 4}


def test_a_row_of_w_picks_its_output_cell(monkeypatch):
    # The matrix page: a click on row i of W (or im2col) follows output cell divmod(i, n_W');
    # a click on the x strip under W (rows past the last) picks nothing.
    import numpy as np

    from cnnviz.lessons.matrix import matrix_view

    mv = matrix_view(np.ones((6, 6)), np.ones((3, 3)))  # 4 × 4 outputs: W has 16 rows
    session = {}
    monkeypatch.setattr(charts.st, "session_state", session)
    pick = charts.pick_row_into("mx_row", "mx_col", mv.output_cell)
    pick(11, 30)
    assert session == {"mx_row": 2, "mx_col": 3}
    session.clear()
    pick(17, 3)  # the strip of x
    assert session == {}
