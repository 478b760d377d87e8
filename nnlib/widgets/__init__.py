"""Interactive figures for the book: live ipywidgets in a kernel, explorable static HTML in the book.

Each function returns an :class:`~nnlib.widgets.core.InteractiveFigure`; display it (make it
the last expression of a cell) to get both views. Every figure computes with nnlib.

>>> from nnlib.widgets import neuron_playground
>>> fig = neuron_playground(w1=0.5)      # doctest: +SKIP
"""
from .activations import activation_explorer
from .backprop import backprop_stepper
from .core import Choice, InteractiveFigure, Slider
from .cost import cost_landscape, descent_path
from .neurons import neuron_playground
from .notation import forward_pass_explorer
from .sgd import sgd_vs_full_batch
from .training import digits_training, training_playground

__all__ = [
    "neuron_playground", "activation_explorer", "forward_pass_explorer", "cost_landscape", "descent_path",
    "backprop_stepper", "sgd_vs_full_batch", "training_playground", "digits_training",
    "InteractiveFigure", "Slider", "Choice",
]
