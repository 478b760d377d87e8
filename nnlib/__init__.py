"""nnlib: a small, readable numpy library for learning how neural networks work and learn.

Modules, one concept each, in the order the book teaches them:

* :mod:`nnlib.activations` -- activation functions with their derivatives
* :mod:`nnlib.network`     -- the network: forward pass, cost, backpropagation
* :mod:`nnlib.costs`       -- cost functions (quadratic, cross-entropy)
* :mod:`nnlib.descent`     -- plain gradient descent on functions of a few variables
* :mod:`nnlib.gradcheck`   -- finite-difference gradient checking
* :mod:`nnlib.sgd`         -- mini-batch stochastic gradient descent and training
* :mod:`nnlib.data`        -- the digits and 2-D toy datasets, one-hot encoding

Importing nnlib changes nothing: no seeding, no plotting.
"""
from .activations import ACTIVATIONS, Activation, get_activation
from .costs import COSTS, CrossEntropyCost, QuadraticCost, get_cost
from .data import (
    load_digits,
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
from .network import BackwardPass, ForwardPass, Network
from .sgd import History, sgd_step, train

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS", "Activation", "get_activation",
    "COSTS", "CrossEntropyCost", "QuadraticCost", "get_cost",
    "load_digits", "make_circles", "make_moons", "make_spirals", "make_toy", "make_xor",
    "one_hot", "train_test_split",
    "classify_path", "gradient_descent", "zigzag_fraction",
    "check_gradients", "numerical_gradient", "relative_error",
    "BackwardPass", "ForwardPass", "Network",
    "History", "sgd_step", "train",
]
