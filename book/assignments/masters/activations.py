# Questions of the activations assignment: inputs per variant, usual mistakes, hints (private, like
# the master notebook beside it; see book/assignments/grading/questions.py).

def _sig(z):
    return 1 / (1 + np.exp(-z))


def _z(rng):
    return (rng.normal(0, 3, size=int(rng.integers(4, 8))).round(3),)


def _collapse_args(rng):
    n_in, n_hidden, n_out = (int(v) for v in rng.integers(2, 5, size=3))
    return (rng.normal(size=(n_hidden, n_in)).round(3), rng.normal(size=n_hidden).round(3),
            rng.normal(size=(n_out, n_hidden)).round(3), rng.normal(size=n_out).round(3))


def _jacobian_args(rng):
    n_in, n_out = int(rng.integers(2, 4)), int(rng.integers(2, 5))
    return (rng.normal(0, 1.5, size=(n_out, n_in)).round(3), rng.normal(0, 1, size=n_out).round(3),
            rng.normal(0, 1, size=n_in).round(3))


def _saturation(rng):
    z = rng.permutation(np.array([rng.uniform(4.5, 8.0), rng.uniform(-0.6, 0.6), rng.uniform(1.0, 2.0),
                                  -rng.uniform(2.2, 3.5)]).round(2))
    return {"z": z.tolist()}


QUESTIONS = [
    Function(
        "q1", "sigmoid", 2, _z,
        fixed=[(np.array([-30.0, -8.0, 0.0, 8.0, 30.0]),)],
        hint="the sigmoid squashes any z into (0, 1), is exactly one half at 0, and works on a whole array at once "
             "(Activation functions, 'The sigmoid').",
        wrong={"sign": (lambda ref, z: 1 / (1 + np.exp(z)),
                        "your sigmoid is mirrored: it uses e^z where the formula has e^(-z): Activation functions, "
                        "'The sigmoid'")}),
    Function(
        "q2", "sigmoid_prime", 2, _z,
        hint="the sigmoid's slope can be written with the sigmoid itself (Activation functions, 'Its derivative').",
        wrong={"sigma itself": (lambda ref, z: _sig(z),
                                "you returned sigma(z), not its slope: Activation functions, 'Its derivative'"),
               "1 - sigma": (lambda ref, z: 1 - _sig(z),
                             "your slope misses the factor sigma(z): Activation functions, 'Its derivative'"),
               "z(1-z)": (lambda ref, z: z * (1 - z),
                          "you applied a(1 - a) to z instead of to a = sigma(z): Activation functions, "
                          "'Its derivative'")}),
    Function(
        "q3", "relu+relu_prime", 2, _z,
        hint="ReLU passes positive values and blocks the others; its slope is 1 or 0 accordingly "
             "(Activation functions, 'A small zoo of activation functions').",
        wrong={"slope at 0 is z": (lambda ref, z: (np.maximum(0.0, z), np.maximum(0.0, z)),
                                   "your relu_prime returns relu(z), not its slope: Activation functions, "
                                   "'A small zoo of activation functions'")}),
    Function(
        "q4", "collapse", 2, _collapse_args,
        hint="multiply out W2 (W1 x + b1) + b2 and collect what multiplies x and what does not (Activation "
             "functions, 'Why a nonlinearity at all?').",
        wrong={"order": (lambda ref, W1, b1, W2, b2: (W1.T @ W2.T, W2 @ b1 + b2) if W1.shape[0] == W1.shape[1] else None,
                         "your W multiplies the matrices in the wrong order: the layer applied first stands "
                         "rightmost: Activation functions, 'Why a nonlinearity at all?'"),
               "b1 forgotten": (lambda ref, W1, b1, W2, b2: (W2 @ W1, b2),
                                "your b leaves out the first layer's bias, which W2 carries along: Activation "
                                "functions, 'Why a nonlinearity at all?'")}),
    Function(
        "q5", "layer_jacobian", 4, _jacobian_args,
        hint="by the chain rule, moving input k moves output j through that neuron's weighted input z_j, so "
             "each neuron's weights get scaled by that neuron's own slope (Activation functions, 'Its derivative'; Notation, "
             "'The chain rule').",
        wrong={"no sigma'": (lambda ref, W, b, x: (_sig(W @ x + b), W.copy()),
                             "your Jacobian is W alone: it leaves out the slope sigma'(z) of each neuron: Activation "
                             "functions, 'Its derivative'"),
               "sigma not sigma'": (lambda ref, W, b, x: (_sig(W @ x + b), _sig(W @ x + b)[:, None] * W),
                                    "your Jacobian scales W by sigma(z) instead of its slope sigma'(z): Activation "
                                    "functions, 'Its derivative'"),
        }),
    Predict(
        "q6", "prediction_q6", 2, _saturation,
        answer=lambda s: int(np.argmax(np.abs(s["z"]))),
        explain=lambda s: (f"sigma'(z) = sigma(z)(1 - sigma(z)) is largest (1/4) at z = 0 and shrinks fast as |z| "
                           f"grows, on both sides: the neuron saturates. The largest |z| in {s['z']} is at index "
                           f"{int(np.argmax(np.abs(s['z'])))} (Activation functions, 'Saturation')."),
        hint="where is the sigmoid flattest? (Activation functions, 'Saturation').",
        wrong={"most negative": (lambda s: int(np.argmin(s["z"])),
                                 "you picked the most negative z: the slope is symmetric, sigma'(-z) = sigma'(z), so "
                                 "only |z| matters (Activation functions, 'Saturation')"),
               "closest to 0": (lambda s: int(np.argmin(np.abs(s["z"]))),
                                "you picked the z nearest 0, where the slope is *largest* (Activation functions, "
                                "'Saturation')")}),
]
