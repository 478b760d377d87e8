"""Write the student release: what students may see, for a JupyterHub (nbgitpuller) or Binder to pull.

    python -m classroom.release [--out _build/release] [--branch NAME | --no-commit] [--repo PATH]

`make release` runs it after `make assignments`. The release holds, at the same paths as in this
repository (so the book's JupyterHub button opens the right notebook):

* ``book/<page>.ipynb`` / ``.md``: every chapter and appendix listed in ``_toc.yml``, and ``book/images``;
* ``book/assignments/student/<name>.ipynb``: the student notebooks that ``make assignments`` wrote into
  ``_build/assignments/<name>/student/`` (solutions replaced by ``...``, visible tests only);
* ``.binder/requirements.txt`` and the nnlib wheel it installs (the student environment, see below);
* a short ``README.md`` for students and the ``LICENSE``.

Nothing else: no master notebooks, no hidden tests, no autograder zips, no grading scripts. Before it
writes anything, the release is checked line by line against the masters (`secret_lines`): a line of
a solution or of a hidden test that the book does not already show anywhere stops the release.

The student environment is this repository's ``.binder/requirements.txt`` with its nnlib line replaced by
the wheel built from this checkout (``how_neural_networks_learn-<version>-py3-none-any.whl``, next to
the file; pip reads ``--find-links .`` relative to the requirements file), so
``pip install -r .binder/requirements.txt`` in a clone of the release installs nnlib at exactly the
book's version, from any folder, with no link to anyone's clone.

Unless ``--no-commit`` is given, the folder is also committed as the next commit of a branch (default: the
branch named by ``repository.student_release`` in ``_config.yml``) of a git repository (default: this
one). Each release is a child of the previous one, so nbgitpuller can merge it into the copies students
already have. Push that branch to where the JupyterHub button pulls from.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import zipfile

import yaml

from classroom.masters import MASTERS, ROOT
SOLUTIONS = ROOT / "instructors"  # the instructors' guide: worked solutions, never released
NNLIB_LINE_PREFIX = "how-neural-networks-learn @ "

# The setting is read by the book's JupyterHub button and by the release with one function.
from booksite.hub_launch import parse_release  # noqa: E402


# ---- the student release setting (_config.yml) -----------------------------------------------

def release_source(config_path: pathlib.Path = ROOT / "_config.yml") -> tuple[str, str]:
    """(git URL, branch) the JupyterHub button pulls from: ``repository.student_release``, either a
    branch of ``repository.url`` or ``<git url>@<branch>``."""
    repository = yaml.safe_load(config_path.read_text())["repository"]
    return parse_release(repository.get("student_release", "student"), repository["url"])



# ---- what the masters keep from students ------------------------------------------------------

def _code_cells_between(cells, block):
    begin, end = f"# BEGIN {block}", f"# END {block}"
    inside = False
    for cell in cells:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "raw" and source.strip() in (begin, end):
            inside = source.strip() == begin
        elif inside and cell["cell_type"] == "code":
            yield cell, source


def _lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if line.strip()}


def secret_lines(masters: pathlib.Path = MASTERS, public_files=(),
                 solutions: pathlib.Path = SOLUTIONS) -> set[str]:
    """Lines of the masters' solutions and hidden tests, and of the instructors' guide's worked
    solutions (every line of 20 characters or more of each ``*.md`` in `solutions`), that students
    must not see: minus every line the
    masters show students (prompts, given code, visible tests) and every line of `public_files`
    (the chapters and nnlib: a generic line such as ``import nnlib`` is no secret)."""
    secret, shown = set(), set()
    for path in sorted(solutions.glob("*.md")) if solutions.is_dir() else []:
        # the guide's prose and equations; short lines (a code fence, `break`) are no secret
        secret |= {line for line in file_lines(path) if len(line) >= 20}
    for path in sorted(masters.glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        hidden_cells = set()
        for cell, source in _code_cells_between(cells, "SOLUTION"):
            hidden_cells.add(id(cell))
            for part in source.split("# BEGIN SOLUTION")[1:]:
                secret |= _lines(part.split("# END SOLUTION")[0])
            shown |= _lines("\n".join(l for l in source.splitlines()
                                      if "SOLUTION" not in l)) - _solution_body_lines(source)
        for cell, source in _code_cells_between(cells, "TESTS"):
            if source.startswith("# HIDDEN"):
                hidden_cells.add(id(cell))
                secret |= _lines(source.removeprefix("# HIDDEN"))
        for cell in cells:
            if id(cell) not in hidden_cells:
                shown |= _lines("".join(cell["source"]))
    public = set()
    for path in public_files:
        public |= file_lines(pathlib.Path(path))
    return secret - shown - public - {"..."}


def _solution_body_lines(source: str) -> set[str]:
    body = set()
    for part in source.split("# BEGIN SOLUTION")[1:]:
        body |= _lines(part.split("# END SOLUTION")[0])
    return body


def _strings(value):
    """Every string inside a JSON value (a notebook's cells, outputs and metadata)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def file_lines(path: pathlib.Path) -> set[str]:
    """The stripped lines of a file as a reader could see them: every string of a notebook (a list of
    source lines is joined first), every text member of a wheel, or the text of any other file."""
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text())
        for cell in nb.get("cells", []):
            if isinstance(cell.get("source"), list):
                cell["source"] = "".join(cell["source"])
        return set().union(*(_lines(s) for s in _strings(nb)))
    if path.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(path) as archive:
            return set().union(*(_lines(archive.read(n).decode("utf-8", "replace"))
                                 for n in archive.namelist()))
    try:
        return _lines(path.read_text())
    except UnicodeDecodeError:
        return set()


