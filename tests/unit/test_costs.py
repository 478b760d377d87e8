"""Costs: the documented conventions, derivatives and extreme outputs."""
import numpy as np
import pytest

from nnlib import CrossEntropyCost, QuadraticCost, get_cost, numerical_gradient


def test_quadratic_cost_carries_one_half_and_averages_over_examples():
    a = np.array([[0.8, 0.1], [0.5, 0.5]])
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    # example 1: 1/2 (0.04 + 0.01) = 0.025; example 2: 1/2 (0.25 + 0.25) = 0.25
    np.testing.assert_allclose(QuadraticCost.per_example(a, y), [0.025, 0.25])
    assert QuadraticCost.value(a, y) == pytest.approx(0.1375)


def test_cross_entropy_known_value():
    a, y = np.array([[0.9, 0.2]]), np.array([[1.0, 0.0]])
    assert CrossEntropyCost.value(a, y) == pytest.approx(-np.log(0.9) - np.log(0.8))


def test_cross_entropy_is_finite_at_outputs_of_exactly_zero_and_one():
    a = np.array([[0.0, 1.0], [1.0, 0.0]])
    y = np.array([[0.0, 1.0], [0.0, 1.0]])
    values = CrossEntropyCost.per_example(a, y)
    assert np.all(np.isfinite(values))
    assert values[0] == pytest.approx(0.0, abs=1e-9)  # right and certain: almost no cost
    assert values[1] > 50  # wrong and certain: a huge (but finite) cost
    assert np.all(np.isfinite(CrossEntropyCost.derivative(a, y)))


@pytest.mark.parametrize("cost", [QuadraticCost, CrossEntropyCost])
def test_derivative_with_respect_to_the_output_matches_finite_differences(cost):
    rng = np.random.default_rng(1)
    a = rng.uniform(0.05, 0.95, size=(1, 4))
    y = rng.uniform(0, 1, size=(1, 4))
    numeric = numerical_gradient(lambda v: cost.value(v, y), a)
    np.testing.assert_allclose(cost.derivative(a, y), numeric, rtol=1e-6)


def test_get_cost_by_name_and_unknown_name():
    assert get_cost("quadratic") is QuadraticCost
    assert get_cost("cross_entropy") is CrossEntropyCost
    with pytest.raises(ValueError, match=r"cost must be one of \['cross_entropy', 'quadratic'\], got 'mse'"):
        get_cost("mse")


def test_cross_entropy_delta_for_an_output_activation_other_than_the_sigmoid():
    """The general branch of CrossEntropyCost.output_delta: dC_x/da * f'(z), by finite differences.

    No registered activation other than the sigmoid fits cross-entropy's [0, 1] range and is
    differentiable, so the branch is driven with a squashed arctan, (arctan(z) / pi + 1/2).
    """
    from nnlib.activations import Activation

    def f(z):
        return np.arctan(z) / np.pi + 0.5

    def prime(z):
        return 1 / (np.pi * (1 + z**2))

    squashed = Activation("squashed_arctan", f, prime, lambda a: prime(np.tan(np.pi * (a - 0.5))), (0.0, 1.0))
    rng = np.random.default_rng(2)
    z, y = rng.normal(size=(3, 2)), rng.uniform(size=(3, 2))
    delta = CrossEntropyCost.output_delta(z, f(z), y, squashed)
    # delta_j = dC_x/dz_j; C_x is a sum over examples here, so differentiate the sum
    numeric = numerical_gradient(lambda v: np.sum(CrossEntropyCost.per_example(f(v), y)), z)
    np.testing.assert_allclose(delta, numeric, rtol=1e-6)
