"""Datasets that need no download: scikit-learn's 8x8 digits and generated 2-D toy sets.

Conventions: inputs ``X`` have shape ``(n_samples, n_features)``; integer class labels ``y``
have shape ``(n_samples,)``; one-hot targets ``Y`` have shape ``(n_samples, n_classes)``.
Every generator takes a ``seed`` so the same call gives the same data.
"""
from dataclasses import dataclass

import numpy as np

from ._validation import as_float_array, check_int, check_number, describe, make_rng
from .scoring import labels


def one_hot(y, n_classes=None):
    """One-hot targets from integer labels.

    Parameters
    ----------
    y : array_like of int, shape (n_samples,)
    n_classes : int or None
        Number of classes; None means ``max(y) + 1``.

    Returns
    -------
    ndarray of shape (n_samples, n_classes), 1.0 in column ``y[i]`` of row i, 0.0 elsewhere.
    """
    y = np.asarray(y)
    if y.dtype.kind not in "iuf":
        raise ValueError(f"y must hold integer class labels such as [0, 2, 1], got {describe(y.tolist())}; "
                         "for names, number them first: np.unique(y, return_inverse=True)[1]")
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D (one label per example), got shape {y.shape}")
    if y.size and not np.all(np.equal(np.mod(y, 1), 0)):
        raise ValueError(f"y must hold integer class labels, got {y[np.mod(y, 1) != 0][:3]}")
    y = y.astype(int)
    if n_classes is None:
        n_classes = int(y.max()) + 1 if y.size else 0
    n_classes = check_int("n_classes", n_classes, low=1)
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(
            f"y must hold labels from 0 to {n_classes - 1} (n_classes={n_classes}), "
            f"got labels from {y.min()} to {y.max()}"
        )
    Y = np.zeros((y.size, n_classes))
    Y[np.arange(y.size), y] = 1.0
    return Y


@dataclass
class Split:
    """A seeded train/test split. ``X_*`` are inputs, ``Y_*`` targets, ``y_*`` their labels.

    Targets are one-hot (a label is the column of the 1) or one column of 0/1 (the label is
    that value), as :func:`nnlib.labels` reads them.
    """

    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray

    @property
    def y_train(self):
        """Labels of the training examples, shape (n_train,) (see :func:`nnlib.labels`)."""
        return labels(self.Y_train)

    @property
    def y_test(self):
        """Labels of the test examples, shape (n_test,) (see :func:`nnlib.labels`)."""
        return labels(self.Y_test)


def train_test_split(X, Y, test_fraction=0.2, seed=0):
    """Shuffle the examples with ``seed`` and hold out ``test_fraction`` of them as a test set.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    Y : array_like of shape (n_samples, n_outputs)
    test_fraction : float, 0 < test_fraction < 1

    Returns
    -------
    Split
    """
    X = as_float_array("X", X, ndim=(2,))
    Y = as_float_array("Y", Y, ndim=(2,))
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"X and Y must hold the same number of examples, got {X.shape[0]} and {Y.shape[0]}")
    test_fraction = check_number("test_fraction", test_fraction, 0, 1, low_open=True, high_open=True)
    n = X.shape[0]
    n_test = int(round(n * test_fraction))
    if not 0 < n_test < n:
        raise ValueError(f"test_fraction={test_fraction} leaves an empty train or test set for {n} examples")
    order = make_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return Split(X[train], Y[train], X[test], Y[test])


def load_digits(test_fraction=0.2, seed=0):
    """scikit-learn's 1,797 handwritten digits (8x8 pixels), ready for a network.

    Pixels are scaled from 0..16 to [0, 1] and flattened to 64 inputs; targets are one-hot
    over the 10 digits. The data ship with scikit-learn: nothing is downloaded.

    Returns
    -------
    Split
        ``X_train`` of shape (n_train, 64), ``Y_train`` of shape (n_train, 10), and the same
        for the test set (360 test examples with the defaults). Reshape a row to (8, 8) to see it.
    """
    try:  # the file itself: importing scikit-learn costs about a second (it imports scipy)
        data, target = _digits_from_file()
    except OSError:
        from sklearn.datasets import load_digits as sklearn_digits

        digits = sklearn_digits()
        data, target = digits.data, digits.target
    X = data / 16.0  # pixel intensities 0..16 -> [0, 1]
    return train_test_split(X, one_hot(target, 10), test_fraction, seed)


