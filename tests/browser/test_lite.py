"""The in-browser edition (book/lite, `make lite`): the fast checks that `make test` runs.

* the site under _build/html/lite serves the official Pyodide files only (sha256 against the
  official lock of npm pyodide), and the build refuses a compiled file that is not official;
* every chapter and assignment page has a "Run in your browser" button whose notebook exists, and
  a page loads nothing of the runtime until the button is pressed;
* in headless Chromium, with every request to another host blocked: pressing the button on the
  Neurons chapter opens it in JupyterLite, all its cells run without error (`import nnlib` with no
  install cell), and its live figure redraws after a slider move.

The full run over every chapter and student notebook is tests/browser/test_lite_full.py
(`make test-lite`).
"""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import pytest

from booksite.browser import BOOK_HTML, ROOT, NetworkGuard, chromium_path, missing
from booksite.browser import lite as lite_driver
from booksite.lite import build

LITE = BOOK_HTML / "lite"
PYODIDE_DIR = LITE / "static" / "pyodide"
CACHE = ROOT / "_build" / "lite-cache"
LITE_PYTHON = ROOT / "_build" / "lite-venv" / "bin" / "python"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def lite_site():
    if not (LITE / "jupyter-lite.json").is_file():
        missing("the in-browser edition is not built: run `make lite`")
    return LITE


@pytest.fixture(scope="module")
def official_lock():
    tgz = CACHE / f"pyodide-{build.PYODIDE_VERSION}.tgz"
    if not tgz.is_file():
        missing("the npm pyodide tarball is not in _build/lite-cache: run `make lite`")
    build.fetch_pyodide_npm(CACHE)  # re-checks the tarball's pinned integrity
    with tarfile.open(tgz) as tar:
        return tgz, json.load(tar.extractfile("package/pyodide-lock.json"))


# ------------------------------------------------------------------------------ the site's files
def test_site_serves_the_official_runtime_and_compiled_files(lite_site, official_lock):
    tgz, official = official_lock
    with tarfile.open(tgz) as tar:
        for name in build.PYODIDE_RUNTIME:
            assert (PYODIDE_DIR / name).read_bytes() == tar.extractfile(f"package/{name}").read(), name
    lock = json.loads((PYODIDE_DIR / "pyodide-lock.json").read_text())
    assert lock["info"]["version"] == build.PYODIDE_VERSION
    # Every file but the pinned PyPI wheels (kernel-wheels.txt) and nnlib's is Pyodide's own.
    from_pypi = {build.normalize(line.split("==")[0])
                 for line in (ROOT / "booksite" / "lite" / "kernel-wheels.txt").read_text().splitlines()
                 if line and not line.startswith("#")}
    compiled = 0
    for name, entry in lock["packages"].items():
        path = PYODIDE_DIR / entry["file_name"]
        assert _sha256(path) == entry["sha256"], f"{path.name} is not the file the lock names"
        if name in from_pypi or "nnlib" in entry["imports"] or name == build.normalize(build.FONT_CACHE_PACKAGE):
            continue  # PyPI's files, and the two wheels the build makes (nnlib, matplotlib's font list)
        assert entry == official["packages"][name], name
        compiled += entry["file_name"].endswith(("wasm32.whl", ".zip"))
    # numpy, scipy, matplotlib, scikit-learn and the rest of the compiled set, all official (9
    # since ssl and its openssl library left the site).
    assert compiled >= 9
    for needed in ("numpy", "scipy", "matplotlib", "scikit-learn", "ipywidgets", "comm", "tqdm"):
        assert needed in lock["packages"], needed
    nnlib = [e for e in lock["packages"].values() if "nnlib" in e["imports"]]
    assert len(nnlib) == 1 and {"numpy", "matplotlib", "ipywidgets"} <= set(nnlib[0]["depends"])
    # nnlib does not bring scipy or scikit-learn into a chapter that does not import them (issue 22),
    # and brings matplotlib's font list, unpacked after matplotlib's own files.
    assert not {"scipy", "scikit-learn"} & set(nnlib[0]["depends"])
    assert build.normalize(build.FONT_CACHE_PACKAGE) in nnlib[0]["depends"]
    assert lock["packages"][build.normalize(build.FONT_CACHE_PACKAGE)]["depends"] == ["matplotlib"]
    # Nothing in the site's configuration points at another host.
    config = (lite_site / "jupyter-lite.json").read_text()
    settings = json.loads(config)["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"]
    assert settings["pyodideUrl"] == "./static/pyodide/pyodide.js"
    assert settings["disablePyPIFallback"] is True
    # The kernel's own packages load in one batch while Pyodide starts (loadPyodideOptions), not
    # one by one after it; a name the lock lacks would stop every kernel from starting.
    preload = settings["loadPyodideOptions"]["packages"]
    assert {"micropip", "ipython", "comm"} <= set(preload)
    assert all(name in lock["packages"] for name in preload), preload
    assert all(url.startswith("./") for url in settings["pipliteUrls"])
    assert not re.search(r"https?://(?!127\.0\.0\.1|localhost)", config)


