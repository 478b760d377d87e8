"""A fully connected feed-forward network: forward pass, cost and backpropagation.

Notation (the book's, chapter "Notation and the forward pass"):

* Layers are numbered l = 0, 1, ..., L. Layer 0 is the input layer, layer L the output layer.
* ``z^l = W^l a^(l-1) + b^l`` and ``a^l = f(z^l)`` for l = 1, ..., L; ``a^0`` is the input.
* ``w^l_jk`` is the weight *to* neuron j of layer l *from* neuron k of layer l-1, so
  ``W^l`` has shape ``(n_l, n_(l-1))``.

Python lists start at 0 and layer 0 has no weights, so ``weights[l - 1]`` holds ``W^l``
and ``biases[l - 1]`` holds ``b^l``. The trace objects below offer ``.z(l)``, ``.a(l)`` and
``.delta(l)`` that take the book's layer number directly.

Shapes: a batch of examples is stacked as rows, ``X`` of shape ``(n_samples, sizes[0])``;
then ``Z^l = A^(l-1) (W^l)^T + b^l`` has shape ``(n_samples, n_l)``, the same computation
done for every row at once.
"""
from dataclasses import dataclass

import numpy as np

from ._validation import as_float_array, check_int, check_same_length, make_rng
from .activations import get_activation
from .costs import CrossEntropyCost, get_cost


@dataclass
class ForwardPass:
    """Everything computed by a forward pass.

    Attributes
    ----------
    zs : list of ndarray
        ``zs[l - 1]`` is z^l, of shape ``(n_samples, n_l)`` (or ``(n_l,)`` for one example).
    activations : list of ndarray
        ``activations[l]`` is a^l; ``activations[0]`` is the input.
    """

    zs: list
    activations: list

    def z(self, l):
        """z^l, the weighted input of layer l (1 <= l <= L)."""
        if not 1 <= l <= len(self.zs):
            raise ValueError(f"l must be between 1 and {len(self.zs)}, got {l}")
        return self.zs[l - 1]

    def a(self, l):
        """a^l, the activation of layer l (0 <= l <= L)."""
        if not 0 <= l < len(self.activations):
            raise ValueError(f"l must be between 0 and {len(self.activations) - 1}, got {l}")
        return self.activations[l]

    @property
    def output(self):
        """a^L, the network's output."""
        return self.activations[-1]


@dataclass
class BackwardPass:
    """Everything computed by backpropagation.

    Attributes
    ----------
    deltas : list of ndarray
        ``deltas[l - 1]`` is delta^l = dC_x/dz^l for every example, shape like z^l.
    nabla_w : list of ndarray
        ``nabla_w[l - 1]`` is dC/dW^l, shape ``(n_l, n_(l-1))``, averaged over the batch.
    nabla_b : list of ndarray
        ``nabla_b[l - 1]`` is dC/db^l, shape ``(n_l,)``, averaged over the batch.
    """

    deltas: list
    nabla_w: list
    nabla_b: list

    def delta(self, l):
        """delta^l (1 <= l <= L)."""
        if not 1 <= l <= len(self.deltas):
            raise ValueError(f"l must be between 1 and {len(self.deltas)}, got {l}")
        return self.deltas[l - 1]


