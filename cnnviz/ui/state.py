"""Session-state keys, in one place, so pages, links and tests agree on them.

A widget's key is also its name in the link (the URL's query string), so the
keys are short and readable: ``?src=Pattern&pattern=checkerboard&s_h=2``.

Two ways of keeping a widget's value, both Streamlit's own:

- :data:`LINK`: the value lives in the URL (``bind="query-params"``) and so
  survives a reload, travels in a shared link and comes back after a visit to
  another page. For everything that defines what a page shows.
- :data:`KEEP`: the value survives page switches (``persist_state="session"``)
  but stays out of the URL: controls whose state the link carries another way
  (the kernel's preset box and size, which follow the kernel's values).

Values a widget cannot hold (the data editors' tables, an upload, the
animation's step) are kept and linked by :mod:`cnnviz.ui.links`.

Widget keys are unique across the whole app: two pages that drew widgets under
one key would share a value.
"""

from __future__ import annotations

from types import MappingProxyType

#: Bind to the URL and keep across pages.
LINK = MappingProxyType({"bind": "query-params", "persist_state": "session"})
#: Keep across pages, not in the URL.
KEEP = MappingProxyType({"persist_state": "session"})

# Set by router.NoSuchPage's redirect: the path that named no page.
NO_PAGE = "nopage"

# Image source (sidebar, every page).
SOURCE = "src"
PHOTO = "photo"
UPLOAD = "upload"
PATTERN = "pattern"
LECTURE = "lecture"
COLOUR = "channels"
MAX_SIDE = "size"

# Kernel (playground and animation). Its values travel as links.KERNEL.
KERNEL_PRESET = "preset"
KERNEL_ROWS = "kernel_rows"
KERNEL_COLS = "kernel_cols"
GEN_KIND = "gen_kind"
GEN_SIZE = "gen_size"
GEN_SIGMA = "gen_sigma"

# Convolution hyperparameters (playground and animation).
PAD_KIND = "pad"
PAD_TOP, PAD_BOTTOM, PAD_LEFT, PAD_RIGHT = "pad_t", "pad_b", "pad_l", "pad_r"
PAD_MODE = "pad_mode"
STRIDE_H, STRIDE_W = "s_h", "s_w"
DIL_H, DIL_W = "d_h", "d_w"
FLIP = "flip"
BIAS = "bias"
ACTIVATION = "act"
SLOPE = "slope"
POOL_ON, POOL_MODE, POOL_SIZE, POOL_STRIDE = "pool", "pool_mode", "pool_size", "pool_stride"
MAPPING = "show"
COLOUR_MODE = "colour_mode"

# Practice (the quiz): the question's kind, number and difficulty make it, so they are the link.
QUIZ_KIND, QUIZ_SEED, QUIZ_LEVEL = "q", "q_seed", "q_level"
# Step by step's "predict the next value" switch.
PREDICT = "predict"

# Side by side: each setting of side A and side B (the kernels travel as
# links.select choices, a typed kernel as its cells).
CMP_KERNEL = MappingProxyType({"A": "a_k", "B": "b_k"})
CMP_TYPED = MappingProxyType({"A": "a_typed", "B": "b_typed"})
CMP_TYPED_LINK = MappingProxyType({"A": "a_m", "B": "b_m"})
CMP_PAD = MappingProxyType({"A": "a_pad", "B": "b_pad"})
CMP_STRIDE = MappingProxyType({"A": "a_s", "B": "b_s"})
CMP_PAD_MODE = MappingProxyType({"A": "a_mode", "B": "b_mode"})
CMP_FLIP = MappingProxyType({"A": "a_flip", "B": "b_flip"})

# Presenter mode (sidebar, every page): projector sizes, see cnnviz.ui.presenter.
PRESENT = "present"
