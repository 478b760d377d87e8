"""What a check says, and how it decides: shared by the student's instant checks and the grader.

The student notebook's first code cell carries this file's source (and ``tripwire.py``'s), so a
check in Jupyter, in the in-browser edition and in ``make grade`` compares the same way and prints
the same few lines:

    q2: not yet right for your variant (student id 'ada').
      returned: [0.1192, -0.0452]
      expected: [-0.0296, -0.0113]
      your delta matches the one you get without sigma'(z): Backpropagation, BP1
      hint: BP1 multiplies the cost's slope by the activation's slope (Backpropagation, BP1).

What ships with the notebook, for each variant: the inputs of the visible check, the expected value,
and the values of the usual wrong answers on those inputs (all computed by the build from the
master's reference solution). Data, not code: nothing here computes an answer. The limit of this
choice, and why it is acceptable: a student can read the expected values of the visible check from
the notebook's metadata, exactly the values a failed check prints anyway; the grader checks hidden
inputs that never ship, so a function that returns the visible values scores 0.

Values travel as JSON: numbers, strings, lists, and ``{"nd": nested list, "dtype": "f"|"i"|"b"}``
for numpy arrays, ``{"tuple": [...]}`` for tuples, ``{"network": {...}}`` for an nnlib network's
parameters.
"""
import hashlib
import math

import numpy as np

N_VARIANTS = 100
RTOL, ATOL = 1e-6, 1e-9


def normalize_id(student_id):
    """The id as typed, without case or surrounding spaces; ValueError when it is empty."""
    text = str(student_id if student_id is not None else "").strip().lower()
    if not text or text == "...":
        raise ValueError("student_id is empty: type your student id (on a JupyterHub: your user name)")
    return text


