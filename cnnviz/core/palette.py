"""The one diverging palette of cnnviz, as numbers: its RGB stops and their interpolation.

ColorBrewer's RdBu (Plotly's "RdBu"), reversed so that -1 is dark blue, 0
near-white and +1 dark red; evenly spaced stops. Blue against red (never red
against green) reads for the common colour-vision deficiencies. The Plotly
heatmaps and the PNG pictures (:mod:`cnnviz.plots.display`), the GIF
(:mod:`cnnviz.plots.gif`) and the step-by-step animation (its payload carries
these stops to the browser, :mod:`cnnviz.lessons.animation`) all take their
colours from here, so every signed value has one colour everywhere. It lives
in the core, the lowest floor, so that lessons need not import plots for it.

>>> diverging_rgb(np.array([-1.0, 0.0, 1.0])).tolist()
[[5.0, 48.0, 97.0], [247.0, 247.0, 247.0], [103.0, 0.0, 31.0]]
"""

from __future__ import annotations

import numpy as np

__all__ = ["DIVERGING_COLORS", "diverging_rgb"]

DIVERGING_COLORS: tuple[tuple[int, int, int], ...] = (
    (5, 48, 97),
    (33, 102, 172),
    (67, 147, 195),
    (146, 197, 222),
    (209, 229, 240),
    (247, 247, 247),
    (253, 219, 199),
    (244, 165, 130),
    (214, 96, 77),
    (178, 24, 43),
    (103, 0, 31),
)

_COLORS = np.asarray(DIVERGING_COLORS, dtype=np.float64)
_STOPS = np.linspace(-1.0, 1.0, len(DIVERGING_COLORS))


def diverging_rgb(values: np.ndarray) -> np.ndarray:
    """Values in [-1, 1] (clipped) → RGB floats, linear between the stops; shape (..., 3).

    The palette's one interpolation (the browser's copy lives in the animator's JS).
    """
    return np.stack([np.interp(values, _STOPS, _COLORS[:, c]) for c in range(3)], axis=-1)
