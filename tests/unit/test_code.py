"""The same layer in code: every snippet, executed, computes the feature map cnnviz computes."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

import cnnviz
from cnnviz.core.conv import ConvSettings
from cnnviz.core.kernels import get_kernel, stack_channels
from cnnviz.data import samples
from cnnviz.lessons.code import LITERAL_MAX_SIDE, layer_code

RNG = np.random.default_rng(7)
GREY = np.round(RNG.random((9, 11)) * 255) / 255  # pixels as the app loads them
COLOUR = np.round(RNG.random((8, 7, 3)) * 255) / 255
LECTURE = samples.LECTURE_INPUTS["digit_one"].array.astype(float)
SOBEL, BOX = get_kernel("sobel_x"), get_kernel("box_blur_3")
ODD = np.array([[1.0, -2.0], [0.5, 3.0], [0.0, 1.0]])  # 3 × 2: an even side, asymmetric

CASES = {
    "valid": (GREY, SOBEL, ConvSettings()),
    "same": (GREY, SOBEL, ConvSettings(padding="same")),
    "full": (GREY, BOX, ConvSettings(padding="full")),
    "stride 2": (GREY, SOBEL, ConvSettings(stride=2, padding=1)),
    "stride (2, 3)": (GREY, ODD, ConvSettings(stride=(2, 3))),
    "dilation 2": (GREY, SOBEL, ConvSettings(dilation=2, padding=2)),
    "flip": (GREY, ODD, ConvSettings(flip=True)),
    "flip same even": (GREY, ODD, ConvSettings(flip=True, padding="same")),
    "bias": (LECTURE, np.array([[1.0, 0, 0], [1, 0, 1], [0, 1, 1]]), ConvSettings(bias=-1.5)),
    "asymmetric padding": (GREY, SOBEL, ConvSettings(padding=((2, 0), (1, 3)))),
    "reflect": (GREY, SOBEL, ConvSettings(padding=2, pad_mode="reflect")),
    "replicate stride": (GREY, ODD, ConvSettings(padding=((1, 2), (0, 1)), pad_mode="replicate",
                                                 stride=2)),
    "circular dilation": (GREY, SOBEL, ConvSettings(padding="same", pad_mode="circular",
                                                    dilation=(2, 1))),
    "colour summed": (COLOUR, stack_channels(SOBEL, 3), ConvSettings(padding=1, bias=0.25)),
    "colour each channel": (COLOUR, BOX, ConvSettings(padding="same", stride=2)),
    "colour summed flip reflect": (COLOUR, stack_channels(ODD, 3),
                                   ConvSettings(flip=True, padding=1, pad_mode="reflect")),
    "everything": (GREY, ODD, ConvSettings(stride=(1, 2), padding=((0, 1), (2, 2)),
                                           dilation=(2, 1), pad_mode="reflect", flip=True,
                                           bias=2.0)),
}


def _run(code: str) -> tuple[np.ndarray, str]:
    out = io.StringIO()
    ns: dict = {}
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<snippet>", "exec"), ns)  # noqa: S102 - our own generated code
    return np.asarray(ns["z"]), out.getvalue().strip()


def _expected(image, kernel, cfg):
    return cnnviz.conv2d(image, kernel, cfg.bias, **cfg.conv_kwargs)


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("lang", ["NumPy", "cnnviz", "SciPy"])
def test_numpy_and_scipy_snippets_compute_the_core_feature_map(name, lang):
    image, kernel, cfg = CASES[name]
    view = layer_code(image, kernel, cfg)
    z, printed = _run(view.code[lang])
    expected = _expected(image, kernel, cfg)
    assert z.shape == expected.shape == view.out_shape
    np.testing.assert_allclose(z, expected, rtol=1e-12, atol=1e-12)
    assert printed == view.prints[lang] == str(expected.shape)
    assert f"# {view.prints[lang]}" in view.code[lang]  # the snippet says what it prints


@pytest.mark.parametrize("name", list(CASES))
def test_pytorch_snippet_computes_the_core_feature_map(name):
    pytest.importorskip("torch", reason="PyTorch is not a dependency of cnnviz (too large for "
                                        "CI); install torch to run its snippet")
    image, kernel, cfg = CASES[name]
    view = layer_code(image, kernel, cfg)
    z, printed = _run(view.code["PyTorch"])
    expected = _expected(image, kernel, cfg)
    np.testing.assert_allclose(z, expected, rtol=1e-12, atol=1e-12)
    assert printed == view.prints["PyTorch"]
    n_out = expected.shape[2] if expected.ndim == 3 else 1
    assert printed == f"torch.Size([1, {n_out}, {expected.shape[0]}, {expected.shape[1]}])"


def test_the_scipy_snippet_uses_convolve2d_only_when_flip_is_on():
    plain = layer_code(GREY, SOBEL, ConvSettings()).code["SciPy"]
    flipped = layer_code(GREY, SOBEL, ConvSettings(flip=True)).code["SciPy"]
    assert "correlate2d(" in plain and "convolve2d(" not in plain.replace("(convolve2d", "")
    assert "from scipy.signal import convolve2d" in flipped
    assert "torch.flip" in layer_code(GREY, SOBEL, ConvSettings(flip=True)).code["PyTorch"]
    assert "torch.flip" not in layer_code(GREY, SOBEL, ConvSettings()).code["PyTorch"]


def test_the_pytorch_snippet_explains_its_layout_and_cross_correlation():
    code = layer_code(COLOUR, BOX, ConvSettings()).code["PyTorch"]
    assert "(N, C, H, W)" in code and "cross-correlation" in code and "groups=3" in code


def test_a_large_input_is_loaded_by_the_given_lines_and_still_computes_the_map():
    photo = samples.load_photo("camera", mode="grey", max_side=64)
    load = 'a = samples.load_photo("camera", mode="grey", max_side=64)'
    view = layer_code(photo, SOBEL, ConvSettings(stride=2), load=load)
    assert not view.literal and load in view.code["cnnviz"]
    assert load not in view.code["NumPy"] and "stand-in" in view.code["NumPy"]
    for lang in ("cnnviz", "SciPy"):
        z, _ = _run(view.code[lang])
        np.testing.assert_allclose(z, cnnviz.conv2d(photo, SOBEL, stride=2), rtol=1e-12,
                                   atol=1e-12)


def test_a_large_input_without_a_loader_gets_a_stand_in_of_its_shape_said_so():
    big = np.zeros((LITERAL_MAX_SIDE + 1, 20))
    view = layer_code(big, SOBEL, ConvSettings(padding="same"))
    code = view.code["NumPy"]
    assert "stand-in" in code and "(17, 20)" in code
    z, printed = _run(code)
    assert z.shape == (17, 20) and printed == "(17, 20)"


def test_literals_are_exact_and_short():
    view = layer_code(GREY, get_kernel("gaussian_5"), ConvSettings())
    code = view.code["NumPy"]
    assert "/ 255" in code and "/ 273" in code and "0.00" not in code


def test_settings_that_do_not_fit_raise_like_conv2d():
    with pytest.raises(ValueError, match="larger than the padded input"):
        layer_code(np.zeros((2, 2)), SOBEL, ConvSettings())


# --- issue 17: a plain-NumPy tab that runs anywhere; the activation and pooling computed ---

LANGS = ["NumPy", "cnnviz", "SciPy"]


def _run_final(code: str) -> tuple[np.ndarray, str]:
    """The snippet's last result: p (pooled), else g (activated), else z."""
    out = io.StringIO()
    ns: dict = {}
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<snippet>", "exec"), ns)  # noqa: S102 - our own generated code
    for name in ("p", "g", "z"):
        if name in ns:
            return np.asarray(ns[name]), out.getvalue().strip()
    raise AssertionError("no result")


