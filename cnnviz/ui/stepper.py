"""Widgets of the step-by-step page: the animation grid and the cached payloads."""

from __future__ import annotations

import itertools
import re
import time

import numpy as np
import streamlit as st

from cnnviz.core.conv import ConvSettings
from cnnviz.core.trace import ConvTrace
from cnnviz.data.pixels import in_unit_range
from cnnviz.lessons.animation import (
    DEFAULT_GRID,
    HOWS,
    MAX_SIZE,
    MIN_SIZE,
    Placement,
    grid_for_animation,
    levels_for_animation,
)
from cnnviz.lessons.animation import LEVELS as LEVEL_CHOICES
from cnnviz.plots.gif import MAX_GIF_STEPS, animation_gif, animation_mp4

from . import links
from . import state as k
from .animator import MOTIONS, reported

SIZE, HOW, ROW_PCT, COL_PCT, CHANNEL = "grid", "grid_how", "crop_r", "crop_c", "anim_ch"
LEVELS = "levels"
MOTION = "motion"
MODE = "animate"
DEFAULT_SPEED = 2.0
_STEP, _SPEED = "_anim_step", "_anim_speed"  # where the animation rests, as last reported
_GOTO = "_anim_goto"  # (seq, step): the last move Python asked for (jump_to)
_PLAYING = "_anim_playing"  # whether it plays, as last reported (or as a link said)
_PLAY = "_anim_play"  # (seq, on): the last link's play state, applied once per seq
VIEW = "anim_view"  # the animation's key: its state value is the view the browser reported
_PLAY_SEQ = itertools.count(int(time.time() * 1000))  # play commands' numbers, never reused
_GOTO_SEQ = itertools.count(int(time.time() * 1000))  # moves' numbers, never reused


def gif_button(grid: np.ndarray, kernel: np.ndarray, cfg: ConvSettings, n_steps: int) -> None:
    """Downloads of the animation for slides, as a GIF and as an MP4 video.

    Each is traced and drawn only when its button is clicked.
    """
    if n_steps > MAX_GIF_STEPS:
        st.caption(f"A GIF or video takes at most {MAX_GIF_STEPS} steps; this grid has "
                   f"{n_steps}: pick a smaller grid for the slides.")
        return
    gif, mp4 = st.columns(2)
    gif.download_button("Animation for slides (GIF)",
                        lambda: animation_gif(ConvTrace(grid, kernel, settings=cfg)),
                        "convolution_steps.gif", mime="image/gif", key="dl_anim_gif",
                        icon=":material/movie:",
                        help="Every step as one frame: the window, the numbers, the output "
                             "filling in and the equation, large enough for a projector.")
    mp4.download_button("Animation (MP4)",
                        lambda: animation_mp4(ConvTrace(grid, kernel, settings=cfg)),
                        "convolution_steps.mp4", mime="video/mp4", key="dl_anim_mp4",
                        icon=":material/videocam:",
                        help="The same frames as an H.264 video (one step per frame, "
                             "0.6 s each), for slide software that plays video.")


def motion() -> str:
    """The reduced-motion setting (in the link): the browser's preference unless chosen here."""
    return st.radio("Motion (auto: as the browser asks)", MOTIONS, key=MOTION, horizontal=True,
                    **k.LINK,
                    help="reduce: the animation moves only when you press Play or step, new "
                         "settings stop playback, no transitions. auto follows the system's "
                         "reduce-motion setting (prefers-reduced-motion).")


def start_and_speed(n_steps: int) -> tuple[int, float]:
    """The step to show and the speed: the link's when a session opens one, else the last seen.

    A step the grid does not have (the link was made with other settings) is
    refused with a notice and the animation starts at step 0. A remembered
    step past the end of a smaller grid becomes its last step, here and in the link.
    """
    def step_of(text: str) -> int:
        # Not str.isdigit: it takes "²", which int() then refuses in Python's words.
        if not (re.fullmatch(r"[0-9]{1,9}", text) and int(text) < n_steps):
            raise ValueError(f"this grid has steps 0 to {n_steps - 1}")
        return int(text)

    def speed_of(text: str) -> float:
        try:
            speed = float(text)
        except ValueError:
            speed = float("nan")
        if not 0.5 <= speed <= 20:  # NaN fails too
            raise ValueError("speeds run from 0.5 to 20 steps per second")
        return speed

    def play_of(text: str) -> bool:
        if text != "1":
            raise ValueError("play=1 plays; leave it out for a still animation")
        return True

    step = links.linked(links.STEP, step_of)
    if step is not None:
        st.session_state[_STEP] = step
    if links.is_opening():
        # The link's step (none: step 0) is where the animation goes, also when the page
        # is already open with this grid (class mode's follow): the browser keeps its own
        # step for a payload it has, so only a move (goto) takes it there.
        jump_to(step if step is not None else 0)
        # A link says whether the view plays (class mode's follow too).
        on = bool(links.linked(links.PLAY, play_of))
        st.session_state[_PLAYING] = on
        # A number no earlier command had, also after class mode's follow cleared the state.
        st.session_state[_PLAY] = (next(_PLAY_SEQ), on)
    speed = links.linked(links.SPEED, speed_of)
    if speed is not None:
        st.session_state[_SPEED] = speed
    step = min(int(st.session_state.get(_STEP, 0)), n_steps - 1)
    st.session_state[_STEP] = step
    return step, float(st.session_state.get(_SPEED, DEFAULT_SPEED))


