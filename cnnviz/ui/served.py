"""The app's big component scripts, served once per browser from the app's own route.

A components-v2 element declared with its script (and style) as text carries that
text in every element it sends: the map element's 51 KB with each of a page's maps
(Colour volumes sent 1.1 MB of the same text on a first visit, of 2.0 MB; Learn a
kernel 0.46 MB of 0.88 MB), the animation's 85 KB with every new animation on Step
by step. The browser decodes it, and hashes it to find the module it already has,
each time, and each map also put its own ``<style>`` into the page.

So each big script is registered here (:func:`script`) under a name holding a hash
of its content (``/api/js/<stem>.<hash>.js``, cached by the browser for good), and
the component is declared with a few-line loader that imports it once per page and
hands each instance to its ``default`` export. A style sheet given with it travels
inside the served module and is added to the page once (for an element that does
not isolate its styles; an isolated one keeps its ``css=``).

The route (:func:`routes`, given to ``st.App`` by ``app.py`` beside class mode's)
answers only registered names, read-only, with the content type a module needs.
Its path sits under ``server.baseUrlPath``, as Streamlit's own routes do, and the
loader finds it beside Streamlit's own entry script (whose address the page knows),
so a proxy's mount point changes nothing.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import threading
from types import MappingProxyType

import streamlit as st
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

__all__ = ["PATH", "files", "loader", "routes", "script"]

#: Where the scripts are served, below the server's base path; ``{name}`` is
#: ``stem.<hash>.js``.
PATH = "/api/js/{name}"
# The modules that register scripts when imported. A request may come before this
# process imported them (a page drawn by another replica, a server just restarted).
_OWNERS = ("cnnviz.ui.charts", "cnnviz.ui.animator", "cnnviz.ui.grid")
# stem → (file name, its bytes). Read-only, replaced whole when a module registers (at
# import): sessions share every module, and this holds nothing but the app's own code.
_FILES: MappingProxyType[str, tuple[str, bytes]] = MappingProxyType({})
_LOCK = threading.Lock()

# The inline script of an element: import the served module once per page (a module
# runs once per document), then hand it this instance. The address is relative to
# Streamlit's own entry script (``<root>/static/js/index.*.js``), so whatever base path
# or proxy mount point the page has, the route's address follows it.
_LOADER = """\
const entry = document.querySelector('script[type="module"][src*="/static/js/index."]');
const url = entry ? new URL("../../api/js/{name}", entry.src).href
  : new URL("{fallback}", window.location.origin).href;
let served = null;
export default function (component) {{
  // A failed load (the server restarting, a dropped connection) is tried again by the
  // next map or rerun, rather than remembered for the page's life.
  served = served || import(url).catch((err) => {{ served = null; throw err; }});
  return served.then((module) => module.default(component));
}}
"""

# Put before a served module that has a style sheet: the sheet goes into the page once.
_STYLE = """\
{{
  const doc = globalThis.document;
  if (doc && !doc.querySelector('style[data-cnnviz-style="{stem}"]')) {{
    const sheet = doc.createElement("style");
    sheet.dataset.cnnvizStyle = "{stem}";
    sheet.textContent = {css};
    doc.head.appendChild(sheet);
  }}
}}
"""


def _prefix() -> str:
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def script(stem: str, text: str, *, css: str | None = None) -> str:
    """Register the ES module ``text`` as ``stem``, with the style sheet ``css`` if given
    (added to the page once); return the component's inline script: a loader that
    imports it and hands each instance to its default export.

    >>> stub = script("example", "export default function () {}")
    >>> "api/js/example." in stub and len(stub) < 1000
    True
    """
    if css is not None:
        text = _STYLE.format(stem=stem, css=json.dumps(css)) + text
    data = text.encode("utf-8")
    global _FILES
    with _LOCK:
        _FILES = MappingProxyType(
            {**_FILES, stem: (f"{stem}.{hashlib.sha256(data).hexdigest()[:16]}.js", data)})
    return loader(stem)


def files() -> dict[str, tuple[str, bytes]]:
    """Every served module: stem → (file name ``stem.<hash>.js``, its bytes). The name
    holds a hash of the content, so a changed script is a new address and the browser's
    copy is never stale."""
    for owner in _OWNERS:  # they register at import; importing again costs nothing
        importlib.import_module(owner)
    return dict(_FILES)


def loader(stem: str) -> str:
    """The inline script for ``st.components.v2.component(js=...)`` of the registered
    module ``stem``."""
    name = _FILES[stem][0]
    return _LOADER.format(name=name, fallback=_prefix() + PATH.format(name=name))


async def _serve(request: Request) -> Response:
    by_name = dict(files().values())
    data = by_name.get(request.path_params.get("name", ""))
    if data is None:
        return PlainTextResponse("no such script", status_code=404)
    # The name holds the content's hash: the browser may keep it for good.
    return Response(data, media_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=31536000, immutable",
                             "X-Content-Type-Options": "nosniff"})


def routes() -> list[Route]:
    """The route ``app.py`` gives ``st.App``, under ``server.baseUrlPath``."""
    return [Route(_prefix() + PATH, _serve, methods=["GET"])]
