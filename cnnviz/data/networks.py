r"""Trained networks in: safetensors, ``.npz`` and ONNX files, read safely from their bytes.

:func:`load_network` reads an upload's bytes and its file name, and returns a
:class:`Loaded`: for ONNX the graph (:class:`cnnviz.core.graph.Graph`), for
safetensors and ``.npz`` the named arrays, grouped into layers by
:func:`read_stack`. Whatever goes wrong raises :class:`NetworkError` (a
``ValueError``) with a message that names the problem, and nothing else: the
loaders are fuzzed with random and mutated bytes (``tests/unit/test_networks.py``).

Safety, in the order the checks run:

- at most :data:`MAX_FILE_BYTES` (50 MB) per file; an ``.npz`` also at most
  :data:`MAX_NPZ_BYTES` once unpacked (a zip can expand a thousandfold), and
  each array's declared size is checked against its member before it is read;
- pickle-based files (``.pt``, ``.pth``, ``.pkl``, ...) are refused, because
  unpickling runs code, and so are Keras's ``.h5``/``.keras`` (HDF5 parsers have
  had memory-safety bugs on crafted files); the message gives the three-line
  export (:data:`EXPORT_HELP`). ``.npz`` arrays are read with
  ``allow_pickle=False``; no framework's model loader is ever called;
- ONNX is parsed from the bytes (``onnx.load_model_from_string``, never
  ``onnx.load``, which reads external data relative to the file's folder), and
  every tensor marked as external data is refused *before* any tensor is
  converted (``numpy_helper.to_array`` would read it from the server's disk):
  initializers, sparse initializers, every node's tensor attributes, subgraphs,
  functions and training graphs;
- weights must be float16, float32 or float64 and finite; bfloat16 gets its own
  message (safetensors' NumPy API raises ``KeyError('BF16')`` on it);
- at most :data:`MAX_LAYERS` layers in a file of named arrays.

>>> from cnnviz.lessons.digits import MODEL_FILE
>>> net = load_network(MODEL_FILE.read_bytes(), "digits_cnn.npz")
>>> net.format, [a.name for a in net.ignored][:3]
('npz', ['seed', 'h_steps', 'h_loss'])
>>> stack = read_stack(net)
>>> stack.layout, [layer.kind for layer in stack.layers], stack.input_shape
('keras', ['conv', 'conv', 'dense'], (1, 28, 28))
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from types import MappingProxyType
from typing import Any

import numpy as np

from cnnviz.core.graph import (
    OPSETS,
    Graph,
    NetworkError,
    Node,
    StackLayer,
    StackSettings,
    order_nodes,
    sequential,
)

__all__ = [
    "EXPORT_HELP",
    "FORMATS",
    "MAX_FILE_BYTES",
    "MAX_LAYERS",
    "MAX_NPZ_BYTES",
    "Ignored",
    "Loaded",
    "NetworkError",
    "Stack",
    "load_network",
    "read_stack",
    "stack_graph",
]

MAX_FILE_BYTES = 50 * 1024 * 1024
#: An .npz's arrays together, unpacked.
MAX_NPZ_BYTES = 200 * 1024 * 1024
#: Layers (arrays grouped by name) in a safetensors or .npz file.
MAX_LAYERS = 100
#: ONNX graphs with more operators than this are refused before they are sorted.
MAX_ONNX_NODES = 5000
#: The largest image a network's input may ask for.
MAX_INPUT_SIDE = 1024
MAX_INPUT_VALUES = 3 * 1024 * 1024
FORMATS = MappingProxyType({".safetensors": "safetensors", ".npz": "npz", ".onnx": "onnx"})
_PICKLED = (".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".bin", ".joblib")
_HDF5 = (".h5", ".hdf5", ".keras")
_FLOATS = ("float16", "float32", "float64")

EXPORT_HELP = """\
Export the weights to safetensors or ONNX; three lines each:

PyTorch → safetensors (pip install safetensors):
    from safetensors.torch import save_file
    model.eval()
    save_file(model.state_dict(), "my_cnn.safetensors")

