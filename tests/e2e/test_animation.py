"""The step-by-step animation in real Chromium: play, pause, step back, and the right numbers."""

from __future__ import annotations

import re

import numpy as np
import pytest

import cnnviz
from cnnviz.core.kernels import get_kernel
from cnnviz.core.text import format_number
from cnnviz.data import samples
from cnnviz.lessons.animation import to_pixel_levels

from .conftest import no_exception_box, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

# True once the animation has played past step k (its API, not a clock: no fixed sleep).
PLAYED_PAST = ("k => { const a = window.__cnnvizInstances && window.__cnnvizInstances.anim_view;"
               " return !!a && a.playing() && a.step() >= k; }")


def _step(page) -> int:
    text = page.get_by_test_id("cnnviz-step-counter").inner_text()
    match = re.fullmatch(r"Step (\d+) / (\d+)", text.strip())
    assert match, text
    return int(match.group(1))


def test_play_pause_step_back_and_values_equal_the_core(page, app_url):
    page.goto(f"{app_url}/animation")
    wait_for_app(page, "Step by step")
    counter = page.get_by_test_id("cnnviz-step-counter")
    counter.wait_for()
    assert counter.inner_text().strip() == "Step 1 / 100"

    caption = page.get_by_text("crop of the 128×128 image").first.inner_text()
    top = int(re.search(r"rows (\d+)–", caption).group(1))
    left = int(re.search(r"columns (\d+)–", caption).group(1))
    photo = samples.load_photo(next(iter(samples.PHOTOS)), mode="gray", max_side=128)
    grid = to_pixel_levels(photo[top:top + 12, left:left + 12])  # shown as 0–255 by default
    expected = cnnviz.conv2d(grid, get_kernel("sharpen"))

    page.get_by_test_id("cnnviz-speed").select_option(label="20 steps/s")
    page.get_by_test_id("cnnviz-play").click()
    # Wait for the playback itself (no fixed sleep): until 20 steps have been played.
    page.wait_for_function(PLAYED_PAST, arg=20, polling=50)
    page.get_by_test_id("cnnviz-play").click()  # pause
    paused = _step(page)
    assert 20 < paused <= 100, paused
    assert page.locator(".cnv").first.get_attribute("data-playing") == "false"
    page.wait_for_timeout(300)  # a paused animation stays put (at 20 steps/s, 6 steps)
    assert _step(page) == paused  # it really stopped

    page.get_by_role("button", name="Step back (Left arrow)").click()
    assert _step(page) == paused - 1
    page.keyboard.press("Home")
    assert _step(page) == 1
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert _step(page) == 3

    for _ in range(3):
        k = _step(page) - 1
        r, c = divmod(k, expected.shape[1])
        shown = page.get_by_test_id("cnnviz-output-value").inner_text().strip()
        assert shown == format_number(expected[r, c]), (k, shown)
        equation = page.get_by_test_id("cnnviz-equation").inner_text()
        assert f"= {format_number(expected[r, c])}" in equation
        page.get_by_role("button", name="Step forward (Right arrow)").click()

    # Jump to an output cell by row and column.
    page.get_by_test_id("cnnviz-jump-row").fill("4")
    page.get_by_test_id("cnnviz-jump-col").fill("7")
    page.get_by_test_id("cnnviz-jump").click()
    assert _step(page) == 4 * 10 + 7 + 1
    assert page.get_by_test_id("cnnviz-output-value").inner_text().strip() == format_number(
        expected[4, 7])
    assert no_exception_box(page) == []
    screenshot(page, "animation_step_48")
    assert np.isfinite(expected).all()
