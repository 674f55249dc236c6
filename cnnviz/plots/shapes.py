"""Figures of the "Shapes and parameters" page: window coverage and parameters per layer."""

from __future__ import annotations

import numpy as np

from cnnviz.core.layers import Conv
from cnnviz.lessons.shapes import Calculation, StackReport
from cnnviz.plots.figures import Picture, grid_figure
from cnnviz.plots.svgcharts import bars_svg

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


def params_figure(report: StackReport, *, log: bool = False) -> str:
    """Horizontal bars, as SVG: the parameters of every layer that has some.

    SVG, not Plotly: the page can open on this section (``shp_first=network``),
    and Plotly's script would cost that first visit about 2.3 s.

    >>> from cnnviz.core.layers import Dense, Flatten
    >>> from cnnviz.lessons.shapes import analyse_stack
    >>> svg = params_figure(analyse_stack((32, 32, 1), [Conv(6, 5), Flatten(), Dense(10)]))
    >>> "[1] CONV 5×5, 6 filters, s=1, p=0" in svg, "47,050" in svg
    (True, True)
    """
    infos = [i for i in report.infos if i.params]
    return bars_svg([f"[{i.index}] {i.label}" for i in infos], [i.params for i in infos],
                    ["#1f77b4" if isinstance(i.layer, Conv) else "#ff7f0e" for i in infos],
                    title="Parameters per layer (blue: convolution, orange: dense)", log=log)
