"""The histogram of a feature map's raw values, drawn as a small SVG: how much of it is negative.

It is plain markup, placed with ``st.markdown(..., unsafe_allow_html=True)``
(``st.html`` removes SVG), not a Plotly chart. In
Streamlit's frontend a Plotly chart costs each rerun about 40 ms whatever it
draws (README, "What stands in the way"), and the Playground redraws its
histogram on every kernel change. Each bar still says its range and count
when the pointer rests on it (an SVG ``<title>``, which screen readers read
too), and the whole has a one-sentence summary as its label.

>>> h = histogram(np.array([-1.0, 0.0, 0.5, 1.0]), bins=2)
>>> h.edges.tolist(), h.counts.tolist(), h.left_out
([-1.0, 0.0, 1.0], [1, 3], 0)
>>> svg = histogram_svg(h, title="Raw values")
>>> svg.startswith("<svg") and svg.count('class="bar"') == 2
True
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np

from cnnviz.core.text import format_number
from cnnviz.plots.display import bin_edges

__all__ = ["Histogram", "histogram", "histogram_svg", "NEGATIVE", "POSITIVE"]

#: Bars below 0 and from 0 up: the blue and red of the diverging ramp's halves.
NEGATIVE, POSITIVE = "#2b59c3", "#c62828"


@dataclass(frozen=True)
class Histogram:
    """Counts of finite values per bin.

    Attributes
    ----------
    edges : float64, increasing and finite, one more than ``counts``.
    counts : int64 per bin; bins are ``[e_i, e_i+1)``, the last one closed.
    left_out : how many values were NaN or infinite (not counted).
    """

    edges: np.ndarray
    counts: np.ndarray
    left_out: int

    @property
    def total(self) -> int:
        """The number of values counted."""
        return int(self.counts.sum())


def _counts(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """``np.histogram(values, bins=edges)[0]`` without sorting ``values``: O(n).

    Bins are half-open ``[e_i, e_i+1)`` except the last, which holds its right
    edge, as in numpy; ``values`` lie within ``edges[0] … edges[-1]``.

    >>> _counts(np.array([0.0, 0.5, 1.0, 2.0, 2.0]), np.array([0.0, 1.0, 2.0])).tolist()
    [2, 3]
    """
    nbins = len(edges) - 1
    lo, span = float(edges[0]), float(edges[-1]) - float(edges[0])
    with np.errstate(over="ignore", invalid="ignore"):
        even = (nbins > 1 and math.isfinite(span) and span > 0
                and bool(np.allclose(np.diff(edges), span / nbins, rtol=1e-9, atol=0)))
    if even:
        # The bin by arithmetic, then one step of correction against the
        # edges themselves (as numpy does for bins=n): off by at most one.
        index = ((values - lo) * (nbins / span)).astype(np.intp)
        np.clip(index, 0, nbins - 1, out=index)
        index -= values < edges[index]
        index += (values >= edges[index + 1]) & (index < nbins - 1)
    else:  # a range a few floats wide, or one wider than float64 can subtract
        index = np.searchsorted(edges, values, side="right") - 1
    np.clip(index, 0, nbins - 1, out=index)
    return np.bincount(index, minlength=nbins)


def histogram(values: object, *, bins: int = 40) -> Histogram:
    """Count ``values`` in at most ``bins`` equal bins from their smallest to their largest.

    Never raises on numbers: a constant map gets one bin centred on its
    value, a nearly constant one a few, and a range wider than float64 can
    subtract still gets finite edges (:func:`cnnviz.plots.display.bin_edges`).
    NaN and infinite values are left out and counted in ``left_out``. O(n):
    each value's bin by arithmetic, checked against the edges, and one
    ``np.bincount`` (``np.histogram`` with explicit edges sorts the whole map).

    >>> histogram(np.full((4, 4), 0.25)).counts.tolist()
    [16]
    >>> histogram([1.0, float("nan"), 2.0], bins=4).left_out
    1
    """
    arr = np.asarray(values, dtype=np.float64).ravel()
    finite = arr[np.isfinite(arr)]
    if not finite.size:
        return Histogram(np.array([-0.5, 0.5]), np.zeros(1, dtype=np.int64), int(arr.size))
    lo, hi = float(finite.min()), float(finite.max())
    edges = bin_edges(lo, hi, 1 if lo == hi else max(int(bins), 1))
    return Histogram(edges, _counts(finite, edges).astype(np.int64), int(arr.size - finite.size))


def _position(x: float, lo: float, hi: float) -> float:
    """Where ``x`` lies from ``lo`` to ``hi``, 0 … 1 (halves first: ``hi − lo`` can overflow)."""
    span = hi - lo
    if math.isfinite(span) and span > 0:
        return (x - lo) / span
    return (x / 2 - lo / 2) / (hi / 2 - lo / 2)  # only where hi - lo overflowed


def _ticks(lo: float, hi: float, most: int = 6) -> list[float]:
    """Round values to label an axis from ``lo`` to ``hi``: steps of 1, 2 or 5 times a power
    of ten, at most ``most`` of them; the two ends when no such step fits.

    >>> _ticks(-3.9, 3.1)
    [-2.0, 0.0, 2.0]
    >>> _ticks(0.0, 1.0)
    [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    >>> _ticks(-1e308, 1e308), _ticks(0.0, 5e-324)
    ([-1e+308, 1e+308], [0.0, 5e-324])
    """
    span = hi - lo
    raw = span / (most - 1)
    # A span float64 cannot hold, or one a few floats wide: label the ends only.
    if not (math.isfinite(span) and raw >= 1e-300):
        return [lo, hi]
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        step = factor * power
        first, last = math.ceil(lo / step), math.floor(hi / step)
        if last - first + 1 <= most:
            break
    ticks = [k * step for k in range(first, last + 1)]
    # Multiples of a step like 0.2 pick up float noise (0.6000000000000001).
    return [round(t, 12 - int(math.floor(math.log10(step)))) for t in ticks] or [lo, hi]


def histogram_svg(hist: Histogram, *, title: str = "Raw values", width: int = 520,
                  height: int = 200) -> str:
    """The histogram as an SVG element that scales to its column's width.

    ``width`` and ``height`` are its drawing units: the Playground's results
    column is 515–695 px wide (1280 px screens, presenter mode), so its 12 px
    labels show at 12–16 px.

    One bar per bin, blue below 0 and red from 0 up, a dashed line at 0 when
    0 is in range, round values under the axis (:func:`_ticks`) and the
    tallest bar's count beside it. Resting the pointer on a bar shows its
    range and count. ``title`` is escaped; nothing of it is read as markup.
    """
    left, right, top, bottom = 56, 14, 44, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    lo, hi = float(hist.edges[0]), float(hist.edges[-1])
    tallest = max(int(hist.counts.max()), 1)

    def x_of(v: float) -> float:
        return left + plot_w * _position(v, lo, hi)

    negative = int(hist.counts[(hist.edges[:-1] / 2 + hist.edges[1:] / 2) < 0].sum())
    summary = (f"{title}: {hist.total:,} values from {format_number(lo, 3)} to "
               f"{format_number(hi, 3)} in {len(hist.counts)} bars, {negative:,} of them below 0")
    if hist.left_out:
        summary += f"; {hist.left_out:,} NaN or infinite values left out"
    heading = title if not hist.left_out else (
        f"{title} ({hist.left_out:,} NaN or infinite values left out)")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cnnviz-hist" role="img" '
        f'aria-label="{html.escape(summary)}" viewBox="0 0 {width} {height}" width="100%" '
        'style="height:auto;display:block">',
        "<style>.cnnviz-hist .bar:hover{opacity:.7}.cnnviz-hist text{fill:#31333f;"
        "font-size:12px}.cnnviz-hist .title{font-size:14px;font-weight:600}</style>",
        f'<text class="title" x="8" y="20">{html.escape(heading)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#888" stroke-width="1"/>',
    ]
    for a, b, n in zip(hist.edges[:-1], hist.edges[1:], hist.counts, strict=True):
        x0, x1 = x_of(float(a)), x_of(float(b))
        h = plot_h * int(n) / tallest
        colour = NEGATIVE if float(a) / 2 + float(b) / 2 < 0 else POSITIVE
        tip = (f"{format_number(float(a), 3)} … {format_number(float(b), 3)}: {int(n):,} "
               + ("value" if n == 1 else "values"))
        # At least a pixel wide, so that a bin of a few floats' width still shows.
        parts.append(
            f'<rect class="bar" x="{x0:.2f}" y="{top + plot_h - h:.2f}" '
            f'width="{max(x1 - x0, 1.0):.2f}" height="{h:.2f}" fill="{colour}" '
            'shape-rendering="crispEdges">'
            f"<title>{html.escape(tip)}</title></rect>")
    if lo < 0 < hi:
        x0 = x_of(0.0)
        parts.append(f'<line x1="{x0:.2f}" y1="{top - 4}" x2="{x0:.2f}" y2="{top + plot_h}" '
                     'stroke="#444" stroke-width="1.5" stroke-dasharray="5 4"/>')
    for v in _ticks(lo, hi):
        x0 = x_of(v)
        parts.append(f'<line x1="{x0:.2f}" y1="{top + plot_h}" x2="{x0:.2f}" '
                     f'y2="{top + plot_h + 4}" stroke="#888" stroke-width="1"/>')
        anchor = "start" if x0 < left + 20 else "end" if x0 > left + plot_w - 20 else "middle"
        parts.append(f'<text x="{x0:.2f}" y="{height - 8}" '
                     f'text-anchor="{anchor}">{html.escape(format_number(v, 3))}</text>')
    parts.append(f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{tallest:,}</text>')
    parts.append(f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>')
    parts.append("</svg>")
    return "".join(parts)
