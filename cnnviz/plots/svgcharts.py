"""Small charts drawn as SVG text: a training run's curves, a softmax's ten probabilities.

Why not Plotly: Plotly's 4.7 MB script costs the browser about 2.3 s on the
first page of a session that shows a Plotly chart, so a chart on a page's
first screen is plain SVG (as the Playground's histogram,
:mod:`cnnviz.plots.histogram`), placed by ``cnnviz.ui.charts.chart``. Each
point or bar says its value when the pointer rests on it (an SVG ``<title>``),
and the whole has a one-sentence summary as its label for screen readers.
Every user string is escaped.

>>> svg = probability_svg(np.full(10, 0.1), label=3)
>>> svg.startswith("<svg") and svg.count('class="bar') == 10
True
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np

from cnnviz.core.text import format_number
from cnnviz.plots.histogram import _ticks

__all__ = ["probability_svg", "training_svg"]

_STYLE = ("<style>.{c} text{{fill:#31333f;font-size:12px}}.{c} .title{{font-size:15px;"
          "font-weight:600}}.{c} .bar:hover,.{c} .dot:hover{{opacity:.7}}</style>")
LOSS, TRAIN, TEST = "#d62728", "#1f77b4", "#2ca02c"


def _open(cls: str, width: int, height: int, label: str, title: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="{cls}" role="img" '
            f'aria-label="{html.escape(label)}" viewBox="0 0 {width} {height}" width="100%" '
            'style="height:auto;display:block">', _STYLE.format(c=cls),
            f'<text class="title" x="4" y="20">{html.escape(title)}</text>']


def _points(xs: np.ndarray, ys: np.ndarray) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))


def training_svg(steps: Sequence[int], loss: Sequence[float], train_acc: Sequence[float],
                 epoch_steps: Sequence[int] = (), test_acc: Sequence[float] = (), *,
                 title: str = "Training", width: int = 900, height: int = 360) -> str:
    """Loss (left axis) and accuracy (right axis, 0 … 100 %) against the step; the test
    accuracy after each epoch as dots, each saying its value under the pointer.

    >>> svg = training_svg([0, 1, 2], [2.3, 1.0, 0.5], [0.1, 0.5, 0.8], [2], [0.9])
    >>> "test accuracy 90.0 %" in svg and svg.count("<polyline") == 3
    True
    """
    x = np.asarray(steps, dtype=float)
    ls = np.asarray(loss, dtype=float)
    acc = np.asarray(train_acc, dtype=float)
    ex, ta = np.asarray(epoch_steps, dtype=float), np.asarray(test_acc, dtype=float)
    left, right, top, bottom = 58, 58, 40, 70
    pw, ph = width - left - right, height - top - bottom
    x_hi = float(x.max()) if x.size and x.max() > 0 else 1.0
    finite = ls[np.isfinite(ls)]
    l_hi = float(finite.max()) if finite.size and finite.max() > 0 else 1.0

    def sx(v):
        return left + pw * np.asarray(v, dtype=float) / x_hi

    def sl(v):
        return top + ph * (1 - np.clip(np.asarray(v, dtype=float), 0, l_hi) / l_hi)

    def sa(v):
        return top + ph * (1 - np.clip(np.asarray(v, dtype=float), 0, 1) / 1.02)

    summary = f"{title}: {len(x)} steps"
    if ls.size:
        summary += (f", training loss from {format_number(float(ls[0]), 3)} to "
                    f"{format_number(float(ls[-1]), 3)}")
    if ta.size:
        summary += ", test accuracy after each epoch " + ", ".join(
            f"{100 * a:.1f} %" for a in ta)
    parts = _open("cnnviz-train", width, height, summary, title)
    for v in _ticks(0.0, l_hi, 6):  # the loss's axis and its grid
        y = float(sl(v))
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" '
                     'stroke="#eee"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f"{html.escape(format_number(v, 3))}</text>")
    for a in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        parts.append(f'<text x="{left + pw + 6}" y="{float(sa(a)) + 4:.1f}">{round(a * 100)}%'
                     "</text>")
    for v in _ticks(0.0, x_hi, 8):
        xv = float(sx(v))
        parts.append(f'<line x1="{xv:.1f}" y1="{top + ph}" x2="{xv:.1f}" y2="{top + ph + 4}" '
                     'stroke="#888"/>')
        parts.append(f'<text x="{xv:.1f}" y="{top + ph + 18}" text-anchor="middle">'
                     f"{html.escape(format_number(v, 0))}</text>")
    parts.append(f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" '
                 'stroke="#888"/>')
    parts.append(f'<text x="{left + pw / 2:.1f}" y="{top + ph + 36}" text-anchor="middle">'
                 "step (one mini-batch each)</text>")
    parts.append(f'<text transform="translate(14 {top + ph / 2:.1f}) rotate(-90)" '
                 'text-anchor="middle">cross-entropy loss</text>')
    parts.append(f'<text transform="translate({width - 8} {top + ph / 2:.1f}) rotate(90)" '
                 'text-anchor="middle">accuracy</text>')
    if acc.size:
        parts.append(f'<polyline points="{_points(sx(x), sa(acc))}" fill="none" '
                     f'stroke="{TRAIN}" stroke-width="1" opacity="0.6"/>')
    if ls.size:
        ok = np.isfinite(ls)
        parts.append(f'<polyline points="{_points(sx(x[ok]), sl(ls[ok]))}" fill="none" '
                     f'stroke="{LOSS}" stroke-width="2"/>')
    if ta.size:
        parts.append(f'<polyline points="{_points(sx(ex), sa(ta))}" fill="none" '
                     f'stroke="{TEST}" stroke-width="3"/>')
        for n, (s, a) in enumerate(zip(ex, ta, strict=True), start=1):
            parts.append(f'<circle class="dot" cx="{float(sx(s)):.1f}" cy="{float(sa(a)):.1f}" '
                         f'r="5" fill="{TEST}"><title>epoch {n} (step {int(s)}): test '
                         f"accuracy {100 * a:.1f} %</title></circle>")
    legend = [("loss (training)", LOSS), ("accuracy (training batches)", TRAIN),
              ("accuracy (held-out test digits)", TEST)]
    lx = left
    for text, colour in legend:
        parts.append(f'<line x1="{lx}" y1="{height - 12}" x2="{lx + 24}" y2="{height - 12}" '
                     f'stroke="{colour}" stroke-width="3"/>')
        parts.append(f'<text x="{lx + 30}" y="{height - 8}">{html.escape(text)}</text>')
        lx += 40 + 7 * len(text)
    parts.append("</svg>")
    return "".join(parts)


def probability_svg(probs: np.ndarray, *, label: int | None = None,
                    title: str = "Predicted class probabilities (softmax)",
                    width: int = 420, height: int = 280) -> str:
    """Ten bars with their values on top, the most probable one amber, the true class (if
    known) outlined in green. Each bar's ``data-p`` holds its probability exactly.
    """
    p = np.asarray(probs, dtype=np.float64)
    best = int(p.argmax())
    left, right, top, bottom = 52, 10, 40, 44
    pw, ph = width - left - right, height - top - bottom
    n = len(p)
    slot = pw / n

    def sy(v: float) -> float:
        return top + ph * (1 - min(max(v, 0.0), 1.12) / 1.12)

    summary = (f"{title}: the network says {best} with probability {p[best]:.2f}"
               + ("" if label is None else f"; the true class is {label}"))
    parts = _open("cnnviz-probs", width, height, summary, title)
    for v in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        y = sy(v)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" '
                     'stroke="#eee"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{v:.1f}</text>')
    for c, v in enumerate(p):
        x0 = left + c * slot + slot * 0.15
        w = slot * 0.7
        y = sy(float(v))
        fill = "#ffb000" if c == best else "#9bbbd4"
        edge = f' stroke="{TEST}" stroke-width="3"' if c == label else ""
        parts.append(f'<rect class="bar" data-p="{float(v)!r}" x="{x0:.1f}" y="{y:.1f}" '
                     f'width="{w:.1f}" height="{top + ph - y:.1f}" fill="{fill}"{edge}>'
                     f"<title>class {c}: p = {v:.4f}</title></rect>")
        parts.append(f'<text x="{x0 + w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">'
                     f"{v:.2f}</text>")
        parts.append(f'<text x="{x0 + w / 2:.1f}" y="{top + ph + 16}" text-anchor="middle">'
                     f"{c}</text>")
    parts.append(f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" '
                 'stroke="#888"/>')
    parts.append(f'<text x="{left + pw / 2:.1f}" y="{height - 6}" text-anchor="middle">digit'
                 "</text>")
    parts.append(f'<text transform="translate(14 {top + ph / 2:.1f}) rotate(-90)" '
                 'text-anchor="middle">probability</text>')
    parts.append("</svg>")
    return "".join(parts)
