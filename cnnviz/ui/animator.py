"""The step-by-step sliding-window animation, as a Streamlit components-v2 element.

Python computes everything (:mod:`cnnviz.lessons.animation` builds the payload from a
trace); the browser code in ``static/animator.js`` only looks values up and
draws them on canvases, so playback runs at the set rate without a script
rerun per frame. A thin page needs one line::

    from cnnviz.lessons.animation import build_conv_payload
    from cnnviz.core.trace import ConvTrace
    from cnnviz.ui.animator import animator

    view = animator(build_conv_payload(ConvTrace(image, kernel, padding=1)), key="anim")
    st.write(view.step, view.row, view.col)

State flows back through one component state value, ``view``: the browser
sends ``{"step", "row", "col", "speed"}`` 300 ms after the animation comes to rest (a
pause, the end of playback, the last of a burst of steps, scrubs or jumps),
never per frame nor during playback, since each report reruns the script.
Python can move the animation with ``start_step``: the browser jumps there
whenever that number changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from cnnviz.lessons.animation import payload_json
from cnnviz.plots.display import NUMBER_FIT

from . import presenter

__all__ = ["MOTIONS", "AnimatorState", "animator"]

#: Motion settings: follow the browser's prefers-reduced-motion, or force one.
MOTIONS = ("auto", "reduce", "full")

_STATIC = Path(__file__).with_name("static")
_JS = (_STATIC / "animator.js").read_text(encoding="utf-8")
_CSS = (_STATIC / "animator.css").read_text(encoding="utf-8")
# The JS builds the markup itself, so one template serves every instance.
_HTML = '<div class="cnnviz-root"></div>\n'

# Registered once at import: re-registering per call would log a warning and
# replace the definition under instances already on the page.
_component = st.components.v2.component(
    "cnnviz_animator", html=_HTML, css=_CSS, js=_JS, isolate_styles=True
)


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
    """

    step: int = 0
    row: int = 0
    col: int = 0
    speed: float | None = None


def _noop() -> None:
    """Callback for the state value: v2 only returns states that have one."""


def animator(
    payload: Mapping[str, Any] | str,
    *,
    key: str,
    height: int | str = "content",
    start_step: int | None = None,
    speed: float | None = None,
    motion: str = "auto",
    on_change: Callable[[], None] | None = None,
    present: bool | None = None,
) -> AnimatorState:
    """Show the animation of a payload and return where it stands.

    Parameters
    ----------
    payload : dict or str
        From :func:`cnnviz.lessons.animation.build_conv_payload` or
        :func:`~cnnviz.lessons.animation.build_pool_payload`, or that payload already
        turned into text by :func:`~cnnviz.lessons.animation.payload_json` (cache the
        text to skip re-serialising on reruns).
    key : str
        Unique per instance; several animators may share a page. The browser
        also uses it to name the instance in ``window.__cnnvizFrames`` and
        ``window.__cnnvizInstances``.
    height : int or "content", keyword-only
        Pixel height (scrolls inside) or ``"content"`` to fit.
    start_step : int, optional, keyword-only
        Step to show when the payload changes, and a step to jump to whenever
        this value changes between reruns.
    speed : float, optional, keyword-only
        Initial speed in steps per second (0.5 to 20), until the person
        picks one.
    motion : {"auto", "reduce", "full"}, keyword-only
        "reduce": nothing moves unless the person asks (new settings stop
        playback) and no transitions; "auto" follows the browser's
        ``prefers-reduced-motion``. Stepping works in every mode.
    on_change : callable, optional, keyword-only
        Called when the browser reports a new state.
    present : bool, optional, keyword-only
        Presenter mode (default: the session's switch, :mod:`cnnviz.ui.presenter`):
        larger numbers, the keys on screen, the whole step on one line when it fits.

    Returns
    -------
    AnimatorState
        Last reported step and output cell (``start_step``, or 0, before any
        report).
    """
    if not isinstance(key, str) or not key:
        raise ValueError(f"key must be a non-empty string, got {key!r}")
    text = payload if isinstance(payload, str) else payload_json(payload)
    meta = json.loads(text) if isinstance(payload, str) else payload
    n_steps, out_cols = int(meta["n_steps"]), int(meta["out_shape"][1])
    if start_step is not None and not 0 <= int(start_step) < n_steps:
        raise ValueError(f"start_step must be in 0..{n_steps - 1}, got {start_step}")
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
        "payload": text,
        "key": key,
        "start": None if start_step is None else int(start_step),
        "options": options,
    }
    result = _component(
        key=key,
        data=data,
        height=height,
        on_view_change=on_change or _noop,
    )
    view = result.get("view") if result is not None else None
    if not isinstance(view, Mapping):
        step = int(start_step or 0)
        return AnimatorState(step, *divmod(step, out_cols))
    speed_seen = view.get("speed")
    return AnimatorState(
        step=int(view.get("step", 0)),
        row=int(view.get("row", 0)),
        col=int(view.get("col", 0)),
        speed=float(speed_seen) if isinstance(speed_seen, int | float) else None,
    )