class Network:
    """A fully connected feed-forward network.

    Parameters
    ----------
    sizes : sequence of int
        Neurons per layer, input layer first, e.g. ``[64, 30, 10]``; at least two layers.
    activation : str or Activation, default "sigmoid"
        The activation f of every layer after the input (see :mod:`nnlib.activations`).
    cost : str, default "quadratic"
        "quadratic" (1/2 squared error) or "cross_entropy" (see :mod:`nnlib.costs`).
    seed : int, numpy.random.Generator or None
        Seeds the initial weights. Weights are drawn from a normal distribution with
        standard deviation ``1 / sqrt(n_(l-1))``; biases start at zero.
    output_activation : str, Activation or None
        Activation of the output layer only; None means the same as ``activation``.

    Attributes
    ----------
    sizes : list of int
    L : int
        Index of the output layer (the number of layers with weights).
    weights : list of ndarray
        ``weights[l - 1]`` is W^l, of shape ``(sizes[l], sizes[l - 1])``; row j, column k is w^l_jk.
    biases : list of ndarray
        ``biases[l - 1]`` is b^l, of shape ``(sizes[l],)``.
    activation, output_activation : Activation
    cost_function : QuadraticCost or CrossEntropyCost
        The cost as a function of outputs and targets; :meth:`cost` applies it to the
        network's outputs for inputs ``X``.
    """

    def __init__(self, sizes, activation="sigmoid", cost="quadratic", seed=None, output_activation=None):
        sizes = _check_sizes(sizes)
        self.sizes = sizes
        self.L = len(sizes) - 1
        self.activation = get_activation(activation)
        self.output_activation = get_activation(
            activation if output_activation is None else output_activation
        )
        self.cost_function = get_cost(cost)
        if self.cost_function is CrossEntropyCost:
            low, high = self.output_activation.output_range
            if low < 0 or high > 1:
                raise ValueError(
                    "cost 'cross_entropy' needs outputs in [0, 1], but output activation "
                    f"{self.output_activation.name!r} ranges over ({low}, {high}); "
                    "use output_activation='sigmoid'"
                )
        rng = make_rng(seed)
        # W^l for l = 1..L; weights[l - 1] because Python lists start at 0.
        self.weights = [
            rng.standard_normal((n_l, n_prev)) / np.sqrt(n_prev)
            for n_prev, n_l in zip(sizes[:-1], sizes[1:])
        ]
        self.biases = [np.zeros(n_l) for n_l in sizes[1:]]

    def __repr__(self):
        extra = ""
        if self.output_activation is not self.activation:
            extra = f", output_activation={self.output_activation.name!r}"
        return (
            f"Network({self.sizes}, activation={self.activation.name!r}, "
            f"cost={self.cost_function.name!r}{extra})"
        )

    # ---- parameters ---------------------------------------------------------------------

    @property
    def n_params(self):
        """Number of weights and biases, e.g. 13,002 for ``[784, 16, 16, 10]``."""
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases))

    def get_params(self):
        """All parameters as one flat vector of shape ``(n_params,)`` (a copy).

        Order: W^1 (row by row), b^1, W^2, b^2, ..., W^L, b^L.
        """
        return pack(self.weights, self.biases)

    def set_params(self, theta):
        """Set all parameters from a flat vector laid out as :meth:`get_params` returns it."""
        theta = as_float_array("theta", theta, ndim=(1,))
        if theta.size != self.n_params:
            raise ValueError(f"theta must have {self.n_params} entries (n_params), got {theta.size}")
        self.weights, self.biases = unpack(theta, self.sizes)

    def activation_of_layer(self, l):
        """The activation f used in layer l (1 <= l <= L)."""
        return self.output_activation if l == self.L else self.activation

    # ---- forward pass -------------------------------------------------------------------

    def forward(self, X):
        """The network's output a^L.

        Parameters
        ----------
        X : array_like of shape (n_samples, sizes[0]) or (sizes[0],)

        Returns
        -------
        ndarray of shape (n_samples, sizes[-1]), or (sizes[-1],) for a 1-D input.
        """
        return self.forward_pass(X).output

    __call__ = forward

    def forward_pass(self, X):
        """A :class:`ForwardPass` holding every z^l and a^l for the input ``X``.

        ``X`` is shaped as for :meth:`forward`; the trace's arrays are 1-D for a 1-D input.
        """
        X = self._check_X(X)
        one_example = X.ndim == 1
        trace = self._forward(np.atleast_2d(X))
        if one_example:
            trace = ForwardPass([z[0] for z in trace.zs], [a[0] for a in trace.activations])
        return trace

    def _forward(self, A):
        """Forward pass on a checked 2-D batch ``A`` of shape (n_samples, sizes[0])."""
        zs, activations = [], [A]
        for l, (W, b) in enumerate(zip(self.weights, self.biases), start=1):
            z = A @ W.T  # (n, n_(l-1)) x (n_(l-1), n_l) -> (n, n_l)
            z += b
            A = self.activation_of_layer(l).f(z)
            zs.append(z)
            activations.append(A)
        return ForwardPass(zs, activations)

    # ---- cost ---------------------------------------------------------------------------

    def cost(self, X, Y):
        """The cost C of the batch: the mean over examples of the per-example cost C_x, a float."""
        X, Y = self._check_XY(X, Y)
        return self.cost_function.value(self._forward(np.atleast_2d(X)).output, np.atleast_2d(Y))

    # ---- backpropagation ----------------------------------------------------------------

    def backprop(self, X, Y):
        """Gradients of :meth:`cost` ``(X, Y)`` with respect to every weight and bias.

        Parameters
        ----------
        X : array_like of shape (n_samples, sizes[0]) or (sizes[0],)
        Y : array_like of shape (n_samples, sizes[-1]) or (sizes[-1],)

        Returns
        -------
        (nabla_w, nabla_b) : tuple of lists of ndarray
            Shaped like ``weights`` and ``biases``.
        """
        trace = self.backward_pass(X, Y)
        return trace.nabla_w, trace.nabla_b

    def backward_pass(self, X, Y):
        """A :class:`BackwardPass` with every delta^l and the gradients, for the book to inspect."""
        X, Y = self._check_XY(X, Y)
        one_example = X.ndim == 1
        result = self._backward(self._forward(np.atleast_2d(X)), np.atleast_2d(Y))
        if one_example:
            result.deltas = [delta[0] for delta in result.deltas]
        return result

    def _backward(self, trace, Y, scale=None):
        """The four equations of backpropagation on a checked 2-D batch.

        The gradients are sums over the examples times ``scale``; the default, 1/n, makes them
        means (the gradient of the batch cost). SGD passes eta/n to get the step directly.

        BP1  delta^L = dC_x/da^L * f'(z^L)
        BP2  delta^l = (delta^(l+1) W^(l+1)) * f'(z^l)   (rows are examples, so W, not W^T)
        BP3  dC/db^l_j  = mean over examples of delta^l_j
        BP4  dC/dw^l_jk = mean over examples of a^(l-1)_k delta^l_j
        """
        scale = 1.0 / Y.shape[0] if scale is None else scale
        L = self.L
        deltas, nabla_w, nabla_b = [None] * L, [None] * L, [None] * L
        delta = self.cost_function.output_delta(
            trace.zs[-1], trace.activations[-1], Y, self.output_activation)
        for l in range(L, 0, -1):  # l = L, L-1, ..., 1; list index l - 1
            if l < L:
                # f'(z^l) from a^l = f(z^l), which the forward pass computed
                f_prime = self.activation_of_layer(l).prime_of_a(
                    trace.activations[l])
                # (n, n_(l+1)) x (n_(l+1), n_l) -> (n, n_l)
                delta = (delta @ self.weights[l]) * f_prime
            deltas[l - 1] = delta
            # (n_l, n) x (n, n_(l-1)) -> (n_l, n_(l-1)): summed over examples
            grad_w = delta.T @ trace.activations[l - 1]
            grad_w *= scale
            grad_b = delta.sum(axis=0)
            grad_b *= scale
            nabla_w[l - 1], nabla_b[l - 1] = grad_w, grad_b
        return BackwardPass(deltas, nabla_w, nabla_b)

    # ---- predictions --------------------------------------------------------------------

    def predict(self, X):
        """Class labels, shape (n_samples,) of int (or a 0-D int for a 1-D input).

        With several outputs, the label is the index of the largest output; with one
        output (targets 0 or 1), it is 1 where the output exceeds 0.5 and 0 elsewhere.
        """
        return _labels(self.forward(X))

    def accuracy(self, X, Y):
        """Fraction of examples whose predicted label matches the target's label, a float.

        ``Y`` holds targets as used for training: one-hot rows, or one 0/1 column.
        """
        X, Y = self._check_XY(X, Y)
        A = self._forward(np.atleast_2d(X)).output
        return float(np.mean(_labels(A) == _labels(np.atleast_2d(Y))))

    # ---- input checks -------------------------------------------------------------------

    def _check_X(self, X, name="X"):
        return as_float_array(name, X, ndim=(1, 2), width=self.sizes[0], width_name="sizes[0], the input layer")

    def _check_Y(self, Y, name="Y"):
        Y = as_float_array(name, Y, ndim=(1, 2), width=self.sizes[-1], width_name="sizes[-1], the output layer")
        if self.cost_function is CrossEntropyCost and Y.size and (Y.min() < 0 or Y.max() > 1):
            raise ValueError(f"{name} must lie in [0, 1] for the cross-entropy cost, got values from {Y.min()} to {Y.max()}")
        return Y

    def _check_XY(self, X, Y, x_name="X", y_name="Y"):
        X = self._check_X(X, x_name)
        Y = self._check_Y(Y, y_name)
        check_same_length(x_name, X, y_name, Y)
        if X.ndim == 2 and X.shape[0] == 0:
            raise ValueError(f"{x_name} must hold at least one example, got shape {X.shape}")
        return X, Y


def _labels(A):
    """Labels from outputs or targets of shape (..., n_outputs): argmax, or > 0.5 for one output."""
    if A.shape[-1] > 1:
        return np.argmax(A, axis=-1)
    return (A[..., 0] > 0.5).astype(int)


def _check_sizes(sizes):
    try:
        sizes = list(sizes)
    except TypeError:
        raise ValueError(f"sizes must be a sequence of layer widths such as [2, 3, 1], got {sizes!r}") from None
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least two layers (input and output), got {sizes!r}")
    for i, n in enumerate(sizes):
        check_int(f"sizes[{i}]", n, low=1)
    return [int(n) for n in sizes]


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
