# Questions of the backpropagation assignment: inputs per variant, usual mistakes, hints (private,
# like the master notebook beside it; see book/assignments/grading/questions.py).

def _sig(z):
    return 1 / (1 + np.exp(-z))


def _sig_prime(z):
    return _sig(z) * (1 - _sig(z))


def _layer(rng, n_out, n_in):
    return rng.normal(0, 1, size=(n_out, n_in)), rng.normal(0, 0.5, size=n_out)


def _numgrad_args(rng):
    c = rng.uniform(0.5, 2.0, size=3)
    return (Given("mixed", c.round(3)), rng.normal(0, 1, size=3).round(3))


def _one_sided(ref, f, theta, eps=1e-6):
    theta = np.asarray(theta, dtype=float)
    out = np.zeros_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = 1e-3
        out[i] = (f(theta + e) - f(theta)) / 1e-3
    return out


def _no_half(ref, f, theta, eps=1e-6):
    return 2 * ref["numerical_gradient"](f, theta, eps)


def _delta_args(rng):
    n = int(rng.integers(2, 5))
    z = rng.normal(0, 1.5, size=n)
    return (z, _sig(z), rng.uniform(0, 1, size=n).round(2))


def _hidden_args(rng):
    n_next, n = int(rng.integers(2, 4)), int(rng.integers(3, 6))
    return (rng.normal(0, 1, size=(n_next, n)), rng.normal(0, 0.3, size=n_next), rng.normal(0, 1.5, size=n))


def _grad_args(rng):
    n, m = int(rng.integers(2, 4)), int(rng.integers(3, 6))
    return (rng.normal(0, 0.3, size=n), rng.uniform(0, 1, size=m))


def _network_args(rng):
    sizes = [int(rng.integers(2, 4)), int(rng.integers(3, 5)), int(rng.integers(2, 4))]
    weights, biases = zip(*[_layer(rng, n_out, n_in) for n_in, n_out in zip(sizes[:-1], sizes[1:])])
    x = rng.uniform(-1, 1, size=sizes[0]).round(2)
    y = np.eye(sizes[-1])[int(rng.integers(0, sizes[-1]))]
    return (list(weights), list(biases), x, y)


def _forward(weights, biases, x):
    zs, acts = [], [x]
    for W, b in zip(weights, biases):
        zs.append(W @ acts[-1] + b)
        acts.append(_sig(zs[-1]))
    return zs, acts


def _backprop_variant(weights, biases, x, y, bp1_prime=True, transpose=True, off_by_one=False, sign=1.0):
    zs, acts = _forward(weights, biases, x)
    delta = sign * (acts[-1] - y) * (_sig_prime(zs[-1]) if bp1_prime else 1.0)
    nw, nb = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        a_prev = acts[l + 1] if off_by_one and acts[l + 1].size == weights[l].shape[1] else acts[l]
        nw[l], nb[l] = np.outer(delta, a_prev), delta.copy()
        if l:
            back = weights[l].T @ delta if transpose else weights[l] @ delta if weights[l].shape[0] == weights[l].shape[1] else None
            if back is None:
                raise ValueError("shapes")
            delta = back * _sig_prime(zs[l - 1])
    return nw, nb


def _symmetric(rng):
    sizes = [int(rng.integers(2, 4)), int(rng.integers(3, 6)), 1]
    return {"sizes": sizes, "weight": float(rng.choice([0.5, -0.3, 0.8, 1.2])),
            "x": rng.uniform(-1, 1, size=sizes[0]).round(2).tolist()}


