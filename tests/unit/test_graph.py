"""The graph walker (cnnviz.core.graph) against onnxruntime, an independent runtime.

Every intermediate output of every node is compared (rtol 1e-4, atol 1e-5) on
the shipped sample network and on small models built here with onnx.helper:
stride + asymmetric padding + dilation; depthwise (groups = channels) with a
1×1 and a residual Add; BatchNormalization with average pooling. onnxruntime
is a test dependency only (requirements-dev.txt); the app never imports it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from onnx import TensorProto, helper, numpy_helper

from cnnviz.core import nn
from cnnviz.core.graph import (
    Graph,
    Node,
    conv_weight_params,
    occlusion,
    walk,
)
from cnnviz.data.networks import load_network
from cnnviz.lessons.digits import load_model

ASSETS = Path(__file__).resolve().parents[2] / "assets"
RNG = np.random.default_rng(21)


def _w(*shape: int, scale: float = 0.5) -> np.ndarray:
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def _model(nodes, inits, x_shape, out_name, opset) -> onnx.ModelProto:
    graph = helper.make_graph(
        nodes, "t", [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
        [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, [None, None])],
        initializer=[numpy_helper.from_array(v, k) if isinstance(v, np.ndarray) else v
                     for k, v in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def _ort_all(model: onnx.ModelProto, x: np.ndarray) -> dict[str, np.ndarray]:
    """Every node output, from onnxruntime (each made a graph output)."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    inferred = onnx.shape_inference.infer_shapes(model).graph.value_info
    types = {v.name: v.type.tensor_type.elem_type for v in inferred}
    have = {o.name for o in m.graph.output}
    for node in m.graph.node:
        for out in node.output:
            if out and out not in have:
                m.graph.output.append(helper.make_tensor_value_info(
                    out, types.get(out, TensorProto.FLOAT), None))
                have.add(out)
    sess = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(names, {sess.get_inputs()[0].name: x}), strict=True))


def _compare(model: onnx.ModelProto, x: np.ndarray, *, name: str = "m.onnx") -> list:
    graph = load_network(model.SerializeToString(), name).graph
    run = walk(graph, x)
    assert run.stopped is None, run.stopped
    assert len(run.steps) == len(model.graph.node)
    want = _ort_all(model, x)
    for step in run.steps:
        ref = want[step.node.outputs[0]]
        assert step.output.shape == ref.shape, step.node.name
        np.testing.assert_allclose(step.output, ref, rtol=1e-4, atol=1e-5,
                                   err_msg=f"{step.node.op} {step.node.name}")
    return list(run.steps)


@pytest.mark.parametrize("opset", [11, 13, 17, 21])
def test_stride_padding_dilation(opset: int) -> None:
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="c1", strides=[2, 1],
                         pads=[1, 2, 0, 1], dilations=[2, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c1"], ["r1"], name="r1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="p1", kernel_shape=[3, 3],
                         strides=[2, 2], pads=[1, 1, 1, 1]),
        helper.make_node("Conv", ["p1", "w2"], ["c2"], name="c2", strides=[2, 2],
                         auto_pad="SAME_UPPER"),
        helper.make_node("LeakyRelu", ["c2"], ["l2"], name="l2", alpha=0.2),
        helper.make_node("MaxPool", ["l2"], ["p2"], name="p2", kernel_shape=[2, 2],
                         strides=[2, 2], ceil_mode=1),
        helper.make_node("Sigmoid", ["p2"], ["s2"], name="s2"),
        helper.make_node("Flatten", ["s2"], ["f"], name="f"),
        helper.make_node("Gemm", ["f", "wd", "bd"], ["g"], name="g", transB=1, alpha=0.7),
        helper.make_node("Tanh", ["g"], ["t"], name="t"),
        helper.make_node("Softmax", ["t"], ["y"], name="y", axis=1),
    ]
    x = RNG.random((1, 3, 23, 19)).astype(np.float32)
    # 23 → c1: (23 + 1 - 5)//2 + 1 = 10; 19 → (19 + 3 - 3) + 1 = 20
    # p1: (10+2-3)//2+1 = 5, (20+2-3)//2+1 = 10; c2 SAME s2: 3, 5; p2 ceil: 2, 3
    inits = {"w1": _w(4, 3, 3, 3), "b1": _w(4), "w2": _w(5, 4, 2, 2), "wd": _w(7, 30),
             "bd": _w(7)}
    steps = _compare(_model(nodes, inits, [1, 3, 23, 19], "y", opset), x)
    conv = steps[0]
    assert conv.output.shape == (1, 4, 10, 20)
    assert conv.settings["stride"] == (2, 1) and conv.settings["dilation"] == (2, 1)
    assert conv.settings["padding"] == ((1, 0), (2, 1))
    assert [f.n_out for f in conv.formulas] == [10, 20]
    assert conv.params == (3 * 3 * 3 + 1) * 4
    assert steps[8].params == 30 * 7 + 7


