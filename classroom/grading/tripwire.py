"""No shortcut through a ready-made implementation: while a student's function is being checked, every
function of nnlib (and of scikit-learn, scipy and the like) trips when the student's code calls it.

It runs where the student's code runs: in the grading sandbox (``runner.py`` arms it around each call
of a function a question asks the student to write) and in the student's own notebook (the checks
cell carries this file's source). Arming

* replaces the *code object* of every Python function and method defined in a banned module
  (``f.__code__``), so a reference the student captured earlier (``s = nnlib.get_activation``,
  ``from nnlib.activations import sigmoid``, a bound method) trips as well;
* replaces the banned modules' compiled callables (``scipy.special.expit`` is a numpy ufunc, whose
  code cannot be swapped) in those modules and wherever the student's namespace holds them;
* blocks importing a banned module that is not loaded yet.

A call made on behalf of an allowed call (nnlib's ``Network.backprop`` calling its own activation,
``nnlib.load_digits`` importing scikit-learn's data, when a question allows them) runs normally: a
call trips when, walking up the stack, the student's code comes before any of the libraries' own
functions. A trip is recorded even when the student's code catches the
exception it raises, and the check scores 0 with the name of what was called.

Limits: a compiled callable held somewhere other than a banned module or the student's namespace
(a default argument, a closure) is not replaced, and code that patches this module itself inside the
same process can disarm it; the grader therefore also reads the answer's source from outside the
sandbox (``score.py``).
"""
import sys
import types

BANNED = ("nnlib", "sklearn", "scipy", "torch", "tensorflow", "keras", "jax")

_state = {"armed": False, "trips": [], "swapped": [], "replaced": [], "finder": None, "inside": set(),
          "cache": None, "namespace": None}


class ShortcutUsed(Exception):
    """Raised when a student's function calls a ready-made implementation it was asked to write."""


def _banned(module_name, banned):
    return any(module_name == b or module_name.startswith(b + ".") for b in banned)


def _codes(code, out):
    out.add(id(code))
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _codes(const, out)


def _functions(banned):
    """[(qualified name, function)] of every Python function defined in a loaded banned module."""
    found, seen = [], set()

    def visit(name, obj, owner):
        if isinstance(obj, (staticmethod, classmethod)):
            obj = obj.__func__
        if isinstance(obj, property):
            for part in (obj.fget, obj.fset):
                if part is not None:
                    visit(name, part, owner)
            return
        if isinstance(obj, types.FunctionType):
            if id(obj) not in seen and _banned(getattr(obj, "__module__", "") or "", banned):
                seen.add(id(obj))
                found.append((f"{owner}.{name}", obj))
        elif isinstance(obj, type) and id(obj) not in seen and _banned(obj.__module__ or "", banned):
            seen.add(id(obj))
            for attr, value in list(vars(obj).items()):
                visit(attr, value, f"{owner}.{name}")

    for module_name, module in list(sys.modules.items()):
        if module is None or not _banned(module_name, banned):
            continue
        for attr, value in list(getattr(module, "__dict__", {}).items()):
            if isinstance(value, types.FunctionType) and value.__module__ != module_name:
                continue  # imported from elsewhere: visited where it is defined
            visit(attr, value, module_name)
    return found


def _trip_code(function, index):
    """A code object with the function's free variables that hands the call to :func:`_enter`."""
    freevars = function.__code__.co_freevars
    params = "*__a, **__k"
    body = f"return __nnbook_tripwire__({index}, __a, __k)"
    if freevars:  # a closure: the new code must name the same free variables
        inner = f"def __trip({params}):\n    {', '.join(freevars)}\n    {body}"
        outer = "def __outer():\n    " + "; ".join(f"{v} = None" for v in freevars) + "\n    " + \
            inner.replace("\n", "\n    ") + "\n    return __trip"
        ns = {}
        exec(compile(outer, "<tripwire>", "exec"), ns)
        code = ns["__outer"]().__code__
        return code.replace(co_name=function.__code__.co_name)
    ns = {}
    exec(compile(f"def __trip({params}):\n    {body}", "<tripwire>", "exec"), ns)
    return ns["__trip"].__code__.replace(co_name=function.__code__.co_name)


_shadows = []


def _enter(index, args, kwargs):
    name, shadow = _shadows[index]
    if _state["armed"] and not _allowed(name) and _from_student(sys._getframe(2)):
        _state["trips"].append(name)
        raise ShortcutUsed(f"{name} is a ready-made implementation; this question asks you to write it")
    return shadow(*args, **kwargs)


def _allowed(name):
    """``allowed`` holds qualified names, or prefixes ending in ``*`` (``nnlib.network.Network.*``)."""
    return name in _state["allowed"] or any(a.endswith("*") and name.startswith(a[:-1]) for a in _state["allowed"])


