"""Lecture lists in real Chromium: one click per example, Previous / Next by click and by key,
and every example's first screen in presenter mode at 1280 × 720."""

from __future__ import annotations

import pytest

from cnnviz.lessons import lectures
from cnnviz.plots.display import NUMBER_FIT

from .conftest import SHOTS, no_exception_box

pytestmark = pytest.mark.e2e


@pytest.fixture
def projector(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def _settled(pg) -> None:
    """Until the script has stopped and no skeleton is left, for a while."""
    calm = 0
    for _ in range(240):
        pg.wait_for_timeout(250)
        state = pg.evaluate("() => { const e = document.querySelector("
                            "'[data-test-script-state]'); return e && "
                            "e.getAttribute('data-test-script-state'); }")
        busy = state in (None, "running") or pg.get_by_test_id("stSkeleton").count() > 0
        calm = 0 if busy else calm + 1
        if calm >= 6:
            return
    raise AssertionError("the page never settled")


def _at(pg, step) -> None:
    """The page shows ``step``: its banner, and ``ex`` in the address."""
    pg.get_by_text(f"{step.title}", exact=False).first.wait_for()
    _settled(pg)
    assert f"ex={step.id}" in pg.url
    assert not no_exception_box(pg)


def _url(app_url: str, step, *, present: bool = False) -> str:
    return f"{app_url}/{lectures.href(step, present=present).removeprefix('./')}"


def test_the_list_opens_an_example_in_one_click(page, app_url):
    page.goto(f"{app_url}/lectures")
    page.get_by_role("link", name=lectures.find("002.5").title).click()
    _at(page, lectures.find("002.5"))
    assert "/pooling?" in page.url and "lecture=max_pool_4x4" in page.url
    assert page.get_by_text("Lecture 002 · 5 of 6", exact=False).first.is_visible()


def test_next_and_previous_by_click_and_by_clicker_keys(page, app_url):
    first, further, second = (lectures.find(i) for i in ("002.1", "002.1a", "002.2"))
    page.goto(_url(app_url, first))
    _at(page, first)
    page.keyboard.press("PageDown")  # a presentation clicker's "next"
    _at(page, further)
    page.keyboard.press("PageUp")
    _at(page, first)
    page.keyboard.press("Alt+ArrowRight")
    _at(page, further)
    page.get_by_test_id("lecture-next").click()
    _at(page, second)
    page.get_by_test_id("lecture-prev").click()
    _at(page, further)


def test_keys_typed_into_a_field_stay_there(page, app_url):
    step = lectures.find("001.2")  # a typed matrix in the sidebar
    page.goto(_url(app_url, step))
    _at(page, step)
    box = page.get_by_role("textbox", name="Your matrix: one row per line")
    box.click()
    page.keyboard.press("PageDown")
    page.wait_for_timeout(500)
    assert f"ex={step.id}" in page.url


# The element that holds each page's key result (the map computed, the counts, ...).
KEY = {
    "animation": '[data-testid="cnnviz-output"]',
    "playground": ".st-key-pg_panel0_Featur",
    "pooling": ".st-key-pooling_out",
    "colour": ".st-key-colour_output",
    "compare": ".st-key-cmp_diff",
    "correlation": ".st-key-corr_turned",
    "matrix": ".st-key-mx_window",
    "receptive_field": ".st-key-rf_cmp_3",
}


def _key_element(pg, step):
    query = dict(step.query)
    if step.page == "shapes":
        first = query.get("shp_first")
        if first == "dense vs convolution":
            return pg.get_by_test_id("stTable").first
        if first == "network":
            return pg.get_by_test_id("stMetric").first  # the totals, above the layer table
        return pg.locator(".st-key-shp_coverage").first
    return pg.locator(KEY[step.page]).first


#: Examples whose key result is more than one element: what the banner names, each on the
#: first screen. 001.8's banner names the 3 × 3 × 3 × 4 kernel and four output channels
#: (the bank's weights line and its four maps); 004.8's the red-only filter (its three
#: slices, two of them zeros).
KEYS_BY_ID = {
    "001.8": (("weights", lambda pg: pg.get_by_text("All weights").first),
              *((f"map {i + 1}", lambda pg, i=i: pg.locator(f".st-key-colour_map_{i}").first)
                for i in range(4))),
    "004.8": tuple((f"slice {n}",
                    lambda pg, n=n: pg.locator(f'[class*="st-key-colour_editor_{n}_"]').first)
                   for n in "RGB"),
    # 004.9's padded 10 × 10 map beside the 12 × 12 input channel it is computed from,
    # the window on it, and the arithmetic (the channel's partial sum and the total).
    "004.9": (("output", lambda pg: pg.locator(".st-key-colour_output").first),
              ("input channel", lambda pg: pg.locator(".st-key-colour_plane_0").first),
              ("partial sum", lambda pg: pg.locator(".cnnviz-sum").first),
              ("total", lambda pg: pg.locator(".cnnviz-sum", has_text="bias b").first)),
}


def _key_elements(pg, step) -> list[tuple[str, object]]:
    """(name, locator) of every element that must be on the first screen for ``step``."""
    if step.id in KEYS_BY_ID:
        return [(what, find(pg)) for what, find in KEYS_BY_ID[step.id]]
    return [("key result", _key_element(pg, step))]


#: Every grid's numbers as drawn: the map element's font (``data-font``, 0 for colours only)
#: and whether the page let it grow for them; the animation's fonts per grid.
DRAWN_NUMBERS = """() => ({
  maps: [...document.querySelectorAll('[data-testid="cnnviz-map"]')]
    .filter((m) => m.dataset.font !== undefined)
    .map((m) => ({ title: m.querySelector('.cm-title').textContent, font: +m.dataset.font,
                   grow: m.dataset.grow !== 'false' })),
  animation: Object.values(window.__cnnvizInstances || {}).map((a) => a.numbers()),
})"""


def _numbers_readable(pg, step) -> None:
    """Numbers the same size everywhere (issue 18): in presenter mode every grid that prints
    its numbers prints them at NUMBER_FIT's presenter minimum at least, as Step by step
    does; a grid that cannot shows its colours only (font 0), never smaller numbers."""
    drawn = pg.evaluate(DRAWN_NUMBERS)
    for m in drawn["maps"]:
        assert m["font"] == 0 or m["font"] >= NUMBER_FIT["present_min"], (step.id, m)
        assert m["grow"], (step.id, m)
    for sizes in drawn["animation"]:
        shown = {"input": sizes["numbersIn"], "output": sizes["numbersOut"],
                 "kernel": True, "products": True}
        for grid, on in shown.items():
            assert not on or sizes[grid] == 0 or sizes[grid] >= NUMBER_FIT["present_min"], (
                step.id, grid, sizes)


@pytest.mark.parametrize("step", lectures.steps(), ids=lambda s: s.id)
def test_each_example_opens_in_presenter_mode_with_its_place_on_screen(projector, app_url,
                                                                         step):
    pg = projector
    pg.goto(_url(app_url, step, present=True))
    _at(pg, step)
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"lecture_{step.id}.png"))
    checks = [("title", pg.get_by_text(step.title, exact=False).first),
              ("next", pg.get_by_test_id("lecture-next").or_(pg.locator(".ln-off")).first),
              *_key_elements(pg, step)]
    if step.page == "animation":
        # The input with the window is on the screen with the output, on every animation
        # (001.3's 8 × 8 input ended 10 px below 720 while only the output was checked).
        checks.append(("input", pg.get_by_test_id("cnnviz-input").first))
        # And the arithmetic, whole, on every animation: the products and the sum (the
        # equation started at y = 718 on 000.5, 000.10, 002.1 and 002.1a, and at 1070 on
        # 001.3, while only colour views were checked).
        checks.append(("equation", pg.get_by_test_id("cnnviz-equation").first))
        if pg.locator(".cnv").first.get_attribute("data-channel") in (None, "all"):
            # The filter and the products grids too, read with the window and the sum
            # without scrolling. (One channel of a colour volume at a time writes that
            # channel's window times its weights, the products, as the equation's first
            # line, and its grids follow below.)
            checks += [("kernel", pg.get_by_test_id("cnnviz-kernel").first),
                       ("products", pg.get_by_test_id("cnnviz-products").first)]
    _on_screen(pg, step, checks)
    _numbers_readable(pg, step)
    channels = pg.get_by_test_id("cnnviz-channels")
    if step.page == "animation" and channels.count() and channels.first.is_visible():
        _all_channels_readable(pg, step, channels.first)


