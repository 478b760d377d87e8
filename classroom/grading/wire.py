"""Plain data between the sandbox and the grader: what a student's function returned, as JSON.

The sandbox encodes values with :func:`encode`; the grader rebuilds them with :func:`decode`, which
creates only numbers, strings, lists, tuples, dicts, numpy arrays of bool/int/float dtypes (never
``object``), nnlib networks from their sizes and parameters, and :class:`Opaque` for anything else.
Nothing the sandbox sends is ever unpickled or executed by the grader.

This module runs on both sides: it needs only the standard library and numpy (nnlib when a network
crosses).
"""
import base64

import numpy as np

DTYPE_KINDS = "biuf"  # bool, signed and unsigned integers, floats: the arrays a question asks for
MAX_ITEMS = 1_000_000  # array elements or container items in one value, both sides enforce it
KEY_TYPES = (str, int, float, bool, type(None))  # dict keys that cross


class Opaque:
    """A value that cannot cross as plain data (a generator, a class, ...): only its type and repr."""

    def __init__(self, type_name, text):
        self.type_name, self.text = type_name, text

    def __repr__(self):
        return self.text

    def __eq__(self, other):
        return False

    __hash__ = None


def _array(a):
    a = np.ascontiguousarray(a)
    if a.dtype.kind not in DTYPE_KINDS or a.size > MAX_ITEMS:
        raise TypeError
    le = a.astype(a.dtype.newbyteorder("<"), copy=False)
    return {"dtype": le.dtype.str, "shape": list(a.shape), "b64": base64.b64encode(le.tobytes()).decode()}


def encode(value, depth=0):
    """Return ``value`` as JSON-compatible data (runs in the sandbox, on the student's objects)."""
    if depth > 20:
        return {"t": "opaque", "type": type(value).__name__, "repr": "<nested too deeply>"}
    try:
        if value is None or type(value) in (bool, str):
            return value if not isinstance(value, str) else value[:10_000]
        if type(value) is int:
            return value if abs(value) < 2**62 else {"t": "float", "v": repr(float(value))}
        if type(value) is float:
            return {"t": "float", "v": repr(value)}
        if type(value) in (list, tuple):
            if len(value) > MAX_ITEMS:
                raise TypeError
            return {"t": type(value).__name__, "v": [encode(v, depth + 1) for v in value]}
        if type(value) is dict and all(type(k) in KEY_TYPES for k in value) and len(value) <= MAX_ITEMS:
            return {"t": "dict", "v": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
        if type(value) is np.ndarray:
            return {"t": "ndarray", **_array(value)}
        if isinstance(value, np.generic) and type(value).__module__ == "numpy":
            return {"t": "npscalar", **_array(np.asarray(value))}
        if type(value).__name__ == "Network" and type(value).__module__.startswith("nnlib"):
            return {"t": "Network", "sizes": [int(n) for n in value.sizes],
                    "activation": str(value.activation.name),
                    "output_activation": str(value.output_activation.name),
                    "cost": str(value.cost_function.name),
                    "weights": [encode(w, depth + 1) for w in value.weights],
                    "biases": [encode(b, depth + 1) for b in value.biases]}
    except Exception:
        pass
    try:
        text = repr(value)[:300]
    except Exception:
        text = f"<{type(value).__name__}>"
    return {"t": "opaque", "type": type(value).__name__[:100], "repr": text}


def _decode_array(obj):
    dtype = np.dtype(obj["dtype"])
    shape = tuple(int(n) for n in obj["shape"])
    if dtype.kind not in DTYPE_KINDS or any(n < 0 for n in shape) or int(np.prod(shape)) > MAX_ITEMS:
        raise ValueError(f"refused array {obj['dtype']} {shape}")
    data = base64.b64decode(obj["b64"], validate=True)
    return np.frombuffer(data, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))


def decode(obj, depth=0):
    """Rebuild a value from :func:`encode`'s data (runs in the grader; trusts nothing in ``obj``)."""
    if depth > 21:
        raise ValueError("nested too deeply")
    if obj is None or type(obj) in (bool, int, str):
        return obj
    if type(obj) is not dict:
        raise ValueError(f"not plain data: {type(obj).__name__}")
    t = obj.get("t")
    if t == "float":
        return float(obj["v"])
    if t in ("list", "tuple"):
        items = [decode(v, depth + 1) for v in obj["v"]]
        return items if t == "list" else tuple(items)
    if t == "dict":
        items = [(decode(k, depth + 1), decode(v, depth + 1)) for k, v in obj["v"]]
        if not all(type(k) in KEY_TYPES for k, _ in items):
            raise ValueError("a dict key that is not a number or a string")
        return dict(items)
    if t == "ndarray":
        return _decode_array(obj)
    if t == "npscalar":
        return _decode_array(obj)[()]
    if t == "Network":
        import nnlib

        net = nnlib.Network([int(n) for n in obj["sizes"]], activation=str(obj["activation"]),
                            cost=str(obj["cost"]), output_activation=str(obj["output_activation"]))
        net.weights = [decode(w, depth + 1) for w in obj["weights"]]
        net.biases = [decode(b, depth + 1) for b in obj["biases"]]
        return net
    if t == "opaque":
        return Opaque(str(obj.get("type", "?"))[:100], str(obj.get("repr", ""))[:300])
    raise ValueError(f"unknown kind of value: {t!r}")


def update_in_place(original, returned):
    """Make a test's argument show what the student's function did to it (an SGD step changes a
    network's parameters, for instance): copy the sandbox's version of the argument into it."""
    if isinstance(original, np.ndarray) and isinstance(returned, np.ndarray):
        if original.shape == returned.shape and original.flags.writeable:
            np.copyto(original, returned, casting="unsafe")
    elif type(original).__name__ == "Network" and type(returned).__name__ == "Network":
        original.weights, original.biases = returned.weights, returned.biases
    elif isinstance(original, list) and isinstance(returned, list):
        original[:] = returned
