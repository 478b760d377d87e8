"""Shared fixtures for the browser tests (built on _support.py).

* ``chromium``: a session-wide Playwright Browser (Debian's /usr/bin/chromium, headless). Skips
  when Chromium is absent, except in CI (env CI=true), where a missing browser fails the test.
* ``serve``: ``with serve(directory) as base_url: ...`` serves a folder on 127.0.0.1 (free port).
* ``free_port``: a free TCP port on 127.0.0.1.
"""
import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _support import launch_chromium, serve_directory  # noqa: E402


@pytest.fixture(scope="session")
def chromium():
    with launch_chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def serve():
    return serve_directory


@pytest.fixture
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
