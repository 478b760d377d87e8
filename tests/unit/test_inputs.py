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


# ---- issue 21: every public function, with the bad inputs a reader tries ---------------------
# Each row: what a reader writes, the exception, and a pattern the message must match (it names
# the argument). The rows marked "defect" failed on main before issue 21 (a numpy error, an
# AttributeError, a silent wrong answer or no error at all).

import nnlib  # noqa: E402
from nnlib import (  # noqa: E402
    QuadraticCost, check_gradients, classify_path, get_activation, gradient_descent, labels, make_circles,
    make_moons, make_spirals, make_toy, numerical_gradient, relative_error, sgd_step, zigzag_fraction,
)
from nnlib import widgets  # noqa: E402

NAN = float("nan")
_X, _Y = np.zeros((4, 2)), np.zeros((4, 1))


def _net():
    return Network([2, 3, 1], seed=0)


BAD_INPUTS = {
    # defect: labels of a list raised AttributeError
    "labels of a list works": None,
    "labels of a string": (lambda: labels("ab"), ValueError, r"A must be numbers of shape \(n_samples, n_outputs\)"),
    "labels of no outputs": (lambda: labels(np.zeros((3, 0))), ValueError, r"A must .* at least one output, got \(3, 0\)"),
    "labels of a 3-D array": (lambda: labels(np.zeros((2, 2, 2))), ValueError, r"A must .*got \(2, 2, 2\)"),
    "labels of None": (lambda: labels(None), ValueError, r"A must be numbers"),
    # defect: classify_path([], []) failed inside numpy; mismatched lengths said "diverged"
    "classify an empty path": (lambda: classify_path([], []), ValueError, r"path must hold at least one point"),
    "classify with too few values": (lambda: classify_path([0.0, 1.0, 2.0], [1.0, 0.0]), ValueError,
                                     r"values must hold one value per point of path \(3 points\), got shape \(2,\)"),
    "classify with too many values": (lambda: classify_path([0.0, 1.0], [3.0, 2.0, 1.0]), ValueError,
                                      r"values must hold one value per point of path \(2 points\)"),
    "classify a string path": (lambda: classify_path("abc", [1, 2, 3]), ValueError, r"path must be an array of points"),
    "classify with a negative tolerance": (lambda: classify_path([0.0, 1.0], [1.0, 0.0], tolerance=-1), ValueError,
                                           r"tolerance must be a finite number >= 0, got -1"),
    # defect: a grad returning None gave a silent NaN path
    "grad returns None": (lambda: gradient_descent(lambda x: None, 1.0, 0.1, 3), ValueError,
                          r"grad must return the gradient at x, a number like x0, got None"),
    "grad returns the wrong shape": (lambda: gradient_descent(lambda x: np.zeros(3), [1.0, 2.0], 0.1, 3), ValueError,
                                     r"grad must return .* an array of shape \(2,\) like x0"),
    "grad returns a string": (lambda: gradient_descent(lambda x: "a", 1.0, 0.1, 3), ValueError,
                              r"grad must return the gradient at x, a number like x0, got 'a' \(str\)"),
    "grad is not a function": (lambda: gradient_descent(3, 1.0, 0.1, 3), TypeError,
                               r"grad must be a function, called as grad\(x\), got 3 \(int\)"),
    "x0 is NaN": (lambda: gradient_descent(lambda x: x, NAN, 0.1, 3), ValueError, r"x0 must contain only finite"),
    "negative steps": (lambda: gradient_descent(lambda x: x, 1.0, 0.1, -3), ValueError, r"n_steps must be at least 0"),
    "zigzag of a string": (lambda: zigzag_fraction("abc"), ValueError, r"path must be an array of numbers"),
    "zigzag of a NaN path": (lambda: zigzag_fraction([0.0, NAN, 1.0]), ValueError, r"path must contain only finite"),
    # defect: turns was not checked (a string failed in numpy, NaN gave NaN points)
    "spirals with string turns": (lambda: make_spirals(turns="a"), ValueError,
                                  r"turns must be a finite number > 0, got 'a' \(str\)"),
    "spirals with NaN turns": (lambda: make_spirals(turns=NAN), ValueError, r"turns must be a finite number > 0, got nan"),
    "spirals with no turns": (lambda: make_spirals(turns=0), ValueError, r"turns must be a finite number > 0, got 0"),
    "moons with negative n_samples": (lambda: make_moons(n_samples=-5), ValueError, r"n_samples must be at least 2"),
    "circles with negative noise": (lambda: make_circles(noise=-1), ValueError, r"noise must be a finite number >= 0"),
    "toy set misspelt": (lambda: make_toy("moon"), ValueError, r"name must be one of \[.*'moons'.*\], got 'moon'"),
    "digits with a fraction of 2": (lambda: nnlib.load_digits(test_fraction=2), ValueError,
                                    r"test_fraction must be a number in \(0, 1\)"),
    # defect: relative_error of different shapes returned 0.0 (or failed in numpy)
    "relative error of different shapes": (lambda: relative_error([1.0, 2.0], [1.0, 2.0, 3.0]), ValueError,
                                           r"a and b must have the same shape, got a of shape \(2,\) and b of shape \(3,\)"),
    "relative error of broadcastable shapes": (lambda: relative_error(np.ones((2, 1)), np.ones((1, 2))), ValueError,
                                               r"a and b must have the same shape"),
    "relative error of strings": (lambda: relative_error("a", "b"), ValueError, r"a must be an array of numbers"),
    "numerical gradient of a non-function": (lambda: numerical_gradient(3, [1.0]), TypeError,
                                             r"f must be a function, called as f\(theta\)"),
    "numerical gradient of f returning None": (lambda: numerical_gradient(lambda t: None, [1.0]), ValueError,
                                               r"f must return one number .*, got None"),
    "numerical gradient of f returning an array": (lambda: numerical_gradient(lambda t: t, [1.0, 2.0]), ValueError,
                                                   r"f must return one number"),
    "gradient check of a non-network": (lambda: check_gradients("net", _X, _Y), TypeError,
                                        r"net must be an nnlib Network, e.g. Network\(\[2, 3, 1\]\), got 'net' \(str\)"),
    "gradient check with eps 0": (lambda: check_gradients(_net(), _X, _Y, eps=0), ValueError, r"eps must be a positive"),
    "train a non-network": (lambda: train("net", _X, _Y, 1, 2, 1.0), TypeError, r"net must be an nnlib Network"),
    "train with a callback that is not a function": (lambda: train(_net(), _X, _Y, 1, 2, 1.0, callback=3), TypeError,
                                                     r"callback must be a function, called as callback\(epoch, net, history\)"),
    "train with NaN eta": (lambda: train(_net(), _X, _Y, 1, 2, NAN), ValueError, r"eta must be a positive finite number"),
    "sgd step on a non-network": (lambda: sgd_step(None, _X, _Y, 1.0), TypeError, r"net must be an nnlib Network"),
    "cost of outputs and targets of different shapes": (lambda: QuadraticCost.value([[0.1]], [[1.0, 2.0]]), ValueError,
                                                        r"a \(outputs\) and y \(targets\) must have one shape"),
    "activation of a string": (lambda: get_activation("sigmoid")("a"), ValueError, r"z must be a number or an array"),
    "activation misspelt": (lambda: get_activation("sigmod"), ValueError, r"activation must be one of"),
    "network with a negative layer": (lambda: Network([2, -1]), ValueError, r"sizes\[1\] must be at least 1"),
    "forward pass of NaN": (lambda: _net().forward([[NAN, 0.0]]), ValueError, r"X must contain only finite"),
    "set_params of the wrong length": (lambda: _net().set_params(np.zeros(3)), ValueError, r"theta must have 13 entries"),
    # defect: these changed the layer lists silently (the network then failed later, far away)
    "append a layer's weights": (lambda: _net().weights.append(np.zeros((1, 1))), TypeError,
                                 r"net.weights holds one array per layer after the input \(2 here\) and its length "
                                 r"cannot change. To set layer l's weights, assign net.weights\[l - 1\] = array; "
                                 r"to change the layers, build a new Network"),
    "pop a bias": (lambda: _net().biases.pop(), TypeError, r"net.biases holds one array per layer"),
    "extend the weights": (lambda: _net().weights.extend([np.zeros((1, 1))]), TypeError, r"net.weights holds"),
    "delete a layer's weights": (lambda: _net().weights.__delitem__(0), TypeError, r"net.weights holds"),
    "add to the weights in place": (lambda: _net().weights.__iadd__([np.zeros((1, 1))]), TypeError, r"net.weights holds"),
    "insert biases": (lambda: _net().biases.insert(0, np.zeros(3)), TypeError, r"net.biases holds"),
    # the figures: a value off a control's range, NaN or a string names the control
    "figure value out of range": (lambda: widgets.neuron_playground(w1=-1e9), ValueError,
                                  r"w1 must be a number from -2 to 2, got -1000000000.0"),
    "figure value NaN": (lambda: widgets.cost_landscape(w=NAN), ValueError, r"w must be a number from .* got nan"),
    "figure value a string": (lambda: widgets.activation_explorer(z="a"), (ValueError, TypeError), r"\bz\b"),
    "figure step out of range": (lambda: widgets.backprop_stepper(step=-1), ValueError, r"step must be a number from 0"),
    "figure epoch out of range": (lambda: widgets.digits_training(epoch=500), ValueError, r"epoch must be a number from 0 to 100, got 500"),
    "figure dataset misspelt": (lambda: widgets.training_playground(dataset="moon"), ValueError,
                                r"default must be one of \['xor', 'moons', 'circles', 'spirals'\], got 'moon'"),
}
del BAD_INPUTS["labels of a list works"]


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_fails_with_a_message_naming_the_argument(case):
    call, error, pattern = BAD_INPUTS[case]
    with pytest.raises(error, match=pattern):
        call()


def test_labels_of_a_list_and_of_one_example():
    np.testing.assert_array_equal(labels([[0.1, 0.9], [0.8, 0.2]]), [1, 0])
    np.testing.assert_array_equal(labels([[0.2], [0.7]]), [0, 1])
    assert labels([0.1, 0.9]) == 1


def test_a_diverged_path_is_still_classified_as_diverged():
    assert classify_path([1.0, 10.0, np.inf], [1.0, 100.0, np.inf]) == "diverged"


def test_copies_of_the_layer_lists_are_plain_lists_of_copies():
    import copy
    import pickle

    net = _net()
    for copied in (copy.deepcopy(net.weights), pickle.loads(pickle.dumps(net.weights))):
        assert type(copied) is list and len(copied) == 2
        copied[0][...] = 7.0  # the network is unchanged
        assert not np.any(net.weights[0] == 7.0)
    twin = copy.deepcopy(net)
    twin.weights[0] = np.ones((3, 2))
    assert not np.array_equal(net.weights[0], twin.weights[0])


def test_the_nnlib_0_1_names_are_gone():
    from nnlib import network

    assert not hasattr(network, "_labels") and not hasattr(network.Network, "_forward")
    assert not hasattr(network.Network, "_backward") and "pack" not in network.__all__
