"""Figures for big matrices with one highlighted row: W @ x = y drawn as heatmaps.

:func:`product_figure` draws a matrix, the vector it multiplies (as a strip
under the matrix, so that column j of the matrix sits above entry j of the
vector) and the product (as a column on the right, so that row i sits beside
entry i). One row can be outlined, with the entries of the vector it reads
and the entry of the product it gives. Every panel uses the diverging scale
(0 is white) with its own range; cells carry their numbers when they are wide
enough. :func:`window_figure` draws a padded input with one window on it.

>>> fig = product_figure(np.eye(3), np.arange(3.0), np.arange(3.0), row=1, vector_cells=[1])
>>> [t.name for t in fig.data]
['matrix', 'vector', 'product']
>>> len(fig.layout.shapes)
3
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from types import MappingProxyType

import numpy as np
import plotly.graph_objects as go

from cnnviz.core.text import format_number
from cnnviz.plots.display import map_for_display
from cnnviz.plots.figures import MARK_COLOUR, Picture, grid_figure

__all__ = ["ROW_COLOUR", "cell_sizes", "product_figure", "text_font", "window_figure"]

ROW_COLOUR = "#ffb300"  # the amber of figures.window_shapes: one colour for "this window"
READ_COLOUR = MARK_COLOUR  # the magenta of window_shapes' cells: what the window reads
MAX_WIDTH = 820
MAX_HEIGHT = 900
_MARGIN = MappingProxyType({"l": 70, "r": 10, "t": 56, "b": 46})


def cell_sizes(n_rows: int, n_cols: int, max_width: int = MAX_WIDTH) -> tuple[int, int]:
    """Cell width and height in pixels for a matrix plus one extra row and column.

    Cells are as large as fits ``max_width`` × :data:`MAX_HEIGHT`, between
    4 and 44 pixels wide and 4 and 30 high.

    >>> cell_sizes(4, 9)
    (44, 30)
    >>> cell_sizes(144, 144)
    (5, 6)
    """
    width = int(np.clip(max_width // (n_cols + 2), 4, 44))
    height = int(np.clip(MAX_HEIGHT // (n_rows + 2), 4, 30))
    return width, height


def _texts(values: np.ndarray, digits: int) -> np.ndarray:
    return np.vectorize(lambda v: format_number(v, digits))(values)


def text_font(texts: np.ndarray, width: int, height: int) -> int:
    """Font size (pixels) at which the longest text fits a cell, or 0 if below 8.

    >>> text_font(np.array(["1", "-2"]), 20, 20), text_font(np.array(["0.79"]), 12, 20)
    (13, 0)
    """
    longest = max((len(t) for t in texts.ravel()), default=1)
    size = min(13, int((width - 3) / (0.6 * longest)), int(height * 0.7))
    return size if size >= 8 else 0


def _heatmap(values: np.ndarray, texts: np.ndarray, font: int, name: str, axes: tuple[str, str],
             hover: np.ndarray) -> go.Heatmap:
    shown = map_for_display(values, "diverging")
    return go.Heatmap(
        z=shown.values, zmin=-1, zmax=1, colorscale=shown.colorscale, showscale=False,
        text=texts if font else None, texttemplate="%{text}" if font else None,
        textfont={"size": font or 10}, customdata=hover,
        hovertemplate="%{customdata}<extra></extra>", name=name, xaxis=axes[0], yaxis=axes[1],
        xgap=1 if font else 0, ygap=1 if font else 0,
    )


def _ticks(n: int, cell: int, labels: Sequence[str] | None) -> dict:
    step = max(1, int(np.ceil(24 / cell)))
    vals = list(range(0, n, step))
    text = [str(v) if labels is None else labels[v] for v in vals]
    return {"tickmode": "array", "tickvals": vals, "ticktext": text, "tickfont": {"size": 10}}


def _outline(xref: str, yref: str, x: float, y: float, w: float, h: float, colour: str) -> dict:
    return {"type": "rect", "xref": xref, "yref": yref, "x0": x - 0.5, "x1": x + w - 0.5,
            "y0": y - 0.5, "y1": y + h - 0.5, "line": {"color": colour, "width": 3}}


def product_figure(
    matrix: np.ndarray,
    vector: np.ndarray,
    result: np.ndarray,
    *,
    row: int | None = None,
    vector_cells: Sequence[int] = (),
    title: str = "",
    names: tuple[str, str, str] = ("W", "x", "y"),
    row_names: Sequence[str] | None = None,
    col_names: Sequence[str] | None = None,
    col_ticks: Sequence[str] | None = None,
    digits: int = 2,
    max_width: int = MAX_WIDTH,
    blank_zeros: bool = False,
) -> go.Figure:
    """``matrix @ vector = result`` as three aligned heatmaps.

    The figure has a fixed size (cells of :func:`cell_sizes`, at most about
    :data:`MAX_WIDTH` wide); each panel shows its numbers when they fit.

    Parameters
    ----------
    matrix : (m, n) array
    vector : (n,) array, drawn as a 1 × n strip under the matrix.
    result : (m,) array, drawn as an m × 1 column right of the matrix.
    row : int, optional
        Row to outline in the matrix, with its entry of the result.
    vector_cells : entries of the vector to outline (what the row reads).
    names : labels of the matrix, the vector and the result.
    row_names, col_names : hover text per row and per column.
    col_ticks : tick labels of the columns (default: their numbers).
    digits : decimals of the numbers in the cells.
    max_width : about the widest the cells may get, in pixels (see :func:`cell_sizes`).
    blank_zeros : leave the matrix's zero cells without a number, so that the
        non-zero bands stand out (they are white either way).

    Raises
    ------
    ValueError
        If the shapes do not fit together or ``row`` is out of range.
    """
    mat = np.asarray(matrix, dtype=np.float64)
    vec = np.asarray(vector, dtype=np.float64).ravel()
    res = np.asarray(result, dtype=np.float64).ravel()
    if mat.ndim != 2 or vec.size != mat.shape[1] or res.size != mat.shape[0]:
        raise ValueError(f"matrix {mat.shape}, vector ({vec.size},) and result ({res.size},) "
                         "do not fit matrix @ vector = result")
    m, n = mat.shape
    if row is not None and not 0 <= row < m:
        raise ValueError(f"row must be in 0 … {m - 1}, got {row}")
    cw, ch = cell_sizes(m, n, max_width)
    texts = [_texts(mat, digits), _texts(vec[None, :], digits), _texts(res[:, None], digits)]
    if blank_zeros:
        texts[0] = np.where(mat == 0, "", texts[0])
    # The product column may be wider than a matrix cell, so its numbers fit.
    rw = int(np.clip(7 * max(len(t) for t in texts[2].ravel()) + 8, cw, 64))
    fonts = [text_font(texts[0], cw, ch), text_font(texts[1], cw, ch), text_font(texts[2], rw, ch)]
    # Numbers too wide for the vector's cells are written upwards in a taller strip.
    upright = not fonts[1] and cw >= 11
    vh = int(np.clip(6 * max(len(t) for t in texts[1].ravel()) + 10, ch, 60)) if upright else ch
    rows = list(row_names) if row_names is not None else [f"row {i}" for i in range(m)]
    cols = list(col_names) if col_names is not None else [f"column {j}" for j in range(n)]
    hover = np.array([[f"{names[0]}[{i}, {j}] = {format_number(mat[i, j], 4)}<br>{rows[i]}, "
                       f"{cols[j]}" for j in range(n)] for i in range(m)])
    v_hover = np.array([[f"{names[1]}[{j}] = {format_number(vec[j], 4)}<br>{cols[j]}"
                         for j in range(n)]])
    r_hover = np.array([[f"{names[2]}[{i}] = {format_number(res[i], 4)}<br>{rows[i]}"]
                        for i in range(m)])
    gap = 14  # pixels between the panels
    plot_w, plot_h = n * cw + gap + rw, m * ch + gap + vh
    split_y = 1 - m * ch / plot_h
    fig = go.Figure([
        _heatmap(mat, texts[0], fonts[0], "matrix", ("x", "y"), hover),
        _heatmap(vec[None, :], texts[1], fonts[1], "vector", ("x", "y2"), v_hover),
        _heatmap(res[:, None], texts[2], fonts[2], "product", ("x2", "y"), r_hover),
    ])
    fig.update_layout(
        width=plot_w + _MARGIN["l"] + _MARGIN["r"], height=plot_h + _MARGIN["t"] + _MARGIN["b"],
        margin=dict(_MARGIN), plot_bgcolor="#ffffff",
        title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 15}},
        xaxis={"domain": [0, n * cw / plot_w], "range": [-0.5, n - 0.5], "anchor": "y2",
               "title": {"text": f"column j of {names[0]} = entry j of {names[1]}",
                         "font": {"size": 11}}, **_ticks(n, cw, col_ticks)},
        xaxis2={"domain": [1 - rw / plot_w, 1], "range": [-0.5, 0.5], "anchor": "y",
                "tickvals": [0], "ticktext": [names[2]], "side": "top"},
        yaxis={"domain": [split_y, 1], "range": [m - 0.5, -0.5], "anchor": "x",
               "title": {"text": f"row i of {names[0]}", "font": {"size": 11}},
               **_ticks(m, ch, None)},
        yaxis2={"domain": [0, vh / plot_h], "range": [0.5, -0.5], "anchor": "x",
                "tickvals": [0], "ticktext": [names[1] + "ᵀ"]},
    )
    fig.update_xaxes(showgrid=False, zeroline=False)
    fig.update_yaxes(showgrid=False, zeroline=False)
    shapes = []
    if row is not None:
        shapes += [_outline("x", "y", 0, row, n, 1, ROW_COLOUR),
                   _outline("x2", "y", 0, row, 1, 1, ROW_COLOUR)]
    shapes += [_outline("x", "y2", j, 0, 1, 1, READ_COLOUR) for j in vector_cells]
    fig.update_layout(shapes=shapes)
    if upright:
        shade = map_for_display(vec, "diverging").values
        for j, text in enumerate(texts[1].ravel()):
            colour = "#ffffff" if abs(shade[j]) > 0.6 else "#222222"  # readable on dark cells
            fig.add_annotation(x=j, y=0, xref="x", yref="y2", text=text, textangle=-90,
                               showarrow=False, font={"size": min(11, cw - 3), "color": colour})
    return fig


def window_figure(
    padded: np.ndarray,
    window: tuple[int, int, int, int],
    taps: Sequence[tuple[int, int]],
    padding: tuple[tuple[int, int], tuple[int, int]],
    *,
    title: str = "",
    height: int | None = None,
    present: bool = False,
) -> Picture:
    """A padded input with one window outlined and the input itself dashed.

    ``present``: presenter mode, as for :func:`cnnviz.plots.figures.grid_figure` (its
    numbers sized by the same rule as every grid's).

    The taps are marked one by one when they do not fill the window (with
    dilation); the dashed rectangle shows where the padding ends.

    >>> fig = window_figure(np.zeros((5, 5)), (0, 0, 3, 3), [(0, 0), (0, 2)], ((1, 1), (1, 1)))
    >>> len(fig.meta["shapes"])  # the window, two taps, the input
    4
    """
    top, left, h, w = window
    cells = list(taps) if len(taps) != h * w else []
    fig = grid_figure(padded, title=title, mapping="diverging", highlight=[window],
                      cells=cells, colorbar=False, height=height, present=present)
    (pt, pb), (pl, pr) = padding
    rows, cols = np.asarray(padded).shape
    if not (pt or pb or pl or pr):
        return fig
    edge = {"type": "rect", "x0": pl - 0.5, "x1": cols - pr - 0.5, "y0": pt - 0.5,
            "y1": rows - pb - 0.5, "line": {"color": "#555", "width": 2, "dash": "dash"}}
    return replace(fig, meta={**fig.meta, "shapes": [*fig.meta["shapes"], edge]})
