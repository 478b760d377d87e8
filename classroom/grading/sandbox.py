"""Isolation for one submission: where its code runs and what it can reach. Linux, no Docker.

With root and ``unshare`` (util-linux), :class:`Sandbox` starts the runner

* in new PID, mount, network, IPC and UTS namespaces: it sees only its own processes, has no network
  (not even loopback), and when its first process ends the kernel ends every process it started,
  detached or not;
* in a root directory of its own (a tmpfs): read-only views of the system (``/usr``, ``/etc``), of the
  Python installation and of the installed nnlib package, an empty home and ``/tmp``, a private
  ``/proc``; the repository (masters, tests, autograder zips), the submissions, other sandboxes and
  the grades file are simply not there;
* as a user of its own (uid ``UID_BASE + slot``, no groups, no new privileges), under resource limits
  (address space, processes, CPU time, file size, open files; no core dumps).

Without root or namespaces it falls back to a child process under the same limits in a session of
its own, and :func:`probe` says what is then left unprotected; ``make grade`` prints that first.

This file is also the sandbox's first process (``--init``, root inside the namespaces): it builds the
root directory, starts the runner as the unprivileged user, waits for it and reports how it ended.
"""
import ctypes
import json
import os
import pathlib
import resource
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
UID_BASE = 61000  # uid/gid of sandbox slot n is UID_BASE + n; no account is needed for it

LIMITS = {  # per sandbox; resource name -> value
    "RLIMIT_AS": 3 * 2**30,      # bytes of address space: a runaway allocation raises MemoryError
    "RLIMIT_NPROC": 64,          # processes of the sandbox's user
    "RLIMIT_FSIZE": 64 * 2**20,  # bytes in one file it writes
    "RLIMIT_NOFILE": 256,
    "RLIMIT_CORE": 0,
}
PASS_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")  # some CPUs need these (see TOOLING.md)

UNPROTECTED = ("other submissions, the grades file, the masters and the autograder zips can be read "
               "and changed by student code; it can see and signal the grader's processes, leave "
               "processes running after grading, and use the network")


def probe():
    """Return (True, "") when full isolation is available here, else (False, why not)."""
    if os.geteuid() != 0:
        return False, "grading is not running as root"
    if not shutil.which("unshare"):
        return False, "unshare (util-linux) is not installed"
    try:
        subprocess.run(["unshare", "--pid", "--fork", "--kill-child", "--mount", "--net", "--ipc", "--uts",
                        "true"], check=True, capture_output=True, timeout=20)
    except (subprocess.SubprocessError, OSError) as e:
        return False, f"this machine does not allow new namespaces ({type(e).__name__})"
    return True, ""


def _environment():
    env = {"HOME": "/home/student", "TMPDIR": "/tmp", "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
           "PATH": f"{pathlib.Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONDONTWRITEBYTECODE": "1"}
    env.update({k: os.environ[k] for k in PASS_ENV if k in os.environ})
    return env


def _set_limits(cpu_seconds):
    for name, value in {**LIMITS, "RLIMIT_CPU": int(cpu_seconds)}.items():
        resource.setrlimit(getattr(resource, name), (value, value))


def _visible_paths():
    """What the sandbox may read: the system, the Python installation, the venv and nnlib."""
    import importlib.util

    paths = {"/usr", "/etc", "/bin", "/lib", "/lib64", "/sbin", sys.base_prefix, sys.prefix}
    spec = importlib.util.find_spec("nnlib")
    if spec and spec.submodule_search_locations:
        paths.add(str(pathlib.Path(list(spec.submodule_search_locations)[0]).resolve()))
    paths.add(str(pathlib.Path(sys.executable).resolve().parent.parent))
    return sorted(p for p in paths if os.path.exists(p))


