"""The step-by-step sliding-window animation, as a Streamlit components-v2 element.

Python computes everything (:mod:`cnnviz.lessons.animation` builds the payload from a
trace); the browser code in ``static/animator/`` only looks values up and draws
them, so playback runs at the set rate without a script rerun per frame. Its
modules: ``driver.js`` (playback, keys, what the server is told; no DOM, tested
with ``node --test``), ``grid.js`` (the canvases), ``equation.js`` (the equation and
the caption) and ``main.js`` (the markup and the wiring), joined into one script
here (:mod:`cnnviz.ui.esm`) with the app's palette. A thin page needs one line::

    from cnnviz.lessons.animation import build_conv_payload
    from cnnviz.core.trace import ConvTrace
    from cnnviz.ui.animator import animator

    view = animator(build_conv_payload(ConvTrace(image, kernel, padding=1)), key="anim")
    st.write(view.step, view.row, view.col)

The browser owns the step; Python learns it. State flows back through one
component state value, ``view``: the browser sends ``{"step", "row", "col",
"speed", "playing", "n"}`` 300 ms after the animation comes to rest (a pause, the
end of playback, the last of a burst of steps, scrubs or jumps) or starts
playing, never per frame, and only when it differs from what Python was last
told (``n`` counts the reports, so no two are alike). Python moves the animation
only when it means to: ``start_step`` is where a new payload starts,
``goto=(seq, step)`` moves it once per new ``seq``, and ``play=(seq, on)``
plays or pauses it once per new ``seq`` (a link opened with ``play=1``).
Anything else Python sends back is never applied, so the echo of an older
report cannot pull the screen back from presses made since.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from cnnviz.lessons.animation import payload_json
from cnnviz.plots.display import NUMBER_FIT, diverging_lut

from . import presenter, served
from .esm import join_modules

__all__ = ["MOTIONS", "AnimatorState", "Packed", "animator", "hold_keys", "keys_done", "pack"]

#: Motion settings: follow the browser's prefers-reduced-motion, or force one.
MOTIONS = ("auto", "reduce", "full")

_STATIC = Path(__file__).with_name("static") / "animator"
# The palette's lookup table travels once, with the script: the maps' own
# colours (cnnviz.plots.display), not repeated in every payload.
_JS = join_modules(_STATIC, "main", {
    "palette": f"export const PALETTE = {json.dumps(diverging_lut(), separators=(',', ':'))};\n"})
_CSS = (_STATIC / "animator.css").read_text(encoding="utf-8")
# The JS builds the markup itself, so one template serves every instance.
_HTML = '<div class="cnnviz-root"></div>\n'

# Registered once at import: re-registering per call would log a warning and
# replace the definition under instances already on the page.
_component = st.components.v2.component(
    # Served once by URL: inline, its 85 KB travelled with every new animation.
    "cnnviz_animator", html=_HTML, css=_CSS, js=served.script("animator", _JS),
    isolate_styles=True
)

# Keys pressed before the animation is there (static/animator/keys.js, hold.js): the keeper
# is in every page's HTML head (cnnviz/ui/head.py), there before the page's first element.
# This element only hands held keys back when a run drew no animation. Not in a shadow root
# (isolate_styles=False): that takes React two more renders.
_keys = st.components.v2.component(
    "cnnviz_animator_keys", html="<span hidden></span>", js=join_modules(_STATIC, "keys"),
    isolate_styles=False)
_DRAWN = "_animator_drawn"  # whether this page run drew an animation (for keys_done)
_HOLDING = "_animator_holding"  # whether this page run's page holds keys for its animation


def hold_keys(active: bool) -> None:
    """Near the top of every page (``app.py``): whether this run's page (``active``: one whose
    animation takes the keys as it opens, Step by step in presenter mode) holds keys pressed
    before its animation is drawn, for :func:`keys_done`.

    A clicker is pressed as soon as the page shows its title, and the animation comes a
    moment to seconds later; without a hold, such a press did nothing, or a lecture list's
    PageDown opened the next example. The browser holds them from the page's first moment
    (``static/animator/keys.js``, in the page's HTML head: it reads the same rule from the
    address) and the animation presses them on itself once there, in order, each once.
    """
    st.session_state[_DRAWN] = False
    st.session_state[_HOLDING] = bool(active)


def keys_done() -> None:
    """At the page's foot (``app.py``): a run of such a page that drew no animation
    (settings that do not fit) gives the held keys back to the page, which does with them
    what it would have. Every other run adds nothing (the browser hands keys back itself
    when the person leaves the page)."""
    if st.session_state.get(_HOLDING) and not st.session_state.get(_DRAWN):
        with st.sidebar:
            _keys(key="cnnviz_keys_done", data={"drawn": False}, height=0)


@dataclass(frozen=True)
class AnimatorState:
    """Where the animation rests, as last reported by the browser.

    Attributes
    ----------
    step : int
        Current step, 0-based, row-major over the output.
    row, col : int
        The output cell of that step.
    speed : float or None
        Steps per second, once the browser has reported one.
    playing : bool
        Whether it plays.
    """

    step: int = 0
    row: int = 0
    col: int = 0
    speed: float | None = None
    playing: bool = False


@dataclass(frozen=True)
class Packed:
    """A payload as the text the browser reads, with the two numbers Python needs of it.

    Built once per setting (:func:`pack`, cached by :mod:`cnnviz.ui.stepper`), so a
    rerun neither serialises the payload again nor parses it to read them.
    """

    text: str
    n_steps: int
    out_cols: int


def pack(payload: Mapping[str, Any]) -> Packed:
    """A payload from :mod:`cnnviz.lessons.animation` as :class:`Packed`."""
    return Packed(payload_json(payload), int(payload["n_steps"]), int(payload["out_shape"][1]))


def _state(view: object) -> AnimatorState | None:
    if not isinstance(view, Mapping) or not isinstance(view.get("step"), int):
        return None
    speed = view.get("speed")
    return AnimatorState(step=int(view["step"]), row=int(view.get("row", 0)),
                         col=int(view.get("col", 0)),
                         speed=float(speed) if isinstance(speed, int | float) else None,
                         playing=view.get("playing") is True)


def reported(key: str) -> AnimatorState | None:
    """What the browser last reported for the animation ``key`` (for its ``on_change``)."""
    value = st.session_state.get(key)
    try:
        view = value.get("view") if value is not None else None
    except AttributeError:
        return None
    return _state(view)


def _noop() -> None:
    """Callback for the state value: v2 only returns states that have one."""


def animator(
    payload: Packed | Mapping[str, Any],
    *,
    key: str,
    height: int | str = "content",
    start_step: int | None = None,
    goto: tuple[int, int] | None = None,
    play: tuple[int, bool] | None = None,
    playing: bool = False,
    speed: float | None = None,
    motion: str = "auto",
    on_change: Callable[[], None] | None = None,
    present: bool | None = None,
) -> AnimatorState:
    """Show the animation of a payload and return where it stands.

    Parameters
    ----------
    payload : Packed or dict
        From :func:`cnnviz.lessons.animation.build_conv_payload` or
        :func:`~cnnviz.lessons.animation.build_pool_payload`, or that payload
        already packed by :func:`pack` (cache it to skip re-serialising on reruns).
    key : str
        Unique per instance; several animators may share a page. The browser
        also uses it to name the instance in ``window.__cnnvizFrames`` and
        ``window.__cnnvizInstances``.
    height : int or "content", keyword-only
        Pixel height (scrolls inside) or ``"content"`` to fit.
    start_step : int, optional, keyword-only
        The step a new payload starts at (a first load, new settings). It is
        not a move: while the payload stays the same, a changed ``start_step``
        is ignored (it is where the browser was, not where it is).
    goto : (seq, step), optional, keyword-only
        A move Python asks for: the browser goes to ``step`` once for each new
        ``seq`` (see :func:`cnnviz.ui.stepper.jump_to`).
    play : (seq, on), optional, keyword-only
        Whether a link just opened says the animation plays: the browser plays
        (``on``) or pauses once for each new ``seq``. Under reduced motion a link
        does not start playback; the browser reports that it does not play.
    playing : bool, keyword-only
        Whether the view plays, as Python last heard: where a first load starts
        (a reload of a playing view plays, reduced motion aside).
    speed : float, optional, keyword-only
        Initial speed in steps per second (0.5 to 20), until the person
        picks one.
    motion : {"auto", "reduce", "full"}, keyword-only
        "reduce": nothing moves unless the person asks (new settings stop
        playback) and no transitions; "auto" follows the browser's
        ``prefers-reduced-motion``. Stepping works in every mode.
    on_change : callable, optional, keyword-only
        Called when the browser reports a new state, before the script runs
        (:func:`reported` reads it).
    present : bool, optional, keyword-only
        Presenter mode (default: the session's switch, :mod:`cnnviz.ui.presenter`):
        larger numbers, the keys on screen, the whole step on one line when it
        fits, and the focus on the animation as the page opens.

    Returns
    -------
    AnimatorState
        Last reported step and output cell (``start_step``, or 0, before any
        report).
    """
    if not isinstance(key, str) or not key:
        raise ValueError(f"key must be a non-empty string, got {key!r}")
    packed = payload if isinstance(payload, Packed) else pack(payload)
    n_steps, out_cols = packed.n_steps, packed.out_cols
    if start_step is not None and not 0 <= int(start_step) < n_steps:
        raise ValueError(f"start_step must be in 0..{n_steps - 1}, got {start_step}")
    if goto is not None and not 0 <= int(goto[1]) < n_steps:
        raise ValueError(f"goto's step must be in 0..{n_steps - 1}, got {goto[1]}")
    if motion not in MOTIONS:
        raise ValueError(f"motion must be one of {', '.join(MOTIONS)}, got {motion!r}")
    # The numbers follow the same rule as the Plotly grids (NUMBER_FIT).
    options: dict[str, Any] = {"motion": motion, "fit": dict(NUMBER_FIT),
                               "present": presenter.on() if present is None else bool(present)}
    if speed is not None:
        if not 0.5 <= float(speed) <= 20:
            raise ValueError(f"speed must be between 0.5 and 20 steps per second, got {speed}")
        options["speed"] = float(speed)
    data = {
        "payload": packed.text,
        "key": key,
        "start": None if start_step is None else int(start_step),
        "goto": None if goto is None else [int(goto[0]), int(goto[1])],
        "play": None if play is None else [int(play[0]), bool(play[1])],
        "playing": bool(playing),
        "options": options,
    }
    st.session_state[_DRAWN] = True  # keys held for it are its own (keys_done)
    result = _component(
        key=key,
        data=data,
        height=height,
        on_view_change=on_change or _noop,
    )
    view = _state(result.get("view") if result is not None else None)
    if view is None:
        step = int(start_step or 0)
        return AnimatorState(step, *divmod(step, out_cols))
    return view
