"""End to end, as a class would use it: the book's JupyterHub button on a real local JupyterHub.

Everything runs on 127.0.0.1 and is stopped by the test:

1. a git server (smart HTTP, tests/hub/git_server.py) holding a bare repository `course/book`;
2. `classroom/release.py` commits the student release to its branch `student`;
3. the book is built with that self-hosted repository and `launch_buttons.jupyterhub_url` set;
4. the hub admin's one step: clone the release and `pip install -r .binder/requirements.txt` into the
   hub's environment (_build/hub/venv, which the Makefile filled from tests/hub/requirements.txt);
5. JupyterHub 6 (DummyAuthenticator, SimpleLocalProcessSpawner, configurable-http-proxy from npm);
6. Chromium opens the built chapter page, follows its JupyterHub button, signs in; nbgitpuller pulls
   the release and JupyterLab opens the chapter; all cells run without an error; moving a slider
   redraws the figure; the student's folder holds no master notebook and no solution line.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from conftest import CHP, HUB_VENV, ROOT, build_book, leaked, missing, secret_lines, serve_directory
from git_server import GitServer

from classroom.release import commit_release

CHAPTER = "book/neurons.ipynb"
STUDENT = "student"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*args, **kwargs):
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


HUB_CONFIG = """\
c = get_config()  # noqa
c.JupyterHub.bind_url = "http://127.0.0.1:{hub_port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {api_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.JupyterHub.db_url = "sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{state}/jupyterhub_cookie_secret"
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = "{password}"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = "{homes}/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = ["--ServerApp.allow_root=True", "--LabApp.expose_app_in_browser=True"]
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
"""


@pytest.fixture(scope="module")
def course(tmp_path_factory, assignments_built):
    """Git server with the student release, the built book, and the hub environment installed."""
    if not (HUB_VENV / "bin" / "jupyterhub").exists() or not CHP.exists():
        missing("the hub side is not installed: run `make test-hub`")
    tmp = tmp_path_factory.mktemp("course")
    repo = tmp / "git" / "course" / "book"
    run("git", "init", "--quiet", "--bare", repo)
    with GitServer(tmp / "git") as server:
        url = server.url("course/book")
        print(run(sys.executable, "-m", "classroom.release", "--out", tmp / "release",
                  "--repo", repo, "--branch", "student"))
        hub_port = free_port()
        html = build_book(tmp / "book", url, f"http://127.0.0.1:{hub_port}", student_release="student")
        # The hub admin's step (docs/teaching.md): clone the release, install the student environment. A
        # previous run's nnlib is removed first, as on a fresh hub.
        python = HUB_VENV / "bin" / "python"
        subprocess.run([str(python), "-m", "pip", "uninstall", "--quiet", "--yes", "how-neural-networks-learn"],
                       capture_output=True)
        started = time.monotonic()
        run("git", "clone", "--quiet", "--depth", "1", "--branch", "student", url, tmp / "admin" / "book")
        run(python, "-m", "pip", "install", "--quiet", "-r", tmp / "admin" / "book" / ".binder" / "requirements.txt")
        print(f"student environment installed in {time.monotonic() - started:.0f} s")
        where, version = run(python, "-c", "import importlib.metadata as m, nnlib; "
                             "print(nnlib.__file__); print(m.version('how-neural-networks-learn'))",
                             cwd=tmp).split()  # not from this checkout: a package in the hub's venv
        assert Path(where).resolve().is_relative_to(HUB_VENV.resolve()), where
        assert version == "0.2.0"
        yield {"tmp": tmp, "url": url, "html": html, "hub_port": hub_port, "server": server, "repo": repo}


@pytest.fixture(scope="module")
def hub(course):
    """A running JupyterHub on 127.0.0.1; stopped (with its proxy and user servers) afterwards."""
    state = course["tmp"] / "hub"
    homes = course["tmp"] / "homes"
    state.mkdir()
    homes.mkdir()
    password = "correct-horse"
    (state / "jupyterhub_config.py").write_text(HUB_CONFIG.format(
        hub_port=course["hub_port"], api_port=free_port(), proxy_api_port=free_port(), chp=str(CHP),
        state=state, password=password, homes=homes,
        singleuser=str(HUB_VENV / "bin" / "jupyterhub-singleuser")))
    env = {"PATH": f"{HUB_VENV / 'bin'}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
           "HOME": str(state)}
    log = open(state / "jupyterhub.log", "w")
    process = subprocess.Popen([str(HUB_VENV / "bin" / "jupyterhub"), "-f", str(state / "jupyterhub_config.py")],
                               cwd=state, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    base = f"http://127.0.0.1:{course['hub_port']}"
    try:
        for _ in range(240):
            if process.poll() is not None:
                pytest.fail(f"JupyterHub exited:\n{(state / 'jupyterhub.log').read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"{base}/hub/api/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"JupyterHub did not start within 120 s:\n{(state / 'jupyterhub.log').read_text()[-3000:]}")
        yield {"base": base, "password": password, "homes": homes, "log": state / "jupyterhub.log"}
    finally:
        children = []
        try:
            children = psutil.Process(process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            pass
        process.send_signal(signal.SIGTERM)  # the hub stops its proxy and the user servers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for child in children:  # anything the hub left behind (only processes this test started)
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass
        log.close()


def kernel_ready(app="window.jupyterapp"):
    widget = f"{app}.shell.currentWidget"
    return (f"{app} && {widget} && {widget}.sessionContext && {widget}.sessionContext.session "
            f"&& {widget}.sessionContext.session.kernel "
            f"&& {widget}.sessionContext.session.kernel.connectionStatus === 'connected' "
            f"&& {widget}.sessionContext.kernelDisplayStatus === 'idle'")


CELLS_STATE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.model.cells;
  const result = {code: 0, run: 0, errors: [], status: panel.sessionContext.kernelDisplayStatus,
                  path: panel.context.path};
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    result.code += 1;
    if (cell.executionCount !== null) result.run += 1;
    for (let j = 0; j < cell.outputs.length; j++) {
      const out = cell.outputs.get(j).toJSON();
      if (out.output_type === 'error') result.errors.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
    }
  }
  return result;
}"""


