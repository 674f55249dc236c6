"""Link text for tables and grids: rows and cells written compactly, read back checked.

Pure text in and out, no Streamlit: ``1,0,-1;2,0,-2`` for a grid of cells,
``conv,3,;pool,2,2`` for a table of rows. Decoding raises ``ValueError``
naming the row or cell that is wrong, which :func:`cnnviz.ui.links.linked`
turns into a notice. Below the ui floor so the handout (:mod:`cnnviz.plots.handout`)
reads a link's tables too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from cnnviz.core.kernels import kernel_from_table


def encode_rows(rows: Sequence[Mapping[str, object]], columns: Sequence[str]) -> str:
    """Editor rows as compact link text: fields joined by ",", rows by ";".

    >>> encode_rows([{"type": "conv", "k": 3, "s": None}], ("type", "k", "s"))
    'conv,3,'
    """
    def text(v: object) -> str:
        if v is None or v != v:  # None, NaN, pandas.NA compare unequal to themselves
            return ""
        return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)

    return ";".join(",".join(text(row.get(c)) for c in columns) for row in rows)


def decode_rows(text: str, columns: Sequence[str], *, numeric: Sequence[str] = (),
                max_rows: int = 64) -> list[dict[str, object]]:
    """Link text back to editor rows; raises ValueError naming the row that is wrong.

    Numeric columns become ints (empty: None); others stay text.

    >>> decode_rows("conv,3,;pool,2,2", ("type", "k", "s"), numeric=("k", "s"))
    [{'type': 'conv', 'k': 3, 's': None}, {'type': 'pool', 'k': 2, 's': 2}]
    >>> decode_rows("conv,x,1", ("type", "k", "s"), numeric=("k", "s"))
    Traceback (most recent call last):
    ...
    ValueError: row 1, column k: 'x' is not a whole number
    """
    rows = []
    parts = text.split(";")
    if len(parts) > max_rows:
        raise ValueError(f"at most {max_rows} rows, got {len(parts)}")
    for r, part in enumerate(parts, start=1):
        fields = part.split(",")
        if len(fields) != len(columns):
            raise ValueError(f"row {r} has {len(fields)} fields, expected {len(columns)}")
        row: dict[str, object] = {}
        for column, field in zip(columns, fields, strict=True):
            field = field.strip()
            if column in numeric:
                if not field:
                    row[column] = None
                elif re.fullmatch(r"[0-9]{1,6}", field):  # not \d: it takes "２" and "٣"
                    row[column] = int(field)
                else:
                    raise ValueError(f"row {r}, column {column}: {field!r} is not a whole number")
            else:
                row[column] = field or None
        rows.append(row)
    return rows


def encode_grid(table: Sequence[Sequence[str]]) -> str:
    """A grid of cell texts as link text: cells joined by ",", rows by ";".

    >>> encode_grid([["1", "0", "-1"], ["1/9", "2", "0.5"]])
    '1,0,-1;1/9,2,0.5'
    """
    return ";".join(",".join(str(c).strip() for c in row) for row in table)


def decode_grid(text: str, *, max_side: int) -> list[list[str]]:
    """Link text back to a rectangular grid of cell texts (at most ``max_side`` a side).

    >>> decode_grid("1,0,-1;2,0,-2", max_side=11)
    [['1', '0', '-1'], ['2', '0', '-2']]
    >>> decode_grid("1,2;3", max_side=11)
    Traceback (most recent call last):
    ...
    ValueError: row 2 has 1 cells where row 1 has 2
    """
    rows = [row.split(",") for row in text.split(";")]
    if len(rows) > max_side or any(len(row) > max_side for row in rows):
        raise ValueError(f"a side is longer than {max_side}")
    for r, row in enumerate(rows[1:], start=2):
        if len(row) != len(rows[0]):
            raise ValueError(f"row {r} has {len(row)} cells where row 1 has {len(rows[0])}")
    return [[cell.strip() for cell in row] for row in rows]


def decode_number_grid(text: str, *, max_side: int) -> list[list[str]]:
    """:func:`decode_grid` whose every cell is a finite number (kept as the text typed).

    >>> decode_number_grid("1/9,0;x,1", max_side=11)
    Traceback (most recent call last):
    ...
    ValueError: kernel cell (row 2, column 1) is not a number: 'x'
    """
    table = decode_grid(text, max_side=max_side)
    kernel_from_table(table)  # names the row and column of a bad cell
    return table
