"""Run one submission's cells in its sandbox, and call its functions there for the tests.

A :class:`Session` owns one sandbox at a time. It sends the notebook's code cells one by one (each
with its own time limit), records what went wrong in each, and answers the scorer's requests (which
names the notebook defines, what a function returns for some arguments). When a cell ends Python
(``os._exit``, a segfault, running out of memory) or outlives its time limit, the sandbox is ended,
a new one runs the notebook again without that cell, and only what depended on it is lost.
"""
import base64
import json
import os
import select
import sys
import threading
import time

import cloudpickle

from . import sandbox as sandbox_module
from . import wire

GRACE = 5.0          # seconds after a time limit before the sandbox is ended from outside
MAX_STARTS = 8       # sandboxes per submission: each dead or stuck cell or call costs one
MAX_LINE = 64 * 2**20  # bytes in one reply from the sandbox
BUDGET = (5, 60.0)   # a submission's wall time, restarts included: at most 5 x TIMEOUT + 60 s


class Broken(Exception):
    """The sandbox ended, stalled or answered nonsense; ``str()`` says which, for the error column."""


class CallFailed(Exception):
    """A student's function raised, ran too long or ended Python; ``str()`` says which."""


def first_line(source):
    line = next((l.strip() for l in source.splitlines() if l.strip()), "")
    return line if len(line) <= 40 else line[:37] + "..."


def is_grader_cell(source):
    """Otter's own cells in a student notebook: its set-up and the `grader.check(...)` cells."""
    text = source.strip()
    return "otter.Notebook(" in text or text.startswith(("grader.check", "grader.export"))


class OutOfTime(Broken):
    """The submission used its whole time budget (every cell, call and restart together)."""


def parse_reply(line):
    """One reply as JSON, or ValueError; its size and nesting are bounded before it is parsed."""
    if line.count(b"{") + line.count(b"[") > 2 * wire.MAX_CONTAINERS + 100:
        raise ValueError("a reply with too many values")
    try:
        reply = json.loads(line)
    except RecursionError:
        raise ValueError("a reply nested too deeply") from None
    if type(reply) is not dict:
        raise ValueError("a reply that is not an object")
    return reply


class _Lines:
    """Read JSON lines from a pipe with a deadline, in time linear in their length."""

    def __init__(self, stream):
        self.fd = stream.fileno()
        self.buffer = bytearray()

    def read(self, seconds):
        deadline = time.monotonic() + seconds
        searched = 0
        while (end := self.buffer.find(b"\n", searched)) < 0:
            searched = len(self.buffer)
            if searched > MAX_LINE:
                raise ValueError(f"a reply longer than {MAX_LINE // 2**20} MiB")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                raise EOFError
            self.buffer += chunk
        line = bytes(self.buffer[:end])
        del self.buffer[:end + 1]
        return parse_reply(line)

    def pending(self, seconds=0.0):
        """Whether anything came that was not asked for (after the last reply, within ``seconds``)."""
        if self.buffer:
            return True
        ready, _, _ = select.select([self.fd], [], [], seconds)
        return bool(ready) and bool(os.read(self.fd, 1 << 16))


