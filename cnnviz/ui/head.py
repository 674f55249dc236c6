"""What every page needs from its first moment, written into the page's HTML itself.

Streamlit's frontend is one ``index.html`` (the same for every page); the page's elements
come later, over the websocket, and an element's script loads after the page's text. So
what every page needs at once went in as hidden elements and came late:

- the key keeper (``static/animator/keys.js``): a clicker pressed in the few tens of ms
  between the title and the keeper's script was lost;
- the history rule (``static/history.js``): a click before it ran got Streamlit's own
  history, and Back then needed extra presses;
- the typed-number guard (``static/numbers.js``) and the chart names
  (``static/labels.js``);
- the app's styles (``static/app.css``, an ``st.html`` ``<style>`` element).

Every page paid for each of those elements on its first visit (the browser's main thread
is what a first visit waits for). :class:`PageHead`, an ASGI middleware that ``app.py``
gives Streamlit's public ``st.App``, instead rewrites the ``index.html`` answer: the scripts
as one plain ``<script>`` in the head, which runs while the page is parsed, before
Streamlit's own script; the styles as one ``<style>`` at the end of the body, after the
styles Streamlit puts into the head, as the element's came after them. It touches no
Streamlit internal: the shell is whatever HTML Streamlit answers a page with, and only an
answer that is such a shell is changed.
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path
from typing import Any

from .esm import join_modules

__all__ = ["SCRIPT", "STYLE", "PageHead", "rewrite"]

_STATIC = Path(__file__).with_name("static")

# The entry: each module installs itself once on the window (tests/js, tests/unit run each
# module's rules in Node). The animator's folder, because the key keeper imports its driver.
_ENTRY = """\
import { keepHistory } from "./history.js";
import { guardNumbers } from "./numbers.js";
import { nameCharts } from "./labels.js";
import { keepKeys } from "./keys.js";

export default function (win) {
  keepHistory(win);
  guardNumbers(win);
  nameCharts(win);
  keepKeys(win);
}
"""


def _script() -> str:
    joined = join_modules(_STATIC / "animator", "page", {
        "page": _ENTRY,
        **{name: (_STATIC / f"{name}.js").read_text("utf-8")
           for name in ("history", "numbers", "labels")}})
    # A plain script (not a module: those wait for the whole document), in its own scope.
    body = joined.replace("export default __m_page.default;\n", "__m_page.default(window);\n")
    if "export default" in body or "</script" in body.lower():
        raise ValueError("the page's script cannot be put into the HTML as it is")
    return "(() => {\n\"use strict\";\n" + body + "})();\n"


#: The scripts every page needs at once, as one plain script's text.
SCRIPT = _script()
#: The app's own styles (``static/app.css``).
STYLE = (_STATIC / "app.css").read_text(encoding="utf-8")

_HEAD = (f'<script data-cnnviz="page">\n{SCRIPT}</script>\n').encode()
if "</style" in STYLE.lower():
    raise ValueError("static/app.css cannot be put into the HTML as it is")
_TAIL = (f'<style data-cnnviz="app">\n{STYLE}</style>\n').encode()
# Streamlit's shell: its entry script's address (relative, so any base path or mount point).
_SHELL = b'/static/js/index.'


def rewrite(body: bytes) -> bytes | None:
    """Streamlit's HTML shell with the app's script and styles in, or None when ``body`` is
    not that shell (any other HTML passes as it is).

    >>> page = b'<html><head><script type="module" src="./static/js/index.x.js"></script>'
    >>> out = rewrite(page + b'</head><body><div id="root"></div></body></html>')
    >>> out.index(b'data-cnnviz="page"') < out.index(b'index.x.js') < out.index(b'</body>')
    True
    >>> rewrite(b"<html><head></head><body>no app</body></html>") is None
    True
    """
    head, body_end = body.find(b"<head>"), body.rfind(b"</body>")
    if head < 0 or body_end < 0 or _SHELL not in body:
        return None
    # The head's first child, so it runs before any other script of the page.
    at = head + len(b"<head>")
    body = body[:at] + b"\n" + _HEAD + body[at:]
    body_end = body.rfind(b"</body>")
    return body[:body_end] + _TAIL + body[body_end:]


@functools.lru_cache(maxsize=4)
def _zipped(data: bytes) -> bytes:
    """``data`` gzipped; the shell is the same for every page, so this runs once per server."""
    return gzip.compress(data, compresslevel=6, mtime=0)


class PageHead:
    """ASGI middleware: Streamlit's HTML shell, answered for every page, gets the app's
    script in its head and its styles (:func:`rewrite`).

    Only a GET that accepts HTML outside Streamlit's own routes is looked at, and only an
    answer of type ``text/html`` is read whole (a few KB). The request goes in without
    compression and without a validator, so the answer is the whole file (a cached copy
    must never keep an old script); the rewritten shell goes out gzipped when the browser
    takes it so.
    """

    #: First path segments that are Streamlit's own routes, or the app's (never a page).
    SKIP = frozenset({"_stcore", "static", "media", "component", "app", "api"})

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if not self.wanted(scope):
            await self.app(scope, receive, send)
            return
        scope = dict(scope)
        zipped = b"gzip" in dict(scope.get("headers") or []).get(b"accept-encoding", b"")
        scope["headers"] = [(name, value) for name, value in scope.get("headers") or []
                            if name.lower() not in (b"accept-encoding", b"if-none-match",
                                                    b"if-modified-since", b"range")]
        start: dict | None = None
        chunks: list[bytes] = []

        async def capture(message: dict) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                kind = headers.get(b"content-type", b"").lower()
                if message.get("status") == 200 and kind.startswith(b"text/html"):
                    start = message
                    return
                await send(message)
                return
            if message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                data = b"".join(chunks)
                shell = rewrite(data)
                if shell is None:  # some other HTML: as it came
                    await send(start)
                    await send({"type": "http.response.body", "body": data})
                else:
                    await self._send(send, start, shell, zipped=zipped)
                return
            await send(message)

        await self.app(scope, receive, capture)

    @staticmethod
    async def _send(send: Any, start: dict, data: bytes, *, zipped: bool = False) -> None:
        # The length changed, and the old validators name the file on disk, not this answer.
        drop = (b"content-length", b"etag", b"last-modified", b"content-encoding", b"vary")
        headers = [(n, v) for n, v in start.get("headers") or [] if n.lower() not in drop]
        headers.append((b"vary", b"Accept-Encoding"))
        if zipped:  # 41 KB → about 12 KB, compressed once per shell (_zipped)
            data = _zipped(data)
            headers.append((b"content-encoding", b"gzip"))
        headers.append((b"content-length", str(len(data)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": data})

    @classmethod
    def wanted(cls, scope: dict) -> bool:
        """Whether a request may be answered with the page shell: a browser's GET of a page.

        >>> html = [(b"accept", b"text/html,*/*")]
        >>> PageHead.wanted({"type": "http", "method": "GET", "path": "/pooling",
        ...                  "headers": html})
        True
        >>> PageHead.wanted({"type": "http", "method": "GET", "path": "/static/js/a.js",
        ...                  "headers": html})
        False
        >>> PageHead.wanted({"type": "websocket", "path": "/_stcore/stream", "headers": html})
        False
        """
        if scope.get("type") != "http" or scope.get("method") != "GET":
            return False
        accept = dict(scope.get("headers") or []).get(b"accept", b"")
        if b"text/html" not in accept:
            return False
        parts = [p for p in str(scope.get("path", "")).split("/") if p]
        return not cls.SKIP.intersection(parts)
