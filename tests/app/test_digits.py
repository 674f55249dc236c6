"""The "small CNN on handwritten digits" page, through the real router."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.app.conftest import chart, exceptions, page_text, read, svgs, title

PAGE = "pages/digits.py"


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_opens_trained_with_the_layer_stack_filters_and_maps(open_page):
    at = open_page(PAGE, timeout=60)
    assert at.title[0].value == "A small CNN on handwritten digits"
    assert metric(at, "Parameters to learn") == "9,098"
    assert float(metric(at, "Test accuracy").rstrip("%")) >= 95.0
    table = at.dataframe[0].value
    assert list(table["output shape"])[:3] == ["28 × 28 × 8", "28 × 28 × 8", "14 × 14 × 8"]
    assert list(table["parameters"]) == [80, 0, 0, 1168, 0, 0, 0, 7850, 0]
    filters = read(at, "cnn_filters")["panels"]  # the map element's panels, one per filter
    assert len(filters) == 8 and all(f["values"].shape == (3, 3) for f in filters)
    presets = [p["label"] for p in read(at, "cnn_presets")["panels"]]
    assert len(presets) == 8 and all(p for p in presets)
    # The first test digit: its maps at every spatial layer, and probabilities summing to 1.
    for n, depth, side in ((1, 8, 28), (2, 8, 28), (3, 8, 14), (4, 16, 14), (5, 16, 14),
                           (6, 16, 7)):
        maps = read(at, f"cnn_maps_{n}")["panels"]
        assert len(maps) == depth and maps[0]["values"].shape == (side, side)
    relu = read(at, "cnn_maps_2")["panels"]
    assert min(float(m["values"].min()) for m in relu) >= 0  # after ReLU: nothing negative
    # No Plotly on the page: its script would cost a first visit about 2.3 s.
    assert not at.get("plotly_chart")
    (bars,) = [s for s in svgs(at) if 'class="cnnviz-probs"' in s]
    probs = np.array([float(p) for p in re.findall(r'data-p="([^"]+)"', bars)])
    assert probs.shape == (10,) and probs.sum() == pytest.approx(1.0, abs=1e-5)
    (curves,) = [s for s in svgs(at) if 'class="cnnviz-train"' in s]
    assert "How the shipped weights were trained" in curves and "test accuracy" in curves
    assert "The network says" in page_text(at)
    (cm,) = read(at, "cnn_confusion")["panels"]
    assert cm["values"].sum() == 1000 and cm["text"][0][0] == str(int(cm["values"][0, 0]))
    assert cm["rows"][3] == "true 3" and cm["cols"][5] == "predicted 5"
    mistakes = read(at, "cnn_mistakes")
    assert len(mistakes["panels"]) == 24 and mistakes["panels"][0]["values"].shape == (28, 28)
    assert all("→" in p["label"] for p in mistakes["panels"])
    assert "Misclassified" in title(chart(at, "cnn_mistakes"))


def test_a_test_digit_from_the_link(open_page):
    at = open_page(PAGE, query={"cnn_digit": "505"}, timeout=60)
    assert not at.exception, exceptions(at)
    assert at.number_input(key="cnn_digit").value == 505
    assert "Its label: **5**" in page_text(at)  # 100 per class, sorted: #505 is a 5
    assert "the label is 5" in page_text(at)


def test_draw_mode_waits_for_a_drawing(open_page):
    at = open_page(PAGE, query={"cnn_src": "Draw"}, timeout=60)
    assert not at.exception, exceptions(at)
    assert any("Draw a digit" in i.value for i in at.info)


def test_train_again_live_with_a_short_run(open_page):
    at = open_page(PAGE, query={"cnn_epochs": "1", "cnn_seed": "3"}, timeout=60)
    at.button(key="cnn_train").click().run(timeout=180)
    assert not at.exception, exceptions(at)
    assert at.radio(key="cnn_weights").value == "retrained"
    model = at.session_state["cnn_model"]
    assert len(model.history.epoch_steps) == 1 and model.history.steps[-1] == 125
    accuracy = float(metric(at, "Test accuracy").rstrip("%"))
    assert accuracy == pytest.approx(100 * model.history.test_accuracy[-1], abs=0.05)
    assert accuracy > 80  # one epoch already reads most digits
    at.radio(key="cnn_weights").set_value("shipped").run()
    assert float(metric(at, "Test accuracy").rstrip("%")) == pytest.approx(97.3, abs=0.05)


def _zero_network():
    """The digit network with every weight and bias 0: it says "0" for every digit (10 %)."""
    import numpy as np

    from cnnviz.core import nn
    from cnnviz.lessons import digits as lesson_digits

    shipped = lesson_digits.load_model()
    params = {name: np.zeros_like(value) for name, value in shipped.params.items()}
    return nn.Trained(params=params, spec=shipped.spec, history=shipped.history)


def test_each_session_sees_its_own_retrained_network(open_page):
    """Two sessions' first retrained networks share a name ("retrained 1"), never a result."""
    from cnnviz.lessons import digits as lesson_digits

    accuracies = []
    for model in (lesson_digits.load_model(), _zero_network()):
        at = open_page(PAGE, timeout=60)
        at.session_state["cnn_model"] = model
        at.session_state["cnn_runs"] = 1
        at.run()
        at.radio(key="cnn_weights").set_value("retrained").run()
        assert not at.exception, exceptions(at)
        accuracies.append(float(metric(at, "Test accuracy").rstrip("%")))
    assert accuracies[0] == pytest.approx(97.3, abs=0.05)
    assert accuracies[1] == pytest.approx(10.0, abs=0.05)  # the all-zero network: class 0