class Session:
    """One submission's code: cells run once in a sandbox, functions called on demand.

    ``budget`` is the wall time, in seconds, that the whole submission may take: every cell, every
    call and every restart together (default: ``5 * timeout + 60``, see BUDGET). Past it, :class:`OutOfTime`.
    """

    def __init__(self, cells, timeout, slot=0, isolate=True, budget=None):
        self.cells = cells  # [(index in the notebook, source)], otter's cells already left out
        self.timeout = float(timeout)
        self.budget = float(budget) if budget else BUDGET[0] * self.timeout + BUDGET[1]
        self.slot, self.isolate = slot, isolate
        self.skipped = {}    # cell index -> why it is left out of later runs
        self.errors = []     # what went wrong, in order, for the error column
        self.tampering = []  # what the grader noticed from outside, for the tampering column
        self.box = None
        self.starts = 0
        self.seq = 0            # each request is numbered; its reply must carry the same number
        self.deadline = None    # set when the first sandbox starts
        self._reported = set()  # cells whose error is already recorded (cells run again after a restart)

    def _flag(self, what):
        if what not in self.tampering:
            self.tampering.append(what)

    # ---- the sandbox ----
    def _left(self, seconds):
        """``seconds``, cut to what is left of the budget; OutOfTime when nothing is."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            self._stop()
            raise OutOfTime(f"used its whole time budget ({self.budget:g} s for the notebook, restarts included)")
        return min(seconds, left)

    def _send(self, request, seconds):
        self.seq += 1
        request = {**request, "n": self.seq}
        try:
            self.box.proc.stdin.write((json.dumps(request) + "\n").encode())
            self.box.proc.stdin.flush()
            reply = self.reader.read(self._left(seconds))
        except TimeoutError:  # before OSError: TimeoutError is one
            self._left(seconds)  # OutOfTime when it was the budget that ran out
            raise TimeoutError from None
        except (BrokenPipeError, EOFError, OSError):
            self.box.proc.stdin.close()
            raise Broken(self.box.ending()) from None
        except ValueError as e:
            self._flag("sent the grader something that is not plain data")
            raise Broken(f"sent something that is not plain data ({e})") from None
        if reply.get("n") != self.seq or self.reader.pending():
            self._flag("wrote to the grader's channel outside the protocol (a reply it did not ask for)")
            raise Broken("sent a reply the grader did not ask for")
        return reply

    def _stop(self):
        if self.box is not None:
            self.box.stop()
            self.box = None

    def _start(self):
        """Start a sandbox and run the notebook's cells in it (those not left out before)."""
        if self.deadline is None:
            self.deadline = time.monotonic() + self.budget
        while True:
            self._stop()
            if self.starts >= MAX_STARTS:
                raise Broken(f"gave up after {MAX_STARTS} sandboxes")
            self.starts += 1
            cpu = max(120.0, 4 * self.timeout) * (len(self.cells) + 10)
            self.box = sandbox_module.Sandbox(self.slot, cpu, self.isolate).start()
            self.reader = _Lines(self.box.proc.stdout)
            try:
                if not self.reader.read(self._left(max(120.0, self.timeout))).get("ready"):
                    raise Broken("did not start")
            except TimeoutError:
                self._left(max(120.0, self.timeout))
                raise Broken("the sandbox did not start: " + self.box.ending()) from None
            except (EOFError, ValueError, OSError):
                raise Broken("the sandbox did not start: " + self.box.ending()) from None
            if self._run_cells():
                self._inspect()  # what the cells changed or started, before any test runs
                return

    def _run_cells(self):
        """Run the cells; return False when one had to be left out and the sandbox restarted."""
        for index, source in self.cells:
            if index in self.skipped:
                continue
            where = f"cell {index + 1} ({first_line(source)})"
            try:
                reply = self._send({"op": "cell", "source": source, "timeout": self.timeout},
                                   self.timeout + GRACE)
            except TimeoutError:
                self._leave_out(index, f"{where} did not finish within {self.timeout:g} s; graded without it")
                return False
            except OutOfTime:
                raise
            except Broken as e:
                what = str(e) if str(e).startswith("sent") else f"ended Python ({e})"
                self._leave_out(index, f"{where} {what}; graded without it")
                return False
            if reply.get("status") == "error" and index not in self._reported:
                self._reported.add(index)
                if reply.get("ename") == "TimeoutError" and "did not finish" not in str(reply.get("evalue", "")):
                    self.errors.append(f"{where} did not finish within {self.timeout:g} s; stopped there")
                else:
                    self.errors.append(f"cell {index + 1} raised {str(reply.get('ename'))[:80]}: "
                                       f"{str(reply.get('evalue'))}"[:300])
        return True

    def _leave_out(self, index, why):
        self.skipped[index] = why
        self.errors.append(why)

    def _ready(self):
        if self.box is None or self.box.proc.poll() is not None:
            self._start()

    # ---- what the scorer asks ----
    def names(self, names):
        """{name: "missing" | "callable" | value} for the names a test uses."""
        self._ready()
        try:
            reply = self._send({"op": "names", "names": sorted(names)}, self.timeout + GRACE)
        except TimeoutError:
            self._stop()
            raise Broken("did not answer which names it defines") from None
        out = {}
        try:
            for name, kind in reply["names"].items():
                if name in names:
                    out[name] = kind if kind in ("missing", "callable") else wire.decode(kind["value"])
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            self._flag("sent the grader something that is not plain data")
            self._stop()
            raise Broken(f"sent something that is not plain data ({e})"[:300]) from None
        return out

    def call(self, name, args, kwargs):
        """Call the student's ``name`` in the sandbox; return the decoded value, or raise CallFailed."""
        value, after = self.call_plain(name, args, kwargs)
        for original, returned in zip(args, after):
            if returned is not None:
                wire.update_in_place(original, returned)
        return value

    def call_plain(self, name, args, kwargs, guard=None):
        """Call the student's ``name`` in the sandbox on copies of ``args``; return (value, [each
        argument as the call left it, or None]), all decoded plain data; ``args`` stay untouched.
        ``guard``: ``{"allowed": [...]}`` arms the tripwire around the call (tripwire.py); a call that
        used a ready-made implementation raises CallFailed("shortcut: ...")."""
        self._ready()
        score = f"{__package__}.score"
        if score in sys.modules:  # a Proxy inside the arguments unpickles as the student's own
            cloudpickle.register_pickle_by_value(sys.modules[score])
        checks = f"{__package__}.checks"
        if checks in sys.modules:  # functions handed to the student's (checks.Given)
            cloudpickle.register_pickle_by_value(sys.modules[checks])
        payload = base64.b64encode(cloudpickle.dumps((args, kwargs))).decode()
        request = {"op": "call", "name": name, "args": payload, "timeout": self.timeout}
        if guard is not None:
            request["guard"] = guard
        try:
            reply = self._send(request, self.timeout + GRACE)
        except TimeoutError:
            self._stop()
            raise CallFailed(f"{name}(...) did not return within {self.timeout:g} s") from None
        except OutOfTime:
            raise
        except Broken as e:
            self._stop()
            raise CallFailed(f"{name}(...) ended Python ({e})") from None
        if reply.get("status") != "ok":
            if reply.get("ename") == "TimeoutError":
                raise CallFailed(f"{name}(...) did not return within {self.timeout:g} s")
            if reply.get("ename") == "Shortcut":
                raise CallFailed(f"shortcut: {str(reply.get('evalue'))[:200]}")
            raise CallFailed(f"{name}(...) raised {str(reply.get('ename'))[:80]}: {reply.get('evalue')}"[:300])
        try:
            after = [wire.decode(v) if v is not None else None for v in (reply.get("args_after") or [])[:len(args)]]
            value = wire.decode(reply["value"])
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            self._flag("sent the grader something that is not plain data")
            raise CallFailed(f"{name}(...) returned a value over the grader's bounds ({e})"[:300]) from None
        return value, after

    def _probe(self):
        """Compare what the sandbox's checks answer on known inputs with this process's answers."""
        try:
            reply = self._send({"op": "probe", "args": _probe_payload(),
                                "timeout": self.timeout}, min(30.0, self.timeout + GRACE))
            answers = wire.decode(reply.get("value"))
        except OutOfTime:
            raise
        except (Broken, TimeoutError, ValueError, KeyError, TypeError):
            self._flag("did not answer the grader's check of numpy and doctest")
            self._stop()
            return
        expected = _probe_checks()
        if type(answers) is not dict:
            answers = {}
        for name, value in expected.items():
            if answers.get(name) != value:
                self._flag(f"replaced {name} (it gives wrong answers in the sandbox)")

    def _inspect(self):
        """Look at the running sandbox from outside: processes beyond the runner, and the checks'
        answers. Findings go to ``tampering`` in the grader's own words."""
        left = self.box.processes()
        if left:
            self._flag(f"left {len(left)} process{'es' if len(left) > 1 else ''} running (ended by the grader)")
        if self.deadline - time.monotonic() > 1:
            self._probe()

    def close(self):
        """Check from outside what the submission changed or left, then end the sandbox and all its processes."""
        try:
            if self.box is not None and self.box.proc.poll() is None:
                self._inspect()
                if self.box is not None and self.reader.pending(0.05):
                    self._flag("wrote to the grader's channel outside the protocol (a reply it did not ask for)")
        except OutOfTime:
            pass
        finally:
            self._stop()


