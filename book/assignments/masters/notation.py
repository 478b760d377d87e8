# Questions of the notation assignment: inputs per variant, usual mistakes, hints (private, like the
# master notebook beside it; see book/assignments/grading/questions.py).

def _sig(z):
    return 1 / (1 + np.exp(-z))


def _sizes(rng, n_layers=None):
    n = n_layers or int(rng.integers(3, 5))
    return [int(v) for v in rng.integers(2, 6, size=n)]


def _params(rng, sizes):
    weights = [rng.normal(0, 1, size=(m, n)).round(3) for n, m in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(0, 0.5, size=m).round(3) for m in sizes[1:]]
    return weights, biases


def _one(rng):
    n_in, n_out = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    while n_out == n_in:
        n_out = int(rng.integers(2, 6))
    return (rng.normal(size=(n_out, n_in)).round(3), rng.normal(size=n_out).round(3), rng.normal(size=n_in).round(3))


def _batch(rng):
    W, b, _ = _one(rng)
    return (W, b, rng.normal(size=(int(rng.integers(3, 7)), W.shape[1])).round(3))


def _network(rng):
    sizes = _sizes(rng)
    weights, biases = _params(rng, sizes)
    return (weights, biases, rng.normal(size=(int(rng.integers(2, 6)), sizes[0])).round(3))


def _flat(rng):
    sizes = _sizes(rng)
    weights, biases = _params(rng, sizes)
    theta = np.concatenate([np.concatenate([W.ravel(), b]) for W, b in zip(weights, biases)])
    return (theta, sizes, rng.normal(size=(int(rng.integers(2, 5)), sizes[0])).round(3))


def _unflatten(theta, sizes, transposed=False):
    weights, biases, i = [], [], 0
    for n, m in zip(sizes[:-1], sizes[1:]):
        W = theta[i:i + n * m].reshape((n, m)).T if transposed else theta[i:i + n * m].reshape((m, n))
        weights.append(W)
        biases.append(theta[i + n * m:i + n * m + m])
        i += n * m + m
    return weights, biases


def _forward(weights, biases, X, skip_bias=False, drop_last=False):
    A = X
    pairs = list(zip(weights, biases))[:-1] if drop_last else zip(weights, biases)
    for W, b in pairs:
        A = _sig(A @ W.T + (0 if skip_bias else b))
    return A


def _shapes(rng):
    sizes = _sizes(rng, 4)
    while len(set(sizes)) < 4:
        sizes = _sizes(rng, 4)
    return {"sizes": sizes, "n_examples": int(rng.integers(5, 40)), "layer": 2}


QUESTIONS = [
    Function(
        "q1", "layer_forward", 2, _one,
        hint="W has one row per neuron of the layer, so W times a_prev has one entry per neuron; then the bias, "
             "then the activation (Notation, 'The forward pass, one neuron at a time').",
        wrong={"bias forgotten": (lambda ref, W, b, a: _sig(W @ a),
                                  "your activations leave out the bias: Notation, 'The forward pass, one neuron at a time'"),
               "no activation": (lambda ref, W, b, a: W @ a + b,
                                 "you returned z, not a = sigma(z): Notation, 'The forward pass, one neuron at a time'")}),
    Function(
        "q2", "layer_forward_batch", 2, _batch,
        hint="with examples as rows, each row of the result must be that example's activations: see which "
             "product keeps examples in rows and neurons in columns (Notation, 'Many examples at once: a batch as rows').",
        wrong={"bias forgotten": (lambda ref, W, b, A: _sig(A @ W.T),
                                  "your activations leave out the bias: Notation, 'Many examples at once'")}),
    Function(
        "q3", "forward", 2, _network,
        hint="the output of one layer is the input of the next, from the first layer to the last (Notation, "
             "'The forward pass, one neuron at a time').",
        wrong={"off-by-one layer": (lambda ref, W, b, X: _forward(W, b, X, drop_last=True),
                                    "your output is the last *hidden* layer's: the loop stops one layer early: "
                                    "Notation, 'Layers, activations and one convention'"),
               "bias forgotten": (lambda ref, W, b, X: _forward(W, b, X, skip_bias=True),
                                  "your forward pass leaves out the biases: Notation, 'The forward pass'")}),
    Function(
        "q4", "n_params", 1, lambda rng: (_sizes(rng),),
        fixed=[([784, 16, 16, 10],)],
        hint="count, for each pair of consecutive layers, the weights between them and the biases of the later "
             "one (Notation, 'Counting parameters').",
        wrong={"no biases": (lambda ref, s: sum(a * b for a, b in zip(s[:-1], s[1:])),
                             "your count leaves out the biases: Notation, 'Counting parameters'"),
               "input biases": (lambda ref, s: sum(a * b for a, b in zip(s[:-1], s[1:])) + sum(s),
                                "your count gives the input layer biases too; it has none: Notation, 'Counting "
                                "parameters'")}),
    Function(
        "q5", "forward_from_flat", 4, _flat,
        hint="walk along theta layer by layer: W^l holds n_l * n_(l-1) numbers, row by row, then b^l holds n_l; "
             "reshape each W to (n_l, n_(l-1)) and run the forward pass (Notation, 'Layers, activations and one "
             "convention' and 'Counting parameters').",
        wrong={"transposed W": (lambda ref, t, s, X: _forward(*_unflatten(t, s, transposed=True), X),
                                "your weights are transposed: W^l has shape (n_l, n_(l-1)), one row per neuron it "
                                "feeds: Notation, 'Layers, activations and one convention'"),
               "off-by-one layer": (lambda ref, t, s, X: _forward(*_unflatten(t, s), X, drop_last=True),
                                    "your output is the last hidden layer's: Notation, 'Layers, activations and one "
                                    "convention'"),
               "bias forgotten": (lambda ref, t, s, X: _forward(*_unflatten(t, s), X, skip_bias=True),
                                  "your forward pass leaves out the biases: Notation, 'The forward pass'")}),
    Predict(
        "q6", "prediction_q6", 2, _shapes,
        answer=lambda s: ((s["sizes"][2], s["sizes"][1]), (s["n_examples"], s["sizes"][2])),
        explain=lambda s: (f"W^2 connects layer 1 ({s['sizes'][1]} neurons) to layer 2 ({s['sizes'][2]} neurons): one "
                           f"row per neuron it feeds, so ({s['sizes'][2]}, {s['sizes'][1]}); a batch keeps examples "
                           f"in rows, so Z^2 is ({s['n_examples']}, {s['sizes'][2]}) (Notation, 'Layers, "
                           f"activations and one convention' and 'Many examples at once')."),
        hint="which layer does W^l feed, and which does it come from? (Notation, 'Layers, activations and one convention').",
        wrong={"transposed": (lambda s: ((s["sizes"][1], s["sizes"][2]), (s["n_examples"], s["sizes"][2])),
                              "your W^2 is transposed: rows belong to the neurons of layer 2: Notation, 'Layers, "
                              "activations and one convention'"),
               "off-by-one": (lambda s: ((s["sizes"][3], s["sizes"][2]), (s["n_examples"], s["sizes"][3])),
                              "you took W^2 to feed layer 3: the input is layer 0 and W^l feeds layer l: Notation, "
                              "'Layers, activations and one convention'")}),
]