@pytest.mark.parametrize("opset", [13, 18])
def test_depthwise_pointwise_residual(opset: int) -> None:
    c = 6
    if opset >= 18:
        reduce = helper.make_node("ReduceMean", ["cat", "axes"], ["gap"], name="gap",
                                  keepdims=0)
        extra = {"axes": np.array([2, 3], np.int64)}
    else:
        reduce = helper.make_node("ReduceMean", ["cat"], ["gap"], name="gap", axes=[2, 3],
                                  keepdims=0)
        extra = {}
    nodes = [
        helper.make_node("Conv", ["x", "w0", "b0"], ["a"], name="stem", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["a"], ["ra"], name="ra"),
        helper.make_node("Conv", ["ra", "wd", "bdw"], ["d"], name="depthwise", group=c,
                         pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["d"], ["rd"], name="rd"),
        helper.make_node("Conv", ["rd", "wp", "bp"], ["p"], name="pointwise"),
        helper.make_node("Add", ["ra", "p"], ["res"], name="residual"),
        helper.make_node("Concat", ["ra", "res"], ["cat"], name="cat", axis=1),
        reduce,
        helper.make_node("MatMul", ["gap", "wm"], ["mm"], name="mm"),
        helper.make_node("Identity", ["mm"], ["id"], name="id"),
        helper.make_node("Softmax", ["id"], ["y"], name="y"),
    ]
    inits = {"w0": _w(c, 3, 3, 3), "b0": _w(c), "wd": _w(c, 1, 3, 3), "bdw": _w(c),
             "wp": _w(c, c, 1, 1), "bp": _w(c), "wm": _w(2 * c, 5), **extra}
    x = RNG.random((1, 3, 12, 14)).astype(np.float32)
    steps = _compare(_model(nodes, inits, [1, 3, 12, 14], "y", opset), x)
    dw = steps[2]
    assert dw.settings["groups"] == c
    assert (dw.params, dw.params_formula) == (3 * 3 * 1 * c + c, "(3·3·6/6)·6 + 6")
    assert steps[4].params == (1 * 1 * c + 1) * c
    assert steps[8].params == 2 * c * 5
    assert steps[7].output.shape == (1, 2 * c)


@pytest.mark.parametrize("opset", [12, 15, 19])
def test_batchnorm_average_pooling(opset: int) -> None:
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c", "g", "beta", "mu", "var"], ["bn"],
                         name="bn", epsilon=1e-3),
        helper.make_node("Relu", ["bn"], ["r"], name="relu"),
        helper.make_node("AveragePool", ["r"], ["ap"], name="avg_exclude_pad",
                         kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
        helper.make_node("AveragePool", ["ap"], ["ap2"], name="avg_include_pad",
                         kernel_shape=[2, 2], strides=[1, 1], pads=[1, 0, 0, 1],
                         count_include_pad=1),
        helper.make_node("GlobalAveragePool", ["ap2"], ["gap"], name="gap"),
        helper.make_node("Reshape", ["gap", "shape"], ["flat"], name="reshape"),
        helper.make_node("Gemm", ["flat", "wd", "bd"], ["logits"], name="fc"),
        helper.make_node("Dropout", ["logits"], ["drop"], name="dropout"),
        helper.make_node("Softmax", ["drop"], ["y"], name="y"),
    ]
    k = 5
    inits = {"w": _w(k, 1, 3, 3), "b": _w(k), "g": _w(k) + 1, "beta": _w(k), "mu": _w(k),
             "var": np.abs(_w(k)) + 0.1, "shape": np.array([1, -1], np.int64),
             "wd": _w(k, 3), "bd": _w(3)}
    x = RNG.random((1, 1, 11, 9)).astype(np.float32)
    steps = _compare(_model(nodes, inits, [1, 1, 11, 9], "y", opset), x)
    assert steps[1].params == 2 * k
    assert steps[3].output.shape == (1, k, 6, 5)


