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

from ._validation import as_float_array, check_int, check_same_length, describe, label_hint, make_rng
from .activations import Activation, get_activation
from .costs import CrossEntropyCost, get_cost
from .parameters import count_params, parameter_lists, sizes_of, split
from .scoring import labels, score_outputs


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
        ``nabla_w[l - 1]`` is dC/dW^l, shape ``(n_l, n_(l-1))``: the gradient of the batch
        cost C (the mean over the batch), never scaled by a learning rate.
    nabla_b : list of ndarray
        ``nabla_b[l - 1]`` is dC/db^l, shape ``(n_l,)``, the same way.
    nabla : ndarray of shape (n_params,)
        The whole gradient as one flat vector, laid out as :meth:`Network.get_params`;
        ``nabla_w`` and ``nabla_b`` are views into it.
    """

    deltas: list
    nabla_w: list
    nabla_b: list
    nabla: np.ndarray = None

    def delta(self, l):
        """delta^l (1 <= l <= L)."""
        if not 1 <= l <= len(self.deltas):
            raise ValueError(f"l must be between 1 and {len(self.deltas)}, got {l}")
        return self.deltas[l - 1]


class Network:
    """A fully connected feed-forward network.

    To build a network from given arrays, use :meth:`from_params`.

    Parameters
    ----------
    sizes : sequence of int
        Neurons per layer, input layer first, e.g. ``[64, 30, 10]``; at least two layers.
    activation : str, Activation or sequence of them, default "sigmoid"
        The activation f of every layer after the input (see :mod:`nnlib.activations`), or one
        per layer: with ``output_activation`` given, one per hidden layer (``L - 1`` entries,
        layer 1 first); without it, one per layer 1, ..., L (``L`` entries, the output's last).
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
    activation, output_activation : Activation
        ``activation`` is the one given, or layer 1's when a sequence was given (see
        :meth:`activation_of_layer` for every layer's).
    cost_function : QuadraticCost or CrossEntropyCost
        The cost as a function of outputs and targets; :meth:`cost` applies it to the
        network's outputs for inputs ``X``.

    Entry points: :meth:`forward`, :meth:`cost`, :meth:`backprop`, :meth:`score` check their
    inputs. For training loops, :meth:`check_batch` checks a batch once, and then
    :meth:`forward_batch` and :meth:`backward_batch` run without checks (the fast path
    :func:`nnlib.train` uses).
    """

    def __init__(self, sizes, activation="sigmoid", cost="quadratic", seed=None, output_activation=None):
        sizes = _check_sizes(sizes)
        self.sizes = sizes
        self.L = len(sizes) - 1
        # f of layers 1..L; _layer_activations[l - 1] is layer l's (lists start at 0)
        self._layer_activations = _activations_per_layer(activation, output_activation, self.L)
        self._one_activation = isinstance(activation, (str, Activation))
        self.activation = get_activation(activation) if self._one_activation else self._layer_activations[0]
        self.output_activation = self._layer_activations[-1]
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
        # All weights and biases live in one flat vector (see params);
        # weights[l - 1] and biases[l - 1] are views into it.
        self.__setstate__({"_params": np.zeros(count_params(sizes))})
        # W^l for l = 1..L; weights[l - 1] because Python lists start at 0.
        self.weights = [
            rng.standard_normal((n_l, n_prev)) / np.sqrt(n_prev)
            for n_prev, n_l in zip(sizes[:-1], sizes[1:])
        ]
        self.biases = [np.zeros(n_l) for n_l in sizes[1:]]

    def __getstate__(self):  # copy.deepcopy and pickle: views are rebuilt, not copied
        return {k: v for k, v in self.__dict__.items() if k not in ("_weights", "_biases")}

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "_layer_activations" not in self.__dict__ and "activation" in self.__dict__:
            # a state saved by an nnlib whose layers all shared one activation (besides the output's)
            self._layer_activations = [self.activation] * (self.L - 1) + [self.output_activation]
            self._one_activation = True
        self._weights, self._biases = parameter_lists(self._params, self.sizes)

    @classmethod
    def from_params(cls, weights, biases, activation="sigmoid", cost="quadratic", output_activation=None):
        """A network holding the given arrays; ``sizes`` is read from the weights' shapes.

        The arrays' values are copied into the network (see :attr:`params`).

        Parameters
        ----------
        weights : list of array_like
            ``weights[l - 1]`` is W^l, of shape ``(n_l, n_(l-1))``.
        biases : list of array_like
            ``biases[l - 1]`` is b^l, of shape ``(n_l,)``.
        activation, cost, output_activation :
            As for :class:`Network`.
        """
        sizes = sizes_of(weights)
        net = cls(sizes, activation, cost, seed=0, output_activation=output_activation)
        net.weights, net.biases = weights, biases
        return net

    def __repr__(self):
        extra = ""
        if self._one_activation:
            activation = repr(self.activation.name)
            if self.output_activation is not self.activation:
                extra = f", output_activation={self.output_activation.name!r}"
        else:
            activation = repr([f.name for f in self._layer_activations])
        return f"Network({self.sizes}, activation={activation}, cost={self.cost_function.name!r}{extra})"

    # ---- parameters ---------------------------------------------------------------------

    @property
    def weights(self):
        """W^1, ..., W^L: ``weights[l - 1]`` is W^l, shape ``(sizes[l], sizes[l - 1])``.

        Row j, column k is w^l_jk. Checked when assigned (the whole list or one
        entry): a wrong shape raises ValueError at once. The arrays are views into
        :attr:`params`; assigning copies values into them.
        """
        return self._weights

    @weights.setter
    def weights(self, arrays):
        self._weights.assign(arrays)

    @property
    def biases(self):
        """b^1, ..., b^L: ``biases[l - 1]`` is b^l, shape ``(sizes[l],)``; checked when assigned."""
        return self._biases

    @biases.setter
    def biases(self, arrays):
        self._biases.assign(arrays)

    @property
    def params(self):
        """Every weight and bias in one flat vector of shape ``(n_params,)``, not a copy.

        Order: W^1 (row by row), b^1, W^2, b^2, ..., W^L, b^L, as in
        :meth:`get_params`. ``weights`` and ``biases`` are views into this vector,
        so an in-place change of one (``params -= eta * nabla``) is a change of
        the other.
        """
        return self._params

    @property
    def n_params(self):
        """Number of weights and biases, e.g. 13,002 for ``[784, 16, 16, 10]``."""
        return self._params.size

    def get_params(self):
        """All parameters as one flat vector of shape ``(n_params,)`` (a copy).

        Order: W^1 (row by row), b^1, W^2, b^2, ..., W^L, b^L.
        """
        return self._params.copy()

    def set_params(self, theta):
        """Set all parameters from a flat vector laid out as :meth:`get_params` returns it."""
        theta = as_float_array("theta", theta, ndim=(1,))
        if theta.size != self.n_params:
            raise ValueError(f"theta must have {self.n_params} entries (n_params), got {theta.size}")
        self.weights, self.biases = split(theta, self.sizes)  # checked, then copied in

    def activation_of_layer(self, l):
        """The activation f used in layer l (1 <= l <= L)."""
        return self._layer_activations[l - 1]

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
        trace = self.forward_batch(np.atleast_2d(X))
        if one_example:
            trace = ForwardPass([z[0] for z in trace.zs], [a[0] for a in trace.activations])
        return trace

    def forward_batch(self, A):
        """Forward pass without input checks, for training loops.

        ``A`` must be a 2-D float array of shape (n_samples, sizes[0]), as
        :meth:`check_batch` returns it. Returns a :class:`ForwardPass`.
        """
        zs, activations = [], [A]
        for l, (W, b) in enumerate(zip(self.weights, self.biases), start=1):
            z = A @ W.T  # (m, n_(l-1)) x (n_(l-1), n_l) -> (m, n_l)
            z += b
            A = self.activation_of_layer(l).f(z)
            zs.append(z)
            activations.append(A)
        return ForwardPass(zs, activations)

    # ---- cost and scores ----------------------------------------------------------------

    def cost(self, X, Y):
        """The cost C of the batch: the mean over examples of the per-example cost C_x, a float."""
        X, Y = self.check_batch(X, Y)
        return self.cost_function.value(self.forward_batch(X).output, Y)

    def score(self, X, Y):
        """Cost and accuracy on (X, Y) from one forward pass: a :class:`nnlib.scoring.Score`."""
        X, Y = self.check_batch(X, Y)
        return score_outputs(self.forward_batch(X).output, Y, self.cost_function)

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
        one_example = np.ndim(X) == 1
        X, Y = self.check_batch(X, Y)
        result = self.backward_batch(self.forward_batch(X), Y)
        if one_example:
            result.deltas = [delta[0] for delta in result.deltas]
        return result

    def backward_batch(self, trace, Y, out=None):
        """Backpropagation without input checks: the batch cost's gradients.

        ``trace`` is the result of :meth:`forward_batch` and ``Y`` a 2-D float
        array of targets (see :meth:`check_batch`). Returns a
        :class:`BackwardPass`; its ``nabla_w`` and ``nabla_b`` are the means
        over the batch of each example's gradient. A training loop may pass
        the previous step's result as ``out``: its arrays are then overwritten
        instead of new ones being made. Rows are examples, so BP2 multiplies
        by W, not W^T::

            BP1  delta^L = dC_x/da^L * f'(z^L)
            BP2  delta^l = (delta^(l+1) W^(l+1)) * f'(z^l)
            BP3  dC/db^l_j  = mean over examples of delta^l_j
            BP4  dC/dw^l_jk = mean over examples of a^(l-1)_k delta^l_j
        """
        mean = 1.0 / Y.shape[0]
        L = self.L
        if out is None:  # new arrays (a training loop passes the last ones)
            out = self._new_backward_pass()
        deltas, nabla_w, nabla_b = out.deltas, out.nabla_w, out.nabla_b
        delta = self.cost_function.output_delta(
            trace.zs[-1], trace.activations[-1], Y, self.output_activation)
        for l in range(L, 0, -1):  # l = L, L-1, ..., 1; list index l - 1
            if l < L:
                # f'(z^l) from a^l = f(z^l), computed by the forward pass
                f = self.activation_of_layer(l)
                f_prime = f.prime_of_a(trace.activations[l])
                # (m, n_(l+1)) x (n_(l+1), n_l) -> (m, n_l)
                delta = (delta @ self.weights[l]) * f_prime
            deltas[l - 1] = delta
            weighted = delta * mean  # each example's share of the mean
            a_prev = trace.activations[l - 1]  # a^(l-1)
            # (n_l, m) x (m, n_(l-1)) -> (n_l, n_(l-1)): summed over examples;
            # out= writes the results into nabla_w[l - 1] and nabla_b[l - 1]
            np.matmul(weighted.T, a_prev, out=nabla_w[l - 1])
            weighted.sum(axis=0, out=nabla_b[l - 1])
        return out

    def _new_backward_pass(self):
        """A BackwardPass to fill: nabla_w and nabla_b are views into nabla."""
        nabla = np.empty(self.n_params)
        return BackwardPass([None] * self.L, *split(nabla, self.sizes), nabla)

    # ---- predictions --------------------------------------------------------------------

    def predict(self, X):
        """Class labels, shape (n_samples,) of int (or a 0-D int for a 1-D input).

        With several outputs, the label is the index of the largest output; with one
        output (targets 0 or 1), it is 1 where the output exceeds 0.5 and 0 elsewhere.
        """
        return labels(self.forward(X))

    def accuracy(self, X, Y):
        """Fraction of examples whose predicted label matches the target's label, a float.

        ``Y`` holds targets as used for training: one-hot rows, or one 0/1 column.
        """
        return self.score(X, Y).accuracy

    # ---- input checks -------------------------------------------------------------------

    def check_batch(self, X, Y, x_name="X", y_name="Y"):
        """Check inputs and targets once; returns them as 2-D float arrays ``(X, Y)``.

        ``X`` must have shape (n_samples, sizes[0]) or (sizes[0],), ``Y`` (n_samples, sizes[-1])
        or (sizes[-1],), with finite values and at least one example. Raises ValueError naming
        the argument, what was expected and what arrived (with a hint for class labels).
        """
        try:
            X = self._check_X(X, x_name)
            Y_checked = self._check_Y(Y, y_name)
            check_same_length(x_name, X, y_name, Y_checked)
        except ValueError as error:
            raise ValueError(f"{error}{label_hint(Y, self.sizes[-1])}") from None
        if X.ndim == 2 and X.shape[0] == 0:
            raise ValueError(f"{x_name} must hold at least one example, got shape {X.shape}")
        return np.atleast_2d(X), np.atleast_2d(Y_checked)

    def _check_X(self, X, name="X"):
        return as_float_array(name, X, ndim=(1, 2), width=self.sizes[0], width_name="sizes[0], the input layer")

    def _check_Y(self, Y, name="Y"):
        Y = as_float_array(name, Y, ndim=(1, 2), width=self.sizes[-1], width_name="sizes[-1], the output layer")
        if self.cost_function is CrossEntropyCost and Y.size and (Y.min() < 0 or Y.max() > 1):
            raise ValueError(f"{name} must lie in [0, 1] for the cross-entropy cost, got values from {Y.min()} to {Y.max()}")
        return Y


def _activations_per_layer(activation, output_activation, L):
    """The Activation of each layer 1..L (list index l - 1), from Network's two arguments."""
    if isinstance(activation, (str, Activation)):
        hidden = get_activation(activation)
        output = hidden if output_activation is None else get_activation(output_activation)
        return [hidden] * (L - 1) + [output]
    if isinstance(activation, (list, tuple)):
        if output_activation is None:
            expected, what = L, "one per layer 1..L"
        else:
            expected, what = L - 1, "one per hidden layer"
        if len(activation) != expected:
            raise ValueError(f"activation must list {expected} activations ({what}), got {len(activation)}")
        layers = []
        for i, f in enumerate(activation):
            try:
                layers.append(get_activation(f))
            except ValueError as error:
                raise ValueError(f"activation[{i}] {str(error)[len('activation '):]}") from None
        if output_activation is not None:
            layers.append(get_activation(output_activation))
        return layers
    raise ValueError(f"activation must be a name, an Activation or a list of them, got {describe(activation)}")


def _check_sizes(sizes):
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
        raise ValueError(f"sizes must be a sequence of layer widths such as [2, 3, 1], got {describe(sizes)}")
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least two layers (input and output), got {sizes!r}")
    for i, n in enumerate(sizes):
        check_int(f"sizes[{i}]", n, low=1)
    return [int(n) for n in sizes]


__all__ = ["Network", "ForwardPass", "BackwardPass"]
