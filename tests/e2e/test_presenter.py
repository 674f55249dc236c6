"""Presenter mode at 1280 × 720 in real Chromium, and the view file saved and loaded back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import SHOTS, no_exception_box, wait_for_app

pytestmark = pytest.mark.e2e

# The lectures' examples with their own kernels, as "Use this matrix's lecture settings" sets them.
LECTURES = {
    "digit": "src=Lecture&lecture=digit_one&k=1,0,0;1,0,1;0,1,1",
    "rectangle": "src=Lecture&lecture=rectangle&k=1,1,1;0,0,1;0,0,1&bias=-4&act=relu",
    "volume": "src=Lecture&lecture=vertical_edge&channels=Colour&k=1,0,-1;1,0,-1;1,0,-1",
}
OWN_SHOTS = Path("/tmp/shots-presenter")


@pytest.fixture
def projector(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def _inside(box, *, width=1280, height=720) -> bool:
    return (box is not None and box["x"] >= 0 and box["y"] >= 0
            and box["x"] + box["width"] <= width and box["y"] + box["height"] <= height)


def _numbers(pg) -> dict:
    return pg.evaluate("() => window.__cnnvizInstances.anim_view.numbers()")


def _shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"presenter_{name}.png"
    pg.screenshot(path=str(path))  # the viewport: what the back row sees
    if OWN_SHOTS.is_dir():
        shutil.copy(path, OWN_SHOTS / path.name)


def _open(pg, url: str, text: str) -> None:
    pg.goto(url)
    wait_for_app(pg, text)
    pg.get_by_test_id("cnnviz-step-counter").first.wait_for() if "animation" in url else None
    pg.wait_for_timeout(800)  # the animator lays out after a resize observer tick


def test_step_by_step_fits_a_projector_with_readable_numbers(projector, app_url):
    pg = projector
    _open(pg, f"{app_url}/animation?{LECTURES['digit']}&present=true", "Step by step")
    assert not no_exception_box(pg)
    for control in (pg.get_by_test_id("cnnviz-play"),
                    pg.get_by_role("button", name="Step forward (Right arrow)"),
                    pg.get_by_test_id("cnnviz-keys"),
                    pg.get_by_test_id("cnnviz-input"), pg.get_by_test_id("cnnviz-output"),
                    pg.get_by_test_id("cnnviz-kernel")):
        assert _inside(control.bounding_box()), control
    assert "Space" in pg.get_by_test_id("cnnviz-keys").inner_text()
    # The step's equation starts on the first screen too (its first line at least).
    assert pg.get_by_test_id("cnnviz-equation").bounding_box()["y"] + 40 <= 720
    sizes = _numbers(pg)
    # The digit lecture's cells: numbers of at least 20 px in every grid.
    assert sizes["numbersIn"] and sizes["numbersOut"], sizes
    assert min(sizes["input"], sizes["output"], sizes["kernel"]) >= 20, sizes
    # The intro is left out; Next steps the animation.
    assert not pg.get_by_text("Watch the layer compute").count()
    pg.get_by_role("button", name="Step forward (Right arrow)").click()
    assert pg.get_by_test_id("cnnviz-step-counter").inner_text().strip() == "Step 2 / 25"
    _shot(pg, "step_digit")
    for name in ("rectangle", "volume"):
        _open(pg, f"{app_url}/animation?{LECTURES[name]}&present=true", "Step by step")
        assert not no_exception_box(pg)
        assert _inside(pg.get_by_test_id("cnnviz-play").bounding_box())
        sizes = _numbers(pg)
        assert sizes["numbersIn"] and sizes["numbersOut"], (name, sizes)
        _shot(pg, f"step_{name}")


def test_at_150_percent_zoom_the_output_stays_beside_the_input(browser, app_url):
    # 150 % zoom of a 1280 × 720 screen: 853 × 480 CSS pixels at 1.5 device pixels each.
    context = browser.new_context(viewport={"width": 853, "height": 480}, device_scale_factor=1.5)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    try:
        _open(pg, f"{app_url}/animation?{LECTURES['digit']}&present=true", "Step by step")
        grid = pg.get_by_test_id("cnnviz-input").bounding_box()
        out = pg.get_by_test_id("cnnviz-output").bounding_box()
        assert out["x"] >= grid["x"] + grid["width"], (grid, out)  # beside, not below
        assert out["y"] < grid["y"] + grid["height"] / 2, (grid, out)
        assert _numbers(pg)["numbersOut"]
    finally:
        context.close()


def test_the_playground_shows_kernel_and_map_with_large_numbers(projector, app_url):
    pg = projector
    _open(pg, f"{app_url}/?{LECTURES['digit']}&present=true", "Convolution playground")
    assert not no_exception_box(pg)
    editor = pg.get_by_test_id("cnnviz-cells").first
    # The input and the feature map: grids with numbers, drawn by the map element.
    charts = pg.get_by_test_id("cnnviz-map")
    pg.wait_for_function("() => [...document.querySelectorAll('[data-testid=\"cnnviz-map\"]')]"
                         ".every(m => m.dataset.state === 'drawn')", polling=100)
    assert _inside(editor.bounding_box())
    assert _inside(charts.nth(0).bounding_box()) and _inside(charts.nth(1).bounding_box())
    # The feature map's numbers: the font the element drew them in, and the cells' side,
    # in CSS pixels (the rule gives at most half a cell).
    font = int(charts.nth(1).get_attribute("data-font"))
    cell = charts.nth(1).locator("canvas.cm-canvas").bounding_box()["width"] / 5
    assert font >= 20 and cell >= 40, (font, cell)
    _shot(pg, "playground_digit")


def _save_view(pg, folder: Path) -> tuple[Path, dict]:
    """Click "This view (JSON)" once the page has settled; the file and what it holds."""
    pg.wait_for_timeout(500)
    with pg.expect_download() as info:
        pg.get_by_role("button", name="This view (JSON)").click()
    saved = folder / "view.json"
    info.value.save_as(saved)
    return saved, json.loads(saved.read_text())


def test_a_view_saved_in_the_browser_loads_back(projector, app_url, tmp_path):
    pg = projector
    _open(pg, f"{app_url}/animation?{LECTURES['rectangle']}", "Step by step")
    # Changes made in the browser just now are in the saved view: the sidebar's switch and
    # a page's own control (the link the server sees follows the widgets' values).
    pg.get_by_text("Presenter mode").first.click()
    pg.wait_for_url("**present=true**")
    wait_for_app(pg, "Step by step")
    pg.locator('[data-testid="stRadio"]').filter(has_text="Animate").get_by_text(
        "Pooling", exact=True).click()
    pg.wait_for_url("**animate=Pooling**")
    pg.get_by_text("Pool stride").first.wait_for()  # the run with the change has drawn
    wait_for_app(pg, "Step by step")
    saved, view = _save_view(pg, tmp_path)
    assert view["page"] == "animation" and view["params"]["present"] == "true", view
    assert view["params"]["animate"] == "Pooling", view
    assert view["params"]["lecture"] == "rectangle" and view["params"]["bias"] == "-4"
    assert view["link"].startswith("http") and "lecture=rectangle" in view["link"]
    # Load it on another page: the browser opens that view.
    _open(pg, f"{app_url}/pooling", "Pooling")
    loader = pg.locator('[data-testid="stFileUploader"]').filter(has_text="Load a view")
    loader.locator('input[type="file"]').set_input_files(str(saved))
    pg.wait_for_url("**/animation?**", timeout=30_000)
    wait_for_app(pg, "Step by step")
    assert "lecture=rectangle" in pg.url and "present=true" in pg.url
    assert not no_exception_box(pg)
    # A file that is not a view: a message, and the page stays.
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "cnnviz-view", "version": 1, "page": "", "params": {"s_h": 2}}')
    loader = pg.locator('[data-testid="stFileUploader"]').filter(has_text="Load a view")
    loader.locator('input[type="file"]').set_input_files(str(bad))
    pg.get_by_text("This file was not loaded").first.wait_for()
    assert "/animation" in pg.url and "lecture=rectangle" in pg.url


def test_the_saved_view_follows_a_change_inside_the_playgrounds_fragment(projector, app_url,
                                                                        tmp_path):
    pg = projector
    _open(pg, f"{app_url}/?{LECTURES['digit']}", "Convolution playground")
    stride = pg.get_by_role("spinbutton", name="Stride s rows")
    stride.fill("2")
    stride.press("Enter")  # reruns only the Playground's fragment, not the sidebar
    # The fragment's run has ended (it updates what the view file will hold).
    wait_for_app(pg, "Feature map z = a ⋆ k + b: 3 × 5")
    _, view = _save_view(pg, tmp_path)
    assert view["page"] == "" and view["params"]["s_h"] == "2", view
    assert view["params"]["k"] == "1,0,0;1,0,1;0,1,1", view


# Every element under a widget's label whose text the browser cuts with "…".
_CUT_LABELS = """() => [...document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stWidgetLabel"], [data-testid="stMain"] label')]
    .flatMap(label => [label, ...label.querySelectorAll('*')])
    .filter(el => el.scrollWidth > el.clientWidth + 1 && el.innerText.trim())
    .map(el => el.innerText.trim())"""


def test_pooling_labels_are_not_cut_on_a_projector(projector, app_url):
    """At 1280 × 720 in presenter mode the toggle read "Stride s = pool size (the def…"."""
    pg = projector
    _open(pg, f"{app_url}/pooling?present=true", "Pooling")
    assert not no_exception_box(pg)
    pg.get_by_text("Stride s = pool size").first.wait_for()
    assert pg.evaluate(_CUT_LABELS) == []
    _shot(pg, "pooling_labels")


def test_lecture_matrix_names_are_whole_in_the_narrow_sidebar(projector, app_url):
    """Issue 18, "names not cut": in presenter mode the 232 px sidebar's select box cuts a
    lecture matrix's name ("Rectangle out…"); the whole name is written under it, wrapped,
    so a teacher sees which example is loaded."""
    from cnnviz.data import samples

    pg = projector
    longest = sorted(samples.LECTURE_INPUTS, key=lambda n: -len(samples.LECTURE_INPUTS[n].title))
    for name in ["rectangle_wtx", *longest[:2]]:
        title = samples.LECTURE_INPUTS[name].title
        _open(pg, f"{app_url}/?src=Lecture&lecture={name}&present=true", "Convolution playground")
        assert not no_exception_box(pg)
        whole = pg.get_by_test_id("stSidebar").get_by_test_id("stMarkdown").filter(
            has_text=title).first
        whole.scroll_into_view_if_needed()
        assert whole.is_visible(), title
        assert whole.inner_text().strip() == title
        # Wrapped, not cut: no part of it is wider than its box, and the box is inside the bar.
        assert whole.evaluate("e => [e, ...e.querySelectorAll('*')].every("
                              "x => x.scrollWidth <= x.clientWidth + 1)"), title
        bar = pg.get_by_test_id("stSidebar").bounding_box()
        box = whole.bounding_box()
        assert box["x"] >= bar["x"] and box["x"] + box["width"] <= bar["x"] + bar["width"]
def test_a_setting_moved_by_presenter_mode_still_reaches_the_link(projector, app_url):
    """The flaky presenter test's cause, made certain.

    Presenter mode puts Step by step's settings below the animation: each bound widget
    arrives at its new place while its old copy is still on the page. The browser keeps
    bindings by widget id, and when the old copy leaves in a later render it unregisters
    that id, so the moved widget's changes are no longer written into the link
    (`animate=Pooling` never arrived, in about half the runs). Here the server's messages
    after the moved "Animate" radio are held back for a moment, so that the old copy
    always leaves in a later render. The change must still reach the link.
    """
    import re as _re

    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    pg = projector
    state: dict = {"split": False, "held": [], "passed": False, "ws": None}

    def route(ws) -> None:
        server = ws.connect_to_server()

        def from_server(message) -> None:
            if state["passed"]:
                state["held"].append(message)
                return
            ws.send(message)
            if state["split"] and isinstance(message, bytes | bytearray):
                msg = ForwardMsg()
                msg.ParseFromString(bytes(message))
                if (msg.WhichOneof("type") == "delta"
                        and msg.delta.WhichOneof("type") == "new_element"
                        and msg.delta.new_element.WhichOneof("type") == "radio"
                        and msg.delta.new_element.radio.label == "Animate"):
                    state["passed"] = True  # the moved radio is drawn; hold the rest

        server.on_message(from_server)
        ws.on_message(lambda message: server.send(message))
        state["ws"] = ws

    pg.route_web_socket(_re.compile(r".*/_stcore/stream.*"), route)
    _open(pg, f"{app_url}/animation?{LECTURES['digit']}", "Step by step")
    state["split"] = True
    pg.get_by_text("Presenter mode").first.click()
    for _ in range(200):
        if state["passed"]:
            break
        pg.wait_for_timeout(50)
    assert state["passed"], "the moved Animate radio never came"
    pg.wait_for_timeout(600)  # the browser draws it, with its old copy still there
    state["split"] = state["passed"] = False
    for message in state["held"]:
        state["ws"].send(message)
    state["held"].clear()
    pg.wait_for_url("**present=true**")
    wait_for_app(pg, "Step by step")
    pg.locator('[data-testid="stRadio"]').filter(has_text="Animate").get_by_text(
        "Pooling", exact=True).click()
    pg.get_by_text("Pool stride").first.wait_for()
    pg.wait_for_url("**animate=Pooling**", timeout=10_000)


def test_a_colour_volume_shows_one_channel_beside_its_partial_sum(projector, app_url):
    """Lecture 004's "another image" (10 × 10 × 3) on Step by step at 1280 × 720: three
    channels beside the output would print their numbers below the presenter minimum, so
    one channel at a time, with its products and partial sum and the sum of the partial
    sums, all on the first screen; the switch shows the others."""
    pg = projector
    _open(pg, f"{app_url}/animation?src=Lecture&lecture=another_image&present=true",
          "Step by step")
    box = pg.locator(".cnv").first
    assert box.get_attribute("data-channel") == "R"
    sizes = _numbers(pg)
    assert sizes["numbersIn"] and sizes["numbersOut"], sizes
    assert min(sizes["input"], sizes["output"]) >= 14, sizes  # NUMBER_FIT's presenter minimum
    for name in ("cnnviz-input", "cnnviz-output", "cnnviz-equation", "cnnviz-channels"):
        assert _inside(pg.get_by_test_id(name).first.bounding_box()), name
    lines = pg.get_by_test_id("cnnviz-equation").inner_text().splitlines()
    assert lines[0].startswith("R:") and lines[0].endswith("= -448"), lines
    assert lines[1] == "R + G + B: −448 + (−91) + 472 + 0 = -67", lines
    _shot(pg, "step_another_image_R")
    channels = pg.get_by_test_id("cnnviz-channels")
    channels.get_by_role("button", name="Show the green channel and its partial sum").click()
    assert box.get_attribute("data-channel") == "G"
    lines = pg.get_by_test_id("cnnviz-equation").inner_text().splitlines()
    assert lines[0].startswith("G:") and lines[0].endswith("= -91"), lines
    assert channels.get_by_role("button", name="Show the green channel and its partial sum"
                                ).get_attribute("aria-pressed") == "true"
    assert _inside(pg.get_by_test_id("cnnviz-equation").first.bounding_box())
    # A step keeps the channel: the next window's green products.
    pg.get_by_role("button", name="Step forward (Right arrow)").click()
    assert pg.get_by_test_id("cnnviz-equation").inner_text().startswith("G:")
    # All: three side by side would print 11 px and push the equation below the screen,
    # so the channel last shown (G) keeps its numbers and its line, the other two stand
    # beside it in colours, and the sum of the three partial sums stays on the screen.
    channels.get_by_role("button", name="Show all three channels").click()
    assert box.get_attribute("data-channel") == "all-one"
    assert channels.get_by_role("button", name="Show all three channels"
                                ).get_attribute("aria-pressed") == "true"
    sizes = _numbers(pg)
    assert sizes["thumbs"] > 0 and min(sizes["input"], sizes["output"]) >= 14, sizes
    lines = pg.get_by_test_id("cnnviz-equation").inner_text().splitlines()
    assert lines[0].startswith("G:") and lines[1].startswith("R + G + B:"), lines
    for name in ("cnnviz-input", "cnnviz-output", "cnnviz-equation"):
        assert _inside(pg.get_by_test_id(name).first.bounding_box()), name
    _shot(pg, "step_another_image_all")


PHOTO = "src=Photo&channels=Colour&present=true"
ANOTHER = "src=Lecture&lecture=another_image&ex=004.6a&present=true"
CHANNEL_BUTTONS = {"R": "Show the red channel and its partial sum",
                   "G": "Show the green channel and its partial sum",
                   "B": "Show the blue channel and its partial sum",
                   "All": "Show all three channels"}


def _colour_volume(browser, app_url, query, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.goto(f"{app_url}/animation?{query}")
    wait_for_app(pg, "Step by step")
    pg.wait_for_function("() => Object.values(window.__cnnvizInstances || {}).length > 0",
                         polling=100)
    return context, pg


def _press(pg, name: str) -> None:
    """Press a channel button and wait until the switch shows it pressed (laid out)."""
    button = pg.get_by_test_id("cnnviz-channels").get_by_role("button", name=CHANNEL_BUTTONS[name])
    button.click()
    button.and_(pg.locator('[aria-pressed="true"]')).wait_for()


def _pressed(pg) -> list[str]:
    buttons = pg.get_by_test_id("cnnviz-channels").get_by_role("button")
    return [buttons.nth(i).inner_text() for i in range(buttons.count())
            if buttons.nth(i).get_attribute("aria-pressed") == "true"]


@pytest.mark.parametrize("query,size,pick", [(PHOTO, (1280, 720), None),
                                              (ANOTHER, (1024, 768), "G")],
                         ids=["photo-1280x720-R", "004.6a-1024x768-G"])
def test_one_channel_picked_is_that_channel_alone_beside_its_output(browser, app_url, query,
                                                                    size, pick):
    """R, G or B on a projector: that channel pressed and drawn alone (no thumbnails of the
    other two), the output beside it and the equation on the screen. ("All as one
    channel"'s 4 px thumbnails came with every one-channel layout that shrank to the width:
    the colour photo at 1280 × 720 opened with All pressed, data-channel R, its output
    under the input and its equation at y = 1173; 004.6a at 1024 × 768 with G the same.)"""
    context, pg = _colour_volume(browser, app_url, query, size)
    if pick:
        _press(pg, pick)
    name = pick or "R"
    assert pg.locator(".cnv").first.get_attribute("data-channel") == name
    assert _pressed(pg) == [name]
    sizes = _numbers(pg)
    assert sizes["thumbs"] == 0 and not sizes["allAsOne"], sizes
    inp = pg.get_by_test_id("cnnviz-input").first.bounding_box()
    out = pg.get_by_test_id("cnnviz-output").first.bounding_box()
    assert out["x"] >= inp["x"] + inp["width"], (inp, out)  # beside, not under
    # The equation on the screen: whole at 1024 × 768; the 12 × 12 photo's two lines at
    # 1280 × 720 (its grids at 13 px already shrunk to the width) start above the foot
    # (y = 674, 55 px tall; 688 at 406fa46, 1173 with the thumbnails).
    eq = pg.get_by_test_id("cnnviz-equation").first.bounding_box()
    assert _inside({**eq, "height": 30 if query == PHOTO else eq["height"]},
                   width=size[0], height=size[1]), eq
    label = pg.get_by_test_id("cnnviz-input").first.get_attribute("aria-label")
    assert f"; channel {name}, " in label and "beside it" not in label, label
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"presenter_{name}_{size[0]}x{size[1]}_one.png"))
    context.close()


@pytest.mark.parametrize("query,size,as_one", [
    (ANOTHER, (1280, 720), True), (ANOTHER, (1024, 768), False),
    (f"{PHOTO}&grid=12", (1280, 720), False), (f"{PHOTO}&grid=16", (1280, 720), False)],
    ids=["004.6a-1280x720", "004.6a-1024x768", "photo12-1280x720", "photo16-1280x720"])
def test_all_on_a_projector_is_one_channel_only_where_its_numbers_print(browser, app_url,
                                                                        query, size, as_one):
    """All on a projector: one channel with its numbers and the other two in colours only
    where that channel and the output then print at the presenter's 14 px and the two
    thumbnails (8 px cells at least) fit the width beside them; else the three side by
    side. The input's name says "with its numbers" only when they print. (004.6a at
    1024 × 768 printed 11 px, its output at y = 701 and its equation at y = 1029; the
    16 × 16 photo said "with its numbers" with none printed; the 12 × 12 printed 12 px.)"""
    context, pg = _colour_volume(browser, app_url, query, size)
    _press(pg, "All")
    assert _pressed(pg) == ["All"]
    sizes = _numbers(pg)
    label = pg.get_by_test_id("cnnviz-input").first.get_attribute("aria-label")
    channel = pg.locator(".cnv").first.get_attribute("data-channel")
    assert channel == ("all-one" if as_one else "all"), (channel, sizes)
    assert ("with its numbers" in label) == (as_one and sizes["numbersIn"]), (label, sizes)
    if as_one:
        assert sizes["allAsOne"] and sizes["numbersIn"] and sizes["numbersOut"], sizes
        assert min(sizes["input"], sizes["output"]) >= 14 and sizes["thumbs"] >= 8, sizes
        assert "beside it in colour" in label, label
        inp = pg.get_by_test_id("cnnviz-input").first.bounding_box()
        out = pg.get_by_test_id("cnnviz-output").first.bounding_box()
        assert out["x"] >= inp["x"] + inp["width"], (inp, out)
        for name in ("cnnviz-input", "cnnviz-output", "cnnviz-equation"):
            assert _inside(pg.get_by_test_id(name).first.bounding_box(),
                           width=size[0], height=size[1]), name
    else:
        assert sizes["thumbs"] == 0 and not sizes["allAsOne"], sizes
        assert "beside it" not in label, label
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"presenter_all_{size[0]}x{size[1]}_{channel}.png"))
    context.close()
