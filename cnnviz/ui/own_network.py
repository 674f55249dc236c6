"""Streamlit glue for "Your own network": the file, the settings, the maps, occlusion.

The loaded network lives in this session's state only (never in a shared
cache): an upload or a sample replaces it only once it has loaded; a refused
file is reported beside the uploader and the previous network stays.
Every number comes from :mod:`cnnviz.core.graph`, :mod:`cnnviz.data.networks`
and :mod:`cnnviz.lessons.own_network`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import streamlit as st

from cnnviz.core import nn
from cnnviz.core.graph import Graph, StackSettings, Walk, occlusion, walk
from cnnviz.data.digits import mnist_style
from cnnviz.data.networks import Loaded, NetworkError, load_network, read_stack, stack_graph
from cnnviz.lessons import own_network as own
from cnnviz.lessons.digits import load_model, preset_filters
from cnnviz.plots.figures import grid_figure, image_figure
from cnnviz.plots.learning import maps_figure
from cnnviz.plots.svgcharts import probability_svg

from . import charts, show, sources
from . import state as k
from .canvas import drawing_canvas

__all__ = ["Current", "current", "filters_section", "image_input", "layers_section",
           "looks_at_section", "maps_section", "network_graph", "prediction_section",
           "preprocessing", "probability_chart", "walked"]

NET = "own_net"  # the loaded network (Current) in this session
_ERROR = "own_net_error"
_SEEN = "own_net_seen"  # the upload already handled (its file id)
UPLOAD = "own_upload"
_UPLOAD_GEN = "own_upload_gen"  # bumped when a sample opens: the uploader starts empty again
_OCC_ASKED = "own_occ_asked"  # set by the start button's callback (a click survives a rerun)
#: Occlusion maps above this many multiply-adds are not started (raise the stride).
OCCLUSION_BUDGET = 3_000_000_000


@dataclass(frozen=True)
class Current:
    """The network this session has open, with the digest of its bytes."""

    loaded: Loaded
    digest: str
    sample: bool


def _sample_digests() -> set[str]:
    return {hashlib.sha256(p.read_bytes()).hexdigest() for p in own.SAMPLES.values()}


def _open(data: bytes, name: str) -> bool:
    """Open ``data`` as this session's network; False (and a message kept) if refused."""
    try:
        loaded = load_network(data, name)
        if loaded.graph is None:
            read_stack(loaded)  # refuse here, not later: the old network must stay
    except NetworkError as err:
        st.session_state[_ERROR] = (name, str(err))
        return False
    digest = hashlib.sha256(data).hexdigest()
    st.session_state[NET] = Current(loaded, digest, digest in _sample_digests())
    st.session_state.pop(_ERROR, None)
    for key in [key for key in st.session_state if str(key).startswith("own_set_")]:
        del st.session_state[key]  # the old network's layer settings
    return True


def _open_sample(kind: str) -> None:
    path = own.SAMPLES[kind]
    if not _open(path.read_bytes(), path.name):
        return
    # The uploader would still name the file uploaded before, which is no longer what
    # is open, and the browser sends nothing when that same file is chosen again. A
    # new key gives an empty uploader, so uploading it again opens it again.
    st.session_state[_UPLOAD_GEN] = st.session_state.get(_UPLOAD_GEN, 0) + 1


def _upload_key() -> str:
    gen = st.session_state.get(_UPLOAD_GEN, 0)
    return UPLOAD if not gen else f"{UPLOAD}_{gen}"


