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

__all__ = ["bars_svg", "loss_svg", "probability_svg", "training_svg", "weights_svg"]

_STYLE = ("<style>.{c} text{{fill:#31333f;font-size:12px}}.{c} .title{{font-size:15px;"
          "font-weight:600}}.{c} .bar:hover,.{c} .dot:hover{{opacity:.7}}</style>")
LOSS, TRAIN, TEST = "#d62728", "#1f77b4", "#2ca02c"


def _open(cls: str, width: int, height: int, label: str, title: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="{cls}" role="img" '
            f'aria-label="{html.escape(label)}" viewBox="0 0 {width} {height}" width="100%" '
            'style="height:auto;display:block">', _STYLE.format(c=cls),
            f'<text class="title" x="4" y="20">{html.escape(title)}</text>']


def _y_grid(left: float, pw: float, y: float, label: str) -> list[str]:
    """A horizontal grid line across the plot at ``y``, and its label (markup) left of it."""
    return [f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#eee"/>',
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>']


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
        parts += _y_grid(left, pw, float(sl(v)), html.escape(format_number(v, 3)))
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
        parts += _y_grid(left, pw, sy(v), f"{v:.1f}")
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


def _thin(n: int, most: int = 600) -> np.ndarray:
    """Indices of at most ``most`` points of a line of ``n``, the first and last kept: a line
    is drawn no finer than its width in pixels."""
    return np.unique(np.linspace(0, n - 1, min(n, most)).round().astype(int)) if n else np.arange(0)


def loss_svg(losses: np.ndarray, *, current: int | None = None, diverged_at: int | None = None,
             best: float | None = None, title: str = "Loss L (mean squared error), log scale",
             width: int = 560, height: int = 320) -> str:
    """The loss at each step on a log axis, the current step marked, as SVG.

    Zero losses (an exact fit) cannot sit on a log axis; they are drawn at the
    smallest positive loss (the pointer's text says 0). ``best``: the lowest loss
    possible (noise), dotted; ``diverged_at``: the step where the run blew up, dashed.
    The line's ``data-values`` holds every loss exactly (JSON).

    >>> svg = loss_svg(np.array([1.0, 0.1, 0.0]), current=1)
    >>> 'data-log="true"' in svg and "step 1: L = 0.1" in svg
    True
    """
    import json

    values = np.asarray(losses, dtype=np.float64)
    positive = values[np.isfinite(values) & (values > 0)]
    lo = float(positive.min()) if positive.size else 1e-300
    hi = float(positive.max()) if positive.size else 1.0
    shown = np.where(values > 0, values, lo)
    d_lo, d_hi = np.floor(np.log10(lo)), max(np.ceil(np.log10(hi)), np.floor(np.log10(lo)) + 1)
    left, right, top, bottom = 62, 14, 40, 44
    pw, ph = width - left - right, height - top - bottom
    # The axis reaches the step that blew up, so its line and label stay inside.
    last = max(len(values) - 1, diverged_at or 0, 1)

    def sx(i):
        return left + pw * np.asarray(i, dtype=float) / last

    def sy(v):
        return top + ph * (1 - (np.log10(np.asarray(v, dtype=float)) - d_lo) / (d_hi - d_lo))

    summary = f"{title}: {len(values)} steps"
    if values.size:
        summary += (f", from {format_number(float(values[0]), 4)} to "
                    f"{format_number(float(values[-1]), 4)}")
    parts = _open("cnnviz-loss", width, height, summary, title)
    every = max(1, int(np.ceil((d_hi - d_lo) / 6)))
    for e in range(int(d_lo), int(d_hi) + 1, every):
        parts += _y_grid(left, pw, float(sy(10.0 ** e)),
                         f'10<tspan dy="-6" font-size="9">{e}</tspan>')
    for v in _ticks(0.0, float(last), 7):
        x = float(sx(v))
        parts.append(f'<line x1="{x:.1f}" y1="{top + ph}" x2="{x:.1f}" y2="{top + ph + 4}" '
                     'stroke="#888"/>')
        parts.append(f'<text x="{x:.1f}" y="{top + ph + 18}" text-anchor="middle">'
                     f"{format_number(v, 0)}</text>")
    parts.append(f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" '
                 'stroke="#888"/>')
    parts.append(f'<text x="{left + pw / 2:.1f}" y="{height - 6}" text-anchor="middle">step'
                 "</text>")
    parts.append(f'<text transform="translate(14 {top + ph / 2:.1f}) rotate(-90)" '
                 'text-anchor="middle">L</text>')
    if best is not None and best > 0 and lo <= best <= 10.0 ** d_hi:
        y = float(sy(best))
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" '
                     f'stroke="{TEST}" stroke-dasharray="2 3"/>')
        parts.append(f'<text x="{left + pw - 4}" y="{y - 4:.1f}" text-anchor="end" '
                     f'style="fill:{TEST}">best possible {best:.3g}</text>')
    if diverged_at is not None:
        x = float(sx(diverged_at - 0.5))
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + ph}" '
                     f'stroke="{LOSS}" stroke-dasharray="6 4"/>')
        parts.append(f'<text x="{x - 4:.1f}" y="{top + 14}" text-anchor="end" '
                     f'style="fill:{LOSS}">blew up at step {diverged_at}</text>')
    keep = _thin(len(values))
    if keep.size:
        data = html.escape(json.dumps([float(v) for v in values]))
        parts.append(f'<polyline class="line" data-log="true" data-values="{data}" '
                     f'points="{_points(sx(keep), sy(shown[keep]))}" fill="none" '
                     f'stroke="{TRAIN}" stroke-width="2"/>')
    if current is not None and 0 <= current < len(values):
        parts.append(f'<circle class="dot" cx="{float(sx(current)):.1f}" '
                     f'cy="{float(sy(shown[current])):.1f}" r="6" fill="#ffb000" stroke="#000">'
                     f"<title>step {current}: L = {values[current]:.4g}</title></circle>")
    parts.append("</svg>")
    return "".join(parts)


