"""Scoring a network's outputs: the cost and the accuracy, from one set of outputs.

Training (:func:`nnlib.train`), :meth:`Network.score` and the interactive figures all score
through :func:`score_outputs`, so a number shown anywhere is computed one way.
"""
from dataclasses import dataclass

import numpy as np


def labels(A):
    """Class labels from outputs or targets of shape (n_samples, n_outputs), an int array (n_samples,).

    With several outputs, the label is the index of the largest; with one output (targets
    0 or 1), it is 1 where the output exceeds 0.5 and 0 elsewhere. A 1-D ``A`` is one
    example's outputs and gives one label (a 0-D array).
    """
    A = np.asarray(A)
    if A.dtype.kind not in "biuf" or A.ndim not in (1, 2) or A.shape[-1] == 0:
        shape = A.shape if A.dtype.kind in "biuf" else f"{A.dtype} values"
        raise ValueError(f"A must be numbers of shape (n_samples, n_outputs), one row per example, "
                         f"with at least one output, got {shape}")
    if A.shape[-1] > 1:
        return np.argmax(A, axis=-1)
    return (A[..., 0] > 0.5).astype(int)


@dataclass(frozen=True)
class Score:
    """The cost C (mean over examples) and the fraction of examples labelled right."""

    cost: float
    accuracy: float


def score_outputs(A, Y, cost_function):
    """Score outputs ``A`` against targets ``Y``, both of shape (n_samples, n_outputs).

    ``cost_function`` is a cost class such as :class:`nnlib.QuadraticCost`. No input checks:
    callers pass arrays they have checked (``Network.score`` does).

    Returns
    -------
    Score
    """
    return Score(cost_function.value(A, Y), float(np.mean(labels(A) == labels(Y))))
