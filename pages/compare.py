"""Side by side: two kernels or two settings on one image, one colour scale, their difference."""

import streamlit as st

from cnnviz.core.kernels import kernel_choices
from cnnviz.data.pixels import in_unit_range
from cnnviz.lessons.compare import SideSpec, compare_sides, difference_words, size_words
from cnnviz.ui import charts, grid, links, presenter, router, settings, show, sources
from cnnviz.ui import state as k
from cnnviz.ui.cached import grid_figure, image_figure

router.ensure_routed()
st.title("Side by side")
show.intro(
    "Change one thing and see what it does: the same image $a^{[l-1]}$ goes through two "
    "layers, **A** and **B**. Both feature maps use **one colour scale**, so one colour means "
    "one value on both, and the difference map $A - B$ shows where they disagree. Start from a "
    "comparison below or set each side yourself."
)

KERNELS = kernel_choices(5)
TYPED = "typed"
PADDINGS = ("valid", "same", "full")
# What each quick comparison sets: (kernel, padding, stride, pad mode, flip) per side.
PRESETS = {
    "Two kernels": (("sobel_x", "same", 1, "zeros", False),
                    ("sobel_y", "same", 1, "zeros", False)),
    "valid vs same": (("sobel_x", "valid", 1, "zeros", False),
                      ("sobel_x", "same", 1, "zeros", False)),
    "stride 1 vs 2": (("sobel_x", "same", 1, "zeros", False),
                      ("sobel_x", "same", 2, "zeros", False)),
    "no flip vs flip": (("asymmetric_3", "same", 1, "zeros", False),
                                   ("asymmetric_3", "same", 1, "zeros", True)),
    "zeros vs reflect": (("box_blur_5", "same", 1, "zeros", False),
                                ("box_blur_5", "same", 1, "reflect", False)),
}
DEFAULTS = PRESETS["Two kernels"]


def use_preset(name: str) -> None:
    """Set both sides to a quick comparison (a callback, before the widgets are drawn)."""
    for side, (kern, pad, stride, mode, flip) in zip("AB", PRESETS[name], strict=True):
        st.session_state[k.CMP_KERNEL[side]] = kern
        st.session_state[k.CMP_PAD[side]] = pad
        st.session_state[k.CMP_STRIDE[side]] = stride
        st.session_state[k.CMP_PAD_MODE[side]] = mode
        st.session_state[k.CMP_FLIP[side]] = flip


def side_controls(side: str, default: tuple) -> SideSpec:
    """One side's kernel and layer settings, every one in the link."""
    kern, pad, stride, mode, flip = default
    controls, shown = st.columns([1.5, 1])
    with controls:
        name = links.select(f"Kernel {side}", [*KERNELS, TYPED], key=k.CMP_KERNEL[side],
                            default=kern, format_func=lambda n: ("Type your own" if n == TYPED
                                                                 else KERNELS[n].title))
        if name == TYPED:
            values = grid.typed_matrix(f"Kernel {side}: one row per line",
                                        key=k.CMP_TYPED[side], link=k.CMP_TYPED_LINK[side],
                                        default="1 0 -1\n2 0 -2\n1 0 -1", name="kernel",
                                        max_side=11, height=110)
            title = "your kernel"
        else:
            values, title = KERNELS[name].values, KERNELS[name].title
        padding = st.radio(f"Padding {side}", PADDINGS, index=PADDINGS.index(pad),
                           key=k.CMP_PAD[side], horizontal=True, **k.LINK,
                           help="valid: p = 0. same: the map keeps ⌈n/s⌉. full: every partial "
                                "overlap.")
        turned = st.toggle(f"Flip {side} (true convolution)", value=flip, key=k.CMP_FLIP[side],
                           **k.LINK, help="Off: cross-correlation, as CNNs compute. On: the "
                                          "kernel turned by 180° first.")
    charts.chart(shown, grid_figure(values, title=f"Kernel {side}", mapping="diverging",
                                   colorbar=False, height=220, digits=3),
                       key=f"cmp_kernel_{side}")
    a, b = st.columns(2)
    step = a.number_input(f"Stride {side}", 1, 8, stride, key=k.CMP_STRIDE[side], **k.LINK)
    pad_mode = b.selectbox(f"Pad with ({side})", settings.PAD_MODES,
                           index=settings.PAD_MODES.index(mode), key=k.CMP_PAD_MODE[side],
                           **k.LINK, help="What the padding ring holds: zeros, a mirror "
                                          "(reflect), the edge (replicate) or the far side "
                                          "(circular).")
    return SideSpec(values, title, padding=padding, stride=int(step), pad_mode=pad_mode,
                    flip=bool(turned))


source = sources.image_source()
# Presenter mode: the two maps and their difference first, the settings of A and B below.
first, second = st.container(), st.container()
controls, results = (second, first) if presenter.on() else (first, second)
with controls:
    st.markdown("**Quick comparisons**")
    for col, name in zip(st.columns(len(PRESETS)), PRESETS, strict=True):
        col.button(name, key=f"cmp_preset_{name}", on_click=use_preset, args=(name,),
                   width="stretch")

    specs = {}
    for col, side, default in zip(st.columns(2, gap="large"), "AB", DEFAULTS, strict=True):
        with col:
            st.subheader(f"Side {side}")
            specs[side] = side_controls(side, default)
if source is None:
    show.stop()
try:
    cmp = compare_sides(source.image, specs["A"], specs["B"])
except ValueError as err:
    st.error(f"These settings do not fit this image: {err}")
    show.stop()

with results:
    same_sum = float(cmp.a.kernel.sum()) if cmp.a.kernel.sum() == cmp.b.kernel.sum() else 0.0
    words, how = st.columns([1, 1], gap="large")
    with how:
        mapping = settings.mapping_picker(kernel_sum=same_sum,
                                          unit_input=in_unit_range(cmp.image))
    with words:
        st.markdown("**What differs:** " + ("; ".join(cmp.differs) if cmp.differs else
                                            "nothing: A and B are the same layer."))
        if source.image.ndim == 3:
            st.caption("The colour image is compared in grey (mean of R, G, B), so each side is "
                       "one map.")

    maps = st.columns(3)
    for col, s in zip(maps[:2], (cmp.a, cmp.b), strict=True):
        charts.chart(col, grid_figure(s.values,
                                      title=f"{s.name}: {show.shape_text(s.values.shape)}",
                                      mapping=mapping, limits=cmp.limits),
                     key=f"cmp_map_{s.name}")
        col.caption(s.label)
    if cmp.difference is not None:
        charts.chart(maps[2], grid_figure(cmp.difference, title="Difference A − B",
                                         mapping="diverging"), key="cmp_diff")
        maps[2].caption(difference_words(cmp) + " Its own scale, centred on 0: blue where B is "
                        "larger, red where A is larger.")
    else:
        maps[2].warning(cmp.mismatch, icon=":material/compare_arrows:")

st.subheader("The input and the output sizes")
picture, *formulas = st.columns([0.8, 1, 1], gap="large")
charts.chart(picture, image_figure(cmp.image, title=f"Input a: {show.shape_text(cmp.image.shape)}",
                                  height=260), key="cmp_input")
for col, s in zip(formulas, (cmp.a, cmp.b), strict=True):
    with col:
        st.markdown(f"**{s.name}**: {size_words(s)}")
        show.shape_formulas(s.geometry)
