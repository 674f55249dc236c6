r"""Shapes, parameter counts and receptive fields of a stack of layers.

Everything uses the lectures' notation (``shared/TEACHING.md``): a volume is
``n_H × n_W × n_c`` (channels last), a convolution layer ``[l]`` has ``n_c^[l]``
filters of size ``f × f × n_c^[l-1]``, padding ``p`` and stride ``s``, and each
axis shrinks by ``n^[l] = ⌊(n^[l-1] + 2p − f) / s⌋ + 1``.

Layers are numbered from 1 in messages and in :class:`LayerInfo`, like the
superscript ``[l]``; the message also gives the Python index ``layers[i]``.

>>> infos = propagate((32, 32, 1), [Conv(6, 5), Pool(2, mode="avg")])
>>> [info.output_shape for info in infos]
[(28, 28, 6), (14, 14, 6)]
>>> infos[0].params
156
>>> receptive_field([(3, 1), (3, 1), (3, 1)])
7
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

from cnnviz.core._checks import as_int, check_mode, effective_size, same_padding, window_count
from cnnviz.core.activations import ACTIVATION_LABELS

__all__ = [
    "size_formula",
    "ACTIVATIONS",
    "LRN",
    "Activation",
    "AdaptivePool",
    "Conv",
    "Dense",
    "Dropout",
    "Flatten",
    "LayerInfo",
    "Pool",
    "SizeFormula",
    "conv_params",
    "dense_params",
    "propagate",
    "grow_receptive_field",
    "receptive_field",
    "total_params",
]

ACTIVATIONS = ("relu", "sigmoid", "tanh", "leaky_relu", "softmax")

Shape = tuple[int, ...]


# --- parameter counts -------------------------------------------------------


def conv_params(f: int, n_c_prev: int, n_c: int, bias: bool = True) -> int:
    """Learnable parameters of a convolution layer: ``(f·f·n_c^[l-1] + 1)·n_c^[l]``.

    Examples
    --------
    >>> conv_params(3, 3, 3)  # the lectures' 3 filters on an RGB image
    84
    >>> conv_params(5, 1, 6, bias=False)
    150
    """
    f = as_int(f, "f", minimum=1)
    n_c_prev = as_int(n_c_prev, "n_c_prev", minimum=1)
    n_c = as_int(n_c, "n_c", minimum=1)
    return (f * f * n_c_prev + (1 if bias else 0)) * n_c


def dense_params(n_in: int, n_out: int, bias: bool = True) -> int:
    """Learnable parameters of a fully connected layer: ``n_in·n_out + n_out``.

    Examples
    --------
    >>> dense_params(3072, 1000)
    3073000
    >>> dense_params(4, 2, bias=False)
    8
    """
    n_in = as_int(n_in, "n_in", minimum=1)
    n_out = as_int(n_out, "n_out", minimum=1)
    return n_in * n_out + (n_out if bias else 0)


# --- layer specs ------------------------------------------------------------


def _set(obj: object, name: str, value: object) -> None:
    # Frozen dataclasses store normalised values (e.g. numpy ints → int) this way.
    object.__setattr__(obj, name, value)


def _check_bool(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return value


@dataclass(frozen=True)
class Conv:
    """Convolution layer: ``filters`` filters of ``kernel_size × kernel_size × n_c^[l-1]``.

    Parameters
    ----------
    filters : int
        Number of filters, ``n_c^[l]``.
    kernel_size : int
        Filter side ``f``.
    stride : int
        ``s``.
    padding : int or {"valid", "same"}
        Zeros on each side, ``p``; ``"valid"`` is 0; ``"same"`` keeps
        ``⌈n / s⌉`` outputs, with any odd extra cell at the bottom/right.
    dilation : int
        Spacing ``d`` of the taps; the filter spans ``d(f − 1) + 1`` pixels.
    bias : bool
        One bias per filter.

    Examples
    --------
    >>> Conv(64, 3, padding="same").label
    'CONV 3×3, 64 filters, s=1, p=same'
    """

    filters: int
    kernel_size: int
    stride: int = 1
    padding: int | str = 0
    dilation: int = 1
    bias: bool = True

    def __post_init__(self) -> None:
        _set(self, "filters", as_int(self.filters, "filters", minimum=1))
        _set(self, "kernel_size", as_int(self.kernel_size, "kernel_size", minimum=1))
        _set(self, "stride", as_int(self.stride, "stride", minimum=1))
        _set(self, "dilation", as_int(self.dilation, "dilation", minimum=1))
        if isinstance(self.padding, str):
            check_mode(self.padding, "padding", ("valid", "same"))
        else:
            _set(self, "padding", as_int(self.padding, "padding", minimum=0))
        _check_bool(self.bias, "bias")

    @property
    def label(self) -> str:
        """Human label in the lectures' style."""
        f = self.kernel_size
        noun = "filter" if self.filters == 1 else "filters"
        text = f"CONV {f}×{f}, {self.filters} {noun}, s={self.stride}, p={self.padding}"
        if self.dilation != 1:
            text += f", d={self.dilation}"
        if not self.bias:
            text += ", no bias"
        return text


