"""The code of hostile submissions (issue 20), shared by tests/assignments/test_hostile.py,
test_grading_load.py and benchmarks/bench_grading.py --hostile. Only strings, and the helper that finds
an answer cell: importing this module runs nothing.
"""

# weighted_sum returns an object that claims to be an nnlib network of 20000 x 20000 parameters: the
# old grader built that network (3.2 GB) in its own process before any size check.
FAKE_NETWORK = '''\
class Network:
    pass
Network.__module__ = "nnlib.network"
class _Name:
    name = "sigmoid"
def weighted_sum(w, x, b):
    net = Network()
    net.sizes = [20000, 20000]
    net.activation = net.output_activation = _Name()
    net.cost_function = type("C", (), {"name": "quadratic"})()
    net.weights, net.biases = [], []
    return net
'''

# Finds the runner's audit (through the frames above it, and through the garbage collector where the
# frames stop at IPython's coroutine runner) and silences it, then replaces np.isclose.
SILENCE_AUDIT = '''\
import gc, sys
_silent = lambda *a, **k: ["=HYPERLINK(\\"http://x\\",\\"hidden input logged\\")"]
_f = sys._getframe()
while _f is not None:
    if "_audit" in _f.f_globals:
        _f.f_globals["_audit"] = _silent
    _f = _f.f_back
for _o in gc.get_objects():
    if type(_o) is dict and "_audit" in _o and "main" in _o:
        _o["_audit"] = _silent
np.isclose = lambda *a, **k: True
'''

# Writes well-formed status lines to the grader's pipe (fd found through /proc/self/fd), one for each
# request number it could be at, so whatever the grader asks next seems answered.
FORGE_STATUS = '''\
import json, os, stat
for _fd in range(3, 30):
    try:
        if stat.S_ISFIFO(os.fstat(_fd).st_mode) and os.fstat(_fd).st_mode & stat.S_IWUSR:
            for _n in range(0, 40):
                os.write(_fd, (json.dumps({"status": "ok", "n": _n}) + "\\n").encode())
    except OSError:
        pass
'''


# Functions that swallow the alarm that ends a call at TIMEOUT (`except BaseException`).
STUBBORN = '''\
import time
def weighted_sum(w, x, b):
    while True:
        try:
            time.sleep(100)
        except BaseException:
            pass
'''

# Writes a 60 MB line to every pipe it finds (the grader's channel among them).
HUGE_REPLY = '''\
import os, stat
for _fd in range(3, 30):
    try:
        if stat.S_ISFIFO(os.fstat(_fd).st_mode):
            os.write(_fd, b'{"v": "' + b'x' * 60_000_000 + b'"}\\n')
    except OSError:
        pass
'''

# 15 processes that leave the sandbox's session and spin.
SPINNERS = '''\
import os
for _ in range(15):
    if os.fork() == 0:
        os.setsid()
        while True:
            pass
'''

# Leaves a process in a session of its own, sleeping for two minutes.
LEAVE_PROCESS = '''\
import subprocess, sys
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", "grading-left-behind-7c1e"],
                 start_new_session=True)
'''


def answer_cell(nb, definition):
    """The one answer cell of ``nb`` (a notebook) whose code contains ``definition``."""
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and definition in c.source and "grader" not in c.source]
    return cell
