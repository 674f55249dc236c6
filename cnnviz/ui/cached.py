"""Every cache of the app, in this one module, each keyed on an exact digest of its inputs.

Streamlit's ``st.cache_data`` hashes bytes whole but only samples numpy arrays
of 500,000 elements or more, so two different big maps could share a key; an
object it does not know it hashes by ``__reduce__``, or by a name the caller
chose, as an old ``evaluation(_trained, name)`` did (two students' networks
shared "retrained 1"). So here every array is keyed on :func:`digest`, an
exact SHA-256 hash of its bytes, dtype and shape (about 1 ms for a 512 × 512
float64 map, half of BLAKE2b's time where the CPU hashes SHA-256 in hardware),
any other input on :func:`key` (arrays, numbers, text, dataclasses and
containers of them), and passed to the cached function under an
``_``-prefixed name that Streamlit does not hash. What Streamlit does hash is
text, numbers and bytes only; ``tests/unit/test_cache_rule.py`` walks every
``st.cache_*`` in the package and holds each to that.

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

import dataclasses
import hashlib
from typing import TYPE_CHECKING, Any

import numpy as np
import streamlit as st

import cnnviz
from cnnviz.plots import figures, histogram

from . import presenter
from .animator import Packed, pack

if TYPE_CHECKING:
    from cnnviz.core import nn
    from cnnviz.core.conv import ConvSettings
    from cnnviz.data.digits import Split
    from cnnviz.lessons.digits import Evaluation
    from cnnviz.lessons.learn_kernel import KernelLesson, StepView

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


def key(*parts: Any) -> str:
    """An exact key for arrays, numbers, text, dataclasses and lists, tuples and dicts of them.

    >>> key(np.zeros(3), {"stride": 2}) == key(np.zeros(3), {"stride": 2})
    True
    >>> key(np.zeros(3), {"stride": 2}) == key(np.zeros(3), {"stride": 3})
    False
    """
    h = hashlib.sha256()
    _key_of(parts, h)
    return h.hexdigest()


@st.cache_data(max_entries=96, ttl=TTL, show_spinner=False)
def _conv2d(key: str, _image: np.ndarray, _kernel: np.ndarray, _bias: float,
            _kwargs: dict) -> np.ndarray:
    return cnnviz.conv2d(_image, _kernel, _bias, **_kwargs)


def conv2d(image: np.ndarray, kernel: np.ndarray, bias: float = 0.0, **kwargs: Any) -> np.ndarray:
    """:func:`cnnviz.conv2d`, cached on the exact image, kernel and settings."""
    image, kernel = np.asarray(image), np.asarray(kernel)
    return _conv2d(key(image, kernel, float(bias), kwargs), image, kernel, float(bias), kwargs)


@st.cache_data(max_entries=64, ttl=TTL, show_spinner=False)
def _pool2d(key: str, _x: np.ndarray, _size: Any, _kwargs: dict) -> np.ndarray:
    return cnnviz.pool2d(_x, _size, **_kwargs)


def pool2d(x: np.ndarray, size: Any, **kwargs: Any) -> np.ndarray:
    """:func:`cnnviz.pool2d`, cached on the exact input and settings."""
    x = np.asarray(x)
    return _pool2d(key(x, size, kwargs), x, size, kwargs)


@st.cache_resource(max_entries=192, ttl=TTL, show_spinner=False)
def _grid_figure(key: str, _values: np.ndarray, _kwargs: dict):
    return figures.grid_figure(_values, **_kwargs)


def grid_figure(values: np.ndarray, **kwargs: Any):
    """:func:`cnnviz.plots.figures.grid_figure`, built once per exact input (do not mutate).

    In presenter mode (:mod:`cnnviz.ui.presenter`) at projector size unless ``present`` is given.
    """
    values = np.asarray(values)
    kwargs.setdefault("present", presenter.on())
    return _grid_figure(key(values, kwargs), values, kwargs)


@st.cache_resource(max_entries=64, ttl=TTL, show_spinner=False)
def _image_figure(key: str, _image: np.ndarray, _kwargs: dict):
    return figures.image_figure(_image, **_kwargs)


def image_figure(image: np.ndarray, **kwargs: Any):
    """:func:`cnnviz.plots.figures.image_figure`, built once per exact input (do not mutate);
    at projector size in presenter mode, as :func:`grid_figure`."""
    image = np.asarray(image)
    kwargs.setdefault("present", presenter.on())
    return _image_figure(key(image, kwargs), image, kwargs)


@st.cache_data(max_entries=64, ttl=TTL, show_spinner=False)
def _histogram_svg(key: str, _values: np.ndarray, _title: str) -> str:
    return histogram.histogram_svg(histogram.histogram(_values), title=_title)


def histogram_svg(values: np.ndarray, *, title: str) -> str:
    """:func:`cnnviz.plots.histogram.histogram_svg` of the values, counted once per exact map."""
    values = np.asarray(values)
    return _histogram_svg(key(values, title), values, title)


def _key_of(value: Any, h: Any) -> None:
    """Feed an exact, canonical description of ``value`` to ``h`` (arrays by :func:`digest`)."""
    if isinstance(value, np.ndarray):
        h.update(b"A" + digest(value).encode())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(f"C{type(value).__module__}.{type(value).__qualname__}".encode())
        _key_of({f.name: getattr(value, f.name) for f in dataclasses.fields(value)}, h)
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

    >>> from cnnviz.plots.svgcharts import probability_svg
    >>> a = figure(probability_svg, np.full(10, 0.1))
    >>> a is figure(probability_svg, np.full(10, 0.1))
    True
    """
    h = hashlib.blake2b(digest_size=16)
    try:
        _key_of((build.__module__, build.__qualname__, args, kwargs), h)
    except TypeError:
        return build(*args, **kwargs)
    return _figure(h.hexdigest(), build, args, kwargs)