def _on_screen(pg, step, checks) -> None:
    for what, element in checks:
        box = element.bounding_box()
        assert box is not None, (step.id, what)
        assert box["x"] >= 0 and box["y"] >= 0, (step.id, what, box)
        assert box["x"] + box["width"] <= 1280 and box["y"] + box["height"] <= 720, (
            step.id, what, box)


def _all_channels_readable(pg, step, channels) -> None:
    """A colour volume's "All" pressed on the projector (004.6a): its numbers print as
    large as the one channel's, and the window, the output and the equation stay on the
    first screen. (Three side by side printed 11 px and pushed the equation to y = 1560.)
    Three channels of readable numbers do not fit 1,280 px, so All prints the numbers of
    the channel last shown and draws the other two beside it in colours."""
    one = pg.evaluate(DRAWN_NUMBERS)["animation"][0]
    every = channels.get_by_role("button", name="Show all three channels")
    every.click()
    # Laid out again: the switch shows All pressed.
    every.and_(pg.locator('[aria-pressed="true"]')).wait_for()
    assert pg.locator(".cnv").first.get_attribute("data-channel") == "all-one"
    pg.screenshot(path=str(SHOTS / f"lecture_{step.id}_all.png"))
    every = pg.evaluate(DRAWN_NUMBERS)["animation"][0]
    assert every["numbersIn"] and every["input"] >= max(one["input"],
                                                         NUMBER_FIT["present_min"]), (one, every)
    assert every["thumbs"] > 0, every  # the other two channels, in colours, beside it
    label = pg.get_by_test_id("cnnviz-input").first.get_attribute("aria-label")
    assert "channel R, with its numbers; G and B beside it in colour" in label, label
    _numbers_readable(pg, step)
    _on_screen(pg, step, [(what, pg.get_by_test_id(f"cnnviz-{what}").first)
                          for what in ("input", "output", "equation")])
    # The equation still adds the three channels' partial sums.
    assert "R + G + B" in pg.get_by_test_id("cnnviz-equation").first.inner_text()


