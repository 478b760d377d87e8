"""Drawing a figure fast: matplotlib's blitting recipe, with cached layers, and PNG frames.

A figure is drawn as a stack:

1. the **background**: everything that never changes (axes, ticks, fixed curves), drawn once
   and cached as pixels (``canvas.copy_from_bbox``);
2. optional **layers**, each a named list of artists that change only with some controls (an
   axis whose limits move, a colour bar); each layer is drawn over the one below and cached;
3. the **dynamic** artists, drawn on every redraw over the cached pixels.

A redraw restores the cached pixels below the first layer that changed and draws from there
on, as matplotlib's animation guide does with ``set_animated(True)`` and ``restore_region``.
The canvas is :class:`~nnlib.widgets._fastagg.FastCanvasAgg`, matplotlib's Agg canvas with a
fenced glyph cache that falls back to the stock renderer on any failure (see that module).
"""
import io
import itertools
import struct

import numpy as np
from matplotlib.figure import Figure

from ._fastagg import FastCanvasAgg

# Live and static frames share one dpi: a figure 8.6 inches wide is 688 px, the book's column.
DPI = 80
# A phone's frames: a figure NARROW_WIDTH inches wide is 360 px at DPI, about the column of a 390 px
# phone (358 px), drawn at NARROW_DPI, three frame pixels per CSS pixel, for a 3x screen.
NARROW_WIDTH = 4.5
NARROW_DPI = 3 * DPI


class LayeredCanvas:
    """Draws a figure as background, cached layers and dynamic artists (see the module docstring).

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        With an Agg canvas.
    layers : list of (name, list of artists)
        Bottom layer first.
    dynamic : list of artists
        Redrawn on every draw.
    """

    def __init__(self, figure, layers, dynamic):
        self.figure = figure
        self.names = [name for name, _ in layers]
        self.layers = [list(artists) for _, artists in layers]
        self.dynamic = list(dynamic)
        for artist in itertools.chain(self.dynamic, *self.layers):
            artist.set_animated(True)  # left out of canvas.draw(): drawn by hand below
        self.snapshots = None

    def level(self, redraw):
        """The first layer to redraw for a control's ``redraw``: -1 for "all", len(layers) for "dynamic"."""
        if redraw == "all":
            return -1
        if redraw == "dynamic":
            return len(self.layers)
        if redraw not in self.names:
            raise ValueError(f"redraw must be 'dynamic', 'all' or a layer name {self.names}, got {redraw!r}")
        return self.names.index(redraw)

    def draw(self, level):
        """Redraw from layer ``level`` on (-1: everything) and the dynamic artists."""
        figure, canvas = self.figure, self.figure.canvas
        if level < 0 or self.snapshots is None:
            canvas.draw()  # the background: every artist that is not animated
            self.snapshots = [canvas.copy_from_bbox(figure.bbox)] + [None] * len(self.layers)
            level = 0
        else:
            canvas.restore_region(self.snapshots[level])
        for k in range(level, len(self.layers)):
            for artist in self.layers[k]:
                figure.draw_artist(artist)
            self.snapshots[k + 1] = canvas.copy_from_bbox(figure.bbox)
        for artist in self.dynamic:
            figure.draw_artist(artist)


def new_figure(figsize, dpi=DPI):
    """A matplotlib Figure on an Agg canvas, not registered with pyplot."""
    figure = Figure(figsize=figsize, layout="constrained", dpi=dpi)
    FastCanvasAgg(figure)
    return figure


def freeze_layout(figure):
    """Keep the layout of the first draw: no layout solver, no re-measuring, on later draws.

    Axis labels and titles are pinned where the first draw put them; otherwise each redraw
    measures every tick label again to place them (about half the cost of redrawing an axes).
    """
    figure.set_layout_engine("none")
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            label = axis.label
            display = label.get_transform().transform(label.get_position())
            axis.set_label_coords(*ax.transAxes.inverted().transform(display))
        title = ax.title
        if title.get_text():  # set_title with an explicit y turns off automatic placement
            ax.set_title(title.get_text(), y=title.get_position()[1], fontsize=title.get_fontsize(),
                         fontweight=title.get_fontweight(), color=title.get_color())


def plain_numbers(axis, ticks=None):
    """Label a (log or symlog) ``axis`` with plain numbers, 0.01 rather than 10^-2, and no minor labels.

    Exponents are superscripts, drawn at 0.7 of the tick labels' size (too small to read at
    the book's sizes, see :mod:`~nnlib.widgets.legibility`). ``ticks`` fixes the major ticks.
    """
    from matplotlib.ticker import FuncFormatter, NullFormatter

    if ticks is not None:
        axis.set_ticks(ticks)
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_minor_formatter(NullFormatter())


#: Font size (points) of a mathtext label with a subscript, such as $x_1$: its subscript is drawn
#: at 0.7 of it, 10.5 pt = 11.7 px at the book's 80 dpi.
SCRIPTED_LABEL_SIZE = 15


def png_bytes(figure, colors=None):
    """The canvas as PNG bytes; ``colors`` reduces it to a palette of that many colours."""
    from PIL import Image

    image = Image.fromarray(np.asarray(figure.canvas.buffer_rgba())[..., :3])
    if colors:
        image = image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE)
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=1 if colors is None else 6)
    return buffer.getvalue()


def bmp_bytes(figure):
    """The canvas as an uncompressed 24-bit BMP (bottom-up rows of blue, green, red).

    For the frames the HTML book's worker draws in the reader's browser and shows at once, never
    stored: no compression to compute, so a phone's frame (1080 x 1776 px) is written in a few
    milliseconds where a PNG took 40 ms here and about 100 in the browser's Python; it is larger
    (3 bytes a pixel), which costs nothing between a worker and its page.
    """
    rgba = np.asarray(figure.canvas.buffer_rgba())
    height, width = rgba.shape[:2]
    rows = rgba[::-1, :, 2::-1].reshape(height, width * 3)  # bottom-up, BGR
    pad = -(width * 3) % 4  # each row is a multiple of 4 bytes
    if pad:
        rows = np.concatenate([rows, np.zeros((height, pad), dtype=np.uint8)], axis=1)
    data = np.ascontiguousarray(rows).tobytes()
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(data), 2835, 2835, 0, 0)
    return struct.pack("<2sIHHI", b"BM", 14 + len(info) + len(data), 0, 0, 14 + len(info)) + info + data