def _digits_from_file():
    """(data, target) read from scikit-learn's digits file, without importing scikit-learn.

    Importing scikit-learn imports scipy, about a second on a laptop (the first frame of
    ``digits_training`` waits for it) and many seconds in Pyodide (the in-browser edition and the
    HTML book's figure worker). The in-browser edition ships the file in nnlib itself
    (``nnlib/digits.csv.gz``, put there by ``booksite/lite/build.py`` from the official
    scikit-learn wheel); elsewhere it is read from scikit-learn's installed data folder. Either way
    it is read as scikit-learn reads it (``np.loadtxt`` of ``sklearn/datasets/data/digits.csv.gz``,
    the label in the last column), so the numbers are the same (``tests/unit/test_data.py``
    compares them). Raises OSError (FileNotFoundError) when the file is in neither place.
    """
    import gzip
    import importlib.util
    from pathlib import Path

    path = Path(__file__).with_name("digits.csv.gz")
    if not path.is_file():
        spec = importlib.util.find_spec("sklearn")
        if spec is None or not spec.submodule_search_locations:
            raise FileNotFoundError("scikit-learn is not installed and nnlib carries no digits file")
        path = Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data" / "digits.csv.gz"
    with gzip.open(path, "rt") as f:
        table = np.loadtxt(f, delimiter=",")
    return table[:, :-1], table[:, -1].astype(int)


# ---- 2-D toy sets: X of shape (n_samples, 2), y of shape (n_samples,) with labels 0/1 ---------

def _check_toy_args(n_samples, noise):
    n_samples = check_int("n_samples", n_samples, low=2)
    return n_samples, check_number("noise", noise, 0)


def make_xor(n_samples=200, noise=0.1, seed=None):
    """Points near the four corners of the unit square; label 1 where exactly one coordinate is 1.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), in about [0, 1]**2
    y : ndarray of int, shape (n_samples,)
    """
    n_samples, noise = _check_toy_args(n_samples, noise)
    rng = make_rng(seed)
    corners = rng.integers(0, 2, size=(n_samples, 2))
    y = corners[:, 0] ^ corners[:, 1]
    X = corners + noise * rng.standard_normal((n_samples, 2))
    return X, y


def make_moons(n_samples=200, noise=0.1, seed=None):
    """Two interleaving half circles (labels 0 and 1), scaled into about [0, 1]**2."""
    n_samples, noise = _check_toy_args(n_samples, noise)
    rng = make_rng(seed)
    y = np.arange(n_samples) % 2
    t = rng.uniform(0, np.pi, n_samples)
    X = np.column_stack([np.cos(t), np.sin(t)])
    X[y == 1] = np.column_stack([1 - np.cos(t[y == 1]), 0.5 - np.sin(t[y == 1])])
    X += noise * rng.standard_normal((n_samples, 2))
    X = (X - [-1.0, -0.5]) / [3.0, 1.5]  # x from -1..2, y from -0.5..1 -> about [0, 1]
    return X, y


def make_circles(n_samples=200, noise=0.05, seed=None):
    """A disc (label 1) inside a ring (label 0), centred in about [0, 1]**2."""
    n_samples, noise = _check_toy_args(n_samples, noise)
    rng = make_rng(seed)
    y = np.arange(n_samples) % 2
    radius = np.where(y == 1, 0.2, 0.45) + noise * rng.standard_normal(n_samples)
    angle = rng.uniform(0, 2 * np.pi, n_samples)
    X = 0.5 + radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return X, y


def make_spirals(n_samples=200, noise=0.03, turns=1.5, seed=None):
    """Two interleaved spiral arms (labels 0 and 1), centred in about [0, 1]**2; each arm winds ``turns`` times."""
    n_samples, noise = _check_toy_args(n_samples, noise)
    turns = check_number("turns", turns, 0, low_open=True)
    rng = make_rng(seed)
    y = np.arange(n_samples) % 2
    t = rng.uniform(0.1, 1.0, n_samples)  # distance along the arm
    angle = 2 * np.pi * turns * t + np.pi * y
    X = 0.5 + 0.45 * t[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    X += noise * rng.standard_normal((n_samples, 2))
    return X, y


def make_blobs(n_samples=200, noise=0.1, seed=None):
    """Two round Gaussian clouds: label 0 around (0.3, 0.3), label 1 around (0.7, 0.7).

    ``noise`` is each cloud's standard deviation along either axis; half the points (the odd
    ones) have label 1.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), in about [0, 1]**2 for noise up to about 0.1
    y : ndarray of int, shape (n_samples,)
    """
    n_samples, noise = _check_toy_args(n_samples, noise)
    rng = make_rng(seed)
    y = np.arange(n_samples) % 2
    centres = np.where(y[:, None] == 1, 0.7, 0.3)  # (n_samples, 2)
    X = centres + noise * rng.standard_normal((n_samples, 2))
    return X, y


TOY_DATASETS = {"xor": make_xor, "moons": make_moons, "circles": make_circles, "spirals": make_spirals,
                "blobs": make_blobs}


def make_toy(name, n_samples=200, noise=None, seed=None):
    """One of the 2-D toy sets by name ("xor", "moons", "circles", "spirals", "blobs"); ``noise=None`` keeps its default."""
    if name not in TOY_DATASETS:
        raise ValueError(f"name must be one of {sorted(TOY_DATASETS)}, got {name!r}")
    kwargs = {} if noise is None else {"noise": noise}
    return TOY_DATASETS[name](n_samples=n_samples, seed=seed, **kwargs)
