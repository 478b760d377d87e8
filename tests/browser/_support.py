"""Shared helpers for the browser tests of the built book: Chromium, a local web server, and
answers to public-CDN requests from local copies (there is no internet in CI).

The local copies come from `make vendor` (tests/browser/vendor.sh), which installs pinned npm
packages into _build/vendor/node_modules. Paths can be overridden with environment variables:
BOOK_HTML (default _build/html) and BOOK_VENDOR (default _build/vendor/node_modules).
"""

from __future__ import annotations

import contextlib
import functools
import mimetypes
import os
import re
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

# Public CDNs the built pages may load from. Anything else off-machine is a failure.
CDN_HOSTS = ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com")


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


# https://cdn.jsdelivr.net/npm/<pkg>[@<version>]/<path>, https://unpkg.com/<pkg>[@<version>]/<path>
_NPM_URL = re.compile(
    r"^https://(?:cdn\.jsdelivr\.net/npm|unpkg\.com)/"
    r"(?P<pkg>(?:@[^/@]+/)?[^/@]+)(?:@(?P<version>[^/]+))?/(?P<path>[^?#]*)")
# https://cdnjs.cloudflare.com/ajax/libs/require.js/<version>/require(.min).js
_CDNJS_REQUIRE = re.compile(r"^https://cdnjs\.cloudflare\.com/ajax/libs/require\.js/[^/]+/require(?:\.min)?\.js")


def local_copy(url: str, vendor: Path = VENDOR) -> Path | None:
    """The local file that answers a CDN URL, or None if there is none."""
    if _CDNJS_REQUIRE.match(url):
        candidate = vendor / "requirejs" / "require.js"
        return candidate if candidate.is_file() else None
    m = _NPM_URL.match(url)
    if not m:
        return None
    candidate = vendor / m["pkg"] / m["path"]
    if candidate.is_file():
        return candidate
    # A few URLs point at a package's directory (its "main"); and old mathjax URLs use .min.js.
    if m["path"].endswith(".min.js"):
        alt = vendor / m["pkg"] / m["path"].replace(".min.js", ".js")
        if alt.is_file():
            return alt
    return None


class NetworkGuard:
    """Route every request of a browser context: local server -> through; public CDN -> answered
    from the local copy (or aborted and recorded if there is none); anything else -> aborted and
    recorded. `problems` lists every request that could not be served."""

    def __init__(self, base_url: str, vendor: Path = VENDOR):
        self.base_url = base_url
        self.vendor = vendor
        self.problems: list[str] = []
        self.cdn_served: list[str] = []

    def handle(self, route):
        url = route.request.url
        if url.startswith(self.base_url) and route.request.resource_type == "document":
            self._serve_page(route)
            return
        if url.startswith(self.base_url) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
            return
        host = re.sub(r"^https?://([^/:]+).*$", r"\1", url)
        if host in CDN_HOSTS:
            path = local_copy(url, self.vendor)
            if path is not None:
                ctype = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
                if path.suffix == ".js":
                    ctype = "application/javascript"
                self.cdn_served.append(url)
                route.fulfill(path=str(path), content_type=ctype,
                              headers={"Access-Control-Allow-Origin": "*"})
                return
            self.problems.append(f"CDN request with no local copy (run `make vendor`): {url}")
        else:
            self.problems.append(f"request to the internet: {url}")
        route.abort()

    _SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.I)

    def _serve_page(self, route):
        """Serve a page of the book unchanged, except that a CDN <script> answered from a local copy
        loses its `integrity` hash: the npm files are the same code but not byte-identical to the
        CDN's minified builds (e.g. cdnjs's require.min.js), so Subresource Integrity would block
        them. The files on disk are not touched; readers online still get the hash check."""
        response = route.fetch()
        body = response.text()

        def strip(m):
            tag = m.group(0)
            src = re.search(r'src="([^"]+)"', tag)
            if src and "integrity=" in tag and local_copy(src.group(1), self.vendor) is not None:
                tag = re.sub(r'\s+integrity="[^"]*"', "", tag)
            return tag

        route.fulfill(response=response, body=self._SCRIPT_TAG.sub(strip, body))

    def attach(self, context):
        context.route("**/*", self.handle)
        return self