PyTorch → ONNX (the graph too: stride, padding, groups):
    import torch
    model.eval()
    torch.onnx.export(model, torch.zeros(1, 3, 32, 32), "my_cnn.onnx", opset_version=17)

Keras → ONNX (pip install tf2onnx):
    import tensorflow as tf, tf2onnx
    spec = (tf.TensorSpec((1, 28, 28, 1), tf.float32, name="input"),)
    tf2onnx.convert.from_keras(model, input_signature=spec, output_path="my_cnn.onnx")

(Use your own input shape in place of 1 × 3 × 32 × 32 or 1 × 28 × 28 × 1.)"""


@dataclass(frozen=True)
class Ignored:
    """An array in the file that is not a weight: listed, not used."""

    name: str
    shape: tuple[int, ...]
    dtype: str
    reason: str


@dataclass(frozen=True)
class Loaded:
    """A network file read: its format, its graph (ONNX) or its named arrays (the others)."""

    name: str
    format: str
    size: int
    graph: Graph | None = None
    arrays: Mapping[str, np.ndarray] = field(default_factory=dict)
    order: tuple[str, ...] = ()  # the arrays' names in the file's order
    ignored: tuple[Ignored, ...] = ()
    class_names: tuple[str, ...] = ()


def load_network(data: bytes, filename: str) -> Loaded:
    """Read a network file's bytes; the extension of ``filename`` says the format.

    Raises
    ------
    NetworkError
        For every file that cannot be used, with a message naming why: a refused
        format (with :data:`EXPORT_HELP`), too large, truncated or damaged,
        external data, bfloat16 or non-finite weights, too many layers, a graph
        with a cycle or a missing input, an unsupported opset.
    """
    name = PurePath(str(filename)).name or "the file"
    ext = PurePath(name.lower()).suffix
    if ext in _PICKLED:
        raise NetworkError(f"{name}: {ext} files are pickles, and loading a pickle runs "
                           f"whatever code it holds, so the app never opens one.\n\n{EXPORT_HELP}")
    if ext in _HDF5:
        raise NetworkError(f"{name}: {ext} files are HDF5, whose parsers have had memory-safety "
                           f"bugs on crafted files, so the app does not open them.\n\n"
                           f"{EXPORT_HELP}")
    if ext not in FORMATS:
        raise NetworkError(f"{name}: the app reads .safetensors, .npz and .onnx files, not "
                           f"{ext or 'a file without an extension'}.\n\n{EXPORT_HELP}")
    if not isinstance(data, bytes | bytearray | memoryview):
        raise NetworkError(f"{name}: expected the file's bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) > MAX_FILE_BYTES:
        raise NetworkError(f"{name} is {len(data) / 2**20:.1f} MB; the limit is "
                           f"{MAX_FILE_BYTES // 2**20} MB per file")
    if not data:
        raise NetworkError(f"{name} is empty")
    kind = FORMATS[ext]
    if kind == "onnx":
        return _onnx(data, name)
    arrays, order, names = _safetensors(data, name) if kind == "safetensors" else _npz(data, name)
    return Loaded(name, kind, len(data), None, MappingProxyType(arrays), order,
                  _ignored(arrays, order), names)


# --- safetensors ------------------------------------------------------------------------------


def _safetensors(data: bytes, name: str
                 ) -> tuple[dict[str, np.ndarray], tuple[str, ...], tuple[str, ...]]:
    if len(data) < 8:
        raise NetworkError(f"{name} is truncated: {len(data)} bytes, shorter than the 8-byte "
                           "header length a safetensors file starts with")
    n = int.from_bytes(data[:8], "little")
    if n > len(data) - 8:
        raise NetworkError(f"{name}: its header says it is {n:,} bytes long, larger than the "
                           f"file ({len(data):,} bytes): the file is truncated or not safetensors")
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise NetworkError(f"{name}: its header is not valid JSON: not a safetensors file, "
                           "or a damaged one") from None
    if not isinstance(header, dict):
        raise NetworkError(f"{name}: its header is not a table of tensors")
    meta = header.get("__metadata__")
    for key, entry in header.items():
        if key != "__metadata__" and isinstance(entry, dict) and entry.get("dtype") == "BF16":
            raise NetworkError(_bf16(name, key))
    try:
        from safetensors.numpy import load
        arrays = load(data)
    except KeyError as err:
        if err.args and err.args[0] == "BF16":
            raise NetworkError(_bf16(name, "a tensor")) from None
        raise NetworkError(f"{name}: a tensor has the dtype {err.args[0] if err.args else '?'}, "
                           "which NumPy cannot hold; save float32 weights") from None
    except Exception as err:  # the library's own SafetensorError and friends: a damaged file
        raise NetworkError(f"{name} is not a valid safetensors file: {_short(err)}") from None
    # The file's order: by where each tensor's data starts (the saving order).
    def start(key: str) -> int:
        entry = header.get(key)
        if not isinstance(entry, dict):
            return 0
        try:
            return int(entry["data_offsets"][0])
        except (TypeError, KeyError, IndexError, ValueError):
            return 0
    order = tuple(sorted(arrays, key=lambda k: (start(k), k)))
    return arrays, order, _class_names(meta if isinstance(meta, dict) else {})


def _bf16(name: str, tensor: str) -> str:
    return (f"{name}: {tensor!s} is bfloat16, which NumPy cannot hold. Save float32 weights: "
            "save_file({k: v.float() for k, v in model.state_dict().items()}, ...)")


def _short(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text if len(text) < 200 else text[:200] + "…"


# --- npz -----------------------------------------------------------------------------------


def _npz(data: bytes, name: str
         ) -> tuple[dict[str, np.ndarray], tuple[str, ...], tuple[str, ...]]:
    if not data.startswith(b"PK"):
        raise NetworkError(f"{name} is not an .npz file (an .npz is a zip archive, and this "
                           "does not start like one)")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception as err:  # BadZipFile, a truncated directory, ...
        raise NetworkError(f"{name} is not a readable .npz (zip) file: {_short(err)}") from None
    if len(infos) > 10 * MAX_LAYERS:
        raise NetworkError(f"{name} holds {len(infos):,} arrays; at most {10 * MAX_LAYERS:,} "
                           "are read")
    total = sum(i.file_size for i in infos)
    if total > MAX_NPZ_BYTES:
        raise NetworkError(f"{name} unpacks to {total / 2**20:,.0f} MB; the limit is "
                           f"{MAX_NPZ_BYTES // 2**20} MB (a zip can expand a thousandfold)")
    arrays: dict[str, np.ndarray] = {}
    order = []
    try:
        npz = np.load(io.BytesIO(data), allow_pickle=False)
    except Exception as err:
        raise NetworkError(f"{name} is not a readable .npz file: {_short(err)}") from None
    with npz:
        for info in infos:
            key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            _check_member(zf, info, name, key)
            try:
                value = npz[key]
            except Exception as err:  # truncated, bad CRC, object arrays, ...
                raise NetworkError(f"{name}: the array {key!r} cannot be read: "
                                   f"{_short(err)}") from None
            if not isinstance(value, np.ndarray):
                raise NetworkError(f"{name}: {key!r} is not an array")
            arrays[key] = value
            order.append(key)
    return arrays, tuple(order), ()


def _check_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, key: str) -> None:
    """The array's header before its data: no objects, no more bytes than the member has."""
    fmt = np.lib.format
    try:
        with zf.open(info) as fp:
            version = fmt.read_magic(fp)
            if version == (1, 0):
                shape, _, dtype = fmt.read_array_header_1_0(fp)
            elif version == (2, 0):
                shape, _, dtype = fmt.read_array_header_2_0(fp)
            else:
                raise ValueError(f"unknown .npy version {version}")
    except Exception as err:
        raise NetworkError(f"{name}: the array {key!r} has no valid .npy header: "
                           f"{_short(err)}") from None
    if dtype.hasobject:
        raise NetworkError(f"{name}: the array {key!r} holds Python objects (a pickle); the app "
                           "never unpickles")
    if math.prod(shape) * dtype.itemsize > info.file_size:
        raise NetworkError(f"{name}: the array {key!r} declares {shape} of {dtype}, more than "
                           f"its {info.file_size:,} bytes: the file is damaged")


