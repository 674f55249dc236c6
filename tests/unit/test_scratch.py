"""Reused scratch buffers: results stay independent, threads never share one, the pool is
bounded, and warm calls page-fault (almost) nothing in.

Speed itself lives in bench/bench_conv.py; what is tested here is deterministic:
which memory a result lives in, and how many pages a call faults in.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest

from cnnviz import conv2d, pool2d
from cnnviz.core import _scratch
from cnnviz.core._scratch import Scratch, clear_scratch, scratch_bytes
from tests.reference import conv_loop, pool_loop

ROOT = Path(__file__).resolve().parents[2]
RNG = np.random.default_rng(77)


def _img(*shape: int, dtype=np.float32) -> np.ndarray:
    return RNG.random(shape).astype(dtype)


def _gauss(size: int) -> np.ndarray:
    g = np.hanning(size + 2)[1:-1]
    return np.outer(g, g)


# Every path that uses scratch buffers: (name, call on an image, image shape).
PATHS = [
    ("grey 3×3 padding 1", lambda x: conv2d(x, np.arange(9.0).reshape(3, 3) - 4, padding=1),
     (64, 64)),
    ("grey 3×3 valid (planes are the input)", lambda x: conv2d(x, np.ones((3, 3))), (64, 64)),
    ("grey stride 2 dilation 2 reflect",
     lambda x: conv2d(x, np.eye(3), stride=2, dilation=2, padding=2, pad_mode="reflect"),
     (65, 63)),
    ("colour one filter + bias", lambda x: conv2d(x, np.ones((3, 3, 3)), 0.5, padding="same"),
     (40, 50, 3)),
    ("depthwise circular", lambda x: conv2d(x, np.eye(3), padding=1, pad_mode="circular"),
     (40, 50, 3)),
    ("bank of 5 + bias, stride 2", lambda x: conv2d(x, np.ones((3, 3, 3, 5)), np.arange(5.0),
                                                    stride=2, padding=1), (41, 39, 3)),
    ("separable 9×9", lambda x: conv2d(x, _gauss(9), padding=4), (60, 60)),
    ("separable 9×9 stride 3", lambda x: conv2d(x, _gauss(9), stride=3, padding="same"),
     (61, 59)),
    ("max pool 3 stride 1 padding 1", lambda x: pool2d(x, 3, stride=1, padding=1), (64, 64)),
    ("avg pool 2 padding 1, channels", lambda x: pool2d(x, 2, padding=1, mode="avg"),
     (33, 31, 3)),
]


@pytest.mark.parametrize(("name", "call", "shape"), PATHS, ids=[p[0] for p in PATHS])
def test_results_of_two_calls_stay_independent(name, call, shape):
    first = call(_img(*shape))
    kept = first.copy()
    second = call(_img(*shape))
    third = call(_img(*shape, dtype=np.float64))  # other sizes, other buffers: still apart
    np.testing.assert_array_equal(first, kept)
    assert not np.array_equal(first, second)
    assert not np.shares_memory(first, second)
    assert not np.shares_memory(second, third)
    with _scratch._lock:
        idle = list(_scratch._idle)
    for raw in idle:
        assert not np.shares_memory(first, raw)
        assert not np.shares_memory(second, raw)


@pytest.mark.parametrize(("name", "call", "shape"), PATHS, ids=[p[0] for p in PATHS])
def test_garbage_in_reused_buffers_never_reaches_a_result(name, call, shape):
    # Fill the pool with NaN-filled buffers of every size the call could take;
    # a path that read a cell it had not written would return NaN.
    clear_scratch()
    with Scratch() as scratch:
        for nbytes in (1 << 16, 1 << 18, 1 << 20, 1 << 22):
            scratch.empty(nbytes // 8, np.float64).fill(np.nan)
    x = _img(*shape, dtype=np.float64)
    got = call(x)
    assert np.isfinite(got).all()
    clear_scratch()
    np.testing.assert_array_equal(got, call(x))  # the same with fresh buffers


def test_reference_agreement_with_warm_buffers():
    # The loop references on the same inputs after the pool is warm (and dirty).
    x = _img(30, 34, 2, dtype=np.float64)
    k = RNG.standard_normal((3, 4, 2))
    geometry = {"stride": (2, 1), "padding": ((1, 2), (0, 3))}
    for _ in range(2):
        np.testing.assert_allclose(
            conv2d(x, k, 0.25, pad_mode="replicate", **geometry),
            conv_loop(x, k[..., None], 0.25, mode="replicate", **geometry)[..., 0],
            rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(pool2d(x[..., 0], 3, stride=2, padding=1, mode="avg"),
                                   pool_loop(x[..., 0], (3, 3), (2, 2), (1, 1), "avg"),
                                   rtol=1e-12)


def test_concurrent_threads_get_their_own_buffers():
    # Each thread convolves its own images with its own kernel shapes, so the
    # threads borrow buffers of many sizes at once; any sharing would corrupt
    # some result.
    jobs = []
    for t in range(6):
        x = _img(96 + 8 * t, 80 + 4 * t, 3)
        kernel = RNG.standard_normal((3, 3, 3, 4)) if t % 3 == 0 else (
            RNG.standard_normal((3 + t % 2, 3, 3)) if t % 3 == 1 else _gauss(7 + 2 * (t % 2)))
        jobs.append((x, kernel.astype(np.float32)))

    def run(x, kernel):
        return (conv2d(x, kernel, padding=1, stride=1 + (x.shape[0] % 2)),
                pool2d(x, 3, stride=1, padding=1))

    expected = [run(x, k) for x, k in jobs]
    failures: list[str] = []
    start = threading.Barrier(len(jobs))

    def worker(i: int) -> None:
        start.wait()
        for _ in range(15):
            conv, pool = run(*jobs[i])
            if not (np.allclose(conv, expected[i][0], rtol=1e-5, atol=1e-5)
                    and np.array_equal(pool, expected[i][1])):
                failures.append(f"thread {i}")
                return

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(jobs))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not failures


def test_the_idle_pool_is_bounded(monkeypatch):
    clear_scratch()
    monkeypatch.setattr(_scratch, "SCRATCH_LIMIT_BYTES", 1 << 20)
    big = _img(600, 600, dtype=np.float64)  # padded planes alone are ~2.9 MB
    conv2d(big, np.ones((3, 3)), padding=1)
    assert scratch_bytes() <= 1 << 20
    small = _img(100, 100)
    conv2d(small, np.ones((3, 3)), padding=1)
    assert 0 < scratch_bytes() <= 1 << 20  # small buffers are still kept
    clear_scratch()
    assert scratch_bytes() == 0


def test_the_pool_frees_the_least_recently_returned_first(monkeypatch):
    clear_scratch()
    monkeypatch.setattr(_scratch, "SCRATCH_LIMIT_BYTES", 3 << 20)
    for size in (1, 2, 3):  # MiB, returned in this order
        with Scratch() as scratch:
            scratch.empty(size << 20, np.uint8)
    with _scratch._lock:
        assert [raw.nbytes for raw in _scratch._idle] == [3 << 20]
    clear_scratch()


def test_a_nested_borrower_gets_a_different_buffer():
    clear_scratch()
    with Scratch() as outer:
        a = outer.empty(1000, np.float64)
        with Scratch() as inner:
            b = inner.empty(1000, np.float64)
            assert not np.shares_memory(a, b)
        c = outer.empty(1000, np.float64)
        assert not np.shares_memory(a, c)
    clear_scratch()


# ---- minor page faults per warm call ------------------------------------------------------------
#
# A fresh ~1 MB buffer is new memory to glibc: the kernel maps each of its 4 KiB
# pages on first touch (a minor fault, ~0.25 µs each plus the zeroing of the page).
# The old code allocated three or more such temporaries per call and freed them
# again; measured in a fresh process, warm calls faulted in per call:
#   conv2d 512² float32, 3×3, padding 1 ............ 1026 (old)   0-1 (new)
#   conv2d 512²×3, bank of 8 3×3×3, padding 1 ...... 1771 (old)   0-1 (new)
#   pool2d 512², max 3×3, stride 1, padding 1 ....... 611 (old)   0-1 (new)
# (The result itself is a fresh array the caller owns; glibc reuses its memory
# once the first result is freed.) The bound of 64 per call is a quarter of one
# 1 MB buffer's 256 pages: far above the new code's noise, far below the old
# code's lowest count. It runs in a fresh interpreter, the plain process this is
# about, because in the test process glibc's state depends on every test before.
# Two warm-up calls: the first maps the scratch buffers; the first result, freed,
# raises glibc's dynamic mmap threshold, so the second result comes from the
# heap, whose pages later results then reuse.

FAULT_SCRIPT = textwrap.dedent("""
    import resource, sys
    sys.path.insert(0, sys.argv[2])
    import numpy as np
    from cnnviz import conv2d, pool2d
    rng = np.random.default_rng(0)
    grey = rng.random((512, 512), dtype=np.float32)
    colour = rng.random((512, 512, 3), dtype=np.float32)
    calls = {
        "conv": lambda: conv2d(grey, rng.standard_normal((3, 3), dtype=np.float32), padding=1),
        "bank": lambda: conv2d(colour, BANK, padding=1),
        "pool": lambda: pool2d(grey, 3, stride=1, padding=1),
    }
    BANK = rng.standard_normal((3, 3, 3, 8), dtype=np.float32)
    call = calls[sys.argv[1]]
    call(); call()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(N_CALLS):
        call()
    print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / N_CALLS)
""")
N_CALLS = 10
MAX_FAULTS_PER_CALL = 64


@pytest.mark.parametrize("path", ["conv", "bank", "pool"])
def test_warm_calls_fault_in_almost_no_pages(path):
    resource = pytest.importorskip("resource")  # POSIX only
    assert resource  # ru_minflt is read in the child
    script = FAULT_SCRIPT.replace("N_CALLS", str(N_CALLS))
    done = subprocess.run([sys.executable, "-c", script, path, str(ROOT)], capture_output=True,
                          text=True, timeout=120, check=True)
    per_call = float(done.stdout.strip())
    assert per_call <= MAX_FAULTS_PER_CALL, f"{path}: {per_call} minor page faults per warm call"
