"""'Your own network' in Chromium: upload the sample ONNX file, walk it, look at it.

Screenshots at 1400 × 1000 and 1280 × 720 land in artifacts/screens/ (own_network_*.png).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import SHOTS, no_exception_box, wait_for_app

pytestmark = pytest.mark.e2e

ASSETS = Path(__file__).resolve().parents[2] / "assets"


def _uploader(pg):
    return (pg.get_by_test_id("stMain").get_by_test_id("stFileUploader")
            .filter(has_text="Your network's weights").locator('input[type="file"]'))


@pytest.mark.parametrize(("width", "height"), [(1400, 1000), (1280, 720)])
def test_upload_sample_onnx_and_walk(browser, app_url, width: int, height: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    try:
        pg.goto(f"{app_url}/own_network")
        wait_for_app(pg, "Try the sample network")
        _uploader(pg).set_input_files(str(ASSETS / "digits_cnn.onnx"))
        wait_for_app(pg, "Open: digits_cnn.onnx")
        wait_for_app(pg, "[6] MaxPool")
        assert no_exception_box(pg) == []
        main = pg.get_by_test_id("stMain")
        assert main.get_by_text("9,098").count() >= 1
        # every N × C × H × W layer's maps, drawn by the map element
        pg.wait_for_function("() => document.querySelectorAll('.cm-root, [class*=cm-]')"
                             ".length > 0", polling=200)
        SHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SHOTS / f"own_network_{width}x{height}.png"))
        pg.get_by_text("Your image, layer by layer").first.scroll_into_view_if_needed()
        pg.wait_for_timeout(500)
        pg.screenshot(path=str(SHOTS / f"own_network_maps_{width}x{height}.png"))
        pg.get_by_text("What the network looks at").first.scroll_into_view_if_needed()
        pg.wait_for_timeout(500)
        pg.screenshot(path=str(SHOTS / f"own_network_looks_{width}x{height}.png"))
    finally:
        context.close()


def test_refused_pickle_is_a_message(page, app_url, tmp_path: Path) -> None:
    page.goto(f"{app_url}/own_network")
    wait_for_app(page, "Try the sample network")
    bad = tmp_path / "model.pth"
    bad.write_bytes(b"\x80\x02}q\x00.")
    _uploader(page).set_input_files(str(bad))
    wait_for_app(page, "loading a pickle runs")
    assert no_exception_box(page) == []


@pytest.mark.parametrize("button", ["Try the sample network", "Sample as .npz"])
def test_axe_with_the_sample_open(page, app_url, button: str) -> None:
    """Axe on the whole walked page: tables, maps, filters, prediction, occlusion controls
    (and, for named arrays, the layout choice and the settings table)."""
    from .test_a11y import axe_violations
    page.goto(f"{app_url}/own_network")
    wait_for_app(page, "Try the sample network")
    page.get_by_role("button", name=button).click()
    wait_for_app(page, "[6] MaxPool")
    page.wait_for_timeout(1000)
    assert axe_violations(page) == []


def _many_positions_onnx() -> bytes:
    """A digit classifier (Softmax at the end) with an open image size and a cheap pass:
    a large image gives an occlusion map of tens of thousands of positions that takes
    seconds within the budget. The sample's 28 × 28 map (784 passes) now takes about half a
    second, too short to press Stop in."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(7)
    inits = {"w": rng.standard_normal((2, 1, 1, 1)).astype(np.float32),
             "fc": rng.standard_normal((2, 10)).astype(np.float32)}
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv1"),
             helper.make_node("Relu", ["c"], ["r"], name="relu1"),
             helper.make_node("GlobalAveragePool", ["r"], ["p"], name="gap"),
             helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
             helper.make_node("MatMul", ["f", "fc"], ["z"], name="fc"),
             helper.make_node("Softmax", ["z"], ["y"], name="softmax", axis=1)]
    graph = helper.make_graph(
        nodes, "grey", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                      ["N", 1, "H", "W"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 10])],
        initializer=[numpy_helper.from_array(v, k) for k, v in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    return model.SerializeToString()


def test_occlusion_stops_and_then_runs(page, app_url, tmp_path: Path) -> None:
    """A long map (every pixel of a 192 × 192 image) is stopped by Stop; a coarse one then
    finishes and is drawn."""
    net = tmp_path / "many.onnx"
    net.write_bytes(_many_positions_onnx())
    page.goto(f"{app_url}/own_network")
    wait_for_app(page, "Try the sample network")
    _uploader(page).set_input_files(str(net))
    wait_for_app(page, "Budget:")
    for label, value in (("Size (pixels a side)", "192"), ("Patch (pixels a side)", "1"),
                         ("Stride", "1")):
        box = page.get_by_label(label)
        box.fill(value)
        box.press("Enter")
        wait_for_app(page, "Budget:")
    wait_for_app(page, "36,864 patch positions")
    page.get_by_role("button", name="Compute the occlusion map").click()
    page.get_by_text("Occluding").first.wait_for(state="visible")
    page.get_by_role("button", name="Stop").click()
    wait_for_app(page, "Budget:")
    assert page.get_by_text("Occlusion: how p(").count() == 0
    assert no_exception_box(page) == []
    box = page.get_by_label("Stride")
    box.fill("24")
    box.press("Enter")
    wait_for_app(page, "Budget:")
    page.get_by_role("button", name="Compute the occlusion map").click()
    page.get_by_text("Occlusion: how p(").first.wait_for(state="visible")
    assert no_exception_box(page) == []


def test_the_same_file_uploaded_again_after_a_sample_opens_again(page, app_url,
                                                                  tmp_path: Path) -> None:
    """Upload a file, open a sample, upload the very same file again: it is open again.

    The browser sends no new upload while the uploader still holds that file, so
    opening a sample must empty the uploader (it no longer names what is open).
    """
    mine = tmp_path / "mine.safetensors"
    mine.write_bytes((ASSETS / "digits_cnn.safetensors").read_bytes())
    page.goto(f"{app_url}/own_network")
    wait_for_app(page, "Try the sample network")
    _uploader(page).set_input_files(str(mine))
    wait_for_app(page, "Open: mine.safetensors")
    page.get_by_role("button", name="Sample as .npz").click()
    wait_for_app(page, "Open: digits_cnn.npz")
    _uploader(page).set_input_files(str(mine))
    wait_for_app(page, "Open: mine.safetensors")
    assert no_exception_box(page) == []
