"""nnlib: a small, readable numpy library for learning how neural networks work and learn.

Modules, one concept each, in the order the book teaches them:

* :mod:`nnlib.activations` -- activation functions with their derivatives
* :mod:`nnlib.network`     -- the network: forward pass, cost, backpropagation
* :mod:`nnlib.parameters`  -- checked weight and bias lists, flat parameter vectors
* :mod:`nnlib.costs`       -- cost functions (quadratic, cross-entropy)
* :mod:`nnlib.scoring`     -- cost and accuracy of a network's outputs
* :mod:`nnlib.descent`     -- plain gradient descent on functions of a few variables
* :mod:`nnlib.gradcheck`   -- finite-difference gradient checking
* :mod:`nnlib.sgd`         -- mini-batch stochastic gradient descent and training
* :mod:`nnlib.data`        -- the digits and 2-D toy datasets, one-hot encoding
* :mod:`nnlib.playground`  -- the Playground's run: points, network, epochs (imported on its own)

Importing nnlib changes nothing: no seeding, no plotting. The package exports what the
chapters and assignments call; the rest (the trace classes ``ForwardPass`` and
``BackwardPass``, ``Score``, the ``COSTS`` table) is imported from its module.
"""
from .activations import ACTIVATIONS, Activation, get_activation
from .costs import CrossEntropyCost, QuadraticCost, get_cost
from .data import (
    load_digits,
    make_blobs,
    make_circles,
    make_moons,
    make_spirals,
    make_toy,
    make_xor,
    one_hot,
    train_test_split,
)
from .descent import classify_path, gradient_descent, zigzag_fraction
from .gradcheck import check_gradients, numerical_gradient, relative_error
from .network import Network
from .scoring import labels
from .sgd import History, sgd_step, train

__version__ = "0.2.0"

__all__ = [
    "ACTIVATIONS", "Activation", "get_activation",
    "CrossEntropyCost", "QuadraticCost", "get_cost",
    "load_digits", "make_blobs", "make_circles", "make_moons", "make_spirals", "make_toy", "make_xor",
    "one_hot", "train_test_split",
    "classify_path", "gradient_descent", "zigzag_fraction",
    "check_gradients", "numerical_gradient", "relative_error",
    "Network",
    "labels",
    "History", "sgd_step", "train",
]
