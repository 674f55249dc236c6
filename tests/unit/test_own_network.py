"""What 'Your own network' shows (cnnviz.lessons.own_network): preprocessing, rows, top 5."""

from __future__ import annotations

import numpy as np
import pytest

from cnnviz.core.graph import Graph, Node, walk
from cnnviz.lessons import own_network as own


def _graph(shape, nodes=(), consts=None) -> Graph:
    nodes = nodes or (Node("Identity", "id", ("x",), ("y",)),)
    return Graph(tuple(nodes), consts or {}, "x", shape, ("y",))


def test_prepare_follows_the_network_and_the_users_choices() -> None:
    rgb = np.random.default_rng(0).random((10, 12, 3))
    # channels first, fixed size, grey: the colour is averaged, then resized
    p = own.prepare(rgb, _graph((1, 1, 5, 6)), own.Preprocessing())
    assert p.tensor.shape == (1, 1, 5, 6) and p.tensor.dtype == np.float32
    assert any("made grey" in n for n in p.notes) and any("resized" in n for n in p.notes)
    # channels last (Keras), open size: the user's size; 0–255 and mean/std per channel
    prep = own.Preprocessing(size=10, scale="0-255", mean=(1.0, 2.0, 3.0), std=(2.0,))
    p = own.prepare(rgb[:10, :10], _graph((None, None, None, 3)), prep)
    assert p.tensor.shape == (1, 10, 10, 3)
    np.testing.assert_allclose(p.tensor[0, 2, 3], (rgb[2, 3] * 255 - [1, 2, 3]) / 2, rtol=1e-6)
    # grey image into an RGB network: copied into three channels
    p = own.prepare(rgb[:, :, 0], _graph((1, 3, 10, 12)), own.Preprocessing())
    assert p.tensor.shape == (1, 3, 10, 12)
    np.testing.assert_array_equal(p.tensor[0, 0], p.tensor[0, 2])


@pytest.mark.parametrize(("prep", "match"), [
    (own.Preprocessing(mean=(0.0, 1.0)), "mean must be one number or 3"),
    (own.Preprocessing(std=(0.0,)), "std must not be 0"),
    (own.Preprocessing(size=0), "size must be 1 to 1024")])
def test_prepare_refuses_what_does_not_fit(prep, match) -> None:
    with pytest.raises(ValueError, match=match):
        own.prepare(np.zeros((4, 4, 3)), _graph((1, 3, None, None)), prep)


def test_rows_of_a_scalar_and_top_classes_without_softmax() -> None:
    nodes = (Node("Flatten", "f", ("x",), ("v",)),
             Node("Shape", "s", ("v",), ("sh",)),
             Node("Gather", "g", ("sh", "zero"), ("n",)),
             Node("Identity", "logits", ("v",), ("y",)))
    g = _graph((1, 1, 1, 3), nodes, {"zero": np.array(0, np.int64)})
    run = walk(g, np.array([[[[1.0, 3.0, 2.0]]]], np.float32))
    rows = own.layer_rows(run)
    assert [r["output shape"] for r in rows] == ["3", "2", "a number", "3"]
    top = own.top_classes(run, ("a", "b", "c"))
    assert [r.name for r in top] == ["b", "c", "a"]
    assert sum(r.probability for r in top) == pytest.approx(1)
    assert "without a Softmax" in own.prediction_note(run)


def test_first_filters_as_colour_patches() -> None:
    w = np.zeros((2, 3, 3, 3), np.float32)
    w[0, 0] = 1.0  # red only
    w[1, 2, :, 0], w[1, 2, :, 2] = -1.0, 1.0  # a blue vertical edge
    g = _graph((1, 3, 8, 8), (Node("Conv", "conv", ("x", "w"), ("y",)),), {"w": w})
    first = own.first_filters(g)
    assert first.pictures[0].shape == (3, 3, 3)
    np.testing.assert_allclose(first.pictures[0][1, 1], [1.0, 0.5, 0.5])  # red up, rest grey
    assert first.matches[1].preset in ("sobel_x", "vertical_edge")
    assert own.first_filters(_graph((1, 1, 4, 4))) is None
