"""Network.from_params and the checked weight and bias lists."""
import numpy as np

from nnlib import Network
from nnlib.examples import B1, B2, W1, W2, X


def test_from_params_builds_the_network_its_arrays_describe():
    net = Network.from_params([W1, W2], [B1, B2], activation="tanh")
    assert net.sizes == [2, 3, 1] and net.activation.name == "tanh"
    # z^1 = W^1 x + b^1 by hand for the first neuron: 0.1 * 0.5 + 0.4 * 0.8 + 0.1 = 0.47
    np.testing.assert_allclose(net.forward_pass(X).z(1)[0], 0.47, rtol=1e-12)
    assert net.weights[0] is W1  # float64 arrays are used as they are, not copied


def test_assigned_arrays_are_converted_to_float_and_updates_in_place_reach_the_network():
    net = Network([2, 1], seed=0)
    net.weights = [[[1, 2]]]
    assert net.weights[0].dtype == float
    net.weights[0] -= 0.5  # in place, as sgd does
    np.testing.assert_array_equal(net.forward(np.array([1.0, 1.0])), 1 / (1 + np.exp(-2.0)))


def test_column_bias_can_no_longer_give_a_wrong_batch_output():
    # The 0.1 bug: with biases of shape (3, 1) and a batch of 3 examples, z had shape (3, 3).
    net = Network.from_params([W1, W2], [B1, B2])
    batch = np.tile(X, (3, 1))
    np.testing.assert_allclose(net.forward(batch), np.tile(net.forward(X), (3, 1)), rtol=1e-15)
