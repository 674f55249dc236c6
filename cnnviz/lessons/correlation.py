"""Cross-correlation against true convolution: the kernel with and without its 180° turn.

CNNs lay the kernel on the input as it is (cross-correlation) and call it
convolution; mathematics and signal processing turn the kernel by 180° first.
:func:`compare_flip` computes both on an image and their difference;
:func:`impulse_response` shows the turn in the numbers: on a single 1 in a
field of zeros, cross-correlation writes out the kernel turned by 180°, true
convolution writes out the kernel itself.

>>> k = [[1, 2], [3, 4]]
>>> demo = impulse_response(k)
>>> demo.correlation
array([[4., 3.],
       [2., 1.]])
>>> demo.convolution
array([[1., 2.],
       [3., 4.]])
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from cnnviz.core._checks import as_float_array, check_finite, check_no_overflow
from cnnviz.core.conv import ConvGeometry, conv2d, plan_conv
from cnnviz.data.pixels import in_unit_range
from cnnviz.lessons.matrix import grey

__all__ = ["FlipComparison", "ImpulseDemo", "compare_flip", "flip_relation", "impulse_response"]

RELATIONS = MappingProxyType({
    "symmetric": "The kernel equals its 180° turn (it is symmetric): cross-correlation and "
                 "convolution multiply the same numbers, so the two maps are identical and the "
                 "difference is exactly 0.",
    "antisymmetric": "The 180° turn of this kernel is its negative (it is antisymmetric): the "
                     "convolution map is the correlation map with every sign changed, and the "
                     "difference is twice the correlation.",
    "asymmetric": "The 180° turn gives a different kernel: the two maps differ, and the "
                  "difference map shows where.",
})
# With "same" padding an even-sized kernel cannot be centred, and the two
# operations place the odd extra padding cell on opposite sides.
SHIFTED = MappingProxyType({
    "symmetric": "The kernel equals its 180° turn (it is symmetric), so both operations multiply "
                 "the same numbers, but an even-sized kernel cannot be centred: with \"same\" "
                 "padding, correlation adds the odd extra padding cell at the bottom/right and "
                 "true convolution (like scipy's convolve2d) at the top/left. The two maps are "
                 "the same picture shifted by one cell, which is all the difference map shows; "
                 "with \"valid\" padding the difference is exactly 0.",
    "other": " With \"same\" padding an even-sized kernel also shifts the two maps by one cell "
             "against each other: correlation pads the odd extra cell at the bottom/right, "
             "true convolution at the top/left.",
})


def _kernel(kernel: object) -> np.ndarray:
    ker = as_float_array(kernel, "kernel")
    if ker.ndim != 2 or 0 in ker.shape:
        raise ValueError(f"kernel must be a non-empty 2-D array, got shape {ker.shape}")
    check_finite(ker, "kernel")
    return np.array(ker, dtype=np.float64)


def flip_relation(kernel: object) -> str:
    """How a kernel relates to its 180° turn: a key of :data:`RELATIONS`.

    Exact comparison: a kernel is symmetric only if turning it changes no
    number at all (then the two maps are bit for bit equal).

    >>> flip_relation([[1, 2, 1], [0, 5, 0], [1, 2, 1]])
    'symmetric'
    >>> flip_relation([[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    'antisymmetric'
    >>> flip_relation([[1, 2, 0], [0, 0, 0], [0, 0, -1]])
    'asymmetric'
    """
    ker = _kernel(kernel)
    turned = ker[::-1, ::-1]
    if np.array_equal(ker, turned):
        return "symmetric"
    if np.array_equal(ker, -turned):
        return "antisymmetric"
    return "asymmetric"


@dataclass(frozen=True)
class FlipComparison:
    """Both operations on one grey image.

    Attributes
    ----------
    kernel, turned : the kernel and the kernel turned by 180° (``k[::-1, ::-1]``).
    image : the grey input.
    correlation : conv2d(image, kernel): what a CNN computes.
    convolution : conv2d(image, kernel, flip=True): convolution as in mathematics.
    difference : convolution − correlation.
    max_difference : max |difference|.
    relation : :func:`flip_relation` of the kernel; ``explanation`` says it in words.
    geometry : the windows' geometry (the same for both maps).
    shifted : "same" padding with an even-sized kernel: the maps are one cell apart.
    """

    kernel: np.ndarray
    turned: np.ndarray
    image: np.ndarray
    correlation: np.ndarray
    convolution: np.ndarray
    difference: np.ndarray
    max_difference: float
    relation: str
    geometry: ConvGeometry
    shifted: bool = False

    @property
    def identical(self) -> bool:
        """Whether the two maps are the same (a symmetric kernel, centred)."""
        return self.relation == "symmetric" and not self.shifted

    @property
    def explanation(self) -> str:
        """One or two sentences about this kernel's maps."""
        if not self.shifted:
            return RELATIONS[self.relation]
        if self.relation == "symmetric":
            return SHIFTED["symmetric"]
        return RELATIONS[self.relation] + SHIFTED["other"]

    @property
    def kernel_sum(self) -> float:
        """Sum of the weights (what the display mapping's "auto" choice looks at)."""
        return float(self.kernel.sum())

    @property
    def unit_input(self) -> bool:
        """Whether the input lies in [0, 1], like a photo."""
        return in_unit_range(self.image)


def compare_flip(image: object, kernel: object, *, padding: object = "same") -> FlipComparison:
    """Cross-correlate and convolve an image with one kernel, and subtract.

    Parameters
    ----------
    image : array_like, (H, W) or (H, W, C)
        A colour image is compared in grey (the mean of its channels): the
        flip acts on every channel in the same way.
    kernel : array_like, (f_H, f_W)
    padding : keyword-only
        As in :func:`cnnviz.conv2d`; zeros.

    Raises
    ------
    ValueError
        For a bad image or kernel, or a kernel larger than the padded image;
        "... overflows float64: ..." when a result or the difference is beyond
        the float range (weights like 1e308).

    Examples
    --------
    >>> fc = compare_flip(np.arange(16.0).reshape(4, 4), [[1, 2, 0], [0, 0, 0], [0, 0, -1]],
    ...                   padding="valid")
    >>> fc.correlation, fc.convolution
    (array([[-8., -6.],
           [ 0.,  2.]]), array([[28., 30.],
           [36., 38.]]))
    >>> fc.max_difference, fc.relation
    (36.0, 'asymmetric')
    """
    img = grey(image)
    ker = _kernel(kernel)
    geom = plan_conv(img.shape, ker.shape, padding=padding)
    corr = conv2d(img, ker, padding=padding)
    conv = conv2d(img, ker, padding=padding, flip=True)
    diff = conv - corr
    check_no_overflow(diff, "the difference convolution − correlation",
                      {"kernel": ker, "image": img})
    return FlipComparison(
        kernel=ker, turned=ker[::-1, ::-1].copy(), image=img, correlation=corr,
        convolution=conv, difference=diff, max_difference=float(np.abs(diff).max()),
        relation=flip_relation(ker), geometry=geom,
        shifted=isinstance(padding, str) and padding == "same" and any(n % 2 == 0
                                                                         for n in ker.shape),
    )


@dataclass(frozen=True)
class ImpulseDemo:
    """A single 1 in zeros, filtered both ways ("valid" padding).

    Attributes
    ----------
    impulse : (2 f_H − 1, 2 f_W − 1) zeros with a 1 at (f_H − 1, f_W − 1).
    correlation : f_H × f_W: the kernel turned by 180°.
    convolution : f_H × f_W: the kernel itself (the impulse response).
    """

    impulse: np.ndarray
    correlation: np.ndarray
    convolution: np.ndarray


def impulse_response(kernel: object) -> ImpulseDemo:
    """Filter an impulse with and without the flip.

    The output cell (r, c) of cross-correlation lays tap (i, j) on input
    (r + i, c + j); only the tap that lands on the 1, i = f − 1 − r, counts,
    so the output is the kernel read backwards. Convolution turns the kernel
    first and so gives it back upright.

    Raises
    ------
    ValueError
        For a kernel that is not a finite, non-empty 2-D array.

    Examples
    --------
    >>> impulse_response([[1, 2, 3]]).impulse
    array([[0., 0., 1., 0., 0.]])
    """
    ker = _kernel(kernel)
    fh, fw = ker.shape
    impulse = np.zeros((2 * fh - 1, 2 * fw - 1))
    impulse[fh - 1, fw - 1] = 1.0
    return ImpulseDemo(impulse, conv2d(impulse, ker), conv2d(impulse, ker, flip=True))
