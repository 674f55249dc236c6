"""cnnviz/ui/head.py: what every page needs from its first moment, in Streamlit's HTML shell.

The browser tests show what it is for (tests/e2e/test_stepping.py: a clicker pressed while
the page loads; tests/e2e/test_links.py: a click before any element's script has run).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gzip
import shutil
import subprocess
from pathlib import Path

import streamlit

from cnnviz.ui import head

SHELL = (Path(streamlit.__file__).parent / "static" / "index.html").read_bytes()


def _call(app, scope: dict) -> tuple[dict, bytes, list]:
    """Run the middleware around ``app`` once; its answer's start, body and the request
    headers the inner app saw."""
    seen: list = []
    sent: list[dict] = []

    async def inner(scope, receive, send):
        seen.extend(scope["headers"])
        await app(scope, receive, send)

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    # In a thread of its own: an earlier browser test's Playwright (sync API) may have left
    # an event loop running in this one, and asyncio.run refuses to nest (the full run).
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, head.PageHead(inner)(scope, receive, send)).result()
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0], body, seen


def _shell_app(body: bytes, kind: bytes = b"text/html; charset=utf-8"):
    async def app(scope, receive, send):
        half = len(body) // 2
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", kind), (b"content-length", str(len(body)).encode()),
            (b"etag", b'"abc"'), (b"cache-control", b"no-cache")]})
        await send({"type": "http.response.body", "body": body[:half], "more_body": True})
        await send({"type": "http.response.body", "body": body[half:]})
    return app


def _page(path: str = "/pooling", method: str = "GET") -> dict:
    return {"type": "http", "method": method, "path": path, "headers": [
        (b"accept", b"text/html,application/xhtml+xml,*/*;q=0.8"),
        (b"accept-encoding", b"gzip, deflate"), (b"if-none-match", b'"abc"')]}


def test_streamlits_shell_gets_the_script_first_in_its_head_and_the_styles_last():
    out = head.rewrite(SHELL)
    assert out is not None
    script = out.index(b'<script data-cnnviz="page">')
    # Before every other script of the page: it runs while the HTML is read.
    assert script < out.index(b"<script") + 1 < out.index(b'src="./static/js/index.')
    assert out.index(b"<head>") < script < out.index(b"</head>")
    style = out.index(b'<style data-cnnviz="app">')
    assert out.index(b'<div id="root">') < style < out.index(b"</body>")
    assert head.STYLE.encode() in out and b"App-wide styles" in out
    for name in (b"keepHistory", b"guardNumbers", b"nameCharts", b"keepKeys"):
        assert name in out


def test_the_script_is_one_plain_script_node_reads():
    node = shutil.which("node")
    assert node, "this test needs Node.js (node) on PATH"
    assert "export" not in head.SCRIPT.split("\n")[-2] and "import {" not in head.SCRIPT
    done = subprocess.run([node, "--check", "-"], input=head.SCRIPT, text=True,
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_the_middleware_rewrites_the_shell_whole_with_its_new_length_and_no_validator():
    start, body, seen = _call(_shell_app(SHELL), _page())
    headers = dict(start["headers"])
    assert headers[b"content-encoding"] == b"gzip"  # the browser said it takes gzip
    assert gzip.decompress(body) == head.rewrite(SHELL)
    assert headers[b"content-length"] == str(len(body)).encode()
    assert b"etag" not in headers and headers[b"cache-control"] == b"no-cache"
    assert headers[b"vary"] == b"Accept-Encoding"
    # Asked for whole and uncompressed: a cached copy must never keep an old script.
    assert not {b"accept-encoding", b"if-none-match"} & {name for name, _ in seen}
    plain = _page()
    plain["headers"] = [h for h in plain["headers"] if h[0] != b"accept-encoding"]
    start, body, _ = _call(_shell_app(SHELL), plain)
    assert body == head.rewrite(SHELL) and b"content-encoding" not in dict(start["headers"])


def test_anything_else_passes_as_it_is():
    other = b"<html><head></head><body>a component's own page</body></html>"
    start, body, _ = _call(_shell_app(other), _page())
    assert body == other and dict(start["headers"])[b"etag"] == b'"abc"'
    script = b"export default 1;"
    _, body, seen = _call(_shell_app(script, b"text/javascript"), _page())
    assert body == script
    for scope in (_page("/static/js/index.x.js"), _page("/_stcore/health"),
                  _page("/api/js/mapview.1.js"), _page("/pooling", method="POST")):
        start, body, seen = _call(_shell_app(SHELL), scope)
        assert body == SHELL, scope["path"]
        assert (b"accept-encoding", b"gzip, deflate") in seen
