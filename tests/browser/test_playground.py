"""The Playground page (book/playground.md) driven in Chromium, against desktop nnlib.

Every request to another host fails the test (NetworkGuard). Pyodide starts once per page (about
10 to 30 s on 2 cores), so the page is opened once per width and each check moves it on by link,
click or key.

* Always (``make test-browser``): the page says plainly what it needs when opened from disk or
  served without the in-browser edition (``lite/``); no Python starts for either.
* ``make test-lite`` (``LITE_FULL=1``): training in the page agrees with
  :class:`nnlib.playground.Playground` on the desktop (costs to 1e-9 relative, weights to 1e-6,
  which float32 transfer allows), at 1280 px and at 390 px (device scale 3), with points placed by
  clicking and by keyboard, an architecture change, and a link that restores a view.
"""
import os
from pathlib import Path

import numpy as np
import pytest

from booksite.browser import BOOK_HTML, NetworkGuard
from nnlib.playground import Config, Playground

PAGE = "book/playground.html"
COST_RTOL = 1e-9      # costs travel as float64 (JSON); numpy in WebAssembly vs desktop: last bits
WEIGHT_ATOL = 1e-6    # weights travel as float32
full = pytest.mark.skipif(not os.environ.get("LITE_FULL"), reason="Pyodide in the page: make test-lite (LITE_FULL=1)")


def page_config(page):
    """The page's state as a desktop Config and its epoch."""
    s = page.evaluate("window.nnPlayground.state()")
    config = Config(dataset=s["data"], noise=s["noise"], test_fraction=s["test"], hidden=tuple(s["layers"]),
                    activations=tuple(s["act"]), eta=s["eta"], batch_size=s["batch"], cost=s["cost"],
                    seed=s["seed"], points=tuple(tuple(p) for p in s["points"]))
    return config, s["epoch"]


def wait_for_epoch(page, epoch, timeout=180_000):
    page.wait_for_function(
        "e => { var c = window.nnPlayground && window.nnPlayground.current();"
        " return c && c.layout.epoch === e && window.nnPlayground.costs().train.length === e + 1; }",
        arg=epoch, timeout=timeout)


def wait_until_idle(page, timeout=180_000):
    """Until every request the page sent has its answer (also when there are too few points to train)."""
    page.wait_for_function("window.nnPlayground && window.nnPlayground.idle()", timeout=timeout)


def check_against_desktop(page):
    """The page's costs and weights equal desktop nnlib's for the page's configuration and epoch."""
    config, epoch = page_config(page)
    desktop = Playground(config).step(epoch)
    costs = page.evaluate("window.nnPlayground.costs()")
    np.testing.assert_allclose(costs["train"], desktop.train_cost, rtol=COST_RTOL)
    np.testing.assert_allclose(costs["test"], desktop.test_cost, rtol=COST_RTOL)
    weights = page.evaluate("(() => { var c = window.nnPlayground.current(), w = c.layout.weights;"
                            " return Array.from(c.data.slice(w[0], w[0] + w[1])); })()")
    expected = np.concatenate([W.ravel() for W in desktop.net.weights])
    np.testing.assert_allclose(weights, expected, atol=WEIGHT_ATOL, rtol=1e-6)
    status = page.locator("#pg-status").text_content()
    assert status.startswith(desktop.describe()), (status, desktop.describe())
    return config, epoch


@pytest.fixture(scope="module", params=[(1280, 1), (390, 3)], ids=["1280px", "390px"])
def playground(request, chromium, book_url):
    if not (BOOK_HTML / PAGE).is_file():
        pytest.skip(f"no {PAGE} in the built book: run `make test-build`")
    if not (BOOK_HTML / "lite" / "static" / "pyodide" / "pyodide.js").is_file():
        pytest.skip("no in-browser edition in the built book: run `make lite`")
    width, scale = request.param
    context = chromium.new_context(viewport={"width": width, "height": 900}, device_scale_factor=scale,
                                   has_touch=width < 500)
    guard = NetworkGuard(book_url).attach(context)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    link = "#fig=playground&data=circles&layers=8,8&act=tanh,relu&eta=0.1&batch=10&cost=cross_entropy&seed=3&epoch=0"
    page.goto(book_url + PAGE + link)
    wait_for_epoch(page, 0)
    yield page, width
    page.close()
    context.close()
    assert not guard.problems, guard.problems
    assert not errors, errors


