"""Plain gradient descent on functions of one and two variables."""
import numpy as np
import pytest

from nnlib import classify_path, gradient_descent


def bowl(p):
    return p[..., 0] ** 2 + 3 * p[..., 1] ** 2


def bowl_grad(p):
    return np.array([2 * p[0], 6 * p[1]])


def test_first_step_is_minus_eta_times_the_gradient():
    path = gradient_descent(bowl_grad, [1.0, 1.0], eta=0.1, n_steps=5)
    assert path.shape == (6, 2)
    np.testing.assert_allclose(path[1] - path[0], -0.1 * bowl_grad(np.array([1.0, 1.0])))


def test_one_variable_paths_are_one_dimensional():
    path = gradient_descent(lambda x: 2 * (x - 3), 0.0, eta=0.25, n_steps=3)
    # x <- x - 0.25 * 2 (x - 3): 0 -> 1.5 -> 2.25 -> 2.625
    np.testing.assert_allclose(path, [0.0, 1.5, 2.25, 2.625])


@pytest.mark.parametrize(
    "eta, expected",
    [(0.001, "crawling"), (0.1, "converged"), (0.32, "oscillating"), (0.4, "diverged")],
)
def test_learning_rates_crawl_converge_oscillate_or_diverge(eta, expected):
    path = gradient_descent(bowl_grad, [1.0, 1.0], eta=eta, n_steps=40)
    assert classify_path(path, bowl(path)) == expected


def test_a_diverging_path_stops_early_without_warnings():
    path = gradient_descent(lambda x: 2 * x, 1.0, eta=5.0, n_steps=1000)
    assert len(path) < 1000 and abs(path[-1]) > 1e6


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"eta must be a positive finite number, got 0.0"):
        gradient_descent(bowl_grad, [1.0, 1.0], eta=0.0, n_steps=3)
    with pytest.raises(ValueError, match=r"n_steps must be at least 0, got -1"):
        gradient_descent(bowl_grad, [1.0, 1.0], eta=0.1, n_steps=-1)
    with pytest.raises(ValueError, match=r"x0 must contain only finite numbers"):
        gradient_descent(bowl_grad, [np.nan, 1.0], eta=0.1, n_steps=3)


def test_zigzag_fraction_counts_reversing_steps():
    from nnlib import zigzag_fraction

    assert zigzag_fraction(np.array([0.0, 1.0, 0.5, 0.75])) == 1.0  # every step reverses the last
    assert zigzag_fraction(np.array([0.0, 1.0, 2.0, 2.5])) == 0.0  # steady progress
    assert zigzag_fraction(np.array([0.0, 1.0])) == 0.0  # too short to turn
