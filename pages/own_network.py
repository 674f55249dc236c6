"""Your own network: load trained weights, see the filters, every feature map and the prediction."""

import streamlit as st

from cnnviz.lessons import own_network as own
from cnnviz.ui import own_network as ui
from cnnviz.ui import router, show, sources

router.ensure_routed()
st.title("Your own network")
show.intro(own.INTRO)

source = sources.image_source()  # the sidebar first: it is there even before a network is
net = ui.current()
if net is None:
    st.info("Upload your network's weights, or try the sample network (the app's own digit "
            "CNN) with one click.")
    show.stop()
graph = ui.network_graph(net)
if graph is None:
    show.stop()

st.header("Preprocessing")
prep = ui.preprocessing(graph)
image = ui.image_input(source)
if image is None:
    show.stop()
try:
    prepared = own.prepare(image, graph, prep)
except ValueError as err:
    st.error(f"This image cannot be prepared for the network: {err}")
    show.stop()
run = ui.walked(net, graph, prepared.tensor)

st.header("The layers")
st.caption(own.OPERATORS_TEXT)
ui.layers_section(run)

st.header("First-layer filters")
ui.filters_section(graph)

st.header("Your image, layer by layer")
ui.maps_section(run, prepared.picture, prepared.notes)

st.header("The prediction")
top = ui.prediction_section(run, graph.class_names)

st.header("What the network looks at")
ui.looks_at_section(net, graph, run, prepared.tensor, top)
