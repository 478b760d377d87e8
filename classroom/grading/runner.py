"""The one program that runs student code: inside the sandbox, as the submission's own user.

    python -I runner.py        (started by sandbox.py; speaks JSON lines on stdin/stdout)

It runs the notebook's cells in an IPython shell, one request at a time, and calls the student's
functions on the arguments the grader sends. Requests (one JSON object a line, from the grader):

* ``{"op": "cell", "source": str, "timeout": s}`` -> ``{"status": "ok"}`` or
  ``{"status": "error", "ename": str, "evalue": str}``
* ``{"op": "names", "names": [str]}`` -> ``{"names": {name: "missing" | "callable" | value}}``
* ``{"op": "call", "name": str, "args": base64 pickle of (args, kwargs), "timeout": s}`` ->
  ``{"status": "ok", "value": value, "args_after": [value, ...]}`` or an error as above
* ``{"op": "probe", "args": base64 pickle of a function of no arguments, "timeout": s}`` -> as for
  ``call``: the grader's own checks (does ``np.isclose`` still answer right?), compared outside

Every request carries a number ``n``, and its reply the same number. This process judges nothing: what
the submission tampered with is decided by the grader, from outside (see run.py).

Values are plain data (wire.py). The grader compares them with the expected values outside this
process; the expected values never come here. Student output (print, display) goes to a capped sink,
not to the grader's channel.
"""
import base64
import importlib.util
import json
import os
import pickle
import signal
import sys


def _sibling(name):
    """Import ``name``.py from this file's folder: the sandbox runs ``python -I`` on a copy of this
    file and wire.py, outside any installed package, and -I leaves that folder off the import path."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                     f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


wire = _sibling("wire")
tripwire = _sibling("tripwire")  # no shortcut through nnlib while a function a question asks for runs

OUTPUT_CAP = 1_000_000  # characters of student output kept (then dropped)


class CellTimeout(BaseException):
    """Raised by SIGALRM when a cell or a call runs past its time."""


class _Sink:
    """Where print() goes: keeps at most OUTPUT_CAP characters, never blocks."""

    def __init__(self):
        self.size = 0

    def write(self, text):
        self.size += len(text)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    def fileno(self):
        raise OSError("no file descriptor")


def _channel():
    """Keep the grader's pipes for ourselves and point fds 0, 1 and 2 at /dev/null."""
    rd = os.fdopen(os.dup(0), "r", encoding="utf-8")
    wr = os.fdopen(os.dup(1), "w", encoding="utf-8")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    return rd, wr


def _shell():
    from IPython.core.interactiveshell import InteractiveShell

    class Shell(InteractiveShell):
        def enable_gui(self, gui=None):  # `%matplotlib inline` in a notebook: nothing to show here
            pass

    shell = Shell.instance(colors="nocolor")
    shell.showtraceback = lambda *a, **k: None  # errors are reported to the grader instead
    shell.showsyntaxerror = lambda *a, **k: None
    return shell


def _alarm(seconds):
    signal.setitimer(signal.ITIMER_REAL, max(float(seconds), 0.0))


def _on_alarm(signum, frame):
    raise CellTimeout()


def main():
    rd, wr = _channel()
    sys.stdout = sys.stderr = _Sink()
    signal.signal(signal.SIGALRM, _on_alarm)
    shell = _shell()
    ns = shell.user_ns

    number = [0]

    def reply(obj):
        wr.write(json.dumps({**obj, "n": number[0]}) + "\n")
        wr.flush()

    def error(e):
        name = type(e).__name__ if not isinstance(e, CellTimeout) else "TimeoutError"
        try:
            text = str(e)[:500]
        except Exception:
            text = ""
        return {"status": "error", "ename": name, "evalue": text}

    reply({"ready": True})
    for line in rd:
        request = json.loads(line)
        op = request["op"]
        number[0] = request.get("n", 0)
        if op == "cell":
            _alarm(request["timeout"])
            try:
                result = shell.run_cell(request["source"], store_history=False)
            except CellTimeout as e:
                result = None
                _alarm(0)
                reply(error(e))
                continue
            _alarm(0)
            e = result.error_in_exec or result.error_before_exec
            reply(error(e) if e is not None else {"status": "ok"})
        elif op == "names":
            out = {}
            for name in request["names"]:
                if name not in ns:
                    out[name] = "missing"
                elif callable(ns[name]):
                    out[name] = "callable"
                else:
                    out[name] = {"value": wire.encode(ns[name])}
            reply({"names": out})
        elif op in ("call", "probe"):
            try:
                guard = None
                if op == "call":
                    args, kwargs = pickle.loads(base64.b64decode(request["args"]))
                    function = ns[request["name"]]
                    guard = request.get("guard")
                else:  # the grader's own check, run where the student's code ran
                    args, kwargs, function = (), {}, pickle.loads(base64.b64decode(request["args"]))
                _alarm(request["timeout"])
                try:
                    if guard is None:
                        value = function(*args, **kwargs)
                    else:  # a question that asks the student to write it: no ready-made implementation
                        try:
                            value, trips = tripwire.guarded_call(function, args, kwargs, namespace=ns,
                                                                 allowed=guard.get("allowed", ()))
                        except Exception as e:
                            trips = getattr(e, "tripwire", [])
                            if not trips:
                                raise
                        if trips:
                            reply({"status": "error", "ename": "Shortcut", "evalue": "it calls " + ", ".join(trips)})
                            continue
                finally:
                    _alarm(0)
                reply({"status": "ok", "value": wire.encode(value),
                       "args_after": [wire.encode(a) if isinstance(a, (list,)) or hasattr(a, "shape")
                                      or hasattr(a, "weights") else None for a in args]})
            except BaseException as e:  # noqa: B036 - the student's function may raise anything
                _alarm(0)
                reply(error(e))
        else:
            reply({"status": "error", "ename": "ValueError", "evalue": f"unknown op {op!r}"})


if __name__ == "__main__":
    main()
