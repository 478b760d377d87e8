"""Backpropagation against finite differences on randomly drawn networks and batches."""
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nnlib import ACTIVATIONS, Network, check_gradients, numerical_gradient

DIFFERENTIABLE = sorted(name for name, act in ACTIVATIONS.items() if act.differentiable)


@st.composite
def problems(draw):
    """A random architecture, batch, activation and cost, all float64."""
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    n = draw(st.integers(1, 5))
    activation = draw(st.sampled_from(DIFFERENTIABLE))
    cost = draw(st.sampled_from(["quadratic", "cross_entropy"]))
    seed = draw(st.integers(0, 2**32 - 1))
    return sizes, n, activation, cost, seed


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_backprop_matches_finite_differences(problem):
    sizes, n, activation, cost, seed = problem
    rng = np.random.default_rng(seed)
    # Cross-entropy needs outputs in (0, 1): a sigmoid output layer over any hidden activation.
    output = "sigmoid" if cost == "cross_entropy" else activation
    net = Network(sizes, activation=activation, cost=cost, output_activation=output, seed=rng)
    for b in net.biases:  # non-zero biases so every parameter is exercised
        b += rng.normal(scale=0.5, size=b.shape)
    X = rng.normal(size=(n, sizes[0]))
    Y = rng.uniform(0, 1, size=(n, sizes[-1]))
    # ReLU-like kinks at z = 0 make finite differences meaningless there; such draws are vanishingly rare
    zs = net.forward_pass(X).zs
    assume(activation not in ("relu", "leaky_relu") or min(np.abs(z).min() for z in zs) >= 1e-4)
    result = check_gradients(net, X, Y)
    assert result.relative_error < 1e-6, (sizes, activation, cost, result.relative_error)


@pytest.mark.parametrize("activation", DIFFERENTIABLE)
@pytest.mark.parametrize("cost", ["quadratic", "cross_entropy"])
def test_every_activation_with_every_cost(activation, cost):
    rng = np.random.default_rng(0)
    output = "sigmoid" if cost == "cross_entropy" else activation
    net = Network([3, 4, 2], activation=activation, cost=cost, output_activation=output, seed=rng)
    X, Y = rng.normal(size=(6, 3)), rng.uniform(size=(6, 2))
    assert check_gradients(net, X, Y).relative_error < 1e-6


def test_check_gradients_restores_the_parameters():
    net = Network([2, 3, 1], seed=0)
    X, Y = np.ones((2, 2)), np.zeros((2, 1))
    before = net.get_params()
    assert check_gradients(net, X, Y).passed()
    np.testing.assert_array_equal(net.get_params(), before)


def test_check_gradients_catches_a_wrong_gradient(monkeypatch):
    """A backprop with one entry off by 1e-3 (a planted bug) must fail the check."""
    net = Network([2, 3, 1], seed=0)
    X, Y = np.array([[0.5, -1.0], [1.0, 0.2]]), np.array([[1.0], [0.0]])
    correct = Network.backprop

    def wrong_backprop(self, X, Y):
        nabla_w, nabla_b = correct(self, X, Y)
        nabla_w[0][1, 0] += 1e-3
        return nabla_w, nabla_b

    monkeypatch.setattr(Network, "backprop", wrong_backprop)
    result = check_gradients(net, X, Y)
    assert not result.passed() and result.relative_error > 1e-4


def test_numerical_gradient_of_a_known_function():
    # f(x, y) = x^2 + cos(y): gradient (2x, -sin y)
    grad = numerical_gradient(lambda v: v[0] ** 2 + np.cos(v[1]), np.array([1.5, 0.3]))
    np.testing.assert_allclose(grad, [3.0, -np.sin(0.3)], rtol=1e-8)


def test_numerical_gradient_rejects_bad_eps():
    with pytest.raises(ValueError, match=r"eps must be a positive finite number, got -1.0"):
        numerical_gradient(lambda v: float(v.sum()), np.zeros(2), eps=-1.0)
