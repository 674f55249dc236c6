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
    return [{column: row_field(field, column, r, numeric=column in numeric)
             for column, field in zip(columns, fields, strict=True)}
            for r, fields in enumerate(split_rows(text, columns, max_rows=max_rows), start=1)]


def split_rows(text: str, columns: Sequence[str], *, max_rows: int = 64) -> list[list[str]]:
    """Link text as a table of texts, each row as many fields as ``columns``, not read yet.

    Raises ValueError for more than ``max_rows`` rows or a row of another length.

    >>> split_rows("conv,3x,;pool,2,2", ("type", "k", "s"))
    [['conv', '3x', ''], ['pool', '2', '2']]
    """
    parts = text.split(";")
    if len(parts) > max_rows:
        raise ValueError(f"at most {max_rows} rows, got {len(parts)}")
    table = []
    for r, part in enumerate(parts, start=1):
        fields = part.split(",")
        if len(fields) != len(columns):
            raise ValueError(f"row {r} has {len(fields)} fields, expected {len(columns)}")
        table.append(fields)
    return table


def row_field(text: str, column: str, row: int, *, numeric: bool = False,
              options: Sequence[str] | None = None) -> object:
    """One cell of a table of rows, from its text: None when empty, an int in a column of
    whole numbers, else the text stripped; raises ValueError naming the row and column.

    The one reading of a row's cell, whether it comes from a link (:func:`decode_rows`)
    or from the table a person types into (:func:`text_rows`). ``options``: the texts a
    column of choices takes.

    >>> row_field(" 3 ", "k", 1, numeric=True), row_field("", "k", 1, numeric=True)
    (3, None)
    >>> row_field("1.5", "k", 2, numeric=True)
    Traceback (most recent call last):
    ...
    ValueError: row 2, column k: '1.5' is not a whole number
    >>> row_field("fc", "type", 1, options=("conv", "pool"))
    Traceback (most recent call last):
    ...
    ValueError: row 1, column type: 'fc' is not one of conv, pool
    """
    field = text.strip()
    if not field:
        return None
    if numeric:
        if re.fullmatch(r"[0-9]{1,6}", field):  # not \d: it takes "２" and "٣"
            return int(field)
        raise ValueError(f"row {row}, column {column}: {field!r} is not a whole number")
    if options is not None and field not in options:
        raise ValueError(f"row {row}, column {column}: {field!r} is not one of "
                         f"{', '.join(options)}")
    return field


def text_rows(table: Sequence[Sequence[str]], columns: Sequence[str], *,
              numeric: Sequence[str] = (), choices: Mapping[str, Sequence[str]] | None = None
              ) -> tuple[list[dict[str, object]], list[tuple[int, int, str]]]:
    """A typed table of cell texts as rows, and its bad cells.

    Each cell is read by :func:`row_field`. A cell that cannot be read keeps its text
    as typed in the rows (so it is not lost) and is listed as ``(row, column, message)``
    counted from 0, the message naming it counted from 1, as a student reads the table.

    >>> text_rows([["conv", "3", ""], ["pool", "x", "2"]], ("type", "k", "s"),
    ...           numeric=("k", "s"), choices={"type": ("conv", "pool")})
    ([{'type': 'conv', 'k': 3, 's': None}, {'type': 'pool', 'k': 'x', 's': 2}], \
[(1, 1, "row 2, column k: 'x' is not a whole number")])
    """
    choices = choices or {}
    rows: list[dict[str, object]] = []
    bad: list[tuple[int, int, str]] = []
    for r, cells in enumerate(table):
        row: dict[str, object] = {}
        for c, (column, text) in enumerate(zip(columns, cells, strict=True)):
            try:
                row[column] = row_field(text, column, r + 1, numeric=column in numeric,
                                        options=choices.get(column))
            except ValueError as err:
                row[column] = text
                bad.append((r, c, str(err)))
        rows.append(row)
    return rows, bad


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
