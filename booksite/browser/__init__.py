"""Shared helpers for the browser tests of the built book: Chromium, a local web server, and a
network guard that fails any request to another host (the book serves everything itself).

`make vendor` (booksite/vendor.sh) installs the pinned npm packages the site and the tests use into
_build/vendor/node_modules (MathJax for the site, axe-core for the accessibility check). Paths can
be overridden with environment variables: BOOK_HTML (default _build/html) and BOOK_VENDOR
(default _build/vendor/node_modules).
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOOK_HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html")).resolve()
VENDOR = Path(os.environ.get("BOOK_VENDOR", ROOT / "_build" / "vendor" / "node_modules")).resolve()
SCREENSHOTS = Path(os.environ.get("BOOK_SCREENSHOTS", BOOK_HTML.parent / "screenshots")).resolve()

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--no-first-run", "--disable-component-update",
]

def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(reason: str):
    """Fail in CI (a missing browser must not turn into a green run); skip on a laptop."""
    if in_ci():
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def chromium_path() -> str | None:
    """Debian's chromium; the CHROMIUM environment variable, when set, names the only candidate."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"] if Path(os.environ["CHROMIUM"]).exists() else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@contextlib.contextmanager
def launch_chromium():
    """Yield a Playwright Browser running Debian's Chromium headless."""
    path = chromium_path()
    if path is None:
        missing("Chromium is not installed: run `make browser` (Debian package `chromium`).")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is pinned in requirements.txt
        missing("playwright is not installed in this environment")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output readable
        pass


@contextlib.contextmanager
def serve_directory(directory: Path):
    """Serve `directory` on 127.0.0.1 (a free port); yield the base URL ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class NetworkGuard:
    """Route every request of a browser context: the local server and data:/blob: URLs go through;
    any request to another host is aborted and recorded in `problems`. The built book must work
    offline from any static host, so a request that leaves it is a failure, never answered here."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.problems: list[str] = []

    def handle(self, route):
        url = route.request.url
        if url.startswith(self.base_url) or url.startswith(("data:", "blob:")):
            route.continue_()
            return
        self.problems.append(f"request to another host: {url}")
        route.abort()

    def attach(self, context):
        context.route("**/*", self.handle)
        return self


HELPER_PAGES = {"search.html", "genindex.html", "py-modindex.html"}


def built_pages() -> list[str]:
    """Every content page of the build (the toc's pages plus anything else Sphinx wrote)."""
    if not BOOK_HTML.is_dir():
        return []
    pages = []
    for path in sorted(BOOK_HTML.rglob("*.html")):
        rel = path.relative_to(BOOK_HTML).as_posix()
        # lite/ is the in-browser edition (JupyterLite's own pages; tests/browser/test_lite*.py)
        if rel.split("/")[0] in ("_static", "_sources", "_images", "lite") or rel in HELPER_PAGES:
            continue
        if rel == "index.html" and "http-equiv=\"refresh\"" in path.read_text(errors="replace").lower():
            continue  # the root redirect to the first page
        pages.append(rel)
    return pages