# --- arrays that are not weights ---------------------------------------------------------------


def _ignored(arrays: Mapping[str, np.ndarray], order: Sequence[str]) -> tuple[Ignored, ...]:
    used = {key for group in _groups(arrays, order).values() for key in group.values()}
    out = []
    for key in order:
        if key in used:
            continue
        a = arrays[key]
        if a.dtype.kind not in "f":
            reason = f"{a.dtype}: not a weight"
        elif a.ndim not in (1, 2, 4):
            reason = f"{a.ndim}-D: neither a convolution's nor a dense layer's weights"
        else:
            reason = "not part of a layer (no weight of the same name beside it)"
        out.append(Ignored(key, tuple(a.shape), str(a.dtype), reason))
    return tuple(out)


_ROLES = MappingProxyType({"weight": "weight", "kernel": "weight", "w": "weight", "gamma": "weight",
          "bias": "bias", "b": "bias", "beta": "bias",
          "running_mean": "mean", "moving_mean": "mean",
          "running_var": "var", "moving_variance": "var"})


def _split_name(key: str) -> tuple[str, str] | None:
    """``conv1.weight`` → ('conv1', 'weight'); ``W4`` → ('layer 4', 'weight'); None if no role."""
    clean = key.replace("/", ".").removesuffix(":0")
    m = re.fullmatch(r"([WwBb])_?(\d+)", clean)
    if m:
        return f"layer {m.group(2)}", "weight" if m.group(1) in "Ww" else "bias"
    prefix, _, last = clean.rpartition(".")
    role = _ROLES.get(last.lower())
    if role is None or not prefix:
        return None
    return prefix, role


