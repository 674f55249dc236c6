r"""A trained network as a graph of operators, walked by cnnviz's own arithmetic.

A :class:`Graph` is the plain form of an uploaded network: nodes named after
ONNX's operators (``Conv``, ``Relu``, ``MaxPool``, ``Gemm``, ...), their
attributes as Python numbers, tuples or arrays, and the constant tensors
(weights) by name. :mod:`cnnviz.data.networks` makes one from an ONNX file, or
from the named arrays of a safetensors or ``.npz`` file (:func:`sequential`).
Nothing here imports a framework: :func:`walk` computes every operator with
the core (:func:`cnnviz.conv2d`, :func:`cnnviz.pool2d`,
:func:`~cnnviz.core.activations.activate`, :func:`~cnnviz.core.nn.softmax`)
and NumPy, on tensors laid out as ONNX's are: ``N × C × H × W``.

The walk stops at the first operator it cannot compute (unsupported, or
inputs that do not fit), with the operator's name: everything before it is
kept. Each step records the node's output and, for convolutions and pools,
the output-size formula filled in (:func:`cnnviz.core.layers.size_formula`).

Parameter counts follow the lectures' formula generalised to groups:
``(f_H·f_W·n_c^[l-1]/groups)·n_c^[l]``, plus ``n_c^[l]`` with a bias.

>>> w = np.ones((2, 1, 3, 3), np.float32)
>>> g = Graph(nodes=(Node("Conv", "c", ("x", "w"), ("y",), {"pads": (1, 1, 1, 1)}),
...                  Node("Relu", "r", ("y",), ("z",), {})),
...           constants={"w": w}, input_name="x", input_shape=(1, 1, 4, 4), outputs=("z",))
>>> run = walk(g, np.ones((1, 1, 4, 4), np.float32))
>>> [s.output.shape for s in run.steps], run.stopped
([(1, 2, 4, 4), (1, 2, 4, 4)], None)
>>> run.steps[0].params, run.steps[0].params_formula
(18, '(3·3·1)·2')
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from cnnviz.core.activations import activate
from cnnviz.core.conv import conv2d
from cnnviz.core.layers import SizeFormula, size_formula
from cnnviz.core.nn import softmax
from cnnviz.core.pool import pool2d

__all__ = [
    "MAX_NODES",
    "OPSETS",
    "SUPPORTED",
    "Graph",
    "NetworkError",
    "Node",
    "Step",
    "Walk",
    "conv_weight_params",
    "StackLayer",
    "StackSettings",
    "occlusion",
    "order_nodes",
    "sequential",
    "walk",
]

#: At most this many operators are walked; the walk stops after them, with a message.
MAX_NODES = 100
#: The most values one operator's output may hold.
MAX_VALUES = 1 << 26
#: ONNX opsets whose operators the walker follows (default domain).
OPSETS = range(11, 22)


class NetworkError(ValueError):
    """An uploaded network cannot be read or walked; the message says why, in plain words.

    The one error type of :mod:`cnnviz.data.networks`' loaders: everything a
    loader refuses (format, size, external data, dtype, shapes that do not
    chain, cycles, missing inputs) raises this, never anything else.
    """


@dataclass(frozen=True)
class Node:
    """One operator: ONNX's ``op_type``, its name, the tensors it reads and writes, attributes.

    An omitted optional input is ``""``, as in ONNX.
    """

    op: str
    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    attrs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Graph:
    """A network: nodes in the order they run, constant tensors by name, one image input.

    ``input_shape`` is ``N × C × H × W`` (or the file's own order); ``None`` marks a
    dimension the file leaves open (the batch, or a free image size).
    """

    nodes: tuple[Node, ...]
    constants: Mapping[str, np.ndarray]
    input_name: str
    input_shape: tuple[int | None, ...]
    outputs: tuple[str, ...]
    opset: int = 17
    class_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """One operator walked: its output (the first one) and what the page lists about it."""

    index: int
    node: Node
    output: np.ndarray
    settings: Mapping[str, Any]
    params: int
    params_formula: str
    formulas: tuple[SizeFormula, ...] = ()
    macs: int = 0  # multiply-adds for this input


@dataclass(frozen=True)
class Walk:
    """The steps walked, and why the walk stopped early (None: it reached the end)."""

    steps: tuple[Step, ...]
    stopped: str | None
    stopped_at: Node | None = None

    @property
    def probabilities(self) -> np.ndarray | None:
        """The last step's output if it is a Softmax's: class probabilities (classes,)."""
        if self.stopped is None and self.steps and self.steps[-1].node.op == "Softmax":
            return self.steps[-1].output.reshape(-1)
        return None


# --- checks of the graph's shape ---------------------------------------------------------


def order_nodes(nodes: Sequence[Node], known: Sequence[str]) -> tuple[Node, ...]:
    """The nodes in an order where each reads only tensors made before it.

    Raises
    ------
    NetworkError
        If a node reads a tensor nothing makes (a missing input), if two
        nodes make the same tensor, or if the graph has a cycle.

    >>> a = Node("Relu", "a", ("x",), ("y",))
    >>> b = Node("Relu", "b", ("y",), ("z",))
    >>> [n.name for n in order_nodes([b, a], ["x"])]
    ['a', 'b']
    >>> order_nodes([Node("Relu", "c", ("q",), ("y",))], ["x"])
    Traceback (most recent call last):
    ...
    cnnviz.core.graph.NetworkError: node 'c' (Relu) reads 'q', which no node, weight or input makes
    """
    made: dict[str, str] = {}
    for node in nodes:
        for out in node.outputs:
            if not out:
                continue
            if out in made or out in known:
                raise NetworkError(f"the tensor {out!r} is made twice (by node {node.name!r})")
            made[out] = node.name
    have = set(known)
    for node in nodes:
        for name in node.inputs:
            if name and name not in have and name not in made:
                raise NetworkError(f"node {node.name!r} ({node.op}) reads {name!r}, which no "
                                   "node, weight or input makes")
    # Kahn's algorithm, in the file's order where it can: linear in nodes and edges.
    maker = {out: i for i, node in enumerate(nodes) for out in node.outputs if out}
    waits = [0] * len(nodes)
    readers: list[list[int]] = [[] for _ in nodes]
    for i, node in enumerate(nodes):
        for dep in {maker[name] for name in node.inputs if name and name not in have}:
            waits[i] += 1
            readers[dep].append(i)
    ready = [i for i, n in enumerate(waits) if n == 0]
    heapq.heapify(ready)
    ordered: list[Node] = []
    while ready:
        i = heapq.heappop(ready)
        ordered.append(nodes[i])
        for j in readers[i]:
            waits[j] -= 1
            if waits[j] == 0:
                heapq.heappush(ready, j)
    if len(ordered) < len(nodes):
        stuck = next(nodes[i] for i, n in enumerate(waits) if n > 0)
        raise NetworkError(f"the graph has a cycle: node {stuck.name!r} ({stuck.op}) waits "
                           "on its own output")
    return tuple(ordered)


# --- parameter counts -----------------------------------------------------------------------


def conv_weight_params(weight_shape: Sequence[int], groups: int = 1, bias: bool = True
                       ) -> tuple[int, str]:
    """Parameters of a convolution with ONNX weights ``(n_c^[l], n_c^[l-1]/groups, f_H, f_W)``.

    ``(f_H·f_W·n_c^[l-1]/groups)·n_c^[l]`` plus ``n_c^[l]`` for the bias: the
    lectures' ``(f·f·n_c^[l-1] + 1)·n_c^[l]`` when ``groups`` is 1.

    >>> conv_weight_params((8, 1, 3, 3))
    (80, '(3·3·1 + 1)·8')
    >>> conv_weight_params((32, 1, 3, 3), groups=32)  # depthwise
    (320, '(3·3·32/32)·32 + 32')
    """
    m, cg, kh, kw = (int(v) for v in weight_shape)
    n_prev = cg * groups
    weights = kh * kw * cg * m
    if groups == 1:
        text = f"({kh}·{kw}·{n_prev}{' + 1' if bias else ''})·{m}"
    else:
        text = f"({kh}·{kw}·{n_prev}/{groups})·{m}" + (f" + {m}" if bias else "")
    return weights + (m if bias else 0), text


# --- the operators ------------------------------------------------------------------------

Values = dict[str, np.ndarray]


class _Stop(Exception):
    """The walk cannot go on at this node; the message says why."""


def _ints(attrs: Mapping[str, Any], name: str, default: Sequence[int]) -> tuple[int, ...]:
    value = attrs.get(name)
    if value is None:
        return tuple(default)
    return tuple(int(v) for v in np.atleast_1d(value))


def _spatial_pads(op: str, attrs: Mapping[str, Any], sizes: Sequence[int],
                  kernel: Sequence[int], strides: Sequence[int], dilations: Sequence[int]
                  ) -> tuple[tuple[int, int], tuple[int, int]]:
    auto = attrs.get("auto_pad", "NOTSET")
    if isinstance(auto, bytes):
        auto = auto.decode()
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        pairs = []
        for n, k, s, d in zip(sizes, kernel, strides, dilations, strict=True):
            total = max((-(-n // s) - 1) * s + (k - 1) * d + 1 - n, 0)
            small, large = total // 2, total - total // 2
            pairs.append((small, large) if auto == "SAME_UPPER" else (large, small))
        return pairs[0], pairs[1]
    if auto == "VALID":
        return (0, 0), (0, 0)
    if auto != "NOTSET":
        raise _Stop(f"{op}: auto_pad {auto!r} is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID")
    pads = _ints(attrs, "pads", (0, 0, 0, 0))
    if len(pads) != 4 or min(pads) < 0:
        raise _Stop(f"{op}: pads must be four numbers ≥ 0 for a 2-D input, got {list(pads)}")
    return (pads[0], pads[2]), (pads[1], pads[3])


def _two(op: str, attrs: Mapping[str, Any], name: str, default: int) -> tuple[int, int]:
    value = _ints(attrs, name, (default, default))
    if len(value) != 2 or min(value) < 1:
        raise _Stop(f"{op}: {name} must be two numbers ≥ 1 for a 2-D input, got {list(value)}")
    return value[0], value[1]


def _image(x: np.ndarray, op: str) -> np.ndarray:
    if x.ndim != 4:
        raise _Stop(f"{op} needs an N × C × H × W input, got shape {x.shape}")
    return x


def _formulas(sizes: Sequence[int], kernel: Sequence[int], pads: Sequence[tuple[int, int]],
              strides: Sequence[int], dilations: Sequence[int]) -> tuple[SizeFormula, ...]:
    return tuple(size_formula(n, k, pad=p, stride=s, dilation=d, axis=axis)
                 for axis, n, k, p, s, d in zip("HW", sizes, kernel, pads, strides, dilations,
                                                strict=True))


def _conv(node: Node, x: np.ndarray, w: np.ndarray, b: np.ndarray | None) -> Step:
    x = _image(x, "Conv")
    if w.ndim != 4:
        raise _Stop(f"Conv: only 2-D convolutions are walked; the weights have shape {w.shape}")
    groups = int(node.attrs.get("group", 1))
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    if groups < 1 or c % groups or m % groups or cg * groups != c:
        raise _Stop(f"Conv: weights {w.shape} with groups={groups} do not fit an input of "
                    f"{c} channels (each filter must see {c}/{groups} channels)")
    if b is not None and b.shape != (m,):
        raise _Stop(f"Conv: the bias has shape {b.shape}, {m} filters need ({m},)")
    strides = _two("Conv", node.attrs, "strides", 1)
    dil = _two("Conv", node.attrs, "dilations", 1)
    ks = _ints(node.attrs, "kernel_shape", (kh, kw))
    if tuple(ks) != (kh, kw):
        raise _Stop(f"Conv: kernel_shape {list(ks)} differs from the weights' {kh} × {kw}")
    pads = _spatial_pads("Conv", node.attrs, (h, wd), (kh, kw), strides, dil)
    try:
        formulas = _formulas((h, wd), (kh, kw), pads, strides, dil)
    except ValueError as err:
        raise _Stop(f"Conv: {err}") from None
    mg = m // groups
    dtype = np.result_type(x.dtype, np.float32)
    out = np.empty((n, m, formulas[0].n_out, formulas[1].n_out), dtype=dtype)
    for i in range(n):
        for g in range(groups):
            img = np.ascontiguousarray(x[i, g * cg:(g + 1) * cg].transpose(1, 2, 0), dtype=dtype)
            bank = np.ascontiguousarray(w[g * mg:(g + 1) * mg].transpose(2, 3, 1, 0), dtype=dtype)
            bias = 0.0 if b is None else b[g * mg:(g + 1) * mg].astype(dtype)
            res = conv2d(img, bank, bias, stride=strides, padding=pads, dilation=dil)
            out[i, g * mg:(g + 1) * mg] = res.transpose(2, 0, 1)
    params, text = conv_weight_params(w.shape, groups, b is not None)
    settings = {"kernel": f"{kh} × {kw}", "filters": m, "stride": strides,
                "padding": pads, "dilation": dil, "groups": groups}
    macs = out[0].size * kh * kw * cg
    return Step(0, node, out, settings, params, text, formulas, macs)


def _pool_geometry(node: Node, x: np.ndarray) -> tuple[tuple[int, int], tuple[int, int],
                                                      tuple[tuple[int, int], ...],
                                                      tuple[SizeFormula, ...]]:
    op = node.op
    kernel = _two(op, node.attrs, "kernel_shape", 0) if "kernel_shape" in node.attrs else None
    if kernel is None:
        raise _Stop(f"{op}: kernel_shape is missing")
    strides = _two(op, node.attrs, "strides", 1)
    dil = _two(op, node.attrs, "dilations", 1)
    if dil != (1, 1):
        raise _Stop(f"{op}: dilated pooling (dilations {list(dil)}) is not walked")
    sizes = x.shape[2:]
    pads = list(_spatial_pads(op, node.attrs, sizes, kernel, strides, dil))
    if int(node.attrs.get("ceil_mode", 0)):
        for a in range(2):
            n, k, s = sizes[a], kernel[a], strides[a]
            room = n + sum(pads[a]) - k
            if room < 0:
                break
            out = -(-room // s) + 1
            if (out - 1) * s >= n + pads[a][0]:  # the last window must start inside
                out -= 1
            extra = (out - 1) * s + k - (n + sum(pads[a]))
            if extra > 0:
                if op == "AveragePool":
                    raise _Stop("AveragePool with ceil_mode=1 that adds a window is not walked")
                pads[a] = (pads[a][0], pads[a][1] + extra)
    try:
        formulas = _formulas(sizes, kernel, pads, strides, dil)
    except ValueError as err:
        raise _Stop(f"{op}: {err}") from None
    return kernel, strides, tuple(pads), formulas


def _pool(node: Node, x: np.ndarray) -> Step:
    x = _image(x, node.op)
    kernel, strides, pads, formulas = _pool_geometry(node, x)
    (pt, pb), (pl, pr) = pads
    hwc = x.transpose(0, 2, 3, 1)
    widths = ((0, 0), (pt, pb), (pl, pr), (0, 0))
    dtype = np.result_type(x.dtype, np.float32)
    out = []
    for i in range(x.shape[0]):
        if node.op == "MaxPool":
            padded = np.pad(hwc[i].astype(dtype), widths[1:], constant_values=-np.inf)
            res = pool2d(padded, kernel, stride=strides, mode="max")
        else:
            padded = np.pad(hwc[i].astype(dtype), widths[1:])
            res = pool2d(padded, kernel, stride=strides, mode="avg")
            if not int(node.attrs.get("count_include_pad", 0)) and any((pt, pb, pl, pr)):
                # ONNX's default: the mean of the cells inside the input only.
                inside = np.pad(np.ones(hwc.shape[1:3] + (1,), dtype), widths[1:])
                res = res / pool2d(inside, kernel, stride=strides, mode="avg")
        out.append(res.transpose(2, 0, 1))
    settings = {"window": f"{kernel[0]} × {kernel[1]}", "stride": strides, "padding": pads}
    return Step(0, node, np.stack(out), settings, 0, "no parameters", formulas)


def _axes(node: Node, values: Values, ndim: int) -> tuple[int, ...] | None:
    if len(node.inputs) > 1 and node.inputs[1]:
        raw = values[node.inputs[1]]
    elif "axes" in node.attrs:
        raw = node.attrs["axes"]
    else:
        return None
    return tuple(sorted(int(a) % ndim for a in np.atleast_1d(raw)))


def _reduce_mean(node: Node, x: np.ndarray, values: Values) -> np.ndarray:
    axes = _axes(node, values, x.ndim)
    if axes is None:
        if int(node.attrs.get("noop_with_empty_axes", 0)):
            return x
        axes = tuple(range(x.ndim))
    if x.ndim != 4 or axes != (2, 3):
        raise _Stop(f"ReduceMean over axes {list(axes)} of a {x.ndim}-D tensor: only the mean "
                    "over the spatial axes (2, 3) of N × C × H × W is walked")
    return np.asarray(x.mean(axis=axes, keepdims=bool(int(node.attrs.get("keepdims", 1)))))


def _batch_norm(node: Node, x: np.ndarray, p: list[np.ndarray]) -> np.ndarray:
    scale, bias, mean, var = p
    c = x.shape[1] if x.ndim >= 2 else 0
    if any(a.shape != (c,) for a in p):
        raise _Stop(f"BatchNormalization: scale, bias, mean and variance must each have shape "
                    f"({c},) for {c} channels, got {[a.shape for a in p]}")
    eps = float(node.attrs.get("epsilon", 1e-5))
    shape = (1, c) + (1,) * (x.ndim - 2)
    inv = (scale / np.sqrt(var.astype(np.float64) + eps)).astype(x.dtype)
    out = (x - mean.reshape(shape)) * inv.reshape(shape) + bias.reshape(shape)
    return np.asarray(out, dtype=x.dtype)


def _reshape(node: Node, x: np.ndarray, shape: np.ndarray) -> np.ndarray:
    target = [int(v) for v in np.atleast_1d(shape)]
    if not int(node.attrs.get("allowzero", 0)):
        target = [x.shape[i] if v == 0 and i < x.ndim else v for i, v in enumerate(target)]
    try:
        return x.reshape(target)
    except ValueError:
        raise _Stop(f"Reshape: {x.shape} ({x.size} values) cannot become {target}") from None


def _gemm(node: Node, a: np.ndarray, b: np.ndarray, c: np.ndarray | None) -> Step:
    if a.ndim != 2 or b.ndim != 2:
        raise _Stop(f"Gemm needs two matrices, got shapes {a.shape} and {b.shape}")
    if int(node.attrs.get("transA", 0)):
        a = a.T
    if int(node.attrs.get("transB", 0)):
        b = b.T
    if a.shape[1] != b.shape[0]:
        raise _Stop(f"Gemm: {a.shape[1]} inputs do not fit weights for {b.shape[0]} inputs "
                    "(the shapes do not chain)")
    y = float(node.attrs.get("alpha", 1.0)) * (a @ b)
    if c is not None:
        y = y + float(node.attrs.get("beta", 1.0)) * c
    n_in, n_out = b.shape
    params = n_in * n_out + (c.size if c is not None else 0)
    text = f"{n_in}·{n_out}" + (f" + {c.size}" if c is not None else "")
    return Step(0, node, y.astype(np.result_type(a, np.float32)), {"units": n_out}, params, text,
                macs=n_in * n_out)


def _softmax(node: Node, x: np.ndarray, opset: int) -> np.ndarray:
    axis = int(node.attrs.get("axis", -1 if opset >= 13 else 1)) % max(x.ndim, 1)
    if opset < 13:  # older opsets: the tensor as 2-D, softmax over everything from axis on
        flat = x.reshape(math.prod(x.shape[:axis]), -1)
        return softmax(flat).reshape(x.shape)
    return np.moveaxis(softmax(np.moveaxis(x, axis, -1)), -1, axis)


_ACTIVATIONS: Mapping[str, Callable[[np.ndarray, Mapping[str, Any]], np.ndarray]] = \
    MappingProxyType({
        "Relu": lambda x, a: activate(x, "relu"),
        "LeakyRelu": lambda x, a: activate(x, "leaky_relu", slope=float(a.get("alpha", 0.01))),
        "Sigmoid": lambda x, a: activate(x, "sigmoid"),
        "Tanh": lambda x, a: activate(x, "tanh"),
    })

#: Every operator :func:`walk` computes.
SUPPORTED = ("Conv", *_ACTIVATIONS, "Clip", "MaxPool", "AveragePool", "GlobalAveragePool",
             "ReduceMean", "BatchNormalization", "Flatten", "Reshape", "Transpose", "Concat",
             "Add", "Sub", "Mul", "Div", "Gemm", "MatMul", "Identity", "Dropout", "Softmax",
             "Shape", "Gather", "Unsqueeze", "Squeeze")

_ARITHMETIC = MappingProxyType({"Add": np.add, "Sub": np.subtract, "Mul": np.multiply,
                                "Div": np.divide})


def _axes_of(node: Node, values: Values, rank: int) -> tuple[int, ...]:
    """Unsqueeze's and Squeeze's axes: an attribute before opset 13, an input from 13 on."""
    axes = _axes(node, values, rank)
    if axes is None:
        raise _Stop(f"{node.op} needs its axes")
    return axes


def _param_count(node: Node, constants: Mapping[str, np.ndarray]) -> tuple[int, str]:
    if node.op == "BatchNormalization":
        c = constants[node.inputs[1]].size if node.inputs[1] in constants else 0
        return 2 * c, f"2·{c} (γ and β; the running mean and variance are measured, not learned)"
    if node.op == "MatMul" and node.inputs[1] in constants:
        w = constants[node.inputs[1]]
        if w.ndim == 2:
            return w.size, f"{w.shape[0]}·{w.shape[1]}"
    return 0, "no parameters"


def _one(node: Node, values: Values, opset: int, constants: Mapping[str, np.ndarray]
         ) -> tuple[Step, list[np.ndarray]]:
    op = node.op
    ins = [values[name] if name else None for name in node.inputs]
    x = ins[0] if ins else None
    if x is None:
        raise _Stop(f"{op} has no input")
    if op == "Conv":
        if len(ins) < 2 or ins[1] is None:
            raise _Stop("Conv has no weights")
        step = _conv(node, x, ins[1], ins[2] if len(ins) > 2 else None)
        return step, [step.output]
    if op in ("MaxPool", "AveragePool"):
        step = _pool(node, x)
        return step, [step.output]
    if op == "Gemm":
        if len(ins) < 2 or ins[1] is None:
            raise _Stop("Gemm has no weights")
        step = _gemm(node, x, ins[1], ins[2] if len(ins) > 2 else None)
        return step, [step.output]
    settings: dict[str, Any] = {}
    if op in _ACTIVATIONS:
        y = _ACTIVATIONS[op](x, node.attrs)
    elif op == "GlobalAveragePool":
        y = _image(x, op).mean(axis=(2, 3), keepdims=True)
    elif op == "ReduceMean":
        y = _reduce_mean(node, x, values)
    elif op == "BatchNormalization":
        if len(ins) < 5 or any(a is None for a in ins[1:5]):
            raise _Stop("BatchNormalization needs scale, bias, mean and variance")
        y = _batch_norm(node, x, [a for a in ins[1:5] if a is not None])
        settings = {"epsilon": float(node.attrs.get("epsilon", 1e-5))}
    elif op == "Flatten":
        axis = int(node.attrs.get("axis", 1))
        axis = axis + x.ndim if axis < 0 else axis  # ONNX: -r ≤ axis ≤ r
        if not 0 <= axis <= x.ndim:
            raise _Stop(f"Flatten: axis {node.attrs.get('axis')} of a {x.ndim}-D tensor")
        y = x.reshape(math.prod(x.shape[:axis]), -1)
    elif op == "Reshape":
        if len(ins) < 2 or ins[1] is None:
            raise _Stop("Reshape has no target shape")
        y = _reshape(node, x, ins[1])
    elif op == "Transpose":
        perm = _ints(node.attrs, "perm", tuple(range(x.ndim))[::-1])
        if sorted(perm) != list(range(x.ndim)):
            raise _Stop(f"Transpose: perm {list(perm)} does not fit a {x.ndim}-D tensor")
        y = x.transpose(perm)
        settings = {"perm": perm}
    elif op == "Concat":
        parts = [a for a in ins if a is not None]
        try:
            y = np.concatenate(parts, axis=int(node.attrs.get("axis", 1)))
        except (ValueError, np.exceptions.AxisError) as err:
            raise _Stop(f"Concat: {err}") from None
    elif op in _ARITHMETIC:
        if len(ins) < 2 or ins[1] is None:
            raise _Stop(f"{op} needs two inputs")
        try:
            shape = np.broadcast_shapes(x.shape, ins[1].shape)
        except ValueError:
            raise _Stop(f"{op}: shapes {x.shape} and {ins[1].shape} do not broadcast") from None
        if math.prod(shape) > MAX_VALUES:
            raise _Stop(f"{op}: the result would hold {math.prod(shape):,} values (shape "
                        f"{shape}), more than the {MAX_VALUES:,} the walk keeps")
        if op == "Div" and x.dtype.kind in "iu" and ins[1].dtype.kind in "iu":
            if np.any(ins[1] == 0):
                raise _Stop("Div: an integer division by 0")
            y = np.trunc(x / ins[1]).astype(np.result_type(x, ins[1]))
        else:
            y = _ARITHMETIC[op](x, ins[1])
    elif op == "Clip":
        lo = ins[1] if len(ins) > 1 and ins[1] is not None else node.attrs.get("min")
        hi = ins[2] if len(ins) > 2 and ins[2] is not None else node.attrs.get("max")
        y = x
        if lo is not None:
            y = np.maximum(y, np.asarray(lo, dtype=x.dtype))
        if hi is not None:
            y = np.minimum(y, np.asarray(hi, dtype=x.dtype))
        settings = {"min": None if lo is None else float(np.asarray(lo)),
                    "max": None if hi is None else float(np.asarray(hi))}
    elif op == "Shape":
        dims = np.array(x.shape, dtype=np.int64)
        start = int(node.attrs.get("start", 0))
        end = node.attrs.get("end")
        y = dims[start:None if end is None else int(end)]
    elif op == "Gather":
        if len(ins) < 2 or ins[1] is None:
            raise _Stop("Gather needs indices")
        axis = int(node.attrs.get("axis", 0))
        try:
            y = np.take(x, np.asarray(ins[1], dtype=np.int64), axis=axis)
        except (IndexError, np.exceptions.AxisError) as err:
            raise _Stop(f"Gather: {err}") from None
        if y.size > MAX_VALUES:
            raise _Stop("Gather: the result would be too large")
    elif op == "Unsqueeze":
        axes = _axes_of(node, values, x.ndim + len(np.atleast_1d(
            ins[1] if len(ins) > 1 and ins[1] is not None else node.attrs.get("axes", ()))))
        y = np.expand_dims(x, axes)
    elif op == "Squeeze":
        squeeze = _axes(node, values, x.ndim)
        try:
            y = np.squeeze(x) if squeeze is None else np.squeeze(x, axis=squeeze)
        except ValueError:
            raise _Stop(f"Squeeze: axes {list(squeeze or ())} of {x.shape} are not 1") from None
    elif op == "MatMul":
        if len(ins) < 2 or ins[1] is None:
            raise _Stop("MatMul needs two inputs")
        b = ins[1]
        if x.ndim >= 1 and b.ndim >= 1 and x.size // max(x.shape[-1], 1) * b.shape[-1] > MAX_VALUES:
            raise _Stop(f"MatMul: the product of {x.shape} and {b.shape} would be too large")
        try:
            y = np.matmul(x, b)
        except ValueError:
            raise _Stop(f"MatMul: shapes {x.shape} and {ins[1].shape} do not chain") from None
    elif op in ("Identity", "Dropout"):
        y = x
    elif op == "Softmax":
        y = _softmax(node, x, opset)
    else:
        raise _Stop(f"the operator {op} is not supported")
    y = np.asarray(y)
    if y.dtype.kind == "f" and y.dtype != x.dtype and x.dtype.kind == "f":
        y = y.astype(np.result_type(x.dtype, np.float32))
    params, text = _param_count(node, constants)
    outs = [y]
    if op == "Dropout" and len(node.outputs) > 1:
        outs.append(np.ones(x.shape, dtype=bool))
    return Step(0, node, y, settings, params, text), outs


def walk(graph: Graph, x: np.ndarray, *, max_nodes: int = MAX_NODES,
         keep: Callable[[Node], bool] | None = None) -> Walk:
    """Run ``x`` through ``graph`` operator by operator, with cnnviz's own arithmetic.

    Parameters
    ----------
    graph : Graph
        Nodes in running order (:func:`order_nodes`).
    x : numpy.ndarray
        The input, shaped as ``graph.input_shape`` with the open dimensions filled.
    max_nodes : int, keyword-only
        Stop after this many operators, with a message.
    keep : callable, optional, keyword-only
        Which nodes' outputs to keep in the steps (default: all).

    Returns
    -------
    Walk
        One :class:`Step` per operator walked; ``stopped`` says why the walk
        ended early (an unsupported operator, inputs that do not fit, the limit),
        naming the operator. It never raises for what a graph holds.
    """
    values: Values = dict(graph.constants)
    values[graph.input_name] = np.asarray(x)
    steps: list[Step] = []
    for i, node in enumerate(graph.nodes):
        if i >= max_nodes:
            return Walk(tuple(steps), f"the walk stops after {max_nodes} operators (the limit); "
                        f"{len(graph.nodes) - max_nodes} more follow", node)
        if node.op not in SUPPORTED:
            return Walk(tuple(steps), f"operator {node.op} (node {node.name!r}) is not "
                        f"supported; the walk stops here. Supported: {', '.join(SUPPORTED)}",
                        node)
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                step, outs = _one(node, values, graph.opset, graph.constants)
        except _Stop as stop:
            return Walk(tuple(steps), f"{stop} (node {node.name!r}); the walk stops here", node)
        except ValueError as err:  # the core refused the numbers (e.g. an overflow)
            return Walk(tuple(steps), f"{node.op} (node {node.name!r}): {err}; the walk stops "
                        "here", node)
        if step.output.dtype.kind == "f" and not np.isfinite(step.output).all():
            return Walk(tuple(steps), f"{node.op} (node {node.name!r}) gave values that are not "
                        "finite (an overflow); the walk stops here", node)
        for name, value in zip(node.outputs, outs, strict=False):
            if name:
                values[name] = value
        if keep is None or keep(node):
            macs = step.macs
            if node.op == "MatMul" and step.params:
                macs = step.output.size * graph.constants[node.inputs[1]].shape[0]
            steps.append(Step(i + 1, node, step.output, step.settings, step.params,
                              step.params_formula, step.formulas, macs))
    return Walk(tuple(steps), None)


def occlusion(graph: Graph, x: np.ndarray, target: int, *, patch: int, stride: int,
              fill: float, should_stop: Callable[[], bool] | None = None,
              progress: Callable[[float], None] | None = None) -> np.ndarray | None:
    """How the probability of class ``target`` falls when a ``patch``-square hides each place.

    ``x`` is the network's input (1, C, H, W) when the graph takes N × C × H × W;
    the patch, filled with ``fill``, slides over the last two axes with ``stride``.
    Returns the map of the original probability minus the occluded one
    (rows × columns of patch positions), or None if ``should_stop`` said so.
    """
    probs = _final(graph, x)
    if probs is None:
        raise NetworkError("the network does not reach a prediction (a Softmax at the end)")
    h, w = x.shape[-2:]
    ys = list(range(0, max(h - patch, 0) + 1, stride))
    xs = list(range(0, max(w - patch, 0) + 1, stride))
    out = np.zeros((len(ys), len(xs)))
    total = len(ys) * len(xs)
    for a, top in enumerate(ys):
        for b, left in enumerate(xs):
            if should_stop is not None and should_stop():
                return None
            hidden = x.copy()
            hidden[..., top:top + patch, left:left + patch] = fill
            p = _final(graph, hidden)
            out[a, b] = probs[target] - (p[target] if p is not None else 0.0)
            done = a * len(xs) + b + 1
            # At most about a hundred reports: each one is a message to the browser.
            if progress is not None and (done * 100 // total > (done - 1) * 100 // total
                                         or done == total):
                progress(done / total)
    return out


def _final(graph: Graph, x: np.ndarray) -> np.ndarray | None:
    run = walk(graph, x, keep=lambda n: n is graph.nodes[-1])
    return run.probabilities


# --- a plain stack of named layers as a graph ---------------------------------------------


@dataclass(frozen=True)
class StackLayer:
    """One layer of a network known only by its arrays' names (safetensors, ``.npz``).

    ``kind`` is ``"conv"`` (``weight`` in ONNX's ``out × in × f_H × f_W``),
    ``"dense"`` (``weight`` is ``out × in``) or ``"batchnorm"`` (``weight`` is
    γ, ``bias`` β, ``stats`` the running mean and variance). ``name`` is the
    file's prefix, e.g. ``"features.0"``.
    """

    name: str
    kind: str
    weight: np.ndarray
    bias: np.ndarray | None = None
    stats: tuple[np.ndarray, np.ndarray] | None = None


@dataclass(frozen=True)
class StackSettings:
    """What a file of named arrays does not say about a layer: the user's settings.

    ``padding`` is ``"same"``, ``"valid"`` or a number of zeros on each side;
    ``pool`` is the max-pool window after the layer's activation (0: none).
    """

    stride: int = 1
    padding: str | int = "same"
    activation: str = "relu"
    pool: int = 0
    pool_mode: str = "max"


_ONNX_ACTIVATION = MappingProxyType({"relu": "Relu", "leaky_relu": "LeakyRelu",
                                     "sigmoid": "Sigmoid", "tanh": "Tanh"})


def sequential(layers: Sequence[StackLayer], settings: Sequence[StackSettings],
               input_shape: Sequence[int], *, flatten: str = "chw",
               global_pool: bool = False, softmax_last: bool = True) -> Graph:
    """The graph of a plain stack: conv → activation → pool … → flatten → dense … → softmax.

    Parameters
    ----------
    layers : sequence of StackLayer
        In running order.
    settings : sequence of StackSettings
        One per layer (ignored for batch normalisation).
    input_shape : (C, H, W)
        The image the network takes.
    flatten : {"chw", "hwc"}, keyword-only
        The order the first dense layer reads the last maps in: PyTorch's
        ``C × H × W``, or Keras's and this app's ``H × W × C`` (a Transpose first).
    global_pool : bool, keyword-only
        Average each map to one number before the first dense layer.
    softmax_last : bool, keyword-only
        End with a softmax over the last layer's outputs.

    Returns
    -------
    Graph
        Nodes named after the layers' own names, so the page shows them.
    """
    if len(settings) != len(layers):
        raise NetworkError(f"settings must give one entry per layer ({len(layers)}), got "
                           f"{len(settings)}")
    if flatten not in ("chw", "hwc"):
        raise NetworkError(f"flatten must be 'chw' or 'hwc', got {flatten!r}")
    c, h, w = (int(v) for v in input_shape)
    nodes: list[Node] = []
    consts: dict[str, np.ndarray] = {}
    cur = "input"
    flat = False

    def add(op: str, name: str, extra: Sequence[str] = (), **attrs: Any) -> None:
        nonlocal cur
        out = f"{name}:{op}"
        nodes.append(Node(op, name, (cur, *extra), (out,), attrs))
        cur = out

    for layer, s in zip(layers, settings, strict=True):
        wname = f"{layer.name}.weight"
        consts[wname] = layer.weight
        extra = [wname]
        if layer.bias is not None:
            consts[f"{layer.name}.bias"] = layer.bias
            extra.append(f"{layer.name}.bias")
        if layer.kind == "batchnorm":
            if flat or layer.stats is None or layer.bias is None:
                raise NetworkError(f"{layer.name}: batch normalisation needs γ, β, a running "
                                   "mean and variance, before the first dense layer")
            consts[f"{layer.name}.mean"], consts[f"{layer.name}.var"] = layer.stats
            add("BatchNormalization", layer.name, [wname, f"{layer.name}.bias",
                                                   f"{layer.name}.mean", f"{layer.name}.var"])
        elif layer.kind == "conv":
            if flat:
                raise NetworkError(f"{layer.name}: a convolution after a dense layer cannot "
                                   "be walked")
            kh, kw = layer.weight.shape[2:]
            attrs: dict[str, Any]
            if s.padding == "same":
                if s.stride == 1:
                    attrs = {"pads": ((kh - 1) // 2, (kw - 1) // 2, kh // 2, kw // 2)}
                else:
                    attrs = {"auto_pad": "SAME_UPPER"}
            elif s.padding == "valid":
                attrs = {"pads": (0, 0, 0, 0)}
            else:
                p = int(s.padding)
                attrs = {"pads": (p, p, p, p)}
            add("Conv", layer.name, extra, strides=(s.stride, s.stride), **attrs)
        else:
            if not flat:
                if global_pool:
                    add("GlobalAveragePool", f"{layer.name} (global average)")
                if flatten == "hwc":
                    add("Transpose", f"{layer.name} (to H × W × C)", perm=(0, 2, 3, 1))
                add("Flatten", f"{layer.name} (flatten)", axis=1)
                flat = True
            add("Gemm", layer.name, extra, transB=1)
        if s.activation != "none":
            if s.activation not in _ONNX_ACTIVATION:
                raise NetworkError(f"activation must be one of none, "
                                   f"{', '.join(_ONNX_ACTIVATION)}; got {s.activation!r}")
            add(_ONNX_ACTIVATION[s.activation], f"{layer.name} ({s.activation})")
        if s.pool and not flat:
            op = "MaxPool" if s.pool_mode == "max" else "AveragePool"
            add(op, f"{layer.name} (pool)", kernel_shape=(s.pool, s.pool),
                strides=(s.pool, s.pool))
    if softmax_last:
        add("Softmax", "softmax", axis=-1)
    return Graph(tuple(nodes), MappingProxyType(consts), "input", (1, c, h, w), (cur,))
