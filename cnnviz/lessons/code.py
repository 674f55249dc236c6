"""The same layer in code: the convolution on screen written in NumPy, SciPy and PyTorch.

:func:`layer_code` takes what a page convolves (the input, the kernel as
given to :func:`cnnviz.conv2d`, the :class:`~cnnviz.core.conv.ConvSettings`)
and writes four programs that compute the same feature map with the same
numbers, then apply the activation and the pooling on screen, if any:

- **NumPy**: plain NumPy that runs anywhere (no cnnviz): ``np.pad``, every
  window by ``sliding_window_view``, products and sums by ``np.einsum``;
- **cnnviz**: cnnviz's own call, ``cnnviz.conv2d(a, k, b, stride=..., ...)``;
- **SciPy**: ``scipy.signal.correlate2d`` (``convolve2d`` only when flip is on:
  CNNs compute cross-correlation), the padding done by ``np.pad``, dilation by
  spreading the kernel's taps, the stride by keeping every s-th row and column;
- **PyTorch**: ``torch.nn.functional.conv2d``, channels first (N, C, H, W).

Each ends with ``print(z.shape)`` and says what it prints. A small input (at
most :data:`LITERAL_MAX_SIDE` a side) is written out as a literal array; a
larger one is loaded by the lines the caller gives (``load``), or replaced by
a stand-in of the right shape, said so in a comment.

>>> view = layer_code(np.arange(16.0).reshape(4, 4), np.ones((2, 2)), ConvSettings(stride=2))
>>> view.prints["NumPy"], view.prints["PyTorch"]
('(2, 2)', 'torch.Size([1, 1, 2, 2])')
>>> ns = {}
>>> exec(view.code["cnnviz"], ns)
(2, 2)
>>> ns["z"]
array([[10., 18.],
       [42., 50.]])
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from cnnviz.core._checks import PAD_MODES
from cnnviz.core.conv import ConvSettings
from cnnviz.core.text import NUMBERS_MAX_SIDE

__all__ = ["LITERAL_MAX_SIDE", "LayerCode", "layer_code"]

#: Inputs up to this side are written out in full (what the grids show with numbers).
LITERAL_MAX_SIDE = NUMBERS_MAX_SIDE
_TORCH_PAD = MappingProxyType({"zeros": "constant", "reflect": "reflect",
                               "replicate": "replicate", "circular": "circular"})


@dataclass(frozen=True)
class LayerCode:
    """Four programs for one convolution (and its activation and pooling).

    Attributes
    ----------
    code : dict
        "NumPy", "cnnviz", "SciPy", "PyTorch" → the program's text; each leaves
        the feature map in ``z`` (a NumPy array, channels last), the activation
        g(z) in ``g`` and the pooled map in ``p`` when those are on, and prints
        the last one's shape.
    prints : dict
        What each program's ``print(….shape)`` prints.
    out_shape : tuple of int
        The feature map's shape, channels last.
    literal : bool
        Whether the input is written out in full (else loaded or a stand-in).
    """

    code: dict[str, str]
    prints: dict[str, str]
    out_shape: tuple[int, ...]
    literal: bool


def _num(v: float) -> str:
    """A float as Python text that reads back to the same float: 3 for 3.0, repr otherwise."""
    v = float(v)
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def _inline(values: np.ndarray) -> str:
    if values.ndim == 1:
        return "[" + ", ".join(_num(v) for v in values) + "]"
    return "[" + ", ".join(_inline(r) for r in values) + "]"


def _nested(values: np.ndarray, indent: str) -> str:
    """An array as nested lists, one row per line (a colour row's pixels on its line)."""
    if values.ndim == 1:
        return _inline(values)
    return "[" + (",\n" + indent + " ").join(_inline(r) for r in values) + "]"


def _scale_of(values: np.ndarray) -> int | None:
    """D when every value is an integer over D exactly (255 for pixels, 9 for a box), else None."""
    for d in (255, 9, 16, 25, 273, 4, 8, 2, 10, 100):
        if np.array_equal(np.round(values * d) / d, values):
            return d
    return None


def _literal(name: str, values: np.ndarray, comment: str) -> str:
    """``name = np.array([...])`` with the exact numbers (integers over D when that is exact)."""
    arr = np.asarray(values, dtype=np.float64)
    scale = None if np.array_equal(arr, np.round(arr)) else _scale_of(arr)
    shown = np.round(arr * scale) if scale else arr
    head = f"{name} = np.array("
    body = _nested(shown, " " * len(head))
    tail = f", dtype=float) / {scale}" if scale else ", dtype=float)"
    return f"# {comment}\n{head}{body}{tail}"


def _wrapped(code: str, width: int = 78) -> str:
    """Long comment lines folded at ``width``, so the code reads without scrolling."""
    out = []
    for line in code.split("\n"):
        if line.startswith("# ") and len(line) > width:
            out += textwrap.wrap(line, width, initial_indent="", subsequent_indent="# ")
        else:
            out.append(line)
    return "\n".join(out)


def _same_slices(kernel: np.ndarray) -> bool:
    return all(np.array_equal(kernel[:, :, c], kernel[:, :, 0]) for c in range(kernel.shape[2]))


def _tuple(pair: tuple[int, int]) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"({pair[0]}, {pair[1]})"


def _after_shape(shape: tuple[int, ...], pool: Mapping[str, object] | None
                 ) -> tuple[int, ...]:
    """The shape after pooling (windows that fit, every stride-th one), channels kept."""
    if not pool:
        return tuple(shape)
    size, stride = int(pool["size"]), int(pool["stride"])
    return tuple((n - size) // stride + 1 for n in shape[:2]) + tuple(shape[2:])


def _pad_lines(settings: ConvSettings, geom, widths: str, np_mode: str) -> list[str]:
    (top, bottom), (left, right) = geom.padding
    pad_name = (f" (\"{settings.padding}\")" if isinstance(settings.padding, str)
                and settings.padding != "valid" else "")
    if top or bottom or left or right:
        return [f"# Padding{pad_name}: {top} row(s) on top, {bottom} at the bottom, {left} "
                f"column(s) left, {right} right, filled with {settings.pad_mode} "
                f"(np.pad's \"{np_mode}\").",
                f"ap = np.pad(a, {widths}, mode=\"{np_mode}\")"]
    return ["ap = a  # no padding (\"valid\")"]


def _dilate_lines(k: np.ndarray, dh: int, dw: int) -> list[str]:
    if (dh, dw) == (1, 1):
        return ["kd = k"]
    span = (dh * (k.shape[0] - 1) + 1, dw * (k.shape[1] - 1) + 1)
    return [f"# Dilation ({dh}, {dw}): the taps spread apart, zeros between them: a "
            f"{span[0]} × {span[1]} kernel.",
            f"kd = np.zeros({span + k.shape[2:]})",
            f"kd[::{dh}, ::{dw}] = k"]


#: Each activation in NumPy, as :func:`cnnviz.core.activations.activate` computes it.
_NUMPY_ACTIVATIONS = MappingProxyType({
    "relu": ["g = np.maximum(z, 0)  # ReLU: negative values become 0"],
    "leaky_relu": ["g = np.where(z >= 0, z, {slope} * z)  # leaky ReLU, slope {slope}"],
    "sigmoid": ["# Sigmoid 1 / (1 + e^-z), written with e^-|z| so a large |z| cannot overflow.",
                "e = np.exp(-np.abs(z))",
                "g = np.where(z >= 0, 1 / (1 + e), e / (1 + e))"],
    "tanh": ["g = np.tanh(z)"],
})
_TORCH_ACTIVATIONS = MappingProxyType({
    "relu": "g = F.relu(z)", "leaky_relu": "g = F.leaky_relu(z, negative_slope={slope})",
    "sigmoid": "g = torch.sigmoid(z)", "tanh": "g = torch.tanh(z)",
})


def _numpy_after(settings: ConvSettings, pool: Mapping[str, object] | None) -> list[str]:
    """The activation g(z) and the pooling, in NumPy (windows by sliding_window_view)."""
    lines, source = [], "z"
    if settings.activation != "none":
        lines += [f"# The activation g = {settings.activation}, cell by cell."]
        lines += [line.format(slope=_num(settings.slope))
                  for line in _NUMPY_ACTIVATIONS[settings.activation]]
        source = "g"
    if pool:
        size, stride, mode = int(pool["size"]), int(pool["stride"]), str(pool["mode"])
        how = "the largest value" if mode == "max" else "the mean"
        lines += [f"# {mode} pooling: {how} of each {size} × {size} window, the windows "
                  f"{stride} apart (those that fit only).",
                  f"pw = sliding_window_view({source}, ({size}, {size}), axis=(0, 1))"
                  f"[::{stride}, ::{stride}]",
                  f"p = pw.{'max' if mode == 'max' else 'mean'}(axis=(-2, -1))"]
    return lines


def _torch_after(settings: ConvSettings, pool: Mapping[str, object] | None) -> list[str]:
    lines, source = [], "z"
    if settings.activation != "none":
        lines += [_TORCH_ACTIVATIONS[settings.activation].format(slope=_num(settings.slope))
                  + f"  # the activation g = {settings.activation}"]
        source = "g"
    if pool:
        size, stride, mode = int(pool["size"]), int(pool["stride"]), str(pool["mode"])
        fn = "F.max_pool2d" if mode == "max" else "F.avg_pool2d"
        lines += [f"p = {fn}({source}, kernel_size={size}, stride={stride})  # {mode} pooling"]
    return lines


def layer_code(
    image: np.ndarray,
    kernel: np.ndarray,
    settings: ConvSettings,
    *,
    load: str | None = None,
    pool: Mapping[str, object] | None = None,
) -> LayerCode:
    """The convolution ``conv2d(image, kernel, settings.bias, **settings.conv_kwargs)`` in code.

    Parameters
    ----------
    image : array, (H, W) or (H, W, C)
        The input, channels last.
    kernel : array, (f_H, f_W) or (f_H, f_W, C)
        As given to :func:`cnnviz.conv2d`: a 2-D kernel on a colour image
        filters each channel on its own; an (f_H, f_W, C) kernel is one filter
        whose channels' partial sums add up.
    settings : ConvSettings
        Padding, pad mode, stride, dilation, flip, bias, and the activation
        (with its slope), which the programs apply to ``z`` as ``g``.
    load : str, optional, keyword-only
        Lines that set ``a`` to this input, used when it is too large to be
        written out (e.g. loading a bundled photo; not in the plain NumPy
        program, which must run without cnnviz: it gets a stand-in).
    pool : mapping, optional, keyword-only
        ``{"size": int, "stride": int, "mode": "max" | "avg"}``: pooling after
        the activation, as :func:`cnnviz.pool2d` does it, left in ``p``.

    Raises
    ------
    ValueError
        When the settings do not fit the shapes (as :func:`cnnviz.conv2d`).
    """
    a = np.asarray(image, dtype=np.float64)
    k = np.asarray(kernel, dtype=np.float64)
    if a.ndim not in (2, 3) or k.ndim not in (2, 3):
        raise ValueError(f"image must be (H, W) or (H, W, C) and kernel (f_H, f_W) or "
                         f"(f_H, f_W, C), got shapes {a.shape} and {k.shape}")
    if k.ndim == 3 and (a.ndim != 3 or k.shape[2] != a.shape[2]):
        raise ValueError(f"kernel has {k.shape[2]} channels but image has shape {a.shape}")
    geom = settings.geometry(a.shape, k.shape)
    channels = a.shape[2] if a.ndim == 3 else 1
    case = "grey" if a.ndim == 2 else ("depthwise" if k.ndim == 2 else "summed")
    out_shape = geom.out_shape + ((channels,) if case == "depthwise" else ())
    (top, bottom), (left, right) = geom.padding
    (sh, sw), (dh, dw) = geom.stride, geom.dilation
    b = settings.bias
    shape_txt = " × ".join(str(n) for n in a.shape)

    # --- the shared opening: the input, the kernel, the bias ---
    literal = max(a.shape[:2]) <= LITERAL_MAX_SIDE
    stand_in = (f"# A stand-in of the input's shape ({shape_txt}): put your own image "
                "here, e.g.\n# a = cnnviz.load_image(open(\"photo.png\", \"rb\").read(), "
                f"mode=\"{'rgb' if a.ndim == 3 else 'grey'}\")\n"
                f"a = np.random.default_rng(0).random({a.shape})")
    # The plain NumPy program loads nothing from cnnviz: Pillow reads your own image.
    plain_stand_in = (f"# A stand-in of the input's shape ({shape_txt}; the cnnviz tab loads the "
                      "page's own image): put your own image here, e.g. with Pillow\n"
                      "# a = np.asarray(PIL.Image.open(\"photo.png\").convert("
                      f"\"{'RGB' if a.ndim == 3 else 'L'}\"), dtype=float) / 255\n"
                      f"a = np.random.default_rng(0).random({a.shape})")
    if literal:
        image_lines = _literal("a", a, f"The input a^[l-1]: {shape_txt}, channels last.")
        plain_image_lines = image_lines
    elif load:
        image_lines = f"# The input a^[l-1]: {shape_txt}, channels last.\n{load.strip()}"
        plain_image_lines = plain_stand_in
    else:
        image_lines, plain_image_lines = stand_in, plain_stand_in
    if case == "summed" and _same_slices(k):
        kernel_lines = (_literal("k", k[:, :, 0], f"The kernel, {k.shape[0]} × {k.shape[1]}.")
                        + f"\n# One {k.shape[0]} × {k.shape[1]} × {channels} filter: the same "
                          "slice on every channel, whose partial sums add up.\n"
                          f"k = np.stack([k] * {channels}, axis=-1)")
    else:
        what = ("one filter over the channels" if case == "summed" else
                "filtering each channel on its own" if case == "depthwise" else "one filter")
        kernel_lines = _literal("k", k, f"The kernel, {' × '.join(map(str, k.shape))}: {what}.")
    opening = f"{image_lines}\n{kernel_lines}\nb = {_num(b)}  # the bias"
    plain_opening = f"{plain_image_lines}\n{kernel_lines}\nb = {_num(b)}  # the bias"
    final_shape = _after_shape(out_shape, pool)
    prints_np = str(tuple(final_shape))
    last = "p" if pool else ("g" if settings.activation != "none" else "z")

    # --- plain NumPy: np.pad, every window by sliding_window_view, einsum ---
    np_mode = PAD_MODES[settings.pad_mode]
    widths = f"(({top}, {bottom}), ({left}, {right})" + (", (0, 0))" if a.ndim == 3 else ")")
    lines = ["import numpy as np", "from numpy.lib.stride_tricks import sliding_window_view", "",
             plain_opening, ""]
    lines += _pad_lines(settings, geom, widths, np_mode)
    lines += _dilate_lines(k, dh, dw)
    if settings.flip:
        lines += ["# Flip on: true convolution turns the kernel by 180° (CNNs do not: they "
                  "compute cross-correlation).", "kd = kd[::-1, ::-1]"]
    else:
        lines += ["# Cross-correlation, as CNNs compute it: the kernel as it is (no flip)."]
    lines += ["# Every f_H × f_W window of the padded input, as a view (no copy), then every "
              "s-th one: the stride"
              + (f" ({sh}, {sw})." if (sh, sw) != (1, 1) else " (1: all of them)."),
              f"win = sliding_window_view(ap, kd.shape[:2], axis=(0, 1))[::{sh}, ::{sw}]"]
    if case == "grey":
        lines += ["# Each window times the kernel, summed: win is (H', W', f_H, f_W).",
                  "z = np.einsum(\"ijkl,kl->ij\", win, kd) + b"]
    elif case == "summed":
        lines += ["# One filter over the channels: win is (H', W', C, f_H, f_W); the sum runs "
                  "over the channels too.",
                  "z = np.einsum(\"ijckl,klc->ij\", win, kd) + b"]
    else:
        lines += ["# A 2-D kernel on a colour image: each channel filtered on its own.",
                  "z = np.einsum(\"ijckl,kl->ijc\", win, kd) + b"]
    lines += _numpy_after(settings, pool)
    lines += [f"print({last}.shape)  # {prints_np}", ""]
    plain_code = "\n".join(lines)

    # --- cnnviz: its own call ---
    kwargs = []
    if settings.stride != (1, 1):
        kwargs.append(f"stride={_tuple(settings.stride)}")
    if isinstance(settings.padding, str):
        if settings.padding != "valid":
            kwargs.append(f"padding={settings.padding!r}")
    elif settings.padding != ((0, 0), (0, 0)):
        pad = settings.padding
        kwargs.append("padding=" + (_tuple((pad[0][0], pad[1][0])) if pad[0][0] == pad[0][1]
                                    and pad[1][0] == pad[1][1] else str(pad)))
    if settings.dilation != (1, 1):
        kwargs.append(f"dilation={_tuple(settings.dilation)}")
    if settings.pad_mode != "zeros":
        kwargs.append(f"pad_mode={settings.pad_mode!r}")
    if settings.flip:
        kwargs.append("flip=True")
    call = ", ".join(["a", "k", "b", *kwargs])
    after = []
    if settings.activation != "none":
        slope = (f", slope={_num(settings.slope)}" if settings.activation == "leaky_relu"
                 else "")
        after += [f"g = activate(z, {settings.activation!r}{slope})  # the activation g(z)"]
    if pool:
        size, stride, mode = int(pool["size"]), int(pool["stride"]), str(pool["mode"])
        after += [f"# {mode} pooling, {size} × {size} windows, stride {stride}.",
                  f"p = cnnviz.pool2d({'g' if settings.activation != 'none' else 'z'}, {size}, "
                  f"stride={stride}, mode={mode!r})"]
    numpy_code = (
        "import numpy as np\n\nimport cnnviz\n"
        + ("from cnnviz.core.activations import activate\n"
           if settings.activation != "none" else "")
        + ("from cnnviz.data import samples\n" if "samples." in image_lines else "") + "\n"
        + f"{opening}\n\n"
        + ("# Cross-correlation, as CNNs compute it; flip=True turns the kernel by 180° first "
           "(true convolution).\n" if settings.flip else
           "# Cross-correlation, as CNNs compute it (and call convolution).\n")
        + f"z = cnnviz.conv2d({call})\n" + "".join(line + "\n" for line in after)
        + f"print({last}.shape)  # {prints_np}\n")

    # --- SciPy: correlate2d on the padded input, dilated kernel, strided result ---
    pool_import = ["from numpy.lib.stride_tricks import sliding_window_view"] if pool else []
    lines = ["import numpy as np", *pool_import,
             f"from scipy.signal import {'convolve2d' if settings.flip else 'correlate2d'}",
             "", *(["from cnnviz.data import samples", ""] if "samples." in image_lines else []),
             opening, ""]
    lines += _pad_lines(settings, geom, widths, np_mode)
    lines += _dilate_lines(k, dh, dw)
    fn = "convolve2d" if settings.flip else "correlate2d"
    lines += (["# Flip on: convolve2d turns the kernel by 180° (true convolution); CNNs use "
               "correlate2d, which does not."] if settings.flip else
              ["# correlate2d slides the kernel as it is: cross-correlation, what CNNs compute "
               "(convolve2d would flip it)."])
    lines += ["# mode=\"valid\": only windows that fit inside the padded input."]
    if case == "grey":
        lines += [f"full = {fn}(ap, kd, mode=\"valid\")"]
    elif case == "summed":
        lines += ["# One filter over the channels: each channel's partial sum, added up.",
                  f"full = sum({fn}(ap[:, :, c], kd[:, :, c], mode=\"valid\") "
                  f"for c in range({channels}))"]
    else:
        lines += ["# A 2-D kernel on a colour image: each channel filtered on its own.",
                  f"full = np.stack([{fn}(ap[:, :, c], kd, mode=\"valid\") "
                  f"for c in range({channels})], axis=-1)"]
    if (sh, sw) != (1, 1):
        lines += [f"# Stride ({sh}, {sw}): keep rows 0, {sh}, {2 * sh}, … and columns 0, {sw}, "
                  f"{2 * sw}, … of the stride-1 result.",
                  f"z = full[::{sh}, ::{sw}] + b"]
    else:
        lines += ["z = full + b"]
    lines += _numpy_after(settings, pool)
    lines += [f"print({last}.shape)  # {prints_np}", ""]
    scipy_code = "\n".join(lines)

    # --- PyTorch: channels first, weights (out, in, f_H, f_W) ---
    n_out = channels if case == "depthwise" else 1
    torch_prints = f"torch.Size([1, {n_out}, {final_shape[0]}, {final_shape[1]}])"
    lines = ["import numpy as np", "import torch", "import torch.nn.functional as F", "",
             *(["from cnnviz.data import samples", ""] if "samples." in image_lines else []),
             opening, "",
             "# PyTorch works channels first with a batch axis: x is (N, C, H, W), the weights "
             "(out_channels, in_channels, f_H, f_W)."]
    if case == "grey":
        lines += ["x = torch.from_numpy(a)[None, None]  # (1, 1, H, W)",
                  "w = torch.from_numpy(np.ascontiguousarray(k))[None, None]  # (1, 1, f_H, f_W)"]
    elif case == "summed":
        lines += ["x = torch.from_numpy(a).permute(2, 0, 1)[None]  # (H, W, C) -> (1, C, H, W)",
                  "w = torch.from_numpy(np.ascontiguousarray(k)).permute(2, 0, 1)[None]"
                  "  # one filter: (1, C, f_H, f_W)"]
    else:
        lines += ["x = torch.from_numpy(a).permute(2, 0, 1)[None]  # (H, W, C) -> (1, C, H, W)",
                  "# Each channel on its own: groups=C, one (1, f_H, f_W) filter per channel.",
                  f"w = torch.from_numpy(np.ascontiguousarray(k))[None, None].repeat({channels},"
                  " 1, 1, 1)"]
    if settings.flip:
        lines += ["# F.conv2d computes cross-correlation; flip on asks for true convolution, "
                  "so turn the kernel by 180° first.",
                  "w = torch.flip(w, dims=(-2, -1))"]
    else:
        lines += ["# F.conv2d computes cross-correlation, as the page does (no flip)."]
    symmetric = top == bottom and left == right and settings.pad_mode == "zeros"
    if symmetric:
        padding_arg = f"({top}, {left})"
    else:
        lines += [f"# Padding per side ({top}, {bottom}, {left}, {right}) with "
                  f"{settings.pad_mode}: F.conv2d pads only with zeros, the same on both "
                  "sides, so F.pad does it first (its order: left, right, top, bottom).",
                  f"x = F.pad(x, ({left}, {right}, {top}, {bottom}), "
                  f"mode=\"{_TORCH_PAD[settings.pad_mode]}\")"]
        padding_arg = "0"
    groups = f", groups={channels}" if case == "depthwise" else ""
    lines += [f"z = F.conv2d(x, w, bias=torch.full(({n_out},), {_num(b)}, dtype=x.dtype), "
              f"stride=({sh}, {sw}), padding={padding_arg}, dilation=({dh}, {dw}){groups})"]
    lines += _torch_after(settings, pool)
    back = ("[0, 0].numpy()  # back to (H', W')" if n_out == 1 else
            "[0].permute(1, 2, 0).numpy()  # back to channels last (H', W', C)")
    lines += [f"print({last}.shape)  # {torch_prints}"]
    lines += [f"{name} = {name}{back}" for name in ("z", "g", "p")
              if name == "z" or (name == "g" and settings.activation != "none")
              or (name == "p" and pool)]
    lines += [""]
    torch_code = "\n".join(lines)

    return LayerCode(
        code={"NumPy": _wrapped(plain_code), "cnnviz": _wrapped(numpy_code),
              "SciPy": _wrapped(scipy_code), "PyTorch": _wrapped(torch_code)},
        prints={"NumPy": prints_np, "cnnviz": prints_np, "SciPy": prints_np,
                "PyTorch": torch_prints},
        out_shape=tuple(int(n) for n in out_shape),
        literal=literal,
    )
