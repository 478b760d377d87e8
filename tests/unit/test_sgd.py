"""sgd_step and train: the update rule, batches, history, learning, bad input."""
import numpy as np
import pytest

from nnlib import History, Network, load_digits, make_xor, one_hot, sgd_step, train


def small_problem(seed=0):
    rng = np.random.default_rng(seed)
    return Network([3, 4, 2], seed=seed), rng.uniform(size=(12, 3)), rng.uniform(size=(12, 2))


def test_sgd_step_moves_each_parameter_by_minus_eta_times_its_gradient():
    net, X, Y = small_problem()
    before_w = [w.copy() for w in net.weights]
    before_b = [b.copy() for b in net.biases]
    nabla_w, nabla_b = net.backprop(X, Y)
    sgd_step(net, X, Y, eta=0.5)
    for l in range(2):
        np.testing.assert_allclose(net.weights[l], before_w[l] - 0.5 * nabla_w[l], rtol=1e-12)
        np.testing.assert_allclose(net.biases[l], before_b[l] - 0.5 * nabla_b[l], rtol=1e-12)


def test_a_small_step_lowers_the_cost():
    net, X, Y = small_problem()
    before = net.cost(X, Y)
    sgd_step(net, X, Y, eta=0.1)
    assert net.cost(X, Y) < before


def test_full_batch_training_equals_repeated_full_batch_steps():
    net_a, X, Y = small_problem()
    net_b, _, _ = small_problem()
    train(net_a, X, Y, epochs=3, batch_size=len(X), eta=1.0, seed=0)
    for _ in range(3):
        sgd_step(net_b, X, Y, eta=1.0)  # shuffling does not change a full-batch mean gradient
    np.testing.assert_allclose(net_a.get_params(), net_b.get_params(), rtol=1e-10)


def test_one_step_per_mini_batch_and_the_last_smaller_batch_is_kept(monkeypatch):
    net, X, Y = small_problem()
    sizes = []
    original = net.backward_batch  # one backward pass per step

    def counting_backward(trace, Y_batch, out=None):
        sizes.append(len(Y_batch))
        return original(trace, Y_batch, out=out)

    monkeypatch.setattr(net, "backward_batch", counting_backward)
    train(net, X, Y, epochs=1, batch_size=5, eta=0.1, seed=0)
    assert sizes == [5, 5, 2]  # 12 examples in batches of 5
    sizes.clear()
    train(net, X, Y, epochs=1, batch_size=1, eta=0.1, seed=0)
    assert sizes == [1] * 12  # batch size 1: one step per example


def test_train_is_repeatable_with_a_seed_and_records_history():
    net_a, X, Y = small_problem()
    net_b, _, _ = small_problem()
    calls = []
    h_a = train(net_a, X, Y, epochs=4, batch_size=3, eta=0.5, seed=3, validation=(X[:4], Y[:4]),
                callback=lambda epoch, net, history: calls.append(epoch))
    h_b = train(net_b, X, Y, epochs=4, batch_size=3, eta=0.5, seed=3)
    np.testing.assert_array_equal(net_a.get_params(), net_b.get_params())
    assert isinstance(h_a, History) and h_a.epochs == 4
    assert len(h_a.accuracy) == len(h_a.val_cost) == len(h_a.val_accuracy) == len(h_a.seconds) == 4
    assert h_b.val_cost == [] and calls == [1, 2, 3, 4]
    # validation scores are exact: the network after the epoch, on the validation set
    assert h_a.val_cost[-1] == pytest.approx(net_a.cost(X[:4], Y[:4]), rel=1e-12)
    assert h_a.val_accuracy[-1] == net_a.accuracy(X[:4], Y[:4])


def test_training_scores_are_the_mean_over_the_epoch_of_each_batch_before_its_step():
    # Replay train by hand: same shuffles, and score every mini-batch just before its step.
    X, y = make_xor(n_samples=40, noise=0.2, seed=1)
    Y = one_hot(y, 2)
    net, replay = Network([2, 5, 2], seed=4), Network([2, 5, 2], seed=4)
    history = train(net, X, Y, epochs=3, batch_size=7, eta=2.0, seed=5)  # 40 = 5 * 7 + 5
    rng = np.random.default_rng(5)
    for epoch in range(3):
        order = rng.permutation(len(X))
        costs, hits = [], []
        for k in range(0, len(X), 7):
            rows = order[k:k + 7]
            costs.append(replay.cost(X[rows], Y[rows]) * len(rows))  # a batch's cost is a mean
            hits.append(replay.accuracy(X[rows], Y[rows]) * len(rows))
            sgd_step(replay, X[rows], Y[rows], eta=2.0)
        assert history.cost[epoch] == pytest.approx(sum(costs) / len(X), rel=1e-12)
        assert history.accuracy[epoch] == pytest.approx(sum(hits) / len(X), rel=1e-12)
    np.testing.assert_array_equal(net.get_params(), replay.get_params())


