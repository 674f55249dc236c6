"""Side by side: the note on why the two maps' sizes differ names only what changes the size."""

from __future__ import annotations

import numpy as np

from cnnviz.core.kernels import get_kernel
from cnnviz.lessons.compare import SideSpec, compare_sides

IMG = np.arange(64.0).reshape(8, 8)


def test_a_kernel_of_the_same_size_is_not_said_to_change_the_output_size():
    c = compare_sides(IMG, SideSpec(get_kernel("sobel_x"), "Sobel x", padding="valid"),
                      SideSpec(get_kernel("box_blur_3"), "Box blur", padding="same"))
    assert c.difference is None
    assert "kernel Sobel x vs Box blur, padding valid vs same" in c.mismatch
    assert "of these, only the padding changes the output size" in c.mismatch


def test_under_same_padding_a_larger_kernel_keeps_the_size_and_the_stride_changes_it():
    c = compare_sides(IMG, SideSpec(get_kernel("sobel_x"), "Sobel x", padding="same"),
                      SideSpec(np.ones((5, 5)), "5 × 5 ones", padding="same", stride=2))
    assert "of these, only the stride changes the output size" in c.mismatch


def test_when_every_difference_changes_the_size_the_note_says_so_once():
    c = compare_sides(IMG, SideSpec(get_kernel("sobel_x"), padding="valid"),
                      SideSpec(get_kernel("sobel_x"), padding="valid", stride=2))
    assert c.mismatch.endswith("The sides differ in stride 1 vs 2, which changes the output "
                               "size (the formulas below).")
    c = compare_sides(IMG, SideSpec(np.ones((3, 3)), "3 × 3", padding="valid"),
                      SideSpec(np.ones((5, 5)), "5 × 5", padding="valid", stride=2))
    assert "of these, the kernel size and the stride change the output size" not in c.mismatch
    assert "which change the output size" in c.mismatch
