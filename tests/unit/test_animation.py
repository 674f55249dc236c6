"""The animation payload shows exactly what the core computes, at every step.

``step_view`` decodes a payload the way the browser does (look-ups only), so
comparing it with ``ConvTrace``/``PoolTrace`` and ``conv2d`` checks every
number the animation can put on screen.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from cnnviz import conv2d
from cnnviz.core.text import addends, factor
from cnnviz.core.trace import ConvTrace, PoolTrace, format_number
from cnnviz.lessons.animation import (
    Placement,
    build_conv_payload,
    build_pool_payload,
    crop_for_animation,
    downscale_for_animation,
    payload_json,
    step_view,
)

RNG = np.random.default_rng(11)
ROOT = Path(__file__).resolve().parents[2]
SOBEL = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=float)
GAUSS5 = np.array([[1, 4, 7, 4, 1], [4, 16, 26, 16, 4], [7, 26, 41, 26, 7],
                   [4, 16, 26, 16, 4], [1, 4, 7, 4, 1]]) / 273
ACTIVATIONS = ["none", "relu", "leaky_relu", "sigmoid", "tanh"]

SETTINGS = [
    dict(stride=s, padding=p, dilation=d, pad_mode=m, flip=f)
    for s, p, d, m, f in itertools.product(
        [1, 2, (1, 3)], [0, 1, "same", ((0, 2), (1, 0)), "full"], [1, 2],
        ["zeros", "reflect", "replicate", "circular"], [False, True],
    )
]
CASES = SETTINGS[::7]


def fmt(a) -> list[str]:
    return [format_number(v) for v in np.ravel(a)]


def check_conv(payload: dict, image, kernel, bias=0.0, **kw) -> ConvTrace:
    """Every step of the payload against the trace, its export and conv2d."""
    trace = ConvTrace(image, kernel, bias, **kw)
    exp = trace.export()
    conv_kw = {k: v for k, v in kw.items() if k not in ("activation", "slope")}
    out = conv2d(image, kernel, bias, **conv_kw)
    assert payload["out_shape"] == list(out.shape)
    assert payload["n_steps"] == trace.n_steps
    (top, bottom), (left, right) = trace.geometry.padding
    hp, wp = payload["padded_shape"]
    nc = trace.channels
    for k in range(trace.n_steps):
        s = trace.step(k)
        v = step_view(payload, k)
        assert (v["out_row"], v["out_col"]) == (s.out_row, s.out_col)
        assert v["rows"] == s.rows.tolist() and v["cols"] == s.cols.tolist()
        # The browser marks a tap as padding from the per-side widths.
        pad = [[r < top or r >= hp - bottom or c < left or c >= wp - right for c in v["cols"]]
               for r in v["rows"]]
        assert pad == s.on_padding.tolist()
        for ch in range(nc):
            assert sum(v["values"][ch], []) == fmt(s.values[:, :, ch])
            assert sum(v["weights"][ch], []) == fmt(s.weights[:, :, ch])
            assert sum(v["products"][ch], []) == fmt(s.products[:, :, ch])
            assert sum(v["products"][ch], []) == fmt(exp["products"][k, :, :, ch])
        assert v["total"] == format_number(s.total) == format_number(exp["totals"][k])
        assert v["total"] == format_number(out[s.out_row, s.out_col])
        assert v["output"] == format_number(s.activated)
        if nc == 1 and s.bias != 0:  # the filter as a neuron: the sum, then wᵀx + w₀
            assert v["equation"][0] == s.equation(channel=0)
            assert v["equation"][1] == (
                f"wᵀx + w₀ = {addends([format_number(s.partial_sums[0])])[0]} + "
                f"{factor(format_number(s.bias))} = {format_number(s.total)}")
        elif nc == 1:
            assert v["equation"][0] == s.equation()
        else:
            assert v["partials"] == fmt(s.partial_sums)
            names = payload["channel_names"]
            for ch in range(nc):
                assert v["equation"][ch] == f"{names[ch]}: {s.equation(channel=ch)}"
            assert v["equation"][nc] == (
                " + ".join(addends(fmt(s.partial_sums))) + f" + {factor(format_number(s.bias))} = "
                f"{format_number(s.total)}")
        if trace.activation != "none":
            assert v["equation"][-1] == (
                f"{payload['activation_name']}({format_number(s.total)}) = "
                f"{format_number(s.activated)}")
        else:
            assert len(v["equation"]) == (nc + 1 if nc > 1 or s.bias != 0 else 1)
    # Rounded numbers stay within half a unit of the last digit of the core's.
    np.testing.assert_allclose(payload["totals"], exp["totals"], atol=5e-4 + 1e-12)
    return trace


@pytest.mark.parametrize("colour", [False, True])
@pytest.mark.parametrize("kw", CASES)
def test_every_conv_step_equals_core(colour, kw):
    x = RNG.normal(size=(8, 9, 3) if colour else (8, 9))
    k = RNG.normal(size=(3, 2, 3) if colour else (3, 2))
    act = ACTIVATIONS[CASES.index(kw) % len(ACTIVATIONS)]
    b = -0.3 if colour else 0.75
    p = build_conv_payload(ConvTrace(x, k, b, activation=act, slope=0.2, **kw))
    check_conv(p, x, k, b, activation=act, slope=0.2, **kw)
    assert json.loads(payload_json(p)) == p


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_integer_image_uses_product_tables(act):
    x = RNG.integers(0, 4, size=(9, 9, 3)).astype(float)
    k = np.stack([SOBEL, SOBEL.T, -SOBEL], axis=-1)
    p = build_conv_payload(ConvTrace(x, k, 1.0, padding=1, stride=2, activation=act))
    assert "ptab" in p and "prods" not in p
    assert len(p["ptab"]) == len(np.unique(k))  # one table per distinct weight
    check_conv(p, x, k, 1.0, padding=1, stride=2, activation=act)


def test_distinct_floats_use_per_step_products():
    x, k = RNG.normal(size=(12, 12)), RNG.normal(size=(3, 3))
    p = build_conv_payload(ConvTrace(x, k, padding="same"))
    assert "prods" in p and "ptab" not in p
    check_conv(p, x, k, padding="same")


@pytest.mark.parametrize("digits", [0, 1, 2, 4])
def test_digits_follow_format_number(digits):
    t = ConvTrace(RNG.normal(size=(5, 5)), RNG.normal(size=(2, 2)), 0.123456, padding=1)
    p = build_conv_payload(t, digits=digits)
    for k in range(t.n_steps):
        s = t.step(k)
        v = step_view(p, k)
        assert v["equation"][0] == s.equation(channel=0, digits=digits)
        assert sum(v["products"][0], []) == [format_number(x, digits) for x in s.products.ravel()]


def test_lecture_rgb_example():
    """The 10×10×3 image, 25 left and 0 right, vertical-edge filter on each channel."""
    x = np.zeros((10, 10, 3))
    x[:, :5] = 25
    k = np.stack([[[1, 0, -1]] * 3] * 3, axis=-1)
    p = build_conv_payload(ConvTrace(x, k))
    t = check_conv(p, x, k)
    v = step_view(p, t.index_of(0, 3))
    assert v["partials"] == ["75", "75", "75"]
    assert v["equation"][-1] == "75 + 75 + 75 + 0 = 225"
    assert p["channel_names"] == ["R", "G", "B"]


def test_float32_image():
    x = RNG.random((6, 6, 3)).astype(np.float32)
    k = RNG.normal(size=(3, 3, 3)).astype(np.float32)
    p = build_conv_payload(ConvTrace(x, k, 0.5, padding=1, activation="tanh"))
    check_conv(p, x, k, 0.5, padding=1, activation="tanh")


def test_non_finite_values_are_strings_and_json_is_strict():
    x = np.ones((4, 4))
    x[1, 1] = np.nan
    t = ConvTrace(x, np.ones((2, 2)))
    p = build_conv_payload(t)
    payload_json(p)  # allow_nan=False: raises if a NaN slipped through
    assert step_view(p, 0)["total"] == "NaN"
    assert step_view(p, 2)["total"] == "4"


def test_bad_arguments():
    t = ConvTrace(np.ones((4, 4)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="digits must be between 0 and 4"):
        build_conv_payload(t, digits=5)
    with pytest.raises(ValueError, match="labels has unknown keys"):
        build_conv_payload(t, labels={"nope": "x"})
    with pytest.raises(ValueError, match="trace must be a ConvTrace"):
        build_conv_payload(np.ones((3, 3)))
    with pytest.raises(ValueError, match="trace must be a PoolTrace"):
        build_pool_payload(t)
    with pytest.raises(ValueError, match="index must be below"):
        step_view(build_conv_payload(t), 9)


def test_labels_and_id():
    t = ConvTrace(np.ones((4, 4)), np.ones((2, 2)), activation="relu")
    p = build_conv_payload(t, labels={"input": "Image"})
    assert p["labels"]["input"] == "Image"
    assert p["labels"]["output_activated"] == "Output a^[l] = ReLU(z)"
    assert build_conv_payload(t, labels={"input": "Image"})["id"] == p["id"]
    assert build_conv_payload(ConvTrace(np.ones((4, 4)), np.ones((2, 2)), 1.0))["id"] != p["id"]
    leaky = build_conv_payload(ConvTrace(np.ones((4, 4)), np.ones((2, 2)),
                                         activation="leaky_relu", slope=0.1))
    assert leaky["activation_note"] == "slope 0.1"


# --------------------------------------------------------------------------- pooling


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("size,stride,padding", [(2, None, 0), (3, 2, 1), ((2, 3), (1, 2), (1, 1)),
                                                 (3, 1, 0)])
def test_pool_payload_equals_pooltrace(mode, size, stride, padding):
    x = RNG.integers(-5, 6, size=(7, 8)).astype(float)  # ties: the first max wins
    t = PoolTrace(x, size, stride=stride, padding=padding, mode=mode)
    p = build_pool_payload(t)
    assert p["n_steps"] == t.n_steps
    exp = t.export()
    for k in range(t.n_steps):
        s = t.step(k)
        v = step_view(p, k)
        assert v["rows"] == s.rows.tolist() and v["cols"] == s.cols.tolist()
        texts = ["-∞" if np.isneginf(a) else format_number(a) for a in s.values.ravel()]
        assert sum(v["values"], []) == texts
        assert v["output"] == format_number(s.result) == format_number(t.output.ravel()[k])
        if mode == "max":
            assert v["winner"] == s.winner[0] * s.values.shape[1] + s.winner[1]
            assert v["winner"] == exp["winners"][k]
            assert v["equation"] == [f"max({', '.join(texts)}) = {format_number(s.result)}"]
        else:
            assert v["winner"] == -1
            assert v["equation"] == [
                f"({' + '.join(addends(texts))}) / {s.values.size} = {format_number(s.result)}"]
    payload_json(p)


# --------------------------------------------------------------------------- size


def payload_size_bytes(payload) -> int:
    """Bytes the payload adds to the page: its compact JSON text, quoted again
    inside Streamlit's own JSON message (so its quotes are escaped)."""
    return len(json.dumps(payload_json(payload)).encode())


