"""Interactive figures for the book: live ipywidgets in a kernel, explorable static HTML in the book.

Each function returns an :class:`InteractiveFigure`; display it (make it the last expression of
a cell) to get its live widget at once. The static view (precomputed frames) is drawn only when
the HTML book's build asks for it (see :mod:`.export`). Every figure computes with nnlib.

>>> from nnlib.widgets import neuron_playground
>>> fig = neuron_playground(w1=0.5)      # doctest: +SKIP

The parts: :mod:`.controls` (Slider, Choice and what each redraws), :mod:`.figure` (the
lifecycle), :mod:`.drawing` (blitting with cached layers, PNG frames), :mod:`.export` (the
static HTML), and shared helpers for figures: :mod:`.diagram` (a network diagram) and
:mod:`.tiny_model` (the one-neuron model of the cost and SGD figures).

How to add a figure
-------------------
Write one module, ``nnlib/widgets/myfigure.py``, with four parts (``notation.py`` is a short
example to copy):

1. **A pure state function** of the control values that does the maths with nnlib and returns
   plain numbers and arrays, cached with ``@functools.lru_cache`` (its arguments are the control
   values, so they are hashable). Test it in ``tests/unit/test_widgets.py``: it is what the figure
   claims to show.
2. **setup(fig, narrow=False)** draws the fixed parts on a matplotlib ``Figure`` at most 8.6
   inches wide (688 px, the book's column) with every text at 10 pt or more (11 CSS px), and, when
   ``narrow`` is True, the same artists laid out for a phone (a figure 4.5 inches wide, panels one
   above the other, the same font sizes; ``tests/unit/test_narrow_figures.py`` checks it). It
   returns a dict:
   ``"dynamic"``: the artists that change with the controls (redrawn every time); optionally
   ``"layers"``: ``[(name, artists), ...]`` for artists that change only with some controls
   (an axis whose limits move); and anything else ``update`` needs.
3. **update(art, **values)** calls the state function and sets every changing artist from its
   result. It sets everything every time: no flags, no caches of its own.
4. **The public function**, decorated with ``@figure_factory(title=..., caption=...)`` (from
   :mod:`.registry`; the gallery shows the title and the one-sentence caption above the figure),
   builds the controls and returns ``InteractiveFigure(name, controls, setup, update,
   figsize=..., narrow_figsize=(4.5, ...), alt=..., describe=...)`` with ``name`` the function's name and ``describe(**values)``
   a sentence, ending in a full stop, that says in words what the picture shows for those values
   (computed from the state function, as the picture is; it is the figure's status line and alt text). Each control declares what it
   redraws: ``redraw="dynamic"`` (default), a layer's name, or ``"all"``; the figure works out
   which controls changed. ``static=[...]`` lists the values the HTML book precomputes (every
   combination is one frame: keep the product near 100 or below); a control without them is
   shown there as fixed at its default.

That is all: :func:`.registry.figures`, the one list of the figures, finds every module in this
folder, so the new figure is in every test that lists figures (``tests/unit/test_widgets.py``,
``test_widgets_live.py``, ``test_narrow_figures.py``, ``tests/browser/test_static_figures.py``, ``test_live_figures.py``),
in ``benchmarks/bench_widgets.py``, on the API page and in the gallery ``book/figures.ipynb``,
and ``from nnlib.widgets import myfigure_function`` works. To place it in the book's order,
import it below and add it to ``__all__``. A figure kept in another package is registered the
same way by naming its module under the entry point group ``nnlib.figures`` in that package's
``pyproject.toml`` (:data:`.registry.ENTRY_POINT_GROUP`). A figure imports nnlib and the shared
modules above, never another figure's module.
"""
from .activations import activation_explorer
from .backprop import backprop_stepper
from .controls import Choice, Slider
from .cost import cost_landscape, descent_path
from .figure import InteractiveFigure
from .neurons import neuron_playground
from .notation import forward_pass_explorer
from .sgd import sgd_vs_full_batch
from .training import digits_training, training_playground

__all__ = [
    "neuron_playground", "activation_explorer", "forward_pass_explorer", "cost_landscape", "descent_path",
    "backprop_stepper", "sgd_vs_full_batch", "training_playground", "digits_training",
    "InteractiveFigure", "Slider", "Choice",
]


def __getattr__(name):
    """A figure that no import above names yet: found by the registry (see the guide)."""
    from .registry import figures

    found = figures()
    if name in found:
        return found[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