def _groups(arrays: Mapping[str, np.ndarray], order: Sequence[str]) -> dict[str, dict[str, str]]:
    """Layer prefix → {role: array name}, for float arrays that make up a layer."""
    groups: dict[str, dict[str, str]] = {}
    for key in order:
        a = arrays[key]
        split = _split_name(key)
        if split is None or a.dtype.kind != "f":
            continue
        groups.setdefault(split[0], {})[split[1]] = key
    out = {}
    for prefix, roles in groups.items():
        if "weight" not in roles:
            continue
        w = arrays[roles["weight"]]
        if w.ndim in (2, 4) or (w.ndim == 1 and "mean" in roles and "var" in roles):
            out[prefix] = roles
    return out


# --- ONNX ---------------------------------------------------------------------------------------


def _external(tensor: Any) -> bool:
    from onnx import TensorProto
    return tensor.data_location == TensorProto.EXTERNAL or len(tensor.external_data) > 0


def _refuse_external_graph(graph: Any, where: str) -> None:
    for t in graph.initializer:
        if _external(t):
            raise _external_error(f"the initializer {t.name!r}{where}")
    for s in graph.sparse_initializer:
        if _external(s.values) or _external(s.indices):
            raise _external_error(f"the sparse initializer {s.values.name!r}{where}")
    _refuse_external_nodes(graph.node, where)


def _refuse_external_nodes(nodes: Any, where: str) -> None:
    for node in nodes:
        label = f"node {node.name or node.op_type!r}{where}"
        for attr in node.attribute:
            tensors = [attr.t, *attr.tensors]
            sparse = [attr.sparse_tensor, *attr.sparse_tensors]
            if any(_external(t) for t in tensors) or any(
                    _external(s.values) or _external(s.indices) for s in sparse):
                raise _external_error(f"the attribute {attr.name!r} of {label}")
            for sub in [attr.g, *attr.graphs]:
                _refuse_external_graph(sub, f" (in a subgraph of {label})")


