"""Datasets: the digits, the toy sets and one-hot encoding."""
import numpy as np
import pytest

from nnlib import load_digits, make_toy, one_hot, train_test_split
from nnlib.data import TOY_DATASETS


def test_digits_are_scaled_one_hot_and_split_with_a_seed():
    data = load_digits(seed=0)
    assert data.X_train.shape == (1438, 64) and data.X_test.shape == (359, 64)
    assert data.Y_train.shape == (1438, 10)
    assert data.X_train.min() == 0.0 and data.X_train.max() == 1.0
    np.testing.assert_array_equal(data.Y_train.sum(axis=1), 1.0)
    again = load_digits(seed=0)
    np.testing.assert_array_equal(data.X_test, again.X_test)
    assert not np.array_equal(data.X_test, load_digits(seed=1).X_test)
    assert set(np.unique(data.y_train)) == set(range(10))


def test_one_hot():
    np.testing.assert_array_equal(one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    assert one_hot([0, 1, 3]).shape == (3, 4)


@pytest.mark.parametrize(
    "y, n_classes, message",
    [
        ([0, 3], 3, r"y must hold labels from 0 to 2 \(n_classes=3\), got labels from 0 to 3"),
        ([-1, 0], 2, r"y must hold labels from 0 to 1 \(n_classes=2\), got labels from -1 to 0"),
        ([[0, 1]], 2, r"y must be 1-D \(one label per example\), got shape \(1, 2\)"),
        ([0.5, 1], 2, r"y must hold integer class labels"),
        ([0, 1], 0, r"n_classes must be at least 1, got 0"),
    ],
)
def test_one_hot_rejects_bad_labels(y, n_classes, message):
    with pytest.raises(ValueError, match=message):
        one_hot(y, n_classes)


@pytest.mark.parametrize("name", sorted(TOY_DATASETS))
def test_toy_sets_are_seeded_two_class_and_in_the_unit_square(name):
    X, y = make_toy(name, n_samples=100, seed=4)
    X2, y2 = make_toy(name, n_samples=100, seed=4)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert X.shape == (100, 2) and set(np.unique(y)) == {0, 1}
    assert -0.5 < X.min() and X.max() < 1.5


def test_toy_set_bad_arguments():
    with pytest.raises(ValueError, match=r"name must be one of \['blobs', 'circles', 'moons', 'spirals', 'xor'\], got 'moon'"):
        make_toy("moon")
    with pytest.raises(ValueError, match=r"n_samples must be at least 2, got 1"):
        make_toy("xor", n_samples=1)
    with pytest.raises(ValueError, match=r"noise must be a finite number >= 0, got -0.1"):
        make_toy("moons", noise=-0.1)


def test_train_test_split_bad_fraction():
    with pytest.raises(ValueError, match=r"test_fraction must be a number in \(0, 1\), got 1.5"):
        train_test_split(np.zeros((10, 2)), np.zeros((10, 1)), test_fraction=1.5)


def test_digits_are_scikit_learns_numbers():
    from sklearn.datasets import load_digits as sklearn_digits

    from nnlib.data import _digits_from_file

    data, target = _digits_from_file()
    digits = sklearn_digits()
    np.testing.assert_array_equal(data, digits.data)
    np.testing.assert_array_equal(target, digits.target)


def test_loading_the_digits_does_not_import_scikit_learn():
    """Importing scikit-learn (and scipy) would delay digits_training's first frame by about a second."""
    import subprocess
    import sys

    code = "import sys; from nnlib import load_digits; load_digits(); print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "False", out.stderr[-2000:]


def test_a_split_of_one_column_targets_has_zero_one_labels():
    X = np.arange(10.0).reshape(5, 2)
    Y = np.array([[0.0], [1.0], [1.0], [0.0], [1.0]])
    split = train_test_split(X, Y, test_fraction=0.4, seed=0)
    np.testing.assert_array_equal(split.y_train, split.Y_train[:, 0].astype(int))
    np.testing.assert_array_equal(split.y_test, split.Y_test[:, 0].astype(int))
    assert set(split.y_train) | set(split.y_test) == {0, 1}


def test_blobs_are_two_seeded_gaussian_clouds_around_their_centres():
    from nnlib import make_blobs

    X, y = make_blobs(n_samples=400, noise=0.05, seed=2)
    assert X.shape == (400, 2) and set(np.unique(y)) == {0, 1} and np.sum(y == 1) == 200
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [0.3, 0.3], atol=0.02)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [0.7, 0.7], atol=0.02)
    np.testing.assert_allclose(X[y == 0].std(axis=0), [0.05, 0.05], rtol=0.2)
    again, _ = make_blobs(n_samples=400, noise=0.05, seed=2)
    np.testing.assert_array_equal(X, again)
    assert not np.array_equal(X, make_blobs(n_samples=400, noise=0.05, seed=3)[0])
    np.testing.assert_array_equal(make_toy("blobs", 10, seed=1)[0], make_blobs(10, seed=1)[0])
