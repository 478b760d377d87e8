"""A figure's view in the page (issue 23, items 2 to 4), in headless Chromium, no build needed.

The page holds every figure's ``to_html()`` and serves, as the site's figure worker, a small
stand-in (``STAND_IN``) that answers every frame job with one fixed PNG and a text naming the
values it got; the page's own code and protocol are real. Checked here:

* one worker job per change: a slider moved off the grid (Playwright's ``fill`` fires ``input``
  and then ``change``, as a released slider does) posts exactly one job, counted on the page's
  side of every Worker and MessagePort;
* the figure has one status region (one live region, no ``<output>``s) whose words are the
  figure's own ``description`` for the values shown, and the image's alt text is the same;
* a link to a view: opening ``#fig=NAME&control=value...`` puts every control at the linked
  value and shows that view's frame and words; moving a control writes the view into the URL;
  the "Link to this view" button copies that URL.

The real worker (Pyodide) is driven in test_live_figures.py on the built book.
"""
import base64
import io
import json
import math
from urllib.parse import quote

import pytest

from nnlib import widgets
from nnlib.widgets.controls import fmt
from nnlib.widgets.export import TURN_MS, WORKER_PATH, frame_key

FIGURES = ["neuron_playground", "activation_explorer", "forward_pass_explorer", "cost_landscape",
           "descent_path", "backprop_stepper", "sgd_vs_full_batch", "training_playground", "digits_training"]

STAND_IN = """var PNG = Uint8Array.from(atob("%s"), function (c) { return c.charCodeAt(0); });
function listen(port) {
  port.onmessage = function (event) {
    var m = event.data, png = PNG.slice().buffer, slices = m.factory === "training_playground" ? 3 : 0;
    function answer(k) {  // a training figure: three partial views 300 ms apart, then the frame
      if (k < slices) {
        var part = PNG.slice().buffer;
        port.postMessage({id: m.id, partial: true, image: part, text: "partial view " + k, note: "epoch " + k}, [part]);
        setTimeout(function () { answer(k + 1); }, 300);
        return;
      }
      port.postMessage({id: m.id, image: png, text: "stand-in frame for " + JSON.stringify(m.values) +
                        " (" + m.layout + ")", ms: 1}, [png]);
    }
    setTimeout(function () { answer(0); }, 100);
  };
}
if (typeof SharedWorkerGlobalScope !== "undefined" && self instanceof SharedWorkerGlobalScope) {
  self.onconnect = function (event) { listen(event.ports[0]); };
} else { listen(self); }
"""

# Counts the frame jobs the page posts, on every Worker and MessagePort (a SharedWorker's port).
COUNT_JOBS = """window.frameJobs = 0;
[Worker.prototype, MessagePort.prototype].forEach(function (proto) {
  var post = proto.postMessage;
  proto.postMessage = function (message) {
    if (message && message.factory) window.frameJobs++;
    return post.apply(this, arguments);
  };
});"""


def _png():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


@pytest.fixture(scope="module")
def site(tmp_path_factory, serve, figure_html):
    folder = tmp_path_factory.mktemp("views")
    figures, body = figure_html(FIGURES)
    (folder / "index.html").write_text("<!doctype html><html lang='en' data-content_root='./'><head>"
                                       "<meta charset='utf-8'><meta name='viewport' content='width=device-width, initial-scale=1'>"
                                       "<title>views</title><link rel='icon' href='data:,'>"
                                       # the book's gutters: at 390 px its column, and a frame, is 358 px wide
                                       "<style>body{margin:8px 16px}</style>"
                                       f"</head><body>{body}</body></html>")
    (folder / WORKER_PATH).parent.mkdir(parents=True)
    (folder / WORKER_PATH).write_text(STAND_IN % _png())
    with serve(folder) as url:
        yield url + "index.html", figures


@pytest.fixture(scope="module")
def context(chromium, site):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(COUNT_JOBS)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site[0].rsplit("/", 1)[0])
    yield context
    context.close()


