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
import time

import cloudpickle

from . import sandbox as sandbox_module
from . import wire

GRACE = 5.0          # seconds after a time limit before the sandbox is ended from outside
MAX_STARTS = 8       # sandboxes per submission: each dead or stuck cell or call costs one
MAX_LINE = 64 * 2**20  # bytes in one reply from the sandbox


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


class _Lines:
    """Read JSON lines from a pipe with a deadline."""

    def __init__(self, stream):
        self.fd = stream.fileno()
        self.buffer = b""

    def read(self, seconds):
        deadline = time.monotonic() + seconds
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                raise EOFError
            self.buffer += chunk
            if len(self.buffer) > MAX_LINE:
                raise ValueError("a reply longer than the limit")
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)


class Session:
    """One submission's code: cells run once in a sandbox, functions called on demand."""

    def __init__(self, cells, timeout, slot=0, isolate=True):
        self.cells = cells  # [(index in the notebook, source)], otter's cells already left out
        self.timeout = float(timeout)
        self.slot, self.isolate = slot, isolate
        self.skipped = {}    # cell index -> why it is left out of later runs
        self.errors = []     # what went wrong, in order, for the error column
        self.tampering = []  # what the grader noticed, for the tampering column
        self.box = None
        self.starts = 0
        self._reported = set()  # cells whose error is already recorded (cells run again after a restart)

    # ---- the sandbox ----
    def _send(self, request, seconds):
        try:
            self.box.proc.stdin.write((json.dumps(request) + "\n").encode())
            self.box.proc.stdin.flush()
            return self.reader.read(seconds)
        except (BrokenPipeError, EOFError, OSError):
            self.box.proc.stdin.close()
            raise Broken(self.box.ending()) from None
        except TimeoutError:
            raise TimeoutError from None
        except ValueError as e:
            self.tampering.append("sent the grader something that is not plain data")
            raise Broken(f"sent something that is not plain data ({e})") from None

    def _stop(self):
        if self.box is not None:
            self.box.stop()
            self.box = None

    def _start(self):
        """Start a sandbox and run the notebook's cells in it (those not left out before)."""
        while True:
            self._stop()
            if self.starts >= MAX_STARTS:
                raise Broken(f"gave up after {MAX_STARTS} sandboxes")
            self.starts += 1
            cpu = max(120.0, 4 * self.timeout) * (len(self.cells) + 10)
            self.box = sandbox_module.Sandbox(self.slot, cpu, self.isolate).start()
            self.reader = _Lines(self.box.proc.stdout)
            try:
                if not self.reader.read(max(120.0, self.timeout)).get("ready"):
                    raise Broken("did not start")
            except (EOFError, TimeoutError, ValueError):
                raise Broken("the sandbox did not start: " + self.box.ending()) from None
            if self._run_cells():
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
            except Broken as e:
                what = str(e) if str(e).startswith("sent") else f"ended Python ({e})"
                self._leave_out(index, f"{where} {what}; graded without it")
                return False
            if reply.get("status") == "error" and index not in self._reported:
                self._reported.add(index)
                if reply.get("ename") == "TimeoutError" and "did not finish" not in reply.get("evalue", ""):
                    self.errors.append(f"{where} did not finish within {self.timeout:g} s; stopped there")
                else:
                    self.errors.append(f"cell {index + 1} raised {reply.get('ename')}: {reply.get('evalue')}"[:300])
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
            for name, kind in reply.get("names", {}).items():
                if name in names:
                    out[name] = kind if kind in ("missing", "callable") else wire.decode(kind["value"])
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            self.tampering.append("sent the grader something that is not plain data")
            self._stop()
            raise Broken(f"sent something that is not plain data ({e})") from None
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
        except Broken as e:
            self._stop()
            raise CallFailed(f"{name}(...) ended Python ({e})") from None
        if reply.get("status") != "ok":
            if reply.get("ename") == "TimeoutError":
                raise CallFailed(f"{name}(...) did not return within {self.timeout:g} s")
            if reply.get("ename") == "Shortcut":
                raise CallFailed(f"shortcut: {str(reply.get('evalue'))[:200]}")
            raise CallFailed(f"{name}(...) raised {reply.get('ename')}: {reply.get('evalue')}"[:300])
        after = [wire.decode(a) if a is not None else None for a in (reply.get("args_after") or [])]
        return wire.decode(reply["value"]), after

    def close(self):
        """Ask what the submission tampered with, then end the sandbox and all its processes."""
        if self.box is not None and self.box.proc.poll() is None:
            try:
                self.tampering += self._send({"op": "audit"}, 30).get("tampering", [])
            except (Broken, TimeoutError):
                pass
        self._stop()
