"""The static HTML export of every interactive figure, in headless Chromium.

The test writes a standalone page from ``to_html()`` of each figure (no jupyter-book build
needed), serves it on 127.0.0.1, moves every enabled control and checks that the shown frame
changes, that no request leaves the machine and that the console stays free of errors.
"""
import pytest

from nnlib import widgets

FIGURES = ["neuron_playground", "activation_explorer", "forward_pass_explorer", "cost_landscape",
           "descent_path", "backprop_stepper", "sgd_vs_full_batch", "training_playground", "digits_training"]


@pytest.fixture(scope="module")
def page_url(tmp_path_factory, serve):
    folder = tmp_path_factory.mktemp("figures")
    body = "".join(f"<h2>{name}</h2>{getattr(widgets, name)().to_html(element_id='fig-' + name)}"
                   for name in FIGURES)
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
    controls = root.locator("[data-control]:not([disabled])")
    assert controls.count() >= 1, "the main control must work in the static page"
    for i in range(controls.count()):
        control = controls.nth(i)
        before = img.get_attribute("src")
        if control.evaluate("el => el.tagName") == "SELECT":
            n = control.locator("option").count()
            current = int(control.input_value())
            control.select_option(str((current + 1) % n))
        else:
            current, top = int(control.input_value()), int(control.get_attribute("max"))
            control.fill(str(current + 1 if current < top else current - 1))  # fires input + change
        after = img.get_attribute("src")
        assert after != before, f"{name}: control {control.get_attribute('data-control')} did not change the frame"
        assert after.startswith("data:image/png;base64,")


def test_slider_readout_shows_the_chosen_value(page):
    root = page.locator("#fig-backprop_stepper")
    slider = root.locator("input[data-control=step]")
    slider.fill("4")
    assert root.locator("output").first.text_content() == "4"
    assert root.get_attribute("data-key").startswith("4_")
