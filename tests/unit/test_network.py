"""The network: shapes, a hand-worked 2-3-1 example, parameters, and bad input."""
import numpy as np
import pytest

from nnlib import Network


def hand_worked_network():
    """2-3-1 sigmoid network with quadratic cost; the numbers below were worked out by hand."""
    net = Network([2, 3, 1])
    net.weights = [np.array([[0.1, 0.2], [0.3, -0.4], [0.5, 0.6]]), np.array([[0.7, -0.8, 0.9]])]
    net.biases = [np.array([0.1, 0.0, -0.1]), np.array([0.2])]
    return net


X = np.array([1.0, 0.5])
Y = np.array([1.0])


def test_hand_worked_forward_pass():
    trace = hand_worked_network().forward_pass(X)
    # z^1_j = w_j1 * 1.0 + w_j2 * 0.5 + b_j:  0.1 + 0.1 + 0.1 = 0.3,  0.3 - 0.2 + 0 = 0.1,  0.5 + 0.3 - 0.1 = 0.7
    np.testing.assert_allclose(trace.z(1), [0.3, 0.1, 0.7], rtol=1e-12)
    # a^1 = sigma(z^1)
    np.testing.assert_allclose(trace.a(1), [0.5744425168, 0.5249791875, 0.6681877722], rtol=1e-9)
    # z^2 = 0.7 * 0.57444 - 0.8 * 0.52498 + 0.9 * 0.66819 + 0.2 = 0.7834954067
    np.testing.assert_allclose(trace.z(2), [0.7834954067], rtol=1e-9)
    np.testing.assert_allclose(trace.a(2), [0.6864329647], rtol=1e-9)
    np.testing.assert_array_equal(trace.a(0), X)


def test_hand_worked_cost():
    # C = 1/2 (0.6864329647 - 1)^2 = 0.0491621428
    assert hand_worked_network().cost(X, Y) == pytest.approx(0.0491621428, rel=1e-8)


def test_hand_worked_backward_pass():
    back = hand_worked_network().backward_pass(X, Y)
    # BP1: delta^2 = (a^2 - y) sigma'(z^2) = (0.68643 - 1) * 0.68643 * (1 - 0.68643) = -0.0674930309
    np.testing.assert_allclose(back.delta(2), [-0.0674930309], rtol=1e-8)
    # BP2: delta^1_j = w^2_1j delta^2 sigma'(z^1_j)
    np.testing.assert_allclose(back.delta(1), [-0.0115494627, 0.0134649158, -0.0134676664], rtol=1e-8)
    # BP3: dC/db = delta
    np.testing.assert_allclose(back.nabla_b[1], [-0.0674930309], rtol=1e-8)
    np.testing.assert_allclose(back.nabla_b[0], [-0.0115494627, 0.0134649158, -0.0134676664], rtol=1e-8)
    # BP4: dC/dw_jk = a_k^(l-1) delta_j^l
    np.testing.assert_allclose(back.nabla_w[1], [[-0.0387708665, -0.0354324365, -0.0450980179]], rtol=1e-8)
    np.testing.assert_allclose(
        back.nabla_w[0],
        [[-0.0115494627, -0.0057747313], [0.0134649158, 0.0067324579], [-0.0134676664, -0.0067338332]],
        rtol=1e-7,
    )


def test_batch_gradient_is_the_mean_of_per_example_gradients():
    net = Network([3, 4, 2], seed=0)
    rng = np.random.default_rng(1)
    Xb, Yb = rng.uniform(size=(5, 3)), rng.uniform(size=(5, 2))
    nabla_w, nabla_b = net.backprop(Xb, Yb)
    singles = [net.backprop(x, y) for x, y in zip(Xb, Yb)]
    for l in range(2):
        np.testing.assert_allclose(nabla_w[l], np.mean([s[0][l] for s in singles], axis=0), rtol=1e-12)
        np.testing.assert_allclose(nabla_b[l], np.mean([s[1][l] for s in singles], axis=0), rtol=1e-12)


def test_shapes_follow_the_book_convention():
    net = Network([4, 5, 3], seed=0)
    assert [w.shape for w in net.weights] == [(5, 4), (3, 5)]  # W^l is (n_l, n_(l-1))
    assert [b.shape for b in net.biases] == [(5,), (3,)]
    assert net.forward(np.zeros((7, 4))).shape == (7, 3)
    assert net.forward(np.zeros(4)).shape == (3,)  # one example in, one example out
    nabla_w, nabla_b = net.backprop(np.zeros((7, 4)), np.zeros((7, 3)))
    assert [g.shape for g in nabla_w] == [(5, 4), (3, 5)] and [g.shape for g in nabla_b] == [(5,), (3,)]


def test_batch_rows_equal_examples_one_at_a_time():
    net = Network([3, 4, 2], seed=2)
    Xb = np.random.default_rng(3).normal(size=(6, 3))
    np.testing.assert_allclose(net.forward(Xb), np.array([net.forward(x) for x in Xb]), rtol=1e-12)


