"""'Your own network' under AppTest: each sample format uploaded, its layers walked, shapes
and parameter counts checked; refused files keep the previous network; occlusion and saliency."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cnnviz.ui import own_network as ui

from .conftest import exceptions, page_text, pictures

ASSETS = Path(__file__).resolve().parents[2] / "assets"
PAGE = "pages/own_network.py"

# The digit network: 80 + 1,168 + 7,850 = 9,098 parameters (README, the digits page).
ONNX_ROWS = [
    ("Conv", "8 × 28 × 28", 80, "(3·3·1 + 1)·8"),
    ("Relu", "8 × 28 × 28", 0, "no parameters"),
    ("MaxPool", "8 × 14 × 14", 0, "no parameters"),
    ("Conv", "16 × 14 × 14", 1168, "(3·3·8 + 1)·16"),
    ("Relu", "16 × 14 × 14", 0, "no parameters"),
    ("MaxPool", "16 × 7 × 7", 0, "no parameters"),
    ("Transpose", "7 × 7 × 16", 0, "no parameters"),
    ("Flatten", "784", 0, "no parameters"),
    ("Gemm", "10", 7850, "784·10 + 10"),
    ("Softmax", "10", 0, "no parameters"),
]


def _rows(at) -> list[tuple]:
    table = _table(at, "operator")
    return [(r["operator"], r["output shape"], int(r["parameters"]), r["counted as"])
            for _, r in table.iterrows()]


def _table(at, column: str):
    """The table on the page with this column (the layers: "operator"; top 5: "class")."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _upload(at, name: str, data: bytes):
    # The network uploader's key gains a suffix each time a sample opens (it empties).
    uploader = next(u for u in at.file_uploader if str(u.key).startswith(ui.UPLOAD))
    uploader.set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, exceptions(at)
    return at


def test_page_opens_empty_with_a_hint(open_page) -> None:
    at = open_page(PAGE)
    assert "try the sample network" in page_text(at)
    assert at.button(key="own_sample").label == "Try the sample network"


def test_upload_onnx_sample_walks_every_layer(open_page) -> None:
    at = _upload(open_page(PAGE), "digits_cnn.onnx", (ASSETS / "digits_cnn.onnx").read_bytes())
    assert _rows(at) == ONNX_ROWS
    assert at.metric[0].value == "9,098"
    text = page_text(at)
    assert "[1] Conv “conv1”: output 8 × 28 × 28; n_H = (28 + 2·1 − 3)/1 + 1 = 28" in text
    assert "[3] MaxPool “pool1”: output 8 × 14 × 14; n_H = (28 + 2·0 − 2)/2 + 1 = 14" in text
    # the maps of the six N × C × H × W layers (not the Transpose), in the map element
    keys = [e.proto.id for e in pictures(at)]
    assert sum("own_maps_" in key for key in keys) == 6
    top5 = _table(at, "class")
    assert len(top5) == 5 and set(top5["class"]) <= set("0123456789")
    assert top5["probability"].is_monotonic_decreasing


@pytest.mark.parametrize(("name", "layout"), [("digits_cnn.safetensors", "PyTorch"),
                                              ("digits_cnn.npz", "Keras")])
def test_upload_named_arrays_detects_layout_and_walks(open_page, name: str,
                                                      layout: str) -> None:
    at = _upload(open_page(PAGE), name, (ASSETS / name).read_bytes())
    rows = _rows(at)
    convs = [r for r in rows if r[0] == "Conv"]
    assert [(r[1], r[2], r[3]) for r in convs] == [("8 × 28 × 28", 80, "(3·3·1 + 1)·8"),
                                                   ("16 × 14 × 14", 1168, "(3·3·8 + 1)·16")]
    assert [r[0] for r in rows].count("MaxPool") == 2
    gemm = next(r for r in rows if r[0] == "Gemm")
    assert gemm[2:] == (7850, "784·10 + 10")
    assert at.metric[0].value == "9,098"
    radio = next(r for r in at.radio if r.key.startswith("own_set_layout_"))
    assert radio.options[0].startswith(f"detected: {layout}")
    if name.endswith(".npz"):
        assert "Listed and not used" in page_text(at) and "seed (a number, int64" in page_text(at)


def test_refused_file_keeps_the_previous_network(open_page) -> None:
    at = open_page(PAGE)
    at.button(key="own_sample").click().run()
    assert _rows(at) == ONNX_ROWS
    _upload(at, "model.pth", b"\x80\x02}q\x00.")
    errors = " ".join(e.value for e in at.error)
    assert "pickle" in errors and "torch.onnx.export(" in errors
    assert "Still open: digits_cnn.onnx" in errors
    assert _rows(at) == ONNX_ROWS  # the previous network still walks
    _upload(at, "broken.onnx", (ASSETS / "digits_cnn.onnx").read_bytes()[:500])
    assert "not a valid ONNX file" in " ".join(e.value for e in at.error)
    assert _rows(at) == ONNX_ROWS


def test_stack_settings_change_the_walk(open_page) -> None:
    at = _upload(open_page(PAGE), "digits_cnn.npz", (ASSETS / "digits_cnn.npz").read_bytes())
    size = next(n for n in at.number_input if str(n.key).startswith("own_set_size_"))
    assert size.value == 28  # the default that makes the shapes chain
    size.set_value(32).run()
    assert not at.exception, exceptions(at)
    # 32 → 16 → 8: 8·8·16 = 1,024 values do not fit the dense layer's 784
    assert "do not chain" in " ".join(w.value for w in at.warning)
    assert "Gemm" not in [r[0] for r in _rows(at)]