# --- images in -------------------------------------------------------------------------


# One entry per student's upload and working size: a class of thirty fits, so no
# rerun decodes an upload again (at most ~6 MB an entry, a 512² colour image).
@st.cache_data(max_entries=48, ttl=TTL, show_spinner=False)
def _decode(key: str, _mode: str, _max_side: int, _data: bytes) -> tuple[np.ndarray, str]:
    from cnnviz.data.images import load_image_with_notes

    image, notes = load_image_with_notes(_data, mode=_mode, max_side=_max_side)
    return image, " ".join(notes)


def decode_upload(data: bytes, *, mode: str, max_side: int) -> tuple[np.ndarray, str]:
    """An upload decoded (:func:`cnnviz.data.images.load_image_with_notes`) with its notes
    joined (shrunk, first frame, stretched, ...); raises :class:`cnnviz.ImageError`."""
    return _decode(key(mode, max_side, hashlib.sha256(data).hexdigest()), mode, max_side, data)


@st.cache_data(max_entries=32, ttl=TTL, show_spinner=False)
def photo(name: str, mode: str, max_side: int) -> np.ndarray:
    """:func:`cnnviz.data.samples.load_photo`, cached: the sidebar's photos and the code panel."""
    from cnnviz.data import samples

    return samples.load_photo(name, mode=mode, max_side=max_side)


# --- the step-by-step animation's payloads ----------------------------------------------


@st.cache_data(max_entries=256, ttl=TTL, show_spinner=False)
def _conv_payload(key: str, _grid: np.ndarray, _kernel: np.ndarray, _bias: float,
                  _options: dict) -> Packed:
    from cnnviz.core.trace import ConvTrace
    from cnnviz.lessons.animation import build_conv_payload

    return pack(build_conv_payload(ConvTrace(_grid, _kernel, _bias, **_options)))


@st.cache_data(max_entries=256, ttl=TTL, show_spinner=False)
def _pool_payload(key: str, _grid: np.ndarray, _options: dict) -> Packed:
    from cnnviz.core.trace import PoolTrace
    from cnnviz.lessons.animation import build_pool_payload

    return pack(build_pool_payload(PoolTrace(_grid, **_options)))