def current() -> Current | None:
    """The uploader and the sample buttons; the network now open (None before the first)."""
    left, right = st.columns([3, 2], gap="large")
    with left:
        upload = st.file_uploader("Your network's weights (.safetensors, .npz or .onnx)",
                                  key=_upload_key(), help=own.FORMATS_TEXT)
        if upload is not None and st.session_state.get(_SEEN) != upload.file_id:
            st.session_state[_SEEN] = upload.file_id
            _open(upload.getvalue(), upload.name)
        error = st.session_state.get(_ERROR)
        if error is not None:
            kept = st.session_state.get(NET)
            still = (f"\n\nStill open: {kept.loaded.name}." if kept is not None else "")
            st.error(f"Could not open {error[0]!r}: {error[1]}{still}")
    with right:
        st.button("Try the sample network", key="own_sample", type="primary",
                  on_click=_open_sample, args=("onnx",),
                  help="The app's own digit CNN, exported as ONNX by tools/export_digits.py.")
        a, b = st.columns(2)
        a.button("Sample as safetensors", key="own_sample_st", on_click=_open_sample,
                 args=("safetensors",))
        b.button("Sample as .npz", key="own_sample_npz", on_click=_open_sample, args=("npz",))
        with st.popover("How to export yours"):
            st.code(own.EXPORT_HELP, language="text")
    net = st.session_state.get(NET)
    if net is not None:
        st.caption(f"Open: **{net.loaded.name}** ({net.loaded.format}, "
                   f"{net.loaded.size:,} bytes). " + own.FORMATS_TEXT)
    return net


def _settings_editor(stack, key: str) -> list[StackSettings]:
    rows = [{"layer": layer.name, "kind": layer.kind,
             "stride": s.stride, "padding": str(s.padding), "activation": s.activation,
             "pool after": s.pool} for layer, s in zip(stack.layers, stack.settings, strict=True)]
    edited = st.data_editor(
        rows, key=key, hide_index=True, disabled=["layer", "kind"],
        column_config={
            "stride": st.column_config.NumberColumn(min_value=1, max_value=8, step=1),
            "padding": st.column_config.SelectboxColumn(
                options=["same", "valid", "0", "1", "2", "3"]),
            "activation": st.column_config.SelectboxColumn(
                options=["relu", "none", "leaky_relu", "sigmoid", "tanh"]),
            "pool after": st.column_config.NumberColumn(
                min_value=0, max_value=8, step=1, help="Max-pool window after the layer (0: none)"),
        })
    out = []
    for row in edited:
        pad = row.get("padding") or "same"
        out.append(StackSettings(stride=int(row.get("stride") or 1),
                                 padding=pad if pad in ("same", "valid") else int(pad),
                                 activation=row.get("activation") or "none",
                                 pool=int(row.get("pool after") or 0)))
    return out


def network_graph(net: Current) -> Graph | None:
    """The network's graph: ONNX's own, or a named stack with the user's layout and settings."""
    loaded = net.loaded
    if loaded.graph is not None:
        return loaded.graph
    st.info(own.STACK_NOTE)
    if loaded.ignored:
        st.caption("Listed and not used (not a layer's weights): " + "; ".join(
            f"{a.name} ({show.shape_text(a.shape) or 'a number'}, {a.reason})"
            for a in loaded.ignored) + ".")
    first = read_stack(loaded)
    choices = ["auto", "pytorch", "keras"]
    layout = st.radio(
        "Weight layout", choices, key=f"own_set_layout_{net.digest[:8]}", horizontal=True,
        format_func=lambda c: (f"detected: {own.LAYOUT_TEXT[first.layout].split(':')[0]}"
                               if c == "auto" else own.LAYOUT_TEXT[c]),
        help="Found from the shapes where only one layout makes them chain.")
    if first.ambiguous:
        st.warning("Both layouts fit these shapes: choose the one your framework uses "
                   "(PyTorch unless you chose otherwise).")
    try:
        stack = read_stack(loaded, layout)
    except NetworkError as err:
        st.error(str(err))
        return None
    settings = _settings_editor(stack, f"own_set_rows_{net.digest[:8]}_{stack.layout}")
    size = st.number_input("Input size (pixels a side)", 1, 1024, stack.input_shape[1],
                           key=f"own_set_size_{net.digest[:8]}",
                           help="The defaults make the last maps fit the first dense layer.")
    try:
        return stack_graph(stack, settings, int(size))
    except NetworkError as err:
        st.error(str(err))
        return None


