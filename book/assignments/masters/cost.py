# Questions of the cost assignment: inputs per variant, usual mistakes, hints (private, like the
# master notebook beside it; see book/assignments/grading/questions.py).

def _ay(rng):
    n = int(rng.integers(2, 6))
    return (rng.uniform(0, 1, size=n).round(3), rng.uniform(0, 1, size=n).round(3))


def _AY(rng):
    n, k = int(rng.integers(3, 8)), int(rng.integers(2, 5))
    return (rng.uniform(0, 1, size=(n, k)).round(3), rng.uniform(0, 1, size=(n, k)).round(3))


def _step(rng):
    c = rng.uniform(0.5, 5.0, size=int(rng.integers(2, 4))).round(2)
    return (rng.normal(0, 2, size=c.size).round(3), Given("bowl_gradient", c), float(rng.choice([0.05, 0.1, 0.2])))


def _path(rng):
    x, grad, eta = _step(rng)
    return (x, grad, eta, int(rng.integers(3, 9)))


def _line(rng):
    n = int(rng.integers(8, 16))
    x = rng.uniform(-1, 1, size=n).round(3)
    w, b = rng.normal(0, 2), rng.normal(0, 1)
    y = (w * x + b + rng.normal(0, 0.1, size=n)).round(3)
    return (x, y, float(rng.choice([0.1, 0.2, 0.3])), int(rng.integers(20, 60)))


def _fit(x, y, eta, n_steps, scale=1.0, sign=1.0, factor=1.0):
    w = b = 0.0
    for _ in range(n_steps):
        r = w * x + b - y
        gw, gb = factor * np.mean(r * x) * scale, factor * np.mean(r) * scale
        w, b = w - sign * eta * gw, b - sign * eta * gb
    return (float(w), float(b))


def _regime(rng):
    c = float(rng.choice([1.0, 2.0, 4.0, 5.0, 8.0]))
    kind = str(rng.choice(["converges", "oscillates", "diverges"]))
    factor = {"converges": rng.uniform(0.2, 0.8), "oscillates": rng.uniform(1.2, 1.8),
              "diverges": rng.uniform(2.2, 3.0)}[kind]
    return {"c": c, "eta": round(float(factor / c), 3), "x0": 1.0}


def _outcome(s):
    r = s["eta"] * s["c"]
    return "converges" if r < 1 else "oscillates" if r < 2 else "diverges"


QUESTIONS = [
    Function(
        "q1", "example_cost", 2, _ay,
        hint="the book's cost of one example is half the squared length of the error vector (Cost and gradient "
             "descent, 'Measuring how wrong one answer is').",
        wrong={"no half": (lambda ref, a, y: float(np.sum((a - y) ** 2)),
                           "your cost is twice the book's: it leaves out the factor one half: Cost, 'Why the factor "
                           "one half?'"),
               "mean": (lambda ref, a, y: 0.5 * float(np.mean((a - y) ** 2)),
                        "your cost averages over the outputs; one example's cost sums them: Cost, 'Measuring how "
                        "wrong one answer is'")}),
    Function(
        "q2", "batch_cost", 2, _AY,
        hint="each row is one example: its cost as in q1, then the average over the examples (Cost, 'The cost of "
             "a whole training set').",
        wrong={"sum for mean": (lambda ref, A, Y: float(np.sum(0.5 * np.sum((A - Y) ** 2, axis=1))),
                                "your cost sums over the examples where the mean belongs: Cost, 'The cost of a whole "
                                "training set'"),
               "mean over everything": (lambda ref, A, Y: float(0.5 * np.mean((A - Y) ** 2)),
                                        "your cost averages over outputs too; only the examples are averaged: Cost, "
                                        "'The cost of a whole training set'")}),
    Function(
        "q3", "descent_step", 2, _step,
        hint="the gradient points uphill; a step goes the other way, scaled by the learning rate (Cost, 'Why the "
             "negative gradient is the way down').",
        wrong={"sign": (lambda ref, x, g, eta: x + eta * g(x),
                        "your step goes uphill: the gradient's sign is flipped: Cost, 'Why the negative gradient is "
                        "the way down'"),
               "eta twice": (lambda ref, x, g, eta: x - eta * eta * g(x),
                             "your step applies the learning rate twice: Cost, 'The learning rate'")}),
    Function(
        "q4", "descend", 2, _path,
        hint="the path starts at x0 and gains one point per step, each from the previous one (Cost, 'Gradient descent').",
        wrong={"no start": (lambda ref, x0, g, eta, n: ref["descend"](x0, g, eta, n)[1:],
                            "your path leaves out the starting point x0: Cost, 'Gradient descent'"),
               "one step short": (lambda ref, x0, g, eta, n: ref["descend"](x0, g, eta, n - 1),
                                  "your path has one step fewer than asked: Cost, 'Gradient descent'")}),
    Function(
        "q5", "fit_line", 4, _line,
        hint="write the mean cost of the line over the points, differentiate it with respect to w and to b by "
             "hand, and take the steps of gradient descent from a line with zero slope and zero intercept (Cost, 'The cost as a "
             "function of the parameters' and 'Gradient descent').",
        wrong={"sum for mean": (lambda ref, x, y, eta, n: _fit(x, y, eta, n, scale=len(x)),
                                "your gradient sums over the points where the mean belongs, so each step is n times "
                                "too long: Cost, 'The cost of a whole training set'"),
               "sign": (lambda ref, x, y, eta, n: _fit(x, y, eta, n, sign=-1.0),
                        "your steps go uphill: the gradient's sign is flipped: Cost, 'Why the negative gradient is "
                        "the way down'"),
               "no half": (lambda ref, x, y, eta, n: _fit(x, y, eta, n, factor=2.0),
                           "your gradient is twice the book's: the one half in the cost cancels the 2 of the "
                           "derivative: Cost, 'Why the factor one half?'"),
               "eta twice": (lambda ref, x, y, eta, n: _fit(x, y, eta * eta, n),
                             "your steps apply the learning rate twice: Cost, 'The learning rate'")}),
    Predict(
        "q6", "prediction_q6", 2, _regime,
        answer=_outcome,
        explain=lambda s: (f"on the bowl f(x) = {s['c']:g} x^2 / 2 the gradient is {s['c']:g} x, so each step "
                           f"multiplies x by 1 - eta c = {1 - s['eta'] * s['c']:.3f}: between 0 and 1 it shrinks "
                           f"steadily, between -1 and 0 it shrinks while changing sign (oscillates), below -1 it "
                           f"grows (diverges) (Cost, 'How large may eta be? Curvature decides')."),
        hint="what does one step do to x on this bowl? (Cost, 'How large may eta be? Curvature decides').",
        wrong={"converges": (lambda s: "converges" if _outcome(s) != "converges" else None,
                             "a step multiplies x by 1 - eta c; once eta c passes 1 that factor is negative "
                             "(Cost, 'How large may eta be? Curvature decides')")}),
]
