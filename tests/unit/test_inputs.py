"""Bad input raises ValueError naming the argument, what was expected, what arrived and the fix.

One test per case listed in issue 13; each message is asserted, not just the exception type.
"""
import numpy as np
import pytest

from nnlib import Network, make_xor, one_hot, train, train_test_split
from nnlib.examples import B1, B2, W1, W2


def test_make_xor_rejects_noise_none():
    with pytest.raises(ValueError, match=r"noise must be a finite number >= 0, got None"):
        make_xor(noise=None)


def test_make_xor_rejects_noise_of_the_wrong_type():
    with pytest.raises(ValueError, match=r"noise must be a finite number >= 0, got 'a' \(str\)"):
        make_xor(noise="a")


def test_one_hot_rejects_string_labels_and_says_how_to_number_them():
    with pytest.raises(ValueError, match=r"y must hold integer class labels such as \[0, 2, 1\], got \['a', 'b'\] "
                                         r"\(list\); for names, number them first: np.unique"):
        one_hot(["a", "b"])


def test_train_test_split_rejects_a_fraction_that_is_not_a_number():
    with pytest.raises(ValueError, match=r"test_fraction must be a number in \(0, 1\), got 'a' \(str\)"):
        train_test_split(np.zeros((10, 2)), np.zeros((10, 1)), test_fraction="a")


def test_network_rejects_a_string_for_sizes():
    with pytest.raises(ValueError, match=r"sizes must be a sequence of layer widths such as \[2, 3, 1\], "
                                         r"got 'abc' \(str\)"):
        Network("abc")


@pytest.mark.parametrize("n", [7, 10])  # 10: as many labels as outputs, the case that looks like one example
def test_integer_labels_as_targets_get_the_one_hot_hint(n):
    net = Network([4, 10], seed=0)
    X, y = np.zeros((n, 4)), np.arange(n) % 10
    with pytest.raises(ValueError, match=r"Y must .*; for class labels y, pass one_hot\(y, 10\) as Y"):
        train(net, X, y, epochs=1, batch_size=2, eta=1.0)
    with pytest.raises(ValueError, match=r"; for class labels y, pass one_hot\(y, 10\) as Y"):
        net.cost(X, y.reshape(-1, 1))


def test_float_targets_of_the_wrong_width_get_no_label_hint():
    net = Network([4, 10], seed=0)
    with pytest.raises(ValueError, match=r"Y must have 10 columns \(sizes\[-1\], the output layer\), "
                                         r"got shape \(3, 2\)$"):
        net.cost(np.zeros((3, 4)), np.full((3, 2), 0.5))


def test_weights_of_the_wrong_shape_fail_when_assigned():
    net = Network([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match=r"weights\[0\] must have shape \(3, 2\), got \(2, 3\); row j, column k "
                                         r"is the weight to neuron j from neuron k: pass W.T"):
        net.weights = [W1.T, W2]
    with pytest.raises(ValueError, match=r"weights\[1\] must have shape \(1, 3\), got \(1, 2\)$"):
        net.weights[1] = np.zeros((1, 2))
    with pytest.raises(ValueError, match=r"weights must hold 2 arrays \(one per layer after the input\), got 1"):
        net.weights = [W1]


def test_column_shaped_biases_fail_when_assigned():
    # Before 0.2 a (3, 1) bias broadcast silently to a wrong (3, 3) z when the batch had 3 examples.
    net = Network([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match=r"biases\[0\] must have shape \(3,\), got \(3, 1\); a bias is a 1-D "
                                         r"vector here: pass b.ravel\(\)"):
        net.biases = [B1.reshape(3, 1), B2]
    with pytest.raises(ValueError, match=r"biases\[0\] must have shape \(3,\), got \(3, 1\)"):
        net.biases[0] = B1.reshape(3, 1)


def test_non_finite_parameters_fail_when_assigned():
    net = Network([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match=r"biases\[1\] must contain only finite numbers"):
        net.biases[1] = np.array([np.nan])


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning",
                            "ignore:invalid value encountered:RuntimeWarning")
def test_train_stops_when_the_cost_overflows_and_names_the_epoch_and_eta():
    # identity activation, eta = 10: the cost grows by orders of magnitude every epoch
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(40, 2)), rng.normal(size=(40, 1))
    net = Network([2, 4, 1], activation="identity", seed=0)
    with pytest.raises(ValueError, match=r"training diverged: the cost became (nan|inf) in epoch \d+ with eta=10; "
                                         r".*smaller eta \(e.g. eta=1\)"):
        train(net, X, Y, epochs=50, batch_size=4, eta=10.0, seed=0)


def test_from_params_rejects_layers_that_do_not_chain():
    with pytest.raises(ValueError, match=r"weights\[1\] must have 3 columns, one per neuron of the layer before, "
                                         r"got shape \(1, 2\)"):
        Network.from_params([W1, np.zeros((1, 2))], [B1, B2])
    with pytest.raises(ValueError, match=r"weights must be a non-empty list of 2-D arrays"):
        Network.from_params(W1, [B1])
