"""An Agg canvas that caches rendered glyphs, for figures that redraw much text (behind a fence).

Why: matplotlib 3.11's Agg renderer lays out and rasterises every glyph of every string on every
draw (about 1 ms per line and 0.1 ms per glyph here). The figures' dynamic texts (value listings,
matrices) are redrawn on every slider step, and at the book's readable sizes that alone takes the
backprop stepper and the forward-pass explorer past the 50 ms target (``benchmarks/
bench_widgets.py``, with and without ``NNLIB_NO_GLYPH_CACHE=1``). This canvas keeps each string's
layout and each rasterised glyph (keyed by font, size, glyph and position within the pixel,
rounded to a quarter pixel) and stamps the cached bitmaps on later draws.

It uses these private matplotlib internals (``PRIVATE_API``): ``FT2Font._layout``,
``FT2Font._set_transform``, ``FT2Font._render_glyph``, ``RendererAgg._prepare_font``,
``RendererAgg._renderer.draw_text_image`` and ``backend_agg.get_hinting_flag`` (not public
API). The canvas keeps its renderer under a key of its own, not matplotlib's ``_lastKey``. The fence:

* ``pyproject.toml`` bounds matplotlib below 3.12, the versions this was checked with;
* at import, every private name is looked up; if one is missing (or ``NNLIB_NO_GLYPH_CACHE`` is
  set), :data:`AVAILABLE` is False and :class:`FastCanvasAgg` draws exactly as the stock canvas;
* at draw time, *any* exception in the cached path (making the renderer or drawing a text)
  turns the cache off for the process (:data:`STATE` records why) and matplotlib's own code
  draws instead;
* ``tests/unit/test_widgets.py`` and ``tests/unit/test_fastagg.py`` fail when the cache is unavailable on the pinned matplotlib,
  when its text differs from stock Agg text, or when the fallback does not fall back.

Mathtext and rotated text always use matplotlib's own code.
"""
import os

import numpy as np
from matplotlib import ft2font
from matplotlib.backends import backend_agg
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

PRIVATE_API = [(ft2font.FT2Font, "_layout"), (ft2font.FT2Font, "_set_transform"),
               (ft2font.FT2Font, "_render_glyph"), (RendererAgg, "_prepare_font"), (ft2font, "RenderMode"),
               (backend_agg, "get_hinting_flag")]
#: Whether the glyph cache is in use; ``reason`` says why not.
STATE = {"enabled": True, "reason": ""}
_missing = [f"{owner.__name__.rsplit('.', 1)[-1]}.{name}" for owner, name in PRIVATE_API if not hasattr(owner, name)]
if _missing:
    STATE.update(enabled=False, reason=f"matplotlib lacks {', '.join(_missing)}")
elif os.environ.get("NNLIB_NO_GLYPH_CACHE"):
    STATE.update(enabled=False, reason="NNLIB_NO_GLYPH_CACHE is set")
AVAILABLE = STATE["enabled"]

_GLYPHS, _LAYOUTS = {}, {}
_MAX_GLYPHS, _MAX_LAYOUTS = 50_000, 5_000
_QUANTUM = 16  # 1/64 px units: positions rounded to a quarter pixel


def get_hinting_flag():
    """matplotlib's FreeType load flags for ``rcParams["text.hinting"]`` (looked up at each call)."""
    return backend_agg.get_hinting_flag()


class CachedGlyphRenderer(RendererAgg):
    """RendererAgg whose plain, unrotated text reuses layouts and rasterised glyphs."""

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if STATE["enabled"] and not ismath and angle % 360 == 0:
            try:
                return self._draw_cached(gc, x, y, s, prop, mtext)
            except Exception as error:  # any failure of the private path: back to matplotlib's own
                STATE.update(enabled=False, reason=f"{type(error).__name__}: {error}")
        return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)

    def _draw_cached(self, gc, x, y, s, prop, mtext):
        features = tuple(mtext.get_fontfeatures() or ()) if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        key = (s, hash(prop), self.dpi, get_hinting_flag(), features, language)
        items = _LAYOUTS.get(key)
        if items is None:
            font = self._prepare_font(prop)
            items = [(item.ft_object, item.glyph_index, item.x, item.y)
                     for item in font._layout(s, flags=get_hinting_flag(), features=features or None,
                                              language=language)]
            if len(_LAYOUTS) >= _MAX_LAYOUTS:
                _LAYOUTS.clear()
            _LAYOUTS[key] = items
        size, antialiased = prop.get_size_in_points(), bool(gc.get_antialiased())
        for font, glyph_index, dx, dy in items:
            gx = round(round(0x40 * (x + dx)) / _QUANTUM) * _QUANTUM
            gy = round(round(0x40 * (self.height - y + dy)) / _QUANTUM) * _QUANTUM
            (ix, fx), (iy, fy) = divmod(gx, 0x40), divmod(gy, 0x40)
            glyph_key = (font.fname, size, self.dpi, glyph_index, fx, fy, antialiased, get_hinting_flag())
            hit = _GLYPHS.get(glyph_key)
            if hit is None:
                font.set_size(size, self.dpi)
                font._set_transform(np.array([[0x10000, 0], [0, 0x10000]]), [fx, fy])
                mode = ft2font.RenderMode.NORMAL if antialiased else ft2font.RenderMode.MONO
                bitmap = font._render_glyph(glyph_index, get_hinting_flag(), mode)
                buffer = np.array(bitmap.buffer, copy=True)
                if not antialiased:
                    buffer *= 0xff
                if len(_GLYPHS) >= _MAX_GLYPHS:
                    _GLYPHS.clear()
                hit = _GLYPHS[glyph_key] = (buffer, bitmap.left, bitmap.top)
            buffer, left, top = hit
            if buffer.size:
                self._renderer.draw_text_image(buffer, ix + left, int(self.height) - (iy + top) + buffer.shape[0], 0, gc)


class FastCanvasAgg(FigureCanvasAgg):
    """FigureCanvasAgg drawing with :class:`CachedGlyphRenderer` (the stock renderer when not AVAILABLE)."""

    def get_renderer(self):
        if not AVAILABLE or not STATE["enabled"]:
            return super().get_renderer()
        try:
            w, h = self.get_width_height(physical=True)
            key = w, h, self.figure.dpi
            if getattr(self, "_glyph_renderer_key", None) != key or not isinstance(self.renderer, CachedGlyphRenderer):
                self.renderer = CachedGlyphRenderer(w, h, self.figure.dpi)
                self._glyph_renderer_key = key
            return self.renderer
        except Exception as error:  # any failure of the cached path: matplotlib's own renderer
            STATE.update(enabled=False, reason=f"{type(error).__name__}: {error}")
            return super().get_renderer()
