"""Figure 8, training_playground and digits_training: a network learning, epoch by epoch.

Both figures train with nnlib's :func:`~nnlib.train` and keep a snapshot of the parameters
after every epoch, so moving the epoch slider forward trains only the missing epochs and
moving it back just restores a snapshot. Both use the book's quadratic cost.
"""
import time
from functools import lru_cache

import numpy as np

from ..data import load_digits, make_toy
from ..network import Network
from ..sgd import train
from .controls import Choice, Slider
from .drawing import SCRIPTED_LABEL_SIZE, plain_numbers
from .figure import InteractiveFigure
from .registry import figure_factory

DATASETS = ["xor", "moons", "circles", "spirals"]
MAX_EPOCH_AXIS = 1000  # the training playground's longest epoch axis (and last epoch)
DIGITS_MAX_EPOCH_AXIS = 100
BATCH_SIZE = 10
_RES = 60


class TrainingRun:
    """One seeded training run, extended on demand; ``params[e]`` are the parameters after e epochs."""

    def __init__(self, net, X, Y, eta, seed=0, validation=None):
        self.net, self.X, self.Y, self.eta, self.validation = net, X, Y, eta, validation
        self.rng = np.random.default_rng(seed)  # one generator: chunked training = one long run
        self.params, self.cost, self.accuracy, self.val_accuracy = [], [], [], []
        self._after_epoch(0, net, None)

    def _after_epoch(self, epoch, net, history):
        # The figure shows the network *after* each epoch, so score that network exactly
        # (history.cost is the running mean during the epoch): one forward pass for both.
        self.params.append(net.get_params())
        score = net.score(self.X, self.Y)
        self.cost.append(score.cost)
        self.accuracy.append(score.accuracy)
        if self.validation is not None:
            self.val_accuracy.append(net.accuracy(*self.validation) if history is None else history.val_accuracy[-1])

    def at(self, epoch):
        """The network after ``epoch`` epochs (trains the missing epochs first)."""
        missing = epoch - (len(self.params) - 1)
        if missing > 0:
            self.net.set_params(self.params[-1])
            train(self.net, self.X, self.Y, missing, BATCH_SIZE, self.eta, seed=self.rng,
                  validation=self.validation, callback=self._after_epoch)
        self.net.set_params(self.params[epoch])
        return self.net

    def train_for(self, epoch, seconds):
        """Train towards ``epoch`` one epoch at a time for about ``seconds``; returns the epoch reached.

        At least one epoch is trained when any is missing; the run stays one seeded run however
        it is cut into pieces.
        """
        deadline = time.perf_counter() + seconds
        while len(self.params) - 1 < epoch:
            self.at(len(self.params))
            if time.perf_counter() >= deadline:
                break
        return min(len(self.params) - 1, epoch)


# ---- training_playground -----------------------------------------------------------------

def toy_data(dataset):
    """(X, Y): 200 seeded points of a 2-D toy set, X of shape (200, 2), Y of shape (200, 1)."""
    X, y = make_toy(dataset, n_samples=200, seed=0)
    return X, y.reshape(-1, 1).astype(float)


@lru_cache(maxsize=24)
def playground_run(dataset, hidden, eta):
    """A :class:`TrainingRun` of a 2-hidden-1 tanh network (sigmoid output, quadratic cost) on a toy set.

    Cached: the run is extended in place as later epochs are asked for.
    """
    X, Y = toy_data(dataset)
    net = Network([2, hidden, 1], activation="tanh", output_activation="sigmoid", cost="quadratic", seed=0)
    return TrainingRun(net, X, Y, eta)


def _extent(X):
    low, high = X.min(axis=0) - 0.3, X.max(axis=0) + 0.3
    return float(low[0]), float(high[0]), float(low[1]), float(high[1])


def playground_state(run, epoch):
    """The pure function behind the figure: ``{"net", "grid", "extent", "cost"}`` after ``epoch`` epochs.

    ``grid`` holds the network's output over the plane, shape (60, 60), rows = second input.
    """
    net = run.at(epoch)
    x0, x1, y0, y1 = _extent(run.X)
    g1, g2 = np.meshgrid(np.linspace(x0, x1, _RES), np.linspace(y0, y1, _RES))
    grid = net.forward(np.column_stack([g1.ravel(), g2.ravel()])).reshape(_RES, _RES)  # (3600, 1) -> (60, 60)
    return {"net": net, "grid": grid, "extent": (x0, x1, y0, y1), "cost": run.cost[: epoch + 1]}


