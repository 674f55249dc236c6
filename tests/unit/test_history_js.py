"""static/history.js: which browser history steps a Streamlit push becomes (run in Node).

Streamlit 1.67 pushes an entry for every query change the server makes; a page switch
left several, and the old page's entry ended at "/". The browser test
(tests/e2e/test_links.py) presses Back after a link's first page switch.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

JS = Path(__file__).resolve().parents[2] / "cnnviz" / "ui" / "static" / "history.js"
HOST = "http://127.0.0.1:8501"


def _steps(cases: list[list]) -> list[dict]:
    node = shutil.which("node")
    assert node, "these tests need Node.js (node) on PATH"
    source = JS.read_text(encoding="utf-8").replace("export default function", "function _main")
    program = source + f"\nconsole.log(JSON.stringify({json.dumps(cases)}" \
                       ".map(([c, t, a, n]) => historyStep(c, t, a, n))));\n"
    done = subprocess.run([node, "--input-type=module", "-"], input=program,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_change_within_a_page_replaces_the_entry():
    opened = f"{HOST}/?src=Typed&m=1,2;3,4"
    got = _steps([[opened, "/", None, 0], [opened, "/?src=Typed", None, 0],
                  [f"{HOST}/pooling?src=Typed", "/pooling?src=Typed&m=1%2C2", None, 0]])
    assert got == [{"replace": True, "restore": None}] * 3


def test_a_page_switch_pushes_and_puts_back_the_address_the_person_acted_on():
    opened = f"{HOST}/?src=Typed&m=1,2;3,4"
    # The new run emptied the old page's address before the switch reached the browser.
    got = _steps([
        [f"{HOST}/?src=Typed", "/pooling?src=Typed", {"url": opened, "at": 1000}, 2000],
        [f"{HOST}/?src=Typed", "/pooling?src=Typed", {"url": opened, "at": 1000}, 60000],
        [f"{HOST}/animation", "/pooling", {"url": opened, "at": 1000}, 2000],
        [opened, "/pooling", {"url": opened, "at": 1000}, 2000],
        [opened, "/pooling", None, 2000],
    ])
    assert got[0] == {"replace": False, "restore": opened}
    assert got[1] == {"replace": False, "restore": None}  # a stale action: not the switch's
    assert got[2] == {"replace": False, "restore": None}  # acted on another page
    assert got[3] == got[4] == {"replace": False, "restore": None}  # nothing to put back
