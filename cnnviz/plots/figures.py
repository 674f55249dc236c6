"""Plotly figures for grids: images, kernels and feature maps.

Pure builders: they take core results and return ``plotly.graph_objects.Figure``
objects, so pages only place them. Small grids (at most 16×16) carry their
numbers in the cells, as the lectures draw them; larger ones are colour only.
Signed maps use a diverging scale centred on 0 unless the caller asks for
another display mapping.

>>> fig = grid_figure(np.array([[1.0, -2.0], [0.0, 3.0]]), title="demo")
>>> fig.data[0].text.tolist()
[['1', '-2'], ['0', '3']]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from cnnviz.core.text import NUMBERS_MAX_SIDE, format_number
from cnnviz.data.pixels import in_unit_range
from cnnviz.plots.display import bin_edges, map_for_display

_FLOAT32_MAX = float(np.finfo(np.float32).max)

__all__ = ["NUMBERS_MAX_SIDE", "grid_figure", "histogram_figure", "image_figure", "window_shapes"]




def _layout(
    fig: go.Figure, title: str, shape: tuple[int, int], height: int | None, note: str = ""
) -> go.Figure:
    rows, cols = shape
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 15},
               "subtitle": {"text": note.replace("; ", "<br>"),
                            "font": {"size": 11, "color": "#555"}}},
        # Room for the title and every subtitle line, so none runs into the cells.
        margin={"l": 8, "r": 8, "t": 48 + 17 * (note.count("; ") + 1) if note else 44, "b": 8},
        height=height or int(min(520, max(220, 300 * rows / max(cols, 1)))),
        plot_bgcolor="#ffffff",
    )
    # Row 0 at the top and square cells, as a matrix is written.
    fig.update_yaxes(autorange="reversed", scaleanchor="x", constrain="domain",
                     showgrid=False, zeroline=False)
    fig.update_xaxes(showgrid=False, zeroline=False, constrain="domain")
    if max(rows, cols) <= NUMBERS_MAX_SIDE:
        fig.update_xaxes(dtick=1)
        fig.update_yaxes(dtick=1)
    else:
        # Pixel indices of a photo say little; hover still gives row and col.
        fig.update_xaxes(showticklabels=False)
        fig.update_yaxes(showticklabels=False)
    return fig


def grid_figure(
    values: np.ndarray,
    *,
    title: str = "",
    mapping: str | None = None,
    digits: int = 2,
    show_numbers: bool | None = None,
    highlight: Sequence[tuple[int, int, int, int]] = (),
    cells: Sequence[tuple[int, int]] = (),
    colorbar: bool = True,
    height: int | None = None,
) -> go.Figure:
    """A 2-D array as a heatmap, with its numbers when small.

    Parameters
    ----------
    values : (H, W) array
    mapping : str, optional
        A :data:`cnnviz.plots.display.MAPPINGS` name. Default: ``"diverging"`` when
        the array has negative values, else ``"minmax"`` in grey.
    highlight : rectangles ``(top, left, height, width)`` in cell units to outline.
    cells : single cells ``(row, col)`` to mark (e.g. a max-pool winner).
    """
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"values must be 2-D, got shape {arr.shape}")
    if mapping is None:
        mapping = "diverging" if arr.size and arr.min() < 0 else "minmax"
    shown = map_for_display(arr, mapping)
    small = max(arr.shape) <= NUMBERS_MAX_SIDE if show_numbers is None else show_numbers
    text = np.vectorize(lambda v: format_number(v, digits))(arr) if small else None
    # Colours follow the mapped values; the legend and hover speak raw values.
    ticks = np.linspace(shown.zmin, shown.zmax, 5)
    heat = go.Heatmap(
        z=shown.values.astype(np.float32),
        # float32 halves the page's size; values past its range (3.4e38) stay float64.
        customdata=arr.astype(np.float32) if float(np.abs(arr).max()) < _FLOAT32_MAX else arr,
        zmin=shown.zmin,
        zmax=shown.zmax,
        colorscale=shown.colorscale,
        showscale=colorbar,
        colorbar={"thickness": 12, "len": 0.85, "tickvals": ticks,
                  "ticktext": [format_number(v, 3) for v in shown.raw_of(ticks)]},
        text=text,
        texttemplate="%{text}" if small else None,
        textfont={"size": 14 if max(arr.shape) <= 8 else 11},
        hovertemplate="row %{y}, col %{x}<br>value %{customdata:.4g}<extra></extra>",
        xgap=1 if small else 0,
        ygap=1 if small else 0,
    )
    fig = go.Figure(heat)
    fig.update_layout(shapes=window_shapes(highlight, cells))
    return _layout(fig, title, arr.shape, height, note=f"{mapping}: {shown.note}")


def window_shapes(
    rects: Sequence[tuple[int, int, int, int]] = (), cells: Sequence[tuple[int, int]] = ()
) -> list[dict]:
    """Plotly shape dicts outlining rectangles and single cells.

    >>> window_shapes([(0, 0, 3, 3)])[0]["x1"]
    2.5
    """
    shapes = []
    for top, left, h, w in rects:
        shapes.append({"type": "rect", "x0": left - 0.5, "x1": left + w - 0.5, "y0": top - 0.5,
                       "y1": top + h - 0.5, "line": {"color": "#ffb300", "width": 4}})
    for r, c in cells:
        shapes.append({"type": "rect", "x0": c - 0.45, "x1": c + 0.45, "y0": r - 0.45,
                       "y1": r + 0.45, "line": {"color": "#2e7d32", "width": 3}})
    return shapes


def image_figure(
    image: np.ndarray,
    *,
    title: str = "",
    highlight: Sequence[tuple[int, int, int, int]] = (),
    height: int | None = None,
) -> go.Figure:
    """An image in [0, 1], grey (H, W) or colour (H, W, 3), drawn as pixels.

    Grey images with negative or >1 values go through :func:`grid_figure`.
    """
    arr = np.asarray(image, dtype=np.float64)
    if arr.ndim == 2:
        return grid_figure(arr, title=title, mapping="clip" if in_unit_range(arr) else None,
                           highlight=highlight, colorbar=False, height=height)
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise ValueError(f"image must be (H, W) or (H, W, 3), got shape {arr.shape}")
    note = ""
    lo, hi = float(arr.min()), float(arr.max())
    if not in_unit_range(arr):
        # A lecture volume (values like 25) would be pure white if clipped.
        # Halves first: hi − lo overflows for values near ±1e308.
        arr = (arr / 2 - lo / 2) / (hi / 2 - lo / 2) if hi > lo else np.full_like(arr, 0.5)
        note = (f"minmax: stretched {format_number(lo)} … {format_number(hi)} onto "
                "black … full colour")
    rgb = (np.clip(arr, 0, 1) * 255).round().astype(np.uint8)
    fig = go.Figure(go.Image(z=rgb, hovertemplate="row %{y}, col %{x}<br>RGB %{z}<extra></extra>"))
    fig.update_layout(shapes=window_shapes(highlight))
    return _layout(fig, title, arr.shape[:2], height, note=note)


def histogram_figure(values: np.ndarray, *, title: str = "Raw values", bins: int = 40) -> go.Figure:
    """Histogram of raw values, with 0 marked: how much of the map is negative.

    Never raises on numbers: a constant map gets one bar and a nearly
    constant one a few, a range wider than float64 can subtract still gets finite
    edges (see :func:`cnnviz.plots.display.bin_edges`), and NaN or infinite
    values are left out and counted in the title. The counting is one
    ``np.histogram`` pass drawn as a single Bar trace.

    >>> fig = histogram_figure(np.full((4, 4), 0.25))
    >>> int(sum(fig.data[0].y))
    16
    >>> int(sum(histogram_figure([0.5, 0.5000000000000001]).data[0].y))
    2
    """
    arr = np.asarray(values, dtype=np.float64).ravel()
    finite = arr[np.isfinite(arr)]
    if finite.size < arr.size:
        title = f"{title} ({arr.size - finite.size} NaN or infinite values left out)"
    if finite.size:
        lo, hi = float(finite.min()), float(finite.max())
        # A constant map is one bar, centred on its value.
        n = 1 if lo == hi else max(int(bins), 1)
        counts, edges = np.histogram(finite, bins=bin_edges(lo, hi, n))
    else:
        counts, edges = np.zeros(0, dtype=np.int64), np.zeros(1)
    # Halves first: the difference or sum of two edges near ±1e308 overflows.
    centres = edges[:-1] / 2 + edges[1:] / 2
    with np.errstate(over="ignore"):
        widths = np.diff(edges)
    # Halved only where the plain difference overflows: halving a subnormal
    # width (a range of a few 5e-324 steps) would round it to 0.
    wide = ~np.isfinite(widths)
    widths[wide] = np.minimum(np.diff(edges / 2)[wide] * 2, np.finfo(np.float64).max)
    colours = ["#2b59c3" if c < 0 else "#c62828" for c in centres]
    fig = go.Figure(go.Bar(x=centres, y=counts, width=widths, marker_color=colours,
                           hovertemplate="%{x:.3g}: %{y} values<extra></extra>"))
    fig.add_vline(x=0, line_dash="dash", line_color="#444")
    fig.update_layout(title={"text": title, "font": {"size": 14}}, height=220, bargap=0,
                      margin={"l": 8, "r": 8, "t": 36, "b": 8})
    return fig