def test_occlusion_and_saliency_on_the_sample(open_page) -> None:
    at = open_page(PAGE)
    at.button(key="own_sample").click().run()
    assert "Budget:" in page_text(at) and "multiply-adds" in page_text(at)
    keys = [e.proto.id for e in pictures(at)]
    assert any(key.endswith("-own_saliency") for key in keys)
    at.number_input(key="own_patch").set_value(7).run()
    at.number_input(key="own_stride").set_value(7).run()
    at.button(key="own_occ_start").click().run()
    assert not at.exception, exceptions(at)
    keys = [e.proto.id for e in pictures(at)] + [c.proto.id for c in at.get("plotly_chart")]
    assert any(key.endswith("-own_occlusion") for key in keys)


def test_editing_a_layers_settings_rewalks(open_page) -> None:
    """The settings table of a named stack is the user's: no pool after conv1 → 28 × 28 maps
    reach conv2, and 16·14·14 values no longer fit the dense layer's 784."""
    data = (ASSETS / "digits_cnn.safetensors").read_bytes()
    at = _upload(open_page(PAGE), "digits_cnn.safetensors", data)
    key = f"own_set_rows_{hashlib.sha256(data).hexdigest()[:8]}_pytorch"
    at.session_state[key] = {"edited_rows": {0: {"pool after": 0}}, "added_rows": [],
                             "deleted_rows": []}
    at.run()
    assert not at.exception, exceptions(at)
    rows = _rows(at)
    assert [r[:2] for r in rows[:3]] == [("Conv", "8 × 28 × 28"), ("Relu", "8 × 28 × 28"),
                                         ("Conv", "16 × 28 × 28")]
    assert "do not chain" in " ".join(w.value for w in at.warning)


def _rgb_onnx() -> bytes:
    """A small colour network with a free image size, a BN and global average pooling."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(5)
    inits = {"w": rng.standard_normal((6, 3, 5, 5)).astype(np.float32),
             "g": np.ones(6, np.float32), "be": np.zeros(6, np.float32),
             "mu": np.zeros(6, np.float32), "var": np.ones(6, np.float32),
             "fc": rng.standard_normal((6, 4)).astype(np.float32)}
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv1", strides=[2, 2],
                              pads=[2, 2, 2, 2]),
             helper.make_node("BatchNormalization", ["c", "g", "be", "mu", "var"], ["b"],
                              name="bn1"),
             helper.make_node("Relu", ["b"], ["r"], name="relu1"),
             helper.make_node("GlobalAveragePool", ["r"], ["p"], name="gap"),
             helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
             helper.make_node("MatMul", ["f", "fc"], ["y"], name="fc")]
    graph = helper.make_graph(
        nodes, "rgb", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                     ["N", 3, "H", "W"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])],
        initializer=[numpy_helper.from_array(v, k) for k, v in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    helper.set_model_props(model, {"class_names": "cat, dog, car, tree"})
    return model.SerializeToString()


def test_colour_network_with_an_open_size(open_page) -> None:
    at = _upload(open_page(PAGE), "rgb.onnx", _rgb_onnx())
    rows = _rows(at)
    # the default size 28: (28 + 4 − 5)/2 + 1 = 14.5 → 14
    assert rows[0][:3] == ("Conv", "6 × 14 × 14", (5 * 5 * 3) * 6)
    assert rows[1][2:] == (12, "2·6 (γ and β; the running mean and variance are measured, "
                                "not learned)")
    assert rows[-1][2:] == (24, "6·4")
    assert "n_H = (28 + 2·2 − 5)/2 + 1 = 14.5: a fraction, so round down" in page_text(at)
    titles = [e.proto.id for e in pictures(at)] + [c.proto.id for c in at.get("plotly_chart")]
    assert any(t.endswith("-own_filters_rgb") for t in titles)
    top5 = _table(at, "class")
    assert set(top5["class"]) == {"cat", "dog", "car", "tree"}
    assert "without a Softmax" in page_text(at)
    at.number_input(key="own_size").set_value(64).run()
    assert _rows(at)[0][1] == "6 × 32 × 32"


def test_a_link_with_the_image_source_is_kept_before_any_network(open_page) -> None:
    """The sidebar's image picker is drawn before the page waits for a network: a link's
    src/photo/channels were reported as 'not a setting of this page' before."""
    at = open_page(PAGE, query={"src": "Photo", "photo": "chelsea", "channels": "Colour"})
    assert "not a setting of this page" not in page_text(at)
    at.button(key="own_sample").click().run()
    assert "made grey" in page_text(at)  # the colour photo, made grey for the digit network


@pytest.mark.parametrize("sample", ["own_sample", "own_sample_npz"])
def test_random_widget_values_never_raise(open_page, sample: str) -> None:
    """The fuzz of tests/app/test_fuzz_pages.py with a network open (and the text boxes)."""
    import random

    from .test_fuzz_pages import _random_value, _widgets
    rng = random.Random(f"cnnviz-fuzz-own-{sample}")
    at = open_page(PAGE)
    at.button(key=sample).click().run()
    history = []
    for _ in range(24):
        widgets = _widgets(at) + [w for w in at.text_input if w.key and not w.disabled]
        widget = rng.choice(widgets)
        value = _random_value(rng, widget)
        if value is None:
            continue
        history.append((widget.key, value))
        if isinstance(value, tuple):
            widget.select_index(value[1]).run()
        else:
            widget.set_value(value).run()
        assert not at.exception, (history, exceptions(at))
    assert any(str(k).startswith("own_") for k, _ in history), history
