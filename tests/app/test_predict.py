"""Step by step's "predict the next value": marked against the core, then revealed."""

from __future__ import annotations

import json

import numpy as np

import cnnviz
from cnnviz.core.text import format_number
from cnnviz.data import samples
from cnnviz.ui import predict
from cnnviz.ui import state as keys

from .conftest import animators, exceptions, page_text
from .test_animation import _open_small


def _start(at) -> int | None:
    (element,) = animators(at)
    return json.loads(element.proto.json)["start"]


def _goto(at) -> list[int] | None:
    """The move the page asks the browser for: [seq, step] (a new seq moves it once; the
    link the page opened with asks for its step, 0 here, under a seq of its own)."""
    (element,) = animators(at)
    return json.loads(element.proto.json)["goto"]


def _guess(at, step: int, text: str):
    at.text_input(key=f"predict_answer_{step}").input(text)
    at.button(key="predict_check").click().run()
    assert not at.exception, exceptions(at)
    return at


def _on(open_page):
    at = _open_small(open_page)  # the lecture's 7 × 7 digit one
    at.button(key="anim_lecture_kernel").click().run()
    at.toggle(key=keys.PREDICT).set_value(True).run()
    assert not at.exception, exceptions(at)
    item = samples.LECTURE_INPUTS["digit_one"]
    z = cnnviz.conv2d(item.array, item.kernel, item.bias)
    return at, z


def test_a_wrong_guess_shows_the_products_and_moves_the_animation_on(open_page):
    at, z = _on(open_page)
    opened = _goto(at)
    assert _start(at) == 0 and (opened is None or opened[1] == 0)
    assert "Step 2 of 25 fills output (0, 1)" in at.text_input(key="predict_answer_1").label
    _guess(at, 1, str(z[0, 1] + 5))
    assert at.error and "Not quite" in at.error[0].value
    assert f"= {format_number(z[0, 1])}" in at.error[0].value
    text = page_text(at)
    assert "Products and sum:" in text and "·" in text
    assert at.session_state[predict.SCORE] == {"right": 0, "asked": 1}
    moved = _goto(at)
    assert _start(at) == 1 and moved[1] == 1 and moved != opened  # revealed: it moves there
    assert at.query_params["step"] in ("1", ["1"])


def test_a_right_guess_scores_and_the_next_question_follows(open_page):
    at, z = _on(open_page)
    _guess(at, 1, format_number(z[0, 1]))
    first = _goto(at)
    _guess(at, 2, format_number(z[0, 2]))
    assert at.success and at.success[0].value.startswith("Right")
    assert at.session_state[predict.SCORE] == {"right": 2, "asked": 2}
    second = _goto(at)
    assert _start(at) == 2 and second[1] == 2 and second[0] != first[0]  # a new move each
    assert "Predictions right: **2 / 2**" in page_text(at)
    # One more rerun (as the browser's report of the new step brings) keeps the step.
    at.run()
    assert _start(at) == 2 and _goto(at) == second and "Step 4 of 25 fills output" in \
        at.text_input(key="predict_answer_3").label


def test_garbage_gets_a_message_and_reveals_nothing(open_page):
    at, _ = _on(open_page)
    opened = _goto(at)
    _guess(at, 1, "a lot")
    assert at.warning and "not a number" in at.warning[0].value
    assert at.session_state[predict.SCORE] == {"right": 0, "asked": 0}
    assert _start(at) == 0 and _goto(at) == opened  # no move


def test_the_switch_is_off_by_default(open_page):
    at = _open_small(open_page)
    assert not at.text_input and "Predictions right" not in page_text(at)


def test_the_activation_is_named_as_the_screen_names_it(open_page):
    at, z = _on(open_page)
    at.selectbox(key=keys.ACTIVATION).set_value("relu").run()
    z = np.maximum(z, 0)
    assert "ReLU(z)?" in at.text_input(key="predict_answer_1").label
    _guess(at, 1, str(z[0, 1] + 5))
    text = page_text(at)
    assert "Then the activation: ReLU(" in text and "relu(" not in text
