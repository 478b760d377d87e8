"""Isolation for one submission: where its code runs and what it can reach. Linux, no Docker.

With ``unshare`` (util-linux), :class:`Sandbox` starts the runner

* in new PID, mount, network, IPC and UTS namespaces: it sees only its own processes, has no network
  (not even loopback), and when its first process ends the kernel ends every process it started,
  detached or not;
* in a root directory of its own (a tmpfs): read-only views of the system (``/usr``, ``/etc``), of the
  Python installation and of the installed nnlib package, an empty home and ``/tmp``, a private
  ``/proc``; the repository (masters, tests, autograder zips), the submissions, other sandboxes and
  the grades file are simply not there;
* as a user of its own with no capabilities, under resource limits (address space, processes, CPU
  time, file size, open files; no core dumps), in a CPU control group of its own where the machine has
  one to give (so a submission that starts many processes shares one CPU share with them).

There are two ways to get there. As root (``"root"``), the sandbox's user is uid ``UID_BASE + slot``.
Without root (``"user"``), where the kernel allows unprivileged user namespaces (most Linux
distributions), the sandbox's first process is root only inside a user namespace of its own, and the
runner is uid 1000 inside a second, nested one (outside, every process of the sandbox is the grading
user's, but none can reach anything of that user's). :func:`probe` tells which is possible; where
neither is, ``make grade`` refuses to grade unless asked to with ``--unsafe-no-sandbox`` (``"none"``: a
child process under the same limits, in a session of its own, and what is then left unprotected is
:data:`UNPROTECTED`).

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
import threading
import time

HERE = pathlib.Path(__file__).resolve().parent
UID_BASE = 61000  # uid/gid of sandbox slot n is UID_BASE + n as root; no account is needed for it
INNER_UID = 1000  # the runner's uid inside its nested user namespace, without root

LIMITS = {  # per sandbox; resource name -> value
    "RLIMIT_AS": 3 * 2**30,      # bytes of address space: a runaway allocation raises MemoryError
    "RLIMIT_NPROC": 64,          # processes of the sandbox's user
    "RLIMIT_FSIZE": 64 * 2**20,  # bytes in one file it writes
    "RLIMIT_NOFILE": 256,
    "RLIMIT_CORE": 0,
}
NICE = 5  # every sandbox runs at this niceness: the grader itself stays responsive
PASS_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")  # some CPUs need these (see TOOLING.md)
NAMESPACES = ["--pid", "--fork", "--kill-child=SIGKILL", "--mount", "--net", "--ipc", "--uts",
              "--propagation", "private"]

UNPROTECTED = ("other submissions, the grades file, the masters and the autograder zips can be read "
               "and changed by student code; it can see and signal the grader's processes, leave "
               "processes running after grading, and use the network")


def probe():
    """Return (mode, why): "root" or "user" when isolation is available here, else (None, why not)."""
    if not shutil.which("unshare"):
        return None, "unshare (util-linux) is not installed"
    user = [] if os.geteuid() == 0 else ["--user", "--map-root-user"]
    try:
        subprocess.run(["unshare", *user, *NAMESPACES[:2], *NAMESPACES[3:], "true"], check=True,
                       capture_output=True, timeout=20, stdin=subprocess.DEVNULL)
    except (subprocess.SubprocessError, OSError) as e:
        kind = "new namespaces" if os.geteuid() == 0 else "unprivileged user namespaces"
        return None, f"this machine does not allow {kind} ({type(e).__name__})"
    return ("root" if os.geteuid() == 0 else "user"), ""


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


class CpuGroups:
    """One CPU control group per sandbox, each with the same weight, so the kernel shares the CPU
    between sandboxes rather than between processes. cgroup v2 (``cpu.weight``) where this process may
    create groups, else v1 (``cpu.shares``), else nothing (:attr:`kind` is then None)."""

    def __init__(self):
        self.base, self.kind = None, None
        for root, kind in (("/sys/fs/cgroup", "v2"), ("/sys/fs/cgroup/cpu", "v1")):
            try:
                if kind == "v2":
                    if not os.path.exists(f"{root}/cgroup.controllers"):
                        continue
                    own = _read("/proc/self/cgroup").split("0::", 1)[1].split("\n")[0]
                    parent = f"{root}{own.rstrip('/')}".rstrip("/")
                else:
                    if not os.path.exists(f"{root}/cpu.shares"):
                        continue
                    parent = root
                _remove_stale(parent)
                base = f"{parent}/grading-{os.getpid()}"
                os.mkdir(base)
                # The sandboxes together weigh as much as one busy process per core did without groups.
                cores = os.cpu_count() or 1
                if kind == "v2":
                    with open(f"{base}/cgroup.subtree_control", "w") as f:
                        f.write("+cpu")
                    with open(f"{base}/cpu.weight", "w") as f:
                        f.write(str(min(10000, 100 * cores)))
                else:
                    with open(f"{base}/cpu.shares", "w") as f:
                        f.write(str(1024 * cores))
                self.base, self.kind = base, kind
                return
            except (OSError, IndexError):
                try:
                    os.rmdir(f"{parent}/grading-{os.getpid()}")
                except (OSError, UnboundLocalError):
                    pass

    def make(self, slot):
        """The path of a new group for one sandbox (None without groups)."""
        if self.base is None:
            return None
        path = f"{self.base}/slot-{slot}-{os.urandom(3).hex()}"
        try:
            os.mkdir(path)
            with open(f"{path}/{'cpu.weight' if self.kind == 'v2' else 'cpu.shares'}", "w") as f:
                f.write("100" if self.kind == "v2" else "1024")
        except OSError:
            return None
        return path

    @staticmethod
    def remove(path):
        if path:
            try:
                os.rmdir(path)
            except OSError:
                pass

    def close(self):
        if self.base:
            for sub in os.listdir(self.base):
                if sub.startswith("slot-"):
                    self.remove(f"{self.base}/{sub}")
            self.remove(self.base)
            self.base = None


def _remove_stale(parent):
    """Remove the empty groups of grading runs that were killed (their process is gone)."""
    for name in os.listdir(parent):
        if name.startswith("grading-") and name[8:].isdigit() and not os.path.exists(f"/proc/{name[8:]}"):
            for sub in os.listdir(f"{parent}/{name}"):
                if sub.startswith("slot-"):
                    CpuGroups.remove(f"{parent}/{name}/{sub}")
            CpuGroups.remove(f"{parent}/{name}")


_groups, _lock = None, threading.Lock()


def cpu_groups():
    """The CPU groups of this grading run (made when first asked for)."""
    global _groups
    with _lock:
        if _groups is None:
            _groups = CpuGroups()
        return _groups


def close_cpu_groups():
    """Remove this run's CPU groups (each is empty once its sandbox has stopped)."""
    global _groups
    with _lock:
        if _groups is not None:
            _groups.close()
            _groups = None