QUESTIONS = [
    Function(
        "q1", "numerical_gradient", 2, _numgrad_args,
        hint="nudge one component at a time, both ways, and divide the change in f by the distance between "
             "the two points (Backpropagation, 'Checking gradients with finite differences').",
        wrong={
            "one-sided": (_one_sided, "your gradient matches the one-sided difference (f(theta + eps) - f(theta)) / eps, "
                                      "which is less accurate: Backpropagation, 'Checking gradients with finite differences'"),
            "no 2": (_no_half, "your gradient is twice the right one: the two nudges are 2 eps apart: Backpropagation, "
                               "'Checking gradients with finite differences'"),
        }),
    Function(
        "q2", "output_delta", 2, _delta_args,
        hint="BP1: the output error is the cost's slope times the activation's slope at z (Backpropagation, BP1).",
        wrong={
            "no sigma'": (lambda ref, z, a, y: a - y,
                          "your delta matches the one you get without sigma'(z): Backpropagation, equation BP1"),
            "sign": (lambda ref, z, a, y: (y - a) * _sig_prime(z),
                     "your delta has the sign flipped (y - a instead of a - y): Backpropagation, equation BP1"),
            "sigma not sigma'": (lambda ref, z, a, y: (a - y) * _sig(z),
                                 "your delta multiplies by sigma(z) instead of its slope sigma'(z): Backpropagation, BP1"),
        }),
    Function(
        "q3", "hidden_delta", 2, _hidden_args,
        hint="BP2 carries the next layer's error back along the same weights, then scales it by this layer's "
             "slope (Backpropagation, BP2).",
        wrong={
            "no sigma'": (lambda ref, W, d, z: W.T @ d,
                          "your delta matches the one you get without sigma'(z): Backpropagation, equation BP2"),
            "sigma not sigma'": (lambda ref, W, d, z: (W.T @ d) * _sig(z),
                                 "your delta multiplies by sigma(z) instead of sigma'(z): Backpropagation, BP2"),
        }),
    Function(
        "q4", "layer_gradients", 2, _grad_args,
        hint="BP4: the weight from neuron k into neuron j gets the input a_k times the error delta_j; BP3: a "
             "bias gets the error itself (Backpropagation, BP3 and BP4).",
        wrong={
            "transposed": (lambda ref, d, a: (np.outer(a, d), d.copy()),
                           "your nabla_W is transposed: W^l has shape (n_l, n_(l-1)), one row per neuron it feeds: "
                           "Backpropagation, BP4"),
            "bias forgotten": (lambda ref, d, a: (np.outer(d, a), np.zeros_like(d)),
                               "your bias gradient is zero: BP3 says it is delta itself: Backpropagation, BP3"),
        }),
    Function(
        "q5", "gradients", 4, _network_args,
        hint="run the forward pass keeping every z and a, then BP1 once and BP2 layer by layer going back, "
             "collecting BP3 and BP4 on the way (Backpropagation, 'The whole algorithm'); compare with your "
             "numerical_gradient before you check.",
        wrong={
            "no sigma' in BP1": (lambda ref, W, b, x, y: _backprop_variant(W, b, x, y, bp1_prime=False),
                                 "your gradients match the ones you get without sigma'(z) in the output error: "
                                 "Backpropagation, equation BP1"),
            "sign": (lambda ref, W, b, x, y: _backprop_variant(W, b, x, y, sign=-1.0),
                     "your gradients have the sign flipped (y - a instead of a - y): Backpropagation, BP1"),
            "off-by-one layer": (lambda ref, W, b, x, y: _backprop_variant(W, b, x, y, off_by_one=True),
                                 "your weight gradients use a^l where BP4 needs a^(l-1), the layer before: "
                                 "Backpropagation, BP4"),
        }),
    Predict(
        "q6", "prediction_q6", 2, _symmetric,
        answer=lambda s: 1,
        explain=lambda s: (f"every hidden neuron starts with the same weights ({s['weight']}) and sees the same "
                           f"input, so each computes the same z, gets the same delta through BP2 and the same row "
                           f"of nabla_W^1: 1 distinct row, whatever x is. Symmetry is never broken "
                           f"(SGD, 'Why not start with all weights zero?')."),
        hint="think about what distinguishes one hidden neuron from another when all weights are equal "
             "(SGD, 'Why not start with all weights zero?').",
        wrong={"one per neuron": (lambda s: s["sizes"][1],
                                  "you expected every hidden neuron to learn something different: with equal weights "
                                  "they all get the same gradient (SGD, 'Why not start with all weights zero?')")}),
]
