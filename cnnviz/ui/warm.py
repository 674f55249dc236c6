"""Work done once per server, before its first visitor: the server's ``lifespan``.

``app.py`` gives :func:`lifespan` to ``st.App``. When the server starts, it
starts one background thread that fills the shared caches with what every
first visitor after a restart would otherwise wait for: today the digits
page's data, network, test run and default figures
(:func:`cnnviz.ui.learning.warm_up`; its first visit took 4.5 s on a fresh
server, 1.7 s once warm). The server answers at once: the thread does not hold
up the health check, and a visitor who comes before it is done finds what it
has already built (the caches share one entry per exact input).

A failure here must never stop the server: it is logged, and the pages build
what they need themselves, as they always could.

Before that, the one-off work of any first run (:func:`prime_sessions`): Streamlit's
own (:func:`cnnviz.ui.router.prime`) and the imports of what every session and page
imports. The first visitor of a server that had been up for 10 s still paid 0.4 s
more than later ones: ``inspect.stack()`` in Streamlit's REPL check, compiling
``app.py``'s modules (this machine writes no ``.pyc``: PYTHONDONTWRITEBYTECODE), the
legacy multipage run and its rerun. The digits page goes first; every other page's
modules and script follow :data:`PAUSE` seconds later (not competing with a visitor
who came at once), so that the first visit of any page after a restart is cheaper too.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import logging
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

__all__ = ["lifespan", "prime_sessions", "script_imports", "warm_up"]

_LOG = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
#: The page whose one-off work is largest: primed first.
FIRST_PAGE = "digits.py"
#: Seconds between the digits page's warm-up and the other pages' (:func:`warm_up`).
PAUSE = 5.0


def script_imports(path: Path) -> list[str]:
    """The modules a script imports, anywhere in it (``app.py`` imports some in ``main``).

    ``from package import name`` gives ``package.name`` when that is a module, else
    ``package``.

    >>> "cnnviz.ui.links" in script_imports(ROOT / "app.py")  # imported inside main()
    True
    """
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module == "__future__":
                continue
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return list(dict.fromkeys(names))


def _import(names: list[str]) -> None:
    for name in names:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            pass  # "package.function": the package itself is in the list too


def prime_sessions(*, pages: bool = True) -> None:
    """The one-off work of a process's first runs, before any visitor: Streamlit's own
    (:func:`cnnviz.ui.router.prime`), ``app.py``'s imports and, with ``pages``, every
    page's imports and compiled script, the digits page's first."""
    from cnnviz.ui import router

    router.prime([ROOT / "app.py"])
    _import(script_imports(ROOT / "app.py"))
    if pages:
        scripts = sorted((ROOT / "pages").glob("*.py"), key=lambda p: p.name != FIRST_PAGE)
        for script in scripts:
            _import(script_imports(script))
            router.prime([script])


def first_table() -> None:
    """A process's first ``st.dataframe`` imports pandas' and pyarrow's string machinery
    on the way (75 ms of the digits page's first run on a busy machine): do it now."""
    import pandas as pd
    import pyarrow as pa

    pa.Table.from_pandas(pd.DataFrame([{"text": "a", "number": 1}]))


def warm_up(*, pause: float = 0.0) -> None:
    """Everything :func:`lifespan` builds, in this thread (tests call it directly).

    ``pause`` (s) before the other pages' modules: a visitor who came at once is then
    not slowed by imports that are not theirs (on 2 cores, one interpreter lock).
    """
    from cnnviz.ui import learning

    prime_sessions(pages=False)
    _import(script_imports(ROOT / "pages" / FIRST_PAGE))
    first_table()  # the digits page's layer table
    learning.warm_up()
    time.sleep(pause)
    prime_sessions()


#: The warm-up thread's name (its "missing ScriptRunContext" warnings are dropped:
#: :func:`cnnviz.ui.router.quiet_context_warning`).
THREAD = "cnnviz-warm-up"


def _run() -> None:
    from cnnviz.ui import router

    router.quiet_context_warning(THREAD)
    try:
        warm_up(pause=PAUSE)
    except Exception:  # noqa: BLE001 - a warm-up is an optimisation; the page still works
        _LOG.exception("cnnviz warm-up failed; the pages will build their figures themselves")


@contextlib.asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """``st.App(lifespan=...)``: start the warm-up thread, then serve at once."""
    from cnnviz.ui import router

    router.prime()  # instant: no session may start in legacy mode, even before the thread
    threading.Thread(target=_run, name=THREAD, daemon=True).start()
    yield
