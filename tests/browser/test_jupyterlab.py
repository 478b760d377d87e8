"""A figure in real JupyterLab: run all cells, move a slider, the plot image changes.

Starts JupyterLab on 127.0.0.1 (free port, random token) in a temporary folder holding a small
notebook, drives it with headless Chromium, and stops the server afterwards.
"""
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
JUPYTER = Path(sys.executable).parent / "jupyter"


@pytest.fixture
def lab(tmp_path, free_port):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from nnlib.widgets import neuron_playground\nneuron_playground()")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "figure.ipynb")
    token = secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"))
    process = subprocess.Popen(
        [str(JUPYTER), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={free_port}", "--allow-root",
         f"--IdentityProvider.token={token}", "--LabApp.expose_app_in_browser=True",
         f"--ServerApp.root_dir={tmp_path}"], cwd=tmp_path, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{free_port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start within 60 s")
        yield f"{base}/lab/tree/figure.ipynb?token={token}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_slider_redraws_the_plot_in_jupyterlab(chromium, lab):
    page = chromium.new_page()
    page.set_default_timeout(120_000)
    page.goto(lab)
    page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext.session "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext.session.kernel "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.connectionStatus === 'connected' "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext.kernelDisplayStatus === 'idle'")
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    image = page.locator(".jp-OutputArea-output img").first
    image.wait_for(state="visible")
    before = image.get_attribute("src")
    handle = page.locator(".widget-slider .noUi-handle").nth(2)  # the third slider: w1
    handle.focus()
    for _ in range(5):
        handle.press("ArrowRight")
    page.wait_for_function("([el, old]) => el.getAttribute('src') !== old",
                           arg=[image.element_handle(), before], timeout=60_000)
    assert image.get_attribute("src") != before
    page.close()
