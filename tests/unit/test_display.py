"""Displaying a figure: the widget at once in a kernel, the precomputed frames only for the book.

A figure shown in a reader's kernel draws one image (the widget's) and stores no frames; only
when the build asks (``NNLIB_STATIC_FIGURES=1``, set by booksite/live_figures.py for the
kernels that execute the chapters) does the bundle carry the static HTML with every frame.
Drawing calls are counted, not timed: benchmarks/bench_display.py times them.
"""
import json
import re

import IPython
import pytest

from nnlib import widgets
from nnlib.widgets import export, figure, registry

FIGURES = sorted(registry.FACTORIES)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class _Shell:
    """Stands in for a Jupyter kernel's shell (IPython's get_ipython() there has a kernel)."""

    kernel = object()


@pytest.fixture
def drawings(monkeypatch):
    """Counts the PNG frames drawn (every frame, live or static, goes through png_bytes)."""
    calls = []
    original = figure.png_bytes

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(figure, "png_bytes", counted)
    return calls


@pytest.fixture
def in_kernel(monkeypatch):
    monkeypatch.setattr(IPython, "get_ipython", lambda: _Shell())


@pytest.mark.parametrize("name", FIGURES)
def test_a_figure_in_a_kernel_shows_its_widget_after_one_drawing(name, in_kernel, drawings, monkeypatch):
    monkeypatch.delenv(export.STATIC_ENV, raising=False)
    bundle = registry.build(name)._repr_mimebundle_()
    assert WIDGET_VIEW in bundle
    assert "text/html" not in bundle, "a reader's notebook must not store the static frames"
    assert not any("nnlib-frames" in json.dumps(value) for value in bundle.values())
    assert len(drawings) == 1, f"{len(drawings)} frames drawn to show one widget"


def test_a_figure_outside_a_kernel_draws_nothing_until_asked(drawings, monkeypatch):
    monkeypatch.delenv(export.STATIC_ENV, raising=False)
    bundle = widgets.activation_explorer()._repr_mimebundle_()
    assert bundle == {"text/plain": repr(widgets.activation_explorer())} and drawings == []


@pytest.mark.parametrize("setting", ["", "0", "yes"])
def test_only_the_value_1_asks_for_the_static_view(setting, monkeypatch):
    monkeypatch.setenv(export.STATIC_ENV, setting)
    assert not export.requested()
    monkeypatch.setenv(export.STATIC_ENV, "1")
    assert export.requested()


def test_the_build_gets_every_precomputed_frame_and_the_widget(in_kernel, monkeypatch):
    monkeypatch.setenv(export.STATIC_ENV, "1")
    fig = widgets.backprop_stepper()
    bundle = fig._repr_mimebundle_()
    assert WIDGET_VIEW in bundle and "text/plain" in bundle
    frames = json.loads(re.search(r'class="nnlib-frames">(.*?)</script>', bundle["text/html"]).group(1))
    assert len(frames) == len(fig.static_grid())


def test_the_build_without_a_kernel_gets_the_static_view(monkeypatch):
    monkeypatch.setenv(export.STATIC_ENV, "1")
    bundle = widgets.activation_explorer()._repr_mimebundle_()
    assert "text/html" in bundle and "text/plain" in bundle and WIDGET_VIEW not in bundle