_PROBE = []
_PROBE_LOCK = threading.Lock()


def _probe_payload():
    """_probe_checks pickled by value (once: registering a module by value is not thread-safe)."""
    with _PROBE_LOCK:
        if not _PROBE:
            cloudpickle.register_pickle_by_value(sys.modules[__name__])
            try:
                _PROBE.append(base64.b64encode(cloudpickle.dumps(_probe_checks)).decode())
            finally:
                cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
        return _PROBE[0]


def _probe_checks():
    """Answers of the checks a submission could replace to pass tests, on inputs with a known answer.

    Sent into the sandbox (by value) and run there; run here too, for the answers to compare with."""
    import builtins
    import doctest

    import numpy as np

    test = doctest.DocTestParser().get_doctest(">>> 1 + 1\n3\n", {}, "probe", None, 0)
    runner = doctest.DocTestRunner(verbose=False)
    failed = runner.run(test, out=lambda text: None).failed
    return {"numpy.isclose": bool(np.isclose(1.0, 2.0)), "numpy.allclose": bool(np.allclose([1.0], [2.0])),
            "numpy.array_equal": bool(np.array_equal([1], [2])), "numpy.all": bool(np.all([False])),
            "numpy.any": bool(np.any([False])), "doctest.DocTestRunner.run": int(failed),
            "builtins.isinstance": bool(builtins.isinstance(1, str))}