def _eight_bit(shape):
    return RNG.integers(0, 256, size=shape) / 255


@pytest.mark.parametrize("kernel", ["sobel", "gauss5", "random3"])
@pytest.mark.parametrize("colour", [False, True])
def test_payload_32x32_is_under_200_kb(kernel, colour):
    x = _eight_bit((32, 32, 3) if colour else (32, 32))
    k2 = {"sobel": SOBEL, "gauss5": GAUSS5, "random3": RNG.normal(size=(3, 3))}[kernel]
    k = np.stack([k2, -k2, k2.T], axis=-1) if colour else k2
    t = ConvTrace(x, k, 0.1, padding="same", activation="relu")
    p = build_conv_payload(t)
    assert payload_size_bytes(p) < 200 * 1024, payload_size_bytes(p)


def test_payload_32x32_photo_crop_is_small():
    from cnnviz.data.images import load_image

    photo = load_image((ROOT / "assets" / "chelsea.png").read_bytes())
    crop, _ = crop_for_animation(photo, 32)
    t = ConvTrace(crop, np.stack([SOBEL] * 3, -1), padding=1)
    assert payload_size_bytes(build_conv_payload(t)) < 100 * 1024


def test_payload_json_is_compact():
    p = build_conv_payload(ConvTrace(np.ones((5, 5)), np.ones((3, 3))))
    assert payload_json(p) == json.dumps(p, separators=(",", ":"))  # compact: no spaces


