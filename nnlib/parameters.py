"""A network's parameters: checked lists of weight matrices and bias vectors, and flat vectors.

A network keeps all its weights and biases in one flat vector (W^1 row by row, b^1, W^2,
b^2, ...); ``net.weights`` and ``net.biases`` are :class:`ParameterList` objects holding
views into it. Every array put in them, by ``net.weights = [...]`` or
``net.weights[0] = W``, is checked against the shape its layer needs, so a transposed matrix
or a column-shaped bias fails at once with a message saying what to do, not later inside a
matrix product; then its values are copied in.
"""
import numpy as np

from ._validation import describe


class ParameterList(list):
    """A list of arrays whose item ``i`` must have shape ``shapes[i]``.

    The items are views into the network's flat parameter vector (see
    :attr:`nnlib.Network.params`), so in-place updates such as
    ``W -= eta * nabla_w`` change the network. Assigning an array, to one item
    (``net.weights[0] = W``) or to the whole list (``net.weights = [...]``),
    checks it and copies its values into the view. The list has one array per layer and
    its length never changes: ``append``, ``pop``, ``del`` and the other list changes raise
    a TypeError saying how to change a layer. A copy (``copy.deepcopy``, pickle) is a plain
    list of arrays.

    Parameters
    ----------
    name : str
        "weights" or "biases", used in error messages.
    shapes : list of tuple
        The shape each entry must have: ``(n_l, n_(l-1))`` for W^l, ``(n_l,)`` for b^l.
    views : list of ndarray
        The arrays to hold, of those shapes (views into the flat vector).
    """

    def __init__(self, name, shapes, views):
        self.name, self.shapes = name, list(shapes)
        super().__init__(views)

    def assign(self, arrays):
        """Check every array of ``arrays`` (one per layer), then copy them in."""
        name = self.name
        if isinstance(arrays, np.ndarray) or not isinstance(arrays, (list, tuple)):
            raise ValueError(f"{name} must be a list of {len(self.shapes)} arrays (one per layer after the "
                             f"input), got {describe(arrays)}")
        if len(arrays) != len(self.shapes):
            raise ValueError(f"{name} must hold {len(self.shapes)} arrays (one per layer after the input), "
                             f"got {len(arrays)}")
        checked = [self._checked(i, array) for i, array in enumerate(arrays)]
        for view, array in zip(self, checked):
            view[...] = array

    def __setitem__(self, i, array):
        if isinstance(i, slice):
            raise ValueError(f"set {self.name} one layer at a time (or assign a whole new list), not a slice")
        i = range(len(self))[i]
        self[i][...] = self._checked(i, array)

    def _fixed_length(self, *args, **kwargs):
        raise TypeError(
            f"net.{self.name} holds one array per layer after the input ({len(self)} here) and its length "
            f"cannot change. To set layer l's {self.name}, assign net.{self.name}[l - 1] = array; to change "
            f"the layers, build a new Network with the sizes you want, e.g. Network([2, 4, 1])")

    append = extend = insert = pop = remove = clear = sort = reverse = _fixed_length
    __delitem__ = __iadd__ = __imul__ = _fixed_length

    def __reduce_ex__(self, protocol):  # copies and pickles are plain lists of arrays
        return list, (list(self),)

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


def count_params(sizes):
    """Number of weights and biases of a network with layer widths ``sizes``."""
    return sum(n_l * (n_prev + 1) for n_prev, n_l in zip(sizes[:-1], sizes[1:]))


def parameter_lists(theta, sizes):
    """(weights, biases): two :class:`ParameterList` of views into the flat vector ``theta``."""
    weights, biases = split(theta, sizes)
    return (ParameterList("weights", [w.shape for w in weights], weights),
            ParameterList("biases", [b.shape for b in biases], biases))


def sizes_of(weights):
    """The layer widths ``sizes`` that a list of weight matrices W^1, ..., W^L describes."""
    if not isinstance(weights, (list, tuple)) or not weights:
        raise ValueError(f"weights must be a non-empty list of 2-D arrays (W^1, W^2, ...), "
                         f"got {describe(weights)}")
    shapes = [np.shape(W) for W in weights]
    if any(len(shape) != 2 for shape in shapes):
        raise ValueError(f"weights must hold 2-D arrays of shape (n_l, n_(l-1)), got shapes {shapes}")
    for l in range(1, len(shapes)):  # l is the list index: shapes[l] is W^(l+1)
        if shapes[l][1] != shapes[l - 1][0]:
            raise ValueError(f"weights[{l}] must have {shapes[l - 1][0]} columns, one per neuron of the "
                             f"layer before, got shape {shapes[l]}")
    return [shapes[0][1]] + [shape[0] for shape in shapes]


def split(theta, sizes):
    """Views into ``theta`` laid out as :func:`pack` does: (weights, biases) lists.

    No copy: writing to ``weights[l - 1]`` writes to ``theta``, and back.
    """
    weights, biases, start = [], [], 0
    for n_prev, n_l in zip(sizes[:-1], sizes[1:]):
        weights.append(theta[start:start + n_l * n_prev].reshape(n_l, n_prev))
        start += n_l * n_prev
        biases.append(theta[start:start + n_l])
        start += n_l
    assert start == theta.size, "theta does not match sizes"
    return weights, biases


def unpack(theta, sizes):
    """Inverse of :func:`pack`: (weights, biases) lists for a network of the given ``sizes`` (copies)."""
    weights, biases = split(theta, sizes)
    return [w.copy() for w in weights], [b.copy() for b in biases]
