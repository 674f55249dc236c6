"""The app's component scripts, served once by URL instead of inline in every element.

A components-v2 element declared with its script as text carries that text in
every element it sends: the map element's 48 KB with each of a page's maps (nine
on Learn a kernel: 0.46 MB of its 0.88 MB first message), the animation's 85 KB
with every new animation on Step by step. The browser decodes it each time and
hashes it (to find the module it already has) before it draws anything.

So each big script is registered here (:func:`script`) under a name with its
content's digest, and the component is declared with a one-line stub that imports
it from :func:`routes`'s address: the browser fetches it once, keeps it (it never
changes under that name), and every element then carries only the stub.
``app.py`` gives :func:`routes` to ``st.App``, beside class mode's push route.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import threading

import streamlit as st
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

__all__ = ["PATH", "routes", "script"]

#: Where the scripts are served (after ``server.baseUrlPath``); ``{file}`` is
#: ``name.digest.js``.
PATH = "/api/scripts/{file}"
# The modules that register scripts at import: a request that comes before this
# process imported them (another replica's page, a server just restarted) imports them.
_OWNERS = ("cnnviz.ui.charts", "cnnviz.ui.animator")
_SCRIPTS: dict[str, str] = {}
_LOCK = threading.Lock()


def _file(name: str, text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return f"{name}.{digest}.js"


def script(name: str, text: str) -> str:
    """Register the ES module ``text`` as ``name``; the component's script: a stub that
    imports it and hands each call to its default export.

    >>> stub = script("example", "export default function () {}")
    >>> "/api/scripts/example." in stub and "export default" in stub
    True
    """
    file = _file(name, text)
    with _LOCK:
        _SCRIPTS[file] = text
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    path = (f"/{base}" if base else "") + PATH.format(file=file)
    # A blob: module resolves no relative address: the page's origin is the base.
    return (f"const loaded = import(new URL({json.dumps(path)}, window.location.origin).href);\n"
            "export default function (component) {\n"
            "  return loaded.then((module) => module.default(component));\n"
            "}\n")


async def _serve(request: Request) -> Response:
    file = request.path_params["file"]
    text = _SCRIPTS.get(file)
    if text is None:
        for owner in _OWNERS:
            importlib.import_module(owner)
        text = _SCRIPTS.get(file)
    if text is None:
        return PlainTextResponse("no such script", status_code=404)
    # Its name holds its content's digest: the browser may keep it for good.
    return Response(text, media_type="text/javascript", headers={
        "Cache-Control": "public, max-age=31536000, immutable",
        "X-Content-Type-Options": "nosniff"})


def routes() -> list[Route]:
    """The route ``app.py`` gives ``st.App``."""
    return [Route(PATH, _serve, methods=["GET"])]
