"""Everything one step of the sliding window shows, for any step.

A convolution step is the window at one output cell: the input values under
its taps (per channel), the kernel values used (after the flip, if any), their
element-wise products, each channel's partial sum, the bias, the total and the
activation. ``ConvTrace.step`` gives one step in O(1); ``ConvTrace.export``
gives every step at once, vectorized, for an animation.

>>> t = ConvTrace(np.arange(9.0).reshape(3, 3), np.ones((2, 2)), bias=1.0)
>>> s = t.step(3)
>>> (s.out_row, s.out_col), s.total
((1, 1), 25.0)
>>> s.equation()
'4·1 + 5·1 + 7·1 + 8·1 + 1 = 25'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnnviz.core._checks import as_float_array, as_int, as_pair, check_no_overflow
from cnnviz.core.activations import activate
from cnnviz.core.conv import (
    ConvGeometry,
    ConvSettings,
    conv2d,
    pad_image,
    plan_conv,
    prepare_operands,
    settings_from,
)
from cnnviz.core.pool import pool2d
from cnnviz.core.text import format_number, product_terms, sum_equation

__all__ = ["ConvTrace", "PoolStep", "PoolTrace", "Step", "format_number"]


@dataclass(frozen=True)
class Step:
    """One position of the window. Arrays are (f_H, f_W, n_c) unless noted.

    Attributes
    ----------
    index : step number, row-major over the output.
    out_row, out_col : the output cell this step fills.
    rows, cols : padded-input coordinates of the tap rows (f_H,) and columns (f_W,).
    in_rows, in_cols : the same in original-input coordinates (may be outside
        the image where a tap falls on padding).
    on_padding : (f_H, f_W) bool, taps that fall on padding.
    values : input values under the taps.
    weights : kernel values used.
    products : values * weights.
    partial_sums : (n_c,) sum of products per channel.
    bias, total, activated : floats; total = sum(partial_sums) + bias.
    """

    index: int
    out_row: int
    out_col: int
    rows: np.ndarray
    cols: np.ndarray
    in_rows: np.ndarray
    in_cols: np.ndarray
    on_padding: np.ndarray
    values: np.ndarray
    weights: np.ndarray
    products: np.ndarray
    partial_sums: np.ndarray
    bias: float
    total: float
    activated: float

    def equation(self, channel: int | None = None, digits: int = 3) -> str:
        """The step written as the lectures write it: ``a·w + a·w + … + b = value``.

        With ``channel``, only that channel's products and its partial sum.
        """
        if channel is None:
            vals, ws = self.values, self.weights
            bias: str | None = format_number(self.bias, digits)
            result = self.total
        else:
            vals, ws = self.values[:, :, channel], self.weights[:, :, channel]
            bias, result = None, self.partial_sums[channel]
        terms = product_terms([format_number(a, digits) for a in vals.ravel()],
                              [format_number(w, digits) for w in ws.ravel()])
        return sum_equation(terms, format_number(result, digits), bias=bias)


class ConvTrace:
    """Step-by-step record of a one-filter convolution.

    Takes the arguments of :func:`cnnviz.conv2d` for one filter: an (H, W)
    image with an (f_H, f_W) kernel, or an (H, W, C) image with an
    (f_H, f_W, C) kernel. A 2-D kernel on a colour image is rejected: pick a
    channel, or give the kernel the image's depth.

    Parameters
    ----------
    bias : float
        b, added after the sum.
    stride, padding, dilation, pad_mode, flip : keyword-only
        As in :func:`cnnviz.conv2d`.
    activation : str, keyword-only
        One of :data:`cnnviz.core.activations.ACTIVATIONS`, applied after the bias.
    slope : float, keyword-only
        Leaky ReLU slope.
    settings : ConvSettings, keyword-only
        All of the above at once (:class:`cnnviz.core.conv.ConvSettings`),
        instead of the separate keywords; kept as :attr:`settings`.

    Examples
    --------
    >>> t = ConvTrace(np.ones((4, 4)), np.ones((3, 3)), settings=ConvSettings(padding=1, bias=1))
    >>> t.out_shape, t.step(0).total
    ((4, 4), 5.0)
    """

    def __init__(
        self,
        image: object,
        kernel: object,
        bias: float = 0.0,
        *,
        stride: object = 1,
        padding: object = 0,
        dilation: object = 1,
        pad_mode: str = "zeros",
        flip: bool = False,
        activation: str = "none",
        slope: float = 0.01,
        settings: ConvSettings | None = None,
    ) -> None:
        img, ker, _, case = prepare_operands(image, kernel)
        if case != "single":
            raise ValueError(
                "kernel must be one filter with the image's depth for a trace: (kh, kw) for a "
                f"grey image or (kh, kw, C) for a colour one, got kernel shape "
                f"{np.asarray(kernel).shape} for image shape {np.asarray(image).shape}"
            )
        cfg = settings_from(settings, stride=stride, padding=padding, dilation=dilation,
                            pad_mode=pad_mode, flip=flip, bias=bias, activation=activation,
                            slope=slope)
        self.settings: ConvSettings = cfg
        # The geometry, padding and bias go through the very functions conv2d
        # uses, so a trace can never disagree with the feature map it explains.
        geom = cfg.geometry(img.shape, ker.shape)
        self.geometry: ConvGeometry = geom
        self.padded: np.ndarray = pad_image(img, geom.padding, cfg.pad_mode)
        w = ker[:, :, :, 0]
        self.weights: np.ndarray = (w[::-1, ::-1] if cfg.flip else w).copy()
        self.bias: float = cfg.bias
        self.activation = cfg.activation
        self.slope = cfg.slope
        self.output: np.ndarray = conv2d(img, ker[:, :, :, 0], cfg.bias, **cfg.conv_kwargs)
        self.activated: np.ndarray = activate(self.output, cfg.activation, slope=cfg.slope)

    @property
    def n_steps(self) -> int:
        """Number of steps, one per output cell."""
        return self.geometry.n_steps

    @property
    def out_shape(self) -> tuple[int, int]:
        """(n_H', n_W') of the feature map."""
        return self.geometry.out_shape

    @property
    def channels(self) -> int:
        """n_c of the input."""
        return int(self.padded.shape[2])

    def _tap_coords(self, out_rows: np.ndarray, out_cols: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
        g = self.geometry
        taps_r = np.arange(g.kernel_shape[0]) * g.dilation[0]
        taps_c = np.arange(g.kernel_shape[1]) * g.dilation[1]
        rows = out_rows[..., None] * g.stride[0] + taps_r
        cols = out_cols[..., None] * g.stride[1] + taps_c
        return rows, cols

    def _check_sums(self, sums: np.ndarray) -> None:
        """ValueError if a step's sums pass the float range though conv2d's did not.

        The sums here add the products in another order than conv2d, so with
        weights near 1e308 one can overflow where the other does not.
        """
        check_no_overflow(sums, "a step's sum", {"kernel": self.weights, "image": self.padded,
                                                 "bias": self.bias})

    def index_of(self, row: int, col: int) -> int:
        """Step number of output cell (row, col)."""
        oh, ow = self.out_shape
        r = as_int(row, "row", minimum=0)
        c = as_int(col, "col", minimum=0)
        if r >= oh or c >= ow:
            raise ValueError(f"output cell must lie in {oh}×{ow}, got (row={r}, col={c})")
        return r * ow + c

    def at(self, row: int, col: int) -> Step:
        """The step that fills output cell (row, col)."""
        return self.step(self.index_of(row, col))

    def step(self, index: int) -> Step:
        """Step number ``index`` (row-major over the output), in O(1)."""
        k = as_int(index, "index", minimum=0)
        if k >= self.n_steps:
            raise ValueError(f"index must be below the number of steps {self.n_steps}, got {k}")
        ow = self.out_shape[1]
        r, c = divmod(k, ow)
        rows, cols = self._tap_coords(np.array(r), np.array(c))
        values = self.padded[rows[:, None], cols[None, :], :].astype(np.float64)
        # Past the float range these become inf, which _check_sums turns into a
        # ValueError naming the magnitudes: no NumPy warning first.
        with np.errstate(over="ignore", invalid="ignore"):
            products = values * self.weights
            partial = products.sum(axis=(0, 1))
            total = float(partial.sum() + self.bias)
        self._check_sums(np.append(partial, total))
        (top, _), (left, _) = self.geometry.padding
        in_rows, in_cols = rows - top, cols - left
        h, w = self.geometry.in_shape
        on_pad = ((in_rows < 0) | (in_rows >= h))[:, None] | ((in_cols < 0) | (in_cols >= w))[None]
        activated = float(activate(np.array(total), self.activation, slope=self.slope))
        return Step(k, r, c, rows, cols, in_rows, in_cols, on_pad, values, self.weights.copy(),
                    products, partial, self.bias, total, activated)

    def export(self) -> dict[str, np.ndarray]:
        """Every step at once (vectorized), row-major over the output.

        Returns
        -------
        dict
            ``rows`` (N, f_H) and ``cols`` (N, f_W) padded coordinates of the
            taps; ``values`` and ``products`` (N, f_H, f_W, n_c);
            ``partial_sums`` (N, n_c); ``totals`` and ``activated`` (N,).
        """
        oh, ow = self.out_shape
        out_r, out_c = np.divmod(np.arange(self.n_steps), ow)
        rows, cols = self._tap_coords(out_r, out_c)
        values = self.padded[rows[:, :, None], cols[:, None, :], :].astype(np.float64)
        with np.errstate(over="ignore", invalid="ignore"):  # as in step()
            products = values * self.weights
            partial = products.sum(axis=(1, 2))
            totals = partial.sum(axis=1) + self.bias
        self._check_sums(np.append(partial.ravel(), totals))
        return {
            "rows": rows,
            "cols": cols,
            "values": values,
            "products": products,
            "partial_sums": partial,
            "totals": totals,
            "activated": activate(totals, self.activation, slope=self.slope),
        }


@dataclass(frozen=True)
class PoolStep:
    """One pooling window on one channel.

    ``rows``/``cols`` are padded coordinates; ``values`` the (k_H, k_W) window
    (padding shows as -inf for max, 0 for average); ``winner`` the (i, j) in
    the window that gave the max (first in row-major order on ties), None for
    average; ``result`` the pooled value.
    """

    index: int
    out_row: int
    out_col: int
    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray
    winner: tuple[int, int] | None
    result: float


class PoolTrace:
    """Step-by-step record of :func:`cnnviz.pool2d` on an (H, W) map.

    >>> t = PoolTrace(np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]]))
    >>> s = t.step(1)
    >>> s.winner, s.result
    ((1, 1), 8.0)
    """

    def __init__(
        self, x: object, size: object = 2, *, stride: object = None, padding: object = 0,
        mode: str = "max",
    ) -> None:
        arr = as_float_array(x, "x")
        if arr.ndim != 2:
            raise ValueError(f"x must be one (H, W) channel for a pooling trace, got {arr.shape}")
        self.output = pool2d(arr, size, stride=stride, padding=padding, mode=mode)
        k = as_pair(size, "size", minimum=1)
        s = k if stride is None else as_pair(stride, "stride", minimum=1)
        ph, pw = as_pair(padding, "padding", minimum=0)
        self.geometry = plan_conv(arr.shape, k, stride=s, padding=((ph, ph), (pw, pw)),
                                  window="pool window")
        fill = -np.inf if mode == "max" else 0.0
        self.padded = np.pad(arr.astype(np.float64), ((ph, ph), (pw, pw)), constant_values=fill)
        self.mode = mode

    @property
    def n_steps(self) -> int:
        """Number of pooling windows."""
        return self.geometry.n_steps

    def step(self, index: int) -> PoolStep:
        """Window number ``index``, row-major over the output."""
        k = as_int(index, "index", minimum=0)
        if k >= self.n_steps:
            raise ValueError(f"index must be below the number of steps {self.n_steps}, got {k}")
        g = self.geometry
        r, c = divmod(k, g.out_shape[1])
        rows = r * g.stride[0] + np.arange(g.kernel_shape[0])
        cols = c * g.stride[1] + np.arange(g.kernel_shape[1])
        window = self.padded[rows[:, None], cols[None, :]]
        if self.mode == "max":
            flat = int(np.argmax(window))
            winner: tuple[int, int] | None = divmod(flat, window.shape[1])
        else:
            winner = None
        return PoolStep(k, r, c, rows, cols, window, winner, float(self.output[r, c]))

    def export(self) -> dict[str, np.ndarray]:
        """Every window at once: ``rows``, ``cols``, ``values`` (N, k_H, k_W),
        ``winners`` (N,) flat index in the window (-1 for average), ``results`` (N,)."""
        g = self.geometry
        out_r, out_c = np.divmod(np.arange(self.n_steps), g.out_shape[1])
        rows = out_r[:, None] * g.stride[0] + np.arange(g.kernel_shape[0])
        cols = out_c[:, None] * g.stride[1] + np.arange(g.kernel_shape[1])
        values = self.padded[rows[:, :, None], cols[:, None, :]]
        flat = values.reshape(len(values), -1)
        winners = flat.argmax(axis=1) if self.mode == "max" else np.full(len(values), -1)
        return {"rows": rows, "cols": cols, "values": values, "winners": winners,
                "results": self.output.ravel().astype(np.float64)}