def test_full_batch_training_scores_are_those_before_each_step():
    # With batch_size = n there is one step per epoch, scored on the network before it.
    net, X, Y = small_problem()
    before = []
    history = train(net, X, Y, epochs=3, batch_size=len(X), eta=1.0, seed=0,
                    callback=lambda epoch, n, h: before.append(n.cost(X, Y)))
    fresh, _, _ = small_problem()
    assert history.cost == pytest.approx([fresh.cost(X, Y)] + before[:-1], rel=1e-12)


def test_zero_epochs_changes_nothing():
    net, X, Y = small_problem()
    before = net.get_params()
    history = train(net, X, Y, epochs=0, batch_size=4, eta=1.0)
    np.testing.assert_array_equal(net.get_params(), before)
    assert history.epochs == 0


def test_progress_bar_runs(capsys):
    net, X, Y = small_problem()
    train(net, X, Y, epochs=2, batch_size=4, eta=1.0, seed=0, progress=True)
    assert "training" in capsys.readouterr().err


def test_xor_is_learned():
    X, y = make_xor(n_samples=200, noise=0.1, seed=0)
    net = Network([2, 8, 1], seed=0)
    history = train(net, X, y[:, None], epochs=300, batch_size=10, eta=3.0, seed=0)
    assert history.accuracy[-1] == 1.0
    assert history.cost[-1] < 0.2 * history.cost[0]


def test_digits_reach_97_percent_test_accuracy():
    # The reference setting: [64, 30, 10], sigmoid, quadratic cost, eta 3.0, batch 10, 30 epochs.
    data = load_digits(seed=0)
    net = Network([64, 30, 10], seed=0)
    history = train(net, data.X_train, data.Y_train, epochs=30, batch_size=10, eta=3.0, seed=0,
                    validation=(data.X_test, data.Y_test))
    assert net.accuracy(data.X_test, data.Y_test) >= 0.97
    assert history.val_accuracy[-1] == pytest.approx(net.accuracy(data.X_test, data.Y_test))


# ---- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(eta=0.0), r"eta must be a positive finite number, got 0.0"),
        (dict(eta=-1.0), r"eta must be a positive finite number, got -1.0"),
        (dict(eta=float("nan")), r"eta must be a positive finite number, got nan"),
        (dict(eta=float("inf")), r"eta must be a positive finite number, got inf"),
        (dict(eta="fast"), r"eta must be a positive number, got 'fast'"),
        (dict(batch_size=0), r"batch_size must be at least 1, got 0"),
        (dict(batch_size=13), r"batch_size must be at most 12, got 13"),
        (dict(epochs=-1), r"epochs must be at least 0, got -1"),
        (dict(epochs=1.5), r"epochs must be an integer, got 1.5"),
        (dict(seed=-3), r"seed must be None, a non-negative integer or a numpy Generator, got -3"),
        (dict(validation=np.zeros(3)), r"validation must be a pair \(X_val, Y_val\)"),
    ],
)
def test_train_rejects_bad_arguments(kwargs, message):
    net, X, Y = small_problem()
    args = dict(epochs=1, batch_size=4, eta=1.0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        train(net, X, Y, **args)


def test_train_rejects_bad_data():
    net, X, Y = small_problem()
    with pytest.raises(ValueError, match=r"X and Y must hold the same number of examples"):
        train(net, X, Y[:5], epochs=1, batch_size=2, eta=1.0)
    with pytest.raises(ValueError, match=r"X must be 2-D, one example per row, got shape \(3,\)"):
        train(net, X[0], Y[0], epochs=1, batch_size=1, eta=1.0)
    with pytest.raises(ValueError, match=r"validation X must have 3 columns"):
        train(net, X, Y, epochs=1, batch_size=2, eta=1.0, validation=(np.zeros((2, 4)), np.zeros((2, 2))))


def test_sgd_step_rejects_bad_arguments():
    net, X, Y = small_problem()
    with pytest.raises(ValueError, match=r"eta must be a positive finite number, got -0.5"):
        sgd_step(net, X, Y, eta=-0.5)
    with pytest.raises(ValueError, match=r"X_batch and Y_batch must hold the same number of examples"):
        sgd_step(net, X, Y[:3], eta=0.5)
    with pytest.raises(ValueError, match=r"Y_batch must contain only finite numbers"):
        sgd_step(net, X[:1], np.array([[np.nan, 0.0]]), eta=0.5)