def variant_of(assignment, student_id):
    """The variant (0 .. N_VARIANTS - 1) of this assignment for this student id."""
    digest = hashlib.sha256(f"{assignment}:{normalize_id(student_id)}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % N_VARIANTS


def hidden_seed(assignment, student_id):
    """A seed for the grader's hidden inputs: differs between students who share a variant."""
    digest = hashlib.sha256(f"hidden:{assignment}:{normalize_id(student_id)}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


# ------------------------------------------------------------------ values as JSON
class Given:
    """A function a check hands to the student's function (a cost to differentiate, a gradient to
    follow): one of a few named families with its coefficients, so it travels as data."""

    FAMILIES = {
        "mixed": lambda c, t: float(c[0] * t[0] ** 2 + np.sin(c[1] * t[1]) + c[2] * t[0] * t[2]),
        "bowl_gradient": lambda c, x: np.asarray(c, dtype=float) * np.asarray(x, dtype=float),
        "bowl": lambda c, x: float(0.5 * np.sum(np.asarray(c, dtype=float) * np.asarray(x, dtype=float) ** 2)),
    }

    def __init__(self, family, coefficients):
        self.family, self.coefficients = family, [float(v) for v in coefficients]

    def __call__(self, x):
        return self.FAMILIES[self.family](self.coefficients, x)

    def __repr__(self):
        return f"<{self.family} with coefficients {self.coefficients}>"


def _round(x, digits):
    return x if digits is None or not math.isfinite(x) else float(f"{x:.{digits}g}")


class SeededRng(np.random.Generator):
    """``np.random.default_rng(seed)`` that remembers its seed, so a check can carry it as data."""

    def __init__(self, seed):
        super().__init__(np.random.PCG64(seed))
        self.seed = int(seed)


def encode(value, digits=None):
    """JSON-ready data for ``value``; floats kept to ``digits`` significant digits when given."""
    if isinstance(value, np.ndarray):
        kind = {"f": "f", "i": "i", "u": "i", "b": "b"}.get(value.dtype.kind)
        if kind is None:
            raise TypeError(f"cannot encode an array of dtype {value.dtype}")
        data = value.tolist()
        if kind == "f" and digits is not None:
            data = np.vectorize(lambda x: _round(x, digits), otypes=[float])(value).tolist() if value.size else data
        return {"nd": data, "dtype": kind}
    if isinstance(value, np.generic):
        return encode(value.item(), digits)
    if isinstance(value, float):
        return _round(value, digits)
    if isinstance(value, tuple):
        return {"tuple": [encode(v, digits) for v in value]}
    if isinstance(value, list):
        return [encode(v, digits) for v in value]
    if isinstance(value, dict):
        return {"dict": [[encode(k, digits), encode(v, digits)] for k, v in value.items()]}
    if type(value).__name__ == "Network":
        return {"network": {"sizes": list(value.sizes), "weights": [encode(w, digits) for w in value.weights],
                            "biases": [encode(b, digits) for b in value.biases]}}
    if isinstance(value, SeededRng):
        return {"rng": value.seed}
    if isinstance(value, Given):
        return {"given": value.family, "c": [_round(c, digits) for c in value.coefficients]}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    raise TypeError(f"cannot encode {type(value).__name__}")


def decode(obj):
    if isinstance(obj, list):
        return [decode(v) for v in obj]
    if isinstance(obj, dict):
        if "nd" in obj:
            return np.array(obj["nd"], dtype={"f": float, "i": int, "b": bool}[obj["dtype"]])
        if "tuple" in obj:
            return tuple(decode(v) for v in obj["tuple"])
        if "dict" in obj:
            return {decode(k): decode(v) for k, v in obj["dict"]}
        if "rng" in obj:
            return SeededRng(obj["rng"])
        if "given" in obj:
            return Given(obj["given"], obj["c"])
        if "network" in obj:
            import nnlib

            net = nnlib.Network(obj["network"]["sizes"])
            net.weights = [decode(w) for w in obj["network"]["weights"]]
            net.biases = [decode(b) for b in obj["network"]["biases"]]
            return net
    return obj


# ------------------------------------------------------------------ comparing
def _is_number(x):
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def type_problem(got, expected):
    """None when ``got`` is the kind of value ``expected`` is; else what is wrong, in a few words."""
    if got is None or got is Ellipsis:
        return "not answered yet"
    if isinstance(expected, np.ndarray):
        kinds = {"f": "floats", "i": "integers", "b": "booleans"}
        want = kinds.get(expected.dtype.kind if expected.dtype.kind != "u" else "i")
        if not isinstance(got, np.ndarray):
            return f"should return a numpy array of {want}; it returned a {type(got).__name__}"
        ok = {"f": "f", "i": "iu", "u": "iu", "b": "b"}[expected.dtype.kind]
        if got.dtype.kind not in ok:
            return f"should return a numpy array of {want}; it returned an array of {got.dtype}"
        if got.shape != expected.shape:
            return f"should return an array of shape {expected.shape}; it returned shape {got.shape}"
        return None
    if isinstance(expected, tuple):
        if not isinstance(got, tuple) or len(got) != len(expected):
            return f"should return a tuple of {len(expected)} values; it returned {short(got)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            problem = type_problem(g, e)
            if problem == "not answered yet":
                return problem
            if problem:
                return f"item {i} of the tuple {problem}"
        return None
    if isinstance(expected, list):
        if not isinstance(got, list) or len(got) != len(expected):
            return f"should return a list of {len(expected)} values; it returned {short(got)}"
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict) or sorted(map(str, got)) != sorted(map(str, expected)):
            return f"should return a dict with the keys {sorted(expected)}; it returned {short(got)}"
        return None
    if isinstance(expected, bool) or isinstance(expected, str):
        return None
    if _is_number(expected):
        if np.ndim(got) != 0 or not _is_number(got):
            return f"should return one number; it returned {short(got)}"
        return None
    if type(expected).__name__ == "Network":
        if type(got).__name__ != "Network":
            return f"should return a network; it returned {short(got)}"
        if list(got.sizes) != list(expected.sizes):
            return f"should be a network of sizes {list(expected.sizes)}; it has sizes {list(got.sizes)}"
    return None


def same(got, expected, rtol=RTOL, atol=ATOL):
    """True when ``got`` equals ``expected`` (numbers within a tolerance, containers item by item)."""
    try:
        if isinstance(expected, np.ndarray):
            got = np.asarray(got)
            if got.shape != expected.shape:
                return False
            if expected.dtype.kind in "iub":
                return bool(np.array_equal(got, expected))
            return bool(np.allclose(got, expected, rtol=rtol, atol=atol))
        if isinstance(expected, (tuple, list)):
            return isinstance(got, (tuple, list)) and len(got) == len(expected) and \
                all(same(g, e, rtol, atol) for g, e in zip(got, expected))
        if isinstance(expected, dict):
            return isinstance(got, dict) and set(got) == set(expected) and \
                all(same(got[k], expected[k], rtol, atol) for k in expected)
        if isinstance(expected, str):
            return isinstance(got, str) and got.strip().lower() == expected.strip().lower()
        if isinstance(expected, bool):
            return isinstance(got, (bool, np.bool_)) and bool(got) == expected
        if _is_number(expected):
            if not _is_number(got):
                return False
            if isinstance(expected, (int, np.integer)):
                return float(got) == float(expected)
            return bool(math.isclose(float(got), float(expected), rel_tol=rtol, abs_tol=atol))
        if type(expected).__name__ == "Network":
            return type(got).__name__ == "Network" and \
                same(list(got.weights) + list(got.biases), list(expected.weights) + list(expected.biases), rtol, atol)
    except (TypeError, ValueError):
        return False
    return got == expected


def short(value, width=70):
    """A one-line picture of a value, at most ``width`` characters."""
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=4, suppress=True, threshold=8, edgeitems=2, linewidth=10**6):
            text = np.array2string(value, separator=", ")
        text = " ".join(text.split())
    elif isinstance(value, (float, np.floating)):
        text = f"{float(value):.6g}"
    elif isinstance(value, tuple):
        text = "(" + ", ".join(short(v, width // 2) for v in value) + ")"
    elif isinstance(value, list) and value and all(_is_number(v) for v in value):
        text = "[" + ", ".join(f"{v:.4g}" if isinstance(v, float) else str(v) for v in value[:6]) + \
            (", ..." if len(value) > 6 else "") + "]"
    elif type(value).__name__ == "Network":
        text = f"a network of sizes {list(value.sizes)}"
    else:
        try:
            text = repr(value)
        except Exception:
            text = f"<{type(value).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 3] + "..."


def digits_accuracy(got, args, ref=None):
    """Judge of a trained digits network (``args[0]``: the split's seed): None when its accuracy on
    that split's test set reaches 0.9, else what it reached. Accuracy is not what the question asks."""
    if type(got).__name__ != "Network" or list(got.sizes)[::len(got.sizes) - 1] != [64, 10]:
        return f"should return a network with 64 inputs and 10 outputs; it returned {short(got)}"
    import nnlib

    split = nnlib.load_digits(test_fraction=0.2, seed=int(args[0]))
    accuracy = float(np.mean(np.argmax(got.forward(split.X_test), axis=1) == np.argmax(split.Y_test, axis=1)))
    return None if accuracy >= 0.9 else f"test accuracy {accuracy:.3f}, below 0.9"


JUDGES = {"digits_accuracy": digits_accuracy}


def call_answer(functions, args, call):
    """Call each function a question names (``relu+relu_prime``) on its own copy of the arguments
    with ``call(name, args)``; one value, or a tuple of values for several."""
    names = functions.split("+")
    values = [call(name, args if i == 0 else decode(encode(args))) for i, name in enumerate(names)]
    return values[0] if len(values) == 1 else tuple(values)


def last_line(exc):
    """``TypeError: unsupported operand ...``: the one line of an exception a student needs."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[-1] if text else ''}".strip().rstrip(":")[:200]


def matching_misconception(got, wrong_values):
    """The first ``(label, message)`` of ``wrong_values`` ([(label, message, value)]) that ``got`` equals."""
    for label, message, value in wrong_values:
        try:
            if value is not None and type_problem(got, value) is None and same(got, value):
                return label, message
        except Exception:
            continue
    return None


def feedback(question, status, hint, returned=None, expected=None, misconception=None, error=None,
             explain=None):
    """The few lines a failed check prints (status: wrong, raised, missing, shortcut, type)."""
    lines = []
    if status == "missing":
        return [f"{question} is not answered yet."]
    if status == "shortcut":
        lines.append(f"{question} scores 0: {error}. Write it yourself with numpy.")
    elif status == "raised":
        lines.append(f"{question}: your function raised {error}")
    elif status == "type":
        lines.append(f"{question}: your answer {error}")
    else:
        lines.append(f"{question}: not yet right for your variant.")
        lines.append(f"  returned: {short(returned)}")
        lines.append(f"  expected: {short(expected)}")
    if misconception:
        lines.append(f"  {misconception}")
    if explain:
        lines.append(f"  why: {explain}")
    if hint and status != "shortcut":
        lines.append(f"  hint: {hint}")
    return lines