def test_the_site_registers_no_service_worker(lite_site):
    """JupyterLite's service worker only serves the kernel's view of the browser's files (and
    input()), which no notebook of the book uses. With a registered worker the kernel mounts that
    drive and changes into the notebook's folder through it: whenever the worker does not answer
    (not yet in control of the page, or blocked, as Playwright blocks it), every notebook in a
    folder (the assignments) never gets a ready kernel. So the site registers none."""
    config = json.loads((lite_site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    assert "@jupyterlite/application-extension:service-worker-manager" in config[
        "disabledExtensions"]


def _carrier() -> Path:
    name, version, sha = build.COMPILED_SOURCE
    found = [p for p in (CACHE / "compiled").glob("*.whl") if _sha256(p) == sha]
    if not found:
        missing("the compiled-file carrier is not in _build/lite-cache: run `make lite`")
    return found[0]


def _tampered_carrier(tmp_path: Path, victim: str) -> Path:
    """A copy of the carrier's Pyodide files in which one byte of `victim` is changed."""
    out = tmp_path / "tampered.whl"
    with zipfile.ZipFile(_carrier()) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            if not info.filename.startswith(build.COMPILED_PREFIX):
                continue
            data = src.read(info)
            if info.filename.endswith("/" + victim):
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.writestr(info.filename, data)
    return out


def test_a_compiled_file_that_is_not_official_is_refused(official_lock, tmp_path):
    tgz, official = official_lock
    victim = official["packages"]["numpy"]["file_name"]
    dest = tmp_path / "pyodide"
    dest.mkdir()
    with pytest.raises(build.BuildError, match=re.escape(victim)):
        build.take_compiled(_tampered_carrier(tmp_path, victim), official, ["numpy", "scipy"], dest)
    assert not (dest / victim).exists()


def test_a_folder_of_official_files_is_a_source_and_a_changed_file_is_refused(official_lock, tmp_path):
    """Without the carrier wheel, the build reads the compiled files from a folder (the copies an
    earlier build verified, or Pyodide's release archive unpacked), with the same check."""
    tgz, official = official_lock
    folder = tmp_path / "release"
    folder.mkdir()
    names = ["numpy", "scipy"]
    for name in names:
        file_name = official["packages"][name]["file_name"]
        (folder / file_name).write_bytes(build.read_compiled(_carrier(), file_name))
    dest = tmp_path / "ok"
    dest.mkdir()
    assert sorted(build.take_compiled(folder, official, names, dest)) == sorted(
        official["packages"][n]["file_name"] for n in names)
    victim = folder / official["packages"]["scipy"]["file_name"]
    data = victim.read_bytes()
    victim.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    refused = tmp_path / "refused"
    refused.mkdir()
    with pytest.raises(build.BuildError, match=re.escape(victim.name)):
        build.take_compiled(folder, official, names, refused)
    assert not (refused / victim.name).exists()


def test_the_build_fails_on_a_tampered_compiled_file(official_lock, tmp_path):
    """The whole build (build.py, as `make lite` runs it) stops before writing the site."""
    if not LITE_PYTHON.exists():
        missing("the lite toolchain venv is missing: run `make lite`")
    tgz, official = official_lock
    victim = official["packages"]["scipy"]["file_name"]
    out = tmp_path / "site"
    result = subprocess.run(
        [str(LITE_PYTHON), "-m", "booksite.lite.build", "--out", str(out),
         "--cache", str(CACHE), "--compiled-wheel", str(_tampered_carrier(tmp_path, victim))],
        capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "refused" in result.stderr and victim in result.stderr
    assert not out.exists()


# ---------------------------------------------------------------------------- the book's pages
def _pages_with_notebooks() -> list[tuple[str, str]]:
    """(page, notebook in the lite site) for every chapter and assignment page."""
    pages = [(f"book/{p.stem}.html", p.name) for p in sorted((ROOT / "book").glob("*.ipynb"))
             if p.stem in (ROOT / "_toc.yml").read_text()]
    pages += [(f"book/assignments/{p.stem}.html", f"assignments/{p.name}")
              for p in sorted((ROOT / "book" / "assignments" / "student").glob("*.ipynb"))]
    return pages


def test_every_chapter_and_assignment_page_has_the_button(lite_site):
    pages = _pages_with_notebooks()
    assert len(pages) >= 14
    for page, notebook in pages:
        html = (BOOK_HTML / page).read_text()
        hrefs = re.findall(r'<a class="[^"]*lite-launch-button[^"]*" href="([^"]+)"', html)
        assert len(hrefs) == 1, page
        target = urlparse(urljoin(f"http://x/{page}", hrefs[0].replace("&amp;", "&")))
        assert target.path == "/lite/notebooks/index.html", page
        assert parse_qs(target.query)["path"] == [notebook], page
        assert (lite_site / "files" / notebook).is_file(), notebook
        assert "Run in your browser" in html
        # The header's launch menu offers it as well, and the page loads no script of the runtime.
        assert html.count(hrefs[0]) == 2, page
        assert not re.search(r"<script[^>]+(pyodide|/lite/)", html), page


def _chromium():
    if chromium_path() is None:
        missing("Chromium is not installed: run `make browser` (Debian package `chromium`).")
    from playwright.sync_api import sync_playwright
    return sync_playwright, chromium_path()


@pytest.fixture(scope="module")
def lite_browser():
    sync_playwright, path = _chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=lite_driver.chromium_args())
        try:
            yield browser
        finally:
            browser.close()


def test_run_in_your_browser_runs_the_chapter_and_its_figure_is_live(lite_site, lite_browser, serve):
    with serve(BOOK_HTML) as base:
        context = lite_browser.new_context(viewport={"width": 1280, "height": 900})
        # On the book's page, CDN requests are answered from local copies when `make vendor` has
        # fetched them (test_book_pages checks the pages themselves); once the reader is in
        # JupyterLite, every request to another host is a failure.
        page_guard = NetworkGuard(base)
        lite_guard = lite_driver.LiteGuard(base)
        phase = {"lite": False}
        context.route("**/*", lambda route: (lite_guard if phase["lite"] else page_guard).handle(route))
        requests = []
        context.on("request", lambda r: requests.append(r.url))
        page = context.new_page()
        page.set_default_timeout(300_000)
        page.goto(base + "book/neurons.html")
        page.wait_for_load_state("load")
        page.wait_for_timeout(500)
        # Nothing of the runtime has been requested by the chapter page itself.
        assert not [u for u in requests if "/lite/" in u or "pyodide" in u]
        phase["lite"] = True
        page.locator("a.lite-launch-button").first.click()
        page.wait_for_url(re.compile(r"/lite/notebooks/index\.html\?path=neurons\.ipynb"))
        lite_driver.wait_kernel(page)
        result = lite_driver.run_all(page)
        assert result["errors"] == [], result["errors"]
        assert result["ok"] and result["run"] == result["total"] > 5
        figures = lite_driver.count_figures(page)
        assert figures >= 1
        seconds = lite_driver.move_slider(page, figures - 1)
        assert seconds is not None and seconds < 120
        # The kernel's Web Worker fetched Pyodide and the wheels from this server, and nothing
        # went anywhere else.
        assert any(u.endswith("/static/pyodide/pyodide.asm.wasm") for u in lite_guard.local)
        assert any("/static/pyodide/numpy-" in u for u in lite_guard.local)
        assert lite_guard.outside == [], lite_guard.outside
        context.close()


# ----------------------------------------------------------- grader.check in the browser copies
def test_browser_copies_of_student_notebooks_check_answers_on_the_students_variant(capsys, tmp_path):
    """The browser copy of a student notebook carries its checks' data in its checks cell (a kernel
    in the browser cannot read the notebook file): unanswered questions say so, a right answer
    passes, the same checks as in Jupyter (issue 19), and no otter cell is left."""
    students = sorted((ROOT / "book" / "assignments" / "student").glob("*.ipynb"))
    assert students
    for path in students:
        staged = tmp_path / path.name
        build.stage_notebook(path, staged)
        nb = json.loads(staged.read_text())
        assert len(nb["cells"]) == len(json.loads(path.read_text())["cells"]) + 1  # the one-line run hint
        assert nb["metadata"]["kernelspec"]["name"] == "python"
        sources = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
        assert not any("import otter" in s or "otter.Notebook(" in s for s in sources), path.name
        namespace: dict = {"__name__": "__main__"}
        for code in sources:  # the student's starting point, with an id typed: `...` where answers go
            if code.startswith("student_id ="):
                code = 'student_id = "ada"'
            checks_cell = "_EMBEDDED_CHECKS = " in code
            if checks_cell or "grader." not in code and ("..." not in code or "def " in code):
                exec(compile(code, path.name, "exec"), namespace)
        capsys.readouterr()
        namespace["grader"].check_all()
        out = capsys.readouterr().out
        assert "questions pass their checks for your variant" in out and "is not answered yet" in out, path.name
        # A few lines of feedback, no doctest traceback (issue 22).
        assert "Traceback" not in out and "Failed example" not in out, out
    # A right answer to the first question of the neurons assignment passes its check.
    staged = tmp_path / "neurons.ipynb"
    build.stage_notebook(ROOT / "book" / "assignments" / "student" / "neurons.ipynb", staged)
    namespace = {"__name__": "__main__", "student_id": "ada"}
    first = next(c for c in json.loads(staged.read_text())["cells"] if c["cell_type"] == "code")
    exec("".join(first["source"]), namespace)
    exec("import numpy as np\ndef weighted_sum(w, x, b):\n    return float(np.dot(w, x) + b)", namespace)
    capsys.readouterr()
    namespace["grader"].check("q1")
    assert capsys.readouterr().out.strip() == "q1: passed."


def test_the_kernel_starts_without_ssl_and_jedi(lite_site):
    """The kernel loads neither ssl (with its 2 MB openssl library) nor jedi before the first cell
    (about a second of every start, issue 22): not preloaded, not in the start list the kernel
    would install them from, not in the site; the chapters still run (the JupyterLite tests)."""
    config = json.loads((lite_site / "jupyter-lite.json").read_text())
    preload = config["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"]["loadPyodideOptions"]["packages"]
    assert not {"ssl", "jedi"} & set(preload), preload
    scripts = "".join(p.read_text(encoding="utf-8") for p in (lite_site / build.KERNEL_SCRIPTS).glob("*.js"))
    assert build.KERNEL_START not in scripts and build.KERNEL_START_LEAN in scripts
    lock = json.loads((lite_site / "static" / "pyodide" / "pyodide-lock.json").read_text())
    assert not {"ssl", "openssl", "jedi", "parso"} & set(lock["packages"]), sorted(lock["packages"])


def test_a_kernel_with_another_start_list_stops_the_build(tmp_path):
    folder = tmp_path / build.KERNEL_SCRIPTS
    folder.mkdir(parents=True)
    (folder / "1.js").write_text('n=["ssl","sqlite3","ipykernel"]')
    with pytest.raises(build.BuildError, match="update booksite/lite/build.py KERNEL_START"):
        build.lean_kernel_start(tmp_path)
    (folder / "2.js").write_text("x=" + build.KERNEL_START)
    assert build.lean_kernel_start(tmp_path) == 1 and build.KERNEL_START_LEAN in (folder / "2.js").read_text()


def test_browser_checks_cell_imports_in_its_own_code_what_its_checks_import(tmp_path):
    """Pyodide's kernel loads a package before a cell runs only if the cell's own code imports it;
    the checks run from a string (`_CHECKS_SOURCE`), so the cell itself must name every package they
    import as they load, beyond the standard library (nnlib is imported only inside the judges of
    the assignments whose notebooks import it), or it fails in a fresh browser kernel with "No module named
    'numpy'" (the CI run of make test-lite, before the cell named numpy)."""
    import ast

    path = ROOT / "book" / "assignments" / "student" / "neurons.ipynb"
    build.stage_notebook(path, tmp_path / path.name)
    cell = next("".join(c["source"]) for c in json.loads((tmp_path / path.name).read_text())["cells"]
                if "_EMBEDDED_CHECKS = " in "".join(c["source"]))

    def imported(code):  # what the code imports when it runs (not inside its functions)
        names = set()
        for node in ast.parse(code).body:
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
        return names - set(sys.stdlib_module_names)

    hidden = ast.literal_eval(cell.split("_CHECKS_SOURCE = ", 1)[1].split("\n", 1)[0])
    assert imported(hidden) == {"numpy"}, imported(hidden)
    assert imported(hidden) <= imported(cell), "the cell's own code does not import numpy"


# ----------------------------------------------- the browser copies read like the book (issue 22)
RAW_MYST = re.compile(r"^[ \t]*(`{3,}|:{3,})\{[\w-]+\}|\{(ref|doc|numref|eq)\}`|^[ \t]*:class:|^\([\w-]+\)=\s*$",
                      re.M)


def _staged(tmp_path, source: Path) -> dict:
    target = tmp_path / source.name
    build.stage_notebook(source, target)
    return json.loads(target.read_text())


@pytest.mark.parametrize("source, rel", build.notebooks(), ids=[rel for _, rel in build.notebooks()])
def test_browser_copies_have_no_raw_myst_and_no_colab_setup(source, rel, tmp_path):
    """JupyterLab renders CommonMark and HTML, not MyST: the build rewrites directives and roles,
    so answers are hidden in <details> until opened and references are links to the book's pages."""
    original = json.loads(source.read_text())
    copy = _staged(tmp_path, source)
    markdown = ["".join(c["source"]) for c in copy["cells"] if c["cell_type"] == "markdown"]
    for text in markdown:
        assert not RAW_MYST.search(text), f"{rel}: raw MyST left: {RAW_MYST.search(text)[0]!r}"
    before = "\n".join("".join(c["source"]) for c in original["cells"] if c["cell_type"] == "markdown")
    hidden = len(re.findall(r"\{dropdown\}|:class: dropdown", before))
    assert sum(t.count("<details>") for t in markdown) == hidden
    assert sum(t.count("</details>") for t in markdown) == hidden
    code = ["".join(c["source"]) for c in copy["cells"] if c["cell_type"] == "code"]
    assert not any("google.colab" in c or "%pip" in c for c in code), rel
    assert all(c["metadata"].get("trusted") is True for c in copy["cells"] if c["cell_type"] == "code")
    hints = [t for t in markdown if t == build.RUN_HINT]
    assert len(hints) == 1 and len(hints[0].splitlines()) == 1


def test_references_become_links_to_the_books_pages(tmp_path):
    copy = _staged(tmp_path, ROOT / "book" / "activations.ipynb")
    text = "\n".join(c["source"] for c in copy["cells"] if c["cell_type"] == "markdown")
    assert "[calculus refresher](/book/notation.html#calculus-refresher)" in text
    assert "(/book/assignments/activations.html)" in text
    # every link names a page the book builds
    for page in re.findall(r"\(/book/([\w/-]+)\.html", text):
        assert (ROOT / "book" / f"{page}.ipynb").is_file() or (ROOT / "book" / f"{page}.md").is_file(), page


def test_a_dropdown_inside_a_list_item_stays_in_the_item():
    links = build.BookLinks(targets={}, titles={})
    text = "1. Question?\n\n   ```{dropdown} Answer\n   It is $x^2$.\n   ```\n\n2. Next"
    out = build.myst_to_markdown(text, links, "cost")
    assert out == ("1. Question?\n\n   <details>\n   <summary>Answer</summary>\n\n   It is $x^2$.\n\n"
                   "   </details>\n\n2. Next")
    warn = "```{admonition} Careful\n:class: warning\nBody with {doc}`x <intro>`.\n```"
    assert build.myst_to_markdown(warn, links, "cost") == "> **Careful**\n>\n> Body with [x](/book/intro.html)."