@full
def test_steps_and_play_train_like_desktop_nnlib(playground):
    page, width = playground
    for epoch in (1, 2, 3):
        page.get_by_role("button", name="One step").click()
        wait_for_epoch(page, epoch)
    check_against_desktop(page)
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("window.nnPlayground.current().layout.epoch >= 15", timeout=120_000)
    page.get_by_role("button", name="Pause").click()
    page.wait_for_function("!window.nnPlayground.playing()")
    wait_until_idle(page)  # the answers already in flight arrive
    config, epoch = check_against_desktop(page)
    assert epoch >= 15 and f"epoch={epoch}" in page.url  # pausing writes the view into the URL
    canvas = page.locator("canvas.pg-plane").bounding_box()
    assert canvas["width"] <= width and canvas["x"] >= 0


@full
def test_points_by_click_and_an_architecture_change(playground):
    page, width = playground
    page.get_by_role("button", name="Remove all points").click()
    wait_until_idle(page)
    plane = page.locator("canvas.pg-plane")
    box = plane.bounding_box()
    rng = np.random.default_rng(1)
    for label, centre in ((0, (0.25, 0.3)), (1, (0.75, 0.7))):  # fractions of the plane's box
        page.locator(f"#pg-place-{'blue' if label else 'orange'}").check()
        for dx, dy in 0.06 * rng.standard_normal((6, 2)):
            at = {"x": box["width"] * (centre[0] + dx), "y": box["height"] * (centre[1] + dy)}
            if width < 500:
                plane.tap(position=at)  # a finger on a phone
            else:
                plane.click(position=at)
    wait_for_epoch(page, 0)
    config, _ = page_config(page)
    assert config.dataset == "own" and len(config.points) == 12
    assert sorted(p[2] for p in config.points) == [0] * 6 + [1] * 6
    # a click at the top left of the plane is a point with small x1 and large x2
    assert config.points[0][0] < 0 < config.points[0][1]
    page.get_by_role("button", name="one hidden layer fewer").click()
    page.get_by_role("button", name="one neuron fewer in layer 1").click()
    page.locator("#pg-act-0").select_option("sigmoid")
    wait_for_epoch(page, 0)
    config, _ = page_config(page)
    assert config.hidden == (7,) and config.activations == ("sigmoid",)
    for epoch in (1, 2, 3, 4):
        page.get_by_role("button", name="One step").click()
        wait_for_epoch(page, epoch)
    check_against_desktop(page)


@full
def test_keyboard_alone_places_points_changes_the_network_and_plays(playground):
    page, width = playground
    page.get_by_role("button", name="Remove all points").focus()
    page.keyboard.press("Enter")
    wait_until_idle(page)
    page.locator("canvas.pg-plane").focus()
    for key, moves in (("o", ["ArrowLeft"] * 10), ("b", ["ArrowRight"] * 20)):
        page.keyboard.press(key)  # o: orange, b: blue
        for move in moves:
            page.keyboard.press(move)
        for nudge in ("ArrowUp", "ArrowUp", "ArrowRight", "ArrowDown", "ArrowDown"):  # 5 distinct places
            page.keyboard.press(nudge)
            page.keyboard.press("Enter")
    wait_for_epoch(page, 0)
    config, _ = page_config(page)
    assert len(config.points) == 10 and {p[2] for p in config.points[:5]} == {0} and {p[2] for p in config.points[5:]} == {1}
    assert all(p[0] < 0 for p in config.points[:5]) and all(p[0] > 0 for p in config.points[5:])
    layers = len(config.hidden)
    if layers == 4:
        page.get_by_role("button", name="one hidden layer fewer").focus()
        page.keyboard.press("Enter")
        layers = 3
    page.get_by_role("button", name="one hidden layer more").focus()
    page.keyboard.press("Enter")
    page.locator(f"#pg-act-{layers}").focus()
    page.keyboard.press("Home")       # the first activation, tanh
    page.keyboard.press("ArrowDown")  # the next in the list, sigmoid
    wait_for_epoch(page, 0)
    config, _ = page_config(page)
    assert len(config.hidden) == layers + 1 and config.activations[layers] == "sigmoid"
    page.get_by_role("button", name="Play").focus()
    page.keyboard.press("Space")
    page.wait_for_function("window.nnPlayground.current().layout.epoch >= 8", timeout=120_000)
    page.keyboard.press("Space")
    page.wait_for_function("!window.nnPlayground.playing()")
    wait_until_idle(page)
    check_against_desktop(page)


