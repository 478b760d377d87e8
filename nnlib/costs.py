"""Cost functions: how far a network's output activations ``a`` are from targets ``y``.

Shapes: ``a`` and ``y`` are arrays of shape ``(n_samples, n_outputs)``.

Conventions, used everywhere in the book and in nnlib:

* The **per-example quadratic cost** carries a factor 1/2:
  ``C_x = 1/2 * sum_j (a_j - y_j)**2``, so that its derivative is simply ``a - y``.
* The **cost of a batch** is the mean of the per-example costs over its examples:
  ``C = 1/n * sum_x C_x``. For the quadratic cost this is half the mean squared error.

Every cost offers the same small interface: ``per_example(a, y)`` gives one number
per example, ``value(a, y)`` the batch mean, and ``derivative(a, y)`` gives
``dC_x/da`` for each example, the factor that starts backpropagation.
"""
import numpy as np

# Outputs are clipped to [EPSILON, 1 - EPSILON] before taking logarithms, so the
# cross-entropy stays finite for outputs of exactly 0 and 1.
EPSILON = 1e-12


def _outputs_and_targets(a, y):
    """``a`` and ``y`` as float arrays of one shape (n_samples, n_outputs) or (n_outputs,)."""
    try:
        a, y = np.asarray(a, dtype=float), np.asarray(y, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"a and y must be arrays of numbers: {error}") from None
    if a.shape != y.shape or a.ndim not in (1, 2):
        raise ValueError(f"a (outputs) and y (targets) must have one shape, (n_samples, n_outputs) or "
                         f"(n_outputs,), got a of shape {a.shape} and y of shape {y.shape}")
    return a, y


class QuadraticCost:
    """C_x = 1/2 * ||a - y||**2 (half the squared error), batch cost = mean over examples."""

    name = "quadratic"

    @staticmethod
    def per_example(a, y):
        """Array of shape (n_samples,): 1/2 * sum_j (a_j - y_j)**2 for each example."""
        diff = a - y
        return 0.5 * np.sum(diff * diff, axis=-1)

    @classmethod
    def value(cls, a, y):
        """The batch cost: the mean of :meth:`per_example`, a float (``a`` and ``y`` of one shape)."""
        return float(np.mean(cls.per_example(*_outputs_and_targets(a, y))))

    @staticmethod
    def derivative(a, y):
        """dC_x/da = a - y, shape (n_samples, n_outputs)."""
        return a - y

    @classmethod
    def output_delta(cls, z, a, y, activation):
        """delta^L = dC_x/da * f'(z^L) (equation BP1), shape (n_samples, n_outputs).

        f'(z^L) is computed from a^L = f(z^L), which the forward pass already holds.
        """
        return (a - y) * activation.prime_of_a(a)  # dC_x/da = a - y, written out: this runs every step

    def __repr__(self):
        return "QuadraticCost()"


class CrossEntropyCost:
    """C_x = -sum_j [y_j ln a_j + (1 - y_j) ln(1 - a_j)], batch cost = mean over examples.

    Needs outputs and targets in [0, 1] (for example a sigmoid output layer).
    """

    name = "cross_entropy"

    @staticmethod
    def per_example(a, y):
        """Array of shape (n_samples,): the cross-entropy of each example, finite at a = 0 or 1."""
        a = np.clip(a, EPSILON, 1.0 - EPSILON)
        return -np.sum(y * np.log(a) + (1.0 - y) * np.log1p(-a), axis=-1)

    @classmethod
    def value(cls, a, y):
        """The batch cost: the mean of :meth:`per_example`, a float (``a`` and ``y`` of one shape)."""
        return float(np.mean(cls.per_example(*_outputs_and_targets(a, y))))

    @staticmethod
    def derivative(a, y):
        """dC_x/da = (a - y) / (a (1 - a)), with a clipped away from 0 and 1."""
        a_clipped = np.clip(a, EPSILON, 1.0 - EPSILON)
        return (a - y) / (a_clipped * (1.0 - a_clipped))

    @classmethod
    def output_delta(cls, z, a, y, activation):
        """delta^L for this cost; with a sigmoid output layer f'(z) cancels and delta^L = a - y.

        Using the cancelled form avoids 0/0 when a sigmoid saturates.
        """
        if activation.name == "sigmoid":
            return a - y
        return cls.derivative(a, y) * activation.prime_of_a(a)

    def __repr__(self):
        return "CrossEntropyCost()"


COSTS = {cost.name: cost for cost in (QuadraticCost, CrossEntropyCost)}


def get_cost(cost):
    """Return the cost class called ``cost`` ("quadratic" or "cross_entropy").

    A cost class (or instance) passed in is returned unchanged.

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the valid names.
    """
    if isinstance(cost, str) and cost in COSTS:
        return COSTS[cost]
    if cost in COSTS.values() or type(cost) in COSTS.values():
        return cost
    raise ValueError(f"cost must be one of {sorted(COSTS)}, got {cost!r}")