@pytest.mark.parametrize("opset", [11, 13, 18])
def test_relu6_arithmetic_and_the_view_flatten_pattern(opset: int) -> None:
    """MobileNet's ReLU6 (Clip), normalisation inside the model (Sub, Div, Mul), and
    PyTorch's x.view(x.size(0), -1) (Shape → Gather → Unsqueeze → Concat → Reshape)."""
    if opset >= 13:
        unsq = helper.make_node("Unsqueeze", ["n", "ax0"], ["n1"], name="unsq")
        squeeze = helper.make_node("Squeeze", ["u", "ax1"], ["sq"], name="squeeze")
        unsq2 = helper.make_node("Unsqueeze", ["flat", "ax1"], ["u"], name="unsq2")
    else:
        unsq = helper.make_node("Unsqueeze", ["n"], ["n1"], name="unsq", axes=[0])
        squeeze = helper.make_node("Squeeze", ["u"], ["sq"], name="squeeze", axes=[1])
        unsq2 = helper.make_node("Unsqueeze", ["flat"], ["u"], name="unsq2", axes=[1])
    nodes = [
        helper.make_node("Sub", ["x", "mean"], ["xs"], name="sub_mean"),
        helper.make_node("Div", ["xs", "std"], ["xn"], name="div_std"),
        helper.make_node("Conv", ["xn", "w", "b"], ["c"], name="conv", strides=[2, 2]),
        helper.make_node("Clip", ["c", "lo", "hi"], ["r6"], name="relu6"),
        helper.make_node("Mul", ["r6", "scale"], ["m"], name="scale"),
        helper.make_node("Shape", ["m"], ["shape"], name="shape"),
        helper.make_node("Gather", ["shape", "zero"], ["n"], name="gather", axis=0),
        unsq,
        helper.make_node("Concat", ["n1", "minus1"], ["target"], name="target", axis=0),
        helper.make_node("Reshape", ["m", "target"], ["flat"], name="view"),
        unsq2,
        squeeze,
        helper.make_node("Gemm", ["sq", "wd"], ["logits"], name="fc", transB=1),
        helper.make_node("Softmax", ["logits"], ["y"], name="y", axis=1),
    ]
    inits = {"mean": np.array([0.5], np.float32).reshape(1, 1, 1, 1),
             "std": np.array([0.25], np.float32).reshape(1, 1, 1, 1),
             "w": _w(3, 1, 3, 3), "b": _w(3), "lo": np.array(0.0, np.float32),
             "hi": np.array(6.0, np.float32), "scale": _w(1, 3, 1, 1),
             "zero": np.array(0, np.int64), "minus1": np.array([-1], np.int64),
             "ax0": np.array([0], np.int64), "ax1": np.array([1], np.int64),
             "wd": _w(4, 3 * 4 * 4)}
    if opset < 13:
        del inits["ax0"], inits["ax1"]
    x = (RNG.random((1, 1, 9, 9)) * 4).astype(np.float32)
    steps = _compare(_model(nodes, inits, [1, 1, 9, 9], "y", opset), x)
    assert steps[3].output.max() <= 6.0 and steps[3].output.min() >= 0.0
    assert steps[9].output.shape == (1, 48)


def test_sample_network_every_output_and_the_numpy_network() -> None:
    """The shipped ONNX export: onnxruntime agrees at every node, NumPy's network to 1e-6."""
    model = onnx.load_model_from_string((ASSETS / "digits_cnn.onnx").read_bytes())
    from cnnviz.data.digits import load_digits
    digits = load_digits().x[:20]
    trained = load_model()
    want = nn.predict(trained.params, trained.spec, digits[..., None])
    graph = load_network((ASSETS / "digits_cnn.onnx").read_bytes(), "digits_cnn.onnx").graph
    for i in range(3):
        _compare(model, digits[i][None, None])
    for i, digit in enumerate(digits):
        probs = walk(graph, digit[None, None]).probabilities
        np.testing.assert_allclose(probs, want[i], rtol=0, atol=1e-6)
    assert graph.class_names == tuple("0123456789")


