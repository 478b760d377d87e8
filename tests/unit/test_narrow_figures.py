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
from nnlib.widgets.drawing import NARROW_DPI, NARROW_WIDTH
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
    narrow = figure.narrow()
    narrow.png(**values)
    narrow_px, _ = smallest_text_px(narrow.figure)
    # The same font sizes: the smallest text is as many CSS px on the phone as in the book's column.
    assert narrow_px / FRAME_PX_PER_CSS_PX == pytest.approx(wide_px, abs=0.01)
    assert figure.png(**values) == wide_png and smallest_text_px(figure.figure)[0] == wide_px
    assert figure.figsize[0] == 8.6 and figure.dpi == 80
