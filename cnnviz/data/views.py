"""A view of the app as a small JSON file: the page, its link's settings, and the link.

Everything that defines what a page shows is already in its link (the URL's
query string, see :mod:`cnnviz.ui.links`), so a saved view is that link,
written out: which page, every setting as the text the link carries
(typed matrices and kernels included), and the link itself for a person to
read. Loading a file is opening its link: :func:`read_view` only checks the
file's shape and sizes; each value then goes through the same parsers and
refusals as a value in a URL.

>>> data = view_json("animation", {"src": "Lecture", "step": "8"}, "animation?src=Lecture&step=8")
>>> view = read_view(data, pages=["", "animation"])
>>> view.page, view.params
('animation', {'src': 'Lecture', 'step': '8'})
>>> read_view(b'{"format": "cnnviz-view"}', pages=[""])
Traceback (most recent call last):
...
ValueError: this file has no "version", "page", "params"
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

__all__ = ["FORMAT", "MAX_BYTES", "VERSION", "View", "link_of", "read_view", "view_json"]

FORMAT = "cnnviz-view"
VERSION = 1
#: A view file larger than this is refused unread (a view with 16 × 16 matrices is ~3 kB).
MAX_BYTES = 64_000
#: As many settings as a link takes (cnnviz.ui.links.MAX_PARAMS), each as long.
MAX_PARAMS = 64
MAX_VALUE_CHARS = 2000

_KEYS = ("format", "version", "page", "params", "link")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class View:
    """A saved view: the page's URL path ("" for the home page) and its link's settings."""

    page: str
    params: dict[str, str]


def link_of(page: str, params: Mapping[str, str]) -> str:
    """The relative link of a page with these settings.

    >>> link_of("animation", {"src": "Lecture", "k": "1,0;0,-1"})
    'animation?src=Lecture&k=1%2C0%3B0%2C-1'
    >>> link_of("", {})
    './'
    """
    query = urlencode(dict(params))
    return f"{page or './'}{'?' + query if query else ''}"


def view_json(page: str, params: Mapping[str, str], link: str) -> bytes:
    """The view file's bytes: UTF-8 JSON, settings in the link's order, indented for people."""
    doc = {"format": FORMAT, "version": VERSION, "page": page,
           "params": {str(k): str(v) for k, v in params.items()}, "link": link}
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


#: How deeply brackets may nest in a view file (it needs two) before it is refused unparsed.
MAX_DEPTH = 8


def _nesting(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` in JSON text, brackets inside strings ignored.

    >>> _nesting('{"params": {"k": "[[1, 2]]"}}'), _nesting("[[[]]]"), _nesting(r'"a\\"[["')
    (2, 3, 0)
    """
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


#: The longest integer a view file may hold; Python refuses to read more than 4,300 digits
#: (sys.get_int_max_str_digits) with a message of its own, and no setting needs a tenth of it.
MAX_INT_DIGITS = 400


class _LongNumber(ValueError):
    """An integer in the file with more digits than :data:`MAX_INT_DIGITS`."""

    def __init__(self, digits: int) -> None:
        super().__init__(digits)
        self.digits = digits


def _int(text: str) -> int:
    """``json.loads``'s reader of integers: refuses a long one before Python's own ``int``."""
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _LongNumber(digits)
    return int(text)


def read_view(data: bytes, *, pages: Collection[str]) -> View:
    """Check a view file and return its page and settings.

    Parameters
    ----------
    data : bytes
        The file, untrusted.
    pages : collection of str
        The app's page paths ("" for the home page).

    Raises
    ------
    ValueError
        Saying what is wrong, in words for the person who loaded the file:
        too large, not UTF-8 JSON, not a cnnviz view, an unknown key or
        version, an unknown page, settings that are not text, too many or
        too long, a name that no link could carry, or an integer longer than
        :data:`MAX_INT_DIGITS` digits.
    """
    if len(data) > MAX_BYTES:
        raise ValueError(f"the file has {len(data):,} bytes; a view file has at most "
                         f"{MAX_BYTES:,}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the file is not text (UTF-8)") from None
    # Python's json parser recurses once per level: 30,000 "[" (60 KB) would raise
    # RecursionError. A view file is two levels deep; refuse more before parsing.
    if _nesting(text) > MAX_DEPTH:
        raise ValueError(f"the file is nested more than {MAX_DEPTH} levels deep; a view file "
                         "is an object of settings, two levels")
    try:
        doc = json.loads(text, parse_int=_int)
    except json.JSONDecodeError as err:
        raise ValueError(f"the file is not JSON ({err.msg}, line {err.lineno})") from None
    except _LongNumber as err:
        raise ValueError(f"the file holds a number too long to read ({err.digits:,} digits); "
                         "a view file holds its settings as text, as in a link") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f'this is not a cnnviz view (it needs "format": "{FORMAT}")')
    unknown = sorted(str(k)[:40] for k in doc if k not in _KEYS)
    if unknown:
        raise ValueError(f"unknown keys {', '.join(map(repr, unknown))}; a view file has "
                         f"{', '.join(_KEYS)}")
    missing = [k for k in _KEYS[1:4] if k not in doc]
    if missing:
        raise ValueError(f"this file has no {', '.join(json.dumps(k) for k in missing)}")
    if doc["version"] != VERSION or isinstance(doc["version"], bool):
        raise ValueError(f"version {str(doc['version'])[:20]!r} is not one this app reads "
                         f"(it reads {VERSION})")
    page, params = doc["page"], doc["params"]
    if not isinstance(page, str) or page not in pages:
        raise ValueError(f"page {str(page)[:40]!r} is not a page of this app")
    if "link" in doc and not isinstance(doc["link"], str):
        raise ValueError('"link" must be text')
    if not isinstance(params, dict):
        raise ValueError('"params" must be an object of settings, name → text')
    if len(params) > MAX_PARAMS:
        raise ValueError(f"{len(params)} settings; a view has at most {MAX_PARAMS}")
    for name, value in params.items():
        if not _NAME.fullmatch(name):
            raise ValueError(f"setting name {name[:40]!r} is not one a link carries")
        if not isinstance(value, str):
            raise ValueError(f"setting {name!r} must be text, as in a link, got "
                             f"{type(value).__name__}")
        if len(value) > MAX_VALUE_CHARS or _CONTROL.search(value):
            raise ValueError(f"setting {name!r} is too long or holds control characters")
    return View(page, dict(params))
