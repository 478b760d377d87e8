"""The one program that runs student code: inside the sandbox, as the submission's own user.

    python -I runner.py        (started by sandbox.py; speaks JSON lines on stdin/stdout)

It runs the notebook's cells in an IPython shell, one request at a time, and calls the student's
functions on the arguments the grader sends. Requests (one JSON object a line, from the grader):

* ``{"op": "cell", "source": str, "timeout": s}`` -> ``{"status": "ok"}`` or
  ``{"status": "error", "ename": str, "evalue": str}``
* ``{"op": "names", "names": [str]}`` -> ``{"names": {name: "missing" | "callable" | value}}``
* ``{"op": "call", "name": str, "args": base64 pickle of (args, kwargs), "timeout": s}`` ->
  ``{"status": "ok", "value": value, "args_after": [value, ...]}`` or an error as above
* ``{"op": "audit"}`` -> ``{"tampering": [str]}``: checks replaced in memory, processes left running

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


def _originals():
    """The functions a submission could replace to pass tests, as they are before any student code."""
    import doctest

    import numpy as np

    watched = {f"numpy.{n}": (np, n) for n in ("isclose", "allclose", "array_equal", "all", "any")}
    watched["doctest.DocTestRunner.run"] = (doctest.DocTestRunner, "run")
    watched["builtins.isinstance"] = (__builtins__ if isinstance(__builtins__, dict) else vars(__builtins__),
                                      "isinstance")
    return {name: (obj, attr, obj[attr] if isinstance(obj, dict) else getattr(obj, attr))
            for name, (obj, attr) in watched.items()}


def _audit(originals):
    found = []
    for name, (obj, attr, original) in originals.items():
        now = obj.get(attr) if isinstance(obj, dict) else getattr(obj, attr, None)
        if now is not original:
            found.append(f"replaced {name}")
    try:  # only when the submission imported otter itself
        at = sys.modules["otter.test_files.abstract_test"]
        ok = sys.modules["otter.test_files.ok_test"]

        if getattr(ok.OKTestFile.run, "__module__", "") != ok.__name__ or \
                getattr(at.TestFile.score.fget, "__module__", "") != at.__name__:
            found.append("replaced otter's test runner")
    except (KeyError, AttributeError):
        pass
    me, parent, session = os.getpid(), os.getppid(), os.getsid(0)
    isolated = parent == 1  # in the sandbox's PID namespace every process there is the submission's
    others = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in (me, parent, 1):
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(") ", 1)[-1].split()
            except OSError:
                continue
            # state, ppid, pgrp, session: without a sandbox, only this session's processes count
            if fields[0] != "Z" and (isolated or int(fields[3]) == session):
                others.append(entry)
    if others:
        found.append(f"left {len(others)} process{'es' if len(others) > 1 else ''} running (ended by the grader)")
    return found


def main():
    rd, wr = _channel()
    sys.stdout = sys.stderr = _Sink()
    signal.signal(signal.SIGALRM, _on_alarm)
    originals = _originals()
    shell = _shell()
    ns = shell.user_ns

    def reply(obj):
        wr.write(json.dumps(obj) + "\n")
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
        elif op == "call":
            try:
                args, kwargs = pickle.loads(base64.b64decode(request["args"]))
                function = ns[request["name"]]
                guard = request.get("guard")
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
        elif op == "audit":
            reply({"tampering": _audit(originals)})
        else:
            reply({"status": "error", "ename": "ValueError", "evalue": f"unknown op {op!r}"})


if __name__ == "__main__":
    main()
