"""Export the app's digit CNN as ``assets/digits_cnn.safetensors`` and ``assets/digits_cnn.onnx``.

The weights are the shipped ones (``assets/digits_cnn.npz``, made by
``bench/train_digits.py --seed 0``). The two files are what a student's own
exports look like, so that "Your own network" has a sample of each format:

- ``digits_cnn.safetensors``: a PyTorch-style state dict (``conv1.weight``
  ``out × in × f × f``, ``fc.weight`` ``out × in``), its dense rows reordered for
  PyTorch's ``C × H × W`` flattening; the class names in its metadata;
- ``digits_cnn.onnx`` (opset 17): Conv → Relu → MaxPool → Conv → Relu → MaxPool →
  Transpose (to ``H × W × C``, the app's flattening) → Flatten → Gemm → Softmax,
  built with ``onnx.helper`` (no PyTorch); the class names in its metadata.

Usage::

    python tools/export_digits.py            # writes both files into assets/
    python tools/export_digits.py --out DIR
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cnnviz.lessons.digits import load_model  # noqa: E402

CLASSES = [str(d) for d in range(10)]


def state_dict() -> dict[str, np.ndarray]:
    """The shipped weights as PyTorch names and layouts (float32, contiguous)."""
    p = load_model().params
    w8 = p["W8"].reshape(7, 7, 16, 10).transpose(2, 0, 1, 3).reshape(784, 10)  # rows h,w,c → c,h,w
    out = {"conv1.weight": p["W1"].transpose(3, 2, 0, 1), "conv1.bias": p["b1"],
           "conv2.weight": p["W4"].transpose(3, 2, 0, 1), "conv2.bias": p["b4"],
           "fc.weight": w8.T, "fc.bias": p["b8"]}
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in out.items()}


def safetensors_bytes() -> bytes:
    """The state dict as safetensors, with the class names as metadata."""
    from safetensors.numpy import save
    return save(state_dict(), metadata={"class_names": json.dumps(CLASSES)})


def onnx_model():
    """The digit network as an ONNX graph (opset 17), made with ``onnx.helper``."""
    from onnx import TensorProto, helper, numpy_helper
    p = load_model().params
    inits = [numpy_helper.from_array(np.ascontiguousarray(v, dtype=np.float32), name)
             for name, v in {"conv1.weight": p["W1"].transpose(3, 2, 0, 1), "conv1.bias": p["b1"],
                             "conv2.weight": p["W4"].transpose(3, 2, 0, 1), "conv2.bias": p["b4"],
                             "fc.weight": p["W8"], "fc.bias": p["b8"]}.items()]
    pool = {"kernel_shape": [2, 2], "strides": [2, 2]}
    nodes = [
        helper.make_node("Conv", ["image", "conv1.weight", "conv1.bias"], ["c1"], name="conv1",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", **pool),
        helper.make_node("Conv", ["p1", "conv2.weight", "conv2.bias"], ["c2"], name="conv2",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        helper.make_node("MaxPool", ["r2"], ["p2"], name="pool2", **pool),
        helper.make_node("Transpose", ["p2"], ["t"], name="to_hwc", perm=[0, 2, 3, 1]),
        helper.make_node("Flatten", ["t"], ["f"], name="flatten", axis=1),
        helper.make_node("Gemm", ["f", "fc.weight", "fc.bias"], ["logits"], name="fc"),
        helper.make_node("Softmax", ["logits"], ["probabilities"], name="softmax", axis=-1),
    ]
    graph = helper.make_graph(
        nodes, "digits_cnn",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 1, 28, 28])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 10])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="cnnviz tools/export_digits.py")
    model.ir_version = 8
    helper.set_model_props(model, {"class_names": json.dumps(CLASSES)})
    return model


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "assets")
    args = parser.parse_args(argv)
    import onnx
    model = onnx_model()
    onnx.checker.check_model(model)
    args.out.mkdir(parents=True, exist_ok=True)
    st_path, onnx_path = args.out / "digits_cnn.safetensors", args.out / "digits_cnn.onnx"
    st_path.write_bytes(safetensors_bytes())
    onnx_path.write_bytes(model.SerializeToString())
    print(f"wrote {st_path} ({st_path.stat().st_size:,} bytes) and {onnx_path} "
          f"({onnx_path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
