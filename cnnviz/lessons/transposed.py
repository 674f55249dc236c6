"""What the "transposed convolution and dilation" page shows, computed in one place.

:func:`transposed_view` runs :func:`cnnviz.core.transposed.transpose_as_conv_steps`
and checks it against the direct scatter-add
(:func:`cnnviz.core.transposed.conv_transpose2d`) and against the forward size
formula: a convolution with the same f, s, p maps the output back to the
input's size. :func:`dilation_view` shows that a dilated convolution is an
ordinary convolution with the dilated kernel.

>>> tv = transposed_view([[1, 2], [3, 4]], np.ones((3, 3)), stride=2)
>>> tv.output_shape, tv.back_shape, tv.maps_back, tv.max_difference
((5, 5), (2, 2), True, 0.0)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from cnnviz.core._checks import Pair, as_int, check_finite
from cnnviz.core.conv import ConvGeometry, conv2d, plan_conv
from cnnviz.core.layers import SizeFormula, size_formula
from cnnviz.core.transposed import (
    TransposeSteps,
    conv_transpose2d,
    dilate_kernel,
    transpose_as_conv_steps,
    transposed_output_size,
)
from cnnviz.data.pixels import in_unit_range
from cnnviz.lessons.formulas import size_latex
from cnnviz.lessons.matrix import grey

__all__ = [
    "SMALL_INPUTS",
    "DilationView",
    "TransposedView",
    "dilation_view",
    "step_lines",
    "transposed_size_latex",
    "transposed_view",
]

#: Name → (title, values): small inputs for a transposed convolution (read-only).
SMALL_INPUTS: Mapping[str, tuple[str, np.ndarray]] = MappingProxyType({
    "two": ("2×2: [[1, 2], [3, 4]]", np.array([[1.0, 2.0], [3.0, 4.0]])),
    "single": ("3×3: a single 1 (one copy of the kernel)",
               np.pad(np.ones((1, 1)), 1)),
    "ramp_3": ("3×3: 1 … 9", np.arange(1.0, 10.0).reshape(3, 3)),
    "ones_4": ("4×4 of ones: where copies overlap, they add up", np.ones((4, 4))),
    "diagonal_6": ("6×6: a diagonal of ones", np.eye(6)),
})


def transposed_size_latex(
    n: int, f: int, *, stride: int = 1, padding: int = 0, output_padding: int = 0,
    dilation: int = 1, axis: str = "H",
) -> str:
    r"""The transposed convolution's output-size formula, filled in, as LaTeX.

    Raises ValueError like :func:`cnnviz.core.transposed.transposed_output_size`.

    >>> transposed_size_latex(2, 3, stride=2).split(" = ")[-2:]
    ['(2 - 1)\\cdot 2 - 2\\cdot 0 + 1\\cdot(3 - 1) + 0 + 1', '5']
    """
    out = transposed_output_size(n, f, stride=stride, padding=padding,
                                 output_padding=output_padding, dilation=dilation)
    return (
        rf"n_{axis}^{{[l]}} = (n_{axis}^{{[l-1]}} - 1)\cdot s - 2p + d(f - 1) + "
        rf"\text{{output\_padding}} + 1 = ({n} - 1)\cdot {stride} - 2\cdot {padding} + "
        rf"{dilation}\cdot({f} - 1) + {output_padding} + 1 = {out}"
    )


@dataclass(frozen=True)
class TransposedView:
    """A transposed convolution step by step, with its checks.

    Attributes
    ----------
    steps : the arrays of :func:`cnnviz.core.transposed.transpose_as_conv_steps`.
    direct : the direct scatter-add, :func:`cnnviz.core.transposed.conv_transpose2d`.
    max_difference : max |steps.output − direct|.
    upsampled_cells : where the input's cells sit in ``steps.upsampled``.
    padded_cells : where they sit in ``steps.padded`` (those not cut off).
    size_latex : the output-size formula per axis (H, W), filled in.
    back_latex : the forward formula per axis: a convolution with the same
        f, s, p, d applied to the output, which should give back n^[l-1].
    back_shape : the shape that forward convolution gives.
    """

    steps: TransposeSteps
    direct: np.ndarray
    max_difference: float
    upsampled_cells: list[tuple[int, int]]
    padded_cells: list[tuple[int, int]]
    size_latex: tuple[str, str]
    back_latex: tuple[str, str]
    back_shape: Pair

    @property
    def output_shape(self) -> Pair:
        """Shape of the transposed convolution's output."""
        h, w = self.steps.output.shape
        return h, w

    @property
    def maps_back(self) -> bool:
        """The forward convolution brings the output back to the input's shape."""
        return self.back_shape == self.steps.x.shape


