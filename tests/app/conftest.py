"""AppTest helpers: run the real router and switch to a page by its file."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from cnnviz.plots.figures import PICTURE
from tests.readers import picture_data, read_out, unpack

ROOT = Path(__file__).resolve().parents[2]


def exceptions(at: AppTest) -> list[str]:
    """Every exception element on the page, as text (so a failure says what broke)."""
    return [e.value if hasattr(e, "value") else str(e) for e in at.exception]


def page_text(at: AppTest) -> str:
    """All markdown, captions, errors, warnings and infos on the page, one per line."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for kind in (at.error, at.warning, at.info, at.success):
        parts += [e.value for e in kind]
    return "\n".join(str(p) for p in parts)


def charts(at: AppTest) -> list[dict]:
    """Every chart on the page in page order, as :func:`chart` gives each: Plotly
    figure dicts and big maps' picture data (``cnnviz.plots.figures.Picture``)."""
    return [json.loads(e.proto.spec) if e.type == "plotly_chart" else _picture(e)
            for e in at.main if e.type == "plotly_chart" or is_map(e)]


def figure(at: AppTest, index: int) -> dict:
    """The index-th chart on the page (:func:`charts`)."""
    return charts(at)[index]


def chart(at, key):
    """The chart with this widget key, as the page sends it: a Plotly figure dict, or
    a big map's picture data (``cnnviz.plots.figures.Picture``, drawn by the map element)."""
    for element in at.get("plotly_chart"):
        if element.proto.id.endswith(f"-{key}"):
            return json.loads(element.proto.spec)
    for element in pictures(at):
        if element.proto.id.endswith(f"-{key}"):
            return _picture(element)
    raise AssertionError(f"no chart {key!r}")


def is_map(element) -> bool:
    return element.type == "bidi_component" and element.proto.component_name == "cnnviz_map"


def _picture(element) -> dict:
    """A map element's data as one JSON-ready dict (``tests.readers.picture_data``)."""
    return picture_data(unpack(element.proto.bytes))


def pictures(at: AppTest) -> list:
    """The big maps on the page, drawn by the map element (``cnnviz.ui.charts``)."""
    return [e for e in at.get("bidi_component") if is_map(e)]


def sums(at: AppTest) -> list[str]:
    """The sums written out on the page (``cnnviz.ui.show.sum_line``: ``st.html``, not
    ``st.code`` nor Markdown), as their text, in page order."""
    import html
    import re

    return [html.unescape(m) for e in at.get("html")
            for m in re.findall(r'<div class="cnnviz-sum">(.*?)</div>', e.proto.body, re.S)]


def svgs(at: AppTest) -> list[str]:
    """The SVGs the page draws through ``cnnviz.ui.charts.svg`` (the Playground's histogram)."""
    return [json.loads(e.proto.json)["svg"] for e in at.get("bidi_component")
            if e.proto.component_name == "cnnviz_svg"]


def title(spec: dict) -> str:
    """The title of a chart: a Plotly figure dict or a picture's data."""
    if spec.get("kind") == PICTURE:
        return spec["title"]
    text = spec["layout"].get("title", "")
    return text.get("text", "") if isinstance(text, dict) else str(text)


def shapes(spec: dict) -> list[dict]:
    """The outlines of a chart (Plotly shape dicts), heatmap or picture."""
    if spec.get("kind") == PICTURE:
        return spec["shapes"]
    return spec["layout"].get("shapes", [])


def array(value):
    """A Plotly data array: a list, or numpy's base64 encoding {"dtype", "bdata", "shape"}."""
    if isinstance(value, dict):
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = [int(n) for n in str(value.get("shape", flat.size)).split(",")]
        return flat.reshape(shape)
    return np.asarray(value)


def raw(at, key):
    """The raw values a grid_figure carries: every cell of a heatmap or a picture
    up to ``HOVER_MAX_SIDE`` (128) a side; a bigger picture carries the cells of its
    hover grid only: use :func:`read` for their rows, columns and the map's shape.
    """
    return read_out(chart(at, key))["values"]


def numbers(spec: dict) -> list[list[str]] | None:
    """The numbers a grid prints in its cells, row by row (``None`` for a map too big
    for them): what the Plotly grids' ``data[0].text`` was. Every test that reads a
    grid reads it through :func:`tests.readers.read_out` (here, :func:`read`
    and this)."""
    return read_out(spec)["text"]


def pixels(spec: dict) -> np.ndarray:
    """A picture's colours as the browser gets them: its PNG decoded to RGB (H, W, 3)."""
    import io

    from PIL import Image

    png = base64.b64decode(spec["png"].split(",", 1)[1])
    with Image.open(io.BytesIO(png)) as im:
        return np.asarray(im.convert("RGB"))


