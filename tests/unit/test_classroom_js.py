"""Class mode's listener (static/classroom.js) under ``node --test``: wake once per newer
version, close streams it no longer needs, keep a tab's place for a reload."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

TEST = Path(__file__).with_name("classroom_listener.test.mjs")


def test_listener_logic_in_node():
    node = shutil.which("node")
    assert node, "these tests need Node.js (node) on PATH; tools/test.sh installs it"
    done = subprocess.run([node, "--test", str(TEST)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "# pass 4" in done.stdout, done.stdout
