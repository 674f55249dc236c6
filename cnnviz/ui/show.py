"""What every page shows of a convolution, and how a page stops: intro, size formulas, maps."""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import streamlit as st

from cnnviz.core.conv import ConvGeometry
from cnnviz.core.layers import size_formula
from cnnviz.core.text import NUMBERS_MAX_SIDE, exact_digits
from cnnviz.lessons.formulas import size_latex, size_words
from cnnviz.plots.figures import numbers_width

from . import charts, links, presenter, views
from .cached import grid_figure, image_figure


class PageStop(Exception):
    """Raised by :func:`stop`; ``app.py`` catches it. ``why`` is the reason, in a few words."""

    def __init__(self, why: str = "") -> None:
        super().__init__(why)
        self.why = why


def stop(why: str = "") -> None:
    """End the page here, as ``st.stop()`` would.

    ``st.stop()`` also ends ``app.py``'s run, so the page's link and the
    link's notices could not be written after it: this ends only the page.
    ``why`` (a few plain words, such as "these settings do not fit this grid")
    lets the link's notices say why a value the page never reached went unused.
    """
    raise PageStop(why)


_STOPPED = "_cnnviz_fragment_stopped"


def take_stop() -> str | None:
    """Why a fragment on the page stopped in this run, if one did (and forget it).

    ``app.py`` calls it before the page, to drop a fragment's own rerun's
    reason, and after it, so that the link's notices name the real reason for
    a value the page never reached, as they do when :class:`PageStop` reaches it.
    """
    return st.session_state.pop(_STOPPED, None)


def fragment(func: Callable[..., None]) -> Callable[..., None]:
    """``st.fragment`` for a page's part that reruns on its own widgets.

    A widget inside reruns only the fragment (not the sidebar or the title;
    not the intro either, unless the page puts it inside, as Step by step does
    under a lecture item's animation). :func:`stop` inside ends the fragment:
    in a fragment's own rerun ``app.py``, which catches it otherwise, is not
    running. Put a
    fragment last on its page, so that nothing after it depends on a stop.
    """
    @functools.wraps(func)
    def run(*args, **kwargs) -> None:
        links.fragment_starts()  # bound values the browser's link did not take are set again
        try:
            func(*args, **kwargs)
        except PageStop as stop:  # app.py's notices ask take_stop() why, after the page
            st.session_state[_STOPPED] = stop.why or "the page's message says why"
        finally:
            links.remember()  # what the next run compares its link with
            views.refresh()  # the saved view follows the fragment's widgets
            from . import classroom  # here: classroom imports pages' widgets, which import show

            classroom.publish_from_fragment()  # and so does a class's room

    return st.fragment(run)


def intro(text: str) -> None:
    """The two or three sentences that open a page: what it teaches (not in presenter mode,
    where the teacher says it and the grids need the room)."""
    # A student following a class sees what the teacher shows first (phones above all).
    following = st.session_state.get("_class_role") == "student" and st.session_state.get(
        "_class_follow")
    if not presenter.on() and not following:
        st.markdown(text)


def shape_formulas(geom: ConvGeometry, *, what: str = "window") -> None:
    """The output-size formula per axis, filled in with the user's numbers.

    The floor is made visible when the division is not whole, and the rows or
    columns the window never reaches are pointed out.
    """
    for axis, name in ((0, "H"), (1, "W")):
        f = size_formula(geom.in_shape[axis], geom.kernel_shape[axis], pad=geom.padding[axis],
                         stride=geom.stride[axis], dilation=geom.dilation[axis], axis=name)
        st.latex(size_latex(f))
        if not f.exact:
            st.caption(f"As the lectures say it: {size_words(f)}.")
    rows, cols = geom.unreached
    if rows or cols:
        parts = [f"{n} {word}" for n, word in ((rows, "row(s) at the bottom"),
                                                (cols, "column(s) at the right")) if n]
        st.warning(f"The {what} never reaches the last {' and '.join(parts)} of the padded "
                   "input: the stride steps past them.")


def feature_maps(
    image: np.ndarray, maps: list[tuple[str, np.ndarray]], mapping: str, *, key: str
) -> int:
    """The input beside each map, one column each; returns the channel shown.

    Maps with channels (a 2-D kernel on a colour image) show one channel at a
    time, picked by a radio under ``key``.
    """
    channel = 0
    if any(values.ndim == 3 for _, values in maps):
        depth = max(values.shape[2] for _, values in maps if values.ndim == 3)
        channel = st.radio("Channel shown", range(depth), key=f"{key}_channel", horizontal=True,
                           format_func=lambda c: ("R", "G", "B")[c] if depth == 3 else str(c),
                           help="A 2-D kernel on a colour image filters each channel on its own.")
    panels = [(f"Input a: {shape_text(image.shape)}", image, None), *(
        (f"{title}: {shape_text(values.shape)}", plane(values, channel), mapping)
        for title, values in maps)]
    for start in range(0, len(panels), 2):
        pair = panels[start:start + 2]
        # Presenter mode shares the row by what each grid needs for its numbers at the
        # presenter's size (NUMBER_FIT's rule); two equal columns otherwise.
        needs = [_need(values) for _, values, _ in pair]
        if len(needs) == 1:  # alone on its row: a grid with numbers takes the row's width
            small = pair[0][1].ndim == 2 and max(pair[0][1].shape) <= NUMBERS_MAX_SIDE
            needs.append(1 if small else needs[0])
        cols = presenter.share_row(needs) if presenter.on() else st.columns(2)
        for col, (title, values, how) in zip(cols, pair, strict=False):
            # Two figures a row: about 265 px each at 1280 px, 350 in presenter mode.
            width = 350 if presenter.on() else 265
            # A typed or lecture matrix's 0.876 is printed as 0.876, not 0.88.
            digits = exact_digits(values)
            fig = image_figure(values, title=title, width=width, digits=digits) if how is None \
                else grid_figure(values, title=title, mapping=how, width=width, digits=digits)
            charts.chart(col, fig, key=f"{key}_panel{start}_{title[:6]}")
    return channel


def _need(values: np.ndarray) -> int:
    """The width (px) a feature-map panel needs in presenter mode: its numbers at the
    presenter's size when it prints them, else a picture's 300 px."""
    if values.ndim != 2 or max(values.shape) > NUMBERS_MAX_SIDE:
        return 300
    return numbers_width(values, digits=exact_digits(values))


def plane(values: np.ndarray, channel: int) -> np.ndarray:
    """One channel of a (H, W, C) array; a 2-D array as it is."""
    return values[:, :, channel] if values.ndim == 3 else values


def sum_line(where, text: str) -> None:
    """A sum written out (``y[3] = 1·0.2 + … = 4.1``), monospaced and wrapped as ``st.code``
    shows it, in ``where``. Not ``st.code``: its syntax highlighter is 1.5 MB of script that
    the browser loads and compiles on the page's first visit (``bench/rerun_latency.py
    --first-visits``). Not Markdown with HTML allowed either: that loads a 188 KB parser
    (rehype-raw) on the page's first visit. ``st.html``'s script is on every page already
    (the app's CSS). The text is escaped.
    """
    import html

    where.html(f'<div class="cnnviz-sum">{html.escape(text)}</div>')


def shape_text(shape: tuple[int, ...]) -> str:
    """(5, 5, 3) → '5 × 5 × 3'."""
    return " × ".join(str(n) for n in shape)