ANIMATION_ITEMS = [s for s in lectures.steps() if s.page == "animation"]


@pytest.mark.parametrize("step,size", [*((s, (1280, 720)) for s in ANIMATION_ITEMS),
                                       (lectures.find("004.6a"), (1400, 1000))],
                         ids=lambda v: v.id if hasattr(v, "id") else f"{v[0]}x{v[1]}")
def test_step_by_step_items_open_on_their_animation_off_the_projector(browser, app_url,
                                                                        step, size):
    """A student opening a Step-by-step item off the projector sees the animation on the
    first screen: its Play button and the input's first rows with their numbers, where
    the first step's window is, without scrolling: on 004.6a the whole window (three rows;
    its input started at y = 907 at 1280 × 720, under four lines of intro and the
    settings), on the others at least two rows (002.1's 56 px cells under its banner's
    note leave two and a half)."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.goto(_url(app_url, step))
    _at(pg, step)
    pg.wait_for_function("() => Object.values(window.__cnnvizInstances || {}).length > 0",
                         polling=100)
    sizes = pg.evaluate(DRAWN_NUMBERS)["animation"][0]
    play = pg.get_by_role("button", name="Play (Space)").first.bounding_box()
    grid = pg.get_by_test_id("cnnviz-input").first.bounding_box()
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = f"lecture_{step.id}_{size[0]}x{size[1]}_plain.png"
    pg.screenshot(path=str(SHOTS / shot))
    assert play["y"] + play["height"] <= size[1], (step.id, play)
    assert sizes["numbersIn"], (step.id, sizes)
    # The window's rows start at the canvas's top (under the channels' names, if any).
    rows = 3 if step.id == "004.6a" else 2
    window_foot = grid["y"] + sizes.get("label", 0) + rows * sizes["cell"]
    assert grid["y"] >= 0 and window_foot <= size[1], (step.id, grid, sizes)
    if size[1] >= 1000:
        out = pg.get_by_test_id("cnnviz-output").first.bounding_box()
        assert out["y"] + 20 + sizes["outCell"] <= size[1], (step.id, out, sizes)  # row 0
    assert not no_exception_box(pg)
    context.close()