def test_64x64_builds():
    t = ConvTrace(_eight_bit((64, 64, 3)), np.stack([SOBEL] * 3, -1), padding=1)
    p = build_conv_payload(t)
    assert p["n_steps"] == 4096
    assert payload_size_bytes(p) < 400 * 1024


# --------------------------------------------------------------------------- crop / downscale


def test_crop_centre_and_edges():
    img = np.arange(100.0 * 3).reshape(10, 10, 3)
    piece, where = crop_for_animation(img, 4)
    assert piece.shape == (4, 4, 3)
    assert where == Placement(3, 3, 4, 4, (1.0, 1.0))
    np.testing.assert_array_equal(piece, img[3:7, 3:7])
    piece, where = crop_for_animation(img, (3, 5), center=(9, 0))
    assert (where.top, where.left, where.height, where.width) == (7, 0, 3, 5)
    np.testing.assert_array_equal(piece, img[7:10, 0:5])
    piece, where = crop_for_animation(np.ones((2, 50)), 8)
    assert piece.shape == (2, 8) and where.height == 2  # smaller image kept whole


@pytest.mark.parametrize("size", [2, 65, (3, 100), 0])
def test_size_is_validated(size):
    with pytest.raises(ValueError, match="size must be"):
        crop_for_animation(np.ones((80, 80)), size)
    with pytest.raises(ValueError, match="size must be"):
        downscale_for_animation(np.ones((80, 80)), size)