def test_train_again_twice_in_one_session(open_page):
    at = open_page(PAGE, query={"cnn_epochs": "1", "cnn_seed": "3"}, timeout=60)
    for run in (1, 2):
        at.button(key="cnn_train").click().run(timeout=180)
        assert not at.exception, exceptions(at)
        assert at.session_state["cnn_runs"] == run
        assert at.radio(key="cnn_weights").value == "retrained"
        assert "Misclassified" in title(chart(at, "cnn_mistakes"))  # the page drew to its end


def test_an_unevenly_lit_photo_upload_shows_each_preparation_step_and_is_read(open_page):
    import io

    import numpy as np
    from PIL import Image

    from cnnviz.data.digits import load_digits
    from tests.unit.test_digits_data import _photo_of

    data = load_digits()
    index = int(np.flatnonzero(data.y == 7)[3])
    photo = _photo_of(data.x[index], np.random.default_rng(2))
    buf = io.BytesIO()
    Image.fromarray(np.round(photo * 255).astype(np.uint8)).save(buf, format="PNG")
    at = open_page(PAGE, query={"cnn_src": "Upload"}, timeout=60)
    at.file_uploader(key="cnn_upload").set_value(("seven.png", buf.getvalue(), "image/png"))
    at.run()
    assert not at.exception, exceptions(at)
    steps = [title(chart(at, f"cnn_step_{i}")) for i in range(6)]
    assert steps[0].startswith("Grey") and steps[-1].startswith("Centred")
    assert any("Otsu" in s for s in steps) and any("Background" in s for s in steps)
    assert "The network says **7**" in page_text(at)
def test_the_servers_warm_up_builds_the_figures_the_first_visitor_sees(open_page, monkeypatch):
    """cnnviz.ui.warm (st.App's lifespan) fills the shared caches with the default view: a
    first visit after it builds no figure of its own (it took 4.5 s on a fresh server)."""
    import functools

    import streamlit as st

    import cnnviz.plots.learning as plots
    import cnnviz.plots.svgcharts as svgcharts
    from cnnviz.ui import warm

    st.cache_resource.clear()
    st.cache_data.clear()
    warm.warm_up()
    built = []
    for module, name in ((svgcharts, "training_svg"), (plots, "maps_figure"),
                         (svgcharts, "probability_svg"), (plots, "confusion_figure"),
                         (plots, "gallery_figure")):
        real = getattr(module, name)

        # Same module and name as the real builder: the figure cache's key is unchanged.
        @functools.wraps(real)
        def spy(*args, _real=real, **kwargs):
            built.append(_real.__name__)
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, spy)
    at = open_page(PAGE, timeout=60)
    assert not at.exception, exceptions(at)
    assert "Misclassified" in title(chart(at, "cnn_mistakes"))
    assert built == []