def _link(name, values):
    return f"#fig={name}&" + "&".join(f"{k}={quote(fmt(v))}" for k, v in values.items())


def _shown_values(page, sel):
    return page.evaluate("""(sel) => { const out = {};
        document.querySelectorAll(sel + ' [data-control]').forEach(el => {
          const name = el.getAttribute('data-control');
          out[name] = el.tagName === 'SELECT' ? JSON.parse(el.getAttribute('data-options'))[+el.value] : +el.value; });
        return out; }""", sel)


def test_one_worker_job_per_change(context, site):
    page = _page(context, site[0])
    sel = "#fig-neuron_playground"
    for k, value in enumerate(["0.3", "0.4"], start=1):
        page.locator(f"{sel} [data-control=w2]").fill(value)  # input, then change
        page.wait_for_function(f"() => document.querySelector('{sel}').getAttribute('data-key') === 'live' "
                               f"&& !document.querySelector('{sel}').hasAttribute('aria-busy')")
        page.wait_for_timeout(400)  # a second job would have been posted by now
        assert page.evaluate("window.frameJobs") == k, f"{k} changes posted {page.evaluate('window.frameJobs')} jobs"
    text = page.locator(f"{sel} .nnlib-description").text_content()
    assert text.startswith("stand-in frame for") and '"w2":0.4' in text
    assert page.locator(f"{sel} img.nnlib-frame").get_attribute("alt") == text
    assert "drawn in your browser in" in page.locator(f"{sel} .nnlib-note").text_content()
    page.close()


def _page(context, url):
    page = context.new_page()
    page.goto(url)
    return page


def test_a_training_figure_shows_its_run_as_it_trains_and_a_new_value_is_asked_for_at_once(context, site):
    page = _page(context, site[0])
    sel = "#fig-training_playground"
    page.locator(f"{sel} [data-control=hidden]").fill("5")
    page.wait_for_function(f"() => /^partial view/.test(document.querySelector('{sel} .nnlib-description').textContent)")
    words, note = page.evaluate(f"() => ['.nnlib-description', '.nnlib-note'].map(c => "
                                f"document.querySelector('{sel} ' + c).textContent)")  # read together
    assert note == f"Training in your browser: epoch {words[-1]}...", (words, note)
    assert page.locator(f"{sel}").get_attribute("aria-busy") == "true"
    page.locator(f"{sel} [data-control=hidden]").fill("6")  # while it trains: asked for at once
    assert page.evaluate("window.frameJobs") == 2
    page.wait_for_function(f"() => !document.querySelector('{sel}').hasAttribute('aria-busy')")
    assert '"hidden":6' in page.locator(f"{sel} .nnlib-description").text_content()
    assert page.evaluate("window.frameJobs") == 2
    page.close()