#: How a title's two halves are joined: on one line, or on two on the phone (narrow layout).
_TITLE_BREAK = {False: " ", True: "\n"}
#: Side margins (inches) of both layouts: the layout is fixed for the default epoch axis, and a
#: longer axis ends in a wider label ("1000" rather than "300").
_W_PAD = 0.1


def _playground_setup(fig, narrow=False):
    if narrow:  # the phone's layout: the plane above the cost curve, the title on two lines
        ax, ax_loss = fig.subplots(2, 1, height_ratios=[1.3, 1])
    else:
        ax, ax_loss = fig.subplots(1, 2, width_ratios=[1, 1.1])
    fig.get_layout_engine().set(w_pad=_W_PAD)
    image = ax.imshow(np.zeros((_RES, _RES)), origin="lower", cmap="RdBu_r", vmin=0, vmax=1, aspect="auto")
    points = ax.scatter([], [], c=[], cmap="RdBu_r", vmin=0, vmax=1, edgecolors="k", s=12, linewidths=0.5)
    ax.set_xlabel("$x_1$", fontsize=SCRIPTED_LABEL_SIZE)
    ax.set_ylabel("$x_2$", fontsize=SCRIPTED_LABEL_SIZE)
    title = fig.suptitle(" ", fontsize=11)
    (loss,) = ax_loss.semilogy([], [], "C0-")
    (dot,) = ax_loss.semilogy([], [], "o", color="C3")
    ax_loss.set(xlabel="epoch", ylabel="training cost C (quadratic)", ylim=(1e-3, 0.5))
    plain_numbers(ax_loss.yaxis)
    ax_loss.grid(alpha=0.3)
    return dict(ax=ax, ax_loss=ax_loss, image=image, points=points, title=title, loss=loss, dot=dot, narrow=narrow,
                layers=[("axes", [ax.xaxis, ax.yaxis, ax_loss.xaxis])], dynamic=[image, points, title, loss, dot])


def _playground_update(art, epoch, dataset, hidden, eta, max_epochs):
    run = playground_run(dataset, hidden, eta)
    state = playground_state(run, epoch)
    art["image"].set_data(state["grid"])
    art["image"].set_extent(state["extent"])
    art["points"].set_offsets(run.X)
    art["points"].set_array(run.Y[:, 0])
    art["ax"].set_xlim(state["extent"][:2])
    art["ax"].set_ylim(state["extent"][2:])
    art["ax_loss"].set_xlim(0, max(max_epochs, epoch))  # the axis grows to the epoch shown
    acc = run.accuracy[epoch]
    art["title"].set_text(f"{dataset}, 2-{hidden}-1, η = {eta:g}:{_TITLE_BREAK[art['narrow']]}"
                          f"epoch {epoch}, accuracy {acc:.0%}")
    art["loss"].set_data(np.arange(epoch + 1), state["cost"])
    art["dot"].set_data([epoch], [state["cost"][-1]])


def describe_playground(run, dataset, hidden, eta, epoch):
    """In words, the training run after ``epoch`` epochs (``run`` from :func:`playground_run`)."""
    run.at(epoch)
    return (f"{dataset}, a 2-{hidden}-1 network, η = {eta:g}: after {epoch} epochs the training cost is "
            f"{run.cost[epoch]:.3g} and {run.accuracy[epoch]:.0%} of the 200 points are on the right side "
            f"of the decision boundary (from {run.accuracy[0]:.0%} before training).")


def _playground_progress(values, seconds):
    """The values to show after about ``seconds`` of training towards ``values`` (None: all trained)."""
    reached = playground_run(values["dataset"], values["hidden"], values["eta"]).train_for(values["epoch"], seconds)
    return None if reached >= values["epoch"] else {**values, "epoch": reached}


def _describe_playground(epoch, dataset, hidden, eta, max_epochs):
    return describe_playground(playground_run(dataset, hidden, eta), dataset, hidden, eta, epoch)


@figure_factory(
    title="A training playground",
    caption=(
        "Choose a dataset and move through the epochs to watch the decision regions take "
        "shape."))
