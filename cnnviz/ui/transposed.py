"""Streamlit helpers of the transposed-convolution page: small editable matrices, grid rows.

A small matrix is a preset picker above a :class:`~cnnviz.ui.grid.Grid` of cell
texts, as the playground's kernel (so "1/2" or a typo survives a rerun exactly
as typed); choosing a preset replaces the table and starts the editor afresh.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import streamlit as st

from cnnviz.core.codec import decode_number_grid, encode_grid
from cnnviz.core.kernels import kernel_from_table
from cnnviz.core.transposed import max_transposed_padding
from cnnviz.ui.cached import grid_figure

from . import charts, links
from . import state as k
from .grid import Grid

MAX_SIDE = 8  # the page's small matrices


def grid(key: str) -> Grid:
    """The grid of the matrix picked by the select box ``key``."""
    return Grid(f"{key}_table", version=f"{key}_version", editor=f"{key}_editor")


def matrix_editor(
    label: str, key: str, presets: Mapping[str, tuple[str, np.ndarray]], default: str,
    *, help: str | None = None,
) -> np.ndarray | None:
    """A preset select box and an editable grid; returns the matrix, or None after an error.

    ``presets`` maps a name to (title, values). A bad cell is reported with
    ``st.error`` and kept in the grid for correction.
    """
    cells = grid(key)
    cells_name = f"{key}_cells"  # the grid in the link, when it is not the preset's
    if links.incoming(key) in presets:
        st.session_state[key] = links.incoming(key)
    if st.session_state.get(key) not in presets:
        st.session_state[key] = default
    if not cells.exists():
        cells.load(presets[st.session_state[key]][1])
    linked = links.linked(cells_name, lambda text: decode_number_grid(text, max_side=MAX_SIDE))
    if linked is not None:
        cells.replace(linked)
    name = links.select(label, list(presets), key=key, default=default,
                        format_func=lambda n: presets[n][0], help=help,
                        on_change=lambda: cells.load(presets[st.session_state[key]][1]))
    table = cells.cells(label=label)
    try:
        values = kernel_from_table(table)
    except ValueError as err:
        message = str(err).replace("kernel cell", "cell")
        st.error(f"{label}: {message}. Fix the cell; your other entries are kept.")
        links.put(cells_name, st.query_params.get(cells_name))  # the last good grid
        return None
    preset = presets[name][1]
    same = np.shape(preset) == values.shape and np.array_equal(preset, values)
    links.put(cells_name, None if same else encode_grid(table))
    return values


def grid_row(panels: Sequence[tuple[str, np.ndarray, dict]], key: str,
             widths: Sequence[float] | None = None) -> None:
    """Draw number grids side by side: (title, values, grid_figure options) each."""
    for i, (col, (title, values, options)) in enumerate(
            zip(st.columns(widths or len(panels), gap="medium"), panels, strict=True)):
        opts = {"mapping": "diverging", "colorbar": False, **options}
        charts.chart(col, grid_figure(values, title=title, **opts), key=f"{key}_{i}")


def _bounded(where: object, label: str, key: str, hi: int, default: int, *, lo: int = 0,
             why: str, help: str | None = None) -> int:
    """An integer box whose limits are the real limits of the current matrices.

    A value that another setting has pushed out of range (p = 2, then the
    stride goes down) is lowered to the new limit, with a note saying why, so
    the box never shows a number the page is not using.
    """
    current = st.session_state.get(key)
    if isinstance(current, int | float) and not lo <= current <= hi:
        st.session_state[key] = min(max(int(current), lo), hi)
        where.caption(f":material/info: {label} was {int(current)}; {why}, so it is now "
                      f"{st.session_state[key]}.")
    return int(where.number_input(label, lo, hi, min(default, hi), key=key, help=help,
                                  **k.LINK))


def transpose_settings(x_shape: tuple[int, ...] | None = None,
                       kernel_shape: tuple[int, ...] | None = None) -> dict:
    """Stride, padding, output_padding and dilation of the transposed convolution.

    With the input's and the kernel's shapes, output_padding and padding offer
    exactly the values that give an output (``max(s, d) − 1`` and
    :func:`~cnnviz.core.transposed.max_transposed_padding`); without them
    (a bad cell), the widest limits.
    """
    a, b = st.columns(2)
    stride = int(a.number_input("Stride s", 1, 3, 2, key="tr_stride", **k.LINK))
    dilation = int(b.number_input("Dilation d", 1, 3, 1, key="tr_dil", **k.LINK))
    out_pad = _bounded(a, "output_padding", "tr_outpad", max(stride, dilation) - 1, 0,
                       why=f"it must stay below max(s, d) = {max(stride, dilation)}",
                       help="Extra rows/columns at the bottom/right; must be below s "
                            "(or d): it picks among the input sizes a strided "
                            "convolution maps to the same output size.")
    top = 3
    if x_shape is not None and kernel_shape is not None:
        top = min(max_transposed_padding(n, f, stride=stride, output_padding=out_pad,
                                         dilation=dilation)
                  for n, f in zip(x_shape[:2], kernel_shape[:2], strict=True))
    padding = _bounded(b, "Padding p", "tr_pad", top, 0,
                       why=f"at most {top} leaves an output with these matrices",
                       help="p cells are cut from each side of the full result; at most "
                            f"{top} here, or nothing is left.")
    return {"stride": stride, "padding": padding, "output_padding": out_pad,
            "dilation": dilation}