def _external_error(what: str) -> NetworkError:
    return NetworkError(f"{what} is stored as external data (in a separate file). The app "
                        "reads only what is inside the upload, never files on the server. "
                        "Save the model with its weights inside: onnx.save(model, path, "
                        "save_as_external_data=False)")


def refuse_external(model: Any) -> None:
    """Raise NetworkError if any tensor anywhere in ``model`` is marked as external data."""
    _refuse_external_graph(model.graph, "")
    for f in model.functions:
        _refuse_external_nodes(f.node, f" (in the function {f.name!r})")
    for info in model.training_info:
        _refuse_external_graph(info.initialization, " (in a training graph)")
        _refuse_external_graph(info.algorithm, " (in a training graph)")


def _array(tensor: Any, what: str, name: str, *, weights: bool) -> np.ndarray:
    from onnx import TensorProto, numpy_helper
    if tensor.data_type == TensorProto.BFLOAT16:
        raise NetworkError(f"{name}: {what} is bfloat16, which NumPy cannot hold; export float32 "
                           "weights (model.float() before exporting)")
    try:
        a = numpy_helper.to_array(tensor)
    except Exception as err:
        raise NetworkError(f"{name}: {what} cannot be read: {_short(err)}") from None
    a = np.array(a)  # own the memory
    if a.dtype.kind == "f":
        if str(a.dtype) not in _FLOATS:
            raise NetworkError(f"{name}: {what} is {a.dtype}; weights must be float16, float32 "
                               "or float64")
        if not np.isfinite(a).all():
            raise NetworkError(f"{name}: {what} holds NaN or infinite values")
        return a
    if a.dtype.kind in "iub" and not weights:
        return a
    if a.dtype.kind in "iu":
        return a
    raise NetworkError(f"{name}: {what} has the dtype {a.dtype}; weights must be float16, float32 "
                       "or float64")


def _attr(attr: Any, node: str, name: str) -> Any:
    from onnx import AttributeProto
    kind = attr.type
    if kind == AttributeProto.INT:
        return int(attr.i)
    if kind == AttributeProto.FLOAT:
        return float(attr.f)
    if kind == AttributeProto.STRING:
        return attr.s.decode("utf-8", "replace")
    if kind == AttributeProto.INTS:
        return tuple(int(v) for v in attr.ints)
    if kind == AttributeProto.FLOATS:
        return tuple(float(v) for v in attr.floats)
    if kind == AttributeProto.TENSOR:
        return _array(attr.t, f"the attribute {attr.name!r} of node {node!r}", name,
                      weights=False)
    return None  # graphs, strings lists, sparse tensors: operators the walk does not follow


