"""The phone layouts of the figures (issue 23 item 1): ``figure.narrow()``.

Every figure of the book has a layout 4.5 inches wide (``NARROW_WIDTH``), drawn at 240 dpi, with
the wide layout's font sizes, so that its text is as big on a 390 px phone (a frame 358 CSS px
wide) as in the book's column. These tests check that each one draws at that size, for its
default view and the precomputed ones, with no text under 11.1 CSS px and none cut off at the
frame's edges, and that it leaves the wide figure as it was.
"""
import io

import numpy as np
import pytest
from PIL import Image

from nnlib.widgets import registry
from nnlib.widgets.drawing import DPI, NARROW_DPI, NARROW_WIDTH
from nnlib.widgets.legibility import smallest_text_px

FIGURES = list(registry.figures())
#: Frame pixels per CSS pixel: the frame, 4.5 in at 240 dpi = 1080 px, is shown 360 CSS px wide.
FRAME_PX_PER_CSS_PX = 3
MIN_CSS_PX = 11.1


def _views(figure):
    """The default view and the first, middle and last precomputed ones."""
    grid = figure.static_grid()
    return [{}, grid[0], grid[len(grid) // 2], grid[-1]]


def _image(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"))


@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_has_a_phone_layout_4_5_inches_wide_at_240_dpi(name):
    narrow = registry.build(name).narrow()
    assert narrow is not None, f"{name} has no narrow_figsize"
    assert narrow.figsize[0] == NARROW_WIDTH == 4.5
    width, height = Image.open(io.BytesIO(narrow.png())).size
    assert (width, height) == (round(4.5 * NARROW_DPI), round(narrow.figsize[1] * NARROW_DPI)) and width == 1080


@pytest.mark.parametrize("name", FIGURES)
def test_phone_layout_draws_each_view_with_text_at_least_11_css_px_none_cut_off(name):
    figure = registry.build(name)
    narrow = figure.narrow()
    for values in _views(figure):
        pixels = _image(narrow.png(**values))  # draws it; any matplotlib warning fails the test
        assert pixels.shape[1] == 1080
        px, text = smallest_text_px(narrow.figure)
        assert px / FRAME_PX_PER_CSS_PX >= MIN_CSS_PX, f"{name} at {values}: {text!r} is {px / 3:.1f} CSS px"
        # Text running off the frame leaves ink on its outermost pixels; the layouts keep a margin.
        border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
        assert border.min() > 200, f"{name} at {values}: something is cut off at the frame's edge"


@pytest.mark.parametrize("name", FIGURES)
def test_phone_layout_keeps_the_wide_fonts_and_leaves_the_wide_figure_alone(name):
    figure = registry.build(name)
    values = figure.static_grid()[-1]
    wide_png = figure.png(**values)
    wide_px, _ = smallest_text_px(figure.figure)
    wide_size, wide_dpi = tuple(figure.figsize), figure.dpi
    narrow = figure.narrow()
    narrow.png(**values)
    narrow_px, _ = smallest_text_px(narrow.figure)
    # The same font sizes: the smallest text is as many CSS px on the phone as in the book's column.
    assert narrow_px / FRAME_PX_PER_CSS_PX == pytest.approx(wide_px, abs=0.01)
    assert figure.png(**values) == wide_png and smallest_text_px(figure.figure)[0] == wide_px
    # at most the book's column (the guide in nnlib/widgets/__init__.py), and as it was
    assert tuple(figure.figsize) == wide_size and wide_size[0] <= 8.6 and figure.dpi == wide_dpi == DPI


def _extreme_views(figure):
    """For each slider, its lowest and its highest value (the others at their defaults): the views
    whose tick labels and readouts are widest, drawn in the layout fixed for the default view."""
    views = []
    for control in figure.controls:
        if hasattr(control, "step"):
            views += [{control.name: control.min}, {control.name: control.max}]
    return views


# digits_training retrains its network up to 100 epochs for its sliders' ends (about 30 s):
# `make test-slow` checks it (tests/slow/test_figure_edges.py).
QUICK = [name for name in FIGURES if name != "digits_training"]


@pytest.mark.parametrize("name", QUICK)
def test_no_view_at_a_sliders_ends_is_cut_off_in_either_layout(name):
    """The frames drawn in the page for any value keep their text inside the frame: before, the
    wide activation_explorer lost "−1.0" at its edge (z range 1), descent_path "100" and
    training_playground "1000" at the right edge of their longest axes."""
    assert_no_view_at_a_sliders_ends_is_cut_off(name)


def assert_no_view_at_a_sliders_ends_is_cut_off(name):
    figure = registry.build(name)
    for layout in (figure, figure.narrow()):
        for values in _extreme_views(figure):
            pixels = _image(layout.png(**values))
            border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
            assert border.min() > 200, f"{name} ({layout.figsize[0]} in) at {values}: cut off at the frame's edge"


@pytest.mark.parametrize("narrow", [False, True], ids=["wide", "narrow"])
def test_tanh_colour_bar_labels_stay_clear_of_the_curves_axis_label(narrow):
    """Under tanh the colour bar's labels ("−0.25") are wider than in the layout's default view
    (sigmoid, "0.25"): in the wide layout they ran into the curve's "output a = f(z)"."""
    figure = registry.build("neuron_playground")
    figure = figure.narrow() if narrow else figure
    figure.png(activation="tanh")
    renderer = figure.figure.canvas.get_renderer()
    bar = figure._art["cbar_axis"]
    labels = [t.get_window_extent(renderer) for t in bar.get_ticklabels() if t.get_visible() and t.get_text()]
    curve_label = figure.figure.axes[1].yaxis.label.get_window_extent(renderer)
    assert labels and not any(box.overlaps(curve_label) for box in labels)
