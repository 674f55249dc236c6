"""One step of the sliding window written out: the sum, each channel's share, the activation.

The words and formulas around a :class:`cnnviz.core.trace.Step`, in one place for
every Python rendering of it (the predict panel, the GIF and the video); the
animation's payload decodes to the same texts (:func:`cnnviz.lessons.animation.step_view`),
and every sum is written by :func:`cnnviz.core.text.sum_equation`.

>>> from cnnviz.core.trace import ConvTrace
>>> t = ConvTrace([[1.0, -2.0], [0.0, 1.0]], [[1.0, 1.0], [1.0, 1.0]], activation="relu")
>>> text = step_text(t.step(0), t.activation)
>>> text.sum, text.activation
('1·1 + (−2)·1 + 0·1 + 1·1 + 0 = 0', 'ReLU(0) = 0')
"""

from __future__ import annotations

from dataclasses import dataclass

from cnnviz.core.activations import ACTIVATION_LABELS
from cnnviz.core.text import applied, format_number, sum_equation
from cnnviz.core.trace import Step

__all__ = ["StepText", "activated_name", "step_text"]


@dataclass(frozen=True)
class StepText:
    """The texts of one step; ``channels`` and ``activation`` are "" when they do not apply.

    Attributes
    ----------
    sum : every product, the bias and the total: ``a·w + … + b = z``.
    channels : with more than one channel, the partial sums: ``R + G + B + bias b = z``.
    activation : with an activation, ``ReLU(z) = a``.
    """

    sum: str
    channels: str
    activation: str


def activated_name(activation: str) -> str:
    """What an output cell holds, as the screen names it: ``z`` or ``ReLU(z)``.

    >>> activated_name("none"), activated_name("leaky_relu")
    ('z', 'leaky ReLU(z)')
    """
    return "z" if activation == "none" else f"{ACTIVATION_LABELS[activation]}(z)"


def step_text(step: Step, activation: str, *, digits: int = 3) -> StepText:
    """The step written out, with ``activation`` (a key of ``ACTIVATIONS``) named as on screen."""
    total = format_number(step.total, digits)
    channels = ""
    if step.partial_sums.size > 1:
        channels = sum_equation([*(format_number(p, digits) for p in step.partial_sums),
                                 f"bias {format_number(step.bias, digits)}"], total)
    act = ""
    if activation != "none":
        act = applied(ACTIVATION_LABELS[activation], total, format_number(step.activated, digits))
    return StepText(step.equation(digits=digits), channels, act)
