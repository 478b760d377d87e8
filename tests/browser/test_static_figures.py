"""The static HTML export of every interactive figure, in headless Chromium.

The test writes a standalone page from ``to_html()`` of each figure (no jupyter-book build
needed), serves it on 127.0.0.1, moves every control to another precomputed value and checks that
the shown frame changes, that no request leaves the machine and that the console stays free of
errors. Values off the grid are computed by Python in the page (tests/browser/test_live_figures.py);
here, outside a built book, or in a book without its in-browser edition, the figure must say
plainly that it can show only the precomputed values.
"""
import json
import shutil
from pathlib import Path

import pytest

from nnlib import widgets
from nnlib.widgets import registry

FIGURES = list(registry.figures())  # the one list of the figures (see nnlib/widgets/__init__.py)


@pytest.fixture(scope="module")
def page_url(tmp_path_factory, serve, figure_html):
    folder = tmp_path_factory.mktemp("figures")
    _, body = figure_html(FIGURES)
    (folder / "index.html").write_text(f"<!doctype html><html><head><meta charset='utf-8'>"
                                       f"<title>figures</title><link rel='icon' href='data:,'></head><body>{body}</body></html>")
    with serve(folder) as url:
        yield url + "index.html"


@pytest.fixture(scope="module")
def page(chromium, page_url):
    page = chromium.new_page()
    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:")) else None)
    page.goto(page_url)
    page.wait_for_load_state("load")
    yield page
    assert not errors, f"console errors: {errors}"
    assert not outside, f"requests left the machine: {outside}"
    page.close()


@pytest.mark.parametrize("name", FIGURES)
def test_every_enabled_control_changes_the_frame(page, name):
    root = page.locator(f"#fig-{name}")
    img = root.locator("img.nnlib-frame")
    controls = root.locator("[data-control]")
    assert controls.count() >= 1 and root.locator("[disabled]").count() == 0, "no control may be greyed out"
    moved = 0
    for i in range(controls.count()):
        control = controls.nth(i)
        before = img.get_attribute("src")
        if control.evaluate("el => el.tagName") == "SELECT":
            current = control.input_value()
            others = [o.get_attribute("value") for o in control.locator("option[data-frame]").all()
                      if o.get_attribute("value") != current]
            if not others:
                continue
            control.select_option(others[0])
        else:
            grid = json.loads(control.get_attribute("data-grid"))
            current = float(control.input_value())
            others = [g for g in grid if abs(g - current) > 1e-9]
            if not others:
                continue
            control.fill(f"{others[0]:g}")  # fires input + change
            assert float(control.input_value()) == pytest.approx(others[0]), "the thumb must sit on the value"
        moved += 1
        after = img.get_attribute("src")
        assert after != before, f"{name}: control {control.get_attribute('data-control')} did not change the frame"
        assert after.startswith("data:image/png;base64,")
    assert moved >= 1, "the main control must have precomputed values"


def test_slider_readout_shows_the_chosen_value(page):
    root = page.locator("#fig-backprop_stepper")
    slider = root.locator("input[data-control=step]")
    slider.fill("4")
    assert root.locator(".nnlib-value").first.text_content() == "4"
    assert root.get_attribute("data-key").startswith("4_")


def test_off_grid_value_outside_the_book_says_only_precomputed_values_show(page):
    root = page.locator("#fig-neuron_playground")
    before = root.locator("img.nnlib-frame").get_attribute("src")
    root.locator("[data-control=w2]").fill("0.3")
    page.wait_for_function("() => /Only the/.test(document.querySelector('#fig-neuron_playground .nnlib-note').textContent)")
    assert "Only the precomputed values can be shown" in root.locator(".nnlib-status").text_content()
    assert root.locator("img.nnlib-frame").get_attribute("src") == before
    root.locator("[data-control=w2]").fill("-1")  # back on the grid: the status clears
    assert root.locator(".nnlib-note").text_content() == ""


def test_a_book_without_its_in_browser_python_says_so(chromium, tmp_path, serve):
    """A small build without lite/ (or a host that left it out): the control says why it cannot draw."""
    from nnlib.widgets.export import WORKER_PATH

    worker = Path(__file__).resolve().parents[2] / "booksite" / "figure_worker.js"
    (tmp_path / WORKER_PATH).parent.mkdir(parents=True)
    shutil.copyfile(worker, tmp_path / WORKER_PATH)
    body = widgets.cost_landscape().to_html(element_id="fig")
    (tmp_path / "index.html").write_text("<!doctype html><html data-content_root='./'><head><meta charset='utf-8'>"
                                         f"<title>t</title><link rel='icon' href='data:,'></head><body>{body}</body></html>")
    with serve(tmp_path) as url:
        page = chromium.new_page()
        page.goto(url + "index.html")
        page.locator("#fig [data-control=w]").fill("0.2")
        page.wait_for_function("() => /no in-browser Python/.test("
                               "document.querySelector('#fig .nnlib-status').textContent)", timeout=30000)
        assert page.locator("#fig").get_attribute("aria-busy") is None
        page.close()
