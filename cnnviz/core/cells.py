"""Reading the cells of the app's editable tables: one parser for every editor.

The kernel grid, the layer-stack builder and the receptive-field stack are
tables a student types into. Their cells arrive as text, numbers, ``None``,
NaN or pandas' ``NA``, depending on the column type. Every editor reads them
here, so a typo gets the same answer on every page: which row and column,
what was typed, and what is wrong with it.

- :func:`is_blank`: the cell was left empty (``None``, ``NA``, ``""``, spaces;
  NaN too, which is how a number column stores an empty cell).
- :func:`parse_number`: the text of one number, ``"-0.5"``, ``"1e-3"`` or a
  fraction ``"1/9"``.
- :func:`number_cell` and :func:`number_table`: finite float cells of a grid
  such as the kernel editor; infinity and NaN are "not a finite number", and a
  number written plainly but too large for a float is "out of range".
- :func:`whole_cell`: a whole-number cell of a row table, with a default
  when it is empty.

>>> number_table([["1/4", " 0.25 "], [0.25, "−1/−4"]])
array([[0.25, 0.25],
       [0.25, 0.25]])
>>> number_cell("1e999", 2, 3)
Traceback (most recent call last):
...
ValueError: cell (row 2, column 3) is out of range (beyond about 1.8e308): '1e999'
>>> whole_cell(None, "s", default=1), whole_cell(3.0, "k")
(1, 3)
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Sequence

import numpy as np

from cnnviz.core._checks import as_int
from cnnviz.core.text import counted

__all__ = ["is_blank", "matrix_cells", "number_cell", "number_table", "parse_matrix",
           "parse_number", "whole_cell"]


def _missing(value: object) -> bool:
    """None, pandas' NA/NaT or a string of spaces: nothing was typed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    # pandas is not a dependency of the core: recognise its markers by name.
    return type(value).__name__ in ("NAType", "NaTType")


def is_blank(value: object) -> bool:
    """Whether an editor cell was left empty.

    NaN counts as empty: a number column of a data editor stores an empty
    cell as NaN. (In a grid of numbers, :func:`number_cell` reports a NaN as
    not finite instead, since there it is a value someone computed.)

    >>> [is_blank(v) for v in (None, "", "  ", float("nan"), 0, "0")]
    [True, True, True, True, False, False]
    """
    if _missing(value):
        return True
    return isinstance(value, float) and math.isnan(value)


def parse_number(text: str) -> float | None:
    """The number written in ``text``, or None if it is not one.

    ``float`` already accepts ``"1e-3"``, ``" 2 "`` and ``"-0.5"``; one ``/``
    makes a fraction, and a typographic minus (U+2212, common in pasted
    formulas) is a minus. A zero denominator gives infinity, as does a number
    too large for a float: the caller rejects both as not finite.

    >>> parse_number("1/9") == 1 / 9, parse_number("−2"), parse_number("1/0")
    (True, -2.0, inf)
    >>> parse_number("1/2/3") is None, parse_number("abc") is None, parse_number("1_0") is None
    (True, True, True)
    """
    parts = text.strip().replace("\u2212", "-").split("/")
    # float() also reads "1_0" as 10 and "２" or "٣" as digits: a value the cell
    # does not show. Only the digits 0-9 make a number.
    if "_" in text or any(ch.isdigit() and ch not in "0123456789" for ch in text):
        return None
    try:
        values = [float(part) for part in parts]
    except ValueError:
        return None
    if len(values) == 1:
        return values[0]
    if len(values) == 2:
        num, den = values
        if den == 0:
            return math.inf
        try:
            return num / den
        except OverflowError:  # Python raises rather than return inf for 1e300/1e-300
            return math.inf
    return None