#: One colour per weight, as Plotly's default cycle.
WEIGHT_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                  "#7f7f7f", "#bcbd22", "#17becf")


def weights_svg(kernels: np.ndarray, target: np.ndarray, *, current: int | None = None,
                title: str = "Each weight k_ij step by step; dashed: its target k*_ij",
                width: int = 560, height: int = 360) -> str:
    """One line per weight over the steps, its target value dashed in the same colour.

    >>> svg = weights_svg(np.zeros((3, 2, 2)), np.eye(2), current=1)
    >>> svg.count('class="weight"'), svg.count('class="target"')
    (4, 4)
    """
    k = np.asarray(kernels, dtype=np.float64)
    tgt = np.asarray(target, dtype=np.float64)
    n, fh, fw = k.shape
    finite = np.concatenate([k[np.isfinite(k)], tgt.ravel()])
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if hi <= lo:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.05
    lo, hi = lo - pad, hi + pad
    left, right, top, bottom = 52, 14, 40, 86
    pw, ph = width - left - right, height - top - bottom
    last = max(n - 1, 1)

    def sx(i):
        return left + pw * np.asarray(i, dtype=float) / last

    def sy(v):
        return top + ph * (1 - (np.clip(np.asarray(v, dtype=float), lo, hi) - lo) / (hi - lo))

    summary = f"{title}: {fh * fw} weights over {n} steps"
    parts = _open("cnnviz-weights", width, height, summary, title)
    for v in _ticks(lo, hi, 6):
        parts += _y_grid(left, pw, float(sy(v)), html.escape(format_number(v, 3)))
    for v in _ticks(0.0, float(last), 7):
        x = float(sx(v))
        parts.append(f'<text x="{x:.1f}" y="{top + ph + 18}" text-anchor="middle">'
                     f"{format_number(v, 0)}</text>")
    parts.append(f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" '
                 'stroke="#888"/>')
    parts.append(f'<text x="{left + pw / 2:.1f}" y="{top + ph + 34}" text-anchor="middle">step'
                 "</text>")
    keep = _thin(n)
    for m, (i, j) in enumerate(np.ndindex(fh, fw)):
        colour = WEIGHT_COLOURS[m % len(WEIGHT_COLOURS)]
        y = float(sy(tgt[i, j]))
        parts.append(f'<line class="target" data-value="{float(tgt[i, j])!r}" x1="{left}" '
                     f'y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="{colour}" '
                     f'stroke-dasharray="6 4" opacity="0.6"/>')
        line = k[keep, i, j]
        ok = np.isfinite(line)
        now = (f"; at step {current}: {format_number(float(k[current, i, j]), 4)}"
               if current is not None and 0 <= current < n else "")
        parts.append(f'<polyline class="weight" points="{_points(sx(keep[ok]), sy(line[ok]))}" '
                     f'fill="none" stroke="{colour}" stroke-width="1.5"><title>k_{i}{j}, target '
                     f"{format_number(float(tgt[i, j]), 4)}{now}</title></polyline>")
    if current is not None and 0 <= current < n:
        x = float(sx(current))
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + ph}" '
                     'stroke="#ffb000" stroke-width="2"/>')
    lx, ly = left, height - 30
    for m, (i, j) in enumerate(np.ndindex(fh, fw)):
        if lx > width - 60:  # a second row for the rest
            lx, ly = left, ly + 16
        colour = WEIGHT_COLOURS[m % len(WEIGHT_COLOURS)]
        parts.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 16}" y2="{ly - 4}" '
                     f'stroke="{colour}" stroke-width="3"/>')
        parts.append(f'<text x="{lx + 20}" y="{ly}">k{i}{j}</text>')
        lx += 56
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(labels: Sequence[str], values: Sequence[float], colours: Sequence[str], *,
             title: str, log: bool = False, unit: str = "parameters", width: int = 900) -> str:
    """Horizontal bars, one per label (top to bottom), each with its value written on it
    (thousands separated); the axis linear from 0, or logarithmic from the smallest bar's
    power of ten. Each bar's ``data-value`` holds its value; the root's ``data-log`` says
    the axis.

    >>> svg = bars_svg(["a", "b"], [10, 1000], ["#1f77b4", "#ff7f0e"], title="t", log=True)
    >>> 'data-log="true"' in svg and svg.count('class="bar"') == 2 and "1,000" in svg
    True
    """
    vals = np.asarray(values, dtype=np.float64)
    n = len(vals)
    height = max(220, 80 + 28 * n)
    longest = max((len(t) for t in labels), default=1)
    left, right, top, bottom = min(12 + 7 * longest, width // 2), 20, 40, 40
    pw = width - left - right
    hi = float(vals.max()) if n and vals.max() > 0 else 1.0
    if log:
        positive = vals[vals > 0]
        d_lo = np.floor(np.log10(positive.min())) if positive.size else 0.0
        d_hi = max(np.ceil(np.log10(hi)), d_lo + 1)

        def sx(v: float) -> float:
            return left + pw * (np.log10(max(v, 10.0 ** d_lo)) - d_lo) / (d_hi - d_lo)

        ticks = [10.0 ** e for e in range(int(d_lo), int(d_hi) + 1)]
    else:
        def sx(v: float) -> float:
            return left + pw * max(v, 0.0) / hi

        ticks = _ticks(0.0, hi, 6)
    summary = f"{title}: " + "; ".join(f"{t} {int(v):,}" for t, v in zip(labels, vals, strict=True))
    parts = _open("cnnviz-bars", width, height, summary, title)
    parts[0] = parts[0].replace('role="img"', f'role="img" data-log="{str(log).lower()}"', 1)
    slot = (height - top - bottom) / max(n, 1)
    base = top + (height - top - bottom)
    for t in ticks:
        x = sx(t)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{base}" stroke="#eee"/>')
        parts.append(f'<text x="{x:.1f}" y="{base + 16}" text-anchor="middle">'
                     f"{format_number(t, 3) if not log else f'{t:,.0f}'}</text>")
    for i, (text, v, colour) in enumerate(zip(labels, vals, colours, strict=True)):
        y = top + i * slot + slot * 0.15
        h = slot * 0.7
        x1 = sx(float(v))
        written = f"{int(v):,}"
        parts.append(f'<text x="{left - 6}" y="{y + h / 2 + 4:.1f}" text-anchor="end">'
                     f"{html.escape(text)}</text>")
        parts.append(f'<rect class="bar" data-value="{float(v)!r}" x="{left}" y="{y:.1f}" '
                     f'width="{max(x1 - left, 1.0):.1f}" height="{h:.1f}" fill="{colour}">'
                     f"<title>{html.escape(text)}: {written} {html.escape(unit)}</title></rect>")
        inside = x1 - left > 8 * len(written) + 8  # on the bar in white, else beside it
        at, anchor, ink = (x1 - 6, "end", "#fff") if inside else (x1 + 6, "start", "#31333f")
        parts.append(f'<text x="{at:.1f}" y="{y + h / 2 + 4:.1f}" text-anchor="{anchor}" '
                     f'style="fill:{ink}">{written}</text>')
    parts.append(f'<line x1="{left}" y1="{base}" x2="{left + pw}" y2="{base}" stroke="#888"/>')
    parts.append(f'<text x="{left + pw / 2:.1f}" y="{height - 4}" text-anchor="middle">'
                 f"{html.escape(unit)}{' (log scale)' if log else ''}</text>")
    parts.append("</svg>")
    return "".join(parts)