@dataclass(frozen=True)
class Pool:
    """Pooling layer: max or average over ``size × size`` windows, per channel.

    ``stride=None`` means the default, equal to ``size``. No parameters.

    Examples
    --------
    >>> Pool(2).label
    'MAX POOL 2×2, s=2'
    >>> Pool(3, stride=2, mode="avg").stride
    2
    """

    size: int
    stride: int | None = None
    mode: str = "max"
    padding: int = 0

    def __post_init__(self) -> None:
        _set(self, "size", as_int(self.size, "size", minimum=1))
        stride = self.size if self.stride is None else self.stride
        _set(self, "stride", as_int(stride, "stride", minimum=1))
        check_mode(self.mode, "mode", ("max", "avg"))
        _set(self, "padding", as_int(self.padding, "padding", minimum=0))

    @property
    def label(self) -> str:
        """Human label in the lectures' style."""
        text = f"{self.mode.upper()} POOL {self.size}×{self.size}, s={self.stride}"
        return text + (f", p={self.padding}" if self.padding else "")


@dataclass(frozen=True)
class AdaptivePool:
    """Pool to a fixed ``output_size × output_size`` (PyTorch's adaptive pooling).

    Modelled as a plain pool with window = stride = ``n / output_size``, so the
    input side must be a multiple of ``output_size`` (torchvision's AlexNet
    and VGG16 feed it exactly 6×6 and 7×7, where it changes nothing).

    Examples
    --------
    >>> AdaptivePool(6).label
    'ADAPTIVE AVG POOL → 6×6'
    """

    output_size: int
    mode: str = "avg"

    def __post_init__(self) -> None:
        _set(self, "output_size", as_int(self.output_size, "output_size", minimum=1))
        check_mode(self.mode, "mode", ("max", "avg"))

    @property
    def label(self) -> str:
        """Human label."""
        n = self.output_size
        return f"ADAPTIVE {self.mode.upper()} POOL → {n}×{n}"


@dataclass(frozen=True)
class Activation:
    """Element-wise (or, for softmax, per-vector) non-linearity. No parameters.

    Examples
    --------
    >>> Activation("leaky_relu").label
    'leaky ReLU'
    """

    name: str

    def __post_init__(self) -> None:
        check_mode(self.name, "name", ACTIVATIONS)

    @property
    def label(self) -> str:
        """Human label."""
        return ACTIVATION_LABELS[self.name]


@dataclass(frozen=True)
class Flatten:
    """Turn the ``n_H × n_W × n_c`` volume into one vector of that many values."""

    @property
    def label(self) -> str:
        """Human label."""
        return "FLATTEN"


