"""A grid as LaTeX and Markdown for slides (cnnviz.lessons.export)."""

import numpy as np
import pytest

from cnnviz.lessons.export import bmatrix, markdown_table


def test_a_volume_gives_one_labelled_block_per_channel():
    volume = np.stack([np.full((2, 2), c) for c in (1, 2, 3)], axis=-1)
    text = bmatrix(volume)
    assert text.count("\\begin{bmatrix}") == 3
    assert [line for line in text.splitlines() if line.startswith("%")] == [
        "% channel R", "% channel G", "% channel B"]
    assert markdown_table(volume).count("**channel ") == 3


def test_numbers_are_written_as_on_screen():
    assert bmatrix([[-0.0, 1 / 3, 2.0]]) == "\\begin{bmatrix}\n0 & 0.333 & 2\n\\end{bmatrix}"
    assert markdown_table([[float("nan")]]).splitlines()[-1] == "| **0** | NaN |"


def test_a_vector_is_refused_by_name():
    with pytest.raises(ValueError, match="values must be a 2-D grid"):
        bmatrix([1, 2, 3])