def test_parameter_count_of_784_16_16_10_is_13002():
    assert Network([784, 16, 16, 10]).n_params == 13_002


def test_params_round_trip_through_a_flat_vector():
    net = Network([3, 4, 2], seed=0)
    theta = net.get_params()
    assert theta.shape == (net.n_params,)
    other = Network([3, 4, 2], seed=99)
    other.set_params(theta)
    for w1, w2 in zip(net.weights, other.weights):
        np.testing.assert_array_equal(w1, w2)
    with pytest.raises(ValueError, match=r"theta must have 26 entries \(n_params\), got 25"):
        other.set_params(theta[:-1])


def test_seed_makes_initial_weights_repeatable_and_biases_start_at_zero():
    a, b = Network([3, 4, 2], seed=7), Network([3, 4, 2], seed=7)
    np.testing.assert_array_equal(a.get_params(), b.get_params())
    assert all(np.all(bias == 0) for bias in a.biases)
    assert not np.array_equal(a.weights[0], Network([3, 4, 2], seed=8).weights[0])


def test_predict_and_accuracy():
    net = Network([2, 2], activation="identity", seed=0)
    net.weights = [np.eye(2)]
    X2 = np.array([[1.0, 0.0], [0.0, 1.0], [0.2, 0.9]])
    np.testing.assert_array_equal(net.predict(X2), [0, 1, 1])
    assert net.accuracy(X2, np.array([[1, 0], [0, 1], [1, 0]])) == pytest.approx(2 / 3)


# ---- bad input: each message names the argument, the expectation and what arrived ------------

@pytest.mark.parametrize(
    "sizes, message",
    [
        ([3], r"sizes must list at least two layers .*got \[3\]"),
        ([3, 0, 1], r"sizes\[1\] must be at least 1, got 0"),
        ([3, -2, 1], r"sizes\[1\] must be at least 1, got -2"),
        ([3, 2.5, 1], r"sizes\[1\] must be an integer, got 2.5"),
        (5, r"sizes must be a sequence of layer widths"),
    ],
)
def test_bad_sizes(sizes, message):
    with pytest.raises(ValueError, match=message):
        Network(sizes)


def test_unknown_activation_and_cost():
    with pytest.raises(ValueError, match=r"activation must be one of .* got 'softmax'"):
        Network([2, 1], activation="softmax")
    with pytest.raises(ValueError, match=r"cost must be one of .* got 'hinge'"):
        Network([2, 1], cost="hinge")


def test_cross_entropy_needs_outputs_in_zero_one():
    with pytest.raises(ValueError, match=r"cross_entropy' needs outputs in \[0, 1\].*'relu'"):
        Network([2, 1], activation="relu", cost="cross_entropy")
    Network([2, 3, 1], activation="relu", output_activation="sigmoid", cost="cross_entropy")


@pytest.mark.parametrize(
    "X, message",
    [
        (np.zeros((2, 3, 4)), r"X must be 1-D or 2-D, got a 3-D array of shape \(2, 3, 4\)"),
        (np.zeros((5, 3)), r"X must have 4 columns \(sizes\[0\], the input layer\), got shape \(5, 3\)"),
        (np.array([[np.nan, 0, 0, 0]]), r"X must contain only finite numbers, got 1 NaN or infinite"),
        (np.array([[np.inf, 0, 0, 0]]), r"X must contain only finite numbers"),
        ("abc", r"X must be an array of numbers"),
    ],
)
def test_bad_X(X, message):
    with pytest.raises(ValueError, match=message):
        Network([4, 2], seed=0).forward(X)


def test_bad_Y_and_mismatched_lengths():
    net = Network([4, 2], seed=0)
    with pytest.raises(ValueError, match=r"Y must have 2 columns \(sizes\[-1\], the output layer\), got shape \(3, 3\)"):
        net.backprop(np.zeros((3, 4)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"X and Y must hold the same number of examples, got X of shape \(3, 4\) and Y of shape \(2, 2\)"):
        net.backprop(np.zeros((3, 4)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"Y must contain only finite numbers"):
        net.cost(np.zeros((1, 4)), np.array([[np.nan, 0.0]]))
    with pytest.raises(ValueError, match=r"X must hold at least one example"):
        net.backprop(np.zeros((0, 4)), np.zeros((0, 2)))


def test_cross_entropy_targets_must_lie_in_zero_one():
    net = Network([2, 1], cost="cross_entropy", seed=0)
    with pytest.raises(ValueError, match=r"Y must lie in \[0, 1\] for the cross-entropy cost, got values from 0.0 to 2.0"):
        net.cost(np.zeros((2, 2)), np.array([[0.0], [2.0]]))


def test_trace_layer_index_out_of_range():
    trace = Network([2, 3, 1], seed=0).forward_pass(np.zeros(2))
    with pytest.raises(ValueError, match=r"l must be between 1 and 2, got 0"):
        trace.z(0)
    with pytest.raises(ValueError, match=r"l must be between 0 and 2, got 3"):
        trace.a(3)