def preprocessing(graph: Graph) -> own.Preprocessing:
    """The user's preprocessing choices (with the plain note that the app cannot know them)."""
    layout, channels, h, w = own.input_layout(graph)
    st.caption(own.PREPROCESSING_NOTE)
    c1, c2, c3, c4, c5 = st.columns(5)
    # What the network fixes is said, not offered as a greyed-out control.
    if h and w:
        size = 28
        c1.markdown(f"**Size**  \n{h} × {w}, set by the network")
    else:
        size = c1.number_input("Size (pixels a side)", 1, 1024, 28, key="own_size", **k.KEEP)
    if channels is not None:
        colour = "rgb" if channels == 3 else "grey"
        c2.markdown(f"**Colour**  \n{'RGB' if channels == 3 else 'grey'}, set by the network")
    else:
        colour = c2.radio("Colour", ("grey", "rgb"), key="own_colour", horizontal=True,
                          **k.KEEP)
    scale = c3.radio("Scale", ("0-1", "0-255"), key="own_scale", horizontal=True, **k.KEEP)
    mean = c4.text_input("Mean (one, or one per channel)", "0", key="own_mean", **k.KEEP)
    std = c5.text_input("Std", "1", key="own_std", **k.KEEP)

    def numbers(text: str, name: str) -> tuple[float, ...]:
        try:
            vals = tuple(float(v) for v in text.replace(",", " ").split())
        except ValueError:
            vals = ()
        if not vals:
            st.error(f"{name} must be numbers separated by commas or spaces, got {text!r}; "
                     f"using {'0' if name == 'Mean' else '1'}.")
            return (0.0,) if name == "Mean" else (1.0,)
        return vals

    shape = " × ".join("?" if d is None else str(d) for d in graph.input_shape)
    order = "channels last" if layout == "nhwc" else "N × C × H × W"
    st.caption(f"The network's input: {shape} ({order}).")
    return own.Preprocessing(int(size), colour, scale, numbers(mean, "Mean"),
                             numbers(std, "Std"))


def image_input(source: sources.Source | None) -> np.ndarray | None:
    """The picture to send through: the sidebar's image (any source of the app), or a drawing.

    ``source`` is :func:`cnnviz.ui.sources.image_source`'s, drawn by the page before
    anything can stop it (so the sidebar and its link values are there on every run).
    """
    kind = st.radio("Image", ("From the sidebar", "Draw"), key="own_image", horizontal=True,
                    **k.KEEP, help="The sidebar offers photos, patterns, the lectures' matrices "
                                   "and your own upload.")
    if kind == "Draw":
        raw = drawing_canvas(key="own_canvas")
        if raw is None:
            st.info("Draw something to send it through the network.")
            return None
        try:
            return mnist_style(raw).image.astype(np.float64)
        except ValueError as err:
            st.info(f"Nothing to read yet: {err}.")
            return None
    if source is None:
        return None
    if source.note:
        st.caption(source.note)
    return np.asarray(source.image, dtype=np.float64)


def walked(net: Current, graph: Graph, x: np.ndarray) -> Walk:
    """The walk of ``x``, kept in this session for the same ONNX network and input.

    A named stack's graph is rebuilt from the user's settings on every run, so it is
    walked again (its layout and settings are part of what it is).
    """
    if net.loaded.graph is None:
        return walk(graph, x)
    key = (net.digest, hashlib.sha256(x.tobytes()).hexdigest(), x.shape)
    kept = st.session_state.get("own_walk")
    if kept is not None and kept[0] == key:
        return kept[1]
    run = walk(graph, x)
    st.session_state["own_walk"] = (key, run)
    return run


