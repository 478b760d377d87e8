"""The book's running 2-3-1 example network, checked against numbers worked by hand."""
import numpy as np

from nnlib import check_gradients
from nnlib.examples import B1, B2, W1, W2, X, Y, small_example, small_network


def test_small_network_has_the_fixed_weights_and_shapes():
    net = small_network()
    assert net.sizes == [2, 3, 1]
    assert np.allclose(net.weights[0], W1) and np.allclose(net.weights[1], W2)
    assert np.allclose(net.biases[0], B1) and np.allclose(net.biases[1], B2)


def test_small_network_returns_independent_copies():
    net = small_network()
    net.weights[0][0, 0] = 99.0
    assert np.isclose(small_network().weights[0][0, 0], 0.1)


def test_forward_pass_matches_hand_computation():
    net, x, y = small_example()
    trace = net.forward_pass(x)
    # z^1_1 = 0.1*0.5 + 0.4*0.8 + 0.1 = 0.47; z^1_2 = -0.15 + 0.16 - 0.2 = -0.19; z^1_3 = 0.25 - 0.48 + 0.3 = 0.07
    assert np.allclose(trace.z(1), [0.47, -0.19, 0.07])
    a1 = 1 / (1 + np.exp(-np.array([0.47, -0.19, 0.07])))
    assert np.allclose(trace.a(1), a1)
    assert np.isclose(trace.z(2)[0], 0.7 * a1[0] - 0.5 * a1[1] + 0.9 * a1[2] + 0.2)
    assert np.allclose(x, X) and np.allclose(y, Y)


def test_gradients_of_the_example_pass_a_finite_difference_check():
    net, x, y = small_example()
    assert check_gradients(net, x, y).passed(1e-6)
