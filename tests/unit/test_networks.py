"""The network loaders (cnnviz.data.networks): formats, refusals, external data, fuzzing.

Every refusal is a NetworkError with a message naming the problem; hypothesis
feeds random bytes and mutated valid files, and nothing but NetworkError may
come out (nor from reading the layers and walking what loaded).
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from pathlib import Path

import numpy as np
import onnx
import pytest
import safetensors.numpy as stn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from onnx import TensorProto, helper, numpy_helper

from cnnviz.core.graph import NetworkError, walk
from cnnviz.data import networks
from cnnviz.data.networks import load_network, read_stack, stack_graph

ASSETS = Path(__file__).resolve().parents[2] / "assets"
SAMPLES = {name: (ASSETS / name).read_bytes()
           for name in ("digits_cnn.onnx", "digits_cnn.safetensors", "digits_cnn.npz")}


def _npz(**arrays: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


# --- refused formats ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["model.pt", "model.pth", "weights.pkl", "m.h5", "m.keras"])
def test_pickles_and_hdf5_are_refused_with_the_export_recipe(name: str) -> None:
    with pytest.raises(NetworkError) as err:
        load_network(b"\x80\x04anything", name)
    text = str(err.value)
    assert ("pickle" in text) == name.endswith((".pt", ".pth", ".pkl"))
    assert ("HDF5" in text) == name.endswith((".h5", ".keras"))
    for line in ('save_file(model.state_dict(), "my_cnn.safetensors")', "torch.onnx.export(",
                 "tf2onnx.convert.from_keras("):
        assert line in text


def test_unknown_extension_and_empty_and_too_large() -> None:
    with pytest.raises(NetworkError, match="reads .safetensors, .npz and .onnx"):
        load_network(b"x", "model.txt")
    with pytest.raises(NetworkError, match="empty"):
        load_network(b"", "m.onnx")
    with pytest.raises(NetworkError, match="limit is 50 MB"):
        load_network(bytes(networks.MAX_FILE_BYTES + 1), "m.npz")


# --- safetensors --------------------------------------------------------------------------


def _st_header(header: dict, payload: bytes) -> bytes:
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + payload


def test_bfloat16_gets_its_own_message() -> None:
    data = _st_header({"conv1.weight": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}},
                      b"\0" * 4)
    with pytest.raises(KeyError, match="BF16"):  # why the loader must map it
        stn.load(data)
    with pytest.raises(NetworkError, match="bfloat16"):
        load_network(data, "m.safetensors")


def test_bf16_key_error_from_the_library_is_mapped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even without the header check, safetensors' KeyError('BF16') becomes the app's error."""
    def boom(data: bytes):
        raise KeyError("BF16")
    monkeypatch.setattr(stn, "load", boom)
    ok = SAMPLES["digits_cnn.safetensors"]
    with pytest.raises(NetworkError, match="bfloat16"):
        load_network(ok, "m.safetensors")


def test_header_larger_than_the_file_and_truncation() -> None:
    with pytest.raises(NetworkError, match="larger than the file"):
        load_network(struct.pack("<Q", 10**9) + b"{}", "m.safetensors")
    ok = SAMPLES["digits_cnn.safetensors"]
    with pytest.raises(NetworkError, match="not a valid safetensors"):
        load_network(ok[:-10], "m.safetensors")
    with pytest.raises(NetworkError, match="truncated"):
        load_network(b"\1\0", "m.safetensors")


def test_nan_weights_are_refused() -> None:
    w = np.ones((2, 1, 3, 3), np.float32)
    w[0, 0, 1, 1] = np.nan
    net = load_network(stn.save({"conv1.weight": w}), "m.safetensors")
    with pytest.raises(NetworkError, match="conv1.weight holds NaN"):
        read_stack(net)


# --- npz ---------------------------------------------------------------------------------------


