# Questions of the SGD assignment: inputs per variant, usual mistakes, hints (private, like the master
# notebook beside it; see book/assignments/grading/questions.py).
import copy

# What these questions may call in nnlib: the network's own methods (its backpropagation, forward
# pass and cost) and the data; never nnlib.sgd_step or nnlib.train.
NETWORK = ("nnlib.network.Network.*", "nnlib.parameters.*", "nnlib.data.*")


def _batches_args(rng):
    return (int(rng.integers(7, 40)), int(rng.integers(2, 8)), SeededRng(int(rng.integers(0, 10**6))))


def _net(rng):
    import nnlib

    sizes = [int(rng.integers(2, 4)), int(rng.integers(2, 5)), int(rng.integers(1, 3))]
    return nnlib.Network(sizes, seed=int(rng.integers(0, 10**6)))


def _update_args(rng):
    net = _net(rng)
    n = int(rng.integers(2, 6))
    X = rng.uniform(-1, 1, size=(n, net.sizes[0])).round(3)
    Y = rng.uniform(0, 1, size=(n, net.sizes[-1])).round(3)
    return (net, X, Y, float(rng.choice([0.5, 1.0, 2.0])))


def _train_args(rng):
    import nnlib

    X, y = nnlib.make_moons(int(rng.integers(30, 60)), noise=0.1, seed=int(rng.integers(0, 10**6)))
    net = nnlib.Network([2, int(rng.integers(3, 6)), 2], seed=int(rng.integers(0, 10**6)))
    return (net, X.round(4), nnlib.one_hot(y, 2), int(rng.integers(2, 5)), int(rng.integers(4, 11)),
            float(rng.choice([1.0, 2.0])), int(rng.integers(0, 1000)))


def _update_variant(net, X, Y, eta, sign=1.0, times=1.0):
    nabla_w, nabla_b = net.backprop(X, Y)
    for l in range(len(net.weights)):
        net.weights[l] -= sign * times * eta * nabla_w[l]
        net.biases[l] -= sign * times * eta * nabla_b[l]


def _costs_possible(got, args):
    """The grader's own check of what ``train`` reports: a quadratic cost is a number >= 0, one per epoch."""
    import math

    costs, epochs = got[0], args[3]
    numbers = [float(c) for c in costs if isinstance(c, (int, float))] if isinstance(costs, list) else []
    if len(numbers) == epochs and any(not math.isfinite(c) or c < 0 for c in numbers):
        return "it reports costs that no network has (a cost is a number >= 0), not costs measured after training"
    return None


def _train_variant(ref, net, X, Y, epochs, batch_size, eta, seed, fresh_rng=False, cost_first=False):
    rng = np.random.default_rng(seed)
    costs = []
    for _ in range(epochs):
        if cost_first:
            costs.append(net.cost(X, Y))
        if fresh_rng:
            rng = np.random.default_rng(seed)
        for idx in ref["mini_batches"](len(X), batch_size, rng):
            ref["sgd_update"](net, X[idx], Y[idx], eta)
        if not cost_first:
            costs.append(net.cost(X, Y))
    return costs


def _digits_args(rng):
    return (int(rng.integers(0, 1000)), 30, 10, 10, 3.0)


def _updates(rng):
    return {"n_examples": int(rng.integers(200, 2000)), "batch_size": int(rng.choice([16, 25, 32, 50, 64])),
            "epochs": int(rng.integers(2, 12))}


def _n_updates(s):
    return s["epochs"] * -(-s["n_examples"] // s["batch_size"])


QUESTIONS = [
    Function(
        "q1", "mini_batches", 2, _batches_args,
        hint="shuffle the indices once with the generator you are given, then cut the shuffled order into "
             "consecutive pieces; the last piece may be shorter (SGD, 'One update, and one epoch').",
        wrong={"no shuffle": (lambda ref, n, b, rng: [np.arange(n)[i:i + b] for i in range(0, n, b)],
                              "your batches are not shuffled: SGD draws its examples at random, SGD, 'Three ways to "
                              "estimate the gradient'"),
               "last dropped": (lambda ref, n, b, rng: ref["mini_batches"](n, b, rng)[:n // b],
                                "your batches leave out the last, shorter one, so some examples are never seen: SGD, "
                                "'One update, and one epoch'")}),
    Function(
        "q2", "sgd_update", 2, _update_args, result="arg0", allowed=NETWORK,
        hint="the gradients come from the network's backpropagation; each parameter moves against its own "
             "gradient, scaled by eta, in place (SGD, 'One update, and one epoch').",
        wrong={"sign": (lambda ref, net, X, Y, eta: _update_variant(net, X, Y, eta, sign=-1.0),
                        "your step goes uphill: the sign is flipped: Cost, 'Why the negative gradient is the way down'"),
               "eta twice": (lambda ref, net, X, Y, eta: _update_variant(net, X, Y, eta, times=eta),
                             "your step applies eta twice: SGD, 'One update, and one epoch'"),
               "divided by batch": (lambda ref, net, X, Y, eta: _update_variant(net, X, Y, eta, times=1 / len(X)),
                                    "your step divides by the batch size again; net.backprop already averages over "
                                    "the batch: SGD, 'Averaging the mini-batch's gradients'")}),
    Function(
        "q3", "train", 3, _train_args, result="value+arg0", allowed=NETWORK, consistent=_costs_possible,
        hint="one generator for the whole run; each epoch draws new mini-batches from it and updates once per "
             "batch; the cost is measured once the epoch is over (SGD, 'One update, and one epoch').",
        wrong={"new generator each epoch": (lambda ref, *a: _train_variant(ref, *a, fresh_rng=True),
                                            "your epochs all see the same order: you make a new generator each "
                                            "epoch: SGD, 'One update, and one epoch'"),
               "cost before the epoch": (lambda ref, *a: _train_variant(ref, *a, cost_first=True),
                                         "your costs are measured before each epoch, not after it: SGD, 'One update, "
                                         "and one epoch'")}),
    Function(
        "q4", "train_digits", 5, _digits_args, result="value", allowed=NETWORK, hidden=1,
        judge=digits_accuracy, expected_text="a network [64, hidden, 10] that reaches a test accuracy of at least 0.9",
        hint="build the network, then run your own epoch loop of mini-batches and updates (your q1 and q2); if "
             "the accuracy stays near 0.1, look at the sign and the size of your steps (SGD, 'One update, and one "
             "epoch'; Putting it together, 'Training on handwritten digits')."),
    Predict(
        "q5", "prediction_q5", 2, _updates,
        answer=_n_updates,
        explain=lambda s: (f"one update per mini-batch: {s['n_examples']} examples in batches of {s['batch_size']} make "
                           f"{-(-s['n_examples'] // s['batch_size'])} batches (the last one shorter) per epoch, times "
                           f"{s['epochs']} epochs = {_n_updates(s)} (SGD, 'One update, and one epoch')."),
        hint="how many updates does one epoch make? (SGD, 'One update, and one epoch').",
        wrong={"floor": (lambda s: s["epochs"] * (s["n_examples"] // s["batch_size"]),
                         "you left out the last, shorter batch: it is an update too (SGD, 'One update, and one epoch')"),
               "per example": (lambda s: s["epochs"] * s["n_examples"],
                               "one update per mini-batch, not per example (SGD, 'One update, and one epoch')"),
               "per epoch": (lambda s: s["epochs"],
                             "an epoch makes one update per mini-batch, not one in all (SGD, 'One update, and one "
                             "epoch')")}),
]
