"""Heavy libraries load when first used, not on import (cold start), and the BLAS cap."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cnnviz.core.threads import blas_threads, limit_blas_threads

ROOT = Path(__file__).resolve().parents[2]


def _loaded_after(statement: str, modules: tuple[str, ...]) -> list[str]:
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); {statement}; "
            f"print(' '.join(m for m in {modules!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    return done.stdout.split()


HEAVY = ("scipy.linalg", "scipy.sparse", "threadpoolctl", "plotly", "streamlit")


@pytest.mark.parametrize("module", ["cnnviz", "cnnviz.core.conv", "cnnviz.core.pool",
                                    "cnnviz.core.trace", "cnnviz.lessons.correlation",
                                    "cnnviz.lessons.transposed", "cnnviz.core.matrix"])
def test_import_loads_no_scipy_linalg_or_sparse(module):
    assert _loaded_after(f"import {module}", HEAVY) == []


def test_first_use_loads_them():
    loaded = _loaded_after(
        "import numpy as np; from cnnviz import conv2d; from cnnviz.core.matrix import "
        "conv_matrix; conv2d(np.ones((4, 4), np.float32), np.ones((3, 3), np.float32)); "
        "conv_matrix(np.ones((2, 2)), (3, 3))", HEAVY)
    assert loaded == ["scipy.linalg", "scipy.sparse"]


def test_limit_blas_threads_caps_and_is_checked():
    before = blas_threads()
    try:
        after = limit_blas_threads(1)
        assert after and set(after.values()) == {1}
        assert any("scipy" in name for name in after)  # scipy's own OpenBLAS, the one cnnviz uses
    finally:
        for n in set(before.values()):
            limit_blas_threads(n)
    with pytest.raises(ValueError, match="n must be"):
        limit_blas_threads(0)
