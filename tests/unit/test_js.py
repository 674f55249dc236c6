"""The browser code's logic without a DOM, under ``node --test`` (tests/js/*.test.mjs).

The animation's playback driver (cnnviz/ui/static/animator/driver.js) is tested
there in milliseconds: every key and button, play/pause, speed, jump, and the
step a rerun restores. This test runs them, so ``pytest`` (and so
``tools/test.sh`` and CI) fails when one of them does. Node comes with the
machine or from ``tools/test.sh``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

JS_TESTS = Path(__file__).resolve().parents[1] / "js"


def test_node_tests_of_the_browser_code_pass():
    node = shutil.which("node")
    assert node, "these tests need Node.js (node) on PATH; tools/test.sh installs it"
    files = sorted(JS_TESTS.glob("*.test.mjs"))
    assert files, f"no *.test.mjs in {JS_TESTS}"
    # format.test.mjs asks this Python for format_number's texts.
    env = {**os.environ, "CNNVIZ_PYTHON": sys.executable}
    done = subprocess.run([node, "--test", *map(str, files)], capture_output=True, text=True,
                          timeout=300, check=False, env=env)
    report = done.stdout + done.stderr
    failed = re.findall(r"^not ok \d+ - (.*)$", report, re.M)
    assert done.returncode == 0 and not failed, "\n".join(failed) or report[-4000:]
    passed = int(re.search(r"^# pass (\d+)$", report, re.M).group(1))
    assert passed >= 20, report[-2000:]  # the driver's tests ran, not an empty file


def test_the_joined_animator_is_one_valid_module_with_the_palette_once(tmp_path):
    from cnnviz.ui import animator

    path = tmp_path / "animator.mjs"
    path.write_text(animator._JS, encoding="utf-8")
    node = shutil.which("node")
    assert node
    done = subprocess.run([node, "--check", str(path)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    # Every module is in, each once, with no import left for a blob: URL to fail on.
    for name in ("colours", "driver", "equation", "grid", "palette", "main"):
        assert animator._JS.count(f"const __m_{name} = ") == 1, name
    assert "\nimport " not in animator._JS and animator._JS.rstrip().endswith(
        "export default __m_main.default;")


def test_the_joiner_refuses_what_it_cannot_read(tmp_path):
    import pytest

    from cnnviz.ui.esm import join_modules

    (tmp_path / "a.js").write_text('import b from "./b.js";\nexport default function () {}\n')
    with pytest.raises(ValueError, match="cannot read"):
        join_modules(tmp_path, "a")
    (tmp_path / "c.js").write_text('import { d } from "./d.js";\nexport const c = 1;\n')
    (tmp_path / "d.js").write_text('import { c } from "./c.js";\nexport const d = 2;\n')
    with pytest.raises(ValueError, match="circle"):
        join_modules(tmp_path, "c")
    with pytest.raises(ValueError, match="no module"):
        join_modules(tmp_path, "missing")
    (tmp_path / "e.js").write_text('import { f as g } from "./f.js";\n'
                                   "export default function () { return g; }\n")
    joined = join_modules(tmp_path, "e", {"f": "export const f = 42;\n"})
    (tmp_path / "joined.mjs").write_text(joined + "console.log(__m_e.default());\n")
    out = subprocess.run([shutil.which("node"), str(tmp_path / "joined.mjs")],
                         capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "42"


def test_the_served_cell_grid_is_one_valid_module_with_its_style(tmp_path):
    """The cell grid (cnnviz.ui.grid) is served joined, with its style sheet in front."""
    from cnnviz.ui import grid, served

    name, data = served.files()["cellgrid"]
    path = tmp_path / "cellgrid.mjs"
    path.write_bytes(data)
    node = shutil.which("node")
    assert node
    done = subprocess.run([node, "--check", str(path)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    text = data.decode("utf-8")
    for module in ("logic", "main"):
        assert text.count(f"const __m_{module} = ") == 1, module
    assert ".cg-cell" in text and "\nimport " not in text
    assert name.startswith("cellgrid.") and grid._cells is not None
