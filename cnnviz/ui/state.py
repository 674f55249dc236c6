"""Session-state keys, in one place, so pages and tests agree on them.

Streamlit forgets a widget's value when a page that does not draw the widget
runs. Settings that several pages share (the image source, the kernel, the
convolution hyperparameters) are re-stored on every run by :func:`keep`, which
``app.py`` calls before the page runs.
"""

from __future__ import annotations

import sys
from typing import Any

import streamlit as st

# Image source (sidebar, every page).
SOURCE = "src_kind"
PHOTO = "src_photo"
UPLOAD = "src_upload"
PATTERN = "src_pattern"
PATTERN_SIZE = "src_pattern_size"
LECTURE = "src_lecture"
COLOUR = "src_colour"
MAX_SIDE = "src_max_side"

# Kernel (playground and animation).
KERNEL_TABLE = "kernel_table"
KERNEL_VERSION = "kernel_version"
KERNEL_PRESET = "kernel_preset"
KERNEL_ROWS = "kernel_rows"
KERNEL_COLS = "kernel_cols"
GEN_KIND = "gen_kind"
GEN_SIZE = "gen_size"
GEN_SIGMA = "gen_sigma"

# Convolution hyperparameters (playground and animation).
PAD_KIND = "conv_pad_kind"
PAD_TOP, PAD_BOTTOM, PAD_LEFT, PAD_RIGHT = "conv_pad_t", "conv_pad_b", "conv_pad_l", "conv_pad_r"
PAD_MODE = "conv_pad_mode"
STRIDE_H, STRIDE_W = "conv_stride_h", "conv_stride_w"
DIL_H, DIL_W = "conv_dil_h", "conv_dil_w"
FLIP = "conv_flip"
BIAS = "conv_bias"
ACTIVATION = "conv_activation"
SLOPE = "conv_slope"
POOL_ON, POOL_MODE, POOL_SIZE, POOL_STRIDE = "pool_on", "pool_mode", "pool_size", "pool_stride"
MAPPING = "display_mapping"
COLOUR_MODE = "conv_colour_mode"

# The uploader is not here: Streamlit forbids assigning a file_uploader's value.
SHARED = (
    SOURCE, PHOTO, PATTERN, LECTURE, COLOUR, MAX_SIDE, PATTERN_SIZE,
    KERNEL_PRESET, KERNEL_ROWS, KERNEL_COLS, GEN_KIND, GEN_SIZE, GEN_SIGMA,
    PAD_KIND, PAD_TOP, PAD_BOTTOM, PAD_LEFT, PAD_RIGHT, PAD_MODE, STRIDE_H, STRIDE_W, DIL_H,
    DIL_W, FLIP, BIAS, ACTIVATION, SLOPE, POOL_ON, POOL_MODE, POOL_SIZE, POOL_STRIDE, MAPPING,
    COLOUR_MODE,
)


def kernel_editor_key(version: int | None = None) -> str:
    """Key of the kernel grid editor for ``version`` (default: the current one).

    Every whole-kernel change (preset, reset, normalise, ...) bumps the version,
    which gives the editor a fresh key and so drops its old edits.
    """
    if version is None:
        version = st.session_state.get(KERNEL_VERSION, 0)
    return f"kernel_editor_{version}"


def default(key: str, value: Any) -> Any:
    """Give ``key`` a starting value once; widgets then read it from session state."""
    return st.session_state.setdefault(key, value)


def keep(
    keys: tuple[str, ...] = SHARED, *, store: str = "_kept_shared", defaults: dict | None = None
) -> None:
    """Keep widget values when another page runs in between; call before the widgets are drawn.

    Streamlit drops a widget's value at the end of a run that does not draw it.
    Two things stop that: re-assigning a value (which makes it the user's own,
    so a widget drawn later adopts it), and a copy in ``store``, a plain
    session entry no cleanup touches, which puts the value back once it is
    gone. ``defaults`` gives first values. ``app.py`` calls this for the
    settings every page shares; pages call it with their own keys and store.
    """
    saved = st.session_state.setdefault(store, {})
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
            saved[key] = st.session_state[key]
        elif key in saved:
            st.session_state[key] = saved[key]
        elif defaults is not None and key in defaults:
            st.session_state[key] = defaults[key]


def require_router() -> None:
    """Rerun through ``app.py``'s ``st.navigation`` if Streamlit's legacy mode drives this run.

    Streamlit treats a ``pages/`` folder as an old-style multipage app until the
    first ``st.navigation`` call in the server process. So the first visits
    after a server start (several at once in a classroom) would run ``app.py``
    or a page script on its own: no router, no wide layout, a page list made
    from file names. Each run checks for itself (the legacy runner,
    ``_mpa_v1``, is on its call stack: Streamlit is pinned to 1.67), switches
    the mode off and reruns through the router on the same URL.
    """
    from streamlit.runtime.pages_manager import PagesManager

    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "_mpa_v1":
            PagesManager.uses_pages_directory = False
            st.rerun()
        frame = frame.f_back
