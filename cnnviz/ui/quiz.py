"""Widgets of the Practice page: the question picker, the question, the answer, the score.

The question is made by :func:`cnnviz.lessons.quiz.make_question` from three
linked widgets (kind, number, difficulty), so the page's link is the
question. The score is the session's: right answers out of the questions
answered, each question counted once, on its first readable answer.
"""

from __future__ import annotations

import random

import streamlit as st

from cnnviz.core.kernels import KERNELS
from cnnviz.lessons import quiz
from cnnviz.plots.figures import grids_figure

from . import charts
from . import state as k
from .cached import grid_figure, image_figure

SCORE = "_quiz_score"  # {"right": int, "asked": int}
MARKED = "_quiz_marked"  # question id -> "right"/"wrong": each question is counted once
VERDICTS = "_quiz_verdicts"  # question id -> the last Verdict shown for it
KIND_OPTIONS = (quiz.MIXED, *quiz.KINDS)


def _score() -> dict:
    return st.session_state.setdefault(SCORE, {"right": 0, "asked": 0})


def _new_question() -> None:
    """A fresh question number, at the difficulty the score has earned (a callback)."""
    old = st.session_state.get(k.QUIZ_SEED, 0)
    seed = old
    while seed == old:
        seed = random.randrange(quiz.MAX_SEED + 1)
    st.session_state[k.QUIZ_SEED] = seed
    st.session_state[k.QUIZ_LEVEL] = quiz.level_for(_score()["right"])


def picker() -> quiz.Question:
    """The kind, number and difficulty widgets, the New question button and the score."""
    st.radio("Question", KIND_OPTIONS, key=k.QUIZ_KIND, horizontal=True, **k.LINK,
             help="mixed: each question number picks its own kind. " + " ".join(
                 f"{name}: {title}." for name, title in quiz.KINDS.items()))
    a, b, c, d = st.columns([1, 1, 1.2, 1.3], vertical_alignment="bottom")
    seed = a.number_input("Question number", 0, quiz.MAX_SEED, 1, key=k.QUIZ_SEED, **k.LINK,
                          help="The same number, kind and difficulty give everyone the same "
                               "question: share this page's link.")
    level = b.number_input("Difficulty", 1, quiz.MAX_LEVEL, 1, key=k.QUIZ_LEVEL, **k.LINK,
                           help=f"Grows by one every {quiz.RIGHT_PER_LEVEL} right answers when "
                                "you press New question.")
    c.button("New question", key="quiz_new", on_click=_new_question, type="primary",
             icon=":material/casino:", width="stretch")
    score = _score()
    d.markdown(f"**Score: {score['right']} / {score['asked']}**  \n"
               f"New questions: difficulty {quiz.level_for(score['right'])}",
               help=f"Right answers out of questions answered, each question counted once. "
                    f"The difficulty of a new question grows by one every "
                    f"{quiz.RIGHT_PER_LEVEL} right answers.")
    return quiz.make_question(st.session_state[k.QUIZ_KIND], int(seed), int(level))


def _question_id(q: quiz.Question) -> str:
    return f"{q.kind}-{q.seed}-{q.level}"


def show_question(q: quiz.Question) -> None:
    """The prompt and what it is about: the grids, the maps, the four kernels."""
    st.markdown(f"**{quiz.KINDS[q.kind]}** (difficulty {q.level}). {q.prompt}")
    outline = _question_id(q) in st.session_state.get(VERDICTS, {})
    show_figures(q, key="quiz", outline=outline)


