"""The "same layer in code" panel on the Playground and Step by step, executed against the page."""

from __future__ import annotations

import contextlib
import io

import numpy as np

from cnnviz.core.text import format_number
from cnnviz.lessons.animation import step_view
from cnnviz.ui import state as keys

from .conftest import exceptions, read
from .test_animation import _open_small, _payload


def _snippets(at) -> dict[str, str]:
    """Open the page's code panel (made only while open), then read its three listings."""
    assert not at.code  # closed: nothing of it is drawn
    key = "anim_code" if any(e.proto.component_name == "cnnviz_animator"
                             for e in at.get("bidi_component")) else "pg_code"
    at.session_state[key] = True
    at.run()
    assert not at.exception, exceptions(at)
    codes = [c.value for c in at.code]
    names = {"np.einsum(": "NumPy", "cnnviz.conv2d(": "cnnviz", "from scipy.signal": "SciPy",
             "F.conv2d(": "PyTorch"}
    found = {name: code for code in codes for mark, name in names.items() if mark in code}
    assert set(found) == {"NumPy", "cnnviz", "SciPy", "PyTorch"}, codes
    return found


def _run(code: str) -> tuple[np.ndarray, str]:
    out, ns = io.StringIO(), {}
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<snippet>", "exec"), ns)  # noqa: S102 - the page's own code
    return np.asarray(ns["z"]), out.getvalue().strip()


def _feature_map(at) -> np.ndarray:
    # The map's title (so its key) says "Convolution" when flip is on.
    key = "pg_panel0_Convol" if at.session_state[keys.FLIP] else "pg_panel0_Featur"
    got = read(at, key)
    assert tuple(got["shape"]) == got["values"].shape  # every cell is carried (≤ 128 a side)
    return got["values"]


def test_playground_panel_loads_the_photo_and_its_snippets_give_the_map(open_page):
    at = open_page("pages/playground.py")
    code = _snippets(at)
    assert "samples.load_photo('camera'" in code["cnnviz"]
    assert "import cnnviz" not in code["NumPy"] and "samples." not in code["NumPy"]
    z_page = _feature_map(at)
    assert _run(code["NumPy"])[1] == str(z_page.shape)
    for lang in ("cnnviz", "SciPy"):
        z, printed = _run(code[lang])
        np.testing.assert_allclose(z, z_page, rtol=1e-6, atol=1e-9)
        assert printed == str(z_page.shape)
        assert f"# {printed}" in code[lang]


def test_playground_panel_follows_the_settings(open_page):
    at = open_page("pages/playground.py")
    at.radio(key=keys.PAD_KIND).set_value("same").run()
    at.number_input(key=keys.STRIDE_H).set_value(2).run()
    at.number_input(key=keys.DIL_W).set_value(2).run()
    at.toggle(key=keys.FLIP).set_value(True).run()
    at.number_input(key=keys.BIAS).set_value(0.5).run()
    at.selectbox(key=keys.PAD_MODE).set_value("reflect").run()
    assert not at.exception, exceptions(at)
    code = _snippets(at)
    assert "flip=True" in code["cnnviz"] and "pad_mode='reflect'" in code["cnnviz"]
    assert "convolve2d" in code["SciPy"] and "torch.flip" in code["PyTorch"]
    assert "kd = kd[::-1, ::-1]" in code["NumPy"] and 'mode="reflect"' in code["NumPy"]
    z_page = _feature_map(at)
    for lang in ("cnnviz", "SciPy"):
        z, printed = _run(code[lang])
        np.testing.assert_allclose(z, z_page, rtol=1e-6, atol=1e-9)
        assert printed == str(z_page.shape) == "(64, 128)"


def test_playground_small_colour_matrix_is_written_out_and_summed(open_page):
    at = open_page("pages/playground.py")
    at.radio(key=keys.SOURCE).set_value("Lecture").run()
    at.selectbox(key=keys.LECTURE).set_value("vertical_edge").run()
    at.button(key="use_lecture_kernel").click().run()
    assert not at.exception, exceptions(at)
    code = _snippets(at)
    assert "a = np.array([[[25, 25, 25]" in code["NumPy"]
    assert "k = np.stack([k] * 3, axis=-1)" in code["NumPy"]
    z_page = _feature_map(at)
    for lang in ("NumPy", "cnnviz", "SciPy"):
        z, _ = _run(code[lang])
        np.testing.assert_allclose(z, z_page, rtol=1e-12)


def test_step_by_step_panel_writes_the_grid_and_its_snippets_give_the_animation(open_page):
    at = _open_small(open_page)
    at.button(key="anim_lecture_kernel").click().run()
    at.radio(key=keys.PAD_KIND).set_value("custom").run()
    at.number_input(key=keys.STRIDE_W).set_value(2).run()
    assert not at.exception, exceptions(at)
    code = _snippets(at)
    assert "a = np.array([[0, 0, 0, 0, 0, 0, 0]," in code["NumPy"]
    payload = _payload(at)
    for lang in ("NumPy", "cnnviz", "SciPy"):
        z, printed = _run(code[lang])
        assert printed == str(tuple(payload["out_shape"]))
        for step in range(payload["n_steps"]):
            view = step_view(payload, step)
            assert view["total"] == format_number(z[view["out_row"], view["out_col"]])


def test_playground_code_applies_the_activation_and_the_pooling_on_screen(open_page):
    at = open_page("pages/playground.py", query={"src": "Lecture", "lecture": "rectangle",
                                                 "k": "sobel_x", "act": "relu", "pool": "true"})
    assert not at.exception, exceptions(at)
    code = _snippets(at)
    pooled = read(at, "pg_panel2_max po")["values"]
    for lang in ("NumPy", "cnnviz", "SciPy"):
        assert "then applies" not in code[lang]
        out, ns = io.StringIO(), {}
        with contextlib.redirect_stdout(out):
            exec(compile(code[lang], "<snippet>", "exec"), ns)  # noqa: S102 - the page's code
        np.testing.assert_allclose(ns["p"], pooled, rtol=1e-12)
        assert out.getvalue().strip() == str(pooled.shape)
