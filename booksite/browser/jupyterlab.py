"""Real JupyterLab for the browser tests and benchmarks: a server on 127.0.0.1, and its readiness.

``run_jupyterlab(folder, notebook)`` starts ``jupyter lab`` (a free port, a random token, its own
config and runtime folders) serving ``folder`` and yields the URL that opens ``notebook``; the
server stops afterwards. ``KERNEL_READY`` is the page condition to wait for before running cells.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

# True once the notebook's kernel is connected and idle (JupyterLab exposes window.jupyterapp
# with --LabApp.expose_app_in_browser=True).
KERNEL_READY = ("() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                " const s = w && w.sessionContext; return !!(s && s.session && s.session.kernel"
                " && s.session.kernel.connectionStatus === 'connected' && s.kernelDisplayStatus === 'idle'); }")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def run_jupyterlab(folder: Path, notebook: str, env: dict | None = None, start_timeout: float = 120):
    """Yield the URL of ``notebook`` (a file in ``folder``) in a JupyterLab started for it.

    ``env`` adds environment variables for the server and the kernels it starts.
    """
    folder = Path(folder)
    token, port = secrets.token_hex(16), _free_port()
    environment = dict(os.environ, JUPYTER_CONFIG_DIR=str(folder / ".config"),
                       JUPYTER_RUNTIME_DIR=str(folder / ".runtime"), **(env or {}))
    jupyter = Path(sys.executable).parent / "jupyter"
    process = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--allow-root",
         f"--IdentityProvider.token={token}", "--LabApp.expose_app_in_browser=True",
         f"--ServerApp.root_dir={folder}"], cwd=folder, env=environment,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start within {start_timeout:g} s") from None
                time.sleep(0.5)
        yield f"{base}/lab/tree/{notebook}?token={token}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
