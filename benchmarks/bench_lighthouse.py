"""Lighthouse (mobile preset) on every page of the built book, served with gzip as a static host.

Prints the four category scores (performance, accessibility, best practices, SEO) of every page,
the worst page of each category, and PASS/FAIL against the targets: accessibility, best practices
and SEO 100, performance 95 or more. Also the transferred bytes and the largest contentful paint
of each page, which say why a performance score is what it is.

Run with `make bench-lighthouse` (part of `make bench`; installs lighthouse@12.8.2 from npm into
_build/vendor/lighthouse and builds the book first), or on an existing build:
    .venv/bin/python benchmarks/bench_lighthouse.py --lighthouse PATH/TO/lighthouse [--pages book/cost.html]

Lighthouse is slow (20-60 s a page on 2 cores): the whole book takes several minutes.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
COMPRESS = {".html", ".js", ".css", ".json", ".svg", ".txt", ".map", ".xml"}


class GzipHandler(SimpleHTTPRequestHandler):
    """Static files, gzip-compressed for text types when the client accepts it (as GitHub Pages,
    Netlify or nginx with gzip on serve them), with a cache lifetime for static assets."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (path.suffix not in COMPRESS or "gzip" not in self.headers.get("Accept-Encoding", "")
                or not path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        return io.BytesIO(body)


def serve(directory: Path):
    handler = functools.partial(GzipHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def run_lighthouse(lighthouse: str, url: str, chrome: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        cmd = [lighthouse, url, "--quiet", "--output=json", f"--output-path={out}",
               "--only-categories=performance,accessibility,best-practices,seo",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
               f"--user-data-dir={tmp}/profile"]
        env = dict(os.environ, CHROME_PATH=chrome)
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        if not out.is_file():
            raise RuntimeError(f"lighthouse failed on {url}: {proc.stderr[-800:]}")
        return json.loads(out.read_text())


def summarize(report: dict) -> dict:
    cats = report["categories"]
    audits = report["audits"]
    # A category whose audits errored has no score: reported as -1 (and as a failure).
    scores = {k: -1 if cats[k]["score"] is None else round(100 * cats[k]["score"]) for k in TARGETS}
    failing = sorted(a["id"] for k in ("accessibility", "best-practices", "seo")
                     for ref in cats[k]["auditRefs"] if ref["weight"] > 0
                     for a in [audits[ref["id"]]] if a.get("score") is not None and a["score"] < 1)
    return {
        "scores": scores,
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "fcp_s": audits["first-contentful-paint"]["numericValue"] / 1000,
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
        "failing": failing,
    }


def main(argv=None) -> int:
    from booksite.browser import built_pages
    from booksite.browser import BOOK_HTML, chromium_path

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lighthouse", default=str(ROOT / "_build/vendor/lighthouse/node_modules/.bin/lighthouse"))
    parser.add_argument("--pages", nargs="*", help="pages relative to _build/html (default: all)")
    parser.add_argument("--json", help="write every page's summary to this file")
    args = parser.parse_args(argv)

    chrome = chromium_path()
    if not chrome or not Path(args.lighthouse).exists():
        print(f"needs Chromium ({chrome}) and Lighthouse ({args.lighthouse}): run `make bench-lighthouse`")
        return 1
    pages = args.pages or built_pages()
    server, base = serve(BOOK_HTML)
    results = {}
    try:
        print(f"{'page':40s} {'perf':>5s} {'a11y':>5s} {'best':>5s} {'seo':>5s} {'LCP s':>6s} {'TBT ms':>7s} {'KiB':>7s}")
        for rel in pages:
            s = summarize(run_lighthouse(args.lighthouse, base + rel, chrome))
            results[rel] = s
            sc = s["scores"]
            print(f"{rel:40s} {sc['performance']:5d} {sc['accessibility']:5d} {sc['best-practices']:5d} "
                  f"{sc['seo']:5d} {s['lcp_s']:6.1f} {s['tbt_ms']:7.0f} {s['bytes'] / 1024:7.0f}"
                  + (f"   failing: {', '.join(s['failing'])}" if s["failing"] else ""), flush=True)
    finally:
        server.shutdown()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    ok = True
    print()
    for cat, target in TARGETS.items():
        worst = min(results, key=lambda p: results[p]["scores"][cat])
        score = results[worst]["scores"][cat]
        passed = score >= target
        ok &= passed
        print(f"{cat:15s} worst {score:3d} on {worst:35s} target >= {target}: {'PASS' if passed else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