def _from_student(frame):
    """Whether a call comes from the student's code: walking up from the caller, a frame of the
    student's namespace comes before any frame of a banned library's own functions (which run on
    behalf of an allowed call, and may import and call what they need)."""
    while frame is not None:
        if frame.f_globals is _state["namespace"]:
            return True
        if id(frame.f_code) in _state["inside"]:
            return False
        frame = frame.f_back
    return True


class _Blocker:
    """A meta path finder that refuses banned modules while armed."""

    def find_spec(self, name, path=None, target=None):
        if _state["armed"] and _banned(name, _state["banned"]) and _from_student(sys._getframe(1)):
            _state["trips"].append(f"import {name}")
            raise ImportError(f"importing {name} is not allowed in this answer")
        return None


def arm(namespace=None, banned=BANNED, allowed=()):
    """Start refusing ready-made implementations. ``namespace``: the student's globals (their copies
    of compiled callables are replaced too). ``allowed``: qualified names a question may call."""
    if _state["armed"]:
        disarm()
    banned = tuple(banned)
    key = (banned, len(sys.modules))
    if _state["cache"] is None or _state["cache"][0] != key:
        functions = _functions(banned)
        _shadows.clear()
        inside = set()
        prepared = []
        for i, (name, f) in enumerate(functions):
            shadow = types.FunctionType(f.__code__, f.__globals__, f.__name__, f.__defaults__, f.__closure__)
            shadow.__kwdefaults__ = f.__kwdefaults__
            _shadows.append((name, shadow))
            _codes(f.__code__, inside)
            try:
                prepared.append((f, f.__code__, _trip_code(f, i)))
            except (ValueError, SyntaxError, TypeError):
                continue
        _state["cache"] = (key, prepared, inside)
    _, prepared, inside = _state["cache"]
    _state.update(armed=True, trips=[], inside=inside, banned=banned, allowed=set(allowed), namespace=namespace)
    swapped = []
    for f, original, trip in prepared:
        f.__globals__["__nnbook_tripwire__"] = _enter
        try:
            f.__code__ = trip
            swapped.append((f, original))
        except (ValueError, TypeError):
            pass
    _state["swapped"] = swapped
    replaced = []  # compiled callables (ufuncs, builtins) of banned modules, by identity
    compiled = {}
    for module_name, module in list(sys.modules.items()):
        if module is None or not _banned(module_name, banned):
            continue
        for attr, value in list(getattr(module, "__dict__", {}).items()):
            if not _is_compiled(value, attr, banned):
                continue
            qual = f"{module_name}.{attr}"
            if _allowed(qual):
                continue
            compiled.setdefault(id(value), (qual, value))
            replaced.append((module.__dict__, attr, value))
            module.__dict__[attr] = _compiled_trip(qual, value)
    if namespace is not None:
        for attr, value in list(namespace.items()):
            if id(value) in compiled and namespace[attr] is value:
                replaced.append((namespace, attr, value))
                namespace[attr] = _compiled_trip(compiled[id(value)][0], value)
    _state["replaced"] = replaced
    finder = _Blocker()
    sys.meta_path.insert(0, finder)
    _state["finder"] = finder


def _is_compiled(value, attr, banned):
    """A compiled callable a banned module provides itself (a scipy ufunc, a builtin of its own)."""
    if type(value).__name__ == "ufunc":
        numpy = sys.modules.get("numpy")
        return numpy is None or getattr(numpy, attr, None) is not value
    return isinstance(value, types.BuiltinFunctionType) and _banned(getattr(value, "__module__", "") or "", banned)


def _compiled_trip(name, value):
    def trip(*args, **kwargs):
        if _state["armed"] and _from_student(sys._getframe(1)):
            _state["trips"].append(name)
            raise ShortcutUsed(f"{name} is a ready-made implementation; this question asks you to write it")
        return value(*args, **kwargs)
    return trip


def disarm():
    """Put everything back; return the names the student's code called (empty: no shortcut)."""
    for f, original in _state["swapped"]:
        f.__code__ = original
    for where, attr, value in reversed(_state["replaced"]):
        where[attr] = value
    if _state["finder"] in sys.meta_path:
        sys.meta_path.remove(_state["finder"])
    _state.update(armed=False, swapped=[], replaced=[], finder=None)
    return list(dict.fromkeys(_state["trips"]))


def guarded_call(function, args, kwargs, namespace=None, banned=BANNED, allowed=()):
    """Call ``function`` armed; return (value, trips). Exceptions propagate after disarming, with
    ``trips`` attached as ``exc.tripwire``."""
    arm(namespace, banned, allowed)
    try:
        value = function(*args, **kwargs)
    except BaseException as e:
        trips = disarm()
        try:
            e.tripwire = trips
        except Exception:
            pass
        raise
    return value, disarm()

