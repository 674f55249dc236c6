"""Practice: seeded questions to predict, checked with the worked arithmetic.

The view model of the Practice page. Every question is made from three
numbers, ``(kind, seed, level)``, by :func:`make_question`: the same three
give the same question on every machine, so a link that carries them gives a
whole class the same question. :func:`check` reads what the learner typed
(flexibly: ``"4x4"``, ``"4 × 4"``, ``"(4, 4)"`` and ``"4,4"`` are one shape)
and returns a :class:`Verdict`: right, wrong, or unreadable (a message, never
a wrong mark, for text that is not an answer at all). Right or wrong, the
verdict carries the worked arithmetic in the lectures' words: the size formula
with the numbers (:func:`cnnviz.core.layers.size_formula`, written out by
:func:`cnnviz.lessons.formulas.size_words`), the parameter
count, or the products and the sum of one window
(:class:`cnnviz.core.trace.ConvTrace`).

The difficulty (``level`` 1 to :data:`MAX_LEVEL`) grows with the score
(:func:`level_for`).

>>> q = make_question("shape", seed=7, level=1)
>>> q.kind, q.level
('shape', 1)
>>> check(q, q.answer_text).status
'right'
>>> check(q, "four").status
'unreadable'
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType

import numpy as np

from cnnviz.core._checks import effective_size
from cnnviz.core.conv import ConvSettings, conv2d
from cnnviz.core.kernels import KERNELS
from cnnviz.core.layers import conv_params, size_formula
from cnnviz.core.text import addends, factor, format_number
from cnnviz.core.trace import ConvTrace
from cnnviz.data import samples
from cnnviz.lessons.formulas import size_words

__all__ = ["KINDS", "MAX_LEVEL", "MAX_SEED", "Question", "Verdict", "check", "close_enough",
           "kind_for", "level_for", "make_question", "parse_count", "parse_number", "parse_shape"]

#: The kinds of question, as the page and the link name them.
KINDS = MappingProxyType({
    "shape": "Output shape",
    "parameters": "Parameter count",
    "kernel": "Which kernel?",
    "value": "One output value",
})
#: In the link, "mixed" draws the kind from the seed.
MIXED = "mixed"
MAX_LEVEL = 4
MAX_SEED = 999_999
#: Right answers per step of difficulty.
RIGHT_PER_LEVEL = 3


def level_for(right: int) -> int:
    """The difficulty after ``right`` right answers: one level more every 3, up to 4.

    >>> [level_for(n) for n in (0, 2, 3, 6, 9, 50)]
    [1, 1, 2, 3, 4, 4]
    """
    return min(MAX_LEVEL, 1 + max(0, int(right)) // RIGHT_PER_LEVEL)


def kind_for(kind: str, seed: int) -> str:
    """The kind a question of ``kind`` has: itself, or for "mixed" one drawn from the seed.

    >>> kind_for("shape", 3), kind_for("mixed", 3) in KINDS
    ('shape', True)
    """
    if kind == MIXED:
        return list(KINDS)[random.Random(f"kind-{seed}").randrange(len(KINDS))]
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {[MIXED, *KINDS]}, got {kind!r}")
    return kind


@dataclass(frozen=True)
class Question:
    """One question and everything needed to show it and to explain its answer.

    Attributes
    ----------
    kind, seed, level : what made it (:func:`make_question`).
    prompt : str
        The question, as Markdown (numbers and words only: no HTML).
    answer : tuple, int, str or float
        The shape (n_H, n_W), the parameter count, the preset kernel's name,
        or the output value.
    answer_text : str
        The answer as the page writes it ("4 × 4", "280", "sobel_x", "14").
    worked : tuple of str
        The worked arithmetic, one line each (Markdown).
    hint : str
        How to type the answer.
    image, kernel, output : numpy.ndarray or None
        What the page draws: the input, the kernel, the feature map.
    choices : tuple of str
        The four preset names of a "kernel" question, in display order.
    cell : (int, int) or None
        The output cell a "value" question asks for.
    window : (int, int) or None
        Where that cell's window starts on the input (negative on padding).
    window_span : int
        The window's side on the input, d(f − 1) + 1.
    settings : ConvSettings or None
        The convolution of a "value" or "kernel" question.
    """

    kind: str
    seed: int
    level: int
    prompt: str
    answer: object
    answer_text: str
    worked: tuple[str, ...]
    hint: str = ""
    image: np.ndarray | None = field(default=None, compare=False, repr=False)
    kernel: np.ndarray | None = field(default=None, compare=False, repr=False)
    output: np.ndarray | None = field(default=None, compare=False, repr=False)
    choices: tuple[str, ...] = ()
    cell: tuple[int, int] | None = None
    settings: ConvSettings | None = None
    window: tuple[int, int] | None = None
    window_span: int = 0


@dataclass(frozen=True)
class Verdict:
    """What :func:`check` says: ``status`` is "right", "wrong" or "unreadable"."""

    status: str
    message: str
    worked: tuple[str, ...] = ()

    @property
    def scored(self) -> bool:
        """Whether the answer was read at all (right or wrong, not unreadable)."""
        return self.status != "unreadable"


# --- reading answers ---------------------------------------------------------------------------

_MINUS = MappingProxyType(str.maketrans({"−": "-", "–": "-", "\u2009": "", "\u202f": "", "_": ""}))
# re.ASCII: \d is 0-9 only. Unicode \d (and str.isdigit) take "４", "٤" and "²", which
# float() reads or int() refuses with Python's own text.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
#: The most digits a typed whole number may have: a parameter count has at most ten or so,
#: and Python itself refuses to print an int of 4,300 digits or more.
MAX_COUNT_DIGITS = 60


def _only_plain_digits(raw: str, example: str) -> None:
    """Refuse text holding a digit other than 0-9 ("４", "٤", "²"), naming it."""
    for ch in raw:
        if (ch.isdigit() or ch.isnumeric()) and ch not in "0123456789":
            raise ValueError(f"{raw.strip()[:30]!r}: “{ch}” is not one of the digits 0 to 9; "
                             f"type plain digits, e.g. {example}")


def _plain_number(raw: str, example: str = "14 or -2.5") -> str:
    """The typed text with true minus signs, spaces and thousands separators taken out."""
    _only_plain_digits(raw, example)
    t = raw.strip().translate(_MINUS).replace(" ", "")
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", t, re.ASCII):
        t = t.replace(",", "")
    return t


def parse_number(text: str) -> float:
    """A number the learner typed: "14", "-3", "−3" (a true minus), "2.5", "3,073,000", "1/2".

    Commas between groups of three digits are thousands separators.

    Raises
    ------
    ValueError
        Saying what was typed, when it is not a number.

    Examples
    --------
    >>> parse_number(" 14 "), parse_number("−3"), parse_number("3,073,000"), parse_number("1/4")
    (14.0, -3.0, 3073000.0, 0.25)
    >>> parse_number("fourteen")
    Traceback (most recent call last):
    ...
    ValueError: 'fourteen' is not a number: type digits, e.g. 14 or -2.5
    """
    raw = str(text)
    t = _plain_number(raw)
    parts = t.split("/")
    if len(parts) == 2 and all(_NUMBER.fullmatch(p) for p in parts) and float(parts[1]) != 0:
        return float(parts[0]) / float(parts[1])
    if _NUMBER.fullmatch(t):
        value = float(t)
        if math.isfinite(value):
            return value
    shown = raw.strip()[:30] or "nothing"
    raise ValueError(f"{shown!r} is not a number: type digits, e.g. 14 or -2.5")


def parse_count(text: str) -> int:
    """A whole number the learner typed, read exactly: "280", "3,073,000", "−2.8e2", "1e30".

    Not through ``float``: "999999999999999999999999999999" stays that number.

    Raises
    ------
    ValueError
        Saying what was typed, when it is not a whole number or has more than
        :data:`MAX_COUNT_DIGITS` digits.

    Examples
    --------
    >>> parse_count("3,073,000"), parse_count("2.8e2"), parse_count("999999999999999999999")
    (3073000, 280, 999999999999999999999)
    >>> parse_count("280.5")
    Traceback (most recent call last):
    ...
    ValueError: '280.5' is not a whole number: parameters are counted, e.g. 280
    """
    raw = str(text)
    shown = raw.strip()[:30] or "nothing"
    t = _plain_number(raw, "280")
    match = _NUMBER.fullmatch(t)
    if match is None:
        if "/" in t:  # a fraction such as 560/2: read as any number is, then checked whole
            value = parse_number(raw)
            if value.is_integer() and abs(value) < 2**53:
                return int(value)
            raise ValueError(f"{shown!r} is not a whole number: parameters are counted, "
                             "e.g. 280")
        raise ValueError(f"{shown!r} is not a number: type digits, e.g. 280")
    exponent = int(match.group(3)[1:]) if match.group(3) else 0
    digits = len(match.group(1).replace(".", "").lstrip("0"))
    # Checked before Fraction builds 10**exponent: "1e999999999" would take minutes.
    if digits + exponent > MAX_COUNT_DIGITS or exponent < -MAX_COUNT_DIGITS:
        raise ValueError(f"{shown!r} has more than {MAX_COUNT_DIGITS} digits: type the count, "
                         "e.g. 280")
    value = Fraction(t)
    if value.denominator != 1:
        raise ValueError(f"{shown!r} is not a whole number: parameters are counted, e.g. 280")
    return value.numerator


def parse_shape(text: str) -> tuple[int, ...]:
    """A shape the learner typed: "4x4", "4 × 4", "(4, 4)", "4,4", "4 by 4", "[4 4]".

    Raises
    ------
    ValueError
        Saying how to type a shape, when the text has anything but whole numbers.

    Examples
    --------
    >>> [parse_shape(t) for t in ("4x4", "4 × 4", "(4, 4)", "4,4", "3 by 5", "[2 2]", "7")]
    [(4, 4), (4, 4), (4, 4), (4, 4), (3, 5), (2, 2), (7,)]
    >>> parse_shape("4.5 x 4")
    Traceback (most recent call last):
    ...
    ValueError: '4.5 x 4' is not a shape: type whole numbers of rows and columns, e.g. 4 × 4
    """
    raw = str(text)
    _only_plain_digits(raw, "4 × 4")
    t = raw.strip().lower().strip("()[]{} ")
    pieces = [p for p in re.split(r"\s*(?:×|x|\*|,|;|by)\s*|\s+", t) if p]
    if pieces and len(pieces) <= 3 and all(re.fullmatch(r"[0-9]+", p) for p in pieces):
        return tuple(int(p) for p in pieces)
    shown = raw.strip()[:30] or "nothing"
    raise ValueError(f"{shown!r} is not a shape: type whole numbers of rows and columns, "
                     "e.g. 4 × 4")


def close_enough(guess: float, value: float) -> bool:
    """Whether a typed value is the answer, up to the rounding a learner does by hand.

    Two decimals are enough: 3.14 is right for 3.1416, and so is anything
    within 0.05 % of a large value.

    >>> close_enough(3.14, 3.1416), close_enough(3.1, 3.1416), close_enough(14, 14.0)
    (True, False, True)
    """
    return abs(guess - value) <= max(0.005, 5e-4 * abs(value))


# --- making questions --------------------------------------------------------------------------


def make_question(kind: str, seed: int, level: int = 1) -> Question:
    """The question of ``kind`` ("mixed" allowed) number ``seed`` at difficulty ``level``.

    Pure and deterministic: the same arguments give the same question.

    Raises
    ------
    ValueError
        For an unknown kind, a seed outside 0..999999 or a level outside 1..4.

    >>> make_question("parameters", 1, 1) == make_question("parameters", 1, 1)
    True
    """
    seed = int(seed)
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be in 0..{MAX_SEED}, got {seed}")
    level = int(level)
    if not 1 <= level <= MAX_LEVEL:
        raise ValueError(f"level must be in 1..{MAX_LEVEL}, got {level}")
    kind = kind_for(kind, seed)
    rng = random.Random(f"{kind}-{seed}-{level}")
    return _MAKERS[kind](rng, seed, level)


def _shape(rng: random.Random, seed: int, level: int) -> Question:
    square = level < 3
    while True:
        f = rng.choice((1, 3, 5) if level == 1 else (2, 3, 5, 7))
        d = 1 if level < 4 else rng.choice((1, 2, 3))
        s = 1 if level == 1 else rng.choice((1, 2, 2, 3) if level == 2 else (2, 3, 4, 5))
        span = effective_size(f, d)
        if level == 1:
            p = rng.choice((0, (f - 1) // 2))
        else:
            p = rng.randrange(0, 3)
        n_h = rng.randrange(max(span, 5), 33)
        n_w = n_h if square else rng.randrange(max(span, 5), 33)
        if level >= 2 and s > 1 and rng.random() < 0.6:
            # The lectures practise the floor: make the division leave a remainder.
            n_h += (1 if (n_h + 2 * p - span) % s == 0 else 0)
            n_w = n_h if square else n_w + (1 if (n_w + 2 * p - span) % s == 0 else 0)
        if n_h + 2 * p >= span and n_w + 2 * p >= span:
            break
    forms = [size_formula(n, f, pad=(p, p), stride=s, dilation=d, axis=axis)
             for n, axis in ((n_h, "H"), (n_w, "W"))]
    answer = (forms[0].n_out, forms[1].n_out)
    dil = f", dilation d = {d}" if d > 1 else ""
    prompt = (f"An input $a^{{[l-1]}}$ of **{n_h} × {n_w}** goes through a convolution with "
              f"filter size **f = {f}**, padding **p = {p}**, stride **s = {s}**{dil}. "
              "What is the output's shape $n_H^{[l]} \\times n_W^{[l]}$?")
    worked = ["$n^{[l]} = \\lfloor (n^{[l-1]} + 2p - f) / s \\rfloor + 1$, per axis:"]
    if d > 1:
        worked.append(f"With dilation the filter spans d(f − 1) + 1 = {d}·({f} − 1) + 1 = "
                      f"{span} cells, so {span} stands for f.")
    seen = set()
    for sf in forms:
        if square and sf.n_in in seen:
            continue
        seen.add(sf.n_in)
        line = f"n_{sf.axis}: {size_words(sf)}" if not square else size_words(sf)
        worked.append(line if line.endswith(str(sf.n_out)) else f"{line}, so {sf.n_out}")
    worked.append(f"Output shape: **{answer[0]} × {answer[1]}**.")
    return Question("shape", seed, level, prompt, answer, f"{answer[0]} × {answer[1]}",
                    tuple(worked), hint="Rows × columns, e.g. 4 × 4 (or 4x4, (4, 4), 4,4).")


def _parameters(rng: random.Random, seed: int, level: int) -> Question:
    f = rng.choice({1: (3, 5), 2: (1, 3, 5), 3: (1, 3, 5, 7), 4: (1, 3, 5, 7, 11)}[level])
    n_prev = rng.choice({1: (1, 3), 2: (1, 3, 8, 16), 3: (3, 16, 32, 64),
                         4: (32, 64, 96, 128, 256)}[level])
    n_c = rng.choice({1: (1, 2, 3, 4, 6, 8, 10), 2: (4, 8, 10, 16, 32),
                      3: (16, 32, 64, 96), 4: (64, 128, 192, 256, 384)}[level])
    bias = level < 2 or rng.random() < 0.6
    n = rng.choice((28, 32, 64, 100, 200, 224))
    count = conv_params(f, n_prev, n_c, bias=bias)
    what = ("learnable parameters (weights and biases)" if bias
            else "weights (not counting the biases)")
    prompt = (f"A convolution layer has **{n_c} filters** of size **{f} × {f}** on an input "
              f"volume of **{n} × {n} × {n_prev}**. How many {what} does it have?")
    if bias:
        worked = [f"(f·f·n_c^[l−1] + 1)·n_c^[l] = ({f}·{f}·{n_prev} + 1)·{n_c} = "
                  f"{f * f * n_prev + 1}·{n_c} = **{count:,}**",
                  f"Each filter is {f} × {f} × {n_prev} = {f * f * n_prev} weights plus one "
                  "bias; there is one filter per output channel."]
    else:
        worked = [f"f·f·n_c^[l−1]·n_c^[l] = {f}·{f}·{n_prev}·{n_c} = **{count:,}** weights",
                  f"Each filter is {f} × {f} × {n_prev} = {f * f * n_prev} weights; the "
                  f"{n_c} biases are left out here."]
    worked.append(f"The input's {n} × {n} does not enter: a filter's weights are shared by "
                  "every position it slides to.")
    return Question("parameters", seed, level, prompt, count, f"{count:,}", tuple(worked),
                    hint="A whole number, e.g. 280 (3,073,000 with commas is fine).")


# Families that look different on a diverging map, easiest first; the sign
# twins (the same edges with the opposite sign) come in from level 3.
_FAMILIES = (
    ("box_blur_5", "gaussian_5"),
    ("sharpen",),
    ("sobel_x", "vertical_edge", "prewitt_x"),
    ("sobel_y", "prewitt_y"),
    ("laplacian_8",),
    ("emboss",),
)
_TWINS = MappingProxyType({
    "sobel_y": "horizontal_edge", "prewitt_y": "horizontal_edge",
    "laplacian_8": "laplacian_4",
})
_SHAPES = ("square", "circle", "cross")


def _kernel(rng: random.Random, seed: int, level: int) -> Question:
    families = list(_FAMILIES)
    rng.shuffle(families)
    answer = rng.choice(families[0])
    others = [rng.choice(fam) for fam in families[1:]]
    twin = _TWINS.get(answer)
    if level >= 3 and twin is not None:
        others = [twin, *others]  # the same edges, the other sign: read the colours
    choices = [answer, *others[:3]]
    rng.shuffle(choices)
    if level == 1:
        name = rng.choice(_SHAPES)
        image = samples.pattern(name, 40)
        where = f"the {name} pattern, 40 × 40"
    else:
        name = rng.choice(list(samples.PHOTOS))
        image = samples.load_photo(name, mode="grey", max_side=48 if level < 4 else 64)
        title = samples.PHOTOS[name].title.split(" (")[0]
        where = f"the photo “{title}” at {image.shape[0]} × {image.shape[1]}"
    kernel = KERNELS[answer].values
    settings = ConvSettings(padding="same")
    output = conv2d(image, kernel, **settings.conv_kwargs)
    prompt = (f"This feature map $z = a \\star k$ was made from {where}, with one of the four "
              "kernels below (padding same, stride 1, no flip). Which one?")
    worked = [f"It was **{KERNELS[answer].title}**: {KERNELS[answer].meaning}",
              "Read the map's colours: red is positive, blue negative; a blur keeps the "
              "picture, an edge filter keeps only where the brightness changes, and the "
              "direction and sign of the stripes tell which edges."]
    return Question("kernel", seed, level, prompt, answer, KERNELS[answer].title, tuple(worked),
                    hint="Pick one of the four kernels.", image=image, kernel=kernel,
                    output=output, choices=tuple(choices), settings=settings)


def _value(rng: random.Random, seed: int, level: int) -> Question:
    n = (4, 5, 6, 7)[level - 1]
    top = (3, 5, 9, 9)[level - 1]
    f = 2 if level == 1 and rng.random() < 0.5 else 3
    image = np.array([[rng.randint(0, top) for _ in range(n)] for _ in range(n)], dtype=float)
    w = 1 if level == 1 else 2
    kernel = np.array([[rng.randint(-w, w) for _ in range(f)] for _ in range(f)], dtype=float)
    bias = 0.0 if level == 1 else float(rng.randint(-3, 3))
    padding = 0 if level < 3 else rng.choice((0, 1))
    stride = 1 if level < 3 else rng.choice((1, 2))
    dilation = 1 if level < 4 else rng.choice((1, 2))
    if n + 2 * padding < dilation * (f - 1) + 1:
        dilation = 1
    settings = ConvSettings(stride=stride, padding=padding, dilation=dilation, bias=bias)
    trace = ConvTrace(image, kernel, settings=settings)
    cell = (rng.randrange(trace.out_shape[0]), rng.randrange(trace.out_shape[1]))
    step = trace.at(*cell)
    value = step.total
    extras = []
    if padding:
        extras.append(f"zero padding p = {padding}")
    if stride > 1:
        extras.append(f"stride s = {stride}")
    if dilation > 1:
        extras.append(f"dilation d = {dilation}")
    if bias:
        extras.append(f"bias b = {format_number(bias)}")
    settings_text = ", ".join(extras) if extras else "no padding, stride 1, no bias"
    prompt = (f"Slide the {f} × {f} kernel $k$ over the {n} × {n} input $a$ "
              f"(cross-correlation: the kernel is not flipped; {settings_text}). "
              f"The output is {trace.out_shape[0]} × {trace.out_shape[1]}, rows and columns "
              f"counted from 0. What is output cell **({cell[0]}, {cell[1]})**?")
    (r, c), (r0, c0) = cell, (int(step.in_rows[0]), int(step.in_cols[0]))
    span = effective_size(f, dilation)
    window = (f"The window of output ({r}, {c}) starts at input row r·s − p = {r}·{stride} − "
              f"{padding} = {r0} and column c·s − p = {c}·{stride} − {padding} = {c0}, and "
              f"spans {span} × {span}: rows {r0} to {r0 + span - 1}, columns {c0} to "
              f"{c0 + span - 1}"
              + (" (a row or column outside 0 … n − 1 is padding: zeros)"
                 if bool(step.on_padding.any()) else "")
              + (f", taking every {dilation}nd row and column" if dilation == 2 else "") + ".")
    products = " + ".join(addends([format_number(v) for v in step.products[:, :, 0].ravel()]))
    worked = [window,
              f"Input value · weight, row by row, plus the bias: {step.equation()}",
              f"That is {products}"
              + (f" + {factor(format_number(bias))}" if bias else "")
              + f" = **{format_number(value)}**."]
    return Question("value", seed, level, prompt, value, format_number(value), tuple(worked),
                    hint="A number, e.g. 14 or -3.", image=image, kernel=kernel,
                    output=trace.output, cell=cell, settings=settings, window=(r0, c0),
                    window_span=span)


_MAKERS = MappingProxyType({"shape": _shape, "parameters": _parameters, "kernel": _kernel,
                            "value": _value})


# --- checking ----------------------------------------------------------------------------------


def check(question: Question, text: str) -> Verdict:
    """Mark what the learner typed (or, for a "kernel" question, the preset name picked).

    Returns "unreadable" with a message saying how to type the answer when the
    text is not an answer (empty, words, a fraction for a shape): no mark.
    Otherwise "right" or "wrong", with the worked arithmetic.

    >>> q = make_question("value", seed=3, level=1)
    >>> check(q, q.answer_text).status, check(q, str(q.answer + 1)).status
    ('right', 'wrong')
    """
    text = "" if text is None else str(text)
    if not text.strip():
        return Verdict("unreadable", f"Type an answer first. {question.hint}")
    try:
        if question.kind == "shape":
            got = parse_shape(text)
            if len(got) == 1:  # not read as n × n: the learner may mean rows only, or the count
                raise ValueError(f"{text.strip()[:30]!r} is one number: type both sides, rows × "
                                 f"columns, e.g. {got[0]} × {got[0]} if the map is square")
            if len(got) != 2:
                raise ValueError(f"{text.strip()[:30]!r} has {len(got)} numbers: a feature "
                                 "map's shape is rows × columns, e.g. 4 × 4")
            right = got == question.answer
            said = f"{got[0]} × {got[1]}"
        elif question.kind == "parameters":
            count = parse_count(text)
            right = count == question.answer
            said = f"{count:,}"
        elif question.kind == "kernel":
            if text not in question.choices:
                raise ValueError("pick one of the four kernels")
            right = text == question.answer
            said = KERNELS[text].title
        else:
            value = parse_number(text)
            right = close_enough(value, float(question.answer))
            said = format_number(value)
    except ValueError as err:
        return Verdict("unreadable", f"{str(err)[0].upper()}{str(err)[1:]}.")
    if right:
        return Verdict("right", f"Right: {question.answer_text}.", question.worked)
    return Verdict("wrong", f"Not quite: you said {said}; the answer is "
                            f"{question.answer_text}.", question.worked)
