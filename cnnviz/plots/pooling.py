"""The pooling figure: every window outlined, the winners marked, one window in bold."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from cnnviz.core._checks import as_float_array
from cnnviz.core.trace import PoolTrace
from cnnviz.lessons.pooling import window_rects, winner_cells
from cnnviz.plots.figures import Picture, grid_figure

__all__ = ["pool_figure"]


def pool_figure(
    x: object,
    trace: PoolTrace,
    selected: int | None = None,
    *,
    title: str = "",
    mapping: str | None = None,
    height: int | None = None,
    width: int | None = None,
    present: bool = False,
    digits: int = 2,
) -> Picture:
    """The input with every window outlined thinly, winners marked, one window in bold.

    Parameters
    ----------
    x : (H, W) array
        The channel the trace pooled (the unpadded input).
    trace : PoolTrace
    selected : int, optional
        Window number to outline in bold (orange).
    title, mapping, height, width, present, digits :
        As for :func:`cnnviz.plots.figures.grid_figure` (``present``: projector size, its
        numbers sized by the same rule as every grid's).

    Examples
    --------
    >>> x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]])
    >>> fig = pool_figure(x, PoolTrace(x, 2), 0)
    >>> [s["line"]["color"] for s in fig.meta["shapes"]].count("#9e9e9e")  # 4 thin
    4
    >>> len(fig.meta["shapes"])  # and 1 bold, 4 winners
    9
    """
    arr = np.asarray(as_float_array(x, "x"), dtype=np.float64)
    if arr.shape != tuple(trace.geometry.in_shape):
        raise ValueError(f"x must be the traced map of shape {trace.geometry.in_shape}, "
                         f"got {arr.shape}")
    rects = window_rects(trace)
    bold = [] if selected is None else [rects[trace.step(selected).index]]
    fig = grid_figure(arr, title=title, mapping=mapping, highlight=bold,
                      cells=winner_cells(trace), height=height, width=width, present=present,
                      digits=digits)
    thin = [{"type": "rect", "x0": left - 0.5, "x1": left + w - 0.5, "y0": top - 0.5,
             "y1": top + h - 0.5, "line": {"color": "#9e9e9e", "width": 1.5, "dash": "dot"}}
            for top, left, h, w in rects]
    # The thin ones first: the bold window and the winners are drawn over them.
    meta = {**fig.meta, "shapes": thin + fig.meta["shapes"]}
    (pt, pb), (pl, pr) = trace.geometry.padding
    if pt or pb or pl or pr:
        # Room around the grid (in cells) for the outlines that hang over the padding.
        meta["margin"] = [pt + 0.1, pb + 0.1, pl + 0.1, pr + 0.1]
    return replace(fig, meta=meta)