def conv_payload(grid: np.ndarray, kernel: np.ndarray, bias: float, options: dict) -> Packed:
    """The convolution animation's payload, packed once per setting (raises ValueError)."""
    grid, kernel = np.asarray(grid), np.asarray(kernel)
    return _conv_payload(key(grid, kernel, float(bias), options), grid, kernel, float(bias),
                         options)


def pool_payload(grid: np.ndarray, options: dict) -> Packed:
    """The pooling animation's payload, packed once per setting (raises ValueError)."""
    grid = np.asarray(grid)
    return _pool_payload(key(grid, options), grid, options)


# --- the two learning pages ------------------------------------------------------------


# A class of thirty, each with an image of their own: room for every student's run
# (about 0.3 MB each), so that a page visit does not run the descent again.
@st.cache_data(max_entries=64, ttl=TTL, show_spinner="Running gradient descent …")
def _kernel_lesson(key: str, _image: np.ndarray, _target: str, _options: dict) -> KernelLesson:
    from cnnviz.lessons.learn_kernel import run_lesson

    return run_lesson(_image, _target, **_options)


def kernel_lesson(image: np.ndarray, target: str, *, lr: float, steps: int, momentum: float,
                  settings: ConvSettings, learn_bias: bool, init: str,
                  noise_percent: int, seed: int, centre: bool) -> KernelLesson:
    """One whole run of :func:`cnnviz.lessons.learn_kernel.run_lesson`, cached on the exact
    image and settings."""
    image = np.asarray(image)
    options = dict(lr=lr, steps=steps, momentum=momentum, settings=settings,
                   learn_bias=learn_bias, init=init, noise=noise_percent / 100, seed=seed,
                   centre=centre)
    return _kernel_lesson(key(image, target, options), image, target, options)


# Thirty students on one link open the same step: each page visit (and each step the
# player shows) computed it again, a conv2d with the error map as a kernel of thousands
# of taps (a third of Learn a kernel's server time per visit). About 0.3 MB each.
@st.cache_data(max_entries=64, ttl=TTL, show_spinner=False)
def _kernel_step(key: str, _lesson: KernelLesson, t: int) -> StepView:
    from cnnviz.lessons.learn_kernel import step_view

    return step_view(_lesson, t)


def kernel_step(lesson: KernelLesson, t: int) -> StepView:
    """:func:`cnnviz.lessons.learn_kernel.step_view`, cached on everything of the lesson
    that step ``t`` reads (exact digests)."""
    run = lesson.run
    t = int(t)
    if not 0 <= t <= run.steps:  # out of range: the lesson says so, uncached
        from cnnviz.lessons.learn_kernel import step_view

        return step_view(lesson, t)
    parts = (lesson.image, lesson.target, lesson.target_kernel, lesson.settings,
             bool(lesson.learn_bias), run.kernels[t], float(run.biases[t]), run.gradients[t],
             float(run.bias_gradients[t]), run.steps, t)
    return _kernel_step(key(*parts), lesson, t)


@st.cache_resource(max_entries=1, show_spinner=False)
def shipped_model() -> nn.Trained:
    """The digit network's weights that ship in ``assets/digits_cnn.npz``."""
    from cnnviz.lessons import digits as lesson_digits

    return lesson_digits.load_model()


@st.cache_resource(max_entries=1, show_spinner=False)
def digit_split() -> Split:
    """The fixed train/test split of the bundled digits."""
    from cnnviz.data.digits import load_digits, split

    return split(load_digits())


# Keyed on the weights themselves: a class of thirty each retraining once fits.
@st.cache_data(max_entries=32, ttl=TTL, show_spinner="Testing on the held-out digits …")
def _evaluation(key: str, _trained: nn.Trained) -> Evaluation:
    from cnnviz.lessons import digits as lesson_digits

    data = digit_split()
    return lesson_digits.evaluate(_trained, data.x_test, data.y_test)


def evaluation(trained: nn.Trained) -> Evaluation:
    """A network on the 1,000 held-out digits, cached on its exact weights and layers."""
    return _evaluation(key(trained.params, trained.spec), trained)
