"""Every page driven with random widget values: no exception may reach the page.

A seeded random walk per page: each step picks a widget on the page and gives
it a random value it accepts (any option, any number in its range, junk text
in a text box), then reruns. Whatever the combination (a kernel larger than
the image, a stride that leaves no output, a pool over padding), the page must
answer with a message, never an exception.
"""

from __future__ import annotations

import random

import pytest

from .conftest import exceptions

PAGES = ["pages/playground.py", "pages/animation.py", "pages/colour.py", "pages/pooling.py",
         "pages/compare.py",
         "pages/shapes.py", "pages/receptive_field.py", "pages/matrix.py",
         "pages/correlation.py", "pages/transposed.py", "pages/learn_kernel.py",
         "pages/digits.py", "pages/quiz.py"]
STEPS = 16
JUNK = ["", "abc", "1e999", "-0", "1/0", "nan", "[[1, 2], [3]]", "1 2\n3 4", "9" * 60,
        "<b>x</b>", "0.5 -1\t2\n3 4 5", "1,2;3,4"]


def _random_value(rng: random.Random, widget):
    kind = widget.type
    if kind == "selectbox":  # by index: its options are the formatted titles
        i = rng.randrange(len(widget.options)) if widget.options else None
        # AppTest maps a title back through the box's format_func, which works
        # only where titles are the options themselves; others are left out.
        try:
            usable = i is not None and widget.format_func(widget.options[i]) == widget.options[i]
        except Exception:  # noqa: BLE001 - a format_func that cannot take a title
            usable = False
        return ("index", i) if usable else None
    if kind in ("radio", "select_slider"):  # our radios and sliders show their values as is
        options = list(widget.options)
        value = rng.choice(options) if options else None
        return int(value) if kind == "select_slider" and str(value).isdigit() else value
    if kind == "number_input":
        lo = widget.min if widget.min is not None else -1000
        hi = widget.max if widget.max is not None else 1000
        lo, hi = max(lo, -1000), min(hi, 1000)
        if isinstance(widget.step, int) or float(widget.step).is_integer():
            return rng.randint(int(lo), int(hi))
        return round(rng.uniform(lo, hi), 3)
    if kind == "slider":
        lo, hi = widget.min, widget.max
        return rng.randint(int(lo), int(hi)) if isinstance(lo, int) else rng.uniform(lo, hi)
    if kind in ("toggle", "checkbox"):
        return not widget.value
    if kind in ("text_area", "text_input"):
        return rng.choice(JUNK)
    return None


def _widgets(at):
    out = []
    for kind in ("selectbox", "radio", "select_slider", "number_input", "slider", "toggle",
                 "checkbox", "text_area"):
        out += [w for w in at.get(kind) if getattr(w, "key", None) and not w.disabled]
    return out


@pytest.mark.parametrize("page", PAGES)
def test_random_widget_values_never_raise(open_page, page):
    rng = random.Random(f"cnnviz-fuzz-{page}")
    at = open_page(page)
    history = []
    for _ in range(STEPS):
        widgets = _widgets(at)
        if not widgets:
            break
        widget = rng.choice(widgets)
        value = _random_value(rng, widget)
        if value is None:
            continue
        history.append((widget.key, value))
        if isinstance(value, tuple):
            widget.select_index(value[1]).run()
        else:
            widget.set_value(value).run()
        assert not at.exception, (history, exceptions(at))
    assert len(history) >= STEPS // 2, history  # the walk really changed things