@pytest.mark.parametrize("name", list(CASES))
def test_the_numpy_tab_is_plain_numpy_with_windows_and_einsum(name):
    image, kernel, cfg = CASES[name]
    code = layer_code(image, kernel, cfg).code["NumPy"]
    assert "cnnviz" not in code and "samples" not in code and "scipy" not in code
    assert "sliding_window_view" in code and "np.einsum(" in code
    z, printed = _run(code)
    np.testing.assert_allclose(z, _expected(image, kernel, cfg), rtol=1e-12, atol=1e-12)
    assert printed == str(z.shape)


def test_the_numpy_tab_runs_in_a_fresh_python_outside_the_project(tmp_path):
    import subprocess
    import sys

    image, kernel, cfg = CASES["everything"]
    script = tmp_path / "layer.py"
    script.write_text(layer_code(image, kernel, cfg).code["NumPy"])
    done = subprocess.run([sys.executable, "-I", str(script)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(_expected(image, kernel, cfg).shape)


ACTIVATED = {
    "relu + max pool": (GREY, SOBEL, ConvSettings(padding=1, activation="relu"),
                        {"size": 2, "stride": 2, "mode": "max"}),
    "leaky + avg pool 3/1": (GREY, ODD, ConvSettings(activation="leaky_relu", slope=0.2),
                             {"size": 3, "stride": 1, "mode": "avg"}),
    "sigmoid": (LECTURE, SOBEL, ConvSettings(activation="sigmoid", bias=-40.0), None),
    "tanh colour pool": (COLOUR, BOX, ConvSettings(padding="same", activation="tanh"),
                         {"size": 2, "stride": 3, "mode": "max"}),
    "pool only, summed": (COLOUR, stack_channels(SOBEL, 3), ConvSettings(padding=1),
                          {"size": 2, "stride": 2, "mode": "avg"}),
}


@pytest.mark.parametrize("name", list(ACTIVATED))
@pytest.mark.parametrize("lang", LANGS)
def test_the_activation_and_pooling_are_computed_not_named_in_a_comment(name, lang):
    from cnnviz.core.activations import activate

    image, kernel, cfg, pool = ACTIVATED[name]
    view = layer_code(image, kernel, cfg, pool=pool)
    code = view.code[lang]
    assert "then applies" not in code
    expected = activate(_expected(image, kernel, cfg), cfg.activation, slope=cfg.slope)
    if pool is not None:
        expected = cnnviz.pool2d(expected, pool["size"], stride=pool["stride"],
                                 mode=pool["mode"])
    got, printed = _run_final(code)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    assert printed == view.prints[lang] == str(expected.shape)


@pytest.mark.parametrize("name", list(ACTIVATED))
def test_pytorch_applies_the_activation_and_pooling_too(name):
    pytest.importorskip("torch", reason="PyTorch is not a dependency of cnnviz")
    from cnnviz.core.activations import activate

    image, kernel, cfg, pool = ACTIVATED[name]
    view = layer_code(image, kernel, cfg, pool=pool)
    expected = activate(_expected(image, kernel, cfg), cfg.activation, slope=cfg.slope)
    if pool is not None:
        expected = cnnviz.pool2d(expected, pool["size"], stride=pool["stride"],
                                 mode=pool["mode"])
    got, _ = _run_final(view.code["PyTorch"])
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
