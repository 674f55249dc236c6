"""Join a folder of small ES modules into the one script a Streamlit component loads.

A components-v2 element's inline script runs from a ``blob:`` URL, where a
relative ``import`` resolves to nothing, so the modules cannot load each
other in the browser. Node runs them as they are (``node --test``); for the
browser each module becomes a function scope that returns its exports, in
dependency order, and the entry's default export is the script's. Only the
forms these modules use are accepted, and anything else is an error at import
time rather than a blank animation:

* ``import { a, b as c } from "./name.js";`` on one line;
* ``export function``, ``export class``, ``export const`` and
  ``export default function`` at the start of a line.

``extra`` adds modules that exist only here (the palette, written from Python).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

__all__ = ["join_modules"]

_IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"\./([\w-]+)\.js";[ \t]*\n', re.M)
_ANY_IMPORT = re.compile(r"^\s*import\b", re.M)
_EXPORT = re.compile(r"^export\s+(default\s+)?(async\s+function|function|class|const|let)\b"
                     r"\s*(\w*)", re.M)


def _bindings(names: str) -> str:
    """``a, b as c`` → ``a, b: c`` (an import list as a destructuring pattern)."""
    out = []
    for part in names.split(","):
        part = part.strip()
        if not part:
            continue
        bits = part.split()
        if len(bits) == 3 and bits[1] == "as":
            out.append(f"{bits[0]}: {bits[2]}")
        elif len(bits) == 1:
            out.append(bits[0])
        else:
            raise ValueError(f"cannot read the import {part!r}")
    return ", ".join(out)


def _scope(name: str, source: str) -> tuple[str, list[str]]:
    """One module as a function scope; returns the code and the modules it imports."""
    deps: list[str] = []
    lets: list[str] = []

    def take_import(m: re.Match) -> str:
        deps.append(m.group(2))
        lets.append(f"const {{ {_bindings(m.group(1))} }} = __m_{m.group(2).replace('-', '_')};")
        return ""

    body = _IMPORT.sub(take_import, source)
    if _ANY_IMPORT.search(body):
        raise ValueError(f"{name}.js: an import this joiner cannot read")
    exports: list[str] = []

    def take_export(m: re.Match) -> str:
        default, kind, ident = m.group(1), m.group(2), m.group(3)
        if default:
            if not kind.endswith("function"):
                raise ValueError(f"{name}.js: only `export default function` is supported")
            exports.append("default: __default")
            return f"{kind} __default"
        if not ident:
            raise ValueError(f"{name}.js: an export without a name")
        exports.append(ident)
        return f"{kind} {ident}"

    body = _EXPORT.sub(take_export, body)
    if re.search(r"^\s*export\b", body, re.M):
        raise ValueError(f"{name}.js: an export this joiner cannot read")
    code = (f"const __m_{name.replace('-', '_')} = (() => {{\n" + "\n".join(lets) + "\n"
            + body + f"\nreturn {{ {', '.join(exports)} }};\n}})();\n")
    return code, deps


def join_modules(folder: Path, entry: str, extra: Mapping[str, str] | None = None) -> str:
    """The modules of ``folder`` reachable from ``entry`` (a name, no ``.js``) as one script.

    Raises
    ------
    ValueError
        A module is missing, imports in a circle, or uses a form not listed above.
    """
    sources = dict(extra or {})
    scopes: dict[str, str] = {}
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in scopes:
            return
        if name in visiting:
            raise ValueError(f"modules import each other in a circle at {name}.js")
        visiting.add(name)
        if name not in sources:
            path = folder / f"{name}.js"
            if not path.is_file():
                raise ValueError(f"no module {name}.js in {folder}")
            sources[name] = path.read_text(encoding="utf-8")
        code, deps = _scope(name, sources[name])
        for dep in deps:
            visit(dep)
        visiting.discard(name)
        scopes[name] = code
        order.append(name)

    visit(entry)
    return ("".join(scopes[n] for n in order)
            + f"export default __m_{entry.replace('-', '_')}.default;\n")
