"""Deliberately simple loop references that the fast core is checked against.

Nothing here is clever: one Python loop per output cell, per tap and per
channel, written straight from the lectures' definition.
"""

from __future__ import annotations

import numpy as np


def pad_loop(image, top, bottom, left, right, mode="zeros"):
    """Pad an (H, W, C) array cell by cell."""
    h, w, c = image.shape
    out = np.zeros((h + top + bottom, w + left + right, c))
    for r in range(out.shape[0]):
        for q in range(out.shape[1]):
            i, j = r - top, q - left
            if mode == "zeros":
                if 0 <= i < h and 0 <= j < w:
                    out[r, q] = image[i, j]
                continue
            out[r, q] = image[_source(i, h, mode), _source(j, w, mode)]
    return out


def _source(i, n, mode):
    if mode == "replicate":
        return min(max(i, 0), n - 1)
    if mode == "circular":
        return i % n
    # reflect, without repeating the edge; bounces for pads wider than the image
    if n == 1:
        return 0
    period = 2 * (n - 1)
    i = i % period
    return i if i < n else period - i


def conv_loop(image, kernel, bias=0.0, stride=(1, 1), padding=((0, 0), (0, 0)),
              dilation=(1, 1), mode="zeros", flip=False):
    """Cross-correlation (or convolution with flip) of (H, W, C) by (kh, kw, C, F)."""
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if flip:
        kernel = kernel[::-1, ::-1]
    (t, b), (le, ri) = padding
    x = pad_loop(image, t, b, le, ri, mode)
    kh, kw, c, f = kernel.shape
    oh = (x.shape[0] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (x.shape[1] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    bias = np.broadcast_to(np.asarray(bias, dtype=np.float64), (f,))
    out = np.zeros((oh, ow, f))
    for o in range(f):
        for r in range(oh):
            for q in range(ow):
                acc = 0.0
                for i in range(kh):
                    for j in range(kw):
                        for ch in range(c):
                            acc += (x[r * stride[0] + i * dilation[0],
                                      q * stride[1] + j * dilation[1], ch]
                                    * kernel[i, j, ch, o])
                out[r, q, o] = acc + bias[o]
    return out


def pool_loop(x, size, stride, padding, mode):
    """Pool an (H, W) array window by window."""
    x = np.asarray(x, dtype=np.float64)
    (kh, kw), (sh, sw), (ph, pw) = size, stride, padding
    fill = -np.inf if mode == "max" else 0.0
    p = np.full((x.shape[0] + 2 * ph, x.shape[1] + 2 * pw), fill)
    p[ph:ph + x.shape[0], pw:pw + x.shape[1]] = x
    oh = (p.shape[0] - kh) // sh + 1
    ow = (p.shape[1] - kw) // sw + 1
    out = np.zeros((oh, ow))
    for r in range(oh):
        for q in range(ow):
            window = [p[r * sh + i, q * sw + j] for i in range(kh) for j in range(kw)]
            out[r, q] = max(window) if mode == "max" else sum(window) / len(window)
    return out
