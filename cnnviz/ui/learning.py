"""Streamlit glue for the two learning pages: the step player, training live.

Everything here calls the core and :mod:`cnnviz.lessons`; nothing computes a
number the pages show. Their cached runs live with every other cache in
:mod:`cnnviz.ui.cached`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import streamlit as st

from cnnviz.core import nn
from cnnviz.lessons import digits as lesson_digits

from . import cached, links, views

__all__ = ["digit_charts", "evaluation_charts", "filter_charts", "history_chart", "keep_training",
           "layer_chart", "layer_title", "player", "show_new_training", "train_live", "warm_up"]

STEP = "lk_t"  # the shown step: a manual link value (its slider's range follows the run)
_PLAYING = "lk_playing"
_SLIDER = "lk_t_slider"
#: Seconds between frames while playing, and frames for a whole run.
FRAME_SECONDS = 0.3
FRAMES = 60


def _step_number(text: str) -> int:
    """A step from the link: a whole number up to 10,000."""
    # Not str.isdigit: it takes "²", which int() then refuses in Python's words.
    if not (re.fullmatch(r"[0-9]{1,9}", text) and int(text) <= 10_000):
        raise ValueError("not a step number")
    return int(text)


def _set_step(value: int) -> None:
    st.session_state[STEP] = value
    st.session_state[_SLIDER] = value


def _toggle_play(last: int) -> None:
    playing = not st.session_state.get(_PLAYING, False)
    st.session_state[_PLAYING] = playing
    if playing and st.session_state.get(STEP, 0) >= last:
        _set_step(0)  # play from the start again


def player(last: int, draw: Callable[[int], None]) -> None:
    """Buttons, a step slider, and ``draw(t)`` for the shown step ``t`` in 0 … ``last``.

    Play advances about ``last / FRAMES`` steps per frame in a fragment that
    reruns on a timer, so only the step's figures are redrawn. The step
    travels in the link as ``lk_t`` (left out at 0).
    """
    if STEP not in st.session_state:
        st.session_state[STEP] = links.linked(STEP, _step_number) or 0
    st.session_state[STEP] = min(int(st.session_state[STEP]), last)
    t = st.session_state[STEP]
    playing = bool(st.session_state.get(_PLAYING, False))
    # Wide enough for each label and its key (Streamlit writes the shortcut beside it).
    cols = st.columns([1.3, 1.1, 1.1, 1.1, 1.4, 1])
    # Material icons, not emoji: the machines that show the app may have no emoji font.
    # The step-by-step animation's keys, shown on the buttons by Streamlit.
    cols[0].button("Reset", key="lk_reset", icon=":material/first_page:", on_click=_set_step,
                   args=(0,), help="Back to step 0: the starting kernel.", shortcut="Home")
    cols[1].button("Back", key="lk_back", icon=":material/chevron_left:", on_click=_set_step,
                   args=(max(t - 1, 0),), shortcut="Left")
    cols[2].button("Step", key="lk_step", icon=":material/chevron_right:", on_click=_set_step,
                   args=(min(t + 1, last),), shortcut="Right",
                   help="One step of gradient descent: k ← k − η ∂L/∂k.")
    cols[3].button("End", key="lk_end", icon=":material/last_page:", on_click=_set_step,
                   args=(last,), shortcut="End")
    cols[4].button("Pause" if playing else "Play", key="lk_play", type="primary",
                   icon=":material/pause:" if playing else ":material/play_arrow:",
                   on_click=_toggle_play, args=(last,), shortcut="Space")

    @st.fragment(run_every=FRAME_SECONDS if playing else None)
    def frame() -> None:
        now = int(st.session_state[STEP])
        if st.session_state.get(_PLAYING, False):
            now = min(now + max(1, -(-last // FRAMES)), last)
            _set_step(now)
            if now >= last:  # the end: stop the timer (a full rerun drops run_every)
                st.session_state[_PLAYING] = False
                st.rerun(scope="app")
        st.session_state[_SLIDER] = now
        st.slider("Step t", 0, max(last, 1), key=_SLIDER, disabled=last == 0,
                  on_change=lambda: st.session_state.__setitem__(STEP, st.session_state[_SLIDER]),
                  help="Scrub through the run: every step is computed already.")
        links.put(STEP, str(now) if now else None)
        views.refresh()  # a fragment's rerun: the saved view follows the step
        draw(now)

    frame()


# --- the digit network -------------------------------------------------------------

MODEL = "cnn_model"  # a retrained network in this session (shipped weights until then)
_ASKED = "cnn_train_asked"


def ask_to_train() -> None:
    """The "Train again" button's callback: a flag that survives a rerun, unlike its value."""
    st.session_state[_ASKED] = True


def training_asked() -> bool:
    """Whether "Train again" was pressed (once: the flag is cleared)."""
    return bool(st.session_state.pop(_ASKED, False))


_WEIGHTS = "cnn_weights"  # the page's "Weights" radio
_SHOW_NEW = "cnn_show_new"


def keep_training(trained: nn.Trained) -> None:
    """Keep a network just trained as this session's, to be shown from the next run on.

    The "Weights" radio is drawn above the training section, so its value cannot
    change in this run (Streamlit refuses a widget's key once it is drawn); a
    flag asks :func:`show_new_training` to switch it before it is drawn again.
    """
    st.session_state[MODEL] = trained
    st.session_state["cnn_runs"] = st.session_state.get("cnn_runs", 0) + 1
    st.session_state[_SHOW_NEW] = True


