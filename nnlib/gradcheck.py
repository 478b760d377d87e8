"""Gradient checking: compare backpropagation with finite differences.

The central difference ``(C(theta + eps e_i) - C(theta - eps e_i)) / (2 eps)`` approximates
the partial derivative dC/dtheta_i with an error of order eps**2, so it is a slow but
independent check of a fast analytic gradient.
"""
from dataclasses import dataclass

import numpy as np

from ._validation import as_float_array, check_callable, check_network, check_positive_number, describe
from .parameters import pack


def numerical_gradient(f, theta, eps=1e-6):
    """Central finite-difference gradient of a scalar function ``f`` at ``theta``.

    Parameters
    ----------
    f : callable
        Takes an array shaped like ``theta`` and returns a number.
    theta : array_like of any shape
    eps : float
        Half the width of the difference.

    Returns
    -------
    ndarray shaped like ``theta``.
    """
    f = check_callable("f", f, "f(theta)")
    theta = as_float_array("theta", theta, ndim=(0, 1, 2, 3)).copy()
    eps = check_positive_number("eps", eps)
    grad = np.empty_like(theta)
    flat, grad_flat = theta.reshape(-1), grad.reshape(-1)  # views: changing flat changes theta
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        f_plus = _number(f(theta))
        flat[i] = saved - eps
        f_minus = _number(f(theta))
        flat[i] = saved
        grad_flat[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def _number(value):
    """``f``'s value as a float; a ValueError says what ``f`` returned instead."""
    if np.ndim(value) != 0 or isinstance(value, (str, bytes)) or value is None:
        raise ValueError(f"f must return one number (the function's value at theta), got {describe(value)}")
    return float(value)


def relative_error(a, b):
    """``||a - b|| / (||a|| + ||b||)``, 0 when both are zero.

    ``a`` and ``b`` must have the same shape (two gradients of one set of parameters). A NaN
    in either gives NaN, which no tolerance passes.
    """
    a, b = _as_numbers("a", a), _as_numbers("b", b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got a of shape {a.shape} and b of shape {b.shape}")
    a, b = a.ravel(), b.ravel()
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denominator == 0 else float(np.linalg.norm(a - b) / denominator)


def _as_numbers(name, value):
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers, got {describe(value)}") from None


@dataclass
class GradientCheck:
    """The result of :func:`check_gradients`.

    Attributes
    ----------
    analytic : ndarray of shape (n_params,)
        Backpropagation's gradient, flattened as by :meth:`Network.get_params`.
    numeric : ndarray of shape (n_params,)
        The finite-difference gradient.
    relative_error : float
    """

    analytic: np.ndarray
    numeric: np.ndarray
    relative_error: float

    def passed(self, tolerance=1e-6):
        """True when the relative error is below ``tolerance``."""
        return self.relative_error < tolerance


def check_gradients(net, X, Y, eps=1e-6):
    """Compare ``net.backprop(X, Y)`` with finite differences of ``net.cost(X, Y)``.

    The network's parameters are restored afterwards.

    Returns
    -------
    GradientCheck
    """
    net = check_network("net", net)
    eps = check_positive_number("eps", eps)
    theta = net.get_params()
    nabla_w, nabla_b = net.backprop(X, Y)
    analytic = pack(nabla_w, nabla_b)

    def cost_at(params):
        net.set_params(params)
        return net.cost(X, Y)

    try:
        numeric = numerical_gradient(cost_at, theta, eps)
    finally:
        net.set_params(theta)
    return GradientCheck(analytic, numeric, relative_error(analytic, numeric))
