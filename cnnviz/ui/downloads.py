"""Downloads of a page's maps: a PNG at display size and CSV, each made only when clicked."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable

import numpy as np

from cnnviz.plots.gif import map_png


def png_file(values: np.ndarray, mapping: str) -> Callable[[], bytes]:
    """The map as a PNG at display size with its numbers (:func:`cnnviz.plots.gif.map_png`),
    made only when the download button is clicked."""
    return functools.partial(map_png, values, mapping)


def csv_file(values: np.ndarray) -> Callable[[], bytes]:
    """:func:`csv_bytes`, made only when the download button is clicked."""
    return functools.partial(csv_bytes, values)


def csv_bytes(values: np.ndarray) -> bytes:
    """A 2-D matrix (or each channel of a 3-D one, one after another) as CSV."""
    arr = np.asarray(values, dtype=np.float64)
    planes = [arr] if arr.ndim == 2 else [arr[:, :, c] for c in range(arr.shape[2])]
    buf = io.StringIO()
    for c, plane in enumerate(planes):
        if len(planes) > 1:
            buf.write(f"# channel {c}\n")
        np.savetxt(buf, plane, delimiter=",", fmt="%.10g")
    return buf.getvalue().encode()