def show_figures(q: quiz.Question, *, key: str, outline: bool = False,
                 compact: bool = False) -> None:
    """What question ``q`` is about, drawn under keys starting ``key``: a "value" question's
    input and kernel, a "kernel" question's image, map and four kernels (the other kinds
    say all they need in their prompt). Practice draws them under its question; a class's
    room box (:mod:`cnnviz.ui.classroom`) draws the same under the room's question.

    ``outline``: outline the asked cell's window on the input (once answered).
    ``compact``: smaller, side by side also on a phone, so that the answer box below
    stays on a phone's first screen.
    """
    if q.kind == "value":
        a, b, _ = _row([1.2, 1, 0.8], compact)
        boxes = ()
        if outline:
            # The window of the asked cell, the padding cut off.
            (top, left), (h, w) = q.window, q.image.shape
            span = q.window_span
            rows = (max(top, 0), min(top + span, h))
            cols = (max(left, 0), min(left + span, w))
            boxes = ((rows[0], cols[0], rows[1] - rows[0], cols[1] - cols[0]),)
        charts.chart(a, grid_figure(q.image, title="Input a", mapping="minmax", colorbar=False,
                                   height=200 if compact else 320, highlight=boxes),
                     key=f"{key}_input")
        charts.chart(b, grid_figure(q.kernel, title="Kernel k", mapping="diverging",
                                   colorbar=False, height=160 if compact else 260),
                     key=f"{key}_kernel")
    elif q.kind == "kernel":
        a, b = _row([1, 1], compact)
        charts.chart(a, image_figure(q.image, title="Input a", height=130 if compact else 340),
                     key=f"{key}_image")
        charts.chart(b, grid_figure(q.output, title="Feature map z = a ⋆ k", mapping="diverging",
                                   colorbar=not compact, height=130 if compact else 340),
                     key=f"{key}_map")
        if compact:
            # The four kernels as one picture, numbered as the choices: a student reads
            # their numbers to answer. Two a row on a phone (four in a row left cells too
            # small to print them: NUMBER_FIT's minimum needs about 22 px for "-1"); four in
            # a row on a wider screen, where two a row pushed Send below a desktop's first
            # screen (1280 × 720). The screen's width picks one (CSS), as Streamlit's own
            # columns stack below 640 px.
            kernels = [(str(i), KERNELS[name].values) for i, name in enumerate(q.choices, 1)]
            narrow, wide = f"{key}_choices", f"{key}_kernels_row"
            st.html(f"<style>@media (max-width: {PHONE_MAX}px) {{ .st-key-{wide} "
                    f"{{ display: none !important; }} }} @media (min-width: {PHONE_MAX + 1}px) "
                    f"{{ .st-key-{narrow} {{ display: none !important; }} }}</style>")
            charts.chart(st, grids_figure(kernels, columns=2, cell=24), key=narrow)
            charts.chart(st, grids_figure(kernels, columns=4, cell=28), key=wide)
            return
        for col, name in zip(st.columns(4), q.choices, strict=True):
            charts.chart(col, grid_figure(KERNELS[name].values, title=KERNELS[name].title,
                                         mapping="diverging", colorbar=False,
                                         height=110 if compact else 220),
                         key=f"{key}_choice_{name}")


#: The widest screen (CSS px) laid out as a phone's: Streamlit's columns stack below 640 px.
PHONE_MAX = 640


def _row(widths: list[float], compact: bool) -> list:
    """Columns, or with ``compact`` :func:`compact_row`'s boxes."""
    return compact_row(len(widths)) if compact else st.columns(widths)


def compact_row(n: int) -> list:
    """``n`` boxes in one row that stay side by side on a phone (Streamlit's columns stack
    one under another below 640 px): a horizontal container."""
    row = st.container(horizontal=True, gap="small")
    return [row.container(width="stretch") for _ in range(n)]


def _answer_text(q: quiz.Question) -> str:
    """What the learner entered for ``q``: the text typed, or the picked kernel's name."""
    qid = _question_id(q)
    if q.kind == "kernel":
        picked = st.session_state.get(f"quiz_pick_{qid}")
        titles = [KERNELS[name].title for name in q.choices]
        return q.choices[titles.index(picked)] if picked in titles else ""
    return st.session_state.get(f"quiz_answer_{qid}") or ""


def _check(kind: str, seed: int, level: int) -> None:
    """Mark the answer (a callback, so the score above the question is already updated)."""
    q = quiz.make_question(kind, seed, level)
    qid = _question_id(q)
    verdict = quiz.check(q, _answer_text(q))
    st.session_state.setdefault(VERDICTS, {})[qid] = verdict
    marked = st.session_state.setdefault(MARKED, {})
    if verdict.scored and qid not in marked:
        marked[qid] = verdict.status
        score = _score()
        score["asked"] += 1
        score["right"] += verdict.status == "right"


def answer_form(q: quiz.Question) -> quiz.Verdict | None:
    """The answer box (or the four choices) and Check; the verdict for this question, if any."""
    qid = _question_id(q)
    with st.columns([1, 1])[0], st.form(f"quiz_form_{qid}", border=False):
        if q.kind == "kernel":
            st.radio("Which kernel made the map?", [KERNELS[name].title for name in q.choices],
                     index=None, key=f"quiz_pick_{qid}")
        else:
            st.text_input("Your answer", key=f"quiz_answer_{qid}", placeholder=q.hint)
        st.form_submit_button("Check", key="quiz_check", type="primary", icon=":material/check:",
                              on_click=_check, args=(q.kind, q.seed, q.level))
    return st.session_state.get(VERDICTS, {}).get(qid)


def show_verdict(verdict: quiz.Verdict | None) -> None:
    """Right, wrong or unreadable, and the worked arithmetic."""
    if verdict is None:
        return
    if verdict.status == "unreadable":
        st.warning(verdict.message, icon=":material/help:")
        return
    if verdict.status == "right":
        st.success(verdict.message, icon=":material/check_circle:")
    else:
        st.error(verdict.message, icon=":material/cancel:")
    st.markdown("**Worked out:**\n\n" + "\n\n".join(verdict.worked))
    st.caption("Press **New question** for another one; the difficulty follows your score.")
