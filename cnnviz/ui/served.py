"""Browser scripts served once per browser from the app's own route, not inside every element.

A components-v2 element carries its script and style inline: Streamlit puts
them into every instance's message. The map element's are 51 KB, and a page
shows up to 21 maps, so Colour volumes sent 1.1 MB of the same text on a first
visit (of 2.0 MB), and every preset change on the Playground 104 KB (of
135 KB). Each instance also put its own ``<style>`` into the page, and every
style sheet added costs the browser a style pass.

So the script is served here, at an address that holds a hash of its
content (``/api/js/mapview.<hash>.js``, cached by the browser for good), and
the element's inline script is a few lines that import it once per page and
hand each instance to its ``default`` export. The style sheet travels inside
the served module and is added to the page once.

The route (:func:`routes`, given to ``st.App`` by ``app.py``) answers only the
names registered here, read-only, with the content type a module needs. Its
path sits under ``server.baseUrlPath``, as Streamlit's own routes do, and the
browser finds it beside Streamlit's own scripts (whose address it knows),
so a proxy's mount point changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from types import MappingProxyType

import streamlit as st
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

__all__ = ["MODULES", "PATH", "files", "loader", "routes"]

#: Where the scripts are served, below the server's base path.
PATH = "/api/js/{name}"
_STATIC = Path(__file__).with_name("static")
#: The served modules: stem → its script and its style sheet (or None), in ``static/``.
MODULES = MappingProxyType({"mapview": ("mapview.js", "mapview.css")})

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

# Added to a served module that has a style sheet: the sheet goes into the page once.
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


@cache
def files() -> dict[str, tuple[str, bytes]]:
    """Every served module: stem → (file name ``stem.<hash>.js``, its bytes).

    Read once per process from ``static/``; the name holds a hash of the content, so
    a changed script is a new address and the browser's copy is never stale.
    """
    out = {}
    for stem, (js, css) in MODULES.items():
        text = (_STATIC / js).read_text(encoding="utf-8")
        if css is not None:
            sheet = (_STATIC / css).read_text(encoding="utf-8")
            text = _STYLE.format(stem=stem, css=json.dumps(sheet)) + text
        data = text.encode("utf-8")
        out[stem] = (f"{stem}.{hashlib.sha256(data).hexdigest()[:16]}.js", data)
    return out


def _prefix() -> str:
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def loader(stem: str) -> str:
    """The inline script for ``st.components.v2.component(js=...)``: it loads the served
    module ``stem`` (:data:`MODULES`; its style sheet is added to the page once) and runs
    its default export for each instance."""
    name = files()[stem][0]
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