def test_sample_safetensors_matches_the_numpy_network() -> None:
    from cnnviz.data.networks import read_stack, stack_graph
    loaded = load_network((ASSETS / "digits_cnn.safetensors").read_bytes(), "x.safetensors")
    stack = read_stack(loaded)
    assert (stack.layout, stack.ambiguous, stack.input_shape) == ("pytorch", False, (1, 28, 28))
    graph = stack_graph(stack)
    x = np.random.default_rng(0).random((28, 28)).astype(np.float32)
    trained = load_model()
    want = nn.predict(trained.params, trained.spec, x[None, :, :, None])[0]
    np.testing.assert_allclose(walk(graph, x[None, None]).probabilities, want, atol=1e-6)


def test_unsupported_operator_stops_the_walk_with_its_name() -> None:
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("Elu", ["r"], ["e"], name="elu"),
        helper.make_node("Flatten", ["e"], ["y"], name="flat"),
    ]
    model = _model(nodes, {"w": _w(2, 1, 3, 3)}, [1, 1, 6, 6], "y", 17)
    graph = load_network(model.SerializeToString(), "m.onnx").graph
    run = walk(graph, np.ones((1, 1, 6, 6), np.float32))
    assert [s.node.op for s in run.steps] == ["Conv", "Relu"]
    assert "Elu" in run.stopped and run.stopped_at.name == "elu"
    assert run.probabilities is None


def test_shapes_that_do_not_fit_stop_the_walk_with_a_message() -> None:
    w = np.ones((2, 3, 3, 3), np.float32)  # 3 input channels; the image has 1
    g = Graph((Node("Conv", "conv", ("x", "w"), ("y",), {}),), {"w": w}, "x",
              (1, 1, 5, 5), ("y",))
    run = walk(g, np.ones((1, 1, 5, 5), np.float32))
    assert run.steps == () and "channels" in run.stopped and "conv" in run.stopped
    big = Graph((Node("Conv", "conv", ("x", "w"), ("y",), {}),),
                {"w": np.ones((1, 1, 9, 9), np.float32)}, "x", (1, 1, 5, 5), ("y",))
    assert "larger than the padded input" in walk(big, np.ones((1, 1, 5, 5))).stopped


def test_walk_stops_at_the_node_limit() -> None:
    nodes = tuple(Node("Relu", f"r{i}", (f"t{i}",), (f"t{i + 1}",), {}) for i in range(5))
    g = Graph(nodes, {}, "t0", (1, 1, 2, 2), ("t5",))
    run = walk(g, np.ones((1, 1, 2, 2)), max_nodes=3)
    assert len(run.steps) == 3 and "limit" in run.stopped


def test_conv_param_formula_is_the_lectures_for_one_group() -> None:
    assert conv_weight_params((64, 3, 3, 3)) == ((3 * 3 * 3 + 1) * 64, "(3·3·3 + 1)·64")
    assert conv_weight_params((64, 3, 5, 5), bias=False) == (5 * 5 * 3 * 64, "(5·5·3)·64")
    assert conv_weight_params((8, 2, 3, 3), groups=4) == (3 * 3 * 2 * 8 + 8,
                                                          "(3·3·8/4)·8 + 8")