class Sandbox:
    """One running runner (runner.py) for one submission; ``stdin``/``stdout`` are its JSON channel.

    ``isolate`` is "root", "user" (see the module's docstring) or "none"; True means what
    :func:`probe` finds, False means "none"."""

    def __init__(self, slot, cpu_seconds, isolate=True):
        if isolate is True:
            isolate = probe()[0] or "none"
        self.slot, self.cpu_seconds, self.mode = slot, cpu_seconds, isolate or "none"
        self.isolate = self.mode != "none"
        self.proc = None
        self.group = None
        self._tmp = None

    def start(self):
        self.group = cpu_groups().make(self.slot)
        limits = {**LIMITS, "RLIMIT_CPU": int(self.cpu_seconds)}
        if self.isolate:
            config = {"mode": self.mode, "uid": UID_BASE + self.slot if self.mode == "root" else INNER_UID,
                      "cpu": self.cpu_seconds, "visible": _visible_paths(),
                      "python": os.path.abspath(sys.executable), "env": _environment(),
                      "runner": [str(HERE / "runner.py"), str(HERE / "wire.py"), str(HERE / "tripwire.py")]}
            user = ["--user", "--map-root-user"] if self.mode == "user" else []
            cmd = ["unshare", *user, *NAMESPACES, sys.executable, "-I", str(HERE / "sandbox.py"), "--init",
                   json.dumps(config)]
            env = None
        else:
            self._tmp = tempfile.mkdtemp(prefix="grade-sandbox-")
            cmd = [sys.executable, "-I", str(HERE / "runner.py")]
            env = {**_environment(), "HOME": self._tmp, "TMPDIR": self._tmp}
        # A small first program enters the CPU group, lowers its priority and sets the limits, then
        # becomes the sandbox: nothing runs in the child between fork and exec (no preexec_fn, which
        # is unsafe in a process with threads).
        enter = [sys.executable, "-I", str(HERE / "sandbox.py"), "--enter", self.group or "",
                 json.dumps(limits if not self.isolate else {}), "--", *cmd]
        self.proc = subprocess.Popen(enter, cwd=self._tmp, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=None if os.environ.get("GRADING_DEBUG") else subprocess.DEVNULL,
                                     start_new_session=True)
        return self

    def processes(self):
        """Pids of the sandbox's processes beyond its first process and the runner, seen from outside:
        those in its PID namespace (or, without one, in its session or CPU group)."""
        mine = set()
        try:
            if self.group:
                mine = {int(p) for p in _read(f"{self.group}/cgroup.procs").split()}
            if self.isolate:
                children = _read(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").split()
                init = int(children[0])
                ns = os.readlink(f"/proc/{init}/ns/pid")
                for entry in os.listdir("/proc"):
                    if entry.isdigit():
                        try:
                            if os.readlink(f"/proc/{entry}/ns/pid") == ns:
                                mine.add(int(entry))
                        except OSError:
                            pass
            else:
                for entry in os.listdir("/proc"):
                    if entry.isdigit():
                        try:
                            fields = _read(f"/proc/{entry}/stat").rsplit(") ", 1)[-1].split()
                        except OSError:
                            continue
                        if int(fields[3]) == self.proc.pid:  # its session
                            mine.add(int(entry))
        except (OSError, IndexError, ValueError):
            return []
        ours = {self.proc.pid}
        if self.isolate:  # the first process inside, and the runner (its one child)
            ours.add(init)
            try:
                ours.update(int(p) for p in _read(f"/proc/{init}/task/{init}/children").split()[:1])
            except OSError:
                pass
        alive = []
        for pid in sorted(mine - ours):
            try:
                if _read(f"/proc/{pid}/stat").rsplit(") ", 1)[-1].split()[0] != "Z":
                    alive.append(pid)
            except OSError:
                pass
        return alive

    def stop(self):
        """End every process of the sandbox (the namespace goes with its first process)."""
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            for pid in self.processes() if not self.isolate else []:  # those that left its session
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            for stream in (self.proc.stdin, self.proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            self.proc.wait()
        if self.group:
            _empty(self.group)
            CpuGroups.remove(self.group)
            self.group = None
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
        if code >= 128 and code - 128 in signal.valid_signals():
            return f"killed by {signal.Signals(code - 128).name}"
        return f"exit code {code}"


def _read(path):
    with open(path) as f:
        return f.read()


def _empty(group):
    """Kill whatever is still in a CPU group (a process that left the sandbox's session)."""
    for _ in range(20):
        try:
            pids = [int(p) for p in _read(f"{group}/cgroup.procs").split()]
        except OSError:
            return
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.05)


def _enter(group, limits, cmd):
    """``--enter GROUP LIMITS -- CMD...``: join the CPU group, lower priority, set limits, exec CMD."""
    if group:
        with open(f"{group}/cgroup.procs", "w") as f:
            f.write(str(os.getpid()))
    os.nice(NICE)
    for name, value in json.loads(limits).items():
        resource.setrlimit(getattr(resource, name), (value, value))
    os.execvp(cmd[0], cmd)


# ---- the sandbox's first process (root inside the namespaces) --------------------------------------
libc = ctypes.CDLL(None, use_errno=True)
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 16384, 1 << 18
CLONE_NEWUSER = 0x10000000


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
    # Keep the flags the mount has (in a user namespace they are locked: dropping one is refused).
    have = os.statvfs(path).f_flag
    kept = sum(ms for st, ms in ((8, 8), (1024, 1024), (2048, 2048), (4096, 1 << 21)) if have & st)
    _mount("none", target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | kept)


def _init(config):
    config = json.loads(config)
    uid = config["uid"]
    nested = config["mode"] == "user"  # root only in this user namespace: the runner gets one of its own
    owner = 0 if nested else uid  # who owns the private folders, as this namespace names users
    _mount("none", "/", None, MS_REC | MS_PRIVATE)
    root = "/tmp/.grading-sandbox-root"  # an empty folder; each sandbox mounts its own tmpfs on it
    os.makedirs(root, mode=0o700, exist_ok=True)
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=755")
    # The private, writable folders first: a repository or venv that lives under /tmp (a CI clone)
    # is then bound read-only on top of the private /tmp instead of being hidden by it.
    for d, size in (("/tmp", "256m"), ("/home/student", "64m"), ("/dev/shm", "64m")):
        os.makedirs(root + d, exist_ok=True)
        _mount("tmpfs", root + d, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode=700,uid={owner},gid={owner}")
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
    # The root folder itself becomes read-only: in a user namespace the runner's user owns it.
    _mount("none", root, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "size=16m,mode=755")
    pid = os.fork()
    if pid == 0:
        try:
            if nested:
                # A user namespace of the runner's own, where it is uid 1000 and which maps nothing else:
                # it has no capability here nor in the sandbox's namespace once it runs Python.
                if libc.unshare(CLONE_NEWUSER) != 0:
                    raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWUSER)")
                for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} 0 1"), ("gid_map", f"{uid} 0 1")):
                    with open(f"/proc/self/{name}", "w") as f:
                        f.write(text)
            os.chroot(root)  # after the user namespace: a process in a chroot cannot create one
            os.chdir("/home/student")
            if not nested:
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
elif __name__ == "__main__" and sys.argv[1:2] == ["--enter"] and sys.argv[4:5] == ["--"]:
    _enter(sys.argv[2], sys.argv[3], sys.argv[5:])
