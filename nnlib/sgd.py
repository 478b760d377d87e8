"""Stochastic gradient descent: mini-batch updates and the training loop.

One step: ``W^l <- W^l - eta * dC/dW^l`` and ``b^l <- b^l - eta * dC/db^l``, where C is the
mean cost over a mini-batch. One epoch: shuffle the training set, cut it into mini-batches
of ``batch_size`` examples (the last one may be smaller), and take one step per batch.
``batch_size=1`` is per-example (online) descent; ``batch_size=len(X)`` is full-batch
gradient descent.

:func:`sgd_step` writes the update layer by layer, ``W -= eta * nabla_w``. :func:`train`
makes the same update for every layer in one line, ``params -= eta * gradient.nabla``:
``net.params`` holds all weights and biases in one flat vector (``net.weights`` and
``net.biases`` are views into it), and ``backward_batch`` writes the gradient into one
flat vector too, reused from step to step. ``nabla`` is the gradient itself; eta is applied
only in the update. Both forms give the same numbers to the last bit. Measured against the
hand-written loop of ``benchmarks/bench_train.py`` (digits, batch 10), ``train`` took 1.30x
its time (median of 10 paired runs) and 1.14x its instructions
(``benchmarks/count_train.py``) with the update written per layer and new gradient arrays
at every step; in one line, into a reused vector, 1.21x and 1.05x. At these sizes
each numpy call costs about a microsecond whatever it computes, and per layer the update
makes two calls for each of the 2L arrays.
"""
import time
from dataclasses import dataclass, field

import numpy as np

from ._validation import check_callable, check_int, check_network, check_positive_number, make_rng
from .scoring import score_outputs


def sgd_step(net, X_batch, Y_batch, eta):
    """One in-place gradient-descent update of ``net`` with the batch's mean gradient.

    ``W^l <- W^l - eta * dC/dW^l`` and ``b^l <- b^l - eta * dC/db^l`` for every layer, where C
    is the mean cost over the batch.

    Parameters
    ----------
    net : Network
    X_batch : array_like of shape (batch_size, sizes[0])
    Y_batch : array_like of shape (batch_size, sizes[-1])
    eta : float
        Learning rate, > 0.
    """
    net = check_network("net", net)
    X_batch, Y_batch = net.check_batch(X_batch, Y_batch, "X_batch", "Y_batch")
    eta = check_positive_number("eta", eta)
    gradient = net.backward_batch(net.forward_batch(X_batch), Y_batch)
    for W, b, nabla_w, nabla_b in zip(net.weights, net.biases,
                                      gradient.nabla_w, gradient.nabla_b):
        W -= eta * nabla_w
        b -= eta * nabla_b


@dataclass
class History:
    """What :func:`train` recorded, one entry per epoch (all lists of float).

    ``cost`` and ``accuracy`` are on the training set *during* the epoch: every example is
    scored with the output the network gave it in its mini-batch's forward pass, just before
    that mini-batch's step, and the epoch's entry is the mean over all examples. Scikit-learn's
    ``loss_curve_`` and Keras's training loss are measured the same way. It costs almost
    nothing, because training computes those outputs anyway, but the network changes during the
    epoch, so the entry trails the network's state at the end of the epoch (most in the first
    epochs). For the exact cost of the trained network, call ``net.cost(X, Y)``.

    ``val_cost`` and ``val_accuracy`` are measured on the validation set *after* each epoch
    (when one was given), with one extra forward pass; ``seconds`` is the wall time of each
    epoch's updates.
    """

    cost: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_cost: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    seconds: list = field(default_factory=list)

    @property
    def epochs(self):
        """Number of epochs recorded."""
        return len(self.cost)