@pytest.mark.parametrize("name", FIGURES)
def test_a_link_opens_its_view_with_the_figures_own_description(context, site, name):
    url, figures = site
    figure = figures[name]
    grid = figure.static_grid()
    values = grid[len(grid) // 2] if len(grid) > 1 else grid[0]
    assert values != figure.values or len(grid) == 1  # the link leads away from the default view
    page = context.new_page()
    page.goto(url + _link(name, values))
    sel = f"#fig-{name}"
    page.wait_for_function(f"() => document.querySelector('{sel}').getAttribute('data-key') === '{frame_key(figure, values)}'",
                           timeout=5000)
    shown = _shown_values(page, sel)
    for k, v in values.items():
        assert shown[k] == (v if isinstance(v, str) else pytest.approx(v)), (k, shown[k], v)
    words = figure.description(**values)
    assert page.locator(f"{sel} .nnlib-description").text_content() == words
    assert page.locator(f"{sel} img.nnlib-frame").get_attribute("alt") == words
    regions = page.locator(f"{sel} [role=status], {sel} [aria-live], {sel} output")
    assert regions.count() == 1, "one status region per figure"
    page.close()


def test_moving_a_control_puts_the_view_in_the_url_and_the_button_copies_it(context, site):
    page, figures = _page(context, site[0]), site[1]
    sel = "#fig-descent_path"
    page.locator(f"{sel} [data-control=eta]").fill("0.8")
    page.wait_for_function("() => location.hash === '#fig=descent_path&eta=0.8&w0=-1&b0=0&n_steps=30'")
    page.locator(f"{sel} .nnlib-link").click()
    page.wait_for_function(f"() => /Link copied/.test(document.querySelector('{sel} .nnlib-note').textContent)")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.url
    other = context.new_page()  # the copied link opens that view
    other.goto(copied)
    other.wait_for_function(f"() => document.querySelector('{sel} [data-control=eta]').value === '0.8'")
    assert other.locator(f"{sel} .nnlib-description").text_content() == figures["descent_path"].description(eta=0.8)
    other.close()
    page.close()


# True once the figure at selector `sel` shows the frame `src` (arg: [sel, src]).
SHOWN = "([sel, src]) => document.querySelector(sel + ' img.nnlib-frame').currentSrc === src"


def _frame_maps(page, sel):
    """The figure's two frame maps as the page holds them: {"wide": {key: src}, "narrow": {key: src}}."""
    return page.evaluate("""(sel) => ({
        wide: JSON.parse(document.querySelector(sel + ' script.nnlib-frames').textContent),
        narrow: JSON.parse(document.querySelector(sel + ' script.nnlib-narrow-frames').textContent)})""", sel)


@pytest.mark.parametrize("width,layout", [(390, "narrow"), (1280, "wide")])
def test_a_phone_shows_the_narrow_frames_and_asks_the_worker_for_them(chromium, site, width, layout):
    """At 390 px the first view and every grid value come from the figure's narrow frames, and a
    value off the grid asks the worker for the narrow layout; at 1280 px, the wide ones."""
    url, figures = site
    context = chromium.new_context(viewport={"width": width, "height": 844}, device_scale_factor=3 if width < 600 else 1,
                                   is_mobile=width < 600, has_touch=width < 600)
    page = context.new_page()
    page.goto(url)
    sel = "#fig-neuron_playground"
    page.locator(sel).scroll_into_view_if_needed()
    sets = _frame_maps(page, sel)
    frames = sets[layout]
    img = page.locator(f"{sel} img.nnlib-frame")
    page.wait_for_function("(sel) => document.querySelector(sel + ' img.nnlib-frame').complete", arg=sel)
    figure = figures["neuron_playground"]
    assert img.evaluate("i => i.currentSrc") == frames[figure.default_key()]
    page.locator(f"{sel} [data-control=b]").fill("0.5")  # on the grid
    key = frame_key(figure, {**figure.values, "b": 0.5})
    page.wait_for_function(f"(sel) => document.querySelector(sel).getAttribute('data-key') === '{key}'", arg=sel)
    page.wait_for_function(SHOWN, arg=[sel, frames[key]])
    size = page.evaluate("(sel) => [document.querySelector(sel + ' img.nnlib-frame').naturalWidth, "
                         "document.querySelector(sel + ' img.nnlib-frame').getBoundingClientRect().width]", sel)
    assert size[0] >= (3 if layout == "narrow" else 1) * size[1] - 1e-6, size
    page.locator(f"{sel} [data-control=w2]").fill("0.3")  # off the grid: the worker draws it
    page.wait_for_function(f"(sel) => document.querySelector(sel).getAttribute('data-key') === 'live' "
                           f"&& !document.querySelector(sel).hasAttribute('aria-busy')", arg=sel)
    assert page.locator(f"{sel} .nnlib-description").text_content().endswith(f"({layout})")
    context.close()


WATCH_SOURCES = """(sel) => { window.shownSources = [];
  const img = document.querySelector(sel + ' img.nnlib-frame');
  new MutationObserver(() => window.shownSources.push(img.getAttribute('src')))
    .observe(img, {attributes: true, attributeFilter: ['src']}); }"""


def test_turning_a_phone_shows_the_other_layout_and_a_passing_width_shows_nothing(chromium, site):
    """The width crossing PHONE_MEDIA and staying there (a phone turned) shows the other layout's
    frame; a width that crosses for a moment only (a window dragged across it, a full-page
    screenshot, which fetched and cancelled phone frames on a CI run) sets no other frame."""
    url, figures = site
    context = chromium.new_context(viewport={"width": 1280, "height": 844})
    page = context.new_page()
    page.goto(url)
    sel = "#fig-neuron_playground"
    page.locator(sel).scroll_into_view_if_needed()
    sets = _frame_maps(page, sel)
    figure = figures["neuron_playground"]
    page.locator(f"{sel} [data-control=b]").fill("0.5")  # on the grid, off the first view
    key = frame_key(figure, {**figure.values, "b": 0.5})
    page.wait_for_function(SHOWN, arg=[sel, sets["wide"][key]])
    page.evaluate(WATCH_SOURCES, sel)

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(40)
    page.set_viewport_size({"width": 1280, "height": 844})
    page.wait_for_timeout(2 * TURN_MS)
    assert page.evaluate("window.shownSources") == [], "a width that only passed set other frames"

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function(SHOWN, arg=[sel, sets["narrow"][key]])
    page.set_viewport_size({"width": 1280, "height": 844})
    page.wait_for_function(SHOWN, arg=[sel, sets["wide"][key]])
    assert page.evaluate("window.shownSources") == [sets["narrow"][key], sets["wide"][key]]
    context.close()


def test_slider_spans_the_column_on_a_phone(chromium, site):
    url, _ = site
    context = chromium.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True,
                                   has_touch=True)
    page = context.new_page()
    page.goto(url)
    box = page.locator("#fig-descent_path [data-control=eta]").bounding_box()
    assert box["width"] >= 250 and box["height"] >= 24, box
    context.close()