def layers_section(run: Walk) -> None:
    """The layers table and the total parameter count."""
    rows = own.layer_rows(run)
    st.dataframe(rows, hide_index=True, key="own_layers")
    total = sum(r["parameters"] for r in rows)
    st.metric("Parameters", f"{total:,}",
              help="(f_H·f_W·n_c^[l-1]/groups)·n_c^[l] + n_c^[l] per convolution; "
                   "inputs·outputs + outputs per dense layer.")
    if run.stopped:
        st.warning(f"The walk stopped: {run.stopped}. Everything before it is shown.")


def filters_section(graph: Graph) -> None:
    """The first convolution's filters as pictures, their numbers and their nearest kernel."""
    first = own.first_filters(graph)
    if first is None:
        st.info("This network has no convolution with weights in the file.")
        return
    st.markdown(own.FILTERS_TEXT)
    w = first.weights
    if w.shape[1] == 3:
        title = f"{len(w)} filters of “{first.step_name}” as colour patches (R, G, B)"
        charts.chart(st, image_figure(own.colour_mosaic(first.pictures), title=title),
                     key="own_filters_rgb")
    vol = np.stack(first.pictures if w.shape[1] != 3 else [f.sum(axis=0) for f in w], axis=2)
    labels = ([m.text for m in first.matches] if first.matches else None)
    charts.chart(st, maps_figure(vol, signed=True, labels=labels, height=230,
                                 title=f"The {len(w)} filters of “{first.step_name}”, "
                                       f"{w.shape[2]} × {w.shape[3]}, summed over "
                                       f"{w.shape[1]} input channel(s)"),
                 key="own_filters")
    if first.matches:
        charts.chart(st, maps_figure(preset_filters(first.matches), signed=True,
                                     labels=[m.preset_label for m in first.matches], height=230,
                                     title="The hand-made kernel each one is closest to"),
                     key="own_presets")
    pick = st.number_input(f"Filter to read (1–{len(w)})", 1, len(w), 1, key="own_filter",
                           **k.KEEP)
    f = w[int(pick) - 1]
    cols = st.columns(3)
    for c in range(min(f.shape[0], 3)):
        charts.chart(cols[c], grid_figure(f[c], title=f"filter {int(pick)}, input channel "
                                                       f"{c + 1}", show_numbers=True),
                     key=f"own_filter_numbers_{c}")
    if f.shape[0] > 3:
        st.caption(f"(the first 3 of its {f.shape[0]} input channels)")
    if first.matches:
        m = first.matches[int(pick) - 1]
        st.markdown(f"Nearest hand-made kernel: **{m.preset_label}**, cosine "
                    f"{m.similarity:.2f}.")


def maps_section(run: Walk, picture: np.ndarray, notes: tuple[str, ...]) -> None:
    """The input as the network sees it, then every layer's maps with its shape and formula."""
    charts.chart(st, image_figure(picture, title=f"The input: {show.shape_text(picture.shape)}"),
                 key="own_input")
    if notes:
        st.caption("Prepared: " + "; ".join(notes) + ".")
    for step in run.steps:
        vol = own.feature_volume(step)
        if vol is None:
            continue
        signed = bool((vol < 0).any())
        c = step.output.shape[1]
        shown = f"channels 1–{vol.shape[2]} of {c}" if c > vol.shape[2] else f"all {c} channels"
        charts.chart(st, grid_figure(own.mosaic(vol), show_numbers=False,
                                     mapping="diverging" if signed else "minmax",
                                     title=f"[{step.index}] {step.node.op} “{step.node.name}”: "
                                           f"{show.shape_text(step.output.shape[1:])} "
                                           f"({shown}, side by side)"),
                     key=f"own_maps_{step.index}")
        st.caption(own.shape_caption(step))