@contextlib.contextmanager
def chapter_on_the_hub(course, hub):
    """Chromium opens the built chapter page, follows its JupyterHub button and signs in; yields the
    JupyterLab page once the chapter is open and its kernel idle."""
    from playwright.sync_api import sync_playwright

    from booksite.browser import CHROMIUM_ARGS, chromium_path

    browser_path = chromium_path()
    if browser_path is None:
        missing("Chromium is not installed: run `make browser`")
    with serve_directory(course["html"]) as book, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.set_default_timeout(120_000)
            page.goto(f"{book}/{CHAPTER.replace('.ipynb', '.html')}")
            # The launch menu of the chapter page, then its JupyterHub entry.
            page.locator(".dropdown-launch-buttons button").first.click()
            link = page.locator(".dropdown-launch-buttons a", has_text="JupyterHub")
            href = link.get_attribute("href")
            assert href.startswith(hub["base"] + "/hub/user-redirect/git-pull?"), href
            if link.get_attribute("target") == "_blank":
                with context.expect_page() as opened:
                    link.click()
                page = opened.value
                page.set_default_timeout(120_000)
            else:
                link.click()
            # Sign in (the dummy authenticator stands for the school's login).
            page.wait_for_selector("#username_input")
            page.fill("#username_input", STUDENT)
            page.fill("#password_input", hub["password"])
            page.click("#login_submit")
            # Spawn, nbgitpuller pulls the release, JupyterLab opens the chapter.
            page.wait_for_function(kernel_ready(), timeout=240_000, polling=500)
            state = page.evaluate(CELLS_STATE)
            assert state["path"] == f"book/{CHAPTER}", state["path"]
            yield page
        finally:
            browser.close()


def test_a_student_follows_the_books_button_and_runs_the_chapter_on_the_hub(course, hub):
    with chapter_on_the_hub(course, hub) as page:
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        page.wait_for_function("() => { const c = window.jupyterapp.shell.currentWidget.content.model.cells;"
                               " for (let i = 0; i < c.length; i++) { const x = c.get(i);"
                               " if (x.type === 'code' && x.executionCount !== null) return false; }"
                               " return true; }")
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        page.wait_for_function(f"() => {{ const s = ({CELLS_STATE})(); return s.errors.length > 0 "
                               f"|| (s.run === s.code && s.status === 'idle'); }}",
                               timeout=300_000, polling=500)
        state = page.evaluate(CELLS_STATE)
        assert state["errors"] == [], state["errors"]
        assert state["run"] == state["code"] > 5, state
        # A figure responds: move a slider, the figure's image changes.
        figure = page.locator(".jp-OutputArea-output:has(.widget-slider)").first
        figure.scroll_into_view_if_needed()
        image = figure.locator("img").first
        image.wait_for(state="visible")
        before = image.get_attribute("src")
        handle = figure.locator(".widget-slider .noUi-handle").nth(2)
        handle.focus()
        for _ in range(5):
            handle.press("ArrowRight")
        page.wait_for_function("([el, old]) => el.getAttribute('src') !== old",
                               arg=[image.element_handle(), before], timeout=60_000)

    # The student's folder: the release, and no master notebook, hidden test or solution anywhere.
    home = hub["homes"] / STUDENT
    clone = home / "book"
    assert (clone / CHAPTER).is_file() and (clone / ".git").is_dir()
    everything = [p.relative_to(home).as_posix() for p in home.rglob("*")]
    assert not [p for p in everything if "masters" in p or p.endswith(".zip")], everything
    assert sorted((clone / "book" / "assignments" / "student").glob("*.ipynb")), "no student notebooks"
    in_history = run("git", "-C", clone, "log", "--all", "--name-only", "--format=")
    assert "masters" not in in_history
    assert leaked(home, secret_lines()) == []
    # nbgitpuller pulled the release from the git server
    assert any("git-upload-pack" in r for r in course["server"].requests)


def test_a_new_release_reaches_the_student_and_keeps_their_work(course, hub):
    """The teacher publishes a changed release; the student's next click on the button merges it into
    their folder, and the answer they wrote in an assignment stays."""
    clone = hub["homes"] / STUDENT / "book"
    if not (clone / ".git").is_dir():
        pytest.skip("the student has no copy yet (the first visit failed)")
    assignment = clone / "book" / "assignments" / "student" / "neurons.ipynb"
    work = json.loads(assignment.read_text())
    answer = "def weighted_sum(w, x, b):  # the student's own answer"
    work["cells"].append({"cell_type": "code", "metadata": {}, "source": answer, "outputs": [],
                          "execution_count": None})
    assignment.write_text(json.dumps(work, indent=1))

    release = course["tmp"] / "release"
    intro = json.loads((release / "book" / "intro.ipynb").read_text())
    news = "New this week: a note from your teacher."
    intro["cells"].append({"cell_type": "markdown", "metadata": {}, "source": news})
    (release / "book" / "intro.ipynb").write_text(json.dumps(intro, indent=1))
    assert commit_release(release, course["repo"], "student")

    with chapter_on_the_hub(course, hub):
        pass
    assert news in (clone / "book" / "intro.ipynb").read_text()
    assert answer in assignment.read_text()
