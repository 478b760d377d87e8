"""The Playground's numbers are nnlib's: redone here with nnlib's public functions, step by step."""
import numpy as np
import pytest

from nnlib import Network, make_toy, train, train_test_split
from nnlib.playground import PLANE, Config, Playground, grid


def by_hand(config, epochs):
    """The recipe of nnlib/playground.py's docstring, written out."""
    X, y = make_toy(config.dataset, config.n_samples, config.noise, seed=config.seed)
    X = 2 * X - 1
    split = train_test_split(X, y[:, None].astype(float), config.test_fraction, seed=config.seed)
    net = Network(config.sizes, activation=list(config.activations), output_activation="sigmoid",
                  cost=config.cost, seed=config.seed)
    train(net, split.X_train, split.Y_train, epochs, config.batch_size, config.eta,
          seed=np.random.default_rng(config.seed))
    return net, split


@pytest.mark.parametrize("dataset", ["circles", "xor", "spirals", "blobs"])
def test_epochs_one_at_a_time_match_one_call_of_train(dataset):
    config = Config(dataset=dataset, hidden=(8, 8), activations=("tanh", "relu"), eta=0.1, seed=3)
    playground = Playground(config)
    playground.step(3).step(2)
    net, split = by_hand(config, 5)
    assert playground.epoch == 5 and len(playground.train_cost) == 6
    np.testing.assert_allclose(playground.net.params, net.params, rtol=1e-12, atol=1e-14)
    assert playground.train_cost[-1] == pytest.approx(net.cost(split.X_train, split.Y_train), rel=1e-12)
    assert playground.test_cost[-1] == pytest.approx(net.cost(split.X_test, split.Y_test), rel=1e-12)


def test_training_separates_circles_and_the_description_says_so():
    playground = Playground(Config(dataset="circles", hidden=(8, 8), activations=("tanh", "tanh"), seed=0))
    playground.step(150)
    assert playground.test_accuracy[-1] > 0.9
    assert playground.train_cost[-1] < 0.5 * playground.train_cost[0]
    text = playground.describe()
    assert text.startswith("epoch 150: training cost ")
    assert f"test accuracy {100 * playground.test_accuracy[-1]:.0f}%" in text


def test_own_points_need_both_classes_then_train():
    few = Playground(Config(dataset="own", points=((0.1, 0.2, 0), (0.3, 0.1, 0))))
    assert not few.ready and "place at least 4 points" in few.describe()
    assert few.step(5).epoch == 0
    rng = np.random.default_rng(0)
    centres = np.repeat([[-0.5, -0.5], [0.5, 0.5]], 10, axis=0)
    points = np.column_stack([centres + 0.1 * rng.standard_normal((20, 2)), np.repeat([0, 1], 10)])
    own = Playground(Config(dataset="own", points=points, hidden=(), activations=(), eta=1.0))
    own.step(50)
    assert own.ready and len(own.X_train) == 10 and own.test_accuracy[-1] == 1.0


def test_grid_maps_are_the_forward_pass_at_the_grid_points():
    playground = Playground(Config(hidden=(3, 2), activations=("relu", "sigmoid"), seed=1)).step(2)
    maps = playground.grid_activations(resolution=5)
    assert [m.shape for m in maps] == [(3, 5, 5), (2, 5, 5), (1, 5, 5)]
    points = grid(5)
    assert points[0].tolist() == pytest.approx([-PLANE + PLANE / 5, PLANE - PLANE / 5])  # top left
    trace = playground.net.forward_pass(points)
    np.testing.assert_allclose(maps[0][1].ravel(), trace.a(1)[:, 1])
    np.testing.assert_allclose(maps[2][0].ravel(), trace.output[:, 0])


def test_snapshot_lays_out_maps_weights_and_only_new_costs():
    playground = Playground(Config(hidden=(2,), activations=("tanh",), seed=2)).step(4)
    data, layout = playground.snapshot(resolution=4, cost_from=3)
    assert data.dtype == np.float32
    assert layout["maps"] == [0, (2 + 1) * 16] and layout["weights"] == [48, 2 * 2 + 2]
    assert layout["biases"] == [54, 3] and data.size == 57
    assert layout["train_cost"] == pytest.approx(playground.train_cost[3:]) and len(layout["train_cost"]) == 2
    np.testing.assert_allclose(data[48:52], playground.net.weights[0].ravel(), rtol=1e-6)


def test_too_large_a_learning_rate_diverges_and_stops():
    playground = Playground(Config(hidden=(8,), activations=("relu",), cost="quadratic", eta=1e200, seed=0))
    with np.errstate(all="ignore"):
        playground.step(20)
    assert playground.diverged and "diverged" in playground.describe()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"dataset": "moon"}, r"dataset must be one of"),
        ({"hidden": (9,), "activations": ("tanh",)}, r"hidden\[0\] must be at most 8, got 9"),
        ({"hidden": (2,) * 5, "activations": ("tanh",) * 5}, r"hidden must list at most 4 layers, got 5"),
        ({"hidden": (2, 2)}, None),
        ({"activations": ("tanh", "step")}, r"activations\[1\] must be one of"),
        ({"hidden": (2,), "activations": ("tanh", "tanh")}, r"activations must name one activation per hidden layer \(1\), got 2"),
        ({"cost": "hinge"}, r"cost must be 'quadratic' or 'cross_entropy', got 'hinge'"),
        ({"points": ((0, 0, 2),)}, r"points must have label 0 or 1"),
        ({"eta": 0}, r"eta must be a positive finite number, got 0"),
    ],
)
def test_bad_configurations_name_the_field(changes, message):
    if message is None:
        Config(**changes)
        return
    with pytest.raises(ValueError, match=message):
        Config(**changes)
