"""An activation per layer (issue 23: the Playground lets a reader pick one for each hidden layer)."""
import numpy as np
import pytest

from nnlib import Network, check_gradients, get_activation


def test_one_activation_per_hidden_layer_and_the_output_one():
    net = Network([2, 3, 4, 1], activation=["tanh", "relu"], output_activation="sigmoid", seed=0)
    assert [net.activation_of_layer(l).name for l in (1, 2, 3)] == ["tanh", "relu", "sigmoid"]
    assert net.output_activation.name == "sigmoid"


def test_a_list_without_output_activation_names_every_layer():
    net = Network([2, 3, 1], activation=["relu", "sigmoid"], seed=0)
    assert [net.activation_of_layer(l).name for l in (1, 2)] == ["relu", "sigmoid"]


def test_forward_pass_applies_each_layers_own_activation():
    net = Network([2, 3, 2, 1], activation=["relu", "tanh"], output_activation="sigmoid", seed=1)
    X = np.array([[0.3, -1.2], [2.0, 0.5]])
    A = X
    for W, b, f in zip(net.weights, net.biases, [np.maximum, np.tanh, None]):
        z = A @ W.T + b
        A = np.maximum(z, 0) if f is np.maximum else np.tanh(z) if f is np.tanh else 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(net.forward(X), A, rtol=1e-12)


@pytest.mark.parametrize("cost", ["quadratic", "cross_entropy"])
def test_gradients_with_mixed_activations_match_finite_differences(cost):
    rng = np.random.default_rng(3)
    net = Network([2, 4, 3, 1], activation=["tanh", "arctan"], output_activation="sigmoid", cost=cost, seed=rng)
    X = rng.standard_normal((5, 2))
    Y = rng.integers(0, 2, (5, 1)).astype(float)
    assert check_gradients(net, X, Y).relative_error < 1e-6


def test_no_hidden_layer_with_an_empty_list():
    net = Network([2, 1], activation=[], output_activation="sigmoid", seed=0)
    assert net.activation_of_layer(1).name == "sigmoid"


def test_same_activation_everywhere_gives_the_same_network_as_one_name():
    a = Network([2, 3, 3, 1], activation=["tanh", "tanh"], output_activation="sigmoid", seed=5)
    b = Network([2, 3, 3, 1], activation="tanh", output_activation="sigmoid", seed=5)
    X = np.linspace(-1, 1, 8).reshape(4, 2)
    np.testing.assert_array_equal(a.forward(X), b.forward(X))
    assert repr(b) == "Network([2, 3, 3, 1], activation='tanh', cost='quadratic', output_activation='sigmoid')"
    assert repr(a) == "Network([2, 3, 3, 1], activation=['tanh', 'tanh', 'sigmoid'], cost='quadratic')"


@pytest.mark.parametrize(
    "activation, output, message",
    [
        (["tanh"], "sigmoid", r"activation must list 2 activations \(one per hidden layer\), got 1"),
        (["tanh", "tanh"], None, r"activation must list 3 activations \(one per layer 1\.\.L\), got 2"),
        (["tanh", "softmax"], "sigmoid", r"activation\[1\] must be one of .* got 'softmax'"),
        (3, None, r"activation must be a name, an Activation or a list of them, got 3"),
    ],
)
def test_bad_activation_lists(activation, output, message):
    with pytest.raises(ValueError, match=message):
        Network([2, 3, 3, 1], activation=activation, output_activation=output)


def test_cross_entropy_checks_the_output_layers_activation_from_a_list():
    with pytest.raises(ValueError, match="needs outputs in"):
        Network([2, 3, 1], activation=["sigmoid", "relu"], cost="cross_entropy")
    Network([2, 3, 1], activation=["relu", "sigmoid"], cost="cross_entropy")
    assert get_activation("relu").name == "relu"


def test_copies_keep_each_layers_activation_and_old_states_still_load():
    import copy

    net = Network([2, 3, 3, 1], activation=["relu", "tanh"], output_activation="sigmoid", seed=0)
    again = copy.deepcopy(net)
    assert [again.activation_of_layer(l).name for l in (1, 2, 3)] == ["relu", "tanh", "sigmoid"]
    old = copy.copy(Network([2, 3, 1], activation="tanh", output_activation="sigmoid", seed=0).__getstate__())
    del old["_layer_activations"], old["_one_activation"]  # a state saved by nnlib 0.2
    loaded = Network.__new__(Network)
    loaded.__setstate__(old)
    assert [loaded.activation_of_layer(l).name for l in (1, 2)] == ["tanh", "sigmoid"]
    assert repr(loaded) == "Network([2, 3, 1], activation='tanh', cost='quadratic', output_activation='sigmoid')"
