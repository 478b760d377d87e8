"""train against an independent, plain per-example implementation in Nielsen's style.

The reference below shares no code with nnlib: column vectors, one example at a time, the
gradients summed over the mini-batch and the update ``w - (eta / m) * nabla_w`` written out as in
Nielsen's ``update_mini_batch``. It uses the same initial parameters and the same shuffling
(``default_rng(seed).permutation`` once per epoch); after a few epochs the parameters must
agree with nnlib's to 1e-12.
"""
import numpy as np
import pytest

from nnlib import Network, train


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


def backprop(weights, biases, x, y):
    """Gradients of C_x = 1/2 ||a - y||^2 for one example x, y (column vectors)."""
    activation, activations, zs = x, [x], []
    for w, b in zip(weights, biases):
        z = np.dot(w, activation) + b
        zs.append(z)
        activation = sigmoid(z)
        activations.append(activation)
    delta = (activations[-1] - y) * sigmoid_prime(zs[-1])
    nabla_w, nabla_b = [None] * len(weights), [None] * len(weights)
    nabla_w[-1], nabla_b[-1] = np.dot(delta, activations[-2].transpose()), delta
    for l in range(2, len(weights) + 1):  # Nielsen's l counts layers from the end
        delta = np.dot(weights[-l + 1].transpose(), delta) * sigmoid_prime(zs[-l])
        nabla_w[-l], nabla_b[-l] = np.dot(delta, activations[-l - 1].transpose()), delta
    return nabla_w, nabla_b


def plain_sgd(weights, biases, X, Y, epochs, mini_batch_size, eta, seed):
    rng = np.random.default_rng(seed)
    data = [(x.reshape(-1, 1), y.reshape(-1, 1)) for x, y in zip(X, Y)]
    for _ in range(epochs):
        order = rng.permutation(len(data))
        shuffled = [data[i] for i in order]
        for k in range(0, len(data), mini_batch_size):
            mini_batch = shuffled[k:k + mini_batch_size]
            sum_w = [np.zeros(w.shape) for w in weights]
            sum_b = [np.zeros(b.shape) for b in biases]
            for x, y in mini_batch:
                delta_w, delta_b = backprop(weights, biases, x, y)
                sum_w = [s + d for s, d in zip(sum_w, delta_w)]
                sum_b = [s + d for s, d in zip(sum_b, delta_b)]
            weights = [w - (eta / len(mini_batch)) * nw for w, nw in zip(weights, sum_w)]
            biases = [b - (eta / len(mini_batch)) * nb for b, nb in zip(biases, sum_b)]
    return weights, biases


@pytest.mark.parametrize("batch_size", [1, 4, 7])  # 7 does not divide 30: a short last batch
def test_train_matches_a_plain_per_example_loop_to_1e_12(batch_size):
    rng = np.random.default_rng(3)
    X, Y = rng.uniform(size=(30, 3)), rng.uniform(size=(30, 2))
    net = Network([3, 5, 2], seed=1)
    for b in net.biases:
        b += rng.normal(scale=0.3, size=b.shape)
    weights = [w.copy() for w in net.weights]
    biases = [b.reshape(-1, 1).copy() for b in net.biases]
    train(net, X, Y, epochs=4, batch_size=batch_size, eta=2.5, seed=11)
    ref_w, ref_b = plain_sgd(weights, biases, X, Y, 4, batch_size, 2.5, seed=11)
    for w, rw in zip(net.weights, ref_w):
        np.testing.assert_allclose(w, rw, rtol=0, atol=1e-12)
    for b, rb in zip(net.biases, ref_b):
        np.testing.assert_allclose(b, rb.ravel(), rtol=0, atol=1e-12)
    assert not np.allclose(net.weights[0], weights[0])  # training did move the parameters
