"""Network.from_params and the checked weight and bias lists."""
import numpy as np

from nnlib import Network
from nnlib.parameters import pack
from nnlib.examples import B1, B2, W1, W2, X


def test_from_params_builds_the_network_its_arrays_describe():
    net = Network.from_params([W1, W2], [B1, B2], activation="tanh")
    assert net.sizes == [2, 3, 1] and net.activation.name == "tanh"
    # z^1 = W^1 x + b^1 by hand for the first neuron: 0.1 * 0.5 + 0.4 * 0.8 + 0.1 = 0.47
    np.testing.assert_allclose(net.forward_pass(X).z(1)[0], 0.47, rtol=1e-12)
    net.weights[0][0, 0] = 99.0  # the values were copied in: the module's W1 is untouched
    assert W1[0, 0] == 0.1


def test_weights_and_biases_are_views_into_one_flat_parameter_vector():
    net = Network([3, 4, 2], seed=0)
    np.testing.assert_array_equal(net.params, net.get_params())
    net.params[:] = np.arange(net.n_params)  # W^1 row by row, b^1, W^2, b^2
    np.testing.assert_array_equal(net.weights[0][1], [3.0, 4.0, 5.0])
    np.testing.assert_array_equal(net.biases[1], [24.0, 25.0])
    net.weights[1] -= 1.0  # in place on a view reaches the flat vector
    assert net.params[16] == 15.0
    net.biases = [np.zeros(4), np.ones(2)]  # assigning copies into the same vector
    assert net.params[-1] == 1.0 and np.shares_memory(net.biases[0], net.params)


def test_a_deep_copy_of_a_network_owns_its_parameters():
    import copy

    net = Network([3, 4, 2], seed=0)
    twin = copy.deepcopy(net)
    np.testing.assert_array_equal(twin.get_params(), net.get_params())
    twin.params[0] = 42.0  # the twin's views follow its own vector, not net's
    assert twin.weights[0][0, 0] == 42.0 and net.weights[0][0, 0] != 42.0


def test_backward_batch_gradient_is_one_flat_vector_and_out_is_reused():
    net = Network([3, 4, 2], seed=0)
    rng = np.random.default_rng(1)
    X, Y = rng.uniform(size=(5, 3)), rng.uniform(size=(5, 2))
    nabla_w, nabla_b = net.backprop(X, Y)
    first = net.backward_batch(net.forward_batch(X), Y)
    np.testing.assert_array_equal(first.nabla, pack(nabla_w, nabla_b))
    again = net.backward_batch(net.forward_batch(X[:2]), Y[:2], out=first)
    assert again is first and np.shares_memory(again.nabla_w[0], first.nabla)
    np.testing.assert_array_equal(again.nabla, pack(*net.backprop(X[:2], Y[:2])))


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