def show_new_training() -> None:
    """Switch the "Weights" radio to a network just trained; call before drawing the radio."""
    if st.session_state.pop(_SHOW_NEW, False):
        st.session_state[_WEIGHTS] = "retrained"


def train_live(*, epochs: int, seed: int, progress: st.delta_generator.DeltaGenerator,
               chart: Callable[[nn.History, int], None]) -> nn.Trained:
    """Train from scratch, updating a progress bar and a live chart as it goes."""
    data = cached.digit_split()
    options = {**lesson_digits.TRAINING, "epochs": epochs}

    def report(step: int, total: int, history: nn.History) -> None:
        test = f", test accuracy {history.test_accuracy[-1]:.3f}" if history.test_accuracy else ""
        progress.progress(step / total, text=f"step {step} of {total}: loss "
                                             f"{history.loss[-1]:.3f}{test}")
        if len(history.steps) % 5 == 0 or step == total:
            chart(history, total)

    return nn.train(nn.digit_net(), data.x_train[..., None], data.y_train,
                    x_test=data.x_test[..., None], y_test=data.y_test, seed=seed,
                    callback=report, **options)


# ---- the digits page's figures: one place for the page and for warm_up ------------------------
# Built once per exact arguments for everyone (cached.figure). warm_up builds the
# default view's with the very same arguments, so its cache entries are the page's.

def history_chart(history: nn.History, which: str) -> object:
    """How the shown weights were trained: loss and accuracy per step, as SVG (it is on the
    page's first screen, where Plotly's script would cost a first visit about 2.3 s)."""
    from cnnviz.plots.svgcharts import training_svg

    return cached.figure(training_svg, history.steps, history.loss, history.train_accuracy,
                         history.epoch_steps, history.test_accuracy,
                         title=f"How the {'shipped' if which == 'shipped' else 'new'} "
                               "weights were trained")


def filter_charts(matches: list) -> tuple[object, object]:
    """The 8 learned filters of layer [1], and the hand-made kernel each is closest to."""
    from cnnviz.plots.learning import maps_figure

    learned = cached.figure(maps_figure, lesson_digits.learned_filters(matches), signed=True,
                            labels=[m.text for m in matches], height=230,
                            title="The 8 learned 3 × 3 filters of layer [1]")
    presets = cached.figure(maps_figure, lesson_digits.preset_filters(matches), signed=True,
                            labels=[m.preset_label for m in matches], height=230,
                            title="The hand-made kernel each one is closest to")
    return learned, presets


def digit_charts(digit: np.ndarray, probs: np.ndarray, label: int | None) -> tuple[object, object]:
    """The input digit and its predicted class probabilities (SVG: no Plotly on the page)."""
    from cnnviz.plots.figures import image_figure
    from cnnviz.plots.svgcharts import probability_svg

    return (cached.figure(image_figure, digit, title="Input a^[0]: 28 × 28 × 1", height=300),
            cached.figure(probability_svg, probs, label=label))


def layer_chart(layer: lesson_digits.LayerMaps, title: str) -> object:
    """One layer's maps, every channel side by side on one scale."""
    from cnnviz.plots.learning import maps_figure

    return cached.figure(maps_figure, layer.values, signed=layer.signed, title=title)


def evaluation_charts(ev: lesson_digits.Evaluation, images: np.ndarray) -> tuple[object, object]:
    """The confusion matrix and the most confident mistakes (``images``: the test digits)."""
    from cnnviz.plots.learning import confusion_figure, gallery_figure

    wrong = ev.mistakes(24)
    confusion = cached.figure(confusion_figure, ev.confusion,
                              title="Confusion matrix (rows: true digit, columns: predicted)")
    gallery = cached.figure(gallery_figure, images[wrong],
                            lesson_digits.mistake_captions(ev, wrong),
                            title=f"Misclassified: {lesson_digits.mistake_count(ev)} of "
                                  f"{len(ev.labels)}, most confident first", columns=6)
    return confusion, gallery


def warm_up() -> None:
    """Build what the digits page's first visitor would otherwise wait for, once per server.

    The bundled digits, the shipped network, its test on the 1,000 held-out
    digits and the default view's figures (test digit 0) go into the shared
    caches, through the same calls the page makes; ``cnnviz.ui.warm`` runs this
    when the server starts. Measured on a fresh server: the page's first visit
    took 4.5 s, most of it this one-off work.
    """
    data = cached.digit_split()
    model = cached.shipped_model()
    history_chart(model.history, "shipped")
    filter_charts(lesson_digits.match_filters(model.params["W1"]))
    digit, label = data.x_test[0], int(data.y_test[0])
    maps = lesson_digits.feature_maps(model, digit)
    digit_charts(digit, maps[-1].values, label)
    for layer in lesson_digits.spatial_maps(maps):
        layer_chart(layer, layer_title(layer))
    evaluation_charts(cached.evaluation(model), data.x_test)


def layer_title(layer: lesson_digits.LayerMaps) -> str:
    """The title of one layer's maps: ``[index] label: shape``."""
    from .show import shape_text

    return f"[{layer.index}] {layer.label}: {shape_text(layer.values.shape)}"