@dataclass(frozen=True)
class Dense:
    """Fully connected layer of ``units`` neurons on a flat input.

    Examples
    --------
    >>> Dense(10).label
    'FC 10 units'
    """

    units: int
    bias: bool = True

    def __post_init__(self) -> None:
        _set(self, "units", as_int(self.units, "units", minimum=1))
        _check_bool(self.bias, "bias")

    @property
    def label(self) -> str:
        """Human label."""
        return f"FC {self.units} units" + ("" if self.bias else ", no bias")


@dataclass(frozen=True)
class Dropout:
    """Dropout: zeroes a fraction ``rate`` of values while training. No parameters."""

    rate: float = 0.5

    def __post_init__(self) -> None:
        rate = self.rate
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate < 1:
            raise ValueError(f"rate must be a number from 0 up to (not including) 1, got {rate!r}")
        _set(self, "rate", float(rate))

    @property
    def label(self) -> str:
        """Human label."""
        return f"DROPOUT {self.rate:g}"


@dataclass(frozen=True)
class LRN:
    """Local response normalisation across ``size`` neighbouring channels (AlexNet 2012).

    Shape-preserving, with no learnable parameters.
    """

    size: int = 5

    def __post_init__(self) -> None:
        _set(self, "size", as_int(self.size, "size", minimum=1))

    @property
    def label(self) -> str:
        """Human label."""
        return f"LRN across {self.size} channels"


Layer = Conv | Pool | AdaptivePool | Activation | Flatten | Dense | Dropout | LRN
_LAYER_TYPES = (Conv, Pool, AdaptivePool, Activation, Flatten, Dense, Dropout, LRN)


# --- propagation ------------------------------------------------------------


@dataclass(frozen=True)
class SizeFormula:
    """The output-size formula along one axis, filled in with numbers.

    Attributes
    ----------
    axis : str
        ``"H"`` or ``"W"``.
    n_in : int
        ``n^[l-1]``.
    pad : (int, int)
        Zeros before and after; equal unless "same" needed an odd total.
    f : int
        Filter (or pool window) side.
    dilation : int
        ``d``; the window spans ``d(f − 1) + 1``.
    stride : int
        ``s``.
    n_out : int
        ``n^[l]``.
    exact : bool
        Whether ``(n + 2p − f) / s`` was whole; if not, the floor dropped the
        last positions (the window never hangs over the padded edge).

    Notes
    -----
    Numbers only: :mod:`cnnviz.lessons.formulas` writes it out as LaTeX
    (``size_latex``) and in the lectures' words (``size_words``).

    Examples
    --------
    >>> sf = size_formula(10, 3, stride=2)
    >>> sf.span, sf.padded, sf.quotient, sf.n_out
    (3, 10, 4.5, 4)
    """

    axis: str
    n_in: int
    pad: tuple[int, int]
    f: int
    dilation: int
    stride: int
    n_out: int
    exact: bool

    @property
    def span(self) -> int:
        """Pixels the window covers: ``d(f − 1) + 1``."""
        return effective_size(self.f, self.dilation)

    @property
    def padded(self) -> int:
        """The input side with its zeros: ``n^[l-1]`` plus both pads."""
        return self.n_in + self.pad[0] + self.pad[1]

    @property
    def quotient(self) -> float:
        """``(n + 2p − span) / s + 1`` before rounding down (``n_out`` is its floor)."""
        return (self.padded - self.span) / self.stride + 1


