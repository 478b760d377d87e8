"""The tiny model of the cost and SGD figures: one linear neuron ``a = w x + b`` on 1-D data.

Its cost over the two parameters (w, b) is a bowl that can be drawn as contours; both the
cost figures and the SGD figure use it, so it lives here rather than in either figure.
"""
import numpy as np

from ..network import Network

W_RANGE = (-1.5, 2.5)
B_RANGE = (-1.0, 3.0)


def tiny_model(w, b):
    """``Network([1, 1], activation="identity")`` with weight ``w`` and bias ``b``."""
    return Network.from_params([np.array([[w]], dtype=float)], [np.array([b], dtype=float)], activation="identity")


_MODEL = tiny_model(0.0, 0.0)  # one reused model: building a Network per call is slow


def _model_at(theta):
    _MODEL.weights[0][0, 0], _MODEL.biases[0][0] = theta[0], theta[1]
    return _MODEL


def cost_at(theta, X, Y):
    """The cost C(w, b) of the tiny model on (X, Y) (shapes (n, 1)), theta = (w, b)."""
    return _model_at(theta).cost(X, Y)


def gradient_at(theta, X, Y):
    """(dC/dw, dC/db) by nnlib's backpropagation, shape (2,)."""
    nabla_w, nabla_b = _model_at(theta).backprop(X, Y)
    return np.array([nabla_w[0][0, 0], nabla_b[0][0]])


def cost_grid(X, Y, n=41):
    """(ws, bs, C): grid axes of shape (n,) and costs of shape (n, n), rows = b."""
    ws, bs = np.linspace(*W_RANGE, n), np.linspace(*B_RANGE, n)
    return ws, bs, np.array([[cost_at((w, b), X, Y) for w in ws] for b in bs])


def draw_contours(ax, X, Y, levels=14):
    """Contours of the cost over (w, b) on ``ax``, with a star at the grid's lowest point."""
    ws, bs, C = cost_grid(X, Y)
    ax.contour(ws, bs, C, levels=np.geomspace(C.min() + 1e-3, C.max(), levels), cmap="viridis", linewidths=0.8)
    i = np.unravel_index(np.argmin(C), C.shape)
    ax.plot(ws[i[1]], bs[i[0]], "k*", ms=9)
    ax.set(xlim=W_RANGE, ylim=B_RANGE, xlabel="weight w", ylabel="bias b")
