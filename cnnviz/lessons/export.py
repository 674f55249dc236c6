"""A number grid as text for slides and notes: a LaTeX ``bmatrix`` and a Markdown table.

The numbers are written as everywhere in the app (:func:`cnnviz.core.text.format_number`);
a colour volume gives one block per channel.

>>> print(bmatrix([[1, -2], [0.5, 4]]))
\\begin{bmatrix}
1 & -2 \\\\
0.5 & 4
\\end{bmatrix}
>>> print(markdown_table([[1, -2], [0.5, 4]]))
|   | 0 | 1 |
|---|---|---|
| **0** | 1 | -2 |
| **1** | 0.5 | 4 |
"""

from __future__ import annotations

import numpy as np

from cnnviz.core.text import format_number

__all__ = ["bmatrix", "markdown_table"]

_CHANNELS = "RGB"


def _planes(values: object) -> list[tuple[str, np.ndarray]]:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 2:
        return [("", arr)]
    if arr.ndim == 3:
        names = _CHANNELS if arr.shape[2] == 3 else [str(c) for c in range(arr.shape[2])]
        return [(f"channel {names[c]}", arr[:, :, c]) for c in range(arr.shape[2])]
    raise ValueError(f"values must be a 2-D grid or a 3-D volume, got shape {arr.shape}")


def bmatrix(values: object, *, digits: int = 3) -> str:
    """The grid as a LaTeX ``bmatrix`` (one per channel of a volume, each labelled).

    >>> print(bmatrix(np.zeros((1, 1, 3))).splitlines()[0])
    % channel R
    """
    blocks = []
    for name, plane in _planes(values):
        rows = [" & ".join(format_number(v, digits) for v in row) for row in plane]
        body = " \\\\\n".join(rows)
        head = f"% {name}\n" if name else ""
        blocks.append(f"{head}\\begin{{bmatrix}}\n{body}\n\\end{{bmatrix}}")
    return "\n".join(blocks)


def markdown_table(values: object, *, digits: int = 3) -> str:
    """The grid as a Markdown table, rows and columns numbered from 0 as on screen."""
    blocks = []
    for name, plane in _planes(values):
        cols = plane.shape[1]
        lines = ["|   | " + " | ".join(str(c) for c in range(cols)) + " |",
                 "|---|" + "---|" * cols]
        lines += [f"| **{r}** | " + " | ".join(format_number(v, digits) for v in row) + " |"
                  for r, row in enumerate(plane)]
        blocks.append((f"**{name}**\n\n" if name else "") + "\n".join(lines))
    return "\n\n".join(blocks)