def test_crop_bad_center_and_image():
    with pytest.raises(ValueError, match="center must lie"):
        crop_for_animation(np.ones((10, 10)), 4, center=(10, 0))
    with pytest.raises(ValueError, match="image must be"):
        crop_for_animation(np.ones(10), 4)


def test_downscale_box_mean_and_placement():
    img = RNG.normal(size=(40, 60))
    small, where = downscale_for_animation(img, 10)
    assert small.shape == (7, 10)
    assert (where.top, where.left, where.height, where.width) == (0, 0, 40, 60)
    assert where.scale == pytest.approx((40 / 7, 6.0))
    block, _ = downscale_for_animation(img[:40, :40], 10)
    np.testing.assert_allclose(block, img[:40, :40].reshape(10, 4, 10, 4).mean(axis=(1, 3)),
                               atol=1e-5)


def test_downscale_keeps_eight_bit_and_colour():
    img = _eight_bit((90, 120, 3))
    small, where = downscale_for_animation(img, 32)
    assert small.shape == (24, 32, 3)
    np.testing.assert_allclose(small * 255, np.round(small * 255), atol=1e-9)
    assert len(np.unique(small)) <= 256
    same, where = downscale_for_animation(img[:20, :20], 32)
    np.testing.assert_array_equal(same, img[:20, :20])
    assert where.scale == (1.0, 1.0)


# --------------------------------------------------------------------------- streamlit element


def test_animator_mounts_in_apptest():
    from streamlit.testing.v1 import AppTest

    def page():
        import numpy as np
        import streamlit as st

        from cnnviz.core.trace import ConvTrace
        from cnnviz.lessons.animation import build_conv_payload
        from cnnviz.ui.animator import animator

        t = ConvTrace(np.arange(25.0).reshape(5, 5), np.ones((3, 3)), padding=1)
        a = animator(build_conv_payload(t), key="one", start_step=7)
        b = animator(build_conv_payload(t), key="two")
        st.markdown(f"state {a.step} {a.row} {a.col} / {b.step}")

    at = AppTest.from_function(page)
    at.run()
    assert not at.exception
    assert at.markdown[0].value == "state 7 1 2 / 0"
    elements = at.get("bidi_component")
    assert len(elements) == 2
    data = json.loads(elements[0].proto.json)
    assert data["key"] == "one" and data["start"] == 7
    assert json.loads(data["payload"])["n_steps"] == 25


def test_a_value_that_rounds_up_to_1e15_is_written_as_format_number_writes_it():
    # 999999999999999.9 at 0 decimals is 1e15: format_number wrote it "1" and the
    # payload 1000000000000000.0; both now say "1e+15".
    v = 999999999999999.9
    assert format_number(v, 0) == "1e+15" and format_number(-v, 0) == "-1e+15"
    p = build_conv_payload(ConvTrace(np.full((2, 2), v), np.ones((1, 1))), digits=0)
    assert step_view(p, 0)["total"] == format_number(v, 0)
    payload_json(p)


@pytest.mark.parametrize("digits", range(5))
def test_payload_numbers_print_as_format_number_at_every_magnitude(digits):
    """The browser prints a payload number with String(); the app with format_number.

    From about 5e11 a float holds fewer than 4 decimals, and the fixed text used
    to print noise digits the browser did not (619615600136.5031 against .503).
    """
    from cnnviz.lessons.animation import _q1, _text

    rng = np.random.default_rng(digits)
    values = np.concatenate([rng.uniform(1, 10, 300) * 10.0 ** e for e in range(-6, 16)])
    values = np.concatenate([values, -values, [619615600136.503, 810356038425.789]])
    wrong = [(v, _text(_q1(v, digits)), format_number(v, digits)) for v in values
             if _text(_q1(v, digits)) != format_number(v, digits)]
    assert wrong == []
