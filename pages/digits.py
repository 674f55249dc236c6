"""A small CNN on handwritten digits: its layers, its training, its filters and feature maps."""

import streamlit as st

from cnnviz.core.layers import total_params
from cnnviz.core.nn import describe
from cnnviz.data.digits import mnist_style
from cnnviz.data.images import load_image
from cnnviz.lessons import digits as dg
from cnnviz.plots.figures import image_figure
from cnnviz.plots.learning import training_figure
from cnnviz.ui import cached, charts, later, learning, router, show
from cnnviz.ui import state as k
from cnnviz.ui.canvas import drawing_canvas

router.ensure_routed()
st.title("A small CNN on handwritten digits")
show.intro(
    "Every lecture opens with MNIST: 28 × 28 grey digits, ten classes, one-hot targets. This "
    "network learned its kernels from 4,000 of them, in NumPy, with the app's own arithmetic: "
    "convolutions, ReLU, max pooling, a dense layer and a softmax. See what its first layer "
    "learned, follow one digit through every layer, and draw your own."
)

data = cached.digit_split()
shipped = cached.shipped_model()
retrained = st.session_state.get(learning.MODEL)
learning.show_new_training()  # before the radio: a run just trained is the one shown
which = "shipped"
if retrained is not None:
    which = st.radio("Weights", ("shipped", "retrained"), key="cnn_weights", horizontal=True,
                     format_func=lambda w: {"shipped": "shipped with the app (seed 0)",
                                            "retrained": "trained again in this session"}[w])
model = retrained if which == "retrained" and retrained is not None else shipped

st.header("The network")
rows = dg.layer_rows(model.spec)
left, right = st.columns([3, 2], gap="large")
left.dataframe([{"layer": f"[{r.index}]", "what": r.label, "output shape": r.shape,
                 "parameters": r.params, "counted as": r.formula} for r in rows],
               hide_index=True, key="cnn_layers")
right.metric("Parameters to learn", f"{total_params(describe(model.spec)):,}")
right.markdown("Shapes and counts come from the app's layer code (`cnnviz.core.layers."
               "propagate`), the same as on *Shapes and parameters*. Each convolution is "
               "$3 \\times 3$ with padding 1 (\"same\"), so only the pools shrink the maps: "
               "$28 \\to 14 \\to 7$. The last maps, $7 \\times 7 \\times 16 = 784$ numbers, "
               "are flattened into the dense layer's input; a softmax turns its ten outputs "
               "into probabilities.")

st.header("Training")
history = model.history
charts.chart(st, learning.history_chart(history, which), key="cnn_history")
st.caption(dg.training_caption(history, len(data.y_train), len(data.y_test)))
with st.expander("Train again, live, from new random weights"):
    c1, c2, c3 = st.columns([1, 1, 2])
    epochs = c1.number_input("Epochs (passes over the 4,000 digits)", 1, 12, 2,
                             key="cnn_epochs", **k.LINK)
    seed = c2.number_input("Seed", 0, 9999, 1, key="cnn_seed", **k.LINK)
    c3.markdown(dg.TRAINING_TEXT)
    st.button("Train again", key="cnn_train", type="primary", on_click=learning.ask_to_train)
    if learning.training_asked():
        progress = st.progress(0.0, text="Starting …")
        slot = st.empty()
        trained = learning.train_live(
            epochs=int(epochs), seed=int(seed), progress=progress,
            chart=lambda h, total: slot.plotly_chart(training_figure(
                h.steps, h.loss, h.train_accuracy, h.epoch_steps, h.test_accuracy,
                total=total, title="Training live")))
        learning.keep_training(trained)
        st.rerun()

later.fold(height=3500)  # the filters, one digit and the test digits lie below the first screen
st.header("What the first layer learned")
matches = dg.match_filters(model.params["W1"])
st.markdown(dg.FILTERS_TEXT)
learned_filters, preset_filters = learning.filter_charts(matches)
charts.chart(st, learned_filters, key="cnn_filters")
charts.chart(st, preset_filters, key="cnn_presets")

st.header("One digit, layer by layer")
pick, shown = st.columns([1.1, 2], gap="large")
with pick:
    kind = st.radio("Digit", ("Test digit", "Draw", "Upload"), key="cnn_src", horizontal=True,
                    **k.LINK)
    label = None
    digit = None
    steps = ()
    if kind == "Test digit":
        index = st.number_input(f"Test digit number (0–{len(data.y_test) - 1})", 0,
                                len(data.y_test) - 1, 0, key="cnn_digit", **k.LINK)
        digit, label = data.x_test[index], int(data.y_test[index])
        st.caption(f"Its label: **{label}**. These 1,000 digits were never used in training.")
    else:
        if kind == "Draw":
            raw = drawing_canvas(key="cnn_canvas")
            st.caption("Draw with the mouse, a pen or a finger; the prediction follows each "
                       "stroke.")
        else:
            upload = st.file_uploader("A picture of one digit", key="cnn_upload",
                                      type=["png", "jpg", "jpeg", "gif", "bmp", "webp"])
            raw = None
            if upload is not None:
                try:
                    raw = load_image(upload.getvalue(), mode="gray", max_side=512)
                except ValueError as err:
                    st.error(f"Could not use {upload.name!r}: {err}")
        if raw is not None:
            try:
                prepared = mnist_style(raw)
            except ValueError as err:
                st.info(f"Nothing to read yet: {err}.")
            else:
                digit, steps = prepared.image, prepared.steps
                st.caption("Prepared as MNIST's digits were: " + "; ".join(prepared.notes) + ".")
if digit is None:
    shown.info("Draw a digit (or upload one) to see what the network makes of it.")
    show.stop()

if steps:
    with st.expander("How your picture was prepared, step by step", expanded=kind == "Upload",
                     icon=":material/tune:"):
        cols = st.columns(3)
        for i, (step_title, picture) in enumerate(steps):
            charts.chart(cols[i % 3], cached.figure(image_figure, picture, title=step_title,
                                                    height=240), key=f"cnn_step_{i}")
maps = dg.feature_maps(model, digit)
probs = maps[-1].values
with shown:
    a, b = st.columns([1, 2])
    input_chart, probs_chart = learning.digit_charts(digit, probs, label)
    charts.chart(a, input_chart, key="cnn_input")
    charts.chart(b, probs_chart, key="cnn_probs")
    st.markdown(dg.prediction_text(probs, label))
for layer in dg.spatial_maps(maps):
    charts.chart(st, learning.layer_chart(layer, learning.layer_title(layer)),
                 key=f"cnn_maps_{layer.index}")
st.caption(dg.MAPS_TEXT)

st.header("On the 1,000 held-out test digits")
ev = cached.evaluation(model)
c1, c2 = st.columns([1, 1.3], gap="large")
c1.metric("Test accuracy", f"{ev.accuracy:.1%}", help="Digits never used in training.")
confusion_chart, mistakes_chart = learning.evaluation_charts(ev, data.x_test)
charts.chart(c1, confusion_chart, key="cnn_confusion")
charts.chart(c2, mistakes_chart, key="cnn_mistakes")
c2.caption("Each caption: true → predicted (probability). Enter a number under *Test digit* "
           "above to follow one through the network.")
