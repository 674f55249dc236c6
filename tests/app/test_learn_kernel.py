"""The "learn a kernel" page, through the real router."""

from __future__ import annotations

import html
import json
import re

import numpy as np

from tests.app.conftest import exceptions, page_text, raw, svgs

PAGE = "pages/learn_kernel.py"
SOBEL_X = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def svg(at, cls: str) -> str:
    """The page's one SVG chart of this class (``cnnviz.plots.svgcharts``)."""
    (found,) = [s for s in svgs(at) if f'class="{cls}"' in s]
    return found


def losses(at) -> np.ndarray:
    """Every loss of the run, as the loss chart's line carries them (exactly, JSON)."""
    text = re.search(r'data-values="([^"]+)"', svg(at, "cnnviz-loss")).group(1)
    return np.array(json.loads(html.unescape(text)), dtype=float)


def test_default_recovers_sobel_x_on_a_bundled_photo_within_500_steps(open_page):
    at = open_page(PAGE)
    assert at.title[0].value == "Learn a kernel"
    np.testing.assert_array_equal(raw(at, "lk_kstar"), SOBEL_X)
    # Default source: the bundled camera photo; default run: 500 steps from zeros.
    assert at.session_state["photo"] == "camera"
    done = re.search(r"within 0\.001 of k\* from step (\d+)", at.success[0].value)
    assert done and int(done.group(1)) <= 500
    assert metric(at, "Step t") == "0 of 500"
    np.testing.assert_array_equal(raw(at, "lk_k"), np.zeros((3, 3)))

    at.button(key="lk_end").click().run()
    assert not at.exception, exceptions(at)
    assert metric(at, "Step t") == "500 of 500"
    assert float(metric(at, "Largest |k − k*|")) < 1e-3
    np.testing.assert_allclose(raw(at, "lk_k"), SOBEL_X, atol=1e-3)
    assert at.query_params["lk_t"] == "500"


def test_the_gradient_shown_is_the_cross_correlation_and_matches_the_run(open_page):
    at = open_page(PAGE, query={"lk_t": "3"})
    assert metric(at, "Step t") == "3 of 500"
    by_conv, by_run = raw(at, "lk_grad"), raw(at, "lk_grad_run")
    np.testing.assert_allclose(by_conv, by_run, atol=1e-6)  # the charts round to 1e-6 or so
    assert np.abs(by_conv).max() > 0
    assert "they agree to" in page_text(at)
    assert any("a \\star \\delta" in x.value for x in at.latex)


def test_step_back_and_reset(open_page):
    at = open_page(PAGE)
    at.button(key="lk_step").click().run()
    at.button(key="lk_step").click().run()
    assert metric(at, "Step t") == "2 of 500"
    at.button(key="lk_back").click().run()
    assert metric(at, "Step t") == "1 of 500"
    loss_1 = float(metric(at, "Loss L"))
    at.button(key="lk_reset").click().run()
    assert metric(at, "Step t") == "0 of 500"
    assert float(metric(at, "Loss L")) > loss_1  # the first step already lowered the loss
    assert "lk_t" not in at.query_params


def test_play_starts_and_pauses(open_page):
    at = open_page(PAGE)
    at.button(key="lk_play").click().run()
    assert at.session_state["lk_playing"] is True
    assert at.button(key="lk_play").label == "Pause"
    at.button(key="lk_play").click().run()
    assert at.session_state["lk_playing"] is False
    assert not at.exception, exceptions(at)


def test_too_large_a_learning_rate_says_so_instead_of_plotting_nan(open_page):
    at = open_page(PAGE, query={"lk_lr": "5.0", "lk_t": "400"})
    assert not at.exception, exceptions(at)
    text = at.error[0].value
    assert "blew up at step" in text and "too large" in text and "stable only for η <" in text
    values = losses(at)
    assert np.isfinite(values).all() and len(values) < 50
    # The shown step was clamped to the last one the run kept.
    last = len(values) - 1
    assert metric(at, "Step t") == f"{last} of {last}"


def test_noise_random_target_random_start_and_stride_run(open_page):
    at = open_page(PAGE, query={"lk_target": "random", "lk_seed": "4", "lk_init": "random",
                                "lk_noise": "10", "pad": "same", "s_h": "2", "s_w": "2",
                                "lk_steps": "300", "lk_t": "300"})
    assert not at.exception, exceptions(at)
    assert "no kernel fits exactly" in at.success[0].value
    z = raw(at, "lk_z")
    n = raw(at, "lk_input").shape
    assert z.shape == (-(-n[0] // 2), -(-n[1] // 2))
    k_star = raw(at, "lk_kstar")
    assert np.abs(raw(at, "lk_k") - k_star).max() < 0.1  # near, not exact: noise
    assert any("2y" in x.value for x in at.latex)  # the stride is written in the formula


def test_bad_step_in_the_link_is_refused(open_page):
    at = open_page(PAGE, query={"lk_t": "abc"})
    assert metric(at, "Step t") == "0 of 500"
    assert "lk_t=abc" in at.warning[0].value


def test_loss_and_weights_figures(open_page):
    at = open_page(PAGE)
    # SVG, not Plotly: the player redraws both every frame, and Plotly's script would cost
    # a first visit about 2.3 s.
    assert not at.get("plotly_chart")
    assert 'data-log="true"' in svg(at, "cnnviz-loss")
    weights = svg(at, "cnnviz-weights")
    assert weights.count('class="weight"') == 9
    # Dashed target lines at the nine target values.
    targets = sorted(float(v) for v in re.findall(r'class="target" data-value="([^"]+)"', weights))
    assert targets == sorted(np.ravel(SOBEL_X).astype(float).tolist())


def test_a_blown_up_run_names_the_size_limit_it_stopped_at_not_a_last_finite_step(open_page):
    at = open_page(PAGE, query={"lk_lr": "5.0", "lk_t": "400"})
    text = at.error[0].value
    values = losses(at)
    last = len(values) - 1
    # The step after the last one shown had a finite loss: the page stopped at its limit.
    assert "last finite" not in text
    assert f"stop at step {last}" in text
    assert "still a finite number but more than 10⁸ times its first value" in text
    assert re.search(rf"at step {last + 1} the loss reached [\d.]+·10\S+, ", text), text


def test_a_second_visit_of_a_step_reads_it_from_the_cache(open_page, monkeypatch):
    """The step's output and gradient (a conv2d with the error map as a kernel of thousands
    of taps) were computed on every visit: a third of the page's server time."""
    import cnnviz.lessons.learn_kernel as lk

    first = open_page(PAGE, timeout=60)
    assert not first.exception
    calls = []
    real = lk.step_view
    monkeypatch.setattr(lk, "step_view", lambda lesson, t: calls.append(t) or real(lesson, t))
    again = open_page(PAGE, timeout=60)
    assert not again.exception
    assert calls == []
    assert first.metric[1].value == again.metric[1].value  # the same loss, from the cache