@full
def test_a_link_restores_the_view(playground):
    page, width = playground
    link = ("#fig=playground&data=xor&noise=0.1&test=0.3&layers=3,2&act=relu,arctan&eta=0.3&batch=5"
            "&cost=quadratic&seed=11&epoch=25")
    page.goto(page.url.split("#")[0] + link)  # a hash change on the open page: Python keeps running
    wait_for_epoch(page, 25)
    assert page.locator("#pg-data").input_value() == "xor"
    assert page.locator("#pg-test").input_value() == "0.3"
    assert page.locator("#pg-act-0").input_value() == "relu" and page.locator("#pg-act-1").input_value() == "arctan"
    assert page.locator("#pg-eta").input_value() == "0.3" and page.locator("#pg-batch").input_value() == "5"
    assert page.locator("#pg-cost").input_value() == "quadratic" and page.locator("#pg-seed").input_value() == "11"
    assert page.locator("#pg-layers-n").text_content() == "2"
    config, epoch = check_against_desktop(page)
    assert epoch == 25 and config == Config(dataset="xor", noise=0.1, test_fraction=0.3, hidden=(3, 2),
                                            activations=("relu", "arctan"), eta=0.3, batch_size=5,
                                            cost="quadratic", seed=11)
    # the button writes the same view back into the URL and shows it
    page.get_by_role("button", name="Link to this view").click()
    shown = page.locator("input.pg-link").input_value()
    assert shown.endswith(link) and page.url.endswith(link)


def test_opened_from_disk_it_says_it_needs_a_server(chromium):
    if not (BOOK_HTML / PAGE).is_file():
        pytest.skip(f"no {PAGE} in the built book: run `make test-build`")
    context = chromium.new_context()
    page = context.new_page()
    page.goto((BOOK_HTML / PAGE).as_uri())
    page.wait_for_function("document.getElementById('pg-status') && document.getElementById('pg-status').textContent")
    assert "served over http" in page.locator("#pg-status").text_content()
    context.close()


def test_without_the_in_browser_edition_it_says_what_it_needs(chromium, book_url):
    if not (BOOK_HTML / PAGE).is_file():
        pytest.skip(f"no {PAGE} in the built book: run `make test-build`")
    context = chromium.new_context()
    guard = NetworkGuard(book_url).attach(context)
    context.route("**/lite/**", lambda route: route.fulfill(status=404, body="not found"))
    page = context.new_page()
    page.goto(book_url + PAGE)
    page.wait_for_function("document.getElementById('pg-status').textContent.indexOf('in-browser Python') >= 0",
                           timeout=30_000)
    assert "make lite" in page.locator("#pg-status").text_content()
    context.close()
    assert not guard.problems, guard.problems


def test_the_page_lists_no_file_it_does_not_ship():
    """The page's script, style and worker are copied into the site by playground_page.py."""
    if not (BOOK_HTML / PAGE).is_file():
        pytest.skip(f"no {PAGE} in the built book: run `make test-build`")
    for name in ("playground.js", "playground.css", "worker.js"):
        assert (BOOK_HTML / "_playground" / name).is_file(), name
    text = (BOOK_HTML / PAGE).read_text(encoding="utf-8")
    assert 'id="nn-playground"' in text and "../_playground/playground.js" in text
    assert '"../lite/static/pyodide/"' in Path(BOOK_HTML / "_playground" / "worker.js").read_text()
