"""Time cnnviz's conv2d and pool2d against scipy.ndimage, OpenCV and PyTorch.

One run prints the conditions, then a Markdown table: per workload the median
and 95th-percentile wall time of cnnviz (and its median CPU time) and of every
peer, the ratio of the medians cnnviz / fastest peer, the issue's target and
whether it is met. Every peer
computes exactly what cnnviz computes (cross-correlation with the same
padding, or pooling) and is checked against cnnviz with ``np.allclose``
before it is timed; a mismatch is printed loudly, marked in the table, left
out of "fastest", and makes the script exit with status 1.

It runs as a plain process, as the app, a test or a notebook does: no malloc
tunables, the environment left as it is (the BLAS variables it holds are
printed). Each implementation of each workload is timed in a fresh child
process (the same interpreter, arguments and environment), so no result
depends on what ran before it (glibc's allocator adapts to past allocations);
``--same-process`` times all in one. Times are medians over ``--repeats``
calls after two warm-up calls, so they include what a warm call really costs
(page faults included), not the best case.

Threads: by default every library keeps the threads it starts with (OpenBLAS:
one per core unless the environment says otherwise). ``--threads N`` limits
them at run time: BLAS through threadpoolctl, then ``cv2.setNumThreads`` and
``torch.set_num_threads``. scipy.ndimage and numpy's element-wise code are
single-threaded whatever the setting.

Usage::

    python3 bench/bench_conv.py [--threads N] [--repeats N] [--budget SECONDS] [--only abh]
                                [--floor]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy
import scipy.linalg  # noqa: F401  (loads the OpenBLAS cnnviz calls, so its threads are listed)
from scipy import ndimage

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import cnnviz  # noqa: E402
from cnnviz import conv2d, pool2d  # noqa: E402

try:
    import cv2
except ImportError:
    cv2 = None
try:
    import torch
    import torch.nn.functional as tnf
except ImportError:
    torch = None
try:
    import threadpoolctl
except ImportError:
    threadpoolctl = None

# Environment variables that change how BLAS, OpenMP or malloc behave: printed
# with the conditions when set (the app gets them too, so they are not unset).
ENV_PREFIXES = ("OPENBLAS", "OMP_", "MKL_", "GOTO", "BLIS", "VECLIB", "GLIBC_TUNABLES",
                "MALLOC_", "KMP_")


def _parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, default=None,
                   help="limit every library to N threads at run time (default: leave them "
                        "as the process starts, as in the app)")
    p.add_argument("--repeats", type=int, default=30,
                   help="timed calls per implementation after 2 warm-up calls (default 30)")
    p.add_argument("--budget", type=float, default=1.0,
                   help="seconds per workload, shared by its implementations: fast ones are "
                        "repeated more than --repeats times to fill it (default 1)")
    p.add_argument("--only", default="", help="letters of the workloads to run, e.g. 'ag'")
    p.add_argument("--floor", action="store_true",
                   help="also time the parts (a) is made of, one BLAS or NumPy call each, and "
                        "print the lowest time that many passes allow")
    p.add_argument("--same-process", action="store_true",
                   help="time everything in this one process (faster, but each result then "
                        "depends on the allocations of what ran before it)")
    p.add_argument("--default-malloc", action="store_true",
                   help="accepted for old command lines; malloc is never tuned any more")
    p.add_argument("--child", default="", help=argparse.SUPPRESS)  # "key:implementation"
    return p.parse_args(argv)


Impl = Callable[[], np.ndarray]
SETTLE_S = 0.3  # pause before timing each implementation, see time_calls



@dataclass
class Workload:
    """One row of the table: cnnviz's call, the peers' calls and the target."""

    key: str
    name: str
    kind: str  # "one" (one filter), "bank" (16 filters) or "pool"
    cnnviz: Impl
    peers: dict[str, Impl] = field(default_factory=dict)
    # (label, limit, peer): a target of this workload's own, cnnviz / that peer's median.
    target: tuple[str, float, str] | None = None


# ---- peers: each returns exactly what cnnviz returns -------------------------------------------

def _valid_crop(full: np.ndarray, kernel_shape: tuple[int, int], anchor_center: bool,
                out_shape: tuple[int, int]) -> np.ndarray:
    """Cut the valid region out of a same-size filter result.

    A same-size filter centres the kernel at (kh // 2, kw // 2) (ndimage, and
    filter2D's default anchor); the valid output (r, c) is then at
    (r + kh // 2, c + kw // 2). With the anchor at (0, 0) it is at (r, c).
    """
    r0 = kernel_shape[0] // 2 if anchor_center else 0
    c0 = kernel_shape[1] // 2 if anchor_center else 0
    return full[r0 : r0 + out_shape[0], c0 : c0 + out_shape[1]]


def dilate_kernel(k: np.ndarray, d: int) -> np.ndarray:
    """The kernel a dilation of ``d`` is equivalent to: taps spread out, zeros between."""
    kh, kw = k.shape[:2]
    out = np.zeros((d * (kh - 1) + 1, d * (kw - 1) + 1) + k.shape[2:], dtype=k.dtype)
    out[::d, ::d] = k
    return out


def nd_conv(x: np.ndarray, k: np.ndarray, bias: np.ndarray | None = None, stride: int = 1,
            dilation: int = 1, same: bool = False) -> np.ndarray:
    """scipy.ndimage.correlate: per channel and per filter, summed, cropped, subsampled.

    ``x`` is (H, W) or (H, W, C); ``k`` is (kh, kw), (kh, kw, C) or (kh, kw, C, F).
    ``same``: zero padding of (f - 1) / 2 (odd kernels), which is correlate's own size.
    """
    k = dilate_kernel(k, dilation) if dilation > 1 else k
    x3 = x[:, :, None] if x.ndim == 2 else x
    k4 = k.reshape(k.shape[:2] + (x3.shape[2], -1))
    oh, ow = x3.shape[0] - k.shape[0] + 1, x3.shape[1] - k.shape[1] + 1
    outs = []
    for f in range(k4.shape[3]):
        acc = None
        for c in range(x3.shape[2]):
            full = ndimage.correlate(x3[:, :, c], k4[:, :, c, f], mode="constant")
            part = full if same else _valid_crop(full, k.shape[:2], True, (oh, ow))
            acc = part.copy() if acc is None else np.add(acc, part, out=acc)
        if bias is not None:
            acc += bias[f]
        outs.append(acc[::stride, ::stride])
    return outs[0] if k.ndim < 4 else np.stack(outs, axis=-1)


def cv_conv(x: np.ndarray, k: np.ndarray, bias: np.ndarray | None = None, stride: int = 1,
            dilation: int = 1, same: bool = False) -> np.ndarray:
    """cv2.filter2D (which correlates): per channel and filter, summed, cropped, subsampled.

    The anchor is put at (0, 0), so the valid output is the top-left corner of
    filter2D's same-size result and the border mode never matters. Dilation
    uses the zero-spread kernel; OpenCV switches to a DFT for large kernels.
    ``same``: the kernel centred (the default anchor) on a zero border instead.
    """
    k = dilate_kernel(k, dilation) if dilation > 1 else k
    planes = [x] if x.ndim == 2 else cv2.split(x)
    k4 = k.reshape(k.shape[:2] + (len(planes), -1))
    oh, ow = x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1
    outs = []
    for f in range(k4.shape[3]):
        acc = None
        for c, plane in enumerate(planes):
            full = cv2.filter2D(plane, cv2.CV_32F, k4[:, :, c, f],
                                anchor=(-1, -1) if same else (0, 0),
                                borderType=cv2.BORDER_CONSTANT)
            part = full if same else full[:oh, :ow]
            acc = part if acc is None else cv2.add(acc, part)
        if bias is not None:
            acc = acc + bias[f]
        outs.append(acc[::stride, ::stride])
    return outs[0] if k.ndim < 4 else np.stack(outs, axis=-1)


def torch_conv(x: np.ndarray, k: np.ndarray, bias: np.ndarray | None = None, stride: int = 1,
               dilation: int = 1, same: bool = False) -> np.ndarray:
    """torch.nn.functional.conv2d on zero-copy views (a (H, W, C) array is channels_last)."""
    x3 = x[:, :, None] if x.ndim == 2 else x
    k4 = k.reshape(k.shape[:2] + (x3.shape[2], -1))
    xt = torch.from_numpy(x3).permute(2, 0, 1)[None]
    wt = torch.from_numpy(np.ascontiguousarray(k4.transpose(3, 2, 0, 1)))
    bt = None if bias is None else torch.from_numpy(bias)
    with torch.no_grad():
        out = tnf.conv2d(xt, wt, bt, stride=stride, dilation=dilation,
                         padding=(k.shape[0] // 2, k.shape[1] // 2) if same else 0)
    out = out[0].permute(1, 2, 0).numpy()
    return out[:, :, 0] if k.ndim < 4 else out


def nd_pool(x: np.ndarray, mode: str) -> np.ndarray:
    """ndimage maximum_filter / uniform_filter, origin -1 (window starts at a cell), subsampled."""
    if mode == "max":
        full = ndimage.maximum_filter(x, size=2, origin=-1)
    else:
        full = ndimage.uniform_filter(x, size=2, origin=-1)
    return full[: x.shape[0] - 1 : 2, : x.shape[1] - 1 : 2]


def cv_pool(x: np.ndarray, mode: str) -> np.ndarray:
    """Max: cv2.dilate with a 2×2 box anchored at (0, 0), subsampled. Avg: cv2.resize INTER_AREA."""
    h, w = x.shape[0] // 2, x.shape[1] // 2
    if mode == "max":
        full = cv2.dilate(x, np.ones((2, 2), np.uint8), anchor=(0, 0))
        return full[: 2 * h : 2, : 2 * w : 2]
    return cv2.resize(x[: 2 * h, : 2 * w], (w, h), interpolation=cv2.INTER_AREA)


def torch_pool(x: np.ndarray, mode: str) -> np.ndarray:
    """torch max_pool2d / avg_pool2d, kernel 2, stride 2."""
    xt = torch.from_numpy(x)[None, None]
    with torch.no_grad():
        out = tnf.max_pool2d(xt, 2) if mode == "max" else tnf.avg_pool2d(xt, 2)
    return out[0, 0].numpy()


# ---- workloads -----------------------------------------------------------------------------------

def gaussian(size: int, sigma: float) -> np.ndarray:
    """A normalised size × size Gaussian (rank 1), float32."""
    t = np.arange(size) - (size - 1) / 2
    g = np.exp(-(t**2) / (2 * sigma**2))
    k = np.outer(g, g)
    return (k / k.sum()).astype(np.float32)


def build_workloads() -> list[Workload]:
    rng = np.random.default_rng(0)

    def img(*shape: int) -> np.ndarray:
        return rng.random(shape, dtype=np.float32)

    def ker(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape, dtype=np.float32)

    def peers_conv(x, k, bias=None, stride=1, dilation=1, same=False) -> dict[str, Impl]:
        kw = {"bias": bias, "stride": stride, "dilation": dilation, "same": same}
        out = {"scipy.ndimage": lambda: nd_conv(x, k, **kw)}
        if cv2 is not None:
            out["OpenCV"] = lambda: cv_conv(x, k, **kw)
        if torch is not None:
            out["torch"] = lambda: torch_conv(x, k, **kw)
        return out

    def peers_pool(x, mode) -> dict[str, Impl]:
        out = {"scipy.ndimage": lambda: nd_pool(x, mode)}
        if cv2 is not None:
            out["OpenCV"] = lambda: cv_pool(x, mode)
        if torch is not None:
            out["torch"] = lambda: torch_pool(x, mode)
        return out

    w: list[Workload] = []
    x, k = img(512, 512), ker(3, 3)
    # Issue 19's "3×3 at the memory limit": within 2× of OpenCV's filter2D.
    w.append(Workload("a", "512² grey, 3×3", "one", lambda: conv2d(x, k), peers_conv(x, k),
                      target=("≤ 2× OpenCV", 2.0, "OpenCV")))
    xb, kb, bb = img(1024, 1024, 3), ker(3, 3, 3), ker(1)
    w.append(Workload("b", "1024²×3, 3×3×3 + bias", "one", lambda: conv2d(xb, kb, bb),
                      peers_conv(xb, kb, bb)))
    xc, kc, bc = img(512, 512, 3), ker(3, 3, 3, 16), ker(16)
    w.append(Workload("c", "512²×3, 16 filters 3×3×3 + bias", "bank", lambda: conv2d(xc, kc, bc),
                      peers_conv(xc, kc, bc)))
    xd, kd = img(1024, 1024), gaussian(15, 3.0)
    w.append(Workload("d", "1024² grey, 15×15 Gaussian", "one", lambda: conv2d(xd, kd),
                      peers_conv(xd, kd)))
    w.append(Workload("e", "512² grey, 3×3 stride 2", "one", lambda: conv2d(x, k, stride=2),
                      peers_conv(x, k, stride=2)))
    w.append(Workload("f", "512² grey, 3×3 dilation 2", "one", lambda: conv2d(x, k, dilation=2),
                      peers_conv(x, k, dilation=2)))
    xg = img(2048, 2048)
    w.append(Workload("g", "max pool 2×2, 2048² grey", "pool", lambda: pool2d(xg, 2),
                      peers_pool(xg, "max")))
    w.append(Workload("h", "avg pool 2×2, 2048² grey", "pool",
                      lambda: pool2d(xg, 2, mode="avg"), peers_pool(xg, "avg")))
    # The example: padding makes a copy, the case page faults hurt most.
    w.append(Workload("i", "512² grey, 3×3 padding 1", "one", lambda: conv2d(x, k, padding=1),
                      peers_conv(x, k, same=True)))
    w.append(Workload("j", "512²×3, 16 filters 3×3×3 + bias, padding 1", "bank",
                      lambda: conv2d(xc, kc, bc, padding=1), peers_conv(xc, kc, bc, same=True)))
    return w


# ---- timing ------------------------------------------------------------------------------------

@dataclass
class Timing:
    """Median wall and CPU (process) time of one implementation, in ms, over ``n`` calls.

    ``p95``: the 95th percentile of the wall times (nearest rank), in ms.
    """

    wall: float
    cpu: float
    n: int
    p95: float


def time_calls(fn: Impl, budget: float, repeats: int, max_repeats: int = 1000) -> Timing:
    """Median time of ``fn``: two warm-up calls, then at least ``repeats`` timed calls.

    More calls when they fit in ``budget`` seconds (up to ``max_repeats``). CPU
    time is the whole process's (``time.process_time``), so a library that
    keeps two threads busy shows about twice its wall time. A pause first lets
    the worker threads the previous library left spinning (OpenBLAS, OpenMP,
    OpenCV's pool) fall asleep: on 2 cores they would otherwise steal a core.
    """
    time.sleep(SETTLE_S)
    fn()
    t0 = time.perf_counter()
    fn()
    once = time.perf_counter() - t0
    n = int(min(max_repeats, max(repeats, budget / max(once, 1e-6))))
    walls, cpus = [], []
    for _ in range(n):
        c0 = time.process_time()
        t0 = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return Timing(statistics.median(walls) * 1e3, statistics.median(cpus) * 1e3, n,
                  percentile(walls, 95) * 1e3)


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile of ``values``, nearest rank (a time some call really took).

    >>> percentile([float(i) for i in range(1, 101)], 95)
    95.0
    """
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n q / 100)
    return ordered[int(rank) - 1]


def ms(value: float) -> str:
    """A time in ms, with three decimals below 1 ms (0.09 and 0.094 differ by 4 %)."""
    return f"{value:.4f}" if value < 0.01 else f"{value:.3f}" if value < 1 else f"{value:.2f}"


def blas_threads() -> str:
    """The BLAS libraries loaded and their thread counts (threadpoolctl), or why unknown."""
    if threadpoolctl is None:
        return "BLAS threads: unknown (threadpoolctl not installed)"
    libs = [f"{Path(i['filepath']).name} {i.get('version')} "
            f"({i['internal_api']}, {i['num_threads']} threads)"
            for i in threadpoolctl.threadpool_info() if i["user_api"] in ("blas", "openmp")]
    return "Thread pools: " + ("; ".join(libs) if libs else "none found")


def conditions(args: argparse.Namespace) -> list[str]:
    """What the numbers depend on: date, machine, load, versions, threads, environment."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    env = {k: v for k, v in sorted(os.environ.items()) if k.startswith(ENV_PREFIXES)}
    versions = [f"Python {platform.python_version()}", f"numpy {np.__version__}",
                f"scipy {scipy.__version__}", f"cnnviz {getattr(cnnviz, '__version__', '(repo)')}"]
    if cv2 is not None:
        versions.append(f"OpenCV {cv2.__version__}")
    if torch is not None:
        versions.append(f"torch {torch.__version__}")
    absent = [name for name, mod in (("OpenCV (cv2)", cv2), ("torch", torch)) if mod is None]
    return [
        f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; {platform.machine()}, "
        f"{os.cpu_count()} CPUs ({usable} usable), {_cpu_name()}; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        "; ".join(versions),
        blas_threads() + ("" if args.threads is None
                          else f" — limited to {args.threads} by --threads"),
        "Environment: " + (", ".join(f"{k}={v}" for k, v in env.items())
                           or "no BLAS/OpenMP/malloc variables set"),
        *([f"Peers absent (skipped): {', '.join(absent)}"] if absent else []),
        ("One process for all (--same-process)" if args.same_process else
         "A fresh plain process per implementation and workload")
        + f" (malloc untuned). Times: median / 95th percentile of >= {args.repeats} calls"
        " after 2 warm-up calls, in ms; CPU = median process time per call; float32 inputs.",
    ]


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "CPU unknown"


def check(ref: np.ndarray, got: np.ndarray) -> str | None:
    """None if ``got`` equals ``ref`` within float32 tolerance, else what differs."""
    got = np.asarray(got)
    if got.shape != ref.shape:
        return f"shape {got.shape} != {ref.shape}"
    if got.dtype != ref.dtype:
        return f"dtype {got.dtype} != {ref.dtype}"
    scale = float(np.abs(ref).max()) or 1.0
    if not np.allclose(got, ref, rtol=1e-4, atol=1e-5 * scale):
        return f"max abs diff {float(np.abs(got - ref).max()):.3g} (scale {scale:.3g})"
    return None


TARGETS = {"one": ("≤ 1.5× fastest", 1.5), "bank": ("≤ 2× torch", 2.0),
           "pool": ("≤ 1× fastest", 1.0)}


def measure(key: str, impl: str, budget: float, repeats: int) -> dict[str, object]:
    """Time implementation ``impl`` ("cnnviz" or a peer) of workload ``key`` in this process.

    A peer is first checked against cnnviz's result.
    """
    w = next(w for w in build_workloads() if w.key == key)
    fn = w.cnnviz if impl == "cnnviz" else w.peers[impl]
    problem = None if impl == "cnnviz" else check(w.cnnviz(), fn())
    t = time_calls(fn, budget, repeats)
    return {"wall": t.wall, "cpu": t.cpu, "n": t.n, "p95": t.p95, "problem": problem}


def run(args: argparse.Namespace, key: str, impl: str, budget: float) -> dict[str, object]:
    """:func:`measure`, in a fresh child process unless ``--same-process``."""
    if args.same_process:
        return measure(key, impl, budget, args.repeats)
    cmd = [sys.executable, os.path.abspath(__file__), "--child", f"{key}:{impl}",
           "--repeats", str(args.repeats), "--budget", str(budget)]
    if args.threads is not None:
        cmd += ["--threads", str(args.threads)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"({key}) {impl} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def limit_threads(n: int | None) -> object:
    """Limit every library to ``n`` threads (None: leave them); the threadpoolctl limiter."""
    if n is None:
        return None
    if threadpoolctl is None:
        raise SystemExit("--threads needs threadpoolctl (pip install threadpoolctl)")
    import scipy.linalg  # noqa: F401  (load scipy's OpenBLAS, which cnnviz calls, first)

    limiter = threadpoolctl.threadpool_limits(limits=n)
    if cv2 is not None:
        cv2.setNumThreads(n)
    if torch is not None:
        torch.set_num_threads(n)
    return limiter


def floor_parts(repeats: int) -> list[dict[str, object]]:
    """Time the passes conv2d makes for workload (a), each on its own, in this process.

    (a) is 512² float32 with a 3×3 kernel of 9 non-zero weights. Results are
    summed tap after tap in a fixed order, each tap a fused multiply-add
    (BLAS axpy), so that the sums are bit-identical to before: 9 passes over
    the 510 × 512 accumulator, in conv2d's own blocks (``_BLOCK_BYTES``), the
    first a plain multiply. Then one copy of the 510 × 510 valid cells into the
    result and one BLAS asum that proves them finite. What Python does around
    them is the time of the same call on an 8 × 8 image.
    """
    from cnnviz.core import conv as core

    rng = np.random.default_rng(0)
    x = rng.random((512, 512), dtype=np.float32)
    k = rng.standard_normal((3, 3), dtype=np.float32)
    oh = ow = 510
    n = (oh - 1) * 512 + ow
    src, buf = x.reshape(-1), np.empty(oh * 512, np.float32)
    res = np.empty((oh, ow), np.float32)
    axpy = core._blas("axpy", np.dtype(np.float32))
    asum = core._blas("asum", np.dtype(np.float32))
    block = core._BLOCK_BYTES // 4
    starts = [(s, min(block, n - s)) for s in range(0, n, block)]

    # One block, again and again: it stays in L2 as in conv2d, where each block
    # meets all its taps before the next block is touched.
    m = min(block, n)
    taps = int(np.count_nonzero(k))
    small = x[:8, :8].copy()
    parts = [
        ("first tap: multiply over one block (L2)", 1, len(starts),
         lambda: np.multiply(src[:m], 0.5, out=buf[:m])),
        ("further taps: BLAS axpy (FMA) over one block (L2)", 1, len(starts) * (taps - 1),
         lambda: axpy(src, buf, m, 0.5, 513, 1, 0, 1)),
        ("valid 510 × 510 cells into the result (copy)", 1, 1,
         lambda: np.copyto(res, buf.reshape(oh, 512)[:, :ow])),
        ("finiteness check: BLAS asum of the result", 1, 1, lambda: asum(res.reshape(-1))),
        ("fixed cost of a call: conv2d on 8 × 8", 1, 1, lambda: conv2d(small, k)),
    ]
    out = []
    for name, calls, times, fn in parts:
        t = time_calls(fn, 1.0, repeats)
        out.append({"name": name, "calls": calls, "times": times, "wall": t.wall, "p95": t.p95})
    t = time_calls(lambda: conv2d(x, k), 1.0, repeats)
    out.append({"name": "conv2d 512² 3×3 itself", "calls": 1, "times": 1, "wall": t.wall,
                "p95": t.p95})
    return out


def core_block_bytes() -> int:
    """conv2d's block size (cnnviz.core.conv._BLOCK_BYTES)."""
    from cnnviz.core import conv as core

    return int(core._BLOCK_BYTES)


def print_floor(args: argparse.Namespace, opencv_ms: float | None) -> None:
    """The floor table: (a)'s parts, their sum, against conv2d and 2× OpenCV."""
    if args.same_process:
        parts = floor_parts(args.repeats)
    else:
        cmd = [sys.executable, os.path.abspath(__file__), "--child", "floor:",
               "--repeats", str(args.repeats)]
        if args.threads is not None:
            cmd += ["--threads", str(args.threads)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        parts = json.loads(done.stdout.strip().splitlines()[-1])
    print("\n## (a) 512² grey, 3×3: the parts it is made of (one fresh process)\n")
    print(f"Blocks of {core_block_bytes() >> 10} KB; one call per row below.\n")
    print("| part | calls per conv2d | p50 ms | p95 ms | p50 × calls |")
    print("|---|---:|---:|---:|---:|")
    floor = 0.0
    for p in parts[:-1]:
        total = float(p["wall"]) * int(p["times"])
        floor += total
        print(f"| {p['name']} | {p['times']} | {ms(float(p['wall']))} | "
              f"{ms(float(p['p95']))} | {ms(total)} |")
    whole = parts[-1]
    print(f"| **sum: the floor for this order of operations** | | | | **{ms(floor)}** |")
    print(f"| conv2d 512² 3×3 itself, same process | 1 | {ms(float(whole['wall']))} | "
          f"{ms(float(whole['p95']))} | |")
    if opencv_ms is not None:
        print(f"| 2 × OpenCV's filter2D (the target) | | {ms(2 * opencv_ms)} | | |")


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    limit_threads(args.threads)
    if args.child == "floor:":
        print(json.dumps(floor_parts(args.repeats)))
        return 0
    if args.child:
        key, impl = args.child.split(":", 1)
        print(json.dumps(measure(key, impl, args.budget, args.repeats)))
        return 0
    print("# cnnviz conv/pool benchmark\n")
    for line in conditions(args):
        print(f"- {line}")
    print(flush=True)

    workloads = [w for w in build_workloads() if not args.only or w.key in args.only]
    peer_names = ["scipy.ndimage"] + [n for n, m in (("OpenCV", cv2), ("torch", torch))
                                      if m is not None]
    rows, all_met, mismatches = [], True, 0
    opencv_a = None  # OpenCV's median on (a), for the --floor table
    for w in workloads:
        share = args.budget / (1 + len(w.peers))
        cells, valid = {}, {}
        for name in w.peers:
            got = run(args, w.key, name, share)
            wall, problem = float(got["wall"]), got["problem"]
            cells[name] = f"{ms(wall)} / {ms(float(got['p95']))}"
            if problem:
                mismatches += 1
                print(f"!!! MISMATCH: {name} on ({w.key}) {w.name}: {problem}", file=sys.stderr)
                cells[name] += " ≠"
            else:
                valid[name] = wall
        if w.key == "a":
            opencv_a = valid.get("OpenCV")
        mine_t = run(args, w.key, "cnnviz", share)
        mine = float(mine_t["wall"])
        label, limit = TARGETS[w.kind]
        fastest = min(valid.values()) if valid else float("nan")
        ratio = mine / fastest
        against = valid.get("torch", fastest) if w.kind == "bank" else fastest
        if w.kind == "bank" and "torch" not in valid:
            label = "≤ 2× fastest (no torch)"
        if w.target is not None:  # the workload's own target, against one named peer
            label, limit, peer = w.target
            against = valid.get(peer, float("nan"))
            if peer not in valid:
                label += f" ({peer} absent or wrong: not met)"
        met = mine / against <= limit
        all_met &= met
        shown = f"{ratio:.2f}"
        if w.kind == "bank" and "torch" in valid:
            shown += f" (torch {mine / against:.2f})"
        rows.append([f"({w.key}) {w.name}", f"{ms(mine)} / {ms(float(mine_t['p95']))}",
                     ms(float(mine_t["cpu"]))]
                    + [cells.get(n, "—") for n in peer_names]
                    + [shown, label, "yes" if met else "**no**"])
        print(f"  done ({w.key}) {w.name}: {ms(mine)} ms over {mine_t['n']} calls",
              file=sys.stderr)

    head = (["workload", "cnnviz ms p50 / p95", "cnnviz CPU ms"]
            + [f"{n} ms p50 / p95" for n in peer_names]
            + ["cnnviz / fastest (p50)", "target", "met"])
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(head) - 3) + ["---", "---"]) + "|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print(f"\nLoad average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}.")
    print("\nPeers: scipy.ndimage = correlate (constant mode) per channel and filter, summed,"
          " cropped to the valid region (uncropped for padding 1), subsampled for stride,"
          " dilation as a zero-spread kernel; pooling = maximum_filter / uniform_filter"
          " (size 2, origin -1) + [::2, ::2]. OpenCV = filter2D (anchor (0, 0), or centred"
          " for padding 1) the same way (it switches to a DFT for big kernels); max pool ="
          " dilate with a 2×2 box + [::2, ::2]; avg pool = resize INTER_AREA. torch = conv2d"
          " / max_pool2d / avg_pool2d on zero-copy views, no grad.")
    print(f"\nAll targets met: {'yes' if all_met else 'no'}"
          + (f"; {mismatches} MISMATCH(ES) — see stderr, marked ≠" if mismatches else ""))
    if args.floor:
        print_floor(args, opencv_a)
        print(f"\nLoad average after the parts: "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}.")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
