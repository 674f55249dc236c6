"""Figures for the learning pages: a training run live (a Plotly chart, updated as it
trains); feature maps, a confusion matrix, galleries of digits (grids: pictures for the
app's map element, :func:`cnnviz.plots.figures.mosaic_figure`). The charts a page
opens with are SVG (:mod:`cnnviz.plots.svgcharts`).

Pure builders: numbers in, a Plotly figure or a picture out. Signed values
use the app's diverging scale (:data:`cnnviz.plots.display.DIVERGING_COLORSCALE`)
centred on 0; non-negative maps (after ReLU or pooling) and digits use grey.

>>> fig = training_figure([0, 1], [2.3, 0.5], [0.1, 0.8], total=2)
>>> fig.layout.xaxis.range
(0, 2)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cnnviz.core.text import NUMBERS_MAX_SIDE, format_number
from cnnviz.plots.figures import Picture, Tile, map_rgb, mosaic_figure, shared_colorbar

__all__ = [
    "confusion_figure",
    "gallery_figure",
    "maps_figure",
    "training_figure",
]


def _title(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 15}},
                      height=height, margin={"l": 8, "r": 8, "t": 44, "b": 8},
                      plot_bgcolor="#ffffff")
    return fig


def training_figure(steps: Sequence[int], loss: Sequence[float], train_acc: Sequence[float],
                    epoch_steps: Sequence[int] = (), test_acc: Sequence[float] = (),
                    *, total: int | None = None, title: str = "Training") -> go.Figure:
    """Loss (left axis) and accuracy (right axis) against the step; test accuracy per epoch."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Scatter(x=list(steps), y=list(loss), mode="lines", name="loss (training)",
                             line={"color": "#d62728"}), secondary_y=False)
    fig.add_trace(go.Scatter(x=list(steps), y=list(train_acc), mode="lines",
                             name="accuracy (training batches)",
                             line={"color": "#1f77b4", "width": 1}, opacity=0.6),
                  secondary_y=True)
    if len(test_acc):
        fig.add_trace(go.Scatter(x=list(epoch_steps), y=list(test_acc), mode="lines+markers",
                                 name="accuracy (held-out test digits)",
                                 line={"color": "#2ca02c", "width": 3}), secondary_y=True)
    fig.update_yaxes(title_text="cross-entropy loss", secondary_y=False, rangemode="tozero",
                     gridcolor="#eee")
    fig.update_yaxes(title_text="accuracy", secondary_y=True, range=[0, 1.02], tickmode="linear",
                     tick0=0, dtick=0.2, tickformat=".0%", showgrid=False)
    fig.update_xaxes(title_text="step (one mini-batch each)", gridcolor="#eee",
                     range=[0, total] if total else None)
    fig.update_layout(legend={"orientation": "h", "y": -0.3})
    return _title(fig, title, 360)