def public_sources() -> list[pathlib.Path]:
    """The book's own pages and nnlib's source: public wherever the book is read."""
    return [ROOT / page for page in toc_pages()] + sorted((ROOT / "nnlib").rglob("*.py"))


def leaks(folder: pathlib.Path, secrets: set[str]) -> list[str]:
    """'path: line' for every secret line found in a file under `folder`."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and ".git" not in p.parts):
        for line in sorted(file_lines(path) & secrets):
            found.append(f"{path.relative_to(folder)}: {line}")
    return found


# ---- writing the release ----------------------------------------------------------------------

def toc_pages() -> list[str]:
    """Repository-relative source files of every page in _toc.yml (.ipynb or .md)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    names = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    pages = []
    for name in names:
        found = [f"{name}{s}" for s in (".ipynb", ".md") if (ROOT / f"{name}{s}").is_file()]
        if not found:
            raise FileNotFoundError(f"_toc.yml lists {name}, but neither .ipynb nor .md exists")
        pages.append(found[0])
    return pages


def build_wheel(dest: pathlib.Path) -> pathlib.Path:
    """Build nnlib's wheel from a copy of the package sources (no build/ or egg-info left here).
    SOURCE_DATE_EPOCH is the last commit's time, so an unchanged nnlib gives the same wheel."""
    with tempfile.TemporaryDirectory() as tmp:
        src = pathlib.Path(tmp) / "src"
        src.mkdir()
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            shutil.copy2(ROOT / name, src / name)
        shutil.copytree(ROOT / "nnlib", src / "nnlib", ignore=shutil.ignore_patterns("__pycache__"))
        env = dict(os.environ)
        stamp = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
                               capture_output=True, text=True).stdout.strip()
        if stamp:
            env["SOURCE_DATE_EPOCH"] = stamp
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(src),
                        "-w", str(dest)], check=True, env=env)
    (wheel,) = dest.glob("how_neural_networks_learn-*.whl")
    return wheel


def student_requirements(wheel: pathlib.Path) -> str:
    """This repository's .binder/requirements.txt, its nnlib line replaced by the wheel beside it."""
    version = wheel.name.split("-")[1]
    lines = ["# The student environment (written by `make release`): install it with",
             "#     pip install -r .binder/requirements.txt",
             "# nnlib comes from the wheel next to this file (pip reads `--find-links .` from here)."]
    replaced = False
    for line in (ROOT / ".binder" / "requirements.txt").read_text().splitlines():
        if line.startswith(NNLIB_LINE_PREFIX):
            lines += ["--find-links .", f"how-neural-networks-learn=={version}"]
            replaced = True
        elif line.strip() and not line.startswith("#"):
            lines.append(line)
    if not replaced:
        raise ValueError(f".binder/requirements.txt has no line starting {NNLIB_LINE_PREFIX!r}")
    return "\n".join(lines) + "\n"


STUDENT_README = """\
# How Neural Networks Learn: student copy

This folder is the student release of the open textbook *How Neural Networks Learn*: the chapters
(`book/*.ipynb`), the appendices, and the assignment notebooks (`book/assignments/student/`) that you
fill in. Your course's JupyterHub keeps it up to date: each time you follow a link from the book, your
teacher's latest version is merged into this folder, and your own changes are kept.

Open a chapter and run it from the top (Run > Run All Cells). In an assignment, replace each `...` with
your code and run the `grader.check("q1")` cell below it to check your answer; your teacher grades your
notebook with further tests.

On your own computer, install what the notebooks need with `pip install -r .binder/requirements.txt`.
"""


