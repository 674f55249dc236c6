"""How numbers are written in the app: short, exact when whole, never "-0"."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

__all__ = [
    "NUMBERS_MAX_SIDE",
    "addends",
    "applied",
    "counted",
    "exact_digits",
    "factor",
    "format_fraction",
    "format_number",
    "format_table",
    "common_denominator",
    "product_terms",
    "sum_equation",
]

# Up to this side, a grid shows its numbers (16×16 is still readable projected).
NUMBERS_MAX_SIDE = 16


def exact_digits(values: object, *, usual: int = 2, most: int = 3) -> int:
    """Decimals to print a grid with: ``most`` when that writes every value exactly and
    ``usual`` would not (a lecture's 0.876 stays 0.876), else ``usual``.

    >>> exact_digits([[0.001, 0.876]]), exact_digits([[1, 25]]), exact_digits([[0.4987]])
    (3, 2, 2)
    """
    arr = np.asarray(values, dtype=np.float64)
    finite = arr[np.isfinite(arr)]
    if finite.size == 0 or np.array_equal(np.round(finite, usual), finite):
        return usual
    return most if np.array_equal(np.round(finite, most), finite) else usual


def counted(n: int, noun: str) -> str:
    """``n`` and a noun that takes an ``s`` beyond one: messages never say "1 cells".

    >>> counted(1, "cell"), counted(2, "row"), counted(0, "row")
    ('1 cell', '2 rows', '0 rows')
    """
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def format_number(value: float, digits: int = 3) -> str:
    """Short text for a number: integers without decimals, others rounded.

    >>> format_number(2.0), format_number(-0.333333), format_number(1e-17)
    ('2', '-0.333', '0')

    NaN and infinities are written as the animation payload writes them, and
    numbers from 1e15 on in short scientific notation (not 309 digits for 1e308):

    >>> format_number(float("inf")), format_number(-float("inf")), format_number(float("nan"))
    ('∞', '-∞', 'NaN')
    >>> format_number(1e308), format_number(-1.7976931348623157e308), format_number(2e15, 0)
    ('1e+308', '-1.798e+308', '2e+15')
    >>> format_number(999999999999999.9, 0), format_number(-999999999999999.9, 0)
    ('1e+15', '-1e+15')

    Never more digits than the float holds (its shortest text, as JavaScript's
    ``String`` writes it):

    >>> format_number(619615600136.503, 4), format_number(-0.1 - 0.2, 4)
    ('619615600136.503', '-0.3')
    """
    v = float(value)
    if not math.isfinite(v):
        # int(inf) would raise OverflowError below.
        return "NaN" if math.isnan(v) else ("∞" if v > 0 else "-∞")
    if abs(v) >= 1e15:
        return f"{v:.{digits + 1}g}"
    rounded = round(v, digits)
    if rounded == 0:
        return "0"  # never "-0"
    if abs(rounded) >= 1e15:
        # 999999999999999.9 rounds up to 1e15: written as 1e15 is, not as "1"
        # (its fixed text "1000000000000000" would lose its zeros to the strip below).
        return f"{rounded:.{digits + 1}g}"
    if rounded == int(rounded) and abs(rounded) < 1e15:
        return str(int(rounded))
    # Beyond about 5e11 a float cannot hold 4 decimals (its spacing is over 1e-4):
    # the fixed text would print noise digits (619615600136.5031 for ...136.503).
    # Python's repr, like JavaScript's String, prints the shortest text that reads
    # back as the same float, so the animation's numbers match this text.
    shortest = repr(rounded)
    if "e" not in shortest and len(shortest.partition(".")[2]) <= digits:
        return shortest
    return f"{rounded:.{digits}f}".rstrip("0").rstrip(".")


def factor(text: str) -> str:
    """A number's text as a factor or a term after "+": a negative one in parentheses.

    Equations then read ``0·(−1) + 2·3 + (−4)``, never ``0·-1 + … + -4``; the
    minus becomes a true minus sign.

    >>> factor("-4"), factor("2.5"), factor("0")
    ('(−4)', '2.5', '0')
    >>> f"{factor('0')}·{factor('-1')}"
    '0·(−1)'
    """
    return f"(−{text[1:]})" if text.startswith("-") else text


def addends(texts: Sequence[str]) -> list[str]:
    """Numbers' texts as the terms of a sum, as the lectures add them: the first with a true
    minus, each later negative one in parentheses (:func:`factor`). A term that is already
    written (a product ``a·w``, "bias 1", "…") is left as it is.

    >>> " + ".join(addends(["-448", "-91", "472"]))
    '−448 + (−91) + 472'
    >>> addends(["2·(−1)", "-3", "…", "-0.5"])
    ['2·(−1)', '(−3)', '…', '(−0.5)']
    """
    return [(f"−{t[1:]}" if t.startswith("-") else t) if i == 0 else factor(t)
            for i, t in enumerate(texts)]


def product_terms(values: Sequence[str], weights: Sequence[str]) -> list[str]:
    """The products of a window as the lectures write them, ``a·w``, from the numbers' texts.

    >>> product_terms(["2", "-1"], ["3", "0.5"])
    ['2·3', '(−1)·0.5']
    """
    return [f"{factor(a)}·{factor(w)}" for a, w in zip(values, weights, strict=True)]


def sum_equation(terms: Sequence[str], result: str, *, bias: str | None = None) -> str:
    """The one way a sum is written: ``t + t + … + b = result`` (``0`` for no terms).

    Terms and ``bias`` may be numbers' texts: they are written as :func:`addends`
    (a later negative one in parentheses).

    >>> sum_equation(["2·3", "(−1)·0.5"], "5.5", bias="0")
    '2·3 + (−1)·0.5 + 0 = 5.5'
    >>> sum_equation(["-448", "-91", "472"], "-67", bias="0")
    '−448 + (−91) + 472 + 0 = -67'
    >>> sum_equation([], "0")
    '0 = 0'
    """
    parts = addends([*terms, *([] if bias is None else [bias])])
    return f"{' + '.join(parts) or '0'} = {result}"


def applied(name: str, argument: str, result: str) -> str:
    """A function applied to a value, written out: ``ReLU(-1.5) = 0``.

    >>> applied("ReLU", "-1.5", "0")
    'ReLU(-1.5) = 0'
    """
    return f"{name}({argument}) = {result}"


def format_fraction(value: float, max_denominator: int = 1000) -> str:
    """Exact fractions as "n/d" (kernels like 1/9 read better so), else :func:`format_number`.

    >>> format_fraction(1 / 9), format_fraction(7 / 273), format_fraction(0.5), format_fraction(2.0)
    ('1/9', '1/39', '1/2', '2')
    >>> format_fraction(0.1234567)
    '0.123457'
    """
    v = float(value)
    if not math.isfinite(v):
        return format_number(v)  # Fraction(inf) raises OverflowError
    frac = Fraction(v).limit_denominator(max_denominator)
    if frac.denominator > 1 and abs(float(frac) - v) <= 1e-12 * max(1.0, abs(v)):
        return f"{frac.numerator}/{frac.denominator}"
    return format_number(v, 6)


def common_denominator(values: np.ndarray) -> int | None:
    """D when every value is n/D exactly and the numerators add up to D (a kernel "/ D").

    That is how the lectures write a normalised kernel: the 5×5 Gaussian is
    the integers 1 … 41 "/ 273", so its 7/273 stays 7/273 rather than 1/39.

    >>> common_denominator(np.full((5, 5), 1 / 25)), common_denominator(np.eye(3))
    (25, None)
    """
    fracs = []
    for v in values.ravel():
        if not math.isfinite(v):
            return None
        frac = Fraction(float(v)).limit_denominator(1000)
        if abs(float(frac) - v) > 1e-12 * max(1.0, abs(v)):
            return None
        fracs.append(frac)
    d = math.lcm(*(f.denominator for f in fracs)) if fracs else 1
    if d == 1 or d > 10_000 or sum(f.numerator * (d // f.denominator) for f in fracs) != d:
        return None
    return d


def format_table(values: np.ndarray) -> list[list[str]]:
    """A 2-D array as rows of cell texts, with exact fractions kept exact.

    A kernel normalised by a denominator keeps that denominator in every
    cell, as the lectures write it; other fractions are in lowest terms.

    >>> format_table(np.array([[1, 0.5], [-1 / 3, 0]]))
    [['1', '1/2'], ['-1/3', '0']]
    >>> format_table(np.array([[1, 4, 7, 4, 1], [4, 16, 26, 16, 4], [7, 26, 41, 26, 7],
    ...                        [4, 16, 26, 16, 4], [1, 4, 7, 4, 1]]) / 273)[2]
    ['7/273', '26/273', '41/273', '26/273', '7/273']
    >>> format_table(np.full((3, 3), 1 / 9))[0]
    ['1/9', '1/9', '1/9']
    """
    arr = np.asarray(values, dtype=np.float64)
    d = common_denominator(arr)
    if d is None:
        return [[format_fraction(v) for v in row] for row in arr]
    return [["0" if v == 0 else f"{round(v * d)}/{d}" for v in row] for row in arr]