def current_step() -> int:
    """The step the animation shows (or is being moved to by :func:`jump_to`)."""
    return int(st.session_state.get(_STEP, 0))


def jump_to(step: int) -> None:
    """Move the animation to ``step`` on the next run (a callback may call it).

    The move travels as ``goto=(seq, step)``: the browser applies each new
    ``seq`` once, and nothing else Python sends moves it (see :mod:`cnnviz.ui.animator`).
    """
    # A number no earlier move had, also after class mode's follow cleared the state
    # (the browser applies each new number once, and ignores one it has seen).
    seq = next(_GOTO_SEQ)
    st.session_state[_STEP] = int(step)
    st.session_state[_GOTO] = (seq, int(step))


def play() -> tuple[int, bool] | None:
    """The last link's play state, as ``(seq, on)`` (None: no link said yet)."""
    return st.session_state.get(_PLAY)


def playing() -> bool:
    """Whether the animation plays, as last reported (or as the link opened said)."""
    return bool(st.session_state.get(_PLAYING, False))


def goto(n_steps: int) -> tuple[int, int] | None:
    """The last move Python asked for, as ``(seq, step)`` within this grid (None: none yet)."""
    jumped = st.session_state.get(_GOTO)
    if jumped is None:
        return None
    return int(jumped[0]), min(int(jumped[1]), n_steps - 1)


def on_view() -> None:
    """The browser reported where the animation rests (a callback: before the script runs)."""
    view = reported(VIEW)
    if view is None:
        return
    st.session_state[_STEP] = view.step
    st.session_state[_PLAYING] = view.playing
    if view.speed is not None:
        st.session_state[_SPEED] = view.speed


def remember_view() -> None:
    """Put where the animation rests, and whether it plays, in the link (step 0, 2 steps/s
    and a still animation left out)."""
    step = int(st.session_state.get(_STEP, 0))
    speed = st.session_state.get(_SPEED, DEFAULT_SPEED)
    # Every run sends them: a report queued behind another rerun brings a stale link.
    links.put(links.STEP, str(step) if step else None, resend=True)
    links.put(links.SPEED, None if speed == DEFAULT_SPEED else f"{speed:g}", resend=True)
    links.put(links.PLAY, "1" if playing() else None, resend=True)


def animation_grid(image: np.ndarray, *, picture: bool = True) -> tuple[np.ndarray, Placement, str]:
    """Choose the animated grid: the whole (small) image, a crop, or a downscaled copy.

    Returns the grid, where it sits on the full image, and a sentence saying so
    (:func:`cnnviz.lessons.animation.grid_for_animation`, which the handout prints too).
    A picture (not a lecture matrix) can be animated as 0–255 pixel values,
    which fit in the cells as numbers.
    """
    grid, where, note = _grid(image)
    if picture and in_unit_range(grid):
        levels = st.radio("Pixel values as", LEVEL_CHOICES, key=LEVELS, horizontal=True,
                          **k.LINK,
                          help="0-255: the integers a camera stores, short enough to read in "
                               "every cell. 0-1: the values the other pages use.")
        grid, note = levels_for_animation(grid, note, levels)
    return grid, where, note


def _grid(image: np.ndarray) -> tuple[np.ndarray, Placement, str]:
    a, b = st.columns(2)
    size = a.slider("Grid size (cells per side)", MIN_SIZE, MAX_SIZE, DEFAULT_GRID, key=SIZE,
                    **k.LINK, help="Up to 16×16 shows the numbers in every cell.")
    how = b.radio("Bigger images are", HOWS, key=HOW, horizontal=True, **k.LINK)
    h, w = image.shape[:2]
    centre = (50, 50)
    if max(h, w) > size and how == "Crop":
        c, d = st.columns(2)
        centre = (c.slider("Crop centre: rows (%)", 0, 100, 50, key=ROW_PCT, **k.LINK),
                  d.slider("Crop centre: columns (%)", 0, 100, 50, key=COL_PCT, **k.LINK))
    return grid_for_animation(image, size, how=how, centre_pct=centre)
