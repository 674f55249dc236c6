"""The browser code's logic without a DOM, under ``node --test`` (tests/js/*.test.mjs).

The animation's playback driver (cnnviz/ui/static/animator/driver.js) is tested
there in milliseconds: every key and button, play/pause, speed, jump, and the
step a rerun restores. This test runs them, so ``pytest`` (and so
``tools/test.sh`` and CI) fails when one of them does. Node comes with the
machine or from ``tools/test.sh``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

JS_TESTS = Path(__file__).resolve().parents[1] / "js"


def test_node_tests_of_the_browser_code_pass():
    node = shutil.which("node")
    assert node, "these tests need Node.js (node) on PATH; tools/test.sh installs it"
    files = sorted(JS_TESTS.glob("*.test.mjs"))
    assert files, f"no *.test.mjs in {JS_TESTS}"
    done = subprocess.run([node, "--test", *map(str, files)], capture_output=True, text=True,
                          timeout=300, check=False)
    report = done.stdout + done.stderr
    failed = re.findall(r"^not ok \d+ - (.*)$", report, re.M)
    assert done.returncode == 0 and not failed, "\n".join(failed) or report[-4000:]
    passed = int(re.search(r"^# pass (\d+)$", report, re.M).group(1))
    assert passed >= 20, report[-2000:]  # the driver's tests ran, not an empty file