def _onnx(data: bytes, name: str) -> Loaded:
    try:
        import onnx
        model = onnx.load_model_from_string(data)
    except Exception as err:  # DecodeError and the like: not protobuf, truncated
        raise NetworkError(f"{name} is not a valid ONNX file (truncated or damaged?): "
                           f"{_short(err)}") from None
    refuse_external(model)  # before any tensor is converted
    graph = model.graph
    if not graph.node:
        raise NetworkError(f"{name}: the ONNX graph has no operators")
    versions = {op.domain: op.version for op in model.opset_import}
    opset = versions.get("", versions.get("ai.onnx"))
    if opset is None:
        raise NetworkError(f"{name}: the file names no opset of the standard operators")
    if opset not in OPSETS:
        raise NetworkError(f"{name}: opset {opset}; the app follows opsets {OPSETS.start} to "
                           f"{OPSETS.stop - 1} (re-export with opset_version=17)")
    if len(graph.node) > MAX_ONNX_NODES:
        raise NetworkError(f"{name}: {len(graph.node):,} operators; at most {MAX_ONNX_NODES:,} "
                           "are read")
    if len(graph.sparse_initializer):
        raise NetworkError(f"{name}: sparse initializers are not supported; save dense weights")
    consts: dict[str, np.ndarray] = {}
    for t in graph.initializer:
        consts[t.name] = _array(t, f"the weight {t.name!r}", name, weights=True)
    inputs = [v for v in graph.input if v.name not in consts]
    if len(inputs) != 1:
        raise NetworkError(f"{name}: the graph takes {len(inputs)} inputs "
                           f"({', '.join(v.name for v in inputs) or 'none'}); the app feeds one "
                           "image")
    x = inputs[0]
    dims = tuple(d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else None
                 for d in x.type.tensor_type.shape.dim)
    if len(dims) != 4:
        raise NetworkError(f"{name}: the input {x.name!r} has {len(dims)} dimensions; the app "
                           "feeds one image, N × C × H × W (or N × H × W × C)")
    known = [d for d in dims if d is not None]
    if any(d > MAX_INPUT_SIDE for d in known) or math.prod(known) > MAX_INPUT_VALUES:
        raise NetworkError(f"{name}: the input {x.name!r} is {dims}; the app feeds images of "
                           f"at most {MAX_INPUT_SIDE} a side and {MAX_INPUT_VALUES:,} values")
    nodes = []
    for i, node in enumerate(graph.node):
        label = node.name or f"{node.op_type}_{i}"
        op = node.op_type if node.domain in ("", "ai.onnx") else f"{node.domain}.{node.op_type}"
        if op == "Constant" and len(node.output) == 1:
            attr = node.attribute[0] if len(node.attribute) == 1 else None
            value = _attr(attr, label, name) if attr is not None else None
            if attr is not None and attr.name in ("value", "value_float", "value_floats",
                                                  "value_int", "value_ints") and value is not None:
                consts[node.output[0]] = np.asarray(
                    value, dtype=np.int64 if "int" in attr.name else None)
                continue
        attrs = {a.name: _attr(a, label, name) for a in node.attribute}
        nodes.append(Node(op, label, tuple(node.input), tuple(node.output),
                          MappingProxyType(attrs)))
    ordered = order_nodes(nodes, [*consts, x.name])
    meta = {p.key: p.value for p in model.metadata_props}
    g = Graph(ordered, MappingProxyType(consts), x.name, dims,
              tuple(o.name for o in graph.output), opset, _class_names(meta))
    return Loaded(name, "onnx", len(data), g, class_names=g.class_names)


def _class_names(meta: Mapping[str, Any]) -> tuple[str, ...]:
    """Class names from a file's metadata (``class_names``/``classes``: JSON list or commas)."""
    for key in ("class_names", "classes", "labels"):
        raw = meta.get(key)
        if not isinstance(raw, str):
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw.split(",")
        if isinstance(value, dict):
            value = [value[k] for k in sorted(value, key=lambda k: int(k) if str(k).isdigit()
                                              else 0)]
        if isinstance(value, list) and len(value) <= 100_000:
            return tuple(str(v).strip() for v in value)
    return ()


# --- a stack of named layers ---------------------------------------------------------------------


@dataclass(frozen=True)
class Stack:
    """The layers of a safetensors or ``.npz`` file, in order, and the defaults for the rest.

    ``layout`` is ``"pytorch"`` (convolutions ``out × in × f_H × f_W``, dense
    ``out × in``) or ``"keras"`` (``f_H × f_W × in × out``, dense ``in × out``: Keras's
    and this app's own); ``ambiguous`` says both fit the shapes, so the user
    chooses. ``layers`` hold the weights turned to ONNX's order whatever the layout.
    """

    layers: tuple[StackLayer, ...]
    layout: str
    ambiguous: bool
    input_shape: tuple[int, int, int]
    settings: tuple[StackSettings, ...]
    global_pool: bool
    flatten: str


def _sort_key(prefix: str) -> list[int | str]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", prefix)]


