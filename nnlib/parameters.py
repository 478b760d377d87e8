"""A network's parameters: checked lists of weight matrices and bias vectors, and flat vectors.

``net.weights`` and ``net.biases`` are :class:`ParameterList` objects: every array put in
them, by ``net.weights = [...]`` or ``net.weights[0] = W``, is checked against the shape
its layer needs, so a transposed matrix or a column-shaped bias fails at once with a
message saying what to do, not later inside a matrix product.
"""
import numpy as np

from ._validation import describe


class ParameterList(list):
    """A list of arrays whose item ``i`` must have shape ``shapes[i]``.

    Parameters
    ----------
    name : str
        "weights" or "biases", used in error messages.
    shapes : list of tuple
        The shape each entry must have: ``(n_l, n_(l-1))`` for W^l, ``(n_l,)`` for b^l.
    arrays : sequence of array_like
        Stored as float64 arrays, without a copy when they already are, so in-place updates
        such as ``W -= eta * nabla_w`` change the network.
    """

    def __init__(self, name, shapes, arrays):
        self.name, self.shapes = name, list(shapes)
        if isinstance(arrays, np.ndarray) or not isinstance(arrays, (list, tuple)):
            raise ValueError(f"{name} must be a list of {len(self.shapes)} arrays (one per layer after the "
                             f"input), got {describe(arrays)}")
        if len(arrays) != len(self.shapes):
            raise ValueError(f"{name} must hold {len(self.shapes)} arrays (one per layer after the input), "
                             f"got {len(arrays)}")
        super().__init__(self._checked(i, array) for i, array in enumerate(arrays))

    def __setitem__(self, i, array):
        if isinstance(i, slice):
            raise ValueError(f"set {self.name} one layer at a time (or assign a whole new list), not a slice")
        super().__setitem__(i, self._checked(range(len(self))[i], array))

    def _checked(self, i, array):
        name, expected = f"{self.name}[{i}]", self.shapes[i]
        try:
            array = np.asarray(array, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be an array of numbers of shape {expected}, "
                             f"got {describe(array)}") from None
        if array.shape != expected:
            raise ValueError(f"{name} must have shape {expected}, got {array.shape}{_shape_hint(array, expected)}")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} must contain only finite numbers, got NaN or infinite values")
        return array


def _shape_hint(array, expected):
    """A fix for the two usual shape mistakes: a column-shaped bias and a transposed matrix."""
    if len(expected) == 1 and array.shape == (expected[0], 1):
        return "; a bias is a 1-D vector here: pass b.ravel()"
    if len(expected) == 2 and array.shape == expected[::-1]:
        return "; row j, column k is the weight to neuron j from neuron k: pass W.T"
    return ""


def pack(weights, biases):
    """One flat vector from per-layer arrays: W^1 row by row, b^1, W^2, b^2, ..., shape (n_params,)."""
    return np.concatenate([part.ravel() for w, b in zip(weights, biases) for part in (w, b)])


def unpack(theta, sizes):
    """Inverse of :func:`pack`: (weights, biases) lists for a network of the given ``sizes``."""
    weights, biases, start = [], [], 0
    for n_prev, n_l in zip(sizes[:-1], sizes[1:]):
        weights.append(theta[start:start + n_l * n_prev].reshape(n_l, n_prev).copy())
        start += n_l * n_prev
        biases.append(theta[start:start + n_l].copy())
        start += n_l
    assert start == theta.size, "theta does not match sizes"
    return weights, biases
