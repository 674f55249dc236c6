"""1×1 and depthwise-separable convolutions (cnnviz.lessons.separable) against plain loops."""

from __future__ import annotations

import numpy as np
import pytest

from cnnviz.lessons import separable as sep

RNG = np.random.default_rng(18)


def test_pointwise_is_a_per_pixel_channel_mix() -> None:
    vol = RNG.random((5, 6, 3))
    w = RNG.standard_normal((3, 4))
    out = sep.pointwise(vol, w, 0.5)
    for y in range(5):
        for x in range(6):
            for o in range(4):
                assert out[y, x, o] == pytest.approx(sum(vol[y, x, c] * w[c, o]
                                                         for c in range(3)) + 0.5)
    with pytest.raises(ValueError, match=r"weights must be \(3, F\)"):
        sep.pointwise(vol, np.ones((2, 1)))


def test_separable_is_depthwise_then_pointwise() -> None:
    vol = RNG.random((9, 8, 3))
    depth, out = sep.separable(vol, 3, 5, padding=1)
    kernels = sep._depthwise_kernels(3, 3)
    padded = np.pad(vol, ((1, 1), (1, 1), (0, 0)))
    for c in range(3):
        for y in range(9):
            for x in range(8):
                want = float((padded[y:y + 3, x:x + 3, c] * kernels[:, :, c]).sum())
                assert depth[y, x, c] == pytest.approx(want)
    w = sep._pointwise_weights(3, 5)
    np.testing.assert_allclose(out, np.einsum("yxc,cf->yxf", depth, w), atol=1e-12)
    assert out.shape == sep.standard(vol, 3, 5, padding=1).shape == (9, 8, 5)


@pytest.mark.parametrize(("shape", "f", "filters", "pad"),
                         [((32, 32, 3), 3, 16, 1), ((10, 10, 3), 5, 8, 0),
                          ((64, 48, 32), 3, 64, 1)])
def test_costs_match_the_formulas(shape, f, filters, pad) -> None:
    h, w, n_c = shape
    oh, ow = h + 2 * pad - f + 1, w + 2 * pad - f + 1
    c = sep.costs(shape, f=f, filters=filters, padding=pad)
    assert c.standard.params == (f * f * n_c + 1) * filters
    assert c.depthwise.params == f * f * n_c + n_c
    assert c.pointwise.params == (n_c + 1) * filters
    assert c.standard.macs == oh * ow * f * f * n_c * filters
    assert c.depthwise.macs == oh * ow * f * f * n_c
    assert c.pointwise.macs == oh * ow * n_c * filters
    assert c.ratio == pytest.approx(1 / filters + 1 / f ** 2)
    assert c.standard.out_shape == c.pointwise.out_shape == (oh, ow, filters)


def test_mix_equation_writes_the_sum() -> None:
    assert sep.mix_equation((1.0, -1.0, 0.0), np.array([0.5, 0.25, 1.0])) == \
        "1·0.5 + (−1)·0.25 + 0·1 = 0.25"


@pytest.mark.parametrize("f", [1, 3, 5, 7, 9])
def test_every_offered_filter_size_has_depthwise_kernels(f: int) -> None:
    """7 × 7 had no hand-made kernel and divided by zero (the page's f = 7 crashed)."""
    kernels = sep._depthwise_kernels(3, f)
    assert kernels.shape == (f, f, 3) and np.isfinite(kernels).all()
