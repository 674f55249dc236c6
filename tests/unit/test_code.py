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
@pytest.mark.parametrize("lang", ["NumPy", "SciPy"])
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
    assert not view.literal and load in view.code["NumPy"]
    for lang in ("NumPy", "SciPy"):
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