def train(net, X, Y, epochs, batch_size, eta, seed=None, validation=None,
          progress=False, callback=None):
    """Train ``net`` in place with mini-batch stochastic gradient descent.

    Parameters
    ----------
    net : Network
    X : array_like of shape (n_samples, sizes[0])
    Y : array_like of shape (n_samples, sizes[-1])
    epochs : int
        Passes over the training set, >= 0.
    batch_size : int
        Examples per mini-batch, 1 <= batch_size <= n_samples.
    eta : float
        Learning rate, > 0.
    seed : int, numpy.random.Generator or None
        Seeds the shuffling, so a seeded run is repeatable.
    validation : (X_val, Y_val) or None
        Also record cost and accuracy on this set after each epoch.
    progress : bool
        Show a progress bar (tqdm) over the epochs.
    callback : callable or None
        Called as ``callback(epoch, net, history)`` after each epoch
        (epoch counts from 1).

    Returns
    -------
    History
        Per epoch: cost and accuracy on the training set, averaged over the
        epoch as its mini-batches went by; on the validation set, after the
        epoch (see :class:`History`).

    Raises
    ------
    ValueError
        For bad arguments, and when the cost stops being finite (the run
        diverged: eta is too large); the message names the epoch and eta.
        numpy's own overflow warnings may come first.
    """
    net = check_network("net", net)
    if np.ndim(X) != 2:
        raise ValueError(f"X must be 2-D, one example per row, "
                         f"got shape {np.shape(X)}")
    X, Y = net.check_batch(X, Y)
    n = X.shape[0]
    epochs = check_int("epochs", epochs, low=0)
    batch_size = check_int("batch_size", batch_size, low=1, high=n)
    eta = check_positive_number("eta", eta)
    rng = make_rng(seed)
    if validation is not None:
        X_val, Y_val = _check_validation(net, validation)
    if callback is not None:
        check_callable("callback", callback, "callback(epoch, net, history)")

    params = net.params  # every W^l and b^l in one vector (not a copy)
    history = History()
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=epochs, desc="training", unit="epoch")
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        order = rng.permutation(n)
        X_shuffled, Y_shuffled = X[order], Y[order]
        outputs = []  # each mini-batch's a^L, from before its step
        gradient = None  # made by the first step, overwritten by the next
        for k in range(0, n, batch_size):
            trace = net.forward_batch(X_shuffled[k:k + batch_size])
            Y_batch = Y_shuffled[k:k + batch_size]
            gradient = net.backward_batch(trace, Y_batch, out=gradient)
            # W^l -= eta * nabla_w^l and b^l -= eta * nabla_b^l for every
            # layer l at once: params holds them all, nabla the gradient
            params -= eta * gradient.nabla
            outputs.append(trace.output)
        history.seconds.append(time.perf_counter() - start)
        A = np.concatenate(outputs)
        score = score_outputs(A, Y_shuffled, net.cost_function)
        _check_finite(score.cost, epoch, eta)
        _record(history.cost, history.accuracy, score)
        if validation is not None:
            score = net.score(X_val, Y_val)
            _record(history.val_cost, history.val_accuracy, score)
        if bar is not None:
            bar.set_postfix(cost=f"{history.cost[-1]:.4f}",
                            accuracy=f"{history.accuracy[-1]:.3f}")
            bar.update(1)
        if callback is not None:
            callback(epoch, net, history)
    if bar is not None:
        bar.close()
    return history


def _check_validation(net, validation):
    """The validation pair, checked: (X_val, Y_val) as 2-D float arrays."""
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise ValueError(f"validation must be a pair (X_val, Y_val), got {type(validation).__name__}")
    return net.check_batch(*validation, "validation X", "validation Y")


def _record(costs, accuracies, score):
    """Append a :class:`nnlib.scoring.Score` to the history's lists."""
    costs.append(score.cost)
    accuracies.append(score.accuracy)


def _check_finite(cost, epoch, eta):
    """Stop a run whose cost overflowed: every later step would only compute NaN."""
    if not np.isfinite(cost):
        raise ValueError(
            f"training diverged: the cost became {cost} in epoch {epoch} with eta={eta:g}; the network's "
            f"parameters are no longer finite. Build a new network and train with a smaller eta "
            f"(e.g. eta={eta / 10:g})"
        )
