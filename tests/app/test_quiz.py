"""The Practice page under AppTest: seeded questions, marking, the score and the difficulty."""

from __future__ import annotations

import pytest

from cnnviz.core.kernels import KERNELS
from cnnviz.lessons import quiz
from cnnviz.ui import quiz as quiz_ui
from cnnviz.ui import state as keys

from .conftest import charts, exceptions, page_text

PAGE = "pages/quiz.py"


def _open(open_page, kind: str, seed: int, level: int = 1):
    return open_page(PAGE, query={keys.QUIZ_KIND: kind, keys.QUIZ_SEED: str(seed),
                                  keys.QUIZ_LEVEL: str(level)})


def _answer(at, q: quiz.Question, text: str):
    qid = f"{q.kind}-{q.seed}-{q.level}"
    if q.kind == "kernel":
        at.radio(key=f"quiz_pick_{qid}").set_value(KERNELS[text].title)
    else:
        at.text_input(key=f"quiz_answer_{qid}").input(text)
    at.button(key="quiz_check").click().run()
    assert not at.exception, exceptions(at)
    return at


def _score(at) -> dict:
    return dict(at.session_state[quiz_ui.SCORE])


def _wrong(q: quiz.Question) -> str:
    if q.kind == "shape":
        return f"{q.answer[0] + 1} x {q.answer[1]}"
    if q.kind == "parameters":
        return str(q.answer + 1)
    if q.kind == "kernel":
        return next(c for c in q.choices if c != q.answer)
    return str(q.answer + 3)


def _right(q: quiz.Question) -> str:
    if q.kind == "shape":
        return f"({q.answer[0]}, {q.answer[1]})"  # one of the flexible spellings
    if q.kind == "kernel":
        return q.answer
    return q.answer_text


@pytest.mark.parametrize("kind", list(quiz.KINDS))
def test_a_right_answer_scores_and_a_wrong_one_shows_the_worked_arithmetic(open_page, kind):
    q = quiz.make_question(kind, 2024, 2)
    at = _open(open_page, kind, 2024, 2)
    assert q.prompt.split("$")[0].strip("*") in page_text(at)
    _answer(at, q, _wrong(q))
    assert _score(at) == {"right": 0, "asked": 1}
    assert at.error and "Not quite" in at.error[0].value and q.answer_text in at.error[0].value
    assert "Worked out" in page_text(at) and q.worked[-1] in page_text(at)
    # Every right answer counts once per question: a new question to score it.
    q2 = quiz.make_question(kind, 2025, 2)
    at.number_input(key=keys.QUIZ_SEED).set_value(2025).run()
    _answer(at, q2, _right(q2))
    assert _score(at) == {"right": 1, "asked": 2}
    assert at.success and at.success[0].value.startswith("Right")
    assert "**Score: 1 / 2**" in page_text(at)
    assert q2.worked[0] in page_text(at)


def test_the_value_question_shows_the_products_and_the_sum(open_page):
    q = quiz.make_question("value", 31, 3)
    at = _open(open_page, "value", 31, 3)
    _answer(at, q, "0" if q.answer != 0 else "1")
    text = page_text(at)
    assert f"= **{q.answer_text}**" in text and "·" in text and "bias" in text
    # The grids on the page are the question's own numbers.
    assert len(charts(at)) == 2


def test_the_kernel_question_draws_the_map_and_four_kernels(open_page):
    at = _open(open_page, "kernel", 8, 1)
    assert len(charts(at)) == 2 + 4
    q = quiz.make_question("kernel", 8, 1)
    assert [o for o in at.radio(key="quiz_pick_kernel-8-1").options] == \
        [KERNELS[c].title for c in q.choices]


def test_the_link_reproduces_the_question_for_everyone(open_page):
    first = _open(open_page, "mixed", 777, 3)
    second = _open(open_page, "mixed", 777, 3)
    q = quiz.make_question("mixed", 777, 3)
    for at in (first, second):
        assert at.session_state[keys.QUIZ_SEED] == 777
        assert at.session_state[keys.QUIZ_LEVEL] == 3
        assert q.prompt.split("$")[0].strip("*") in page_text(at)
        assert at.query_params[keys.QUIZ_SEED] in ("777", ["777"])
    other = _open(open_page, "mixed", 778, 3)
    assert page_text(other) != page_text(first)


def test_new_question_changes_the_number_and_the_difficulty_follows_the_score(open_page):
    at = _open(open_page, "parameters", 1, 1)
    for n in range(quiz.RIGHT_PER_LEVEL):
        seed = at.session_state[keys.QUIZ_SEED]
        level = at.session_state[keys.QUIZ_LEVEL]
        q = quiz.make_question("parameters", seed, level)
        _answer(at, q, str(q.answer))
        assert _score(at) == {"right": n + 1, "asked": n + 1}
        at.button(key="quiz_new").click().run()
        assert at.session_state[keys.QUIZ_SEED] != seed
    assert at.session_state[keys.QUIZ_LEVEL] == 2
    assert "New questions: difficulty 2" in page_text(at)
    # Answering the same question again does not score twice.
    q = quiz.make_question("parameters", at.session_state[keys.QUIZ_SEED], 2)
    _answer(at, q, str(q.answer))
    _answer(at, q, str(q.answer))
    assert _score(at) == {"right": 4, "asked": 4}


@pytest.mark.parametrize(("kind", "text"), [("shape", "four by four"), ("parameters", "lots"),
                                            ("value", "x+1"), ("shape", "")])
def test_garbage_gets_a_message_and_no_mark(open_page, kind, text):
    q = quiz.make_question(kind, 5, 1)
    at = _open(open_page, kind, 5, 1)
    _answer(at, q, text)
    assert _score(at) == {"right": 0, "asked": 0}
    assert at.warning and ("not a" in at.warning[0].value or "Type an answer" in
                           at.warning[0].value)
    assert not at.error and "Worked out" not in page_text(at)


def test_a_kernel_question_checked_without_a_pick_asks_for_one(open_page):
    at = _open(open_page, "kernel", 5, 1)
    at.button(key="quiz_check").click().run()
    assert at.warning and "Type an answer first" in at.warning[0].value
    assert _score(at) == {"right": 0, "asked": 0}


@pytest.mark.parametrize("query", [{keys.QUIZ_SEED: "abc"}, {keys.QUIZ_LEVEL: "99"},
                                   {keys.QUIZ_KIND: "<b>riddle</b>"}])
def test_a_hostile_link_falls_back_with_a_notice(open_page, query):
    at = open_page(PAGE, query=query)
    assert not at.exception
    assert at.warning and "was ignored" in at.warning[0].value
    assert "Score: 0 / 0" in page_text(at)


def test_an_answered_value_question_outlines_the_window_on_the_input(open_page):
    from .conftest import chart, shapes

    q = quiz.make_question("value", 31, 3)
    at = _open(open_page, "value", 31, 3)
    assert not shapes(chart(at, "quiz_input"))
    _answer(at, q, q.answer_text)
    (shape,) = shapes(chart(at, "quiz_input"))
    top, left = q.window
    # Cells are centred on integers: the outline runs from -0.5 around the window.
    assert (shape["x0"], shape["y0"]) == (max(left, 0) - 0.5, max(top, 0) - 0.5)
