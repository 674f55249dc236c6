"""Core results and figures cached on their inputs, so a rerun redoes only what changed.

Streamlit's ``st.cache_data`` hashes bytes whole but only samples numpy arrays
of 500,000 elements or more, so two different big maps could share a key.
Here every array is keyed on :func:`digest`, an exact SHA-256 hash of its bytes,
dtype and shape (about 1 ms for a 512 × 512 float64 map, half of BLAKE2b's time
where the CPU hashes SHA-256 in hardware), and passed to the
cached function under an ``_``-prefixed name that Streamlit does not hash.

Every cache is bounded (``max_entries`` and a one-hour ``ttl``), and sized for
a class of thirty, each with an image of their own: a smaller cache would
evict one student's maps for another's on every rerun (``bench/load.py``).

- core results (``conv2d``, ``pool2d``): ``st.cache_data``, a copy per caller;
- figures (Plotly figures and big maps' pictures): ``st.cache_resource``, one
  shared object per input, since unpickling a Plotly figure would validate it
  all over again. Callers only place them (``cnnviz.ui.charts.chart``); nobody
  mutates a cached figure.

The input panel of the Playground, for example, is built once per image and
mapping, not once per kernel change.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import streamlit as st

import cnnviz
from cnnviz.plots import figures, histogram

from . import presenter

TTL = 3600


def digest(values: Any) -> str:
    """An exact key for an array: SHA-256 of its bytes, with its dtype and shape.

    >>> digest(np.zeros(3)) == digest(np.zeros(3)), digest(np.zeros(3)) == digest(np.zeros(4))
    (True, False)
    """
    arr = np.ascontiguousarray(values)
    h = hashlib.sha256(f"{arr.dtype.str}{arr.shape}".encode())
    h.update(memoryview(arr).cast("B") if arr.size else b"")
    return h.hexdigest()


@st.cache_data(max_entries=96, ttl=TTL, show_spinner=False)
def _conv2d(key: tuple, _image: np.ndarray, _kernel: np.ndarray, bias: float,
            kwargs: dict) -> np.ndarray:
    return cnnviz.conv2d(_image, _kernel, bias, **kwargs)


def conv2d(image: np.ndarray, kernel: np.ndarray, bias: float = 0.0, **kwargs: Any) -> np.ndarray:
    """:func:`cnnviz.conv2d`, cached on the exact image, kernel and settings."""
    image, kernel = np.asarray(image), np.asarray(kernel)
    return _conv2d((digest(image), digest(kernel)), image, kernel, float(bias), kwargs)


@st.cache_data(max_entries=64, ttl=TTL, show_spinner=False)
def _pool2d(key: str, _x: np.ndarray, size: Any, kwargs: dict) -> np.ndarray:
    return cnnviz.pool2d(_x, size, **kwargs)


def pool2d(x: np.ndarray, size: Any, **kwargs: Any) -> np.ndarray:
    """:func:`cnnviz.pool2d`, cached on the exact input and settings."""
    x = np.asarray(x)
    return _pool2d(digest(x), x, size, kwargs)


@st.cache_resource(max_entries=192, ttl=TTL, show_spinner=False)
def _grid_figure(key: str, _values: np.ndarray, kwargs: dict):
    return figures.grid_figure(_values, **kwargs)


def grid_figure(values: np.ndarray, **kwargs: Any):
    """:func:`cnnviz.plots.figures.grid_figure`, built once per exact input (do not mutate).

    In presenter mode (:mod:`cnnviz.ui.presenter`) at projector size unless ``present`` is given.
    """
    values = np.asarray(values)
    kwargs.setdefault("present", presenter.on())
    return _grid_figure(digest(values), values, kwargs)


@st.cache_resource(max_entries=64, ttl=TTL, show_spinner=False)
def _image_figure(key: str, _image: np.ndarray, kwargs: dict):
    return figures.image_figure(_image, **kwargs)


def image_figure(image: np.ndarray, **kwargs: Any):
    """:func:`cnnviz.plots.figures.image_figure`, built once per exact input (do not mutate);
    at projector size in presenter mode, as :func:`grid_figure`."""
    image = np.asarray(image)
    kwargs.setdefault("present", presenter.on())
    return _image_figure(digest(image), image, kwargs)


@st.cache_data(max_entries=64, ttl=TTL, show_spinner=False)
def _histogram_svg(key: str, _values: np.ndarray, title: str) -> str:
    return histogram.histogram_svg(histogram.histogram(_values), title=title)


def histogram_svg(values: np.ndarray, *, title: str) -> str:
    """:func:`cnnviz.plots.histogram.histogram_svg` of the values, counted once per exact map."""
    values = np.asarray(values)
    return _histogram_svg(digest(values), values, title)


def _key_of(value: Any, h: Any) -> None:
    """Feed an exact, canonical description of ``value`` to ``h`` (arrays by :func:`digest`)."""
    if isinstance(value, np.ndarray):
        h.update(b"A" + digest(value).encode())
    elif isinstance(value, list | tuple):
        h.update(b"L%d[" % len(value))
        for item in value:
            _key_of(item, h)
        h.update(b"]")
    elif isinstance(value, dict):
        h.update(b"D%d{" % len(value))
        for name in sorted(value):
            _key_of(name, h)
            _key_of(value[name], h)
        h.update(b"}")
    elif value is None or isinstance(value, str | int | float | bool | np.generic):
        h.update(f"{type(value).__name__}:{value!r};".encode())
    else:
        raise TypeError(f"cannot key a figure on a {type(value).__name__}")


@st.cache_resource(max_entries=192, ttl=TTL, show_spinner=False)
def _figure(key: str, _build: Any, _args: tuple, _kwargs: dict):
    return _build(*_args, **_kwargs)


def figure(build: Any, *args: Any, **kwargs: Any):
    """``build(*args, **kwargs)``: a Plotly figure built once per exact arguments, for everyone.

    For figure builders whose arguments are arrays, numbers, strings and lists
    of them (any other argument builds the figure uncached). Thirty students
    opening the same page with the same settings then share one figure instead
    of building thirty (do not mutate it).

    >>> from cnnviz.plots.learning import probability_figure
    >>> a = figure(probability_figure, np.full(10, 0.1))
    >>> a is figure(probability_figure, np.full(10, 0.1))
    True
    """
    h = hashlib.blake2b(digest_size=16)
    try:
        _key_of((build.__module__, build.__qualname__, args, kwargs), h)
    except TypeError:
        return build(*args, **kwargs)
    return _figure(h.hexdigest(), build, args, kwargs)
