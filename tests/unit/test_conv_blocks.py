"""conv2d's blocked accumulation gives bit-identical results, whatever the block size.

The fast core works through its accumulator in cache-sized blocks
(``cnnviz.core.conv._BLOCK_BYTES``). Each cell still receives its taps in the
same order, so the result must not change by a single bit against one block
for the whole buffer (the core before blocking was tuned) or tiny blocks.

With one BLAS thread, as the app runs (``cnnviz.core.threads``): with more,
OpenBLAS splits each long axpy between threads, and where it splits decides
which cells its vector loop or its scalar tail computes (FMA or not), so the
last bit already depended on the thread count before any blocking
(2.4e-7 on 512² float32 3×3 between one and two threads, measured).
"""

from __future__ import annotations

import numpy as np
import pytest

import cnnviz
from cnnviz.core import conv

threadpoolctl = pytest.importorskip("threadpoolctl")
import scipy.linalg  # noqa: E402,F401  (loads the OpenBLAS conv2d calls, so that the limit reaches it)

CASES = [
    # (input shape, kernel shape, keywords)
    ((512, 512), (3, 3), {}),
    ((512, 512), (3, 3), {"padding": 1}),
    ((300, 257), (3, 3), {"stride": 2}),
    ((200, 211, 3), (3, 3, 3), {"padding": 1, "dilation": 2}),
    ((128, 128), (5, 5), {"padding": "same"}),
    ((97, 131, 3), (3, 3, 3, 4), {"bias": np.arange(4.0)}),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("shape", "kshape", "kw"), CASES)
def test_block_size_never_changes_a_bit(monkeypatch, shape, kshape, kw, dtype):
    rng = np.random.default_rng(sum(shape) + sum(kshape))
    x = rng.random(shape).astype(dtype)
    k = rng.standard_normal(kshape).astype(dtype)
    k[0, 0] = 0  # a zero tap is skipped: the order of the others must still hold
    results = []
    with threadpoolctl.threadpool_limits(1):
        for block in (1 << 40, conv._BLOCK_BYTES, 4096):
            monkeypatch.setattr(conv, "_BLOCK_BYTES", block)
            results.append(cnnviz.conv2d(x, k, **kw))
    one, default, tiny = results
    assert one.dtype == dtype
    # Bit for bit, NaN-safe: compare the bytes.
    assert one.tobytes() == default.tobytes()
    assert one.tobytes() == tiny.tobytes()


def test_default_block_fits_the_l2_cache():
    """The 512² float32 accumulator (1 MB) is split: one block would leave a 1 MB L2."""
    assert conv._BLOCK_BYTES < 512 * 512 * 4
    assert conv._BLOCK_BYTES >= 128 << 10  # below that the per-call cost of axpy wins
