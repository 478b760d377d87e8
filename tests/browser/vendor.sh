#!/bin/sh
# Local copies of the JavaScript the built book loads from public CDNs (MathJax 3, require.js,
# @jupyter-widgets/html-manager), so that the browser tests run without internet: the tests answer
# CDN requests from these files (see tests/browser/_support.py). Versions are pinned to the URLs that
# Sphinx 7.4 / myst-nb 1.4 write into the pages. Usage: tests/browser/vendor.sh _build/vendor
set -eu
dest="${1:-_build/vendor}"
stamp="$dest/.complete-v1"
[ -f "$stamp" ] && exit 0
mkdir -p "$dest"
npm install --prefix "$dest" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
    --loglevel=error mathjax@3.2.2 requirejs@2.3.4 @jupyter-widgets/html-manager@1.0.6
touch "$stamp"
