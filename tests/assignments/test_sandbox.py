"""What student code can reach from inside the grading sandbox (classroom/grading/sandbox.py).

One sandbox runs a cell that looks around; the grader reads back what it found as plain data.
"""
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
from classroom.grading import sandbox, wire
from classroom.grading.run import Session

ISOLATED, WHY = sandbox.probe()
pytestmark = pytest.mark.skipif(not ISOLATED, reason=f"no sandbox on this machine: {WHY}")

LOOK_AROUND = f'''\
import os, socket, resource
uid = os.getuid()
repo_visible = any(os.path.exists(str(p)) for p in {[str(ROOT / "book"), str(ROOT / ".git"), str(ROOT / "README.md")]!r})
masters_visible = os.path.exists({str(ROOT / "book" / "assignments" / "masters")!r})
home_of_root = os.path.exists("/root/.bash_history") or os.path.exists("/root/.cache")
processes = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
try:
    socket.create_connection(("127.0.0.1", 22), timeout=2)
    network = "connected"
except OSError as e:
    network = type(e).__name__
try:
    big = bytearray(4 * 2**30)
    memory = "allocated 4 GiB"
except MemoryError:
    memory = "MemoryError"
limits = {{name: resource.getrlimit(getattr(resource, name))[0] for name in ("RLIMIT_NPROC", "RLIMIT_FSIZE", "RLIMIT_CPU")}}
'''


@pytest.fixture(scope="module")
def found():
    session = Session([(0, LOOK_AROUND)], timeout=60, slot=7)
    try:
        session._start()
        names = ["uid", "repo_visible", "masters_visible", "home_of_root", "processes", "network", "memory",
                 "limits"]
        values = session.names(set(names))
    finally:
        session.close()
    assert session.errors == [], session.errors
    return values


def test_runs_as_its_own_unprivileged_user(found):
    assert found["uid"] == sandbox.UID_BASE + 7


def test_cannot_see_the_repository_or_the_masters(found):
    assert found["repo_visible"] is False and found["masters_visible"] is False and found["home_of_root"] is False


def test_sees_only_its_own_processes(found):
    assert found["processes"] == [1, 2], found["processes"]  # the sandbox's first process and the runner


def test_has_no_network(found):
    assert found["network"] != "connected"


def test_resource_limits(found):
    assert found["memory"] == "MemoryError"
    assert found["limits"]["RLIMIT_NPROC"] == sandbox.LIMITS["RLIMIT_NPROC"]
    assert found["limits"]["RLIMIT_FSIZE"] == sandbox.LIMITS["RLIMIT_FSIZE"]
    assert 0 < found["limits"]["RLIMIT_CPU"] < 10**6


def test_plain_data_refuses_objects():
    """The grader rebuilds only plain data: an object array or an unknown kind is refused."""
    import numpy as np

    assert isinstance(wire.decode(wire.encode(np.array([object()], dtype=object))), wire.Opaque)
    with pytest.raises(ValueError):
        wire.decode({"t": "ndarray", "dtype": "|O", "shape": [1], "b64": ""})
    with pytest.raises(ValueError):
        wire.decode({"t": "pickle", "v": "..."})
    value = wire.decode(wire.encode((np.arange(3, dtype=np.int32), 2.5, [True, None], {"a": float("nan")})))
    assert value[0].dtype == np.int32 and value[0].tolist() == [0, 1, 2] and value[1] == 2.5


def test_a_test_can_pass_a_student_function_inside_a_lambda():
    """A test's lambda that calls one of the student's functions is sent into the sandbox and calls
    the student's own function there."""
    from classroom.grading.score import Proxy

    session = Session([(0, "def double(x):\n    return 2 * x\n\ndef apply(f, x):\n    return f(x)")], timeout=30)
    try:
        double = Proxy(session, "double")
        assert session.call("apply", (lambda v: double(v) + 1, 3), {}) == 7
    finally:
        session.close()


def test_output_floods_are_dropped_and_a_forged_reply_is_flagged():
    """Printing 50 MB costs nothing; writing nonsense to the grader's pipe (found via /proc/self/fd)
    ends that sandbox, leaves the cell out, and is flagged."""
    flood = "for _ in range(50):\n    print('x' * 10**6)\nfine = 1"
    forge = ("import os, stat\nfor fd in range(3, 20):\n    try:\n        if stat.S_ISFIFO(os.fstat(fd).st_mode):\n"
             "            os.write(fd, b'not json\\n')\n    except OSError:\n        pass")
    session = Session([(0, flood), (1, forge), (2, "after = 2")], timeout=60)
    try:
        session._start()
        assert session.names({"fine", "after"}) == {"fine": 1, "after": 2}
    finally:
        session.close()
    assert any(e.startswith("cell 2 (import os, stat) sent something that is not plain data") for e in session.errors), session.errors
    assert "sent the grader something that is not plain data" in session.tampering


def test_a_repository_under_tmp_stays_visible_read_only(monkeypatch, tmp_path_factory):
    """CI clones the repository into a folder that may live under /tmp; the sandbox's private /tmp
    must not hide the venv and nnlib there (it did: every sandbox failed with exit code 127)."""
    folder = pathlib.Path("/tmp") / f"sandbox-visible-{tmp_path_factory.getbasetemp().name}"
    folder.mkdir(exist_ok=True)
    (folder / "marker.txt").write_text("seen")
    paths = sandbox._visible_paths
    monkeypatch.setattr(sandbox, "_visible_paths", lambda: sorted(paths() + [str(folder)]))
    cell = f'''\
seen = open({str(folder / "marker.txt")!r}).read()
try:
    open({str(folder / "written.txt")!r}, "w").write("x")
    writable = True
except OSError:
    writable = False
'''
    session = Session([(0, cell)], timeout=60, slot=8)
    try:
        session._start()
        values = session.names({"seen", "writable"})
    finally:
        session.close()
        (folder / "marker.txt").unlink()
        folder.rmdir()
    assert session.errors == [], session.errors
    assert values == {"seen": "seen", "writable": False}
