"""Playground: any image, any kernel, every hyperparameter; the feature map and its shape."""

import functools

import streamlit as st

from cnnviz.core.activations import activate
from cnnviz.core.kernels import flip, stack_channels
from cnnviz.data.pixels import in_unit_range
from cnnviz.ui import (
    cached,
    charts,
    in_code,
    kernel,
    presenter,
    router,
    settings,
    show,
    sources,
)
from cnnviz.ui.downloads import csv_file, png_file

router.ensure_routed()
st.title("Convolution playground")
show.intro(
    "A convolutional layer slides a filter of size $f \\times f$ over the input $a^{[l-1]}$: "
    "at each position it multiplies element-wise, sums, adds the bias $b$ and applies the "
    "activation. Pick an image and a kernel, set padding $p$, stride $s$ and dilation $d$, and "
    "see the feature map, its shape $n_H^{[l]} \\times n_W^{[l]}$ and the formula that gives it."
)

source = sources.image_source()


@show.fragment
def workbench(source: sources.Source | None) -> None:
    """Kernel, layer and results: a kernel or layer change reruns only this part."""
    # Presenter mode: more of the width for the maps, so their numbers are larger.
    controls, results = st.columns([1, 2.8] if presenter.on() else [1, 2], gap="large")
    with controls:
        st.subheader("Kernel")
        if source is not None and source.kernel is not None:
            st.button("Use this matrix's lecture settings", key="use_lecture_kernel",
                      on_click=kernel.use_lecture, args=(source,),
                      help="Its kernel, bias, padding and stride, as the lecture computes it.")
        k = kernel.kernel_editor()
        summed = source is not None and source.image.ndim == 3 and kernel.colour_mode()
        st.subheader("Layer")
        cfg = settings.conv_settings()
        if cfg.flip and k is not None:
            charts.chart(st, cached.grid_figure(
                flip(k), title="k turned by 180°: what true convolution slides over a",
                mapping="diverging", colorbar=False, height=220), key="pg_turned")
        pool = settings.pool_settings()

    if source is None:
        show.stop()

    with results:
        if k is None:
            st.error(kernel.BAD_CELL)
            k = kernel.last_good()
        image = source.image
        try:
            geom = cfg.geometry(image.shape, k.shape)
            z = cached.conv2d(image, stack_channels(k, 3) if summed else k, cfg.bias,
                              **cfg.conv_kwargs)
            a = activate(z, cfg.activation, slope=cfg.slope)
        except ValueError as err:
            st.error(f"These settings do not fit this image: {err}")
            show.stop()
        pooled = None
        try:
            if pool is not None:
                pooled = cached.pool2d(a, pool["size"], stride=pool["stride"], mode=pool["mode"])
        except ValueError as err:
            st.error(f"Pooling does not fit this feature map: {err}")
        if source.note:
            st.info(source.note)
        mapping = settings.mapping_picker(kernel_sum=float(k.sum()),
                                          unit_input=in_unit_range(image))
        # Flip on: true convolution, a ∗ k, which slides the kernel turned by 180°.
        title = ("Convolution z = a ∗ k + b" if cfg.flip
                 else "Feature map z = a ⋆ k + b")
        maps = [(title, z), (f"Activation g(z), g = {cfg.activation}", a)]
        if pooled is not None:
            maps.append((f"{pool['mode']} pooled", pooled))
        channel = show.feature_maps(image, maps, mapping, key="pg")
        st.markdown(f"**Output shape** $n_H^{{[l]}} \\times n_W^{{[l]}} = "
                    f"{show.shape_text(z.shape[:2])}$ from input "
                    f"{show.shape_text(image.shape[:2])}, "
                    f"$f = {k.shape[0]}\\times{k.shape[1]}$, padding {geom.padding}, "
                    f"stride {geom.stride}, dilation {geom.dilation}:")
        show.shape_formulas(geom)
        # An SVG, not a Plotly chart: it redraws on every kernel change (cnnviz.plots.histogram).
        charts.svg(st, cached.histogram_svg(show.plane(z, channel),
                                            title="Raw values of the feature map"), key="pg_hist")
        # Each download is named after what it holds: z, and g(z) when an activation is on.
        d1, d2, d3 = st.columns(3)
        d1.download_button("Feature map z (PNG)", png_file(show.plane(z, channel), mapping),
                           "feature_map_z.png", mime="image/png", key="dl_png")
        d2.download_button("Feature map z (CSV)", csv_file(z), "feature_map_z.csv",
                           mime="text/csv", key="dl_csv")
        d3.download_button("Kernel (CSV)", csv_file(k), "kernel.csv", mime="text/csv",
                           key="dl_kernel")
        if cfg.activation != "none":
            g1, g2, _ = st.columns(3)
            g1.download_button("Activation g(z) (PNG)",
                               png_file(show.plane(a, channel), mapping),
                               f"activation_{cfg.activation}.png", mime="image/png",
                               key="dl_png_g")
            g2.download_button("Activation g(z) (CSV)", csv_file(a),
                               f"activation_{cfg.activation}.csv", mime="text/csv",
                               key="dl_csv_g")
    # Full width, below both columns: code needs the room.
    in_code.code_panel(image, stack_channels(k, 3) if summed else k, cfg, key="pg",
                       load=functools.partial(in_code.load_lines, image),
                       pool=pool if pooled is not None else None)


workbench(source)
