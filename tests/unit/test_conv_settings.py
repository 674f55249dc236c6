"""ConvSettings: the one type for a convolution's hyperparameters, accepted everywhere."""

import dataclasses

import numpy as np
import pytest

from cnnviz.core.conv import ConvSettings, conv2d, plan_conv, settings_from
from cnnviz.core.trace import ConvTrace
from cnnviz.lessons.matrix import matrix_view

RNG = np.random.default_rng(7)
KW = {"stride": (2, 1), "padding": "same", "dilation": (1, 2), "pad_mode": "reflect",
      "flip": True}


def test_normalised_so_equal_meanings_compare_and_hash_equal():
    a = ConvSettings(stride=1, padding=1, dilation=1)
    b = ConvSettings(stride=(1, 1), padding=((1, 1), (1, 1)), dilation=np.array([1, 1]))
    assert a == b and hash(a) == hash(b)
    assert a.padding == ((1, 1), (1, 1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.stride = (2, 2)  # type: ignore[misc]


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"stride": 0}, "stride must be at least 1, got 0"),
        ({"dilation": (1, 0)}, r"dilation must be at least 1, got 0 \(in dilation=\(1, 0\)\)"),
        ({"padding": -1}, "padding must be at least 0, got -1"),
        ({"padding": "half"}, "padding must be one of 'valid', 'same', 'full', got 'half'"),
        ({"pad_mode": "wrap"}, "pad_mode must be one of .* got 'wrap'"),
        ({"flip": "yes"}, "flip must be True or False, got 'yes'"),
        ({"bias": np.inf}, "bias must contain only finite numbers, got inf"),
        ({"activation": "softplus"}, "activation must be one of .* got 'softplus'"),
        ({"slope": float("nan")}, "slope must be a finite number, got nan"),
    ],
)
def test_errors_name_the_field_and_value(kw, message):
    with pytest.raises(ValueError, match=message):
        ConvSettings(**kw)


def test_planner_trace_and_matrix_view_accept_settings_like_keywords():
    x = RNG.normal(size=(7, 8))
    k = RNG.normal(size=(3, 2))
    cfg = ConvSettings(**KW, bias=0.25)
    assert plan_conv(x.shape, k.shape, settings=cfg) == plan_conv(x.shape, k.shape, **{
        n: KW[n] for n in ("stride", "padding", "dilation", "flip")})
    expected = conv2d(x, k, 0.25, **KW)
    np.testing.assert_array_equal(ConvTrace(x, k, settings=cfg).output, expected)
    np.testing.assert_array_equal(ConvTrace(x, k, 0.25, **KW).output, expected)
    np.testing.assert_array_equal(matrix_view(x, k, settings=cfg).output, expected)
    np.testing.assert_array_equal(conv2d(x, k, cfg.bias, **cfg.conv_kwargs), expected)
    assert cfg.geometry(x.shape + (3,), k.shape + (3,)).out_shape == expected.shape


def test_settings_and_keywords_together_are_refused():
    with pytest.raises(ValueError, match=r"not both: got settings and padding=1, flip=True"):
        ConvTrace(np.ones((4, 4)), np.ones((2, 2)), padding=1, flip=True,
                  settings=ConvSettings())
    # Keywords left at (the equivalent of) their defaults are fine.
    assert settings_from(ConvSettings(stride=2), stride=(1, 1), padding=0).stride == (2, 2)
    with pytest.raises(ValueError, match="settings must be a ConvSettings, got dict"):
        settings_from({"stride": 2})  # type: ignore[arg-type]
