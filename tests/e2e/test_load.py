"""bench/load.py drives the app for real: a short run ends with its summary line and no errors."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
LAST_LINE = re.compile(r"sessions (\d+) p95 (\d+) ms errors (\d+) peak RSS (\d+) MB")


def test_short_load_run_has_no_errors_and_ends_with_the_summary_line():
    # Two sessions for 12 s: each loads, uploads its own PNG (checked on the page), then
    # switches pages, changes presets and steps the animation, every change checked.
    run = subprocess.run(
        [sys.executable, "bench/load.py", "--sessions", "2", "--minutes", "0.2",
         "--think", "0.2-0.5", "--seed", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    lines = run.stdout.strip().splitlines()
    assert lines, run.stderr
    match = LAST_LINE.fullmatch(lines[-1])
    assert match, f"last line {lines[-1]!r}\n{run.stdout}\n{run.stderr}"
    sessions, p95, errors, peak = map(int, match.groups())
    assert (sessions, errors) == (2, 0), run.stdout
    assert run.returncode == 0, run.stdout
    assert p95 > 0 and peak > 50, run.stdout  # the server's memory was really sampled
    table = run.stdout
    for kind in ("load", "upload", "page"):  # each session loaded and uploaded, pages switched
        row = re.search(rf"^\| {kind} \| (\d+) \|", table, re.M)
        assert row and int(row.group(1)) >= (2 if kind != "page" else 1), table