def test_digits_npz_lists_what_is_not_a_weight() -> None:
    net = load_network(SAMPLES["digits_cnn.npz"], "digits_cnn.npz")
    ignored = {a.name: a.reason for a in net.ignored}
    assert set(ignored) == {"seed", "h_steps", "h_loss", "h_train_acc", "h_epoch_steps",
                            "h_test_acc", "h_seconds"}
    assert ignored["seed"] == "int64: not a weight"
    assert "not part of a layer" in ignored["h_loss"]
    stack = read_stack(net)
    assert [layer.name for layer in stack.layers] == ["layer 1", "layer 4", "layer 8"]
    assert stack.layers[0].weight.shape == (8, 1, 3, 3)  # turned to out × in × f × f


def test_npz_object_arrays_are_never_unpickled() -> None:
    buf = io.BytesIO()
    np.savez(buf, evil=np.array([{"a": 1}], dtype=object))
    with pytest.raises(NetworkError, match="never unpickles"):
        load_network(buf.getvalue(), "m.npz")


def test_npz_uncompressed_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    buf = io.BytesIO()
    np.savez_compressed(buf, w=np.zeros((512, 1024), np.float32))  # 2 MB unpacked, tiny packed
    assert len(buf.getvalue()) < 20_000
    monkeypatch.setattr(networks, "MAX_NPZ_BYTES", 1 << 20)
    with pytest.raises(NetworkError, match="unpacks to 2 MB"):
        load_network(buf.getvalue(), "m.npz")


def test_npz_array_declaring_more_than_it_holds() -> None:
    header = np.lib.format.header_data_from_array_1_0(np.zeros(1, np.float32))
    header["shape"] = (10**9,)
    member = io.BytesIO()
    np.lib.format.write_array_header_1_0(member, header)
    member.write(b"\0" * 16)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("w.npy", member.getvalue())
    with pytest.raises(NetworkError, match="more than its"):
        load_network(buf.getvalue(), "m.npz")


def test_not_a_zip_and_truncated_zip() -> None:
    with pytest.raises(NetworkError, match="not an .npz"):
        load_network(b"hello", "m.npz")
    with pytest.raises(NetworkError):
        load_network(SAMPLES["digits_cnn.npz"][:200], "m.npz")


def test_shapes_that_do_not_chain() -> None:
    data = _npz(**{"conv1.weight": np.ones((8, 1, 3, 3), np.float32),
                   "conv2.weight": np.ones((16, 4, 3, 3), np.float32)})
    with pytest.raises(NetworkError, match="do not chain"):
        read_stack(load_network(data, "m.npz"))


def test_layout_detection_and_the_users_choice() -> None:
    keras = _npz(**{"conv2d/kernel:0": np.ones((5, 5, 3, 32), np.float32),
                    "conv2d/bias:0": np.zeros(32, np.float32),
                    "dense/kernel:0": np.ones((32 * 8 * 8, 10), np.float32),
                    "dense/bias:0": np.zeros(10, np.float32)})
    stack = read_stack(load_network(keras, "k.npz"))
    assert (stack.layout, stack.ambiguous, stack.flatten) == ("keras", False, "hwc")
    assert stack.layers[0].weight.shape == (32, 3, 5, 5)
    assert stack.input_shape == (3, 16, 16) and stack.settings[0].pool == 2
    both = _npz(**{"a.weight": np.ones((3, 3, 3, 3), np.float32),
                   "b.weight": np.ones((3, 3, 3, 3), np.float32)})
    net = load_network(both, "both.npz")
    assert read_stack(net).ambiguous and read_stack(net).layout == "pytorch"
    assert read_stack(net, "keras").layout == "keras"
    with pytest.raises(NetworkError, match="as keras weights"):
        read_stack(load_network(_npz(**{"c.weight": np.ones((8, 1, 3, 3), np.float32),
                                        "d.weight": np.ones((4, 8, 3, 3), np.float32)}),
                                "p.npz"), "keras")