def step_lines(steps: TransposeSteps) -> list[str]:
    """The three steps of a transposed convolution in words, with the shapes.

    ``steps`` is :func:`cnnviz.core.transposed.transpose_as_conv_steps`'s result.

    Examples
    --------
    >>> from cnnviz.core.transposed import transpose_as_conv_steps
    >>> steps = transpose_as_conv_steps([[1, 2], [3, 4]], np.ones((3, 3)), stride=2)
    >>> print(step_lines(steps)[0])
    1. Insert s − 1 = 1 zero between neighbouring input cells: 2×2 → 3×3.
    """
    (h, w), (uh, uw), (ph, pw) = steps.x.shape, steps.upsampled.shape, steps.padded.shape
    (oh, ow) = steps.output.shape
    (sh, sw), (dh, dw) = steps.stride, steps.dilation
    (t, b), (le, r) = steps.border
    zeros = f"{sh - 1}" if sh == sw else f"{sh - 1} (rows) and {sw - 1} (columns)"
    noun = "zero" if (sh, sw) == (2, 2) else "zeros"
    dil = "" if (dh, dw) == (1, 1) else f", dilation {dh if dh == dw else (dh, dw)}"
    cut = " (negative: cut off)" if min(t, b, le, r) < 0 else ""
    return [
        f"1. Insert s − 1 = {zeros} {noun} between neighbouring input cells: "
        f"{h}×{w} → {uh}×{uw}.",
        f"2. Add d(f − 1) − p cells around (+ output_padding at the bottom/right): "
        f"top {t}, bottom {b}, left {le}, right {r}{cut}: {uh}×{uw} → {ph}×{pw}.",
        f"3. Slide the kernel turned by 180° with stride 1{dil}: {ph}×{pw} → {oh}×{ow}.",
    ]


def _input_side(formula: SizeFormula) -> str:
    """The forward size formula's LaTeX, its result named as the input it maps back to."""
    axis = formula.axis
    return size_latex(formula).replace(f"n_{axis}^{{[l]}}", f"n_{axis}^{{[l-1]}}", 1)


def transposed_view(
    x: object,
    kernel: object,
    *,
    stride: int = 1,
    padding: int = 0,
    output_padding: int = 0,
    dilation: int = 1,
) -> TransposedView:
    r"""Compute a transposed convolution both ways and check the size round trip.

    Parameters
    ----------
    x : array_like, (H, W)
    kernel : array_like, (f_H, f_W)
    stride, padding, output_padding, dilation : int, keyword-only
        The same on both axes; see :func:`cnnviz.core.transposed.conv_transpose2d`.

    Raises
    ------
    ValueError
        Naming the parameter and value, for everything
        :func:`cnnviz.core.transposed.conv_transpose2d` refuses (an output_padding
        not below max(s, d), a padding that leaves no output, bad arrays).

    Examples
    --------
    >>> tv = transposed_view([[1, 2], [3, 4]], [[1, 1], [1, 1]], stride=2, padding=1)
    >>> tv.steps.border, tv.padded_cells
    (((0, 0), (0, 0)), [(0, 0), (0, 2), (2, 0), (2, 2)])
    >>> tv.back_shape
    (2, 2)
    >>> print(tv.back_latex[0])
    n_H^{[l-1]} = \left\lfloor \frac{2 + 2\cdot 1 - 2}{2} \right\rfloor + 1 = 2

    """
    s, p = as_int(stride, "stride", minimum=1), as_int(padding, "padding", minimum=0)
    op = as_int(output_padding, "output_padding", minimum=0)
    d = as_int(dilation, "dilation", minimum=1)
    steps = transpose_as_conv_steps(x, kernel, stride=s, padding=p, output_padding=op,
                                    dilation=d)
    check_finite(steps.x, "x")
    direct = conv_transpose2d(steps.x, kernel, stride=s, padding=p, output_padding=op,
                              dilation=d)
    (top, _), (left, _) = steps.border
    h, w = steps.x.shape
    ph, pw = steps.padded.shape
    up = [(i * s, j * s) for i in range(h) for j in range(w)]
    padded = [(r + top, c + left) for r, c in up if 0 <= r + top < ph and 0 <= c + left < pw]
    fh, fw = steps.turned_kernel.shape
    out = steps.output.shape
    size = (transposed_size_latex(h, fh, stride=s, padding=p, output_padding=op, dilation=d,
                                  axis="H"),
            transposed_size_latex(w, fw, stride=s, padding=p, output_padding=op, dilation=d,
                                  axis="W"))
    back = [size_formula(o, f, pad=(p, p), stride=s, dilation=d, axis=a)
            for o, f, a in zip(out, (fh, fw), "HW", strict=True)]
    return TransposedView(
        steps=steps, direct=direct, max_difference=float(np.abs(steps.output - direct).max()),
        upsampled_cells=up, padded_cells=padded, size_latex=size,
        back_latex=(_input_side(back[0]), _input_side(back[1])),
        back_shape=(back[0].n_out, back[1].n_out),
    )