def prediction_section(run: Walk, names: tuple[str, ...]) -> list[own.Ranked]:
    """The top 5 classes, with names when the file has them."""
    top = own.top_classes(run, names)
    if not top:
        st.info("The walk did not reach a prediction"
                + (f": {run.stopped}" if run.stopped else " (the network's last output is "
                   "not a vector of class scores)."))
        return top
    left, right = st.columns([1, 2], gap="large")
    left.dataframe([{"class": r.name, "probability": round(r.probability, 4)} for r in top],
                   hide_index=True, key="own_top5")
    left.caption(own.prediction_note(run))
    with right:
        probability_chart(run, names)
    return top


def looks_at_section(net: Current, graph: Graph, run: Walk, x: np.ndarray,
                     top: list[own.Ranked]) -> None:
    """Occlusion (budgeted, with a progress bar and Stop) and, for the digit network, saliency."""
    if not top:
        st.info("What the network looks at needs a prediction.")
        return
    target = top[0]
    st.markdown(own.OCCLUSION_TEXT)
    h, w = x.shape[-2:]
    c1, c2, c3 = st.columns(3)
    patch = int(c1.number_input("Patch (pixels a side)", 1, max(1, min(h, w)),
                                max(1, min(h, w) // 7), key="own_patch", **k.KEEP))
    stride = int(c2.number_input("Stride", 1, max(1, min(h, w)), max(1, patch // 2),
                                 key="own_stride", **k.KEEP))
    fill = float(c3.number_input("Grey level of the patch (in the network's input units)",
                                 value=float(np.round(x.mean(), 3)), key="own_fill", **k.KEEP))
    budget = own.occlusion_budget(run, x, patch, stride)
    st.caption(f"Budget: {budget.positions:,} patch positions × "
               f"{own.big_number(budget.macs_per_pass)} multiply-adds per forward pass = "
               f"**{own.big_number(budget.total)} multiply-adds** for this map "
               f"(limit {own.big_number(OCCLUSION_BUDGET)}).")
    key = (net.digest, hashlib.sha256(x.tobytes()).hexdigest(), patch, stride, fill,
           target.index)
    done = st.session_state.get("own_occ")
    over = budget.total > OCCLUSION_BUDGET
    if over:
        st.warning("Too many multiply-adds for one map: raise the stride or the patch.")
    st.button("Compute the occlusion map", key="own_occ_start", disabled=over,
              on_click=st.session_state.__setitem__, args=(_OCC_ASKED, True))
    if st.session_state.pop(_OCC_ASKED, False) and not over:
        stop_col, bar_col = st.columns([1, 4])
        stop_col.button("Stop", key="own_occ_stop")  # a click reruns: this run ends here
        bar = bar_col.progress(0.0, text="Occluding …")
        heat = occlusion(graph, x, target.index, patch=patch, stride=stride, fill=fill,
                         progress=lambda f: bar.progress(f, text=f"Occluding … {f:.0%}"))
        st.session_state["own_occ"] = (key, heat)
        done = (key, heat)
    if done is not None and done[0] == key and done[1] is not None:
        charts.chart(st, grid_figure(done[1], show_numbers=False, mapping="diverging",
                                     title=f"Occlusion: how p({target.name}) falls, "
                                           f"{done[1].shape[0]} × {done[1].shape[1]} positions"),
                     key="own_occlusion")
    elif done is not None and done[0] != key:
        st.caption("The settings changed since the last map: compute it again.")
    if net.sample and x.shape == (1, 1, 28, 28):
        st.markdown(own.SALIENCY_TEXT)
        model = load_model()
        grad, t, _ = nn.saliency(model.params, model.spec, x[0].transpose(1, 2, 0))
        charts.chart(st, grid_figure(grad[:, :, 0], show_numbers=False, mapping="diverging",
                                     title=f"Gradient saliency ∂p({t})/∂x, 28 × 28"),
                     key="own_saliency")


def probability_chart(run: Walk, names: tuple[str, ...]) -> None:
    """The ten digits' probabilities as bars, for a network whose classes are the digits."""
    probs = own.probabilities(run)
    if probs is not None and len(probs) == 10 and names == tuple("0123456789"):
        charts.chart(st, probability_svg(probs), key="own_probs")