def test_pytorch_batchnorm_and_global_pool_stack_walks() -> None:
    rng = np.random.default_rng(1)
    sd = {"features.0.weight": rng.standard_normal((4, 3, 3, 3)).astype(np.float32),
          "features.1.weight": np.ones(4, np.float32),
          "features.1.bias": np.zeros(4, np.float32),
          "features.1.running_mean": np.zeros(4, np.float32),
          "features.1.running_var": np.ones(4, np.float32),
          "features.1.num_batches_tracked": np.array(3, np.int64),
          "classifier.weight": rng.standard_normal((5, 4)).astype(np.float32),
          "classifier.bias": np.zeros(5, np.float32)}
    net = load_network(stn.save(sd), "m.safetensors")
    assert [a.name for a in net.ignored] == ["features.1.num_batches_tracked"]
    stack = read_stack(net)
    assert [layer.kind for layer in stack.layers] == ["conv", "batchnorm", "dense"]
    assert stack.global_pool and stack.input_shape == (3, 32, 32)
    graph = stack_graph(stack)
    run = walk(graph, rng.random((1, 3, 32, 32)).astype(np.float32))
    assert run.stopped is None and run.probabilities.shape == (5,)
    assert [s.node.op for s in run.steps] == ["Conv", "BatchNormalization", "Relu",
                                              "GlobalAveragePool", "Flatten", "Gemm", "Softmax"]


def test_too_many_layers(monkeypatch: pytest.MonkeyPatch) -> None:
    arrays = {f"conv{i}.weight": np.ones((1, 1, 1, 1), np.float32) for i in range(5)}
    monkeypatch.setattr(networks, "MAX_LAYERS", 4)
    with pytest.raises(NetworkError, match="at most 4"):
        read_stack(load_network(_npz(**arrays), "m.npz"))


# --- ONNX -----------------------------------------------------------------------------------


