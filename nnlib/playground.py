"""The Playground: a small network learning to separate two classes of points in the plane.

One :class:`Playground` holds everything the book's Playground page (and its Jupyter widget)
shows: the data, split into training and test points; the network; the epochs trained so far
with the training and test cost after each. The page runs this module in the reader's browser
(Pyodide in a Web Worker), so what it draws is what desktop nnlib computes for the same
configuration. Nothing here draws.

How a configuration becomes numbers, all from nnlib's public functions (so a reader can redo it
by hand, and ``tests/unit/test_playground.py`` does):

1. points: ``make_toy(dataset, n_samples, noise, seed)`` mapped from about [0, 1]**2 to about
   [-1, 1]**2 by ``x -> 2x - 1``, or the reader's own points as given;
2. ``train_test_split(X, Y, test_fraction, seed)`` with ``Y`` the labels as one 0/1 column;
3. ``Network([2, *hidden, 1], activation=activations, output_activation="sigmoid", cost, seed)``;
4. each epoch: ``train(net, X_train, Y_train, 1, batch_size, eta, seed=rng)`` where
   ``rng = np.random.default_rng(seed)`` is made once, so k calls of one epoch shuffle exactly as
   one call of k epochs.
"""
from dataclasses import dataclass, field, replace

import numpy as np

from ._validation import as_float_array, check_int, check_number, check_positive_number
from .activations import ACTIVATIONS
from .data import TOY_DATASETS, make_toy, train_test_split
from .network import Network
from .scoring import score_outputs
from .sgd import train

PLANE = 1.25  # the plane shown runs from -PLANE to PLANE on both axes
MAX_LAYERS, MAX_WIDTH = 4, 8  # hidden layers and neurons per hidden layer, at most
MAX_POINTS = 1000  # a reader's own points, at most
# Activations a reader can choose for a hidden layer (step has no useful derivative).
HIDDEN_ACTIVATIONS = tuple(name for name, f in ACTIVATIONS.items() if f.differentiable)
DATASETS = tuple(sorted(TOY_DATASETS)) + ("own",)


@dataclass(frozen=True)
class Config:
    """Everything that decides a Playground run.

    Attributes
    ----------
    dataset : str
        A toy set of :mod:`nnlib.data` ("blobs", "circles", "moons", "spirals", "xor") or "own".
    n_samples : int
        Points generated for a toy set (ignored for "own").
    noise : float
        The toy set's noise, in its own units (ignored for "own").
    test_fraction : float
        Share of the points held out as test points, 0 < test_fraction < 1.
    hidden : tuple of int
        Neurons in each hidden layer, 0 to 4 layers of 1 to 8 neurons.
    activations : tuple of str
        One activation per hidden layer; the output neuron is always a sigmoid.
    eta : float
        Learning rate.
    batch_size : int
        Examples per mini-batch (capped at the number of training points).
    cost : str
        "quadratic" or "cross_entropy".
    seed : int
        Seeds the data, the split, the initial weights and the shuffling.
    points : tuple of (x1, x2, label)
        The reader's own points, in plane coordinates, labels 0 or 1 (used when dataset is "own").
    """

    dataset: str = "circles"
    n_samples: int = 200
    noise: float = 0.05
    test_fraction: float = 0.5
    hidden: tuple = (4, 4)
    activations: tuple = ("tanh", "tanh")
    eta: float = 0.3
    batch_size: int = 10
    cost: str = "cross_entropy"
    seed: int = 0
    points: tuple = field(default=())

    def __post_init__(self):
        if self.dataset not in DATASETS:
            raise ValueError(f"dataset must be one of {list(DATASETS)}, got {self.dataset!r}")
        check_int("n_samples", self.n_samples, low=4, high=MAX_POINTS)
        check_number("noise", self.noise, 0, 1)
        check_number("test_fraction", self.test_fraction, 0, 1, low_open=True, high_open=True)
        hidden = tuple(self.hidden)
        if len(hidden) > MAX_LAYERS:
            raise ValueError(f"hidden must list at most {MAX_LAYERS} layers, got {len(hidden)}")
        for i, n in enumerate(hidden):
            check_int(f"hidden[{i}]", n, low=1, high=MAX_WIDTH)
        if len(self.activations) != len(hidden):
            raise ValueError(f"activations must name one activation per hidden layer ({len(hidden)}), "
                             f"got {len(self.activations)}")
        for i, name in enumerate(self.activations):
            if name not in HIDDEN_ACTIVATIONS:
                raise ValueError(f"activations[{i}] must be one of {list(HIDDEN_ACTIVATIONS)}, got {name!r}")
        check_positive_number("eta", self.eta)
        check_int("batch_size", self.batch_size, low=1)
        if self.cost not in ("quadratic", "cross_entropy"):
            raise ValueError(f"cost must be 'quadratic' or 'cross_entropy', got {self.cost!r}")
        check_int("seed", self.seed, low=0)
        if len(self.points) > MAX_POINTS:
            raise ValueError(f"points must hold at most {MAX_POINTS} points, got {len(self.points)}")
        points = ()
        if len(self.points):
            array = as_float_array("points", self.points, ndim=(2,), width=3, width_name="x1, x2, label")
            if not np.all(np.isin(array[:, 2], (0, 1))):
                raise ValueError("points must have label 0 or 1 in their third column")
            points = tuple(tuple(float(v) for v in row) for row in array)
        object.__setattr__(self, "hidden", hidden)
        object.__setattr__(self, "activations", tuple(self.activations))
        object.__setattr__(self, "points", points)

    def with_(self, **changes):
        """A copy with some fields changed (checked again)."""
        return replace(self, **changes)

    @property
    def sizes(self):
        """The network's layer sizes, e.g. [2, 8, 8, 1]."""
        return [2, *self.hidden, 1]