def animators(at: AppTest) -> list:
    """The step-by-step animations on the page (not the app's other components)."""
    return [e for e in at.get("bidi_component") if e.proto.component_name == "cnnviz_animator"]


def read(at, key) -> dict:
    """A map chart's raw values with where they sit (``tests.readers.read_out``)."""
    return read_out(chart(at, key))


def type_in(at: AppTest, grid, edited: dict | None = None, added=(), deleted=()) -> AppTest:
    """Write edits into a grid's editor, as the browser reports them; ``edited`` is
    ``{row: {"col": text}}``.

    A :class:`cnnviz.ui.grid.Grid` is the app's cell grid: the browser sends its whole
    table of texts (the state ``"cells"``), the shown table with these cells changed. A
    :class:`cnnviz.ui.grid.Rows` is the same grid's layer table; its edits are given as a
    data editor's were, ``edited`` by column name (a number, text or None), rows
    ``added`` as dicts and ``deleted`` by index, all counted in the table the editor's
    version started from (so each call's edits replace the last call's, as a data
    editor's did). The browser sends that table with the rows edited, then those
    deleted, then those added at the bottom, as texts.
    Not run: the caller runs the app (or drops the editor's state first).
    """
    from cnnviz.ui.grid import Rows, edited_cells

    key = grid.key_in(at.session_state)
    if isinstance(grid, Rows):
        def text(value) -> str:
            return "" if value is None else str(value)

        rows = [dict(row) for row in at.session_state[grid.name]]
        for row, cols in (edited or {}).items():
            rows[int(row)].update(cols)
        rows = [row for i, row in enumerate(rows) if i not in set(deleted)] + list(added)
        at.session_state[key] = {"cells": [[text(row.get(c)) for c in grid.columns]
                                           for row in rows]}
        return at
    assert not added and not deleted, "a cell grid's rows are fixed"
    table = (edited_cells(at.session_state[key]) if key in at.session_state else None) or [
        list(row) for row in at.session_state[grid.name]]
    for row, cols in (edited or {}).items():
        for col, text in cols.items():
            table[int(row)][int(col)] = "" if text is None else str(text)
    at.session_state[key] = {"cells": table}
    return at


def cell_grids(at: AppTest) -> dict[str, list[list[str]]]:
    """The cell grids on the page (``cnnviz.ui.grid.Grid.cells``) in page order: each
    one's key (its editor's, ``{editor}_{version}``) → the table of texts it shows."""
    return {e.proto.id.rsplit("-", 1)[-1]: json.loads(e.proto.json)["cells"]
            for e in at.get("bidi_component") if e.proto.component_name == "cnnviz_cells"}


def row_tables(at: AppTest) -> list[dict]:
    """The layer tables on the page (``cnnviz.ui.grid.Rows.editor``) in page order: each
    one's data as the browser gets it (``cells``, ``columns``, ``bad``, ``after``, ``rows``)."""
    return [data for e in at.get("bidi_component") if e.proto.component_name == "cnnviz_cells"
            for data in [json.loads(e.proto.json)] if "columns" in data]


def switch(at: AppTest, page: str) -> AppTest:
    """Go to another page, as its link in the sidebar does.

    In a browser the switch's first run already has every kept value
    (tests/e2e checks that). AppTest differs twice, and this makes up for it:

    - a browser writes a widget's new value into the URL itself; AppTest does
      not, so its query string still holds the values the widgets had when
      the page opened, which would win on the new page. Those entries go (the
      values themselves come back through persist_state, as in a browser);
    - AppTest's switch_page() starts the new page's first run without the
      widgets' states, and persist_state puts them back one run later, so
      this runs twice.
    """
    for name in list(at.query_params):
        if name in at.session_state:
            del at.query_params[name]
    at.switch_page(page).run()
    return at.run()


@pytest.fixture
def open_page():
    """Return a function that opens app.py on the given page (e.g. "pages/pooling.py")."""

    def _open(page: str = "pages/playground.py", timeout: float = 30,
              query: dict[str, str] | None = None) -> AppTest:
        """``query`` is the link's query string, as a fresh browser would open it."""
        # Users never see tracebacks (.streamlit/config.toml); a failing test should.
        config.set_option("client.showErrorDetails", "full")
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        at.query_params.update(query or {})
        # Open the page directly, as a link to it does: the first run is on that page.
        at.switch_page(page)
        at.run()
        assert not at.exception, exceptions(at)
        return at

    return _open
