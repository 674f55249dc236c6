"""Step by step's "predict the next value": type the next output before the animation shows it.

The learner's guess is marked against :class:`cnnviz.core.trace.ConvTrace`
(the same numbers the animation shows), the products and the sum are
written out, and the animation is moved on to that step
(:func:`cnnviz.ui.stepper.jump_to`), which reveals the value in its grid.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnnviz.core.conv import ConvSettings
from cnnviz.core.text import format_number
from cnnviz.core.trace import ConvTrace
from cnnviz.lessons.equation import activated_name, step_text
from cnnviz.lessons.quiz import close_enough, parse_number

from . import state as k
from . import stepper

SCORE = "_predict_score"  # {"right": int, "asked": int}
LAST = "_predict_last"  # what the last check said: {"step", "status", "message", "lines"}


def _score() -> dict:
    return st.session_state.setdefault(SCORE, {"right": 0, "asked": 0})


def _answer_key(step: int) -> str:
    return f"predict_answer_{step}"


def worked_step(grid: np.ndarray, kernel: np.ndarray, cfg: ConvSettings,
                step: int) -> tuple[float, list[str], tuple[int, int]]:
    """Step ``step``'s output value, its working (products and sum, per channel, the
    activation) and its output cell: what a guess is marked against."""
    s = ConvTrace(grid, kernel, settings=cfg).step(step)
    value = s.activated if cfg.activation != "none" else s.total
    text = step_text(s, cfg.activation)
    lines = [f"Products and sum: {text.sum}"]
    if text.channels:
        lines.append(f"Per channel: {text.channels}")
    if text.activation:
        lines.append(f"Then the activation: {text.activation}")
    return float(value), lines, (int(s.out_row), int(s.out_col))


def step_prompt(target: int, n_steps: int, cell: tuple[int, int], cfg: ConvSettings) -> str:
    """The question for step ``target`` (counted from 1 on screen, as the animation counts)."""
    what = activated_name(cfg.activation) if cfg.activation != "none" else "z = Σ a·w + b"
    return f"Step {target + 1} of {n_steps} fills output {cell}: its value {what}?"


def _check(grid: np.ndarray, kernel: np.ndarray, cfg: ConvSettings, step: int) -> None:
    """Mark the guess for ``step``, then move the animation there (a form callback)."""
    text = st.session_state.get(_answer_key(step)) or ""
    try:
        guess = parse_number(text) if text.strip() else None
    except ValueError as err:
        st.session_state[LAST] = {"step": step, "status": "unreadable",
                                  "message": f"{err}. Nothing was revealed yet.", "lines": []}
        return
    if guess is None:
        st.session_state[LAST] = {"step": step, "status": "unreadable", "lines": [],
                                  "message": "Type your guess first: a number, e.g. 14."}
        return
    value, lines, (r, c) = worked_step(grid, kernel, cfg, step)
    right = close_enough(guess, value)
    score = _score()
    score["asked"] += 1
    score["right"] += right
    said = format_number(guess)
    st.session_state[LAST] = {
        "step": step, "status": "right" if right else "wrong", "lines": lines,
        "message": (f"Right: output ({r}, {c}) = {format_number(value)}."
                    if right else
                    f"Not quite: you said {said}; output ({r}, {c}) = "
                    f"{format_number(value)}.")}
    stepper.jump_to(step)


def predict_panel(grid: np.ndarray, kernel: np.ndarray, cfg: ConvSettings, n_steps: int) -> None:
    """The switch, and when it is on: the last verdict, the next question and the score."""
    if not st.toggle("Predict the next value before it is shown", key=k.PREDICT, **k.LINK,
                     help="Type the value of the next output cell; Check reveals it in the "
                          "animation, with the products and the sum."):
        return
    last = st.session_state.get(LAST)
    current = stepper.current_step()
    target = current + 1
    # A verdict belongs to the step it revealed; a refused guess to the step still asked.
    if last is not None and last["step"] == (target if last["status"] == "unreadable"
                                             else current):
        shown = {"right": st.success, "wrong": st.error, "unreadable": st.warning}
        shown[last["status"]](last["message"])
        for line in last["lines"]:
            st.markdown(line)
    score = _score()
    if target >= n_steps:
        st.info(f"That was the last of {n_steps} steps. Press Home in the animation (or scrub "
                f"back) to predict from the start. Score: {score['right']} / {score['asked']}.")
        return
    r, c = divmod(target, cfg.geometry(grid.shape, kernel.shape).out_shape[1])
    what = activated_name(cfg.activation) if cfg.activation != "none" else "z = Σ a·w + b"
    with st.columns([1, 1])[0], st.form(f"predict_form_{target}", border=True):
        # Counted from 1, as the animation's counter counts.
        st.text_input(f"Step {target + 1} of {n_steps} fills output ({r}, {c}): its value "
                      f"{what}?",
                      key=_answer_key(target), placeholder="e.g. 14 or -2.5")
        st.form_submit_button("Check and reveal", key="predict_check", type="primary",
                              icon=":material/visibility:", on_click=_check,
                              args=(grid, kernel, cfg, target))
    st.caption(f"Predictions right: **{score['right']} / {score['asked']}**.")
