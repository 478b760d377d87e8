"""An Agg canvas that caches rendered glyph bitmaps (a speed-up for redrawing text).

Matplotlib 3.11's Agg renderer asks FreeType to rasterise every glyph of every string on every
draw. The figures redraw the same characters (digits, letters) many times per second, so this
canvas keeps each rasterised glyph, keyed by font, size, glyph and its position within the pixel
(rounded to a quarter pixel), and only stamps the cached bitmap on later draws. Rotated text
and anything unusual falls back to matplotlib's own code. The result looks the same to the eye;
it relies on private matplotlib internals, so any failure falls back to the stock renderer.
"""
import math

import matplotlib
import numpy as np

if tuple(int(part) for part in matplotlib.__version__.split(".")[:2]) < (3, 11):
    # widgets.core then uses matplotlib's own FigureCanvasAgg
    raise ImportError(f"the glyph cache needs matplotlib >= 3.11, found {matplotlib.__version__}")

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag  # noqa: E402
from matplotlib.ft2font import LoadFlags, RenderMode  # noqa: E402, F401

_GLYPHS = {}
_MAX_GLYPHS = 50_000
_QUANTUM = 16  # 1/64 px units: positions rounded to a quarter pixel


_LAYOUTS = {}
_MAX_LAYOUTS = 5_000


class CachedGlyphRenderer(RendererAgg):
    """RendererAgg whose text drawing reuses rasterised glyphs and the layout of repeated strings."""

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        try:
            key = (s, hash(prop), self.dpi, get_hinting_flag(),
                   tuple(features) if features is not None else None, language)
        except TypeError:  # unhashable language or features: no caching
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        items = _LAYOUTS.get(key)
        if items is None:
            font = self._prepare_font(prop)
            size = prop.get_size_in_points()
            items = [(item.ft_object, size, item.glyph_index, 0, 1, item.x, item.y)
                     for item in font._layout(s, flags=get_hinting_flag(), features=features, language=language)]
            if len(_LAYOUTS) >= _MAX_LAYOUTS:
                _LAYOUTS.clear()
            _LAYOUTS[key] = items
        self._draw_text_glyphs_and_boxes(gc, x, y, angle, items, [])

    def _draw_text_glyphs_and_boxes(self, gc, x, y, angle, glyphs, boxes):
        if angle % 360 != 0:
            return super()._draw_text_glyphs_and_boxes(gc, x, y, angle, glyphs, boxes)
        antialiased = bool(gc.get_antialiased())
        load_flags = get_hinting_flag()
        height = self.height
        dpi = self.dpi
        for font, size, glyph_index, slant, extend, dx, dy in glyphs:
            gx = round(round(0x40 * (x + dx)) / _QUANTUM) * _QUANTUM
            gy = round(round(0x40 * (height - y + dy)) / _QUANTUM) * _QUANTUM
            ix, fx = divmod(gx, 0x40)
            iy, fy = divmod(gy, 0x40)
            key = (font.fname, size, dpi, glyph_index, slant, extend, fx, fy, antialiased, load_flags)
            hit = _GLYPHS.get(key)
            if hit is None:
                font.set_size(size, dpi)
                font._set_transform((0x10000 * np.array([[extend, extend * slant], [0, 1]])).round().astype(int),
                                    [fx, fy])
                bitmap = font._render_glyph(glyph_index, load_flags,
                                            RenderMode.NORMAL if antialiased else RenderMode.MONO)
                buffer = np.array(bitmap.buffer, copy=True)
                if not antialiased:
                    buffer *= 0xff
                if len(_GLYPHS) >= _MAX_GLYPHS:
                    _GLYPHS.clear()
                hit = _GLYPHS[key] = (buffer, bitmap.left, bitmap.top)
            buffer, left, top = hit
            if buffer.size:
                self._renderer.draw_text_image(buffer, ix + left, int(height) - (iy + top) + buffer.shape[0], 0, gc)
        if boxes:
            super()._draw_text_glyphs_and_boxes(gc, x, y, angle, (), boxes)


class FastCanvasAgg(FigureCanvasAgg):
    """FigureCanvasAgg using :class:`CachedGlyphRenderer`."""

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = CachedGlyphRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer
