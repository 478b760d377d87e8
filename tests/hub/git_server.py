"""A git server on 127.0.0.1, as a school's self-hosted git host would run one: smart HTTP through
`git http-backend` (the CGI program that ships with git), so clients can clone shallowly
(nbgitpuller clones with --depth 1) and pip can install from a `git+http://` URL.

    with GitServer(root) as server:       # serves every bare repository under root, read-only
        server.url("course/book.git")     # -> http://127.0.0.1:PORT/course/book.git
"""
from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _parse_cgi(output: bytes):
    """Split a CGI response into (status line, [(header, value)], body)."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        head, found, body = output.partition(separator)
        if found:
            break
    else:
        head, body = output, b""
    status, headers = "200 OK", []
    for line in head.decode("latin-1").splitlines():
        name, _, value = line.partition(":")
        if name.lower() == "status":
            status = value.strip()
        elif name:
            headers.append((name.strip(), value.strip()))
    return status, headers, body


class GitServer:
    """Serve the bare repositories under `root` over smart HTTP on 127.0.0.1 (a free port)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.requests: list[str] = []  # "GET /course/book.git/info/refs?service=..." etc.

    def _app(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        self.requests.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": str(self.root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "REQUEST_METHOD": environ["REQUEST_METHOD"],
            "PATH_INFO": environ["PATH_INFO"],
            "QUERY_STRING": environ.get("QUERY_STRING", ""),
            "CONTENT_TYPE": environ.get("CONTENT_TYPE", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_ADDR": environ.get("REMOTE_ADDR", "127.0.0.1"),
        }
        for header in ("HTTP_CONTENT_ENCODING", "HTTP_GIT_PROTOCOL"):
            if header in environ:
                env[header] = environ[header]
        done = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True)
        status, headers, payload = _parse_cgi(done.stdout)
        start_response(status, headers + [("Content-Length", str(len(payload)))])
        return [payload]

    def __enter__(self):
        self._server = make_server("127.0.0.1", 0, self._app, server_class=_ThreadingServer,
                                   handler_class=_QuietHandler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"