@dataclass(frozen=True)
class LayerInfo:
    """What one layer does to the shape, and what it costs.

    Attributes
    ----------
    index : int
        Layer number ``l``, from 1.
    layer : Layer
        The spec.
    label : str
        E.g. ``"CONV 3×3, 64 filters, s=1, p=same"``.
    input_shape, output_shape : tuple of int
        ``(n_H, n_W, n_c)`` or flat ``(n,)``.
    weights, biases : int
        Learnable parameters; ``params`` is their sum.
    macs : int
        Multiply-adds for one example (conv and dense only; pooling and
        activations do comparisons or cheap element-wise work, counted as 0).
    activations : int
        Number of output values (what must be stored for one example).
    receptive_field : int or None
        Side, in input pixels, of the region one output value depends on
        (padding included, so near the border part of it is zeros); ``None``
        once the volume is flattened, when every output sees the whole image.
    jump : int or None
        Distance in input pixels between neighbouring outputs: the product of
        the strides so far; ``None`` after flattening.
    formulas : tuple of SizeFormula
        Size formula for ``n_H`` and ``n_W``; empty for non-spatial layers.
    """

    index: int
    layer: Layer
    label: str
    input_shape: Shape
    output_shape: Shape
    weights: int
    biases: int
    macs: int
    activations: int
    receptive_field: int | None
    jump: int | None
    formulas: tuple[SizeFormula, ...] = ()

    @property
    def params(self) -> int:
        """Weights plus biases."""
        return self.weights + self.biases


def _where(i: int, layer: object) -> str:
    name = type(layer).__name__
    label = getattr(layer, "label", name)
    return f"layer {i + 1} (layers[{i}], {label})"


def _input_shape(value: object) -> Shape:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError(f"input_shape must be (n_H, n_W, n_c) or (n,), got {value!r}")
    items = list(value)
    if len(items) not in (1, 3):
        raise ValueError(f"input_shape must be (n_H, n_W, n_c) or (n,), got {value!r}")
    try:
        return tuple(as_int(v, "input_shape", minimum=1) for v in items)
    except ValueError as err:
        raise ValueError(f"{err} (in input_shape={value!r})") from None


def _size_formula(
    where: str, param: str, axis: str, n: int, f: int, s: int, d: int, pad: tuple[int, int]
) -> SizeFormula:
    span = effective_size(f, d)
    top = n + pad[0] + pad[1] - span
    if top < 0:
        padded = f"{n} + {pad[0] + pad[1]} padding = {n + pad[0] + pad[1]}"
        shown = f"{f}" if d == 1 else f"{f} (spanning {span} with dilation {d})"
        raise ValueError(
            f"{where}: {param} {shown} is larger than the padded input along n_{axis} "
            f"({padded}), so the output would be empty (n_{axis}^[l] < 1)"
        )
    n_out = window_count(n + pad[0] + pad[1], span, s)
    return SizeFormula(axis, n, pad, f, d, s, n_out, top % s == 0)


def size_formula(
    n: int, f: int, *, pad: tuple[int, int] = (0, 0), stride: int = 1, dilation: int = 1,
    axis: str = "H",
) -> SizeFormula:
    """The output-size formula along one axis, filled in (the playground's shape line).

    >>> sf = size_formula(6, 3, stride=2)  # (6 - 3) / 2 = 1.5, floored
    >>> sf.n_out, sf.exact
    (2, False)
    """
    return _size_formula("size_formula", "kernel_size", axis, n, f, stride, dilation,
                         (int(pad[0]), int(pad[1])))


