"""The server's warm-up (cnnviz.ui.warm, st.App's lifespan): a first visitor after a restart
finds Streamlit's and the app's one-off work done."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# In a fresh process: what importing app.py's session modules and every page's imports
# loads after prime_sessions() has run (nothing of cnnviz's, if the warm-up covered it).
_PROBE = """
import ast, json, sys
sys.path.insert(0, {root!r})
from cnnviz.ui import warm
warm.prime_sessions()
before = set(sys.modules)
for path in [{root!r} + "/app.py", *sorted(__import__("glob").glob({root!r} + "/pages/*.py"))]:
    for node in ast.walk(ast.parse(open(path, encoding="utf-8").read())):
        imports = isinstance(node, (ast.Import, ast.ImportFrom))
        if imports and getattr(node, "module", "") != "__future__":
            exec(ast.unparse(node), {{}})
print(json.dumps(sorted(m for m in set(sys.modules) - before if m.startswith("cnnviz"))))
"""


def test_prime_switches_streamlits_legacy_pages_mode_off():
    """A first run after a restart goes through the router at once (no legacy run and rerun)."""
    from streamlit.runtime.pages_manager import PagesManager

    from cnnviz.ui import router

    old = PagesManager.uses_pages_directory
    try:
        PagesManager.uses_pages_directory = True  # what Streamlit sets for pages/ beside app.py
        router.prime()  # without a runtime (here): no script cache to fill, and no error
        assert PagesManager.uses_pages_directory is False
    finally:
        PagesManager.uses_pages_directory = old


def test_the_warm_up_leaves_no_module_for_a_first_session_to_import():
    """app.py's session modules (imported in main()) and every page's: a first visitor on a
    machine that writes no .pyc compiled them all (0.4 s on a busy machine)."""
    out = subprocess.run([sys.executable, "-c", _PROBE.format(root=str(ROOT))], cwd=ROOT,
                         capture_output=True, text=True, check=True, timeout=300)
    left = json.loads(out.stdout.strip().splitlines()[-1])
    assert left == []


def test_script_imports_names_modules_imported_inside_functions_too():
    from cnnviz.ui import warm

    names = warm.script_imports(ROOT / "app.py")
    # main() imports these on a session's first run; the server's import of app.py does not.
    assert {"cnnviz.ui.classroom", "cnnviz.ui.lectures", "cnnviz.ui.views"} <= set(names)
    assert "__future__" not in names
