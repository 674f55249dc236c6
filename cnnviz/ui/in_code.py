"""The "same layer in code" panel: the page's layer as NumPy, cnnviz, SciPy and PyTorch."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

import numpy as np
import streamlit as st

from cnnviz.core.conv import ConvSettings
from cnnviz.data import samples
from cnnviz.lessons.code import LITERAL_MAX_SIDE, layer_code

from . import cached
from . import state as k

_NOTES = MappingProxyType({
    "NumPy": "Plain NumPy, runs anywhere NumPy does: `sliding_window_view` gives every window, "
             "`np.einsum` multiplies each by the kernel and sums.",
    "cnnviz": "cnnviz's own call: `pip install -e .` in this project makes `import cnnviz` work "
              "anywhere.",
    "SciPy": "`scipy.signal.correlate2d` computes cross-correlation, as CNNs do; padding, "
             "dilation and stride are spelled out around it.",
    "PyTorch": "Needs `pip install torch` (not a cnnviz dependency). Channels first: "
               "(N, C, H, W).",
})


def load_lines(image: np.ndarray) -> str | None:
    """Code that loads the sidebar's image exactly as the page has it, if it can be written.

    A bundled photo or a pattern can; an upload or a typed matrix cannot (a
    stand-in of its shape is used instead). The lines are checked: they are
    offered only when they give back the very numbers on screen.
    """
    if max(image.shape[:2]) <= LITERAL_MAX_SIDE:
        return None  # written out in full instead
    kind = st.session_state.get(k.SOURCE, "Photo")
    colour = st.session_state.get(k.COLOUR) == "Colour"
    max_side = st.session_state.get(k.MAX_SIDE, 128)
    try:
        if kind == "Photo":
            name = st.session_state.get(k.PHOTO) or next(iter(samples.PHOTOS))
            mode = "rgb" if colour else "grey"
            line = f"a = samples.load_photo({name!r}, mode={mode!r}, max_side={max_side})"
            again = cached.photo(name, mode, max_side)  # the call in the line, cached
        elif kind == "Pattern":
            name, size = st.session_state.get(k.PATTERN), min(int(max_side), 256)
            line = f"a = samples.pattern({name!r}, {size})"
            again = samples.pattern(name, size)
            if colour:
                line += "\na = np.stack([a] * 3, axis=-1)  # the grey pattern as R = G = B"
                again = np.stack([again] * 3, axis=-1)
        else:
            return None
    except (ValueError, KeyError, TypeError, OSError):
        return None
    if again.shape != image.shape or not np.array_equal(again, image):
        return None
    return line


def code_panel(image: np.ndarray, kernel: np.ndarray, cfg: ConvSettings, *, key: str,
               load: str | Callable[[], str | None] | None = None,
               pool: Mapping[str, object] | None = None) -> None:
    """An expander with the computation on screen in four programs and what each prints.

    The activation in ``cfg`` and the pooling ``pool`` (``settings.pool_settings``)
    are computed by the code too.

    Its contents are made only while it is open (``key`` keeps that state): three
    highlighted listings cost the browser more than a second on a page's first
    draw, and again on every change, for a panel most visits never open.
    ``load`` may be a function giving the loading lines (:func:`load_lines`),
    called only then.
    """
    panel = st.expander("The same layer in code: NumPy, cnnviz, SciPy, PyTorch",
                        icon=":material/code:", key=f"{key}_code", on_change="rerun")
    if not panel.open:
        return
    if callable(load):
        load = load()
    with panel:
        try:
            view = layer_code(image, kernel, cfg, load=load, pool=pool)
        except ValueError as err:
            st.error(f"No code for settings that do not fit: {err}")
            return
        if not view.literal and load is None:
            st.caption("The input is too large to write out: the code uses a stand-in of its "
                       "shape (said so in a comment); put your own image there.")
        for tab, lang in zip(st.tabs(list(view.code), key=f"{key}_code_tabs"), view.code,
                             strict=True):
            with tab:
                # Wrapped on screen to fit a column; the copy button copies it as written.
                st.code(view.code[lang], language="python", wrap_lines=True)
                st.caption(f"`print(z.shape)` prints **{view.prints[lang]}**. {_NOTES[lang]}")