class Sandbox:
    """One running runner (runner.py) for one submission; ``stdin``/``stdout`` are its JSON channel."""

    def __init__(self, slot, cpu_seconds, isolate=True):
        self.slot, self.cpu_seconds, self.isolate = slot, cpu_seconds, isolate
        self.proc = None
        self._tmp = None

    def start(self):
        uid = UID_BASE + self.slot
        if self.isolate:
            config = {"uid": uid, "cpu": self.cpu_seconds, "visible": _visible_paths(),
                      "python": os.path.abspath(sys.executable), "env": _environment(),
                      "runner": [str(HERE / "runner.py"), str(HERE / "wire.py"), str(HERE / "tripwire.py")]}
            cmd = ["unshare", "--pid", "--fork", "--kill-child=SIGKILL", "--mount", "--net", "--ipc", "--uts",
                   "--propagation", "private", sys.executable, "-I", str(HERE / "sandbox.py"), "--init",
                   json.dumps(config)]
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=None if os.environ.get("GRADING_DEBUG") else subprocess.DEVNULL, start_new_session=True)
        else:
            self._tmp = tempfile.mkdtemp(prefix="grade-sandbox-")
            env = {**_environment(), "HOME": self._tmp, "TMPDIR": self._tmp}
            self.proc = subprocess.Popen([sys.executable, "-I", str(HERE / "runner.py")], cwd=self._tmp, env=env,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                         start_new_session=True,
                                         preexec_fn=lambda: _set_limits(self.cpu_seconds))
        return self

    def stop(self):
        """End every process of the sandbox (the namespace goes with its first process)."""
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            for stream in (self.proc.stdin, self.proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            self.proc.wait()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def ending(self):
        """How the runner ended: "exit code N" or "killed by SIGNAME" (after its channel closed)."""
        try:
            code = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            return "did not end"
        if code < 0:
            return f"killed by {signal.Signals(-code).name}"
        if self.isolate and code >= 128 and code - 128 in signal.valid_signals():
            return f"killed by {signal.Signals(code - 128).name}"
        return f"exit code {code}"


# ---- the sandbox's first process (root inside the namespaces) --------------------------------------
libc = ctypes.CDLL(None, use_errno=True)
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 16384, 1 << 18


def _mount(source, target, fstype, flags, data=""):
    if libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None, flags,
                  data.encode() if data else None) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {source} on {target}: {os.strerror(err)}")


def _bind_readonly(path, root):
    target = root + path
    if os.path.islink(path):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.lexists(target):
            os.symlink(os.readlink(path), target)
        return
    if os.path.lexists(target) and os.path.realpath(target).startswith(root) and not os.path.isdir(target):
        return
    os.makedirs(target, exist_ok=True)
    _mount(path, target, None, MS_BIND | MS_REC)
    _mount("none", target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _init(config):
    config = json.loads(config)
    uid = config["uid"]
    _mount("none", "/", None, MS_REC | MS_PRIVATE)
    root = "/tmp/.grading-sandbox-root"  # an empty folder; each sandbox mounts its own tmpfs on it
    os.makedirs(root, mode=0o700, exist_ok=True)
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=755")
    # The private, writable folders first: a repository or venv that lives under /tmp (a CI clone)
    # is then bound read-only on top of the private /tmp instead of being hidden by it.
    for d, size in (("/tmp", "256m"), ("/home/student", "64m"), ("/dev/shm", "64m")):
        os.makedirs(root + d, exist_ok=True)
        _mount("tmpfs", root + d, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode=700,uid={uid},gid={uid}")
    for path in config["visible"]:
        _bind_readonly(path, root)
    os.makedirs(root + "/proc")
    _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV)
    for dev in ("null", "zero", "full", "random", "urandom"):
        open(f"{root}/dev/{dev}", "w").close()
        _mount(f"/dev/{dev}", f"{root}/dev/{dev}", None, MS_BIND)
    os.makedirs(root + "/grader", exist_ok=True)
    for path in config["runner"]:
        shutil.copy(path, root + "/grader/")
    os.chroot(root)
    os.chdir("/home/student")
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
            _set_limits(config["cpu"])
            os.execve(config["python"], [config["python"], "-I", "/grader/runner.py"], config["env"])
        except BaseException as e:
            os.write(2, f"sandbox: cannot start the runner: {e!r}\n".encode())
        finally:
            os._exit(127)
    _, status = os.waitpid(pid, 0)
    # Leaving ends the namespace, and with it every process the runner left behind.
    os._exit(128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))


if __name__ == "__main__" and sys.argv[1:2] == ["--init"]:
    _init(sys.argv[2])