def _layout_fits(raw: list[tuple[str, str, dict[str, str]]], arrays: Mapping[str, np.ndarray],
                 layout: str) -> str | None:
    """None if the shapes chain under ``layout``, else why not."""
    channels = None
    n_in = None
    for prefix, kind, roles in raw:
        w = arrays[roles["weight"]]
        if kind == "conv":
            out_c, in_c, kh, kw = (w.shape if layout == "pytorch" else
                                   (w.shape[3], w.shape[2], w.shape[0], w.shape[1]))
            if kh > 15 or kw > 15 or (kh != kw and min(kh, kw) != 1):
                return f"{prefix}: a {kh} × {kw} kernel is not a CNN's (square, or 1 × k)"
            if channels is not None and in_c != channels:
                return (f"{prefix} reads {in_c} channels but the layer before makes {channels}: "
                        "the shapes do not chain")
            channels = out_c
        elif kind == "batchnorm":
            if channels is not None and w.shape[0] != channels:
                return (f"{prefix} normalises {w.shape[0]} channels, the layer before makes "
                        f"{channels}")
        else:
            out_f, in_f = w.shape if layout == "pytorch" else (w.shape[1], w.shape[0])
            if n_in is None and channels is not None and in_f % channels:
                return (f"{prefix} reads {in_f} numbers, not a whole number of maps of "
                        f"{channels} channels: the shapes do not chain")
            if n_in is not None and in_f != n_in:
                return (f"{prefix} reads {in_f} numbers but the layer before makes {n_in}: "
                        "the shapes do not chain")
            n_in = out_f
        b = roles.get("bias")
        if b is not None:
            size = (channels if kind != "dense" else n_in) if kind != "batchnorm" else w.shape[0]
            if arrays[b].shape != (size,):
                return f"{prefix}: the bias has shape {arrays[b].shape}, the layer needs ({size},)"
    return None


def read_stack(loaded: Loaded, layout: str = "auto") -> Stack:
    """Group a safetensors or ``.npz`` file's arrays into layers, in order, with defaults.

    Parameters
    ----------
    loaded : Loaded
        From :func:`load_network`, not ONNX.
    layout : {"auto", "pytorch", "keras"}
        The weights' order; ``"auto"`` detects it from the shapes (PyTorch when
        both fit; then ``ambiguous`` is True).

    Raises
    ------
    NetworkError
        No layers, too many, weights that are not finite or not float16/32/64,
        shapes that do not chain in the chosen (or any) layout.
    """
    if loaded.format == "onnx":
        raise NetworkError("an ONNX file has its own graph; read_stack is for named arrays")
    if layout not in ("auto", "pytorch", "keras"):
        raise NetworkError(f"layout must be 'auto', 'pytorch' or 'keras', got {layout!r}")
    arrays = loaded.arrays
    groups = _groups(arrays, loaded.order)
    if not groups:
        raise NetworkError(f"{loaded.name}: no layer weights found. Names like conv1.weight, "
                           "features.0.weight or W1 with 4-D (convolution) or 2-D (dense) "
                           "arrays are read")
    if len(groups) > MAX_LAYERS:
        raise NetworkError(f"{loaded.name}: {len(groups)} layers; at most {MAX_LAYERS} are read")
    raw = []
    for prefix, roles in groups.items():
        for key in roles.values():
            a = arrays[key]
            if str(a.dtype) not in _FLOATS:
                raise NetworkError(f"{loaded.name}: {key} is {a.dtype}; weights must be float16, "
                                   "float32 or float64")
            if not np.isfinite(a).all():
                raise NetworkError(f"{loaded.name}: {key} holds NaN or infinite values")
        nd = arrays[roles["weight"]].ndim
        kind = "conv" if nd == 4 else "dense" if nd == 2 else "batchnorm"
        raw.append((prefix, kind, roles))
    by_file = loaded.format == "npz"  # np.savez keeps the order it was given
    position = {p: i for i, p in enumerate(groups)}
    raw.sort(key=lambda r: (r[1] == "dense",
                            position[r[0]] if by_file else 0, _sort_key(r[0])))
    why = {name: _layout_fits(raw, arrays, name) for name in ("pytorch", "keras")}
    fits = [name for name, reason in why.items() if reason is None]
    if layout == "auto":
        if not fits:
            raise NetworkError(f"{loaded.name}: the weights' shapes do not chain in either "
                               f"layout. As PyTorch's (out × in × f × f): {why['pytorch']}. As "
                               f"Keras's (f × f × in × out): {why['keras']}")
        chosen, ambiguous = fits[0], len(fits) == 2
    else:
        if why[layout] is not None:
            raise NetworkError(f"{loaded.name}: as {layout} weights, {why[layout]}")
        chosen, ambiguous = layout, len(fits) == 2
    layers = []
    for prefix, kind, roles in raw:
        w = arrays[roles["weight"]]
        if chosen == "keras" and kind == "conv":
            w = w.transpose(3, 2, 0, 1)
        elif chosen == "keras" and kind == "dense":
            w = w.T
        b = arrays[roles["bias"]] if "bias" in roles else None
        stats = (arrays[roles["mean"]], arrays[roles["var"]]) if kind == "batchnorm" else None
        if kind == "batchnorm" and b is None:
            b = np.zeros_like(w)
        layers.append(StackLayer(prefix, kind, np.ascontiguousarray(w), b, stats))
    return _defaults(tuple(layers), chosen, ambiguous)


