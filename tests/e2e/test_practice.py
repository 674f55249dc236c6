"""Practice in real Chromium: a quiz question answered, and Step by step's prediction revealed."""

from __future__ import annotations

import re

import pytest

import cnnviz
from cnnviz.core.text import format_number
from cnnviz.data import samples
from cnnviz.lessons import quiz

from .conftest import no_exception_box, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

DIGIT_ONE = "animation?src=Lecture&lecture=digit_one&k=1,0,0;1,0,1;0,1,1&predict=true"


def _step(page) -> int:
    text = page.get_by_test_id("cnnviz-step-counter").inner_text()
    match = re.fullmatch(r"Step (\d+) / (\d+)", text.strip())
    assert match, text
    return int(match.group(1))


def test_a_linked_question_is_answered_and_marked_with_the_worked_arithmetic(page, app_url):
    q = quiz.make_question("shape", 61, 2)
    page.goto(f"{app_url}/quiz?q=shape&q_seed=61&q_level=2")
    wait_for_app(page, "Practice: predict, then reveal")
    page.get_by_label("Your answer").fill(f"{q.answer[0]}x{q.answer[1]}")
    page.get_by_label("Your answer").press("Enter")  # the form submits on Enter
    wait_for_app(page, "Worked out")
    assert page.get_by_text(f"Right: {q.answer_text}.").count() == 1
    assert page.get_by_text("Score: 1 / 1").count() == 1
    assert no_exception_box(page) == []
    screenshot(page, "practice_shape_right")


def test_predicting_the_next_value_reveals_it_in_the_animation_and_stays_there(page, app_url):
    item = samples.LECTURE_INPUTS["digit_one"]
    z = cnnviz.conv2d(item.array, item.kernel)
    page.goto(f"{app_url}/{DIGIT_ONE}")
    wait_for_app(page, "Predictions right")
    page.get_by_test_id("cnnviz-step-counter").wait_for()
    assert _step(page) == 1
    # A step in the browser first: its report (300 ms later) reruns the page, so
    # Python holds a browser view that the reveal's move will make stale.
    page.get_by_role("button", name="Step forward (Right arrow)").click()
    box = page.get_by_label(re.compile(r"Step 3 of 25 fills output \(0, 2\)"))
    box.wait_for()
    box.fill(format_number(z[0, 2]))
    page.get_by_role("button", name="Check and reveal").click()
    wait_for_app(page, "Right: output (0, 2)")
    page.get_by_text("Step 4 of 25 fills output").first.wait_for()
    assert _step(page) == 3
    shown = page.get_by_test_id("cnnviz-output-value").inner_text().strip()
    assert shown == format_number(z[0, 2])
    # The browser reports its new step after 300 ms, which reruns the page: the
    # animation must stay on the revealed step, not be sent back. Wait for that
    # report (the animation's own count of them) and its rerun, not for a clock.
    page.wait_for_function(
        "() => { const a = window.__cnnvizInstances.anim_view;"
        " const s = document.querySelector('[data-test-script-state]');"
        " return a.reports() >= 2 && !a.reportPending()"
        " && s && s.getAttribute('data-test-script-state') !== 'running'; }", polling=50)
    wait_for_app(page, "Predictions right")
    assert _step(page) == 3
    assert page.get_by_text("Step 4 of 25 fills output").count() == 1
    assert no_exception_box(page) == []
    screenshot(page, "animation_predict_right")
