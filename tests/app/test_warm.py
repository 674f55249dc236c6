"""The server's warm-up (cnnviz.ui.warm, st.App's lifespan): a first visitor after a restart
finds Streamlit's and the app's one-off work done."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
from pathlib import Path

from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from cnnviz.ui import warm

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


def test_the_warm_up_thread_leaves_no_context_warning_in_the_server_log(monkeypatch):
    # Every server start logged "Thread 'cnnviz-warm-up': missing ScriptRunContext! This
    # warning can be ignored": a cached function's spinner asked for the script's
    # context, and the warm-up runs none. An administrator should not learn to ignore
    # warnings; another thread's real one must still show.
    logger = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(f"{record.threadName}: {record.getMessage()}")

    handler = Keep()
    logger.addHandler(handler)
    monkeypatch.setattr(warm, "PAUSE", 0.0)
    try:
        thread = threading.Thread(target=warm._run, name=warm.THREAD)
        thread.start()
        thread.join(120)
        other = threading.Thread(target=get_script_run_ctx, name="another")
        other.start()
        other.join()
    finally:
        logger.removeHandler(handler)
    assert not [s for s in seen if s.startswith(warm.THREAD)], seen
    assert [s for s in seen if s.startswith("another") and "missing ScriptRunContext" in s]
