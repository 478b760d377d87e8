"""Plain gradient descent on a function of a few variables (the cost chapter's landscapes).

The rule is ``x <- x - eta * grad(x)``: step against the gradient, the direction in
which the function falls fastest, by a step proportional to the learning rate eta.
"""
import numpy as np

from ._validation import as_float_array, check_int, check_positive_number

# A path whose points grow past this size is called divergent and stopped.
DIVERGENCE_LIMIT = 1e6


def gradient_descent(grad, x0, eta, n_steps):
    """Follow ``x <- x - eta * grad(x)`` from ``x0`` for ``n_steps`` steps.

    Parameters
    ----------
    grad : callable
        Takes a point shaped like ``x0`` and returns the gradient there, same shape.
    x0 : float or array_like of shape (d,)
        The starting point (a number for a function of one variable).
    eta : float
        The learning rate, > 0.
    n_steps : int
        Number of steps, >= 0.

    Returns
    -------
    ndarray of shape (k + 1,) + shape of x0
        Row i is the point after i steps. ``k = n_steps`` unless the path diverged:
        it stops early at the first point that is not finite or whose size exceeds
        ``DIVERGENCE_LIMIT`` (that point is included).
    """
    x = as_float_array("x0", x0, ndim=(0, 1))
    eta = check_positive_number("eta", eta)
    n_steps = check_int("n_steps", n_steps, low=0)
    path = [x.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_steps):
            x = x - eta * np.asarray(grad(x), dtype=float)
            path.append(x.copy())
            if not np.all(np.isfinite(x)) or np.max(np.abs(x)) > DIVERGENCE_LIMIT:
                break
    return np.array(path)


def classify_path(path, values, tolerance=1e-3):
    """Describe a descent run: "diverged", "oscillating", "converged" or "crawling".

    Parameters
    ----------
    path : ndarray of shape (k + 1,) or (k + 1, d)
        Points as returned by :func:`gradient_descent`.
    values : array_like of shape (k + 1,)
        The function's value at each point.
    tolerance : float
        A run has converged when its last step is shorter than ``tolerance`` times its first.

    * diverged: the value ended higher than it started, or the path left the finite numbers;
    * oscillating: most consecutive steps point in opposite directions (zig-zag);
    * converged: the steps have shrunk to almost nothing;
    * crawling: still going downhill steadily, but far from done.
    """
    path = np.asarray(path, dtype=float).reshape(len(path), -1)  # (k + 1, d)
    values = np.asarray(values, dtype=float)
    if len(path) < 2:
        return "crawling"
    if not np.all(np.isfinite(values)) or not np.all(np.isfinite(path)) or values[-1] > values[0]:
        return "diverged"
    steps = np.diff(path, axis=0)  # (k, d)
    lengths = np.linalg.norm(steps, axis=1)
    if lengths[0] == 0 or lengths[-1] <= tolerance * lengths[0]:
        return "converged"
    if zigzag_fraction(path) > 0.5:
        return "oscillating"
    return "crawling"


def zigzag_fraction(path):
    """Fraction of consecutive steps of ``path`` that reverse direction (negative dot product).

    Parameters
    ----------
    path : ndarray of shape (k + 1,) or (k + 1, d)

    Returns
    -------
    float in [0, 1]; 0 for a path of fewer than three points.
    """
    steps = np.diff(np.asarray(path, dtype=float).reshape(len(path), -1), axis=0)  # (k, d)
    if len(steps) < 2:
        return 0.0
    return float(np.mean(np.sum(steps[1:] * steps[:-1], axis=1) < 0))
