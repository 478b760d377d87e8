"""Input checks shared by nnlib's public entry points.

Every check raises ``ValueError`` whose message names the argument, says what
was expected and shows what arrived, so a reader can fix the call from the
message alone.
"""
import numbers

import numpy as np


def as_float_array(name, value, ndim=(1, 2), width=None, width_name="width"):
    """Return ``value`` as a float64 array after checking rank, width and finiteness.

    Parameters
    ----------
    name : str
        The argument's name, used in error messages.
    value : array_like
    ndim : tuple of int
        Allowed numbers of dimensions.
    width : int or None
        Required length of the last axis, if any.
    width_name : str
        What the width means, for the error message (e.g. ``"sizes[0]"``).
    """
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be an array of numbers, got {type(value).__name__}: {error}") from None
    if array.ndim not in ndim:
        allowed = " or ".join(f"{d}-D" for d in ndim)
        raise ValueError(f"{name} must be {allowed}, got a {array.ndim}-D array of shape {array.shape}")
    if width is not None and array.shape[-1] != width:
        raise ValueError(
            f"{name} must have {width} columns ({width_name}), got shape {array.shape}"
        )
    if array.size and not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{name} must contain only finite numbers, got {bad} NaN or infinite value(s)")
    return array


def check_same_length(name_a, a, name_b, b):
    """Raise if ``a`` and ``b`` hold different numbers of examples (rows)."""
    n_a = a.shape[0] if a.ndim == 2 else 1
    n_b = b.shape[0] if b.ndim == 2 else 1
    if a.ndim != b.ndim or n_a != n_b:
        raise ValueError(
            f"{name_a} and {name_b} must hold the same number of examples, "
            f"got {name_a} of shape {a.shape} and {name_b} of shape {b.shape}"
        )


def describe(value):
    """A short description of what arrived, for error messages: ``'abc' (str)``, ``None``."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return text if value is None else f"{text} ({type(value).__name__})"


def check_positive_number(name, value):
    """Return ``value`` as a float after checking it is finite and > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return value


def check_number(name, value, low, high=np.inf, low_open=False, high_open=False):
    """Return ``value`` as a float after checking it is a real number within the given bounds."""
    left, right = "(" if low_open else "[", ")" if high_open else "]"
    interval = f"a number in {left}{low:g}, {high:g}{right}"
    if high == np.inf:
        interval = f"a finite number {'>' if low_open else '>='} {low:g}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be {interval}, got {describe(value)}")
    value = float(value)
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if not np.isfinite(value) or too_low or too_high:
        raise ValueError(f"{name} must be {interval}, got {value!r}")
    return value


def label_hint(Y, n_outputs):
    """The fix to add when ``Y`` looks like integer class labels given where one-hot targets belong."""
    y = np.asarray(Y)
    if n_outputs > 1 and y.ndim in (1, 2) and y.size and (y.ndim == 1 or y.shape[1] == 1) \
            and y.dtype.kind in "iuf" and np.all(np.mod(y, 1) == 0) and y.min() >= 0 and y.max() < n_outputs:
        return f"; for class labels y, pass one_hot(y, {n_outputs}) as Y"
    return ""


def check_int(name, value, low=None, high=None):
    """Return ``value`` as an int after checking ``low <= value <= high``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if low is not None and value < low:
        raise ValueError(f"{name} must be at least {low}, got {value}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be at most {high}, got {value}")
    return value


def check_callable(name, value, signature):
    """Return ``value`` after checking it can be called; ``signature`` shows how, e.g. ``"grad(x)"``."""
    if not callable(value):
        raise TypeError(f"{name} must be a function, called as {signature}, got {describe(value)}")
    return value


def check_network(name, net):
    """Return ``net`` after checking it is an :class:`nnlib.Network`."""
    from .network import Network  # here: network imports this module

    if not isinstance(net, Network):
        raise TypeError(f"{name} must be an nnlib Network, e.g. Network([2, 3, 1]), got {describe(net)}")
    return net


def make_rng(seed):
    """Return a ``numpy.random.Generator`` from a seed, a Generator or None."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0):
        return np.random.default_rng(seed)
    raise ValueError(f"seed must be None, a non-negative integer or a numpy Generator, got {seed!r}")
