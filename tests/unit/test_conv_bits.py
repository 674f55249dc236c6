"""conv2d gives, bit for bit, what it gave before its fast path was tuned (commit e47fb7f).

The fast path was made faster (issue 19, "3×3 at the memory limit") under one
rule: no result may change by a single bit. Here each case's result is hashed
(SHA-256 of its bytes, with its shape and dtype) and compared with the hash
the code of e47fb7f gave for the same input: several sizes, float32 and
float64, strides, per-side and named padding, every pad mode, dilation, flip,
bias, one filter over channels, depthwise, a bank and a separable 15×15.

The inputs are pseudo-random but come from a fixed integer mix (splitmix64),
not from ``numpy.random``, whose streams may change between numpy versions.

Last bits depend on the BLAS kernel: OpenBLAS's axpy fuses each multiply-add
(FMA) in its vector loop and rounds twice in its scalar tail, and another
CPU's kernel may do otherwise. The hashes were taken on this project's
machine (OpenBLAS 0.3.30's "Haswell" kernels, which its environment selects
with ``OPENBLAS_CORETYPE=Haswell``), with one BLAS thread as the app runs
(``cnnviz.core.threads``); on a machine whose BLAS picks other kernels the
test is skipped, saying which.
``tests/unit/test_conv_blocks.py`` checks the same rule anywhere: the result
does not depend on the block size.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

import cnnviz

threadpoolctl = pytest.importorskip("threadpoolctl")
import scipy.linalg  # noqa: E402,F401  (loads the OpenBLAS conv2d calls, so that the limit reaches it)

# (input shape, kernel shape or "gauss15", keywords); every case in float32 and float64.
CASES: list[tuple[tuple[int, ...], tuple[int, ...] | str, dict[str, object]]] = [
    ((512, 512), (3, 3), {}),
    ((512, 512), (3, 3), {"padding": 1}),
    ((700, 650), (3, 3), {}),
    ((97, 131), (3, 3), {"stride": 2}),
    ((300, 257), (3, 3), {"stride": (2, 3), "padding": "same"}),
    ((128, 129), (3, 3), {"dilation": 2, "padding": "full"}),
    ((31, 517), (3, 3), {"stride": 3, "dilation": 2, "padding": 4}),
    ((200, 211), (5, 5), {"padding": ((0, 2), (1, 0)), "pad_mode": "reflect"}),
    ((64, 70), (3, 3), {"padding": 2, "pad_mode": "replicate", "flip": True, "bias": 0.25}),
    ((64, 70), (4, 2), {"padding": "same", "pad_mode": "circular", "dilation": (1, 3)}),
    ((5, 5), (1, 1), {}),
    ((90, 100, 3), (3, 3, 3), {"padding": 1, "bias": -1.5}),
    ((90, 100, 3), (3, 3), {"stride": 2}),
    ((97, 131, 3), (3, 3, 3, 4), {"bias": [0.5, -1.0, 0.0, 2.0]}),
    ((256, 256), "gauss15", {"padding": "same"}),
]

# BLAS kernels the hashes below were taken with (threadpoolctl's "architecture").
HASHED_ON = {"Haswell"}

# The hashes e47fb7f's conv2d gave, in CASES order, float32 then float64 for each.
DIGESTS = {
    "0 float32": "7641d5a12cdc2d2a3a1bb47cbadc8a46c0b516fca6358ef4aa997ec6fa3e861a",
    "0 float64": "6f332a7a5c382fac7ea92b7ba397b960a92e3763cf0d051525b009e5dfb06908",
    "1 float32": "43b9e7f7adf9a20e67062926bfab1a99a6cfffd0a561c4d09c27e85840b54df3",
    "1 float64": "efd78cafe393d91c1cbe42acc122e543451bf2161589d1af0768fdbb225790bf",
    "2 float32": "1df04a393c156424ab5aa0f4607d6307ec8fae2901b39d578606e92f5cdb6706",
    "2 float64": "fd70f20c8c2481e3c0812fd318ca0933a82b801c0b342505af0ff318733dd827",
    "3 float32": "98e5edf4ea0cc87f035bf45a576e667afb7b5c46acd8f7daf0e0b88fe4b1ab54",
    "3 float64": "4944d0076d462111713297ff630cde19d835ae57e38bcc15b50c66ed36efca23",
    "4 float32": "eccec62607d9f65c9d463f8d4f0061cee62312f6edf5a5ff34fd89284bee5daf",
    "4 float64": "50d6c57ee775bfdb329655c05ec4d5aa7af607abfec7fda2ba3e71d1d9d35869",
    "5 float32": "eb6a9ef1c1d8cc16ba147e1b21f1a6f5168d6a7eef868542cd941b4792be8645",
    "5 float64": "5b4b5adeabb8cbb7a5642b3b1b95d915986a08bfd6d98c2ecdf41b0f212ffd70",
    "6 float32": "6feff03156ac77ac3b2f16587d7ec6c69771e07ec9e596a481df61315ead6e2e",
    "6 float64": "3181fb57b34da1355f2e514620af087377020fb2fe9e9af7975918b81470bf12",
    "7 float32": "90955f4712c1eb05ab109bd87763b4cdac5067a71fff7e059779a8ca7ac263c7",
    "7 float64": "5c938152c2720015b25cef55d8131e4633be709d98cb9577990044786a4cb748",
    "8 float32": "dfa0336bbe22a05a46c108af4406b6f137bffa001f9377ce888cc3e46c8b9273",
    "8 float64": "7906047923c37b8b8c3c4d874f5ffa41aa091cced91ccd83d5ecc28df0e66a3d",
    "9 float32": "f9c8eb800f91d82d8201739e2888a9bddaf810529b25f6ebf97aff094f7b384b",
    "9 float64": "bdea9dc1afae16e16f52f4ff94990e76f56e1bfb371b2d397ccbc8b6c75d654d",
    "10 float32": "188f50d9306c3937f31c311ba750ca16ba0423560ca408e23bb42405afca278a",
    "10 float64": "3d6799fbecf8ef622b83141a5fb8be5d2764ca9eca1e0d604cc3a075767cf014",
    "11 float32": "4db4ca42697959913dcbe9da1ade44006e64ed2108f26c19edeccf2baa0a3292",
    "11 float64": "b0a89b71acf594a4e9a483c414ffa04a71668aeeeab29dd15da1aa30fb4add47",
    "12 float32": "bb21f26b46f960b4410190c6fc7312b2bc30806468006bfcda96fe65865ce9d7",
    "12 float64": "30beed638b8d126f59f751a70e5db66b7eac675f9c36264acf075ce6fe5d8d88",
    "13 float32": "468303535ce711645c4d3bd3000565e135cb55d80d0c828e52c544377b3f661b",
    "13 float64": "72300f23d6f03d93fd4fdd0f0b9fe01305d6c3a1cc731eb1378a835f4a0f0322",
    "14 float32": "11b7babbe5a3d198021d4ad658a972598c2b927414ee340889bbfd09aed6260b",
    "14 float64": "babcb67c835990984b7f5086db11a36ef9251dab104a47451bca55ce415fe108",
}


def mix(n: int, seed: int) -> np.ndarray:
    """``n`` pseudo-random float64 values in [-1, 1): splitmix64 of 0..n-1, fixed forever."""
    start = seed * 0x9E3779B97F4A7C15 % 2**64  # in Python ints: numpy scalars warn on wrapping
    z = np.arange(n, dtype=np.uint64) + np.uint64(start)  # arrays wrap silently, as meant
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0**-52 - 1.0


def operands(index: int, dtype: type) -> tuple[np.ndarray, np.ndarray, dict[str, object]]:
    """Case ``index``'s image, kernel and keywords, in ``dtype``."""
    shape, kshape, kw = CASES[index]
    x = mix(int(np.prod(shape)), 2 * index + 1).reshape(shape).astype(dtype)
    if kshape == "gauss15":  # rank 1 with 225 taps: the separable path
        g = np.exp(-((np.arange(15) - 7.0) ** 2) / 18.0)
        k = np.outer(g, g) / np.outer(g, g).sum()
    else:
        assert isinstance(kshape, tuple)
        k = mix(int(np.prod(kshape)), 2 * index + 2).reshape(kshape)
        if k.size > 1:
            k[0, 0] = 0  # a zero tap is skipped: the order of the others must still hold
    return x, k.astype(dtype), kw


