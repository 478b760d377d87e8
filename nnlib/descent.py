"""Plain gradient descent on a function of a few variables (the cost chapter's landscapes).

The rule is ``x <- x - eta * grad(x)``: step against the gradient, the direction in
which the function falls fastest, by a step proportional to the learning rate eta.
"""
import numpy as np

from ._validation import as_float_array, check_callable, check_int, check_number, check_positive_number, describe

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
    grad = check_callable("grad", grad, "grad(x)")
    x = as_float_array("x0", x0, ndim=(0, 1))
    eta = check_positive_number("eta", eta)
    n_steps = check_int("n_steps", n_steps, low=0)
    path = [x.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_steps):
            x = x - eta * _gradient_at(grad, x)
            path.append(x.copy())
            if not np.all(np.isfinite(x)) or np.max(np.abs(x)) > DIVERGENCE_LIMIT:
                break
    return np.array(path)


def _gradient_at(grad, x):
    """``grad(x)`` as a float array shaped like ``x``; a ValueError says what ``grad`` returned instead."""
    g = grad(x)
    try:
        checked = np.asarray(g, dtype=float)
    except (TypeError, ValueError):
        checked = None
    if g is None or checked is None or checked.shape != x.shape:
        like = "a number" if x.ndim == 0 else f"an array of shape {x.shape}"
        raise ValueError(f"grad must return the gradient at x, {like} like x0, got {describe(g)} at x = {x}")
    return checked


def _check_path(path, values):
    """``path`` as a float array (k + 1, d) and ``values`` as (k + 1,), with k >= 0."""
    try:
        points = np.asarray(path, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"path must be an array of points as gradient_descent returns it, "
                         f"got {describe(path)}") from None
    if points.ndim not in (1, 2) or len(points) == 0:
        raise ValueError(f"path must hold at least one point, shape (k + 1,) or (k + 1, d), got shape {points.shape}")
    try:
        values = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"values must be numbers, one per point of path, got {describe(values)}") from None
    if values.shape != (len(points),):
        raise ValueError(f"values must hold one value per point of path ({len(points)} points), "
                         f"got shape {values.shape}")
    return points.reshape(len(points), -1), values  # (k + 1, d), (k + 1,)


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

    A path may hold non-finite points (a diverged run); ``path`` and ``values`` must have the
    same length, at least one point.
    """
    path, values = _check_path(path, values)
    tolerance = check_number("tolerance", tolerance, 0)
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
    path = as_float_array("path", path, ndim=(1, 2))
    if len(path) < 3:
        return 0.0
    steps = np.diff(path.reshape(len(path), -1), axis=0)  # (k + 1, d) -> (k, d)
    return float(np.mean(np.sum(steps[1:] * steps[:-1], axis=1) < 0))
