r"""The output-size formula written out: as LaTeX, and in the lectures' words.

:class:`cnnviz.core.layers.SizeFormula` holds the numbers of
``n^[l] = ⌊(n^[l-1] + 2p − f) / s⌋ + 1`` along one axis; this module is the
one place that writes them as text, for every page that shows the formula
(the playground's shape line, the shapes calculator and stack, the quiz's
worked answers, the transposed page, an uploaded network's captions).

>>> from cnnviz.core.layers import size_formula
>>> sf = size_formula(10, 3, stride=2, axis="W")
>>> print(size_latex(sf))
n_W^{[l]} = \left\lfloor \frac{10 + 2\cdot 0 - 3}{2} \right\rfloor + 1 = 4
>>> size_words(sf)
'(10 + 2·0 − 3)/2 + 1 = 4.5: a fraction, so round down to the lower integer: n_W = 4'
"""

from __future__ import annotations

from cnnviz.core.layers import SizeFormula
from cnnviz.core.text import format_number

__all__ = ["size_latex", "size_words"]


def size_latex(sf: SizeFormula) -> str:
    r"""The size formula filled in, as LaTeX, for ``st.latex``.

    Equal pads are written ``2·p``, unequal ones ``(p_before + p_after)``; a
    dilated filter is written as its span ``d·(f − 1) + 1``.

    Parameters
    ----------
    sf : SizeFormula
        From :func:`cnnviz.core.layers.size_formula` or
        :func:`cnnviz.core.layers.propagate`.

    Returns
    -------
    str
        ``n_{axis}^{[l]} = ⌊…/s⌋ + 1 = n_out`` in LaTeX.

    Examples
    --------
    >>> from cnnviz.core.layers import size_formula
    >>> print(size_latex(size_formula(32, 5)))
    n_H^{[l]} = \left\lfloor \frac{32 + 2\cdot 0 - 5}{1} \right\rfloor + 1 = 28
    >>> print(size_latex(size_formula(8, 3, pad=(0, 1), stride=2)))
    n_H^{[l]} = \left\lfloor \frac{8 + (0 + 1) - 3}{2} \right\rfloor + 1 = 4
    >>> print(size_latex(size_formula(9, 3, dilation=2)))
    n_H^{[l]} = \left\lfloor \frac{9 + 2\cdot 0 - (2\cdot(3 - 1) + 1)}{1} \right\rfloor + 1 = 5
    """
    (before, after), f, d = sf.pad, sf.f, sf.dilation
    pad_tex = rf"2\cdot {before}" if before == after else f"({before} + {after})"
    f_tex = f"{f}" if d == 1 else rf"({d}\cdot({f} - 1) + 1)"
    return (
        rf"n_{sf.axis}^{{[l]}} = \left\lfloor \frac{{{sf.n_in} + {pad_tex} - {f_tex}}}"
        rf"{{{sf.stride}}} \right\rfloor + 1 = {sf.n_out}"
    )


def size_words(sf: SizeFormula) -> str:
    """The size formula the lectures' way: divide first, then round a fraction down.

    The lectures write ``(10 − 3)/2 + 1 = 4.5`` and then "for fractions pick
    the lower integer", so 4; a dilated filter is written as its span.

    Parameters
    ----------
    sf : SizeFormula
        From :func:`cnnviz.core.layers.size_formula` or
        :func:`cnnviz.core.layers.propagate`.

    Returns
    -------
    str
        Plain text (``·`` and ``−``, no LaTeX).

    Examples
    --------
    >>> from cnnviz.core.layers import size_formula
    >>> size_words(size_formula(32, 5))
    '(32 + 2·0 − 5)/1 + 1 = 28'
    >>> size_words(size_formula(7, 4, pad=(1, 2)))
    '(7 + (1 + 2) − 4)/1 + 1 = 7'
    >>> size_words(size_formula(9, 3, stride=2, dilation=2))
    '(9 + 2·0 − 5)/2 + 1 = 3'
    """
    before, after = sf.pad
    pad_txt = f"2·{before}" if before == after else f"({before} + {after})"
    f_txt = f"{sf.f}" if sf.dilation == 1 else f"{sf.span}"
    words = f"({sf.n_in} + {pad_txt} − {f_txt})/{sf.stride} + 1 = {format_number(sf.quotient, 4)}"
    if not sf.exact:
        words += f": a fraction, so round down to the lower integer: n_{sf.axis} = {sf.n_out}"
    return words
