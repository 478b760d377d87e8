"""Activation functions: values, derivatives, registry, extreme inputs."""
import numpy as np
import pytest

from nnlib import ACTIVATIONS, get_activation, numerical_gradient

DIFFERENTIABLE = [name for name, act in ACTIVATIONS.items() if act.differentiable]


def test_every_required_activation_is_registered_with_its_derivative():
    for name in ["step", "identity", "sigmoid", "tanh", "relu", "leaky_relu", "arctan"]:
        act = get_activation(name)
        assert act.name == name and callable(act.f) and callable(act.prime)


def test_unknown_activation_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"activation must be one of .*'sigmoid'.*got 'sigmoidal'"):
        get_activation("sigmoidal")


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_derivative_matches_central_differences(name):
    act = get_activation(name)
    z = np.random.default_rng(0).uniform(-4, 4, size=50)
    z = z[np.abs(z) > 1e-3]  # keep away from the kinks of relu and leaky relu at 0
    numeric = np.array([numerical_gradient(lambda v: float(act(v)), np.array(zi)) for zi in z])
    np.testing.assert_allclose(act.prime(z), numeric, rtol=1e-6, atol=1e-9)


def test_sigmoid_known_values():
    sigmoid = get_activation("sigmoid")
    np.testing.assert_allclose(sigmoid(np.array([0.0, 2.0, -2.0])), [0.5, 0.8807970780, 0.1192029220], rtol=1e-9)
    assert sigmoid.prime(0.0) == pytest.approx(0.25)


def test_sigmoid_derivative_is_at_most_a_quarter():
    z = np.linspace(-20, 20, 4001)
    assert get_activation("sigmoid").prime(z).max() == pytest.approx(0.25)


def test_sigmoid_is_finite_and_silent_at_extreme_inputs():
    # pyproject turns warnings into errors, so an overflow warning would fail this test.
    sigmoid = get_activation("sigmoid")
    z = np.array([-1000.0, -710.0, 710.0, 1000.0])
    values, slopes = sigmoid(z), sigmoid.prime(z)
    np.testing.assert_allclose(values, [0.0, 0.0, 1.0, 1.0], atol=1e-300)
    assert np.all(np.isfinite(slopes)) and np.all(slopes == 0.0)


@pytest.mark.parametrize("name", ["tanh", "arctan", "relu", "leaky_relu", "identity", "step"])
def test_other_activations_are_finite_at_extreme_inputs(name):
    act = get_activation(name)
    z = np.array([-1e300, -1000.0, 1000.0, 1e300])
    assert np.all(np.isfinite(act(z))) and np.all(np.isfinite(act.prime(z)))


def test_step_has_zero_slope_everywhere():
    step = get_activation("step")
    z = np.linspace(-3, 3, 13)
    np.testing.assert_array_equal(step(z), (z >= 0).astype(float))
    np.testing.assert_array_equal(step.prime(z), np.zeros_like(z))
    assert not step.differentiable


def test_leaky_relu_and_relu_values():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(get_activation("relu")(z), [0.0, 0.0, 3.0])
    np.testing.assert_allclose(get_activation("leaky_relu")(z), [-0.02, 0.0, 3.0])
    np.testing.assert_allclose(get_activation("leaky_relu").prime(z), [0.01, 0.01, 1.0])


def test_activations_keep_the_input_shape():
    z = np.zeros((4, 3))
    for act in ACTIVATIONS.values():
        assert act(z).shape == (4, 3) and act.prime(z).shape == (4, 3)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_in_terms_of_a_equals_derivative_in_terms_of_z(name):
    act = get_activation(name)
    z = np.linspace(-5, 5, 101)
    z = z[np.abs(z) > 1e-9]
    np.testing.assert_allclose(act.prime_of_a(act(z)), act.prime(z), rtol=1e-9, atol=1e-12)