# Each figure's smallest glyph in CSS px as the page shows it, and whether the frame has as many
# pixels as the screen (sharp). At 390 px the frames drawn for the 688 px column would be shown at
# about 358 px (text 5.8 px); a phone gets each figure's narrow layout, drawn for that width at 3x.
SCREENS = [pytest.param(1280, 1, id="1280px"), pytest.param(390, 3, id="390px-3x")]


@pytest.mark.parametrize("width,scale", SCREENS)
def test_every_figures_text_is_at_least_11_css_px_and_sharp(chromium, site, width, scale):
    url, _ = site
    context = chromium.new_context(viewport={"width": width, "height": 900}, device_scale_factor=scale,
                                   is_mobile=width < 600, has_touch=width < 600)
    page = context.new_page()
    page.goto(url)
    shown = page.evaluate("""() => Promise.all([...document.querySelectorAll('img.nnlib-frame')].map(async img => {
        img.loading = 'eager'; img.scrollIntoView();
        if (!img.complete) await new Promise(r => img.addEventListener('load', r, {once: true}));
        const css = img.getBoundingClientRect().width;
        // The frame shown is the <img>'s own or its <picture>'s phone <source>: what it says of its
        // smallest glyph comes with it.
        const source = img.parentElement.querySelector('source');
        const drawn = source && new URL(source.srcset, document.baseURI).href === img.currentSrc ? source : img;
        return {name: img.closest('.nnlib-figure').dataset.figure, layout: drawn === img ? 'wide' : 'narrow',
                text: +drawn.dataset.textPx * css / +drawn.dataset.frameWidth,
                density: img.naturalWidth / css}; }))""")
    context.close()
    assert all(math.isfinite(s["text"]) for s in shown), "every frame says how big its smallest text is"
    small = [(s["name"], round(s["text"], 1)) for s in shown if s["text"] < 11]
    blurred = [(s["name"], round(s["density"], 2)) for s in shown if s["density"] < scale - 1e-6]
    print(f"{width} px at {scale}x: smallest text {min(s['text'] for s in shown):.1f} CSS px; "
          f"frame pixels per screen pixel {min(s['density'] for s in shown) / scale:.2f}")
    assert len(shown) == len(FIGURES) and not small and not blurred, (small, blurred)
