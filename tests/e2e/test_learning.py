"""The learning pages in real Chromium: draw a digit and see a prediction; learn a kernel."""

from __future__ import annotations

import re

import pytest

from .conftest import no_exception_box, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def _stroke(page, box, points) -> None:
    """One pen stroke through points given as fractions of the canvas."""
    x0, y0 = box["x"], box["y"]
    w, h = box["width"], box["height"]
    page.mouse.move(x0 + points[0][0] * w, y0 + points[0][1] * h)
    page.mouse.down()
    for fx, fy in points[1:]:
        page.mouse.move(x0 + fx * w, y0 + fy * h, steps=8)
    page.mouse.up()


def test_draw_a_digit_and_see_a_prediction(page, app_url):
    page.goto(f"{app_url}/digits?cnn_src=Draw")
    wait_for_app(page, "Draw a digit (or upload one)")
    canvas = page.locator("canvas.pad").first
    canvas.wait_for(state="visible")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    # A "7": a bar across the top, then a stroke down to the lower left.
    _stroke(page, box, [(0.25, 0.2), (0.75, 0.2)])
    wait_for_app(page, "The network says")
    _stroke(page, box, [(0.75, 0.2), (0.45, 0.85)])
    page.wait_for_timeout(500)
    wait_for_app(page, "The network says")
    text = page.get_by_text(re.compile(r"The network says \d")).first.inner_text()
    assert re.search(r"The network says \d with probability", text)
    assert "7" in text, text  # a clear 7 is read as a 7
    assert page.get_by_text("Prepared as MNIST's digits were").first.is_visible()
    assert no_exception_box(page) == []
    screenshot(page, "digits_drawn_7")
    # Clear: back to waiting for a drawing.
    page.get_by_role("button", name="Clear").click()
    wait_for_app(page, "Draw a digit (or upload one)")


def test_digits_page_filters_and_maps(page, app_url):
    page.goto(f"{app_url}/digits")
    wait_for_app(page, "What the first layer learned")
    assert no_exception_box(page) == []
    screenshot(page, "digits_page")


def test_learn_a_kernel_steps_to_the_end(page, app_url):
    page.goto(f"{app_url}/learn_kernel")
    wait_for_app(page, "The gradient is a cross-correlation")
    page.get_by_role("button", name="End").click()
    wait_for_app(page, "500 of 500")
    assert no_exception_box(page) == []
    screenshot(page, "learn_kernel_end")
