"""Figures of the "Shapes and parameters" page: window coverage and parameters per layer."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from cnnviz.core.layers import Conv
from cnnviz.lessons.shapes import Calculation, StackReport, format_count
from cnnviz.plots.figures import Picture, grid_figure

__all__ = ["coverage_figure", "params_figure"]


def coverage_figure(calc: Calculation) -> Picture:
    """How many windows read each cell of the padded input; the real input outlined.

    Cells at 0 are never read. The grid is ``coverage ⊗ coverage`` (rows times
    columns), since the same numbers hold on both axes.

    >>> from cnnviz.lessons.shapes import calculate
    >>> fig = coverage_figure(calculate(6, 3, padding="custom", p=1, stride=5))
    >>> fig.meta["shape"], fig.meta["shapes"][0]["x0"]
    ([8, 8], 0.5)
    """
    grid = np.outer(calc.coverage, calc.coverage)
    side = calc.padded
    return grid_figure(grid, title=f"Windows reading each cell of the padded {side}×{side} input",
                       highlight=[(calc.pad[0], calc.pad[0], calc.n, calc.n)], digits=0,
                       height=420)


def params_figure(report: StackReport, *, log: bool = False) -> go.Figure:
    """Horizontal bars: the parameters of every layer that has some.

    >>> from cnnviz.core.layers import Dense, Flatten
    >>> from cnnviz.lessons.shapes import analyse_stack
    >>> fig = params_figure(analyse_stack((32, 32, 1), [Conv(6, 5), Flatten(), Dense(10)]))
    >>> list(fig.data[0].x), fig.data[0].y[0]
    ([156, 47050], '[1] CONV 5×5, 6 filters, s=1, p=0')
    """
    infos = [i for i in report.infos if i.params]
    labels = [f"[{i.index}] {i.label}" for i in infos]
    colours = ["#1f77b4" if isinstance(i.layer, Conv) else "#ff7f0e" for i in infos]
    fig = go.Figure(go.Bar(x=[i.params for i in infos], y=labels, orientation="h",
                           marker_color=colours, text=[format_count(i.params) for i in infos],
                           textposition="auto",
                           hovertemplate="%{y}<br>%{x:,} parameters<extra></extra>"))
    fig.update_layout(title={"text": "Parameters per layer (blue: convolution, orange: dense)",
                             "font": {"size": 15}},
                      height=max(220, 60 + 28 * len(infos)),
                      margin={"l": 8, "r": 8, "t": 40, "b": 8})
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(type="log" if log else "linear", title="parameters")
    return fig

