"""Shared helpers for the JupyterHub tests (`make test-hub`).

* ``build_book(folder, repository_url, jupyterhub_url, student_release)``: builds a copy of the book
  (the chapter on neurons and one assignment page, notebooks not executed: their stored outputs are
  shown) with another repository configuration, warnings as errors (links to the pages left out
  aside), and returns its _build/html.
* ``secret_lines()``: the lines of the masters' solutions and hidden tests that students must not see,
  found here independently of classroom/release.py.
* Paths of the hub side that the Makefile installs: HUB_VENV (_build/hub/venv) and the
  configurable-http-proxy from npm (_build/hub/npm).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
from booksite.browser import in_ci, launch_chromium, missing, serve_directory

HUB_VENV = Path(os.environ.get("HUB_VENV", ROOT / "_build" / "hub" / "venv"))
CHP = Path(os.environ.get("HUB_PROXY", ROOT / "_build" / "hub" / "npm" / "node_modules" / ".bin"
                          / "configurable-http-proxy"))
ASSIGNMENTS = ROOT / "_build" / "assignments"
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"

SMALL_TOC = {
    "format": "jb-book",
    "root": "book/intro",
    "parts": [{"caption": "Chapters", "chapters": [
        {"file": "book/neurons"},
        {"file": "book/assignments/index", "sections": [{"file": "book/assignments/neurons"}]},
    ]}],
}


def build_book(folder: Path, repository_url: str, jupyterhub_url: str = "",
               student_release: str | None = None) -> Path:
    """Build a copy of the book into folder/_build/html with this repository setting (-W)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "book", folder / "book", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "masters"))
    # The pinned npm packages the book serves itself (MathJax; `make vendor`), as in the real build.
    (folder / "_build").mkdir(exist_ok=True)
    if not (folder / "_build" / "vendor").exists():
        (folder / "_build" / "vendor").symlink_to(ROOT / "_build" / "vendor", target_is_directory=True)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["repository"]["url"] = repository_url
    if student_release is not None:
        config["repository"]["student_release"] = student_release
    config["launch_buttons"]["jupyterhub_url"] = jupyterhub_url
    config["execute"]["execute_notebooks"] = "off"
    # Only a few pages are built: links to the pages left out are not what these builds test.
    config["sphinx"]["config"]["suppress_warnings"] = ["myst.xref_missing", "ref.ref"]
    (folder / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    (folder / "_toc.yml").write_text(yaml.safe_dump(SMALL_TOC, sort_keys=False))
    done = subprocess.run([str(JUPYTER_BOOK), "build", str(folder), "-W", "--keep-going"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"the book build failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return folder / "_build" / "html"


def _cells(path: Path):
    return json.loads(path.read_text())["cells"]


def _between(cells, block):
    begin, end = f"# BEGIN {block}", f"# END {block}"
    inside = False
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "raw" and source.strip() in (begin, end):
            inside = source.strip() == begin
        elif inside and cell["cell_type"] == "code":
            yield source


def _stripped(text):
    return {line.strip() for line in text.splitlines() if line.strip()}


def public_lines() -> set[str]:
    """Lines students may see anyway: every line of the chapters and appendices, of nnlib, and the
    lines of the masters outside solutions and hidden tests (prompts, given code, visible tests)."""
    lines = set()
    for path in list((ROOT / "book").glob("*.ipynb")):
        lines |= set().union(*(_stripped("".join(c["source"])) for c in _cells(path)))
    for path in list((ROOT / "book").rglob("*.md")) + list((ROOT / "nnlib").rglob("*.py")):
        lines |= _stripped(path.read_text())
    for path in (ROOT / "book" / "assignments" / "masters").glob("*.ipynb"):
        for cell in _cells(path):
            source = "".join(cell["source"])
            if source.startswith("# HIDDEN"):
                continue
            if "# BEGIN SOLUTION" in source:
                kept, inside = [], False
                for line in source.splitlines():
                    if line.strip() in ("# BEGIN SOLUTION", "# END SOLUTION"):
                        inside = line.strip() == "# BEGIN SOLUTION"
                    elif not inside:
                        kept.append(line)
                source = "\n".join(kept)
            lines |= _stripped(source)
    return lines


def secret_lines() -> set[str]:
    """Lines of the masters' solutions (inside `# BEGIN SOLUTION` / `# END SOLUTION`) and hidden tests
    (`# HIDDEN` cells) that students cannot see anywhere else."""
    secret = set()
    for path in (ROOT / "book" / "assignments" / "masters").glob("*.ipynb"):
        cells = _cells(path)
        for source in _between(cells, "SOLUTION"):
            for part in source.split("# BEGIN SOLUTION")[1:]:
                secret |= _stripped(part.split("# END SOLUTION")[0])
        for source in _between(cells, "TESTS"):
            if source.startswith("# HIDDEN"):
                secret |= _stripped(source.removeprefix("# HIDDEN"))
    return secret - public_lines() - {"..."}


def visible_text(path: Path) -> str:
    """What a reader of the file sees, as text: a notebook's cells, outputs and metadata with every
    string on its own lines (otter keeps the visible tests in the metadata), or the file itself."""
    if path.suffix == ".ipynb":
        strings = []

        def walk(value):
            if isinstance(value, str):
                strings.append(value)
            elif isinstance(value, list):
                if value and all(isinstance(v, str) for v in value):
                    strings.append("".join(value))
                else:
                    for v in value:
                        walk(v)
            elif isinstance(value, dict):
                for v in value.values():
                    walk(v)

        walk(json.loads(path.read_text()))
        return "\n".join(strings)
    return path.read_bytes().decode("utf-8", "replace")


def leaked(folder: Path, secrets: set[str]) -> list[str]:
    """Every (file, secret line) where a file under `folder` (a .git folder aside) shows a secret line."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and ".git" not in p.parts):
        if path.suffix == ".whl":
            import zipfile
            with zipfile.ZipFile(path) as wheel:
                text = "\n".join(wheel.read(n).decode("utf-8", "replace") for n in wheel.namelist())
        else:
            text = visible_text(path)
        lines = _stripped(text)
        found += [f"{path.relative_to(folder)}: {line}" for line in sorted(secrets & lines)]
    return found


@pytest.fixture(scope="session")
def assignments_built():
    if not all((ASSIGNMENTS / p.stem / "student" / p.name).is_file()
               for p in (ROOT / "book" / "assignments" / "masters").glob("*.ipynb")):
        pytest.fail("no student notebooks in _build/assignments: run `make assignments` first",
                    pytrace=False)
    return ASSIGNMENTS


@pytest.fixture(scope="session")
def release(tmp_path_factory, assignments_built):
    """The student release written by classroom/release.py (folder only)."""
    out = tmp_path_factory.mktemp("release") / "book"
    subprocess.run([sys.executable, "-m", "classroom.release", "--out", str(out), "--no-commit"],
                   check=True, capture_output=True, text=True)
    return out
