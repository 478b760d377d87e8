#!/bin/sh
# Pinned npm packages that the built book and its tests use, so that no page loads anything from
# another host and no test needs the internet (run by `make vendor`; skipped once complete).
#
#   _build/vendor/node_modules/   as npm installed them: mathjax-full 3.2.2 (the build typesets
#                                 every formula with it, see booksite/page_math.py), mathjax
#                                 3.2.2 (its fonts and browser bundle), axe-core 4.11.0 (tests)
#   _build/vendor/site/mathjax/   MathJax's fonts (and bundle); _config.yml copies _build/vendor/site
#                                 into the built book (html_extra_path)
#
# Usage: booksite/vendor.sh [DEST]   (DEST defaults to _build/vendor)
set -eu
dest="${1:-_build/vendor}"
stamp="$dest/.complete-v3"
[ -f "$stamp" ] && exit 0
if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq && apt-get install -y -qq npm
    else
        echo "booksite/vendor.sh needs npm and node (Debian: sudo apt-get install npm)" >&2; exit 1
    fi
fi
mkdir -p "$dest"
npm install --prefix "$dest" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
    --loglevel=error mathjax@3.2.2 mathjax-full@3.2.2 axe-core@4.11.0
mj="$dest/node_modules/mathjax/es5"
site="$dest/site/mathjax"
rm -rf "$site"
mkdir -p "$site/output"
# tex-chtml.js is the one bundle the pages load; the folders hold what it loads on demand
# (TeX extensions, fonts, the menu and its accessibility tools).
cp "$mj/tex-chtml.js" "$site/"
cp -R "$mj/input" "$mj/ui" "$mj/a11y" "$mj/sre" "$mj/adaptors" "$site/"
cp -R "$mj/output/chtml" "$site/output/"
cp "$dest/node_modules/mathjax/LICENSE" "$site/LICENSE"
touch "$stamp"