def write_release(out: pathlib.Path, assignments: pathlib.Path) -> list[pathlib.Path]:
    """Write the release into `out` (emptied first, except a .git folder); return the files written."""
    names = sorted(p.name for p in MASTERS.glob("*.ipynb"))
    missing = [n for n in names if not (assignments / n[:-6] / "student" / n).is_file()]
    if missing:
        raise FileNotFoundError(f"no student notebook for {missing} in {assignments}: run `make assignments`")
    with tempfile.TemporaryDirectory() as tmp:
        stage = pathlib.Path(tmp) / "release"
        for page in toc_pages():
            (stage / page).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / page, stage / page)
        if (ROOT / "book" / "images").is_dir():
            shutil.copytree(ROOT / "book" / "images", stage / "book" / "images")
        student = stage / "book" / "assignments" / "student"
        student.mkdir(parents=True, exist_ok=True)
        for name in names:
            shutil.copy2(assignments / name[:-6] / "student" / name, student / name)
        (stage / "README.md").write_text(STUDENT_README)
        shutil.copy2(ROOT / "LICENSE", stage / "LICENSE")
        secrets = secret_lines(public_files=public_sources())
        found = leaks(stage, secrets)
        if not found:  # the wheel takes a while to build: only once the pages passed
            binder = stage / ".binder"
            binder.mkdir()
            wheel = build_wheel(binder)
            (binder / "requirements.txt").write_text(student_requirements(wheel))
            found = leaks(binder, secrets)
        if found:
            raise SystemExit("refusing to release: these lines are solutions or hidden tests:\n  "
                             + "\n  ".join(found))
        out.mkdir(parents=True, exist_ok=True)
        for child in out.iterdir():
            if child.name != ".git":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        for child in stage.iterdir():
            shutil.move(str(child), out / child.name)
    return sorted(p for p in out.rglob("*") if p.is_file() and ".git" not in p.relative_to(out).parts)


def _git(*args, env=None, cwd=None):
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True,
                          env=env, cwd=cwd).stdout.strip()


def commit_release(out: pathlib.Path, repo: pathlib.Path, branch: str) -> str | None:
    """Commit the folder `out` as the next commit of `branch` in `repo` (bare or not) without touching
    its working tree or index; return the new commit, or None if the release did not change."""
    git_dir = _git("-C", str(repo), "rev-parse", "--absolute-git-dir")
    head = subprocess.run(["git", "--git-dir", git_dir, "symbolic-ref", "-q", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    if head == f"refs/heads/{branch}" and _git("--git-dir", git_dir, "rev-parse", "--is-bare-repository") == "false":
        raise SystemExit(f"branch {branch} is checked out in {repo}: release to another branch")
    source = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "an unversioned tree"
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, GIT_DIR=git_dir, GIT_WORK_TREE=str(out.resolve()),
                   GIT_INDEX_FILE=str(pathlib.Path(tmp) / "index"))
        if not subprocess.run(["git", "config", "user.name"], env=env, capture_output=True).stdout.strip():
            env.update(GIT_AUTHOR_NAME="book release", GIT_COMMITTER_NAME="book release",
                       GIT_AUTHOR_EMAIL="release@localhost", GIT_COMMITTER_EMAIL="release@localhost")
        _git("add", "--all", "--force", ".", env=env, cwd=out)
        tree = _git("write-tree", env=env)
        parent = subprocess.run(["git", "rev-parse", "--verify", "-q", f"refs/heads/{branch}"],
                                env=env, capture_output=True, text=True).stdout.strip()
        if parent and _git("rev-parse", f"{parent}^{{tree}}", env=env) == tree:
            return None
        commit = _git("commit-tree", tree, *(["-p", parent] if parent else []),
                      "-m", f"Student release of {source}", env=env)
        _git("update-ref", f"refs/heads/{branch}", commit, *([parent] if parent else []), env=env)
    return commit


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "_build" / "release"), help="folder to write")
    parser.add_argument("--assignments", default=str(ROOT / "_build" / "assignments"),
                        help="where `make assignments` wrote the student notebooks")
    parser.add_argument("--branch", help="branch to commit the release to "
                        "(default: repository.student_release in _config.yml)")
    parser.add_argument("--repo", default=str(ROOT), help="git repository of that branch (default: this one)")
    parser.add_argument("--no-commit", action="store_true", help="only write the folder")
    args = parser.parse_args(argv)

    out = pathlib.Path(args.out).resolve()
    files = write_release(out, pathlib.Path(args.assignments))
    print(f"student release: {len(files)} files in {out}")
    if args.no_commit:
        return 0
    url, branch = release_source()
    branch = args.branch or branch
    commit = commit_release(out, pathlib.Path(args.repo), branch)
    if commit is None:
        print(f"branch {branch} already holds this release")
    else:
        print(f"committed {commit[:12]} to branch {branch} of {args.repo}")
    if pathlib.Path(args.repo).resolve() == ROOT:
        print(f"publish it where the JupyterHub button pulls from: git push {url} {branch}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