def _onnx_model(nodes, inits=(), opset=17, x_shape=(1, 1, 4, 4)) -> onnx.ModelProto:
    graph = helper.make_graph(nodes, "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                              initializer=list(inits))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def _external_tensor(name: str) -> onnx.TensorProto:
    t = numpy_helper.from_array(np.zeros(4, np.float32), name)
    t.ClearField("raw_data")
    t.data_location = TensorProto.EXTERNAL
    for key, value in (("location", "secret.bin"), ("offset", "0"), ("length", "16")):
        entry = t.external_data.add()
        entry.key, entry.value = key, value
    return t


def _with_external(where: str) -> onnx.ModelProto:
    relu = helper.make_node("Relu", ["x"], ["y"], name="relu")
    if where == "initializer":
        return _onnx_model([relu], [_external_tensor("w")])
    if where == "sparse_initializer":
        m = _onnx_model([relu])
        sparse = helper.make_sparse_tensor(_external_tensor("v"),
                                           numpy_helper.from_array(np.arange(4), "i"), [4])
        m.graph.sparse_initializer.append(sparse)
        return m
    const = helper.make_node("Constant", [], ["c"], name="const", value=_external_tensor("c"))
    if where == "node attribute":
        return _onnx_model([const, relu])
    if where == "subgraph":
        then = helper.make_graph([const], "then", [],
                                 [helper.make_tensor_value_info("c", TensorProto.FLOAT, [4])])
        cond = helper.make_node("If", ["x"], ["z"], name="if", then_branch=then,
                                else_branch=then)
        return _onnx_model([cond, relu])
    if where == "function":
        m = _onnx_model([relu])
        f = helper.make_function("local", "F", [], ["c"], [const],
                                 [helper.make_opsetid("", 17)])
        m.functions.append(f)
        return m
    raise AssertionError(where)


@pytest.mark.parametrize("where", ["initializer", "sparse_initializer", "node attribute",
                                   "subgraph", "function"])
def test_external_data_is_refused_before_any_conversion(
        where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = np.array([1.5, 2.5, 3.5, 4.5], np.float32)
    (tmp_path / "secret.bin").write_bytes(secret.tobytes())
    monkeypatch.chdir(tmp_path)
    # The guard matters: with a relative location, to_array reads the server's file.
    np.testing.assert_array_equal(numpy_helper.to_array(_external_tensor("t")), secret)
    calls = []
    real = numpy_helper.to_array
    monkeypatch.setattr(numpy_helper, "to_array", lambda *a, **k: calls.append(a) or real(*a, **k))
    with pytest.raises(NetworkError, match="external data"):
        load_network(_with_external(where).SerializeToString(), "m.onnx")
    assert calls == []  # refused before any tensor was converted


def test_onnx_cycle_missing_input_opset_and_damage() -> None:
    cyc = _onnx_model([helper.make_node("Relu", ["b"], ["a"], name="one"),
                       helper.make_node("Add", ["x", "a"], ["b"], name="two"),
                       helper.make_node("Relu", ["b"], ["y"], name="three")])
    with pytest.raises(NetworkError, match="cycle"):
        load_network(cyc.SerializeToString(), "m.onnx")
    missing = _onnx_model([helper.make_node("Add", ["x", "ghost"], ["y"], name="add")])
    with pytest.raises(NetworkError, match="'ghost', which no node"):
        load_network(missing.SerializeToString(), "m.onnx")
    old = _onnx_model([helper.make_node("Relu", ["x"], ["y"])], opset=9)
    with pytest.raises(NetworkError, match="opset 9"):
        load_network(old.SerializeToString(), "m.onnx")
    with pytest.raises(NetworkError, match="not a valid ONNX"):
        load_network(SAMPLES["digits_cnn.onnx"][:-7], "m.onnx")
    huge = _onnx_model([helper.make_node("Relu", ["x"], ["y"])], x_shape=(1, 3, 10**6, 10**6))
    with pytest.raises(NetworkError, match="at most 1024 a side"):
        load_network(huge.SerializeToString(), "m.onnx")


def test_onnx_bfloat16_and_nan_weights() -> None:
    relu = helper.make_node("Relu", ["x"], ["y"])
    bf = helper.make_tensor("w", TensorProto.BFLOAT16, [2], [1.0, 2.0])
    with pytest.raises(NetworkError, match="bfloat16"):
        load_network(_onnx_model([relu], [bf]).SerializeToString(), "m.onnx")
    nan = numpy_helper.from_array(np.array([np.nan], np.float32), "w")
    with pytest.raises(NetworkError, match="NaN"):
        load_network(_onnx_model([relu], [nan]).SerializeToString(), "m.onnx")


# --- fuzzing ------------------------------------------------------------------------------


def _use(data: bytes, name: str) -> None:
    """Load, read the layers, walk a blank input: only NetworkError may come out."""
    try:
        net = load_network(data, name)
        graph = net.graph
        if graph is None:
            graph = stack_graph(read_stack(net))
        shape = tuple(d or 1 for d in graph.input_shape)
        if np.prod(shape) <= 1 << 16:
            walk(graph, np.zeros(shape, np.float32))
    except NetworkError:
        pass


FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(data=st.binary(max_size=2000), ext=st.sampled_from([".onnx", ".safetensors", ".npz"]))
def test_random_bytes(data: bytes, ext: str) -> None:
    _use(data, "f" + ext)


@FUZZ
@given(name=st.sampled_from(sorted(SAMPLES)), cuts=st.lists(
    st.tuples(st.integers(0, 40_000), st.integers(0, 255)), min_size=1, max_size=6),
    truncate=st.one_of(st.none(), st.integers(0, 40_000)))
def test_mutated_valid_files(name: str, cuts: list[tuple[int, int]],
                             truncate: int | None) -> None:
    data = bytearray(SAMPLES[name])
    for pos, byte in cuts:
        data[pos % len(data)] = byte
    if truncate is not None:
        data = data[:truncate]
    _use(bytes(data), name)