def maps_figure(maps: np.ndarray, *, title: str = "", signed: bool = True, columns: int = 8,
                labels: Sequence[str] | None = None, height: int | None = None) -> Picture:
    """The channels of an (n_H, n_W, n_c) volume side by side, on one shared colour scale.

    One picture for the app's map element (:func:`cnnviz.plots.figures.mosaic_figure`):
    each channel a panel with its label above it, one colour bar in raw values,
    a read-out that names the channel, numbers in the cells where they fit.
    Signed maps are centred on 0 (diverging); non-negative ones go black → white.

    >>> p = maps_figure(np.zeros((3, 3, 8)) - np.arange(8.0), title="bank")
    >>> len(p.meta["panels"]), p.meta["panels"][1]["label"], p.meta["colorbar"] is not None
    (8, '2', True)
    """
    arr = np.asarray(maps, dtype=np.float64)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    h, w, n = arr.shape
    cols = min(columns, n)
    rows = -(-n // cols)
    names = list(labels) if labels is not None else [f"{c + 1}" for c in range(n)]
    if signed:
        lim = float(np.abs(arr).max()) or 1.0
        mapping, limits = "diverging", (-lim, lim)
        note = f"diverging, one scale for all {n} (white = 0)"
    else:
        mapping, limits = "minmax", (0.0, float(arr.max()) or 1.0)
        note = f"black = 0, white = the largest value, one scale for all {n}"
    gap = max(1, round(w * 0.07))
    # White rows above each panel for its label: a fifth of a panel per line of it.
    lines = max((name.count("\n") + 1 for name in names), default=1)
    band = max(1, round(h * 0.2 * lines))
    small = max(h, w) <= NUMBERS_MAX_SIDE
    tiles, shown = [], None
    for c in range(n):
        rgb, shown_c = map_rgb(arr[:, :, c], mapping, limits=limits)
        shown = shown or shown_c
        text = (np.vectorize(lambda v: format_number(v, 2), otypes=[str])(arr[:, :, c])
                if small else None)
        tiles.append(Tile(arr[:, :, c], rgb, (band + (c // cols) * (h + band + gap),
                                              (c % cols) * (w + gap)),
                          label=names[c], text=text,
                          readout=names[c] if labels is not None else f"channel {c + 1}"))
    total_h = rows * (h + band + gap) - gap
    total_w = cols * (w + gap) - gap
    cell = min(48.0, 1000 / total_w)  # about the width of the page's main column
    return mosaic_figure(tiles, title=title, note=note, colorbar=shared_colorbar(shown),
                         height=height or int(min(900, 90 + total_h * cell)), band=band)


#: Plotly's "Reds" scale: the confusion matrix's mistakes, darker for more.
_REDS = ((0.0, (255, 245, 240)), (0.125, (254, 224, 210)), (0.25, (252, 187, 161)),
         (0.375, (252, 146, 114)), (0.5, (251, 106, 74)), (0.625, (239, 59, 44)),
         (0.75, (203, 24, 29)), (0.875, (165, 15, 21)), (1.0, (103, 0, 13)))
_RIGHT = (207, 232, 207)  # the diagonal: a pale green, whatever its count


def confusion_figure(confusion: np.ndarray, *, title: str = "Confusion matrix") -> Picture:
    """Counts with true digit in rows and predicted digit in columns; the diagonal is right.

    The mistakes are coloured on the Reds scale up to the largest mistake count (its
    colour bar), so a few stand out; the diagonal is pale green. Every count is printed.

    >>> p = confusion_figure(np.diag([5] * 10) + np.eye(10, k=1, dtype=int))
    >>> p.meta["panels"][0]["text"][0][:2], p.meta["colorbar"]["ticks"][-1][1]
    (['5', '1'], '1')
    """
    cm = np.asarray(confusion)
    off = cm.astype(float).copy()
    np.fill_diagonal(off, 0)
    top = max(1.0, float(off.max()))
    stops = np.array([s for s, _ in _REDS])
    ramp = np.array([c for _, c in _REDS], dtype=float)
    t = off / top
    rgb = np.stack([np.interp(t, stops, ramp[:, k]) for k in range(3)], axis=-1)
    rgb[np.eye(len(cm), dtype=bool)] = _RIGHT
    digits = [str(c) for c in range(len(cm))]
    tile = Tile(cm.astype(float), np.rint(rgb).astype(np.uint8), (0, 0), name="count",
                row_names=[f"true {d}" for d in digits],
                col_names=[f"predicted {d}" for d in digits], text=cm.astype(str))
    # Whole counts only: 0, the middle when it is one, and the largest.
    ticks = [[0.0, "0"], *([[0.5, format_number(top / 2)]] if top % 2 == 0 else []),
             [1.0, format_number(top)]]
    bar = {"colours": [[s, f"rgb{c}"] for s, c in _REDS], "ticks": ticks}
    return mosaic_figure([tile], title=title, colorbar=bar, axes=True, height=440,
                         note="green: right (the diagonal); red: mistakes, darker for more",
                         digits=0)


def gallery_figure(images: np.ndarray, captions: Sequence[str], *, title: str = "",
                   columns: int = 8) -> Picture:
    """Small grey digits in a grid, each with a caption (white ink on black, as MNIST)."""
    imgs = np.asarray(images, dtype=np.float64)
    if len(imgs) == 0:
        blank = Tile(np.zeros((1, 1)), np.full((1, 1, 3), 255, np.uint8), (0, 0))
        return mosaic_figure([blank], title=title + " (none)", height=120)
    # "#157: 1→2 (1.00)" is wider than a digit: the number above, the mistake under it.
    return maps_figure(np.moveaxis(imgs, 0, 2), title=title, signed=False, columns=columns,
                       labels=[c.replace(": ", "\n", 1) for c in captions])
