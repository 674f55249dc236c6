"""Slides out in real Chromium (issue 18): every grid that prints its numbers copies as
a LaTeX ``bmatrix`` and a Markdown table from its own map element.

The buttons sit beside the map's "PNG" button, shown on hover or keyboard focus; what
they put on the clipboard is the text Python wrote (``meta["copy"]``,
``cnnviz.lessons.export``), read back here from the browser's clipboard. The expected
numbers are the lecture's (digit one, 7 × 7, with the feature detector), written here.
"""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM, no_exception_box, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

#: The Playground's lecture feature map z = a ⋆ k + b (5 × 5), as its cells print it.
FEATURE = [[0, 1, 1, 0, 0], [1, 3, 1, 1, 0], [1, 2, 2, 2, 0], [0, 2, 2, 2, 0], [0, 1, 0, 2, 0]]


def _bmatrix(rows) -> str:
    body = " \\\\\n".join(" & ".join(str(v) for v in row) for row in rows)
    return f"\\begin{{bmatrix}}\n{body}\n\\end{{bmatrix}}"


def _markdown(rows) -> str:
    head = ["|   | " + " | ".join(str(c) for c in range(len(rows[0]))) + " |",
            "|---|" + "---|" * len(rows[0])]
    return "\n".join(head + [f"| **{r}** | " + " | ".join(str(v) for v in row) + " |"
                             for r, row in enumerate(rows)])


@pytest.fixture
def clip_page(browser, app_url):
    assert CHROMIUM
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def _clipboard(pg) -> str:
    return pg.evaluate("navigator.clipboard.readText()")


def test_a_lecture_grid_copies_as_latex_and_markdown(clip_page, app_url):
    pg = clip_page
    pg.goto(f"{app_url}/?src=Lecture")
    wait_for_app(pg, "Convolution playground")
    pg.wait_for_function(
        "() => { const m = [...document.querySelectorAll('[data-testid=\"cnnviz-map\"]')];"
        " return m.length >= 3 && m.every(e => e.dataset.state === 'drawn'); }", polling=100)
    assert no_exception_box(pg) == []
    maps = pg.get_by_test_id("cnnviz-map")
    feature = maps.filter(has_text="Feature map z").first
    latex = feature.get_by_test_id("cnnviz-map-latex")
    markdown = feature.get_by_test_id("cnnviz-map-markdown")
    # Present, named, and out of sight until the pointer or the keyboard is on the map.
    assert latex.get_attribute("aria-label").startswith("Copy Feature map z")
    assert latex.get_attribute("aria-label").endswith("as a LaTeX bmatrix")
    assert markdown.get_attribute("aria-label").endswith("as a Markdown table")
    pg.mouse.move(5, 5)
    assert latex.evaluate("b => getComputedStyle(b).opacity") == "0"

    feature.scroll_into_view_if_needed()
    feature.hover()
    pg.wait_for_function("b => getComputedStyle(b).opacity === '1'", arg=latex.element_handle())
    screenshot(pg, "copy18_buttons_1400x1000")
    latex.click()
    pg.wait_for_function("b => b.textContent === 'Copied'", arg=latex.element_handle())
    assert _clipboard(pg) == _bmatrix(FEATURE)
    assert "copied as LaTeX" in feature.locator(".cm-live").inner_text()
    pg.wait_for_function("b => b.textContent === 'LaTeX'", arg=latex.element_handle())

    # The keyboard: from the picture, Tab reaches the buttons; Enter copies.
    pg.mouse.move(5, 5)
    feature.get_by_test_id("cnnviz-map-canvas").focus()
    for _ in range(4):
        pg.keyboard.press("Tab")
        if pg.evaluate("document.activeElement.dataset.testid") == "cnnviz-map-markdown":
            break
    assert pg.evaluate("document.activeElement.dataset.testid") == "cnnviz-map-markdown"
    assert markdown.evaluate("b => getComputedStyle(b).opacity") == "1"
    pg.keyboard.press("Enter")
    pg.wait_for_function("b => b.textContent === 'Copied'", arg=markdown.element_handle())
    assert _clipboard(pg) == _markdown(FEATURE)
    # Every grid of the page prints its numbers, so every one offers the copies.
    for i in range(maps.count()):
        assert maps.nth(i).get_by_test_id("cnnviz-map-latex").get_attribute("hidden") is None


