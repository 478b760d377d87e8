"""Shared fixtures for the browser tests (built on booksite.browser).

* ``chromium``: a Playwright Browser for one test module (Debian's /usr/bin/chromium, headless). Skips
  when Chromium is absent, except in CI (env CI=true), where a missing browser fails the test.
* ``serve``: ``with serve(directory) as base_url: ...`` serves a folder on 127.0.0.1 (free port).
* ``free_port``: a free TCP port on 127.0.0.1.
* ``book_url`` and ``browser``: the built book (_build/html) served on 127.0.0.1, and a Chromium
  for one test module; they skip (fail in CI) when the book is not built.
"""
import socket

import pytest

from booksite.browser import BOOK_HTML, launch_chromium, missing, serve_directory


# One Playwright (sync API) may run at a time in a process, and several modules start their own
# (test_lite's blocks other hosts in Chromium's resolver): so every browser fixture is per module.
@pytest.fixture(scope="module")
def chromium():
    with launch_chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def serve():
    return serve_directory


@pytest.fixture(scope="session")
def figure_html():
    """``figure_html(names) -> (figures, body)``: each figure built once a session and its static HTML
    (element id ``fig-NAME``) under an ``<h2>`` (exporting every frame takes a while)."""
    from nnlib.widgets import registry

    made = {}

    def build(names):
        for name in names:
            if name not in made:
                figure = registry.build(name)
                made[name] = (figure, figure.to_html(element_id="fig-" + name))
        return ({name: made[name][0] for name in names},
                "".join(f"<h2>{name}</h2>{made[name][1]}" for name in names))

    return build


@pytest.fixture
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def book_url():
    if not (BOOK_HTML / "index.html").is_file():
        missing(f"no built book in {BOOK_HTML}: run `make test-build` (or `make test-browser`)")
    with serve_directory(BOOK_HTML) as url:
        yield url


@pytest.fixture(scope="module")
def browser(book_url):
    with launch_chromium() as b:
        yield b
