"""A figure in real JupyterLab: run all cells, move a slider, the plot image changes.

Starts JupyterLab on 127.0.0.1 (free port, random token) in a temporary folder holding a small
notebook, drives it with headless Chromium, and stops the server afterwards. The output the
notebook keeps is the widget view only: no precomputed frames (those are for the book's build).
"""
import nbformat
import pytest

from booksite.browser.jupyterlab import KERNEL_READY, run_jupyterlab


@pytest.fixture
def lab(tmp_path, monkeypatch):
    monkeypatch.delenv("NNLIB_STATIC_FIGURES", raising=False)  # a reader's kernel, not the book's build
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from nnlib.widgets import neuron_playground\nneuron_playground()")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "figure.ipynb")
    with run_jupyterlab(tmp_path, "figure.ipynb") as url:
        yield url


def test_slider_redraws_the_plot_in_jupyterlab(chromium, lab):
    page = chromium.new_page()
    page.set_default_timeout(120_000)
    page.goto(lab)
    page.wait_for_function(KERNEL_READY)
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    image = page.locator(".jp-OutputArea-output img").first
    image.wait_for(state="visible")
    before = image.get_attribute("src")
    # What the notebook stores: the widget view, not the book's precomputed frames (issue 21).
    kinds = page.evaluate("() => Object.keys(window.jupyterapp.shell.currentWidget.content.widgets[0]"
                          ".model.outputs.get(0).data)")
    assert "application/vnd.jupyter.widget-view+json" in kinds and "text/html" not in kinds, kinds
    handle = page.locator(".widget-slider .noUi-handle").nth(2)  # the third slider: w1
    handle.focus()
    for _ in range(5):
        handle.press("ArrowRight")
    page.wait_for_function("([el, old]) => el.getAttribute('src') !== old",
                           arg=[image.element_handle(), before], timeout=60_000)
    assert image.get_attribute("src") != before
    page.close()
