"""Figure 7, sgd_vs_full_batch: noisy mini-batch paths against the smooth full-batch path."""
from functools import lru_cache

import numpy as np

from ..sgd import sgd_step
from .controls import Slider
from .drawing import plain_numbers
from .figure import InteractiveFigure
from .registry import figure_factory
from .tiny_model import draw_contours, tiny_model

N_EXAMPLES = 64
N_UPDATES = 40
START = (-1.0, 0.0)


def sgd_data(seed=0):
    """64 noisy points around y = 0.5 x + 1: (X, Y) of shape (64, 1) each."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 2, (N_EXAMPLES, 1))
    return X, 0.5 * X + 1 + 0.25 * rng.standard_normal((N_EXAMPLES, 1))


def run_sgd(batch_size, eta, n_updates=N_UPDATES, seed=0):
    """Mini-batch SGD on the tiny model with nnlib's :func:`sgd_step`.

    Each epoch shuffles the data (seeded) and takes one step per mini-batch. Returns
    ``{"path", "costs", "seen"}``: (w, b) after each update, shape (n_updates + 1, 2), the
    full-data cost there, and the number of examples seen so far.
    """
    X, Y = sgd_data()
    rng = np.random.default_rng(seed)
    net = tiny_model(*START)
    path, costs, seen = [START], [net.cost(X, Y)], [0]
    order, k = rng.permutation(N_EXAMPLES), 0
    for _ in range(n_updates):
        if k >= N_EXAMPLES:
            order, k = rng.permutation(N_EXAMPLES), 0
        batch = order[k:k + batch_size]
        k += batch_size
        sgd_step(net, X[batch], Y[batch], eta)
        path.append((net.weights[0][0, 0], net.biases[0][0]))
        costs.append(net.cost(X, Y))
        seen.append(seen[-1] + len(batch))
    return {"path": np.array(path), "costs": np.array(costs), "seen": np.array(seen)}


@lru_cache(maxsize=64)
def sgd_state(batch_size, eta):
    """The pure function behind the figure: ``{"minibatch", "full"}`` runs (see :func:`run_sgd`)."""
    return {"minibatch": run_sgd(batch_size, eta), "full": run_sgd(N_EXAMPLES, eta)}


def describe(state, batch_size, eta):
    """In words, what the figure shows (``state`` from :func:`sgd_state`)."""
    m, f = state["minibatch"], state["full"]
    lower = "mini-batch" if m["costs"][-1] < f["costs"][-1] else "full-batch"
    return (f"After {N_UPDATES} updates with η = {eta:g}: mini-batches of {batch_size} reach a cost of "
            f"{m['costs'][-1]:.3g} having seen {m['seen'][-1]} examples; full batches of {N_EXAMPLES} reach "
            f"{f['costs'][-1]:.3g} having seen {f['seen'][-1]}. The {lower} run ends lower.")


def _describe(batch_size, eta):
    return describe(sgd_state(batch_size, eta), batch_size, eta)


def _setup(fig, narrow=False):
    if narrow:  # the phone's layout: the paths, then the two cost plots, one above the other
        ax, ax_steps, ax_seen = fig.subplots(3, 1, height_ratios=[1.5, 1, 1])
    else:
        grid = fig.add_gridspec(2, 2, width_ratios=[1.15, 1])
        ax, ax_steps, ax_seen = fig.add_subplot(grid[:, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, 1])
    draw_contours(ax, *sgd_data(), levels=12)
    (mini,) = ax.plot([], [], "C3.-", lw=1, ms=3, label="mini-batch")
    (full,) = ax.plot([], [], "k.-", lw=1.5, ms=3, label="full batch")
    legend = ax.legend(fontsize=10, loc="lower right")
    title = ax.set_title("", fontsize=11)
    lines = []
    for a, xlabel in ((ax_steps, "updates"), (ax_seen, "examples seen")):
        (m,) = a.semilogy([], [], "C3-", lw=1)
        (f,) = a.semilogy([], [], "k-", lw=1.5)
        a.set(xlabel=xlabel, ylabel="cost on all data", ylim=(0.02, 10))
        plain_numbers(a.yaxis, [0.1, 1, 10])
        a.grid(alpha=0.3)
        lines += [m, f]
    ax_steps.set_xlim(0, N_UPDATES)
    ax_seen.set_xlim(0, N_UPDATES * N_EXAMPLES)
    ax_seen.set_xscale("symlog", linthresh=N_EXAMPLES)
    # One tick per decade would put 0 and 10 a few pixels apart (the linear part ends at 64).
    plain_numbers(ax_seen.xaxis, [0, N_EXAMPLES, 10 * N_EXAMPLES, N_UPDATES * N_EXAMPLES])
    return dict(mini=mini, full=full, title=title, lines=lines, dynamic=[mini, full, legend, title, *lines])


def _update(art, batch_size, eta):
    state = sgd_state(batch_size, eta)
    m, f = state["minibatch"], state["full"]
    art["mini"].set_data(m["path"][:, 0], m["path"][:, 1])
    art["full"].set_data(f["path"][:, 0], f["path"][:, 1])
    art["title"].set_text(f"{N_UPDATES} updates, batch size {batch_size}, η = {eta:g}")
    steps = np.arange(N_UPDATES + 1)
    for line, x, run in zip(art["lines"], (steps, steps, m["seen"], f["seen"]), (m, f, m, f)):
        line.set_data(x, run["costs"])


@figure_factory(
    title="Mini-batches against the full batch",
    caption=(
        "Small batches wander but, counted in examples seen, they reach a low cost much "
        "sooner."))
def sgd_vs_full_batch(batch_size=4, eta=0.3):
    """Figure for the SGD chapter: mini-batch against full-batch descent on the same cost surface.

    Left: both paths over the contours (the full-data cost); top right: cost against updates;
    bottom right: cost against examples seen, where small batches win. Both runs use nnlib's
    :func:`sgd_step`. The static export varies the batch size and eta.
    """
    controls = [Slider("batch_size", 1, N_EXAMPLES, 1, batch_size, static=[1, 4, 16, 64]),
                Slider("eta", 0.01, 1.0, 0.01, eta, static=[0.05, 0.3, 0.7], label="η")]
    return InteractiveFigure("sgd_vs_full_batch", controls, _setup, _update, figsize=(8.6, 5.0), narrow_figsize=(4.5, 8.6),
                             describe=_describe,
                             alt="Mini-batch and full-batch gradient descent paths over cost contours, "
                                 "and their costs against updates and against examples seen")
