"""The lecture navigation's key logic (cnnviz/ui/static/lecturenav.js) under node --test."""

import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.mark.skipif(shutil.which("node") is None,
                    reason="needs Node.js (tools/test.sh installs it)")
def test_lecturenav_keys():
    result = subprocess.run(["node", "--test", str(HERE / "lecturenav.test.mjs")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    # Every test in the file ran and passed (none skipped or lost).
    count = (HERE / "lecturenav.test.mjs").read_text(encoding="utf-8").count("\ntest(")
    assert count >= 4
    assert f"# pass {count}\n" in result.stdout and "# fail 0" in result.stdout
