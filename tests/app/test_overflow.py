"""Huge numbers typed into kernel cells are messages, never tracebacks, on every page.

Regression: 1e308 in two kernel cells raised OverflowError (math.fsum) on the
Playground, Step-by-step and Colour pages and "ValueError ... got inf" on the
Transposed page; a nearly constant feature map crashed the Playground's
histogram ("Too many bins for data range").
"""

from __future__ import annotations

import pytest

from cnnviz.ui import colour, kernel, transposed
from cnnviz.ui import pooling as pool_ui
from cnnviz.ui import state as keys

from .conftest import animators, exceptions, svgs, type_in

# Issue 17: no NumPy overflow warning escapes the core before its own ValueError.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

TWO_CELLS = {0: {"0": "1e308", "1": "1e308"}}


def _messages(at) -> str:
    return " ".join(str(e.value) for e in list(at.error) + list(at.warning))


def _assert_overflow_message(at) -> None:
    assert not at.exception, exceptions(at)
    assert "overflows float64" in _messages(at), _messages(at)


def _type_in_kernel(at):
    return type_in(at, kernel.GRID, TWO_CELLS).run()


@pytest.mark.parametrize("page", ["pages/playground.py", "pages/animation.py"])
def test_1e308_in_two_kernel_cells(open_page, page):
    at = _type_in_kernel(open_page(page))
    _assert_overflow_message(at)
    # The kernel's caption says what its sum is instead of crashing.
    assert any("more than float64 holds" in c.value for c in at.caption)


def test_1e308_on_the_step_by_step_page_with_values_0_to_1(open_page):
    # One huge cell on 0–1 values fits: the animation gets its payload, no error.
    at = open_page("pages/animation.py")
    at.radio(key="levels").set_value("0-1").run()
    type_in(at, kernel.GRID, {1: {"1": "1e308"}}).run()
    assert not at.exception, exceptions(at)
    assert len(animators(at)) == 1


def test_1e308_in_two_cells_of_a_colour_slice(open_page):
    at = open_page("pages/colour.py")
    _assert_overflow_message(type_in(at, colour.GRIDS[0], TWO_CELLS).run())


@pytest.mark.parametrize("editor", ["tr_k", "tr_x"])
def test_1e308_in_two_cells_of_the_transposed_page(open_page, editor):
    at = open_page("pages/transposed.py")
    _assert_overflow_message(type_in(at, transposed.grid(editor), TWO_CELLS).run())


def test_pooling_the_playgrounds_overflowing_feature_map(open_page):
    at = _type_in_kernel(open_page())
    at.switch_page("pages/pooling.py").run()
    at.toggle(key=pool_ui.FEATURE_MAP).set_value(True).run()
    _assert_overflow_message(at)


@pytest.mark.parametrize("size", [32, 64])
def test_gradient_pattern_with_sobel_x_draws_its_histogram(open_page, size):
    at = open_page()
    at.radio(key=keys.SOURCE).set_value("Pattern").run()
    at.selectbox(key=keys.PATTERN).set_value("gradient").run()
    at.select_slider(key=keys.MAX_SIDE).set_value(size).run()
    at.selectbox(key=keys.KERNEL_PRESET).set_value("sobel_x").run()
    assert not at.exception, exceptions(at)
    assert not at.error
    assert any("Raw values of the feature map" in svg for svg in svgs(at))
