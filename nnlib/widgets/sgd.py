"""Figure 7, sgd_vs_full_batch: noisy mini-batch paths against the smooth full-batch path."""
import numpy as np

from ..sgd import sgd_step
from .core import InteractiveFigure, Slider
from .cost import B_RANGE, W_RANGE, cost_at, tiny_model

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


_CACHE = {}


def sgd_state(batch_size, eta):
    """The pure function behind the figure: ``{"minibatch", "full"}`` runs (see :func:`run_sgd`)."""
    key = (batch_size, eta)
    if key not in _CACHE:
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[key] = {"minibatch": run_sgd(batch_size, eta), "full": run_sgd(N_EXAMPLES, eta)}
    return _CACHE[key]


def _setup(fig):
    X, Y = sgd_data()
    ax, ax_steps, ax_seen = fig.subplots(1, 3, width_ratios=[1.2, 1, 1])
    ws, bs = np.linspace(*W_RANGE, 41), np.linspace(*B_RANGE, 41)
    C = np.array([[cost_at((w, b), X, Y) for w in ws] for b in bs])
    ax.contour(ws, bs, C, levels=np.geomspace(C.min() + 1e-3, C.max(), 12), cmap="viridis", linewidths=0.7)
    ax.set(xlim=W_RANGE, ylim=B_RANGE, xlabel="w", ylabel="b")
    (mini,) = ax.plot([], [], "C3.-", lw=1, ms=3, label="mini-batch")
    (full,) = ax.plot([], [], "k.-", lw=1.5, ms=3, label="full batch")
    ax.legend(fontsize=7, loc="lower right")
    title = ax.set_title("", fontsize=9)
    lines = []
    for a, xlabel in ((ax_steps, "updates"), (ax_seen, "examples seen")):
        (m,) = a.semilogy([], [], "C3-", lw=1)
        (f,) = a.semilogy([], [], "k-", lw=1.5)
        a.set(xlabel=xlabel, ylim=(0.02, 10))
        a.grid(alpha=0.3)
        lines += [m, f]
    ax_steps.set_ylabel("cost on all data")
    ax_steps.set_xlim(0, N_UPDATES)
    ax_seen.set_xlim(0, N_UPDATES * N_EXAMPLES)
    ax_seen.set_xscale("symlog", linthresh=N_EXAMPLES)
    return dict(mini=mini, full=full, title=title, lines=lines, dynamic=[mini, full, title, *lines])


def _update(art, batch_size, eta):
    state = sgd_state(batch_size, eta)
    m, f = state["minibatch"], state["full"]
    art["mini"].set_data(m["path"][:, 0], m["path"][:, 1])
    art["full"].set_data(f["path"][:, 0], f["path"][:, 1])
    art["title"].set_text(f"{N_UPDATES} updates, batch size {batch_size}, η = {eta:g}")
    steps = np.arange(N_UPDATES + 1)
    art["lines"][0].set_data(steps, m["costs"])
    art["lines"][1].set_data(steps, f["costs"])
    art["lines"][2].set_data(m["seen"], m["costs"])
    art["lines"][3].set_data(f["seen"], f["costs"])


def sgd_vs_full_batch(batch_size=4, eta=0.3):
    """Figure for the SGD chapter: mini-batch against full-batch descent on the same cost surface.

    Left: both paths over the contours (the full-data cost); middle: cost against updates;
    right: cost against examples seen, where small batches win. Both runs use nnlib's
    :func:`sgd_step`. The static export varies the batch size and eta.
    """
    controls = [Slider("batch_size", 1, N_EXAMPLES, 1, batch_size, static=sorted({1, 4, 16, 64, batch_size})),
                Slider("eta", 0.01, 1.0, 0.01, eta, static=sorted({0.05, 0.3, 0.7, eta}), label="η")]
    return InteractiveFigure("sgd_vs_full_batch", controls, _setup, _update, figsize=(9.0, 3.0),
                             alt="Mini-batch and full-batch gradient descent paths and costs")
