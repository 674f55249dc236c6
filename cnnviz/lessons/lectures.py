"""The five lectures as ordered lists of their worked examples: one link each.

``shared/TEACHING.md`` numbers 47 worked examples, lecture by lecture, in each
lecture's own order (the transcripts are the authority). Each becomes an
:class:`Example`: a page of the app and the settings that show it, as a query
string, so that every example is one click and one link, and whatever follows
a list (Next and Previous, a handout, a class that follows the teacher) needs
nothing but ``page`` and ``query``.

Some examples go one step further on the same numbers (the rectangle's wᵀx,
then + w0 and ReLU; lecture 004's two pooling maps): those steps are
:attr:`Example.further`, each a page and a query string too.

>>> len(EXAMPLES), [len(LECTURES[n].examples) for n in LECTURES]
(47, [12, 9, 6, 7, 13])
>>> find("002.5").page, dict(find("002.5").query)["lecture"]
('pooling', 'max_pool_4x4')
>>> neighbours("000.12")
('000.11', '001.1')
>>> href(find("004.5"))
'./?src=Lecture&lecture=stride_10x10&ex=004.5'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import urlencode

__all__ = ["EXAMPLES", "LECTURES", "Example", "Lecture", "Step", "find", "href", "neighbours",
           "steps"]

#: The link's name for "which example this page shows" (its id, "002.1").
PARAM = "ex"


@dataclass(frozen=True)
class Step:
    """One view: a page (its file name in ``pages/`` without ``.py``) and its settings.

    ``query`` is the link's query string as (name, value) pairs, the names being
    the app's own link names (``cnnviz.ui.state``): opening the page with it
    shows the view, in a fresh browser or a student's.
    """

    id: str
    title: str
    page: str
    query: tuple[tuple[str, str], ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Example(Step):
    """A numbered worked example of a lecture (``id`` "002.1": lecture 002, number 1).

    ``further`` are the steps the lecture takes next on the same example.
    """

    lecture: str = ""
    number: int = 0
    further: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Lecture:
    """One lecture: its number, its title and source, and its examples in order."""

    number: str
    title: str
    source: str
    examples: tuple[Example, ...]


def _q(**settings: object) -> tuple[tuple[str, str], ...]:
    return tuple((name, str(value).lower() if isinstance(value, bool) else str(value))
                 for name, value in settings.items())


def _lecture(**settings: object) -> tuple[tuple[str, str], ...]:
    return _q(src="Lecture", **settings)


_RECTANGLE_NEURON = "Then + w0 = −4 and ReLU: only the top-right corner survives"


def _examples(lecture: str, rows: list[tuple]) -> tuple[Example, ...]:
    out = []
    for number, row in enumerate(rows, start=1):
        title, page, query, *rest = row
        note = rest[0] if rest else ""
        further = tuple(Step(f"{lecture}.{number}{chr(ord('a') + i)}", *f)
                        for i, f in enumerate(rest[1] if len(rest) > 1 else ()))
        out.append(Example(f"{lecture}.{number}", title, page, query, note, lecture, number,
                           further))
    return tuple(out)


def _counts(example_id: str) -> tuple[tuple[str, str], ...]:
    return _q(shp_first="dense vs convolution", shp_counts=example_id)


_COMPARE_EDGES = _q(src="Photo", photo="camera", a_k="horizontal_edge", b_k="vertical_edge")

LECTURES: Mapping[str, Lecture] = MappingProxyType({lec.number: lec for lec in (
    Lecture("000", "Convolutional networks: motivation, building blocks, shapes",
            "Lecture 10, Béla J. Szekeres, ELTE", _examples("000", [
                ("MNIST and CIFAR-10: a dense net has 3,083,010 ≈ 3M parameters", "shapes",
                 _counts("000.1"),
                 "3072·1000 + 1000·10 + 1000 + 10."),
                ("The sharpen kernel on a photo", "playground",
                 _q(src="Photo", photo="chelsea", k="sharpen")),
                ("The blur kernel (all ones) on a photo", "playground",
                 _q(src="Photo", photo="chelsea", k="box_ones_3")),
                ("The edge detection kernel on a photo", "playground",
                 _q(src="Photo", photo="chelsea", k="laplacian_4")),
                ("How does a kernel work? The digit one, filled step by step", "animation",
                 _lecture(lecture="digit_one")),
                ("Max pooling and average pooling", "pooling",
                 _q(src="Photo", photo="camera", size=16),
                 "The lecture shows figures; switch Mode to avg for average pooling."),
                ("Flattening: the last maps become one vector for a dense network", "shapes",
                 _q(shp_first="network", shp_preset="lenet5"),
                 "LeNet-5's FLATTEN row turns the last 1 × 1 × 120 maps into "
                 "120 values."),
                ("Convolution over a colour volume", "colour",
                 _lecture(lecture="vertical_edge")),
                ("Padding with zeros", "playground",
                 _lecture(lecture="digit_one", pad="same"),
                 "p = 1 zeros around the 7 × 7: the map stays 7 × 7."),
                ("Stride: a 7 × 7 input, f = 3, s = 2 gives 3 × 3", "animation",
                 _lecture(lecture="digit_one", s_h=2, s_w=2)),
                ("Shape calculations: ⌊(n + 2p − f)/s⌋ + 1", "shapes",
                 _q(shp_n=7, shp_f=3, shp_s=2)),
                ("Example: LeNet-5", "shapes", _q(shp_first="network", shp_preset="lenet5")),
            ])),
    Lecture("001", "Convolutional networks: working with images, trainable kernels",
            "Machine Learning and Data Mining 2023, Abdalaziz Al-Maeni, HSE", _examples("001", [
                ("A 640 × 480 colour image: almost 1M inputs; 100 units: 100M parameters",
                 "shapes", _counts("001.1"),
                 "Exactly 921,600 inputs and 92,160,000 weights beside the "
                 "lecture's round figures."),
                ("Translational symmetry: a map of probabilities", "playground",
                 _q(src="Typed", m="0.001,0.003,0.876;0,0.002,0.001", k="1"),
                 "The lecture's output map, typed in; a 1 × 1 kernel [1] shows it as it is."),
                ("2D convolution: Output(i, j) = Σ Input · Kernel", "animation",
                 _q(src="Pattern", pattern="square", size=16, grid=8, k="box_ones_3")),
                ("Blur: the 5 × 5 Gaussian / 273", "playground",
                 _q(src="Photo", photo="coffee", k="gaussian_5")),
                ("Sharpen", "playground", _q(src="Photo", photo="coffee", k="sharpen")),
                ("Edge detection: the 8-neighbour kernel", "playground",
                 _q(src="Photo", photo="coffee", k="laplacian_8")),
                ("2D convolution as a matrix multiplication", "matrix", ()),
                ("Input and output channels: the kernel becomes 4-D", "colour",
                 _q(src="Photo", photo="chelsea", channels="Colour", size=32, cv_filters=4,
                    cv_first="the bank"),
                 "Four filters of 3 × 3 × 3: a 3 × 3 × 3 × 4 kernel, four output channels."),
                ("Padding, stride and dilation", "playground",
                 _lecture(lecture="digit_one", pad="same", s_h=2, s_w=2),
                 "Padding and stride here; dilation spreads the taps (Transposed convolution "
                 "and dilation, or d in the Layer settings)."),
            ])),
    Lecture("002", "Convolutional neural networks", "Machine Learning, Matteo Leonetti",
            _examples("002", [
                ("Filter application: the rectangle, wᵀx", "animation",
                 _lecture(lecture="rectangle_wtx"),
                 "The lecture's printed map is wᵀx; w0 and the activation are the next step.",
                 [(_RECTANGLE_NEURON, "animation", _lecture(lecture="rectangle"))]),
                ("Padding (zeros) and stride (> 1 downsamples)", "playground",
                 _lecture(lecture="rectangle_wtx", pad="same", s_h=2, s_w=2)),
                ("32 × 32 × 3, ten 5 × 5 × 3 filters: a 32 × 32 × 10 volume", "shapes",
                 _q(shp_n=32, shp_f=5, shp_s=1, shp_pad="custom", shp_p=2, shp_nh=32, shp_nw=32,
                    shp_nc=3, stack="conv,10,5,1,2,,", shp_first="network"),
                 "The lecture does not say the padding: 32 × 32 out of a 5 × 5 filter needs "
                 "p = 2 (\"same\"), set here."),
                ("ReLU: negative values become 0", "playground",
                 _q(src="Photo", photo="camera", k="laplacian_4", act="relu")),
                ("(Max) pooling: the rectangle map's top-left 4 × 4", "pooling",
                 _lecture(lecture="max_pool_4x4")),
                ("Architectures: AlexNet (60 million parameters), VGG16, Inception", "shapes",
                 _q(shp_first="network", shp_preset="alexnet"),
                 "VGG16 is the next preset (138 million); Inception is not built here."),
            ])),
    Lecture("003", "Convolutional neural networks",
            "Deep learning and machine learning in science, Bálint Ármin Pataki",
            _examples("003", [
                ("200 × 200 fully connected: 1.6·10⁹ parameters, 6.4 GB", "shapes",
                 _counts("003.1"),
                 "And 57.6 GB for an RGB image."),
                ("The filter on a symbolic 6 × 6 image: a′₁₁ = Σ w·a", "matrix",
                 # The lecture names an output after its window's centre: its a′₁₁ sums
                 # a₀₀ … a₂₂, which is output cell (0, 0) counted from 0, as the page counts.
                 _q(mx_side=6, mx_row=0, mx_col=0),
                 "The lecture's a′₁₁ is named after its window's centre a₁₁; counted from 0, "
                 "as here, it is output cell (0, 0): row 0 of W holds the nine weights that "
                 "meet a₀₀ … a₂₂."),
                ("Horizontal and vertical edges, all edges, smoothing", "compare",
                 _COMPARE_EDGES),
                ("The floor: n = 6, p = 1, f = 3, s = 5 gives 2 × 2", "playground",
                 _lecture(lecture="floor_6x6")),
                ("Parameters: f·f·n_c + 1 per filter; 1.4·10¹⁰ dense against 84", "shapes",
                 _counts("003.5"),
                 "1.4·10¹⁰ for a dense RGB layer against 84 for three 3 × 3 × 3 filters."),
                ("Max pooling: a′₁₁ = max(…), stride = pool size", "pooling",
                 _q(src="Pattern", pattern="circle", size=16),
                 "Pick any output cell: its window and max(…) are shown under the maps."),
                ("Three 3 × 3 against one 7 × 7: 30 parameters against 50", "receptive_field",
                 _q(rf_first="three 3×3 vs one 7×7")),
            ])),
    Lecture("004", "Convolution neural networks (CNN)", "Session 15, Pramod Sharma",
            _examples("004", [
                ("150 × 150 × 3 = 67,500 inputs: W[1] is 67,500 × 1000", "shapes",
                 _counts("004.1"),
                 "The last two rows: 67,500 inputs and 67,500,000 weights."),
                ("What does this kernel do? [[0,1,0],[1,4,1],[0,1,0]] and two more",
                 "compare",
                 _q(src="Photo", photo="camera", a_k="puzzle_a", b_k="puzzle_b"),
                 "The third, [[0,-1,0],[-1,4,-1],[0,-1,0]], is Laplacian (4-neighbour, "
                 "negated) in the kernel lists."),
                ("Convolution on 3D images: 0 at steps 1, 2 and 6; 225 at steps 4 and 5",
                 "colour", _lecture(lecture="vertical_edge")),
                ("10 − 3 + 1 = 8: an 8 × 8 output", "playground",
                 _lecture(lecture="vertical_edge")),
                ("Stride 2: (10 − 3)/2 + 1 = 4.5, so 4 × 4", "playground",
                 _lecture(lecture="stride_10x10")),
                ("Another image: R −448, G −91, B 472, total −67", "colour",
                 _lecture(lecture="another_image"),
                 "The transcript's table lost one G value in each of rows 2–9; they are "
                 "restored (see the sidebar) and all 64 values of the map come out.",
                 [("Step by step: one channel beside its partial sum", "animation",
                   _lecture(lecture="another_image"))]),
                ("Other filters: horizontal edges, Sobel", "compare",
                 _q(src="Photo", photo="camera", a_k="horizontal_edge_rev", b_k="sobel_x"),
                 "Shade reversal: the same edge from dark to light gives negative values "
                 "(blue)."),
                ("Convolving a volume: a filter for the red channel alone", "colour",
                 _q(src="Photo", photo="chelsea", channels="Colour", size=32,
                    cv_r="horizontal_edge_rev",
                    cv_g="zeros", cv_b="zeros", cv_first="the filter")),
                ("Padding p = 1: 10 × 10 × 3 → 12 × 12 × 3 → a 10 × 10 map", "colour",
                 _lecture(lecture="another_image_p1")),
                ("How much to pad: valid, 10 × 10 with f = 5, p = 1 gives 8 × 8", "playground",
                 _lecture(lecture="padding_10x10"),
                 "Same: p = (f − 1)/2 = 2 keeps 10 × 10."),
                ("Cross-correlation vs convolution: the flip", "correlation",
                 _q(corr_kernel="typed", corr_k="3,4,5;1,0,2;-1,9,7")),
                ("One layer: ten 3 × 3 × 3 filters + biases = 280 parameters", "shapes",
                 _q(shp_nh=10, shp_nw=10, shp_nc=3, stack="conv,10,3,1,,,", shp_first="network"),
                 "One conv layer of ten 3 × 3 filters on 3 channels."),
                ("Pooling: the 225 band, 8 × 8 → 4 × 4", "pooling",
                 _lecture(lecture="band_225"), "",
                 [("Then the signed 8 × 8 map → [[343, 55, 0, 81], …]", "pooling",
                   _lecture(lecture="signed_8x8"))]),
            ])),
)})

#: Every example of every lecture, in order.
EXAMPLES: tuple[Example, ...] = tuple(e for lec in LECTURES.values() for e in lec.examples)
_BY_ID = MappingProxyType({**{e.id: e for e in EXAMPLES},
                           **{s.id: s for e in EXAMPLES for s in e.further}})


def steps() -> tuple[Step, ...]:
    """Every view of every list, in order: each example, then its further steps."""
    return tuple(s for e in EXAMPLES for s in (e, *e.further))


def find(example_id: str) -> Step:
    """The example or further step with this id ("002.1", "002.1a").

    Raises
    ------
    ValueError
        If no example has this id.
    """
    try:
        return _BY_ID[example_id]
    except (KeyError, TypeError):
        raise ValueError(f"example must be an id such as 002.1, got {example_id!r}") from None


def neighbours(example_id: str) -> tuple[str | None, str | None]:
    """The ids before and after ``example_id`` in the lectures' order (further steps
    included), None at either end."""
    order = [s.id for s in steps()]
    i = order.index(find(example_id).id)
    return (order[i - 1] if i else None, order[i + 1] if i + 1 < len(order) else None)


def link_query(step: Step, *, present: bool = False) -> dict[str, str]:
    """The query string that opens ``step``: its settings, its id, presenter mode."""
    query = dict(step.query)
    query[PARAM] = step.id
    if present:
        query["present"] = "true"
    return query


def href(step: Step, *, present: bool = False) -> str:
    """A link to ``step`` relative to the app's address ("./" is the Playground)."""
    path = "./" if step.page == "playground" else step.page
    return f"{path}?{urlencode(link_query(step, present=present))}"