def training_playground(dataset="moons", hidden=8, eta=2.0, epoch=100, max_epochs=300):
    """Figure for the last chapter: train a small network on a 2-D dataset and watch it learn.

    Controls: the dataset (xor, moons, circles, spirals), hidden units, learning rate and the
    epoch; shows the decision regions (the output over the plane, data points on top) and the
    training cost per epoch. Training uses nnlib's :func:`~nnlib.train` with mini-batches of 10.
    The static export varies the epoch, the dataset, the hidden units and eta.
    """
    # The epoch slider covers every epoch the axis can show; the axis grows when the epoch passes it.
    controls = [Slider("epoch", 0, MAX_EPOCH_AXIS, 5, epoch, static=[e for e in (0, 50, 100, 300) if e <= max_epochs],
                       redraw="axes"),
                Choice("dataset", DATASETS, dataset, redraw="axes"),
                Slider("hidden", 1, 16, 1, hidden, static=[2, 8], label="hidden units"),
                Slider("eta", 0.05, 8.0, 0.05, eta, static=[0.5, 2.0, 6.0], label="η"),
                Slider("max_epochs", 10, MAX_EPOCH_AXIS, 10, max_epochs, label="epoch axis", redraw="axes")]
    return InteractiveFigure("training_playground", controls, _playground_setup, _playground_update,
                             figsize=(8.6, 3.8), narrow_figsize=(4.5, 7.4),
                             describe=_describe_playground,
                             progress=_playground_progress,
                             alt="Decision regions of a small network on a 2-D dataset "
                                                     "and its training cost per epoch")


# ---- digits_training -------------------------------------------------------------------

N_SHOWN = 10


@lru_cache(maxsize=4)
def digits_run(hidden=30, eta=3.0):
    """A :class:`TrainingRun` of a 64-hidden-10 sigmoid network (quadratic cost) on the 8x8 digits."""
    split = load_digits(seed=0)
    net = Network([64, hidden, 10], seed=0)
    run = TrainingRun(net, split.X_train, split.Y_train, eta, validation=(split.X_test, split.Y_test))
    run.split = split
    return run


def digits_state(run, epoch):
    """The pure function behind the figure: accuracies up to ``epoch`` and the misclassified test digits.

    Returns ``{"accuracy", "test_accuracy", "wrong", "predicted"}``: lists of length epoch + 1,
    the indices of misclassified test examples, and the predicted labels of all test examples.
    """
    net = run.at(epoch)
    predicted = net.predict(run.split.X_test)
    wrong = np.flatnonzero(predicted != run.split.y_test)
    return {"accuracy": run.accuracy[: epoch + 1], "test_accuracy": run.val_accuracy[: epoch + 1],
            "wrong": wrong, "predicted": predicted}


def _digits_setup(fig, narrow=False):
    # the phone's layout: the accuracies above the misclassified digits, the title on two lines
    if narrow:
        grid = fig.add_gridspec(2, 1, height_ratios=[1.2, 1])
    else:
        grid = fig.add_gridspec(1, 2, width_ratios=[1, 1.1])
    fig.get_layout_engine().set(w_pad=_W_PAD)
    ax = fig.add_subplot(grid[0, 0])
    (train_line,) = ax.plot([], [], "C0.-", label="training")
    (test_line,) = ax.plot([], [], "C1.-", label="test")
    ax.set(xlabel="epoch", ylabel="accuracy", ylim=(0, 1.02))
    ax.grid(alpha=0.3)
    legend = ax.legend(fontsize=10, loc="lower right")
    title = fig.suptitle(" ", fontsize=11)
    # The misclassified digits are tiles of one image (one image to redraw instead of ten).
    ax_tiles = fig.add_subplot(grid[1, 0] if narrow else grid[0, 1])
    ax_tiles.set_axis_off()
    mosaic = np.ones((_ROWS * (8 + _GAP_Y), _COLS * 8 + (_COLS - 1) * _GAP_X, 3))  # white RGB
    image = ax_tiles.imshow(mosaic, interpolation="nearest", aspect="equal")
    labels = []
    for i in range(N_SHOWN):
        y0, x0 = _tile_origin(i)
        labels.append(ax_tiles.text(x0 + 3.5, y0 - 0.7, "", ha="center", va="bottom", fontsize=10))
    return dict(ax=ax, train_line=train_line, test_line=test_line, title=title, image=image, mosaic=mosaic,
                labels=labels, narrow=narrow, layers=[("epoch axis", [ax.xaxis])],
                dynamic=[train_line, test_line, legend, title, image, *labels])


