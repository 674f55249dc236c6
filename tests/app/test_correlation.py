"""The "correlation vs convolution" page, through the real router."""

from __future__ import annotations

import numpy as np
import pytest

from tests.app.conftest import exceptions, raw

PAGE = "pages/correlation.py"


@pytest.fixture
def page(open_page):
    return open_page(PAGE)


def test_default_shows_kernel_turned_kernel_maps_and_difference(page):
    at = page
    assert at.title[0].value == "Correlation vs convolution"
    np.testing.assert_array_equal(raw(at, "corr_k"), [[1, 2, 0], [0, 0, 0], [0, 0, -1]])
    np.testing.assert_array_equal(raw(at, "corr_turned"), [[-1, 0, 0], [0, 0, 0], [0, 2, 1]])
    corr, conv, diff = raw(at, "corr_corr"), raw(at, "corr_conv"), raw(at, "corr_diff")
    n = raw(at, "corr_input").shape
    assert corr.shape == conv.shape == diff.shape == n  # "same" padding keeps the size
    np.testing.assert_allclose(diff, conv - corr, atol=1e-5)
    assert float(at.metric[0].value) == pytest.approx(np.abs(diff).max(), abs=1e-3)
    assert float(at.metric[0].value) > 0
    assert "different kernel" in at.info[0].value
    assert len(at.latex) == 2 and f"= {n[0]}" in at.latex[0].value


def test_impulse_response_shows_the_turn_in_numbers(page):
    at = page
    np.testing.assert_array_equal(raw(at, "corr_impulse_0")[2, 2], 1.0)
    np.testing.assert_array_equal(raw(at, "corr_impulse_1"), [[-1, 0, 0], [0, 0, 0], [0, 2, 1]])
    np.testing.assert_array_equal(raw(at, "corr_impulse_2"), [[1, 2, 0], [0, 0, 0], [0, 0, -1]])


def test_symmetric_kernel_gives_exactly_zero(page):
    at = page
    at.selectbox(key="corr_kernel").set_value("gaussian_5").run()
    assert not at.exception, exceptions(at)
    assert at.metric[0].value == "0"
    assert "✓" in at.success[0].value and "identical" in at.success[0].value
    assert not raw(at, "corr_diff").any()
    assert raw(at, "corr_impulse_0").shape == (9, 9)


def test_antisymmetric_kernel_and_valid_padding(page):
    at = page
    at.selectbox(key="corr_kernel").set_value("sobel_x").run()
    at.radio(key="corr_pad").set_value("valid").run()
    assert not at.exception, exceptions(at)
    assert "negative" in at.info[0].value
    corr, conv = raw(at, "corr_corr"), raw(at, "corr_conv")
    n = raw(at, "corr_input").shape
    assert corr.shape == (n[0] - 2, n[1] - 2)
    np.testing.assert_allclose(conv, -corr, atol=1e-5)


def test_kernel_larger_than_a_tiny_image_gives_an_error(open_page):
    at = open_page(PAGE)
    at.session_state["src"] = "Lecture"
    at.session_state["lecture"] = "max_pool_4x4"
    at.selectbox(key="corr_kernel").set_value("gaussian_5")
    at.radio(key="corr_pad").set_value("valid").run()
    assert not at.exception, exceptions(at)
    assert "larger than the padded input" in at.error[0].value
    assert at.selectbox(key="corr_kernel").value == "gaussian_5"


def test_the_lectures_flip_example_typed_in(open_page):
    at = open_page(PAGE, query={"corr_kernel": "typed"})
    assert not at.exception, exceptions(at)
    np.testing.assert_array_equal(raw(at, "corr_k"), [[3, 4, 5], [1, 0, 2], [-1, 9, 7]])
    np.testing.assert_array_equal(raw(at, "corr_turned"), [[7, 9, -1], [2, 0, 1], [5, 4, 3]])
    at.text_area(key="corr_typed").set_value("1, 2\n3, -4").run()
    assert not at.exception, exceptions(at)
    np.testing.assert_array_equal(raw(at, "corr_turned"), [[-4, 3], [2, 1]])
    assert at.query_params["corr_k"] == "1,2;3,-4"
