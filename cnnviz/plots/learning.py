"""Plotly figures for the learning pages: loss curves, weights converging, feature maps,
class probabilities, a confusion matrix, galleries of digits.

Pure builders: numbers in, ``plotly.graph_objects.Figure`` out. Signed values
use the app's diverging scale (:data:`cnnviz.plots.display.DIVERGING_COLORSCALE`)
centred on 0; non-negative maps (after ReLU or pooling) and digits use grey.

>>> fig = loss_figure(np.array([1.0, 0.1, 0.01]), current=1)
>>> fig.layout.yaxis.type
'log'
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cnnviz.plots.display import DIVERGING_COLORSCALE

__all__ = [
    "confusion_figure",
    "gallery_figure",
    "loss_figure",
    "maps_figure",
    "probability_figure",
    "training_figure",
    "weights_figure",
]

_DIVERGING = tuple(tuple(stop) for stop in DIVERGING_COLORSCALE)
_GREYS = ((0.0, "rgb(0,0,0)"), (1.0, "rgb(255,255,255)"))
_LINES = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
          "#7f7f7f", "#bcbd22", "#17becf")


def _title(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 15}},
                      height=height, margin={"l": 8, "r": 8, "t": 44, "b": 8},
                      plot_bgcolor="#ffffff")
    return fig


def loss_figure(losses: np.ndarray, *, current: int | None = None,
                diverged_at: int | None = None, best: float | None = None,
                title: str = "Loss L (mean squared error), log scale") -> go.Figure:
    """The loss at each step on a log axis, the current step marked.

    Zero losses (an exact fit) cannot sit on a log axis; they are drawn at
    the smallest positive loss and said so in the hover text.
    """
    values = np.asarray(losses, dtype=np.float64)
    positive = values[values > 0]
    floor = float(positive.min()) if len(positive) else 1e-300
    shown = np.where(values > 0, values, floor)
    steps = np.arange(len(values))
    fig = go.Figure(go.Scatter(x=steps, y=shown, mode="lines", name="L",
                               customdata=values,
                               hovertemplate="step %{x}: L = %{customdata:.4g}<extra></extra>"))
    if best is not None and best > 0:
        fig.add_hline(y=best, line_dash="dot", line_color="#2ca02c",
                      annotation_text=f"best possible {best:.3g}", annotation_position="top right")
    if current is not None and 0 <= current < len(values):
        fig.add_trace(go.Scatter(x=[current], y=[shown[current]], mode="markers",
                                 marker={"size": 11, "color": "#ffb000",
                                         "line": {"width": 1, "color": "#000"}},
                                 name=f"step {current}", hoverinfo="skip"))
    if diverged_at is not None:
        fig.add_vline(x=diverged_at - 0.5, line_color="#d62728", line_dash="dash",
                      annotation_text=f"blew up at step {diverged_at}",
                      annotation_font_color="#d62728")
    fig.update_yaxes(type="log", title="L", exponentformat="power", gridcolor="#eee")
    fig.update_xaxes(title="step", gridcolor="#eee", rangemode="tozero")
    fig.update_layout(showlegend=False)
    return _title(fig, title, 320)


def weights_figure(kernels: np.ndarray, target: np.ndarray, *, current: int | None = None,
                   title: str = "Each weight k_ij step by step; dashed: its target k*_ij"
                   ) -> go.Figure:
    """One line per weight over the steps, with its target value dashed in the same colour."""
    k = np.asarray(kernels, dtype=np.float64)
    fh, fw = k.shape[1:]
    steps = np.arange(len(k))
    fig = go.Figure()
    for n, (i, j) in enumerate(np.ndindex(fh, fw)):
        colour = _LINES[n % len(_LINES)]
        hover = f"k_{i}{j} at step %{{x}}: %{{y:.4g}}<extra></extra>"
        fig.add_trace(go.Scatter(x=steps, y=k[:, i, j], mode="lines", name=f"k{i}{j}",
                                 line={"color": colour}, hovertemplate=hover))
        fig.add_hline(y=float(target[i, j]), line_dash="dash", line_color=colour, opacity=0.6)
    if current is not None:
        fig.add_vline(x=current, line_color="#ffb000", line_width=2)
    fig.update_xaxes(title="step", gridcolor="#eee", rangemode="tozero")
    fig.update_yaxes(title="weight", gridcolor="#eee")
    fig.update_layout(legend={"orientation": "h", "y": -0.25})
    return _title(fig, title, 360)


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
                labels: Sequence[str] | None = None, height: int | None = None) -> go.Figure:
    """The channels of an (n_H, n_W, n_c) volume side by side, on one shared colour scale.

    Signed maps are centred on 0 (diverging); non-negative ones go black → white.
    """
    arr = np.asarray(maps, dtype=np.float64)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    n = arr.shape[2]
    cols = min(columns, n)
    rows = -(-n // cols)
    names = list(labels) if labels is not None else [f"{c + 1}" for c in range(n)]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=names, horizontal_spacing=0.01,
                        vertical_spacing=0.06 if rows > 1 else 0.0)
    if signed:
        lim = float(np.abs(arr).max()) or 1.0
        zmin, zmax, scale = -lim, lim, _DIVERGING
    else:
        zmin, zmax, scale = 0.0, float(arr.max()) or 1.0, _GREYS
    for c in range(n):
        fig.add_trace(go.Heatmap(z=arr[:, :, c], zmin=zmin, zmax=zmax, colorscale=scale,
                                 showscale=c == 0, colorbar={"thickness": 10, "len": 0.9},
                                 hovertemplate="row %{y}, col %{x}: %{z:.3g}<extra></extra>"),
                      row=c // cols + 1, col=c % cols + 1)
    fig.update_yaxes(autorange="reversed", showticklabels=False, showgrid=False, zeroline=False)
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, constrain="domain")
    for i in range(1, n + 1):  # square cells in every panel
        fig.update_yaxes(scaleanchor=f"x{'' if i == 1 else i}", row=(i - 1) // cols + 1,
                         col=(i - 1) % cols + 1)
    fig.update_annotations(font_size=11)
    return _title(fig, title, height or 40 + rows * int(900 / max(cols, 4)))


def probability_figure(probs: np.ndarray, *, label: int | None = None,
                       title: str = "Predicted class probabilities (softmax)") -> go.Figure:
    """Ten bars, the most probable one highlighted (and the true class, if known, outlined)."""
    p = np.asarray(probs, dtype=np.float64)
    best = int(p.argmax())
    colours = ["#ffb000" if c == best else "#9bbbd4" for c in range(len(p))]
    outline = [3 if c == label else 0 for c in range(len(p))]
    fig = go.Figure(go.Bar(x=[str(c) for c in range(len(p))], y=p, marker_color=colours,
                           marker_line={"width": outline, "color": "#2ca02c"},
                           text=[f"{v:.2f}" for v in p], textposition="outside",
                           hovertemplate="class %{x}: p = %{y:.4f}<extra></extra>"))
    fig.update_yaxes(range=[0, 1.12], title="probability", gridcolor="#eee")
    fig.update_xaxes(title="digit", type="category")
    return _title(fig, title, 300)


def confusion_figure(confusion: np.ndarray, *, title: str = "Confusion matrix") -> go.Figure:
    """Counts with true digit in rows and predicted digit in columns; the diagonal is right."""
    cm = np.asarray(confusion)
    off = cm.astype(float).copy()
    np.fill_diagonal(off, np.nan)  # colour the mistakes, so a few stand out
    fig = go.Figure(go.Heatmap(z=off, x=[str(c) for c in range(10)], y=[str(c) for c in range(10)],
                               colorscale="Reds", showscale=False, zmin=0,
                               zmax=max(1.0, float(np.nanmax(off)) if np.isfinite(off).any()
                                        else 1.0),
                               hoverinfo="skip"))
    fig.add_trace(go.Heatmap(z=np.where(np.eye(10, dtype=bool), cm, np.nan),
                             x=[str(c) for c in range(10)], y=[str(c) for c in range(10)],
                             colorscale=[[0, "#cfe8cf"], [1, "#cfe8cf"]], showscale=False,
                             hoverinfo="skip"))
    fig.add_trace(go.Heatmap(z=cm, x=[str(c) for c in range(10)], y=[str(c) for c in range(10)],
                             text=cm.astype(str), texttemplate="%{text}", opacity=0,
                             showscale=False,
                             hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", title="true digit", scaleanchor="x", type="category")
    fig.update_xaxes(title="predicted digit", side="top", type="category")
    fig = _title(fig, title, 440)
    fig.update_layout(margin={"t": 80})
    return fig


def gallery_figure(images: np.ndarray, captions: Sequence[str], *, title: str = "",
                   columns: int = 8) -> go.Figure:
    """Small grey digits in a grid, each with a caption (white ink on black, as MNIST)."""
    imgs = np.asarray(images, dtype=np.float64)
    n = len(imgs)
    if n == 0:
        return _title(go.Figure(), title + " (none)", 120)
    return maps_figure(np.moveaxis(imgs, 0, 2), title=title, signed=False, columns=columns,
                       labels=list(captions))