def test_a_big_map_without_numbers_offers_no_copy(clip_page, app_url):
    pg = clip_page
    pg.goto(f"{app_url}/?src=Photo")
    wait_for_app(pg, "Convolution playground")
    pg.wait_for_function(
        "() => { const m = [...document.querySelectorAll('[data-testid=\"cnnviz-map\"]')];"
        " return m.length >= 3 && m.every(e => e.dataset.state === 'drawn'); }", polling=100)
    big = pg.get_by_test_id("cnnviz-map").first
    big.hover()
    assert big.get_by_test_id("cnnviz-map-save").is_visible()
    assert big.get_by_test_id("cnnviz-map-latex").is_hidden()
    assert big.get_by_test_id("cnnviz-map-markdown").is_hidden()


#: Each grid that had a separate "LaTeX / Markdown" popover before (issue 18: two ways to
#: copy), by lecture example and the map's key; the copy's line 1 as the lecture writes it.
FORMER_POPOVERS = [
    ("002.5", "pooling_out", "latex", "1 & 2 \\\\"),
    ("004.6", "colour_output", "latex", "-67 & 23 & 43 & 55 & -72 & -12 & -30 & 81 \\\\"),
    ("004.11", "corr_k", "latex", "3 & 4 & 5 \\\\"),
    ("004.11", "corr_turned", "markdown", "|---|---|---|---|"),
    ("003.2", "mx_output", "markdown", "|---|---|---|---|---|"),
]


@pytest.mark.parametrize(("example", "key", "kind", "line"), FORMER_POPOVERS,
                         ids=[f"{e}-{k}" for e, k, _, _ in FORMER_POPOVERS])
def test_every_grid_that_had_a_popover_copies_from_its_own_buttons(clip_page, app_url, example,
                                                                   key, kind, line):
    from cnnviz.lessons import lectures

    pg = clip_page
    pg.goto(f"{app_url}/{lectures.href(lectures.find(example)).removeprefix('./')}")
    grid = pg.locator(f".st-key-{key}").get_by_test_id("cnnviz-map")
    grid.wait_for()
    pg.wait_for_function("m => m.dataset.state === 'drawn'", arg=grid.element_handle())
    wait_for_app(pg, lectures.find(example).title)
    assert no_exception_box(pg) == []
    # One way to copy: no popover left on the page.
    assert pg.get_by_text("LaTeX / Markdown").count() == 0
    button = grid.get_by_test_id(f"cnnviz-map-{kind}")
    grid.scroll_into_view_if_needed()
    grid.hover()
    button.click()
    pg.wait_for_function("b => b.textContent === 'Copied'", arg=button.element_handle())
    assert _clipboard(pg).splitlines()[1] == line


def test_copy_link_copies_the_view_without_presenter_mode(clip_page, app_url):
    """A teacher copies the link from the projector for the students' own screens: the
    view, exactly, but not presenter mode (which is how the room's screen shows it)."""
    pg = clip_page
    pg.goto(f"{app_url}/pooling?src=Lecture&present=true")
    wait_for_app(pg, "Pooling")
    pg.get_by_test_id("copy-link").first.click()
    pg.get_by_text("Copied: this exact view (without presenter mode)").first.wait_for()
    link = _clipboard(pg)
    assert "/pooling?" in link and "src=Lecture" in link and "present" not in link, link
    # Off the projector the link is the address itself.
    pg.goto(f"{app_url}/pooling?src=Lecture")
    wait_for_app(pg, "Pooling")
    pg.get_by_test_id("copy-link").first.click()
    pg.get_by_text("Copied: this exact view").first.wait_for()
    assert _clipboard(pg) == pg.url