@dataclass(frozen=True)
class DilationView:
    """A dilated convolution next to an ordinary one with the dilated kernel.

    Attributes
    ----------
    image : the grey input.
    kernel : the kernel as given; ``dilated`` its :func:`cnnviz.core.transposed.dilate_kernel`.
    dilation : d.
    effective : d(f − 1) + 1 per axis, the dilated kernel's shape.
    taps : (row, col) of the real taps in ``dilated``.
    by_dilation : conv2d(image, kernel, dilation=d).
    by_dilated_kernel : conv2d(image, dilated).
    max_difference : max |by_dilation − by_dilated_kernel|.
    geometry : the windows of the dilated convolution ("valid").
    """

    image: np.ndarray
    kernel: np.ndarray
    dilated: np.ndarray
    dilation: int
    effective: Pair
    taps: list[tuple[int, int]]
    by_dilation: np.ndarray
    by_dilated_kernel: np.ndarray
    max_difference: float
    geometry: ConvGeometry

    @property
    def kernel_sum(self) -> float:
        """Sum of the weights (what the display mapping's "auto" choice looks at)."""
        return float(self.kernel.sum())

    @property
    def unit_input(self) -> bool:
        """Whether the input lies in [0, 1], like a photo."""
        return in_unit_range(self.image)

    @property
    def effective_latex(self) -> str:
        """d(f − 1) + 1 filled in, per axis when the kernel is not square."""
        (fh, fw), d = self.kernel.shape, self.dilation
        parts = [rf"d(f_H - 1) + 1 = {d}\cdot({fh} - 1) + 1 = {self.effective[0]}"]
        if fw != fh:
            parts.append(rf"d(f_W - 1) + 1 = {d}\cdot({fw} - 1) + 1 = {self.effective[1]}")
        return r",\quad ".join(parts)


def dilation_view(image: object, kernel: object, dilation: int) -> DilationView:
    """Convolve with a dilated kernel two ways ("valid" padding) and compare.

    A colour image is used in grey (the mean of its channels).

    Raises
    ------
    ValueError
        For a bad image, kernel or dilation, or a dilated kernel larger than
        the image (the message names the span).

    Examples
    --------
    >>> dv = dilation_view(np.arange(25.0).reshape(5, 5), [[1, -1]], 3)
    >>> dv.dilated
    array([[ 1.,  0.,  0., -1.]])
    >>> dv.by_dilation[0], dv.max_difference, dv.effective
    (array([-3., -3.]), 0.0, (1, 4))
    """
    img = grey(image)
    d = as_int(dilation, "dilation", minimum=1)
    dilated = dilate_kernel(kernel, d)
    ker = np.asarray(kernel, dtype=np.float64)
    check_finite(ker, "kernel")
    geom = plan_conv(img.shape, ker.shape, dilation=d)
    by_dilation = conv2d(img, ker, dilation=d)
    by_kernel = conv2d(img, dilated)
    taps = [(i * d, j * d) for i in range(ker.shape[0]) for j in range(ker.shape[1])]
    return DilationView(
        image=img, kernel=ker, dilated=dilated, dilation=d, effective=dilated.shape[:2],
        taps=taps, by_dilation=by_dilation, by_dilated_kernel=by_kernel,
        max_difference=float(np.abs(by_dilation - by_kernel).max()), geometry=geom,
    )
