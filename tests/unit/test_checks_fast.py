"""The argument checks' fast paths answer exactly as the general checks did.

To cut conv2d's fixed cost per call (issue 19), the checks now recognise
plain ints, floats and per-side tuples before the slower general tests
(abc ``isinstance``, NumPy arrays), and ``settings_from`` recognises default
keywords without building two ``ConvSettings``. Every value and message here
is what the code before those fast paths (e47fb7f) returned or raised.
"""

from __future__ import annotations

import numpy as np
import pytest

from cnnviz.core._checks import as_int, as_pair, as_per_side, to_float
from cnnviz.core.conv import ConvSettings, as_bias, settings_from

PER_SIDE = [
    (1, ((1, 1), (1, 1))),
    (0, ((0, 0), (0, 0))),
    (2.0, ((2, 2), (2, 2))),
    (np.int64(3), ((3, 3), (3, 3))),
    ((1, 2), ((1, 1), (2, 2))),
    (((1, 2), (3, 4)), ((1, 2), (3, 4))),
    (((1, 2.0), (3, 4)), ((1, 2), (3, 4))),
    (((np.int64(1), 2), (3, 4)), ((1, 2), (3, 4))),
    (np.array([1, 2]), ((1, 1), (2, 2))),
]

PER_SIDE_ERRORS = [
    (-1, "padding must be at least 0, got -1"),
    (2.5, "padding must be a whole number, got 2.5"),
    (True, "padding must be a whole number, got True"),
    ((1,), "padding must be an int or a pair of ints, got (1,)"),
    (((1, -2), (3, 4)), "padding must be at least 0, got -2 (in padding=(1, -2))"),
    (((True, 0), (0, 0)), "padding must be a whole number, got True (in padding=(True, 0))"),
]


@pytest.mark.parametrize(("value", "expected"), PER_SIDE)
def test_per_side_values(value, expected):
    got = as_per_side(value)
    assert got == expected
    assert all(type(v) is int for side in got for v in side)


@pytest.mark.parametrize(("value", "message"), PER_SIDE_ERRORS)
def test_per_side_errors(value, message):
    with pytest.raises(ValueError) as err:
        as_per_side(value)
    assert str(err.value) == message


def test_ints_and_floats():
    assert as_int(2.0, "stride") == 2 and type(as_int(2.0, "stride")) is int
    assert as_pair(3, "stride", minimum=1) == (3, 3)
    with pytest.raises(ValueError, match=r"^stride must be a whole number, got True$"):
        as_int(True, "stride")
    with pytest.raises(ValueError, match=r"^stride must be at least 1, got 0$"):
        as_pair(0, "stride", minimum=1)
    assert to_float(1.5) == 1.5 and to_float(np.float32(2)) == 2.0 and to_float("2") == 2.0
    with pytest.raises(TypeError):
        to_float(None)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bias(dtype):
    got = as_bias(0.5, 3, np.dtype(dtype))
    assert got.dtype == dtype and got.tolist() == [0.5, 0.5, 0.5]
    assert as_bias(True, 2, np.dtype(dtype)).tolist() == [1.0, 1.0]
    for bad in (float("nan"), float("inf")):
        with pytest.raises(ValueError, match=r"^bias must contain only finite numbers, got "):
            as_bias(bad, 2, np.dtype(dtype))
    assert ConvSettings(bias=True).bias == 1.0 and type(ConvSettings(bias=True).bias) is float
    with pytest.raises(ValueError, match=r"^bias must contain only finite numbers, got nan$"):
        ConvSettings(bias=float("nan"))


@pytest.mark.parametrize("keywords", [
    {"stride": 1}, {"stride": (1, 1)}, {"padding": 0}, {"padding": ((0, 0), (0, 0))},
    {"flip": 0}, {"flip": False}, {"dilation": 1.0}, {"pad_mode": "zeros"},
])
def test_default_keywords_beside_settings(keywords):
    s = ConvSettings(stride=2)
    assert settings_from(s, **keywords) is s


@pytest.mark.parametrize(("keywords", "shown"), [
    ({"stride": True}, "stride=True"), ({"padding": "valid"}, "padding='valid'"),
    ({"stride": 2}, "stride=2"), ({"flip": 1.0}, "flip=1.0"),
])
def test_other_keywords_beside_settings(keywords, shown):
    with pytest.raises(ValueError) as err:
        settings_from(ConvSettings(), **keywords)
    assert str(err.value) == f"pass either settings or keywords, not both: got settings and {shown}"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_results_proven_finite_by_one_asum(dtype):
    """conv2d proves its result finite with BLAS asum; a sum past the range is no error."""
    from cnnviz import conv2d
    from cnnviz.core.conv import _surely_finite

    top = float(np.finfo(dtype).max) / 2
    big = np.zeros((40, 40), dtype)
    big[0, :3] = top  # the magnitudes sum past the range, every value fits
    assert not _surely_finite(big)
    assert _surely_finite(np.ones((40, 40), dtype))
    for bad in (np.nan, np.inf, -np.inf):
        arr = np.ones((40, 40), dtype)
        arr[39, 39] = bad
        assert not _surely_finite(arr)
    assert np.array_equal(conv2d(big, np.ones((1, 1), dtype)), big)  # no false overflow
    with pytest.raises(ValueError, match=f"^the output overflows {np.dtype(dtype).name}:"):
        conv2d(big, np.full((1, 1), 4.0, dtype))
    nan_image = np.ones((40, 40), dtype)
    nan_image[5, 5] = np.nan
    assert np.isnan(conv2d(nan_image, np.ones((3, 3), dtype))[3:6, 3:6]).all()  # passed through


def test_finiteness_without_blas():
    """Precisions BLAS lacks (long double) and strided arrays are tested value by value."""
    from cnnviz.core.conv import _surely_finite

    arr = np.ones((40, 40), np.longdouble)
    assert _surely_finite(arr) and _surely_finite(np.ones((40, 40))[:, ::2])
    arr[3, 3] = np.nan
    assert not _surely_finite(arr)
    strided = np.ones((40, 40))
    strided[0, 2] = np.inf
    assert not _surely_finite(strided[:, ::2])
