"""The glyph cache's fence (nnlib/widgets/_fastagg.py): keys that tell sizes apart, and fallbacks.

The cache must draw what matplotlib draws (one font at two sizes is two sets of glyphs), and
when matplotlib's internals move (a private attribute or function gone), the figures must still
draw, with matplotlib's own renderer. See also the fence tests in test_widgets.py.
"""
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from nnlib import widgets
from nnlib.widgets import _fastagg


def _draw_sizes(canvas_class, sizes):
    """Pixels of one string drawn in one font at each of ``sizes`` (pt), each in its own draw."""
    images = []
    for size in sizes:
        fig = Figure(figsize=(3, 1), dpi=80)
        canvas_class(fig)
        fig.text(0.05, 0.3, "Wa 0.123", fontsize=size, family="DejaVu Sans")
        fig.canvas.draw()
        fig.canvas.draw()  # the second draw of each size uses the caches
        images.append(np.asarray(fig.canvas.buffer_rgba()).astype(int))
    return images


@pytest.fixture
def cache_on(monkeypatch):
    if not _fastagg.AVAILABLE:
        pytest.skip(f"the glyph cache is off here: {_fastagg.STATE['reason']}")
    monkeypatch.setitem(_fastagg.STATE, "enabled", True)


def test_one_font_at_two_sizes_draws_two_sizes_like_plain_agg(cache_on):
    # 10 pt first fills the caches; 20 pt must not reuse its layout or glyphs.
    fast = _draw_sizes(_fastagg.FastCanvasAgg, [10, 20, 10])
    plain = _draw_sizes(FigureCanvasAgg, [10, 20, 10])
    for got, want, size in zip(fast, plain, [10, 20, 10]):
        differ = (np.abs(got - want).max(axis=2) > 60).mean()
        assert differ < 0.005, f"{size} pt: {differ:.2%} of pixels differ from matplotlib's own text"
    assert _fastagg.STATE["enabled"], _fastagg.STATE["reason"]


def test_figures_draw_when_matplotlib_drops_the_canvas_key(monkeypatch):
    # FigureCanvasAgg._lastKey is matplotlib's private renderer key; a release without it must
    # not break the figures.
    monkeypatch.delattr(FigureCanvasAgg, "_lastKey")
    fig = widgets.neuron_playground()
    assert fig.png().startswith(b"\x89PNG") and fig.png(w1=1.0).startswith(b"\x89PNG")


_WITHOUT_HINTING_FLAG = """
import matplotlib.backends.backend_agg as agg
saved = agg.get_hinting_flag
del agg.get_hinting_flag            # as if matplotlib renamed it
from nnlib.widgets import _fastagg  # must import, with the cache off
agg.get_hinting_flag = saved        # matplotlib's own renderer needs it back to draw text
from nnlib import widgets
assert not _fastagg.AVAILABLE and "get_hinting_flag" in _fastagg.STATE["reason"], _fastagg.STATE
assert widgets.backprop_stepper().png(step=3).startswith(b"\\x89PNG")
print("ok")
"""


def test_figures_draw_with_matplotlibs_own_text_when_get_hinting_flag_is_gone():
    run = subprocess.run([sys.executable, "-c", _WITHOUT_HINTING_FLAG], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-2000:]