def _defaults(layers: tuple[StackLayer, ...], layout: str, ambiguous: bool) -> Stack:
    """Padding "same", stride 1, ReLU; pools and the input size that make the shapes chain."""
    convs = [i for i, layer in enumerate(layers) if layer.kind == "conv"]
    dense = [i for i, layer in enumerate(layers) if layer.kind == "dense"]
    c_in = layers[convs[0]].weight.shape[1] if convs else 1
    c_last = layers[convs[-1]].weight.shape[0] if convs else c_in
    size, pools, global_pool = (28 if c_in == 1 else 32), 0, False
    if dense and convs:
        n_in = layers[dense[0]].weight.shape[1]
        if n_in == c_last:
            global_pool, pools = True, 0
        else:
            side = math.isqrt(n_in // c_last)
            if side * side * c_last == n_in:
                # Pool after the last k convolutions, as many as keep the image ≤ 256.
                pools = max((k for k in range(len(convs) + 1) if side * 2 ** k <= 256), default=0)
                size = side * 2 ** pools
    pool_after = set(convs[len(convs) - pools:]) if pools else set()
    last = len(layers) - 1
    settings = []
    for i, layer in enumerate(layers):
        if i < last and layers[i + 1].kind == "batchnorm":
            # A batch norm right after a layer takes that layer's activation and pool.
            settings.append(StackSettings(activation="none", pool=0))
            continue
        owner = i - 1 if layer.kind == "batchnorm" else i
        settings.append(StackSettings(activation="none" if i == last else "relu",
                                      pool=2 if owner in pool_after else 0))
    shape = (int(c_in), size, size)
    if dense and not convs:  # a plain perceptron on a flattened image
        n_in = layers[dense[0]].weight.shape[1]
        for c in (1, 3):
            side = math.isqrt(n_in // c)
            if side * side * c == n_in:
                shape = (c, side, side)
                break
        else:
            shape = (1, 1, n_in)
    return Stack(layers, layout, ambiguous, shape, tuple(settings), global_pool,
                 "chw" if layout == "pytorch" else "hwc")


def stack_graph(stack: Stack, settings: Sequence[StackSettings] | None = None,
                input_size: int | None = None, *, global_pool: bool | None = None) -> Graph:
    """The graph of a :class:`Stack` with the user's settings (default: the stack's own)."""
    c, h, w = stack.input_shape
    if input_size is not None:
        h = w = int(input_size)
    return sequential(stack.layers, settings or stack.settings, (c, h, w),
                      flatten=stack.flatten,
                      global_pool=stack.global_pool if global_pool is None else global_pool,
                      softmax_last=stack.layers[-1].kind == "dense")