def number_cell(cell: object, row: int, col: int, *, name: str = "") -> float:
    """One cell of a grid of numbers as a finite float.

    Parameters
    ----------
    cell : str, number or None
        What the editor holds: text such as ``"1/9"`` or a number.
    row, col : int
        Where the cell is, counted from 1 as a student reads the table.
    name : str, keyword-only
        What the table is, for the message (``"kernel"`` gives "kernel cell …").

    Raises
    ------
    ValueError
        Naming the row, the column and what was typed: an empty cell, text
        that is not a number, NaN or infinity ("not a finite number"), or a
        number too large for a float ("out of range").

    Examples
    --------
    >>> number_cell(" -1/4 ", 1, 1)
    -0.25
    >>> number_cell(10**400, 1, 2, name="kernel")
    Traceback (most recent call last):
    ...
    ValueError: kernel cell (row 1, column 2) is out of range (beyond about 1.8e308): '1000…000'
    """
    where = f"{name} cell" if name else "cell"
    where = f"{where} (row {row}, column {col})"
    if _missing(cell):
        raise ValueError(f"{where} is empty: {cell if isinstance(cell, str) else ''!r}")
    if isinstance(cell, bool | np.bool_) or not isinstance(cell, numbers.Real | str):
        raise ValueError(f"{where} is not a number: {cell!r}")
    if isinstance(cell, str):
        text = cell
        value = parse_number(cell)
        if value is None:
            raise ValueError(f"{where} is not a number: {text!r}")
    else:
        text = str(cell)
        if len(text) > 20:
            text = f"{text[:4]}…{text[-3:]}"  # a 400-digit integer says nothing more
        try:
            value = float(cell)
        except OverflowError:  # an integer beyond float range
            value = math.inf
    if not math.isfinite(value):
        if _written_finite(cell):
            # Written as a plain number, it is finite: only too large for a float.
            # Links say the same of such a value ("out of range").
            raise ValueError(f"{where} is out of range (beyond about 1.8e308): {text!r}")
        raise ValueError(f"{where} is not a finite number: {text!r}")
    return value


def _written_finite(cell: object) -> bool:
    """Whether a cell that read as infinite was written as a plain, finite number.

    ``1e400``, a 400-digit integer and ``1e300/1e-300`` are finite as written;
    ``inf``, ``nan`` and a division by zero are not.

    >>> [_written_finite(c) for c in ("1e400", 10**400, "1e300/1e-300", "inf", "1/0", float("nan"))]
    [True, True, True, False, False, False]
    """
    if isinstance(cell, numbers.Integral):
        return True
    if not isinstance(cell, str):
        return False
    parts = cell.strip().replace("\u2212", "-").split("/")
    if any(not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", part.strip(), re.ASCII)
           for part in parts):
        return False
    return len(parts) == 1 or float(parts[1]) != 0


def number_table(rows: object, *, name: str = "") -> np.ndarray:
    """A grid of cells (rows of text or numbers) as a float64 array.

    Parameters
    ----------
    rows : sequence of sequences, or 2-D array
        One inner sequence per row; every row as long as the first.
    name : str, keyword-only
        What the table is, for messages (see :func:`number_cell`).

    Raises
    ------
    ValueError
        For the first bad cell in reading order (see :func:`number_cell`);
        for rows of different lengths, a row that is not a list; an empty table.

    Examples
    --------
    >>> number_table([["1", "2", "3"], ["4", "5", "abc"]], name="kernel")
    Traceback (most recent call last):
    ...
    ValueError: kernel cell (row 2, column 3) is not a number: 'abc'
    """
    label = f"{name} row" if name else "row"
    if isinstance(rows, np.ndarray):
        if rows.ndim != 2:
            raise ValueError(f"rows must be a 2-D table, got an array of shape {rows.shape}")
        table = rows.tolist()
    elif isinstance(rows, Sequence) and not isinstance(rows, str):
        table = list(rows)
    else:
        raise ValueError(f"rows must be a list of rows, got {type(rows).__name__}")
    if not table:
        raise ValueError("rows must hold at least one row, got an empty table")
    width: int | None = None
    for r, row in enumerate(table, start=1):
        if isinstance(row, str) or not isinstance(row, Sequence | np.ndarray):
            raise ValueError(f"{label} {r} must be a list of cells, got {row!r}")
        if len(row) == 0:
            raise ValueError(f"{label} {r} has no cells")
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise ValueError(f"{label} {r} has {counted(len(row), 'cell')} but row 1 has {width}")
    out = np.empty((len(table), len(table[0])), dtype=np.float64)  # every row as wide
    for r, row in enumerate(table):
        for c, cell in enumerate(row):
            out[r, c] = number_cell(cell, r + 1, c + 1, name=name)
    # + 0.0 turns a typed "-0" into 0, so the editor never shows "-0".
    return out + 0.0


