"""The book's running example: a small 2-3-1 network with fixed, readable weights.

The notation and backpropagation chapters (and the interactive figures) all work through
this one network, so its numbers live here, once.

>>> from nnlib.examples import small_example
>>> net, x, y = small_example()
>>> net.sizes
[2, 3, 1]
"""
import numpy as np

from .network import Network

#: The input a^0 = x, shape (2,).
X = np.array([0.5, 0.8])
#: The target y, shape (1,).
Y = np.array([1.0])
#: W^1, shape (3, 2): row j, column k is w^1_jk (to hidden neuron j from input k).
W1 = np.array([[0.1, 0.4],
               [-0.3, 0.2],
               [0.5, -0.6]])
#: b^1, shape (3,).
B1 = np.array([0.1, -0.2, 0.3])
#: W^2, shape (1, 3): w^2_1k, to the output neuron from hidden neuron k.
W2 = np.array([[0.7, -0.5, 0.9]])
#: b^2, shape (1,).
B2 = np.array([0.2])


def small_network(activation="sigmoid", cost="quadratic"):
    """A fresh ``Network([2, 3, 1])`` holding the fixed weights ``W1, B1, W2, B2`` (copies).

    Parameters
    ----------
    activation : str, default "sigmoid"
    cost : str, default "quadratic"

    Returns
    -------
    Network
    """
    return Network.from_params([W1.copy(), W2.copy()], [B1.copy(), B2.copy()], activation, cost)


def small_example(activation="sigmoid", cost="quadratic"):
    """``(net, x, y)``: :func:`small_network` with its input ``x`` (shape (2,)) and target ``y`` (shape (1,))."""
    return small_network(activation, cost), X.copy(), Y.copy()