_ROWS, _COLS, _GAP_X, _GAP_Y = 2, N_SHOWN // 2, 2, 4


def _tile_origin(i):
    """(row, column) pixel of the top-left corner of tile i in the mosaic (a label sits above each row)."""
    return _GAP_Y + (i // _COLS) * (8 + _GAP_Y), (i % _COLS) * (8 + _GAP_X)


def _digits_update(art, epoch, hidden, eta, max_epochs):
    run = digits_run(hidden, eta)
    state = digits_state(run, epoch)
    art["ax"].set_xlim(0, max(max_epochs, epoch))  # the axis grows to the epoch shown
    e = np.arange(epoch + 1)
    art["train_line"].set_data(e, state["accuracy"])
    art["test_line"].set_data(e, state["test_accuracy"])
    art["title"].set_text(f"64-{hidden}-10, η = {eta:g}, epoch {epoch}:{_TITLE_BREAK[art['narrow']]}test accuracy "
                          f"{state['test_accuracy'][-1]:.1%}; wrong: {len(state['wrong'])}")
    mosaic = art["mosaic"]
    mosaic[...] = 1.0
    for i, label in enumerate(art["labels"]):
        if i < len(state["wrong"]):
            k = state["wrong"][i]
            y0, x0 = _tile_origin(i)
            # 64 pixels -> 8 x 8, ink 1 drawn black (like the gray_r colour map)
            mosaic[y0:y0 + 8, x0:x0 + 8] = 1.0 - np.clip(run.split.X_test[k].reshape(8, 8), 0, 1)[..., None]
            label.set_text(f"{run.split.y_test[k]} → {state['predicted'][k]}")
        else:
            label.set_text("")
    art["image"].set_data(mosaic)


def describe_digits(state, hidden, eta, epoch):
    """In words, the digits run after ``epoch`` epochs (``state`` from :func:`digits_state`)."""
    n_test, wrong = len(state["predicted"]), len(state["wrong"])
    return (f"A 64-{hidden}-10 network, η = {eta:g}: after {epoch} epochs the training accuracy is "
            f"{state['accuracy'][-1]:.1%} and the test accuracy {state['test_accuracy'][-1]:.1%}; "
            f"{wrong} of the {n_test} test digits are misclassified"
            + (f" (the first {min(wrong, N_SHOWN)} are shown, true → predicted)." if wrong else "."))


def _digits_progress(values, seconds):
    """The values to show after about ``seconds`` of training towards ``values`` (None: all trained)."""
    reached = digits_run(values["hidden"], values["eta"]).train_for(values["epoch"], seconds)
    return None if reached >= values["epoch"] else {**values, "epoch": reached}


def _describe_digits(epoch, hidden, eta, max_epochs):
    return describe_digits(digits_state(digits_run(hidden, eta), epoch), hidden, eta, epoch)


@figure_factory(
    title="Learning the digits",
    caption=(
        "Move through the epochs: accuracy climbs quickly, and the remaining mistakes are "
        "often digits a person might misread too."))
def digits_training(epoch=10, hidden=30, eta=3.0, max_epochs=30):
    """Figure for the last chapter: a 64-30-10 network learning the 8x8 digits.

    Shows training and test accuracy per epoch and the first ten misclassified test digits
    (true → predicted) at the chosen epoch. The static export varies the epoch.
    """
    controls = [Slider("epoch", 0, DIGITS_MAX_EPOCH_AXIS, 1, epoch, redraw="epoch axis",
                       static=sorted({0, 1, 2, 3, 5, 10, 20, 30, epoch} & set(range(max_epochs + 1)))),
                Slider("hidden", 5, 60, 5, hidden, label="hidden units"),
                Slider("eta", 0.1, 5.0, 0.1, eta, label="η"),
                Slider("max_epochs", 5, DIGITS_MAX_EPOCH_AXIS, 5, max_epochs, label="epoch axis", redraw="epoch axis")]
    return InteractiveFigure("digits_training", controls, _digits_setup, _digits_update, figsize=(8.6, 3.6),
                             narrow_figsize=(4.5, 6.4),
                             describe=_describe_digits, progress=_digits_progress, alt="Accuracy per epoch on the digits and misclassified test digits")