def propagate(input_shape: Sequence[int], layers: Sequence[Layer]) -> list[LayerInfo]:
    """Push a shape through a stack of layers, recording each layer's numbers.

    Parameters
    ----------
    input_shape : (n_H, n_W, n_c) or (n,)
        Shape of one input example, channels last.
    layers : sequence of layer specs
        :class:`Conv`, :class:`Pool`, :class:`AdaptivePool`, :class:`Activation`,
        :class:`Flatten`, :class:`Dense`, :class:`Dropout`, :class:`LRN`, first
        layer first.

    Returns
    -------
    list of LayerInfo
        One per layer.

    Raises
    ------
    ValueError
        Naming the layer (``layer l (layers[i], label)``) and the parameter,
        for an impossible stack: a filter or window larger than the padded
        input (output below 1), a convolution or pooling after flattening,
        a dense layer on a volume that was not flattened, an adaptive pool
        whose input is not a multiple of its output, or an item that is not a
        layer.

    Examples
    --------
    >>> info = propagate((10, 10, 1), [Conv(1, 3, stride=2)])[0]
    >>> info.output_shape, info.formulas[0].exact
    ((4, 4, 1), False)
    >>> info.formulas[0].quotient, info.formulas[0].n_out
    (4.5, 4)
    >>> propagate((4,), [Conv(1, 3)])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: layer 1 (layers[0], CONV 3×3, 1 filter, s=1, p=0): a convolution needs ...
    """
    shape = _input_shape(input_shape)
    if isinstance(layers, str) or not isinstance(layers, Sequence):
        raise ValueError(f"layers must be a list of layers, got {type(layers).__name__}")
    rf: int | None = 1 if len(shape) == 3 else None
    jump: int | None = 1 if len(shape) == 3 else None
    infos: list[LayerInfo] = []
    for i, layer in enumerate(layers):
        if not isinstance(layer, _LAYER_TYPES):
            names = ", ".join(t.__name__ for t in _LAYER_TYPES)
            raise ValueError(f"layers[{i}] must be a layer ({names}), got {layer!r}")
        where = _where(i, layer)
        weights = biases = macs = 0
        formulas: tuple[SizeFormula, ...] = ()
        out: Shape = shape
        if isinstance(layer, Conv | Pool | AdaptivePool):
            if len(shape) != 3:
                kind = "a convolution" if isinstance(layer, Conv) else "pooling"
                raise ValueError(
                    f"{where}: {kind} needs an n_H × n_W × n_c volume, got the flat shape {shape}"
                )
            n_h, n_w, n_c = shape
            if isinstance(layer, Conv):
                f, s, d, param = layer.kernel_size, layer.stride, layer.dilation, "kernel_size"
            elif isinstance(layer, Pool):
                s = layer.size if layer.stride is None else layer.stride  # set by Pool itself
                f, d, param = layer.size, 1, "size"
            else:
                for axis, n in (("H", n_h), ("W", n_w)):
                    if n % layer.output_size:
                        raise ValueError(
                            f"{where}: output_size {layer.output_size} must divide the input "
                            f"n_{axis} = {n} (the window is modelled as n / output_size)"
                        )
                f = s = n_h // layer.output_size
                d, param = 1, "output_size"
                if n_h // layer.output_size != n_w // layer.output_size:
                    raise ValueError(
                        f"{where}: output_size {layer.output_size} needs a square input to keep "
                        f"one window size, got n_H = {n_h}, n_W = {n_w}"
                    )
            pads = []
            for n in (n_h, n_w):
                padding = getattr(layer, "padding", 0)
                if padding == "same":
                    pads.append(same_padding(n, f, s, d))
                elif padding == "valid":
                    pads.append((0, 0))
                else:
                    pads.append((padding, padding))
            formulas = tuple(
                _size_formula(where, param, axis, n, f, s, d, pad)
                for axis, n, pad in (("H", n_h, pads[0]), ("W", n_w, pads[1]))
            )
            out_h, out_w = formulas[0].n_out, formulas[1].n_out
            if isinstance(layer, Conv):
                out = (out_h, out_w, layer.filters)
                weights = f * f * n_c * layer.filters
                biases = layer.filters if layer.bias else 0
                macs = out_h * out_w * layer.filters * f * f * n_c
            else:
                out = (out_h, out_w, n_c)
            assert rf is not None and jump is not None  # spatial input keeps both
            rf, jump = grow_receptive_field(rf, jump, f, s, d)
        elif isinstance(layer, Flatten):
            out = (math.prod(shape),)
            rf = jump = None
        elif isinstance(layer, Dense):
            if len(shape) != 1:
                raise ValueError(
                    f"{where}: units needs a flat input, got the volume {shape}; "
                    "add Flatten() before the first dense layer"
                )
            out = (layer.units,)
            weights = shape[0] * layer.units
            biases = layer.units if layer.bias else 0
            macs = weights
            rf = jump = None
        # Activation, Dropout and LRN keep the shape, the field of view and the cost.
        infos.append(
            LayerInfo(
                index=i + 1,
                layer=layer,
                label=layer.label,
                input_shape=shape,
                output_shape=out,
                weights=weights,
                biases=biases,
                macs=macs,
                activations=math.prod(out),
                receptive_field=rf,
                jump=jump,
                formulas=formulas,
            )
        )
        shape = out
    return infos


