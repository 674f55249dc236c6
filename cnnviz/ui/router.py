"""How requests and runs reach the app: the server's guards and the one Streamlit internal.

Three pieces, all wired in ``app.py``: :class:`NoSuchPage` (a deep path opens
the app instead of a blank page) and :func:`unexpected_error` (no traceback on
screen) go in through Streamlit's public ``st.App``; :func:`ensure_routed` is
the only code that touches a Streamlit internal, explained here.

Streamlit treats a ``pages/`` folder beside the main script as an old-style
multipage app until the first ``st.navigation`` call in the server process.
So the first visits after a server start (thirty at once in a classroom, some
on deep links such as ``/animation?src=Pattern``) would run ``app.py`` or a
page script on its own: no router, no wide layout, a page list made from file
names. The product keeps ``pages/`` beside ``app.py``, so each run checks for
itself: if Streamlit's legacy runner (``_mpa_v1``) is on the call stack, it
switches that mode off and reruns on the same URL, now through the router.

``app.py`` and the first line of every page script call :func:`ensure_routed`;
nothing else does. :func:`history_navigation` reads whether a run is a Back or
Forward step from the run's context; no other module touches Streamlit internals
(Streamlit is pinned to 1.67 in requirements.txt).

The server's warm-up (:mod:`cnnviz.ui.warm`) also calls :func:`prime` once, when the
server starts, so that the first visitor after a restart does not pay Streamlit's
one-off work of a first run: the legacy mode above is switched off before any session
exists (every run goes through the router at once, with no legacy run and rerun
first), the REPL check of a process's first element is answered (it is
``streamlit run``), and the app's and pages' scripts are compiled into the runtime's
script cache. :func:`ensure_routed` stays the guard wherever no warm-up ran (AppTest).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_to_bytes

import streamlit as st

_LOG = logging.getLogger("cnnviz")


def ensure_routed() -> None:
    """Rerun through ``app.py``'s ``st.navigation`` if Streamlit's legacy mode drives this run."""
    from streamlit.runtime.pages_manager import PagesManager

    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "_mpa_v1":
            PagesManager.uses_pages_directory = False
            st.rerun()
        frame = frame.f_back


def prime(scripts: Sequence[Path] = ()) -> None:
    """Streamlit's one-off work of a process's first script run, done now (server start).

    Measured on a fresh server (2 cores, shared, PYTHONDONTWRITEBYTECODE as here): the
    first visitor's run spent 0.84 s in ``inspect.stack()`` and 0.1 s compiling the page.

    - Legacy multipage mode off, as the first ``st.navigation`` would switch it off
      (``PagesManager.uses_pages_directory``; see the module's docstring).
    - The first element a process sends makes Streamlit check once whether it runs in a
      REPL, to print a hint (``delta_generator._maybe_print_use_warning``). The check is
      ``inspect.stack()``, which resolves the real path of every loaded module's file:
      0.2–0.8 s here. A server started by ``streamlit run`` is no REPL, so the check is
      marked done.
    - ``scripts`` (absolute paths: ``app.py``, the pages) compiled into the runtime's
      script cache, as their first run would (thread-safe; skipped without a runtime).
    """
    from streamlit import delta_generator
    from streamlit.runtime import Runtime
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    if hasattr(delta_generator, "_use_warning_has_been_displayed") and Runtime.exists():
        delta_generator._use_warning_has_been_displayed = True
    if not Runtime.exists():
        return
    cache = Runtime.instance()._script_cache
    for script in scripts:
        try:
            cache.get_bytecode(str(script))
        except Exception:  # noqa: BLE001 - its run will compile it and report the error there
            _LOG.warning("could not precompile %s", script, exc_info=True)


def history_navigation() -> bool:
    """Whether this run came from the browser's Back or Forward (Streamlit 1.67 marks it on
    the run's context, and has no public way to ask); :func:`cnnviz.ui.links.carry` gives
    such a run the link values Streamlit dropped from the address."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx is not None and bool(getattr(ctx, "is_history_navigation", False))


def unexpected_error(exc: Exception) -> bool:
    """The server's last line of defence (``st.App(on_script_error=...)``): no traceback on screen.

    Every known bad input is caught where it happens, with its own message;
    this is for the one nobody foresaw. The person sees what to do, the
    traceback goes to the server's log for the developers, and the session's
    settings stay as they were.
    """
    _LOG.error("uncaught error in a page", exc_info=exc)
    st.error("Something went wrong on this page, and it could not finish drawing. Your image "
             "and settings are kept: change a setting or reload to try again. (The details "
             f"are in the server's log: {type(exc).__name__}.)", icon=":material/error:")
    return True


def _malformed(raw: bytes) -> bool:
    """Whether a raw path is one the browser's ``decodeURIComponent`` refuses ("URI malformed").

    A ``%`` not followed by two hex digits, or escapes whose bytes are not UTF-8
    (``/%ff``, the overlong ``/%C0%AE``). The server decodes those bytes into
    U+FFFD, so only the raw path tells.
    """
    text = raw.decode("latin-1")
    if re.search(r"%(?![0-9A-Fa-f]{2})", text):
        return True
    try:
        unquote_to_bytes(text).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


class NoSuchPage:
    """ASGI middleware: a path two or more segments deep, with a control character such as
    ``%00``, or with a broken percent-escape such as ``%ff``, opens the app with a notice.

    Streamlit answers every unknown path with its ``index.html``, whose assets
    are relative (``./static/…``). One segment deep (``/poolng``) they still
    resolve and Streamlit says the page does not exist; two deep
    (``/etc/passwd``) they resolve to ``/etc/static/…``, get ``index.html``
    again, and the browser shows a blank page forever. A broken escape
    (``/%ff``) gets the page too, whose frontend cannot decode its own address
    and stays grey forever. So such a request is
    redirected to the app's root with the path in ``?nopage=``, which
    :func:`cnnviz.ui.links.start` reports. Streamlit's own routes (its first
    segments below) pass untouched. Installed through the public ``st.App``
    (see ``app.py``), so this touches no Streamlit internal.
    """

    #: First path segments that Streamlit itself serves below the base path.
    SERVED = frozenset({"_stcore", "static", "media", "component", "app"})

    def __init__(self, app: Any) -> None:
        self.app = app
        # Streamlit's routes carry server.baseUrlPath in the path itself.
        self.base = str(st.get_option("server.baseUrlPath") or "").strip("/")

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        target = self.redirect_for(scope, base=self.base) if scope["type"] == "http" else None
        if target is None:
            await self.app(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 302,
                    "headers": [(b"location", target.encode("ascii")),
                                (b"cache-control", b"no-cache"), (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    @classmethod
    def redirect_for(cls, scope: dict, *, base: str = "") -> str | None:
        """Where a request should go instead, or None to serve it as usual.

        Only a browser opening a page (a GET that accepts HTML) is redirected;
        the frontend's own probes, such as ``/pooling/_stcore/health`` while it
        finds the server's base path, must get Streamlit's answers.

        >>> html = [(b"accept", b"text/html,application/xhtml+xml,*/*;q=0.8")]
        >>> NoSuchPage.redirect_for({"method": "GET", "path": "/etc/passwd", "headers": html})
        '/?nopage=/etc/passwd'
        >>> NoSuchPage.redirect_for({"method": "GET", "path": "/cnn/a/<b>", "headers": html},
        ...                         base="cnn")
        '/cnn/?nopage=/a/%3Cb%3E'
        >>> NoSuchPage.redirect_for({"method": "GET", "path": "/cnn/pooling", "headers": html},
        ...                         base="cnn") is None
        True
        >>> NoSuchPage.redirect_for({"method": "GET", "path": "/pooling/_stcore/health",
        ...                          "headers": html}) is None
        True
        >>> NoSuchPage.redirect_for({"method": "GET", "path": "/etc/passwd", "headers": []}) is None
        True
        >>> NoSuchPage.redirect_for({"method": "GET", "path": "/pooling\\x00", "headers": html})
        '/?nopage=/pooling%00'
        >>> NoSuchPage.redirect_for({"method": "GET", "path": "/\\ufffd", "raw_path": b"/%ff",
        ...                          "headers": html})
        '/?nopage=/%25ff'
        """
        if scope.get("method") not in ("GET", "HEAD"):
            return None
        accept = dict(scope.get("headers") or []).get(b"accept", b"")
        if b"text/html" not in accept:
            return None
        # The app's root: a proxy's mount point, then server.baseUrlPath.
        mounts = [p for p in (scope.get("root_path", "").strip("/"), base) if p]
        root = "/" + "/".join(mounts) if mounts else ""
        path = scope.get("path", "")
        inner = path[len(root):] if root and path.startswith(root + "/") else path
        parts = [p for p in inner.split("/") if p]
        # A control character (/%00, /pooling%00) names no page at any depth, and
        # Streamlit's own handler would answer it with a bare "400 Bad Request".
        odd = any(ord(ch) < 32 or ord(ch) == 127 for ch in inner)
        # A broken escape (/%ff): shown as typed, since its decoded form is only U+FFFD.
        raw = scope.get("raw_path")
        if isinstance(raw, bytes) and _malformed(raw):
            typed = raw.decode("latin-1")
            inner = typed[len(root):] if root and typed.startswith(root + "/") else typed
            odd = True
        if (len(parts) < 2 and not odd) or cls.SERVED.intersection(parts):
            return None
        # Quoted, so the Location can only ever be this app's root plus a query.
        return f"{root}/?nopage={quote(inner[:200], safe='/')}"


class _QuietThread(logging.Filter):
    """Drops Streamlit's "missing ScriptRunContext" warning from one named thread."""

    def __init__(self, thread: str) -> None:
        super().__init__()
        self.thread = thread

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.threadName == self.thread
                    and "missing ScriptRunContext" in record.getMessage())


def quiet_context_warning(thread: str) -> None:
    """Drop Streamlit's "missing ScriptRunContext" warning from ``thread`` alone.

    The warm-up (:mod:`cnnviz.ui.warm`) calls cached functions, whose spinner asks
    for a script's context; it runs no script, and Streamlit then logged that "this
    warning can be ignored" on every server start. Other threads' warnings still
    show. The logger's name is Streamlit's internal module path: kept here, the one
    place that knows Streamlit's internals. Installed once per thread name.
    """
    logger = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    if not any(isinstance(f, _QuietThread) and f.thread == thread for f in logger.filters):
        logger.addFilter(_QuietThread(thread))