def make_points(config):
    """The points of a configuration: ``X`` of shape (n, 2) in plane coordinates, ``y`` of shape (n,)."""
    if config.dataset == "own":
        points = np.array(config.points, dtype=float).reshape(-1, 3)
        return points[:, :2], points[:, 2].astype(int)
    X, y = make_toy(config.dataset, config.n_samples, config.noise, seed=config.seed)
    return 2.0 * X - 1.0, y  # about [0, 1]**2 -> about [-1, 1]**2


def grid(resolution):
    """The centres of a resolution x resolution grid over the plane, shape (resolution**2, 2).

    Row-major with the top row first (x2 = +PLANE), as an image is stored.
    """
    resolution = check_int("resolution", resolution, low=2, high=200)
    step = 2 * PLANE / resolution
    centres = -PLANE + step * (np.arange(resolution) + 0.5)
    x1, x2 = np.meshgrid(centres, centres[::-1])
    return np.column_stack([x1.ravel(), x2.ravel()])


class Playground:
    """One run of the Playground: data, network and the epochs trained so far.

    Parameters
    ----------
    config : Config

    Attributes
    ----------
    config : Config
    net : Network or None
        None while there are too few points to train on (``ready`` is False).
    X_train, Y_train, X_test, Y_test : ndarray
        Points of shape (n, 2) and targets of shape (n, 1).
    epoch : int
    train_cost, test_cost, test_accuracy : list of float
        After each epoch; entry 0 is before any training.
    diverged : bool
        True once a step made the cost overflow; training then stops.
    """

    def __init__(self, config):
        if not isinstance(config, Config):
            raise ValueError(f"config must be a playground Config, got {type(config).__name__}")
        self.config = config
        X, y = make_points(config)
        self.X, self.y = X, y
        self.epoch = 0
        self.train_cost, self.test_cost, self.test_accuracy = [], [], []
        self.diverged = False
        self.net = None
        self.problem = _too_few(y)
        if self.problem:
            self.X_train = self.X_test = np.zeros((0, 2))
            self.Y_train = self.Y_test = np.zeros((0, 1))
            return
        split = train_test_split(X, y[:, None].astype(float), config.test_fraction, seed=config.seed)
        self.net = Network(config.sizes, activation=list(config.activations), output_activation="sigmoid",
                           cost=config.cost, seed=config.seed)
        self.X_train, self.Y_train = self.net.check_batch(split.X_train, split.Y_train)
        self.X_test, self.Y_test = self.net.check_batch(split.X_test, split.Y_test)
        self._rng = np.random.default_rng(config.seed)
        self._record()

    @property
    def ready(self):
        """True when there are points enough to train on."""
        return self.net is not None

    @property
    def batch_size(self):
        """The batch size used: the configured one, at most the number of training points."""
        return min(self.config.batch_size, len(self.X_train))

    def step(self, epochs=1):
        """Train ``epochs`` more epochs (each a shuffled pass of mini-batch SGD); returns self."""
        epochs = check_int("epochs", epochs, low=0, high=10_000)
        if not self.ready or self.diverged:
            return self
        for _ in range(epochs):
            try:
                train(self.net, self.X_train, self.Y_train, 1, self.batch_size, self.config.eta, seed=self._rng)
            except ValueError as error:
                if "diverged" not in str(error):
                    raise
                self.diverged = True
                return self
            self.epoch += 1
            self._record()
        return self

    def _record(self):
        # The arrays were checked when the run began: score the outputs of the unchecked forward
        # pass (Network.score would check them again after every epoch).
        net = self.net
        train_score = score_outputs(net.forward_batch(self.X_train).output, self.Y_train, net.cost_function)
        test_score = score_outputs(net.forward_batch(self.X_test).output, self.Y_test, net.cost_function)
        self.train_cost.append(train_score.cost)
        self.test_cost.append(test_score.cost)
        self.test_accuracy.append(test_score.accuracy)

    def grid_activations(self, resolution=32):
        """Every neuron's activation at every grid point, from one forward pass over the grid.

        Returns
        -------
        list of ndarray
            Entry l - 1 has shape (n_l, resolution, resolution): neuron j of layer l at the grid
            points of :func:`grid` (entry L is the output, the decision map). Empty when not ready.
        """
        if not self.ready:
            return []
        trace = self.net.forward_batch(grid(resolution))
        # (resolution**2, n_l) -> (n_l, resolution, resolution), one image per neuron
        return [a.T.reshape(-1, resolution, resolution) for a in trace.activations[1:]]

    def describe(self):
        """What the Playground shows now, in one sentence for the status line."""
        if not self.ready:
            return self.problem
        if self.diverged:
            return (f"epoch {self.epoch}: training diverged (the cost overflowed) with learning rate "
                    f"{self.config.eta:g}; lower it and press reset")
        return (f"epoch {self.epoch}: training cost {self.train_cost[-1]:.3f}, test cost "
                f"{self.test_cost[-1]:.3f}, test accuracy {100 * self.test_accuracy[-1]:.0f}%")

    def snapshot(self, resolution=32, cost_from=0):
        """Everything the page draws, as one float32 vector and a dict saying where each part is.

        Returns
        -------
        data : ndarray of float32, shape (n_values,)
        layout : dict
            ``epoch``, ``description``, ``diverged``, ``train_cost``/``test_cost`` (lists, from
            epoch ``cost_from`` on, so a caller that has the earlier ones is sent only new ones), and for each part (``maps``, ``weights``, ``biases``) its
            ``[offset, length]`` in ``data``. ``maps`` holds every neuron's grid image, layer by
            layer (hidden layers first, the output last).
        """
        parts, layout, offset = [], {}, 0
        maps = self.grid_activations(resolution)
        for name, arrays in (("maps", maps),
                             ("weights", self.net.weights if self.ready else []),
                             ("biases", self.net.biases if self.ready else [])):
            flat = np.concatenate([a.ravel() for a in arrays]) if arrays else np.zeros(0)
            layout[name] = [offset, int(flat.size)]
            parts.append(flat)
            offset += flat.size
        layout.update(epoch=self.epoch, description=self.describe(), diverged=self.diverged,
                      ready=self.ready, resolution=resolution, sizes=self.config.sizes,
                      cost_from=cost_from, train_cost=self.train_cost[cost_from:],
                      test_cost=self.test_cost[cost_from:],
                      test_accuracy=self.test_accuracy[-1] if self.test_accuracy else None)
        return np.concatenate(parts).astype(np.float32), layout


def _too_few(y):
    """Why these labels cannot be trained on, or "" when they can."""
    counts = [int(np.sum(y == label)) for label in (0, 1)]
    if len(y) < 4 or min(counts) < 1:
        return (f"place at least 4 points, some of each class, to train (now {counts[0]} orange "
                f"and {counts[1]} blue)")
    return ""


__all__ = ["Config", "Playground", "grid", "make_points", "PLANE", "DATASETS", "HIDDEN_ACTIVATIONS"]