def whole_cell(
    value: object, column: str, *, minimum: int = 1, default: int | None = None
) -> int:
    """A whole-number cell of a row table (layer stacks), or ``default`` when empty.

    The caller adds the row to the message (``"row 2 (pool): …"``); the
    column is named here.

    Raises
    ------
    ValueError
        Naming the column: empty without a default, not a whole number
        (NaN and infinity included), or below ``minimum``.

    Examples
    --------
    >>> whole_cell("", "p", minimum=0, default=0), whole_cell(2, "s")
    (0, 2)
    >>> whole_cell(None, "k")
    Traceback (most recent call last):
    ...
    ValueError: the k cell is empty
    >>> whole_cell(float("inf"), "f")
    Traceback (most recent call last):
    ...
    ValueError: the f cell is not a finite number: inf
    """
    if is_blank(value):
        if default is None:
            raise ValueError(f"the {column} cell is empty")
        return default
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"the {column} cell is not a finite number: {value!r}")
    return as_int(value, column, minimum=minimum)


def matrix_cells(text: str, *, name: str = "matrix") -> list[list[str]]:
    """The cells of a typed matrix as the text typed, row by row (see :func:`parse_matrix`).

    Nothing is rounded or rewritten, so a link made from them gives back the
    same numbers: ``0.123456789`` stays ``0.123456789``, ``1e-320`` stays.

    >>> matrix_cells("0.123456789 1e-320\\n1/3\\t-2.50")
    [['0.123456789', '1e-320'], ['1/3', '-2.50']]
    >>> matrix_cells("[[3, 4], [1, 0]]")
    [['3', '4'], ['1', '0']]
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, got {type(text).__name__}")
    body = text.strip()
    if body.startswith("["):  # a pasted nested list: one row per inner [...]
        body = re.sub(r"\]\s*,?\s*\[", "\n", body).replace("[", "").replace("]", "")
    lines = [line for line in re.split(r"\r?\n" if "\n" in body else ";", body) if line.strip()]
    if not lines:
        raise ValueError(f"the {name} is empty: type rows of numbers, one row per line")
    for i, line in enumerate(lines, 1):
        # "1,5 2,5": commas inside numbers and spaces between them are decimal commas,
        # not four cells (commas alone, "1,2,3", stay separators: a link's rows).
        words = line.split()
        decimal = next((w for w in words if _DECIMAL_COMMA.fullmatch(w)), None)
        if len(words) > 1 and decimal is not None:
            raise ValueError(f"{name} row {i}: {decimal!r} looks like a number with a decimal "
                             "comma; write it with a decimal point (1.5), and separate cells "
                             "by spaces, commas or tabs")
    return [[cell for cell in re.split(r"[\s,;]+", line.strip()) if cell] for line in lines]


_DECIMAL_COMMA = re.compile(r"[-+\u2212]?\d+,\d+")


def parse_matrix(text: str, *, name: str = "matrix", max_side: int = 64) -> np.ndarray:
    """A matrix typed or pasted as text, as a float64 array.

    Rows are lines (or, in one line, separated by ``;``, as in a link); cells
    are separated by spaces, commas or tabs, so a block copied from a
    spreadsheet or a lecture's ``[[3, 4, 5], [1, 0, 2], [-1, 9, 7]]`` both
    work. Cells are numbers or fractions (:func:`parse_number`).

    Raises
    ------
    ValueError
        Naming the row and column of a bad cell, a row of another length, an
        empty text, or a side longer than ``max_side``.

    Examples
    --------
    >>> parse_matrix("1 2 3\\n4 5 6").tolist()
    [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    >>> parse_matrix("[[3, 4, 5], [1, 0, 2], [-1, 9, 7]]")[2].tolist()
    [-1.0, 9.0, 7.0]
    >>> parse_matrix("1\\t-2.5\\n1/2\\t0").tolist()
    [[1.0, -2.5], [0.5, 0.0]]
    >>> parse_matrix("1,2;3,x")
    Traceback (most recent call last):
    ...
    ValueError: matrix cell (row 2, column 2) is not a number: 'x'
    >>> parse_matrix("1 2\\n3")
    Traceback (most recent call last):
    ...
    ValueError: matrix row 2 has 1 cell but row 1 has 2
    """
    rows = matrix_cells(text, name=name)
    if len(rows) > max_side or max(len(r) for r in rows) > max_side:
        raise ValueError(f"the {name} may be at most {max_side} × {max_side}, got "
                         f"{counted(len(rows), 'row')} of up to {max(len(r) for r in rows)}")
    return number_table(rows, name=name)
