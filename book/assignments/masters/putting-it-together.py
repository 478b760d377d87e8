# Questions of the putting-it-together assignment: inputs per variant, usual mistakes, hints (private,
# like the master notebook beside it; see book/assignments/grading/questions.py).

import functools

NETWORK = ("nnlib.network.Network.*", "nnlib.parameters.*", "nnlib.scoring.*")


def _split_args(rng):
    return (int(rng.integers(20, 200)), float(rng.choice([0.1, 0.15, 0.2, 0.25])),
            float(rng.choice([0.1, 0.2, 0.3])), int(rng.integers(0, 10**6)))


def _split_variant(n, val, test, seed, test_last=False):
    order = np.random.default_rng(seed).permutation(n)
    n_test, n_val = round(test * n), round(val * n)
    if test_last:
        return order[:n - n_test - n_val], order[n - n_test - n_val:n - n_test], order[n - n_test:]
    return order[n_test + n_val:], order[n_test:n_test + n_val], order[:n_test]


def _accuracy_args(rng):
    import nnlib

    k = int(rng.integers(2, 5))
    net = nnlib.Network([2, int(rng.integers(2, 5)), k], seed=int(rng.integers(0, 10**6)))
    X = rng.normal(0, 2, size=(int(rng.integers(8, 30)), 2)).round(3)
    return (net, X, rng.integers(0, k, size=len(X)))


def _confusion_args(rng):
    k, n = int(rng.integers(3, 7)), int(rng.integers(10, 60))
    return (rng.integers(0, k, size=n), rng.integers(0, k, size=n), k)


def _sweep_args(rng):
    import nnlib

    X, y = nnlib.make_moons(int(rng.integers(60, 100)), noise=0.1, seed=int(rng.integers(0, 10**6)))
    Y = nnlib.one_hot(y, 2)
    cut = int(0.7 * len(X))
    sizes = sorted(int(h) for h in rng.choice(np.arange(1, 9), size=2, replace=False))
    return (sizes, (X[:cut], Y[:cut]), (X[cut:], Y[cut:]), 2, 10, 2.0, int(rng.integers(0, 1000)))


def _choose_args(rng):
    sizes = sorted(int(h) for h in rng.choice([8, 16, 32], size=2, replace=False))
    return (int(rng.integers(0, 3)), sizes, 20)


@functools.lru_cache(maxsize=None)
def _runs(split_seed, hidden_sizes, epochs):
    """{h: (validation accuracy, test accuracy)} of the sweep the question describes."""
    import nnlib

    split = nnlib.load_digits(test_fraction=0.2, seed=split_seed)
    n_val = len(split.X_train) // 5
    out = {}
    for h in hidden_sizes:
        net = nnlib.Network([64, h, 10], seed=split_seed)
        nnlib.train(net, split.X_train[n_val:], split.Y_train[n_val:], epochs, 10, 3.0, seed=split_seed)
        out[h] = (float(net.accuracy(split.X_train[:n_val], split.Y_train[:n_val])),
                  float(net.accuracy(split.X_test, split.Y_test)))
    return out


def _choose_variant(split_seed, hidden_sizes, epochs, on="val", report="test"):
    runs = _runs(split_seed, tuple(hidden_sizes), epochs)
    best = max(hidden_sizes, key=lambda h: (runs[h][0 if on == "val" else 1], -h))
    return (best, runs[best][1 if report == "test" else 0])


def _baseline(rng):
    k = int(rng.integers(3, 6))
    counts = rng.multinomial(100, rng.dirichlet(np.ones(k) * 2))
    return {"counts": [int(c) for c in counts]}


QUESTIONS = [
    Function(
        "q1", "split_indices", 2, _split_args,
        hint="one shuffled order, cut into three slices that do not overlap, in the order the question gives "
             "(Putting it together, 'Three sets, three jobs').",
        wrong={"test last": (lambda ref, n, v, t, s: _split_variant(n, v, t, s, test_last=True),
                             "your test set is the *last* slice of the order; the question takes it first: Putting it "
                             "together, 'Three sets, three jobs'"),
               "no shuffle": (lambda ref, n, v, t, s: _split_variant(n, v, t, None) if False else
                              (np.arange(n)[round(t * n) + round(v * n):], np.arange(n)[round(t * n):round(t * n) + round(v * n)],
                               np.arange(n)[:round(t * n)]),
                              "your sets are not shuffled: neighbouring examples often share a source, so the cut "
                              "must be random: Putting it together, 'Three sets, three jobs'")}),
    Function(
        "q2", "accuracy", 2, _accuracy_args, allowed=NETWORK,
        hint="the predicted class of a row is the output neuron with the largest activation; count how often it "
             "equals the label (Putting it together, 'Training on handwritten digits').",
        wrong={"error rate": (lambda ref, net, X, y: 1.0 - ref["accuracy"](net, X, y),
                              "you returned the error rate, 1 - accuracy: Putting it together, 'Training on "
                              "handwritten digits'")}),
    Function(
        "q3", "confusion_matrix", 2, _confusion_args,
        hint="one count per example, in the row of its true class and the column of its predicted class "
             "(Putting it together, 'Which digits get confused?').",
        wrong={"transposed": (lambda ref, p, l, k: ref["confusion_matrix"](p, l, k).T,
                              "your matrix is transposed: rows are the true classes, columns the predictions: "
                              "Putting it together, 'Which digits get confused?'")}),
    Function(
        "q4", "sweep", 2, _sweep_args, implement=False, hidden=1,
        hint="for each hidden size: a fresh network, trained on the training set only, scored on the validation "
             "set only (Putting it together, 'Sweeping the learning rate and the hidden layer').",
        wrong={}),
    Function(
        "q5", "choose_and_test", 4, _choose_args, implement=False, hidden=1,
        hint="the validation set chooses; the test set is looked at once, after the choice, with the chosen "
             "network (Putting it together, 'Three sets, three jobs' and 'The test set, once').",
        wrong={"chose on test": (lambda ref, s, h, e: _choose_variant(s, h, e, on="test"),
                                 "you chose the hidden size by its *test* accuracy: then the test accuracy you report "
                                 "is no longer an honest estimate: Putting it together, 'The test set, once'"),
               "reported validation": (lambda ref, s, h, e: _choose_variant(s, h, e, report="val"),
                                       "you reported the validation accuracy; the question asks for the test "
                                       "accuracy, measured once: Putting it together, 'The test set, once'")}),
    Predict(
        "q6", "prediction_q6", 2, _baseline,
        answer=lambda s: max(s["counts"]) / sum(s["counts"]),
        explain=lambda s: (f"a network that always answers the most common class is right for every example of "
                           f"that class and wrong for all others: {max(s['counts'])} of {sum(s['counts'])} = "
                           f"{max(s['counts']) / sum(s['counts']):.2f}. Any model must beat that baseline to have "
                           f"learned something (Putting it together, 'Baselines first')."),
        hint="which single answer is right most often? (Putting it together, 'Baselines first').",
        wrong={"uniform": (lambda s: 1 / len(s["counts"]),
                           "1/k is a random guess's accuracy; always answering the most common class does better "
                           "(Putting it together, 'Baselines first')")}),
]