def digest(arr: np.ndarray) -> str:
    """SHA-256 of an array's shape, dtype and bytes (NaN-safe, every bit counts)."""
    h = hashlib.sha256(f"{arr.shape} {arr.dtype.str}".encode())
    h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()


def results() -> dict[str, str]:
    """Every case's digest, keyed ``"<index> <dtype>"``, with one BLAS thread."""
    out = {}
    with threadpoolctl.threadpool_limits(1):
        for i in range(len(CASES)):
            for dtype in (np.float32, np.float64):
                x, k, kw = operands(i, dtype)
                out[f"{i} {np.dtype(dtype).name}"] = digest(cnnviz.conv2d(x, k, **kw))
    return out


def blas_kernels() -> set[str]:
    """The kernel families (threadpoolctl's "architecture") of the BLAS libraries loaded."""
    return {str(i.get("architecture")) for i in threadpoolctl.threadpool_info()
            if i["user_api"] == "blas"}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("index", range(len(CASES)))
def test_conv2d_is_bit_identical_to_before_tuning(index, dtype):
    kernels = blas_kernels()
    if not kernels <= HASHED_ON:
        pytest.skip(f"hashes taken with OpenBLAS kernels {sorted(HASHED_ON)}, this BLAS uses "
                    f"{sorted(kernels)}: last bits of fused multiply-adds may differ")
    x, k, kw = operands(index, dtype)
    with threadpoolctl.threadpool_limits(1):
        got = cnnviz.conv2d(x, k, **kw)
    assert got.dtype == dtype
    assert digest(got) == DIGESTS[f"{index} {np.dtype(dtype).name}"], (CASES[index], dtype)


def test_every_case_is_hashed():
    assert len(DIGESTS) == 2 * len(CASES)


def test_inputs_are_spread_and_fixed():
    """The mix is what the hashes were taken on: fixed values, spread over [-1, 1)."""
    v = mix(100_000, 3)
    assert v.min() >= -1 and v.max() < 1
    assert abs(v.mean()) < 0.01 and 0.56 < v.std() < 0.59  # uniform: std 1/sqrt(3) ≈ 0.577
    assert mix(3, 0).tolist() == [-1.0, -0.32366679745602056, 0.7173529375471266]


if __name__ == "__main__":  # prints DIGESTS; only ever run on e47fb7f's conv2d
    for key, value in results().items():
        print(f'    "{key}": "{value}",')
