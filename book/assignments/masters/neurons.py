# Questions of the neurons assignment: inputs per variant, usual mistakes, hints (private, like the
# master notebook beside it; see book/assignments/grading/questions.py).

def _wxb(rng):
    n = int(rng.integers(2, 6))
    return (rng.normal(0, 1.5, size=n).round(2), rng.normal(0, 1.5, size=n).round(2), round(float(rng.normal(0, 1)), 2))


def _points(rng):
    w = rng.normal(0, 1, size=2).round(2)
    X = rng.uniform(-2, 2, size=(int(rng.integers(5, 9)), 2)).round(2)
    b = round(float(rng.normal(0, 0.5)), 2)
    X[0] = [0.0, -b / w[1]] if abs(w[1]) > 0.05 else X[0]  # one point on the line
    return (w, b, X)


def _gate(rng):
    lo = float(rng.choice([-1.0, 0.0, 0.5, 1.0]))
    hi = lo + float(rng.choice([1.0, 2.0, 3.0]))
    gate = str(rng.choice(["xor", "xnor"]))
    corners = np.array([[a, b] for a in (lo, hi) for b in (lo, hi)])
    return (corners[rng.permutation(4)], lo, hi, gate)


def _truth(X, lo, hi, rule):
    on = X > (lo + hi) / 2
    return rule(on[:, 0], on[:, 1]).astype(int)


def _scale(rng):
    while True:
        w, x = rng.normal(0, 1, size=2).round(2), rng.normal(0, 1, size=2).round(2)
        b = round(float(rng.normal(0, 0.5)), 2)
        if abs(w @ x + b) > 0.1:
            return {"w": w.tolist(), "x": x.tolist(), "b": b}


QUESTIONS = [
    Function(
        "q1", "weighted_sum", 2, _wxb,
        hint="each input is multiplied by its own weight; the bias is added once (Neurons, 'What one neuron computes').",
        wrong={"bias forgotten": (lambda ref, w, x, b: float(np.dot(w, x)),
                                  "your z leaves out the bias b: Neurons, 'What one neuron computes'"),
               "bias per input": (lambda ref, w, x, b: float(np.dot(w, x) + b * len(x)),
                                  "your z adds the bias once per input; a neuron has one bias: Neurons, 'What one "
                                  "neuron computes'")}),
    Function(
        "q2", "perceptron", 2, _wxb,
        fixed=[(np.array([1.0, 1.0]), np.array([1.0, 0.5]), -1.5)],
        hint="the step gives 1 when the weighted sum reaches the threshold, including exactly at it (Neurons, "
             "'The perceptron: a neuron that says yes or no').",
        wrong={"bias forgotten": (lambda ref, w, x, b: int(np.dot(w, x) >= 0),
                                  "your perceptron ignores the bias, which sets the threshold: Neurons, 'The bias is "
                                  "a threshold'")}),
    Function(
        "q3", "neuron", 2, _wxb,
        hint="compute the weighted sum as in q1, then squash it with the sigmoid (Neurons, 'Small changes, small "
             "effects').",
        wrong={"no sigmoid": (lambda ref, w, x, b: float(np.dot(w, x) + b),
                              "you returned z itself: the neuron's output is sigma(z): Neurons, 'Small changes, small "
                              "effects'"),
               "bias forgotten": (lambda ref, w, x, b: float(1 / (1 + np.exp(-np.dot(w, x)))),
                                  "your neuron leaves out the bias: Neurons, 'What one neuron computes'")}),
    Function(
        "q4", "side", 1, _points,
        hint="compute the weighted sum for every row at once; a point on the line gets 1 (Neurons, 'One neuron "
             "draws a straight line').",
        wrong={"on the line": (lambda ref, w, b, X: (X @ w + b > 0).astype(int),
                               "your answer gives 0 to a point exactly on the line; the step gives 1 there: Neurons, "
                               "'The perceptron: a neuron that says yes or no'"),
               "flipped": (lambda ref, w, b, X: (X @ w + b < 0).astype(int),
                           "your sides are swapped: 1 belongs on the side the weight vector points to: Neurons, "
                           "'One neuron draws a straight line'")}),
    Function(
        "q5", "logic_network", 4, _gate,
        hint="one perceptron draws one straight line, and no single line separates these corners; a hidden layer "
             "of two perceptrons (say 'at least one' and 'both') gives the output neuron something it can separate "
             "(Neurons, 'Why stack layers?').",
        wrong={"OR": (lambda ref, X, lo, hi, g: _truth(X, lo, hi, np.logical_or),
                      "your network computes OR: a single line can't tell 'exactly one' from 'both'; add a hidden "
                      "layer: Neurons, 'Why stack layers?'"),
               "AND": (lambda ref, X, lo, hi, g: _truth(X, lo, hi, np.logical_and),
                       "your network computes AND: a single line can't separate these corners; add a hidden layer: "
                       "Neurons, 'Why stack layers?'"),
               "other gate": (lambda ref, X, lo, hi, g: 1 - ref["logic_network"](X, lo, hi, g),
                              "your network computes the opposite gate (XOR for XNOR or the reverse): Neurons, 'Why "
                              "stack layers?'")}),
    Predict(
        "q6", "prediction_q6", 2, _scale,
        answer=lambda s: "toward 1" if np.dot(s["w"], s["x"]) + s["b"] > 0 else "toward 0",
        explain=lambda s: (f"multiplying w and b by 10 multiplies z = w . x + b = "
                           f"{np.dot(s['w'], s['x']) + s['b']:.3f} by 10; the sigmoid of a large positive z is near "
                           f"1, of a large negative z near 0, so the neuron behaves more and more like a perceptron "
                           f"(Neurons, 'Small changes, small effects'; Activation functions, 'Saturation')."),
        hint="what happens to z, and what does the sigmoid do with a large z? (Neurons, 'Small changes, small effects').",
        wrong={"stays": (lambda s: "stays",
                         "the output is sigma(z), and z grows tenfold: sigma is not unchanged by scaling (Neurons, "
                         "'Small changes, small effects')")}),
]