def total_params(infos: Sequence[LayerInfo]) -> int:
    """Sum of the parameters of all layers.

    >>> total_params(propagate((4,), [Dense(3), Dense(2)]))
    23
    """
    return sum(info.params for info in infos)


def receptive_field(layers: Sequence[Sequence[int]]) -> int:
    """Side of the input region that one output of the last layer sees.

    ``r = 1 + Σ_l d_l (k_l − 1) · Π_{i<l} s_i``: each layer widens the region
    by its span minus one, measured in input pixels, i.e. times the product of
    the strides before it. Padding does not change the size.

    Parameters
    ----------
    layers : sequence of (kernel_size, stride) or (kernel_size, stride, dilation)
        First layer first; all entries whole numbers of at least 1.

    Returns
    -------
    int
        ``1`` for an empty stack.

    Raises
    ------
    ValueError
        If an item is not a 2- or 3-tuple of whole numbers ≥ 1, naming the
        layer and the value.

    Examples
    --------
    >>> receptive_field([(3, 1)] * 3)
    7
    >>> receptive_field([(3, 1), (2, 2), (3, 1)])
    8
    >>> receptive_field([(3, 1, 2)])
    5
    >>> receptive_field([])
    1
    >>> receptive_field([(3, 0)])
    Traceback (most recent call last):
    ...
    ValueError: layer 1 (layers[0] = (3, 0)): stride must be at least 1, got 0
    """
    if isinstance(layers, str) or not isinstance(layers, Sequence):
        raise ValueError(f"layers must be a list of (kernel_size, stride) tuples, got {layers!r}")
    r, jump = 1, 1
    for i, item in enumerate(layers):
        where = f"layer {i + 1} (layers[{i}] = {item!r})"
        if isinstance(item, str) or not isinstance(item, Sequence) or len(item) not in (2, 3):
            raise ValueError(
                f"{where}: must be (kernel_size, stride) or (kernel_size, stride, dilation)"
            )
        names = ("kernel_size", "stride", "dilation")
        try:
            k, s, *rest = (
                as_int(v, name, minimum=1) for v, name in zip(item, names[: len(item)], strict=True)
            )
        except ValueError as err:
            raise ValueError(f"{where}: {err}") from None
        d = rest[0] if rest else 1
        r, jump = grow_receptive_field(r, jump, k, s, d)
    return r


def grow_receptive_field(
    r: int, jump: int, kernel_size: int, stride: int, dilation: int = 1
) -> tuple[int, int]:
    """One layer's step of ``r = 1 + Σ_l d_l (k_l − 1) Π_{i<l} s_i``: the one formula.

    A layer whose taps span ``d (k − 1) + 1`` of its input cells widens the
    field by ``d (k − 1)`` of them; one of its input cells is ``jump`` input
    pixels (the product of the strides before it), so in pixels the field
    grows by ``d (k − 1) · jump``, and the jump of its output is ``jump · s``.
    :func:`receptive_field`, :func:`propagate` and the receptive-field page's
    written-out formula all step through this function.

    Parameters
    ----------
    r, jump : int
        Receptive field and jump before the layer (1 and 1 at the input).
    kernel_size, stride, dilation : int
        The layer's k, s and d (already checked).

    Returns
    -------
    (int, int)
        ``r`` and ``jump`` after the layer.

    Examples
    --------
    >>> grow_receptive_field(1, 1, 3, 2)
    (3, 2)
    >>> grow_receptive_field(3, 2, 3, 1, dilation=2)
    (11, 2)
    """
    return r + (effective_size(kernel_size, dilation) - 1) * jump, jump * stride
