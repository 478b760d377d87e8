"""Activation functions f(z), each registered together with its derivative f'(z).

Every derivative here takes ``z`` (the weighted input), not ``a = f(z)``; this is
the ``f'(z^l)`` that appears in the backpropagation equations. Both functions act
elementwise on arrays of any shape.

>>> from nnlib.activations import get_activation
>>> sigmoid = get_activation("sigmoid")
>>> float(sigmoid(0.0)), float(sigmoid.prime(0.0))
(0.5, 0.25)
"""
import functools
import sys
from dataclasses import dataclass
from typing import Callable

import numpy as np


def _numpy_expit(z):
    """1 / (1 + exp(-z)) with numpy alone, without overflow: exp is only taken of -|z|.

    Used only where scipy is not installed: the HTML book's figure worker runs nnlib in Pyodide
    without scipy, which would add about two seconds to its start. It agrees with scipy's expit
    to a few units in the last place (tests/unit/test_activations.py).
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    out = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return out[()]  # a numpy scalar for a scalar z, as scipy's ufunc gives


@functools.lru_cache(maxsize=None)
def _expit_function():
    """scipy's expit, imported on first use; numpy's form in the browser or without scipy.

    Importing nnlib imports no scipy: in the browser (Pyodide, ``sys.platform == "emscripten"``)
    loading scipy costs about 2.4 s of a chapter's first output, so there nnlib never imports it.
    """
    if sys.platform == "emscripten":
        return _numpy_expit
    try:
        from scipy.special import expit as scipy_expit
    except ImportError:  # e.g. Pyodide in the figure worker; desktop nnlib always has scipy
        return _numpy_expit
    return scipy_expit


def expit(z):
    """1 / (1 + exp(-z)), elementwise: scipy's expit on the desktop, ``_numpy_expit`` in Pyodide."""
    return _expit_function()(z)


@dataclass(frozen=True)
class Activation:
    """An activation function and its derivative, stored side by side.

    Attributes
    ----------
    name : str
    f : callable
        ``f(z)``, elementwise.
    prime : callable
        ``f'(z)``, elementwise, as a function of ``z``.
    output_range : tuple of float
        Smallest and largest values ``f`` can take (used to check that a cost
        such as cross-entropy can be applied to its outputs).
    prime_of_a : callable
        The same derivative written in terms of the output ``a = f(z)``, e.g.
        ``a * (1 - a)`` for the sigmoid. Backpropagation uses it because the forward
        pass has already computed ``a``, so f need not be evaluated twice.
    differentiable : bool
        False for the step function, whose slope is zero wherever it exists.
    """

    name: str
    f: Callable
    prime: Callable
    prime_of_a: Callable
    output_range: tuple
    differentiable: bool = True

    def __call__(self, z):
        if np.asarray(z).dtype.kind not in "biuf":
            raise ValueError(f"z must be a number or an array of numbers, got {z!r:.60} ({type(z).__name__})")
        return self.f(z)

    def __repr__(self):
        return f"Activation({self.name!r})"


ACTIVATIONS = {}


def register(name, prime, prime_of_a, output_range, differentiable=True):
    """Decorator: register ``f`` under ``name`` together with its derivative.

    ``prime`` is f'(z) as a function of z, ``prime_of_a`` the same derivative as a function of
    a = f(z). A function cannot be registered without its derivative, so they never drift apart.
    """

    def decorator(f):
        if name in ACTIVATIONS:
            raise ValueError(f"activation {name!r} is already registered")
        ACTIVATIONS[name] = Activation(name, f, prime, prime_of_a, output_range, differentiable)
        return f

    return decorator


def get_activation(activation):
    """Return the registered :class:`Activation` called ``activation``.

    An :class:`Activation` passed in is returned unchanged.

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the valid names.
    """
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, str) and activation in ACTIVATIONS:
        return ACTIVATIONS[activation]
    raise ValueError(
        f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}"
    )


# ---- step: a perceptron's yes/no output -------------------------------------------------

def step_prime(z):
    """Zero everywhere: the step is flat on both sides of its jump (undefined at 0; we use 0)."""
    return np.zeros_like(np.asarray(z, dtype=float))


@register("step", step_prime, step_prime, (0.0, 1.0), differentiable=False)
def step(z):
    """1 where z >= 0, else 0."""
    return (np.asarray(z, dtype=float) >= 0).astype(float)


# ---- identity ---------------------------------------------------------------------------

def identity_prime(z):
    """f'(z) = 1."""
    return np.ones_like(np.asarray(z, dtype=float))


@register("identity", identity_prime, identity_prime, (-np.inf, np.inf))
def identity(z):
    """f(z) = z (a copy, as float)."""
    return np.array(z, dtype=float)


# ---- sigmoid ----------------------------------------------------------------------------

def sigmoid_prime(z):
    """sigma'(z) = sigma(z) * (1 - sigma(z)); at most 0.25, reached at z = 0."""
    s = expit(np.asarray(z, dtype=float))
    return s * (1.0 - s)


@register("sigmoid", sigmoid_prime, lambda a: a * (1.0 - a), (0.0, 1.0))
def sigmoid(z):
    """sigma(z) = 1 / (1 + exp(-z)), computed without overflow for any finite z."""
    return expit(z)  # scipy's expit: the numerically stable form, a float array for any input


# ---- tanh -------------------------------------------------------------------------------

def tanh_prime(z):
    """tanh'(z) = 1 - tanh(z)**2."""
    t = np.tanh(np.asarray(z, dtype=float))
    return 1.0 - t * t


@register("tanh", tanh_prime, lambda a: 1.0 - a * a, (-1.0, 1.0))
def tanh(z):
    """tanh(z), squashing to (-1, 1)."""
    return np.tanh(z)


# ---- ReLU and leaky ReLU ----------------------------------------------------------------

LEAKY_SLOPE = 0.01  # slope of leaky ReLU for z < 0


def relu_prime(z):
    """1 for z > 0, else 0 (we take 0 at the kink z = 0)."""
    return (np.asarray(z, dtype=float) > 0).astype(float)


@register("relu", relu_prime, relu_prime, (0.0, np.inf))  # a > 0 exactly when z > 0
def relu(z):
    """max(0, z)."""
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def leaky_relu_prime(z):
    """1 for z > 0, else LEAKY_SLOPE."""
    return np.where(np.asarray(z, dtype=float) > 0, 1.0, LEAKY_SLOPE)


@register("leaky_relu", leaky_relu_prime, leaky_relu_prime, (-np.inf, np.inf))  # sign(a) = sign(z)
def leaky_relu(z):
    """z for z > 0, else LEAKY_SLOPE * z."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, LEAKY_SLOPE * z)


# ---- arctan -----------------------------------------------------------------------------

def arctan_prime(z):
    """arctan'(z) = 1 / (1 + z**2)."""
    r = 1.0 / np.hypot(1.0, np.asarray(z, dtype=float))  # 1 / sqrt(1 + z**2), no overflow for huge z
    return r * r


@register("arctan", arctan_prime, lambda a: np.cos(a) ** 2, (-np.pi / 2, np.pi / 2))  # 1/(1+tan(a)^2)
def arctan(z):
    """arctan(z), squashing to (-pi/2, pi/2)."""
    return np.arctan(np.asarray(z, dtype=float))