def test_occlusion_hides_what_the_class_depends_on() -> None:
    """A network that only looks at the top-left corner: occluding elsewhere changes nothing."""
    w = np.zeros((2, 1, 1, 1), np.float32)
    w[0, 0, 0, 0], w[1, 0, 0, 0] = 1.0, -1.0
    nodes = (Node("Conv", "c", ("x", "w"), ("c",), {}),
             Node("Add", "a", ("c", "zero"), ("m",), {}),
             Node("MaxPool", "p", ("m",), ("p",), {"kernel_shape": (2, 2), "strides": (8, 8)}),
             Node("Flatten", "f", ("p",), ("f",), {}),
             Node("Softmax", "s", ("f",), ("y",), {"axis": -1}))
    g = Graph(nodes, {"w": w, "zero": np.zeros((1, 2, 8, 8), np.float32)}, "x",
              (1, 1, 8, 8), ("y",))
    x = np.ones((1, 1, 8, 8), np.float32)
    heat = occlusion(g, x, 0, patch=2, stride=2, fill=0.0)
    assert heat.shape == (4, 4)
    before = 1 / (1 + np.exp(-2.0))  # softmax([1, -1])[0]
    assert heat[0, 0] == pytest.approx(before - 0.5, abs=1e-6)  # hidden: softmax([0, 0])
    assert np.allclose(heat.ravel()[1:], 0)
    assert occlusion(g, x, 0, patch=2, stride=2, fill=0.0, should_stop=lambda: True) is None
    reports: list[float] = []
    occlusion(g, x, 0, patch=1, stride=1, fill=0.0, progress=reports.append)  # 64 places
    assert reports == sorted(reports) and reports[-1] == 1.0 and len(reports) <= 64
    big = Graph(nodes, {"w": w, "zero": np.zeros((1, 2, 16, 16), np.float32)}, "x",
                (1, 1, 16, 16), ("y",))
    reports.clear()
    occlusion(big, np.ones((1, 1, 16, 16), np.float32), 0, patch=1, stride=1, fill=0.0,
              progress=reports.append)  # 256 places, about a hundred reports
    assert 90 <= len(reports) <= 101 and reports[-1] == 1.0


def test_order_nodes_sorts_a_long_reversed_chain() -> None:
    """Kahn's algorithm: a 5,000-node chain stored backwards comes out in running order."""
    from cnnviz.core.graph import order_nodes
    nodes = [Node("Relu", f"r{i}", (f"t{i}",), (f"t{i + 1}",)) for i in range(5000)][::-1]
    assert [n.name for n in order_nodes(nodes, ["t0"])] == [f"r{i}" for i in range(5000)]


@pytest.mark.parametrize("axis", [-1, -3, 0, 2, 4])
def test_flatten_axis_including_negative(axis: int) -> None:
    """axis = -1 keeps all but the last axis in the rows (it read as 4 before: wrong)."""
    model = _model([helper.make_node("Flatten", ["x"], ["y"], name="f", axis=axis)], {},
                   [1, 2, 3, 4], "y", 17)
    _compare(model, RNG.random((1, 2, 3, 4)).astype(np.float32))


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_random_conv_and_pool_agree_with_onnxruntime(data) -> None:
    """Random geometry (stride, asymmetric pads, dilation, groups, ceil_mode, count_include_pad)."""
    c = data.draw(st.sampled_from([1, 2, 4]))
    groups = data.draw(st.sampled_from([g for g in (1, 2, 4) if c % g == 0]))
    m = groups * data.draw(st.integers(1, 2))
    k = data.draw(st.integers(1, 4))
    d = data.draw(st.integers(1, 2))
    s = data.draw(st.integers(1, 3))
    pads = data.draw(st.lists(st.integers(0, 2), min_size=4, max_size=4))
    h = data.draw(st.integers(d * (k - 1) + 1, 12))
    w = data.draw(st.integers(d * (k - 1) + 1, 12))
    conv = helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", group=groups,
                            strides=[s, s], dilations=[d, d], pads=pads)
    oh = (h + pads[0] + pads[2] - d * (k - 1) - 1) // s + 1
    ow = (w + pads[1] + pads[3] - d * (k - 1) - 1) // s + 1
    pk = data.draw(st.integers(1, max(1, min(3, oh, ow))))
    ps = data.draw(st.integers(1, 3))
    pp = data.draw(st.lists(st.integers(0, pk - 1), min_size=4, max_size=4))
    kind = data.draw(st.sampled_from(["MaxPool", "AveragePool"]))
    extra = {"count_include_pad": data.draw(st.integers(0, 1))} if kind == "AveragePool" else {}
    ceil = data.draw(st.integers(0, 1)) if kind == "MaxPool" else 0
    pool = helper.make_node(kind, ["c"], ["y"], name="pool", kernel_shape=[pk, pk],
                            strides=[ps, ps], pads=pp, ceil_mode=ceil, **extra)
    inits = {"w": _w(m, c // groups, k, k), "b": _w(m)}
    graph = helper.make_graph(
        [conv, pool], "t", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, h, w])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, None, None, None])],
        initializer=[numpy_helper.from_array(v, n) for n, v in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    _compare(model, RNG.standard_normal((1, c, h, w)).astype(np.float32))
