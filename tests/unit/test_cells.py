"""The one parser of editor cells (cnnviz.core.cells), used by every table on every page."""

import math

import numpy as np
import pandas as pd
import pytest

from cnnviz.core.cells import (
    is_blank,
    number_cell,
    number_table,
    parse_matrix,
    parse_number,
    whole_cell,
)
from cnnviz.core.kernels import kernel_from_table
from cnnviz.lessons.receptive_field import parse_layers
from cnnviz.lessons.shapes import parse_stack


@pytest.mark.parametrize("value", [None, "", "   ", float("nan"), np.float64("nan"), pd.NA, pd.NaT])
def test_blank_cells(value):
    assert is_blank(value)


@pytest.mark.parametrize("value", [0, 0.0, "0", "x", -1])
def test_filled_cells(value):
    assert not is_blank(value)


@pytest.mark.parametrize(
    "cell, text",
    [
        ("inf", "'inf'"),
        ("-Infinity", "'-Infinity'"),
        ("nan", "'nan'"),
        ("1/0", "'1/0'"),
        (float("inf"), "'inf'"),
        (float("nan"), "'nan'"),
    ],
)
def test_non_finite_cells_are_not_finite_numbers(cell, text):
    with pytest.raises(ValueError) as info:
        number_cell(cell, 3, 2, name="kernel")
    assert str(info.value) == f"kernel cell (row 3, column 2) is not a finite number: {text}"


@pytest.mark.parametrize(
    "cell, text",
    [
        ("1e400", "'1e400'"),  # overflows to inf in float()
        ("1e300/1e-300", "'1e300/1e-300'"),  # overflows in the division
        ("-1e308/1e-10", "'-1e308/1e-10'"),
        ("\u22121e400", "'\u22121e400'"),
        (10**400, "'1000…000'"),  # float() raises OverflowError
        (-(10**400), "'-100…000'"),
    ],
)
def test_numbers_too_large_for_a_float_are_out_of_range(cell, text):
    """As a link value of 1e400 is: finite as written, only beyond a float."""
    with pytest.raises(ValueError) as info:
        number_cell(cell, 3, 2, name="kernel")
    assert str(info.value) == ("kernel cell (row 3, column 2) is out of range "
                               f"(beyond about 1.8e308): {text}")


def test_messages_name_row_and_column_in_every_table():
    with pytest.raises(ValueError, match=r"kernel cell \(row 2, column 1\) is empty"):
        kernel_from_table([["1"], [pd.NA]])
    with pytest.raises(ValueError, match=r"^row 2 \(conv\): the s cell is not a finite number"):
        parse_layers([{"type": "conv", "k": 3}, {"type": "conv", "k": 3, "s": math.inf}])
    with pytest.raises(ValueError, match=r"^row 1 \(conv\): the f cell is not a finite number"):
        parse_stack([{"type": "conv", "filters/units": 1, "f": -math.inf}])


def test_parse_number_forms():
    assert parse_number(" 1/4 ") == 0.25
    assert parse_number("\u22122/4") == -0.5
    assert parse_number("1/0") == math.inf
    assert parse_number("") is None
    assert parse_number("1//2") is None


def test_number_table_matches_kernel_from_table():
    rows = [["1/9", 2], [" -0 ", "3e0"]]
    np.testing.assert_array_equal(number_table(rows, name="kernel"), kernel_from_table(rows))
    assert str(number_table([["-0"]])[0, 0]) == "0.0"


def test_whole_cell_defaults_and_errors():
    assert whole_cell(np.nan, "s", default=1) == 1
    assert whole_cell(4.0, "k") == 4
    with pytest.raises(ValueError, match="p must be at least 0, got -1"):
        whole_cell(-1, "p", minimum=0)
    with pytest.raises(ValueError, match="the k cell is empty"):
        whole_cell("  ", "k")


@pytest.mark.parametrize("text", ["1_0", "1_000.5", "２", "٣/2", "1/1_0", "-１"])
def test_a_cell_written_with_underscores_or_other_digits_is_not_a_number(text):
    """float() reads "1_0" as 10 and "２" as 2: a kernel the cell does not show."""
    assert parse_number(text) is None
    with pytest.raises(ValueError) as info:
        number_cell(text, 1, 2, name="kernel")
    assert str(info.value) == f"kernel cell (row 1, column 2) is not a number: {text!r}"
    with pytest.raises(ValueError, match="is not a number"):
        kernel_from_table([["1", text], ["0", "1"]])


def test_messages_count_one_row_and_one_cell_in_the_singular():
    from cnnviz.core.cells import parse_matrix

    with pytest.raises(ValueError, match=r"^matrix row 2 has 1 cell but row 1 has 2$"):
        parse_matrix("1 2\n3")
    with pytest.raises(ValueError, match=r"got 1 row of up to 3$"):
        parse_matrix("1 2 3", max_side=2)


@pytest.mark.parametrize("text", ["1,5 2,5\n3,5 4,5", "1,5\t2,5\n3,5\t4,5", "0 1,25"])
def test_decimal_commas_between_spaces_are_named_not_split(text):
    # Found by tester23: "1,5 2,5" (decimals written with a comma) silently became the
    # 1 × 4 row 1 5 2 5, since commas also separate cells.
    with pytest.raises(ValueError, match=r"row 1: '1,5'|row 1: '1,25'") as err:
        parse_matrix(text)
    assert "decimal point" in str(err.value)


@pytest.mark.parametrize(("text", "rows"), [
    ("1,2;3,4", [[1, 2], [3, 4]]),  # a link's rows
    ("1, 2, 3\n4, 5, 6", [[1, 2, 3], [4, 5, 6]]),
    ("[[3, 4], [1, 0]]", [[3, 4], [1, 0]]),
    ("1,2,3\n4,5,6", [[1, 2, 3], [4, 5, 6]]),
])
def test_commas_as_separators_still_work(text, rows):
    assert parse_matrix(text).tolist() == rows
