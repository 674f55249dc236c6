"""Two settings side by side: one image, two convolutions, one colour scale, their difference.

Side A and side B each have a kernel and their own padding, stride, pad mode
and flip. :func:`compare_sides` filters one grey image both ways, finds the
range both maps share (so one colour means one value on both), and subtracts
them when the maps have one shape. When they do not (stride 2 against 1,
"valid" against "same"), it says why instead, naming what differs.

>>> a = SideSpec(kernel=[[1, 0, -1]], title="x edge")
>>> b = SideSpec(kernel=[[1, 0, -1]], title="x edge", stride=2)
>>> c = compare_sides(np.arange(12.0).reshape(2, 6), a, b)
>>> c.a.values.shape, c.b.values.shape, c.difference is None
((2, 6), (1, 3), True)
>>> c.differs
('stride 1 vs 2',)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from cnnviz.core._checks import check_no_overflow
from cnnviz.core.conv import ConvGeometry, ConvSettings, conv2d
from cnnviz.core.text import format_number
from cnnviz.lessons.correlation import _kernel
from cnnviz.lessons.matrix import grey

__all__ = ["Comparison", "Side", "SideSpec", "compare_sides", "difference_words",
           "size_words"]


@dataclass(frozen=True)
class SideSpec:
    """What one side computes: a kernel, its name and a layer's settings.

    ``padding`` is one of "valid", "same", "full" or a number of cells;
    ``stride`` a positive integer; ``pad_mode`` and ``flip`` as in
    :func:`cnnviz.conv2d`.
    """

    kernel: object
    title: str = "kernel"
    padding: object = "same"
    stride: int = 1
    pad_mode: str = "zeros"
    flip: bool = False

    def settings(self) -> ConvSettings:
        """The checked :class:`ConvSettings` (raises ValueError naming a bad field)."""
        return ConvSettings(stride=self.stride, padding=self.padding, pad_mode=self.pad_mode,
                            flip=self.flip)


@dataclass(frozen=True)
class Side:
    """One side computed.

    Attributes
    ----------
    name : "A" or "B".
    spec : what was asked.
    kernel : the kernel as a float64 (f_H, f_W) array.
    geometry : where its windows sit.
    values : its feature map a ⋆ k (or a ∗ k with flip).
    """

    name: str
    spec: SideSpec
    kernel: np.ndarray
    geometry: ConvGeometry
    values: np.ndarray = field(repr=False)

    @property
    def label(self) -> str:
        """One line naming everything this side does.

        >>> s = compare_sides(np.ones((3, 3)), SideSpec([[1]], "identity"),
        ...                   SideSpec([[1]], "identity")).a
        >>> s.label
        'A: identity, same, stride 1, zeros, cross-correlation'
        """
        spec = self.spec
        return (f"{self.name}: {spec.title}, {_padding_words(spec.padding)}, "
                f"stride {int(spec.stride)}, {spec.pad_mode}, "
                f"{'convolution (flipped)' if spec.flip else 'cross-correlation'}")


def _pair_text(pair: tuple[int, int]) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}, {pair[1]} (rows, cols)"


def size_words(side: Side) -> str:
    """The numbers of the output-size formula in words.

    >>> img = np.zeros((6, 6))
    >>> print(size_words(compare_sides(img, SideSpec([[1, 0, -1]] * 3, padding=1, stride=2),
    ...                                SideSpec([[1]])).a))
    3 × 3 from 6 × 6: f = 3 × 3, p = 1, s = 2
    """
    g = side.geometry
    (top, bottom), (left, right) = g.padding
    pad = (str(top) if top == bottom == left == right
           else f"top {top}, bottom {bottom}, left {left}, right {right}")
    return (f"{g.out_shape[0]} × {g.out_shape[1]} from {g.in_shape[0]} × {g.in_shape[1]}: "
            f"f = {g.kernel_shape[0]} × {g.kernel_shape[1]}, p = {pad}, "
            f"s = {_pair_text(g.stride)}")


def _padding_words(padding: object) -> str:
    return padding if isinstance(padding, str) else f"padding {padding}"


@dataclass(frozen=True)
class Comparison:
    """Both sides on one image, on one colour scale.

    Attributes
    ----------
    image : the grey input both sides filter.
    a, b : the two sides.
    limits : (lowest, highest) value over both maps: the shared colour scale.
    differs : what differs between the sides, in words ("stride 1 vs 2").
    difference : A − B, or None when the maps' shapes differ.
    mismatch : why there is no difference map ("" when there is one).
    """

    image: np.ndarray
    a: Side
    b: Side
    limits: tuple[float, float]
    differs: tuple[str, ...]
    difference: np.ndarray | None
    mismatch: str = ""

    @property
    def max_difference(self) -> float | None:
        """max |A − B|, or None without a difference map."""
        return None if self.difference is None else float(np.abs(self.difference).max())

    @property
    def n_different(self) -> int | None:
        """How many cells of the two maps differ, or None without a difference map."""
        return None if self.difference is None else int(np.count_nonzero(self.difference))


def _differences(a: SideSpec, b: SideSpec, ka: np.ndarray, kb: np.ndarray) -> tuple[str, ...]:
    words = []
    if ka.shape != kb.shape or not np.array_equal(ka, kb):
        words.append(f"kernel {a.title} vs {b.title}")
    if _padding_words(a.padding) != _padding_words(b.padding):
        words.append(f"padding {_padding_words(a.padding)} vs {_padding_words(b.padding)}")
    if int(a.stride) != int(b.stride):
        words.append(f"stride {int(a.stride)} vs {int(b.stride)}")
    if a.pad_mode != b.pad_mode:
        words.append(f"pad with {a.pad_mode} vs {b.pad_mode}")
    if bool(a.flip) != bool(b.flip):
        words.append("cross-correlation vs convolution" if not a.flip
                     else "convolution vs cross-correlation")
    return tuple(words)


def _size_changers(shape: tuple[int, ...], a: SideSpec, b: SideSpec, ka: np.ndarray,
                   kb: np.ndarray) -> list[str]:
    """Which of the kernel size, padding and stride change A's output size when B's is used.

    Each is tried on its own: under "same" padding a larger kernel keeps the size,
    and two kernels of one size never change it.
    """

    def out(spec: SideSpec, kernel_shape: tuple[int, ...]) -> tuple[int, int] | None:
        try:
            return spec.settings().geometry(shape, kernel_shape).out_shape
        except ValueError:  # the kernel does not fit: that too is a change of size
            return None

    base = out(a, ka.shape)
    changers = []
    if ka.shape != kb.shape and out(a, kb.shape) != base:
        changers.append("the kernel size")
    if _padding_words(a.padding) != _padding_words(b.padding):
        if out(replace(a, padding=b.padding), ka.shape) != base:
            changers.append("the padding")
    if int(a.stride) != int(b.stride) and out(replace(a, stride=b.stride), ka.shape) != base:
        changers.append("the stride")
    return changers


def _size_words(shape: tuple[int, ...], a: SideSpec, b: SideSpec, ka: np.ndarray,
                kb: np.ndarray, differs: tuple[str, ...]) -> str:
    """Why the sizes differ: every difference, and which of them change the output size."""
    what = ", ".join(differs) if differs else "their settings"
    changers = _size_changers(shape, a, b, ka, kb)
    verb = "changes" if len(changers) == 1 else "change"
    if not changers or len(changers) == len(differs):
        return (f"The sides differ in {what}, which {verb if changers else 'change'} the output "
                "size (the formulas below).")
    named = " and ".join(changers)
    return (f"The sides differ in {what}; of these, {'only ' if len(changers) == 1 else ''}"
            f"{named} {verb} the output size (the formulas below).")


def _side(name: str, image: np.ndarray, spec: SideSpec) -> Side:
    kernel = _kernel(spec.kernel)
    settings = spec.settings()
    geometry = settings.geometry(image.shape, kernel.shape)
    values = conv2d(image, kernel, **settings.conv_kwargs)
    return Side(name, spec, kernel, geometry, values)


def compare_sides(image: object, a: SideSpec, b: SideSpec) -> Comparison:
    """Filter one image with two settings and compare the maps on one scale.

    Parameters
    ----------
    image : array_like, (H, W) or (H, W, C)
        A colour image is compared in grey (the mean of its channels).
    a, b : SideSpec
        The two sides.

    Returns
    -------
    Comparison

    Raises
    ------
    ValueError
        For a bad image, kernel or setting, or a kernel larger than the
        padded image, with "A: " or "B: " saying which side; "... overflows
        float64: ..." when the difference is beyond the float range.

    Examples
    --------
    >>> img = np.array([[0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 1, 1]], dtype=float)
    >>> c = compare_sides(img, SideSpec([[1, -1]], "forward", padding="valid"),
    ...                   SideSpec([[-1, 1]], "backward", padding="valid"))
    >>> c.a.values[0], c.b.values[0], c.difference[0]
    (array([ 0., -1.,  0.]), array([0., 1., 0.]), array([ 0., -2.,  0.]))
    >>> c.limits, c.differs
    ((-1.0, 1.0), ('kernel forward vs backward',))
    >>> c2 = compare_sides(img, SideSpec([[1, -1]], padding="valid"), SideSpec([[1, -1]]))
    >>> print(c2.mismatch)  # doctest: +NORMALIZE_WHITESPACE
    No difference map: A gives 3 × 3 and B gives 3 × 4, and a difference needs one shape.
    The sides differ in padding valid vs same, which changes the output size (the formulas
    below).
    """
    img = grey(image)
    sides = []
    for name, spec in (("A", a), ("B", b)):
        try:
            sides.append(_side(name, img, spec))
        except ValueError as err:
            raise ValueError(f"{name}: {err}") from err
    sa, sb = sides
    limits = (min(float(sa.values.min()), float(sb.values.min())),
              max(float(sa.values.max()), float(sb.values.max())))
    differs = _differences(a, b, sa.kernel, sb.kernel)
    if sa.values.shape != sb.values.shape:
        shape = " × ".join
        mismatch = (f"No difference map: A gives {shape(map(str, sa.values.shape))} and B gives "
                    f"{shape(map(str, sb.values.shape))}, and a difference needs one shape. "
                    + _size_words(img.shape, a, b, sa.kernel, sb.kernel, differs))
        return Comparison(img, sa, sb, limits, differs, None, mismatch)
    difference = sa.values - sb.values
    check_no_overflow(difference, "the difference A − B", {"image": img})
    return Comparison(img, sa, sb, limits, differs, difference)


def difference_words(c: Comparison) -> str:
    """One sentence about the difference map.

    >>> img = np.eye(3)
    >>> print(difference_words(compare_sides(img, SideSpec([[1]]), SideSpec([[1]]))))
    A and B are identical: every cell of A − B is 0.
    """
    if c.difference is None:
        return c.mismatch
    n, total = c.n_different, c.difference.size
    if n == 0:
        return "A and B are identical: every cell of A − B is 0."
    return (f"{n} of {total} cells differ; the largest difference |A − B| is "
            f"{format_number(c.max_difference, 4)}.")
