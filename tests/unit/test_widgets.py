"""The interactive figures: their pure functions give the right numbers, and every frame draws.

The static-export tests also check that each control changes the frame and that the frame
stored for a set of values is the one drawn for those values.
"""
import base64
import json
import re

import numpy as np
import pytest

import nnlib
from nnlib import widgets
from nnlib.examples import small_example
from nnlib.widgets import (activations, backprop, controls, cost, export, legibility, neurons, notation, registry,
                           sgd, training)

FIGURES = list(registry.figures())  # the one list of the figures (see nnlib/widgets/__init__.py)


# ---- pure functions ----------------------------------------------------------------------

def test_neuron_state_gives_weighted_sum_and_sigmoid_output():
    state = neurons.neuron_state(x1=0.3, x2=1.0, w1=1.1, w2=2.6, b=0.0)
    assert np.isclose(state["z"], 2.93)  # 1.1*0.3 + 2.6*1.0
    assert np.isclose(state["a"], 1 / (1 + np.exp(-2.93)))


def test_neuron_decision_line_is_where_z_is_zero():
    state = neurons.neuron_state(0, 0, w1=1.0, w2=-2.0, b=0.5)
    xs, ys = state["line"]
    assert np.allclose(1.0 * xs - 2.0 * ys + 0.5, 0)


def test_activation_state_step_has_zero_slope_and_is_all_saturated():
    state = activations.activation_state("step", z=1.0)
    assert np.all(state["prime"] == 0) and state["saturated"].all()
    sig = activations.activation_state("sigmoid", z=0.0)
    assert np.isclose(sig["prime_z"], 0.25) and np.isclose(sig["f_z"], 0.5)
    assert sig["saturated"][0] and not sig["saturated"][len(sig["zs"]) // 2]


def test_leaky_relu_negative_side_is_not_shaded_but_relu_negative_side_is():
    # issue 12 item 13: leaky ReLU keeps a slope of 0.01 for z < 0, which is its whole point
    leaky, relu = activations.activation_state("leaky_relu"), activations.activation_state("relu")
    negative, positive = leaky["zs"] < 0, leaky["zs"] > 0
    assert not leaky["saturated"].any()
    assert relu["saturated"][negative].all() and not relu["saturated"][positive].any()


def test_forward_state_is_the_example_networks_forward_pass():
    net, x, _ = small_example()
    state = notation.forward_state(*x)
    assert np.allclose(state["trace"].output, net.forward(x))
    changed = notation.forward_state(*x, w11=-1.0)
    assert np.isclose(changed["trace"].z(1)[0], -1.0 * 0.5 + 0.4 * 0.8 + 0.1)
    assert "z = [0.470, -0.190, 0.070]" in notation.matrix_text(state["net"], state["trace"])
    assert np.isclose(notation.forward_state(*x)["trace"].z(1)[0], 0.47)  # the cached state was not changed


def test_forward_pass_explorer_changes_the_weights_the_chapter_names():
    """w^1_32 moves only hidden neuron 3's z; w^2_13 moves only the output's z (issue 24 item 9)."""
    net, x, _ = small_example()
    base = notation.forward_state(*x)["trace"]
    w32 = notation.forward_state(*x, w32=0.0)["trace"]
    assert np.isclose(w32.z(1)[2], 0.5 * 0.5 + 0.0 * 0.8 + 0.3)
    assert np.allclose(w32.z(1)[:2], base.z(1)[:2])
    w213 = notation.forward_state(*x, w213=-0.9)["trace"]
    assert np.allclose(w213.z(1), base.z(1))
    assert np.isclose(w213.z(2)[0], base.z(2)[0] - 1.8 * base.a(1)[2])
    figure = notation.forward_pass_explorer()
    assert {"w11", "w32", "w213"} <= {control.name for control in figure.controls}


def test_cost_landscape_gradient_matches_finite_differences():
    theta = np.array([0.3, -0.2])
    state = cost.landscape_state(*theta)
    assert np.allclose(state["gradient"], nnlib.numerical_gradient(cost.cost_at, theta), atol=1e-7)


def test_descent_path_first_step_is_minus_eta_times_gradient():
    eta = 0.3
    state = cost.descent_state(-1.0, 0.0, eta, 5)
    assert np.allclose(state["path"][1] - state["path"][0], -eta * cost.gradient_at([-1.0, 0.0]))
    assert state["path"].shape == (6, 2)


@pytest.mark.parametrize("eta, verdict", [(0.02, "crawling"), (0.3, "converged"),
                                          (0.8, "oscillating, then converged"), (1.0, "diverged")])
def test_descent_path_names_each_kind_of_run(eta, verdict):
    assert cost.descent_state(-1.0, 0.0, eta, 30)["verdict"] == verdict


def test_backprop_state_matches_nnlib_and_grows_step_by_step():
    state = backprop.backprop_state()
    net, x, y = small_example()
    nabla_w, nabla_b = net.backprop(x, y)
    assert np.allclose(state["backward"].nabla_w[0], nabla_w[0])
    assert state["check"].passed()
    counts = [len(backprop.step_lines(state, s)) for s in range(backprop.N_STEPS)]
    assert counts == sorted(counts) and counts[0] < counts[-1]
    assert "relative error" in backprop.step_lines(state, backprop.N_STEPS - 1)[-1]


def test_sgd_full_batch_first_step_is_minus_eta_times_full_gradient():
    eta = 0.3
    run = sgd.run_sgd(sgd.N_EXAMPLES, eta, n_updates=3)
    X, Y = sgd.sgd_data()
    nabla_w, nabla_b = cost.tiny_model(*sgd.START).backprop(X, Y)
    step = run["path"][1] - run["path"][0]
    assert np.allclose(step, [-eta * nabla_w[0][0, 0], -eta * nabla_b[0][0]])
    assert list(run["seen"]) == [0, 64, 128, 192]


def test_sgd_minibatch_path_is_noisy_but_seeded():
    a, b = sgd.run_sgd(4, 0.3), sgd.run_sgd(4, 0.3)
    assert np.allclose(a["path"], b["path"])
    assert a["seen"][-1] == 4 * sgd.N_UPDATES


def test_training_run_extends_and_restores_snapshots():
    run = training.playground_run("xor", 4, 1.0)
    start = run.params[0].copy()
    state = training.playground_state(run, 20)
    assert len(run.params) == 21 and state["grid"].shape == (60, 60)
    assert state["cost"][-1] < state["cost"][0]
    assert np.allclose(run.at(0).get_params(), start)


def test_digits_state_lists_accuracies_and_wrong_digits():
    run = training.digits_run()
    state = training.digits_state(run, 2)
    assert len(state["accuracy"]) == 3 and len(state["test_accuracy"]) == 3
    assert state["test_accuracy"][-1] > 0.5
    assert np.all(state["predicted"][state["wrong"]] != run.split.y_test[state["wrong"]])


def test_unknown_control_is_rejected():
    with pytest.raises(ValueError, match="unknown control"):
        widgets.neuron_playground().update_values(w9=1.0)


# ---- every grid point draws; the static export behaves -----------------------------------

_FRAMES = {}


def _frames(name):
    if name not in _FRAMES:
        fig = registry.build(name)
        _FRAMES[name] = (fig, fig.frames())
    return _FRAMES[name]


@pytest.mark.parametrize("name", FIGURES)
def test_every_grid_point_draws_a_distinct_frame(name):
    fig, frames = _frames(name)
    assert len(frames) == len(fig.static_grid())
    assert all(png.startswith(b"\x89PNG") for png in frames.values())
    assert len(set(frames.values())) == len(frames), f"{name}: some grid points draw the same frame"


@pytest.mark.parametrize("name", FIGURES)
def test_every_static_control_changes_the_frame(name):
    fig, frames = _frames(name)
    default = fig.default_key().split("_")
    for i, control in enumerate(fig.controls):
        n = len(control.static_values())
        if n == 1:
            continue
        other = list(default)
        other[i] = str((int(default[i]) + 1) % n)
        assert frames["_".join(other)] != frames["_".join(default)], f"{control.name} does not change the frame"


@pytest.mark.parametrize("name", FIGURES)
def test_frame_for_values_is_the_one_drawn_for_them(name):
    fig, frames = _frames(name)
    grid = fig.static_grid()
    point = grid[len(grid) // 2]
    key = "_".join(str(controls.index_of(c.static_values(), point[c.name])) for c in fig.controls)
    fresh = registry.build(name)
    assert fresh.png(colors=export.STATIC_COLORS, **point) == frames[key]


def test_html_export_is_self_contained_and_holds_every_frame():
    fig = widgets.backprop_stepper()
    page = fig.to_html(element_id="bp-test")
    assert 'id="bp-test"' in page and "<script" in page
    # (outside the frames' base64, where "http" may occur by chance: the phone frames' did)
    assert not re.search(r"<script[^>]+src=", page) and "http" not in re.sub(r"data:image/png;base64,[^\"]+", "", page)
    frames = json.loads(re.search(r'class="nnlib-frames">(.*?)</script>', page).group(1))
    assert len(frames) == backprop.N_STEPS * 2 * 2
    prefix = "data:image/png;base64,"  # complete img sources: a build step may swap in URLs
    assert all(src.startswith(prefix) for src in frames.values())
    assert base64.b64decode(frames["0_0_0"][len(prefix):]).startswith(b"\x89PNG")


def test_every_control_is_live_labelled_and_announced():
    """No control is fixed or greyed out in the HTML book any more (issue 14, part 2)."""
    page = widgets.neuron_playground().to_html(element_id="np-test")
    assert "disabled" not in page and "nnlib-fixed" not in page and "Fixed on this page" not in page
    for name in ("x1", "x2", "w1", "w2", "b", "activation"):
        assert f'<label for="np-test-{name}">' in page and f'id="np-test-{name}"' in page
    assert 'aria-valuetext="-1"' in page  # w2's value is announced
    assert 'role="status" aria-live="polite"' in page


def test_a_redraw_naming_an_unknown_layer_fails_when_the_figure_is_built():
    fig = widgets.activation_explorer()
    fig.controls[1].redraw = "curve"  # misspelt "curves"
    with pytest.raises(ValueError, match=r"redraw must be 'dynamic', 'all' or a layer name \['z range', 'curves'\]"):
        fig.png()


def test_no_figure_module_imports_another_figure_module():
    import ast
    import pathlib

    shared = {"controls", "figure", "drawing", "export", "diagram", "tiny_model", "registry"}
    folder = pathlib.Path(widgets.__file__).parent
    for path in folder.glob("*.py"):
        if path.stem in shared | {"__init__"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                names = [node.module] if node.module else [alias.name for alias in node.names]
                assert set(names) <= shared, f"{path.name} imports {names}"


def test_live_widget_redraws_when_a_slider_moves():
    fig = widgets.neuron_playground()
    box = fig.widget()
    image = box.children[1]
    before = image.value
    slider = [w for w in box.children[0].children if w.description == "w1"][0]
    slider.value = -1.5
    assert image.value != before and np.isclose(fig.values["w1"], -1.5)


# ---- fast redraws look like full redraws ---------------------------------------------------

def _pixels(png):
    from io import BytesIO

    from PIL import Image
    return np.asarray(Image.open(BytesIO(png)).convert("RGB")).astype(int)


@pytest.mark.parametrize("name", FIGURES)
def test_blitted_and_partial_redraws_match_a_fresh_full_draw(name):
    fig = registry.build(name)
    fig.png()
    final = {}
    for c in fig.controls:  # move every control away from its default, one after another
        value = c.options[-1] if isinstance(c, controls.Choice) else c.max if c.default != c.max else c.min
        fig.png(**{c.name: value})
        final[c.name] = value
    moved = _pixels(fig.png())
    fresh = _pixels(registry.build(name).png(**final))
    assert moved.shape == fresh.shape
    diff = np.abs(moved - fresh).max(axis=2)
    assert (diff > 0).mean() < 0.001, f"{name}: {(diff > 0).mean():.2%} of pixels differ"


# ---- the glyph cache's fence ---------------------------------------------------------------

def test_glyph_cache_is_in_use_on_the_pinned_matplotlib():
    """Fails when matplotlib's private text internals move (then update _fastagg or its pin)."""
    import matplotlib

    from nnlib.widgets import _fastagg

    if tuple(int(v) for v in matplotlib.__version__.split(".")[:2]) < (3, 11):
        pytest.skip("the glyph cache needs matplotlib 3.11 (Python 3.10 installs 3.10)")
    assert _fastagg.AVAILABLE, _fastagg.STATE["reason"]
    widgets.backprop_stepper().png(step=9)
    assert _fastagg.STATE["enabled"], _fastagg.STATE["reason"]


def _draw_text_with(canvas_class):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 1.5), dpi=80)
    canvas_class(fig)
    ax = fig.add_subplot()
    ax.set_title("z¹ = W¹ a⁰ + b¹, $x_1$")
    ax.text(0.1, 0.5, "0.123 -0.456\nabc", family="monospace")
    fig.canvas.draw()
    fig.canvas.draw()  # the second draw uses the caches
    return np.asarray(fig.canvas.buffer_rgba()).astype(int)


def test_glyph_cache_canvas_draws_text_like_plain_agg():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from nnlib.widgets._fastagg import FastCanvasAgg

    diff = np.abs(_draw_text_with(FigureCanvasAgg) - _draw_text_with(FastCanvasAgg)).max(axis=2)
    assert (diff > 60).mean() < 0.005


def test_glyph_cache_falls_back_to_matplotlib_on_any_failure(monkeypatch):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from nnlib.widgets import _fastagg

    def broken(*args, **kwargs):
        raise AttributeError("'FT2Font' object has no attribute '_layout'")  # as if the private API moved

    monkeypatch.setattr(_fastagg.CachedGlyphRenderer, "_draw_cached", broken)
    monkeypatch.setitem(_fastagg.STATE, "enabled", True)
    image = _draw_text_with(_fastagg.FastCanvasAgg)
    assert not _fastagg.STATE["enabled"] and "_layout" in _fastagg.STATE["reason"]
    np.testing.assert_array_equal(image, _draw_text_with(FigureCanvasAgg))
    assert widgets.neuron_playground().png().startswith(b"\x89PNG")  # the figures still draw


# ---- readable at the size shown: every text >= 11 CSS px in the 688 px column ----------------

COLUMN_PX = 688


def _drawn_text_sizes(fig, **values):
    """(natural width in px, [(css px, text)]) for the smallest glyph of every text drawn in ``fig``
    (sub- and superscripts at their own size: nnlib.widgets.legibility)."""
    fig.png(**values)
    width = fig.figure.canvas.get_width_height(physical=True)[0]
    shown = min(1.0, COLUMN_PX / width)
    return width, [(px * shown, text) for px, text in legibility.text_sizes(fig.figure)]


def test_script_glyphs_count_at_their_own_size():
    assert legibility.glyph_scale("cost") == 1.0
    assert legibility.glyph_scale("$x_1$") == pytest.approx(0.7)
    assert legibility.glyph_scale(r"$\mathdefault{10^{-1}}$") == pytest.approx(0.7)
    assert legibility.glyph_scale("$x_{i_j}$") == pytest.approx(0.49)
    assert legibility.glyph_scale("z¹ = W¹ a⁰") == pytest.approx(0.56)
    assert legibility.glyph_scale("costs: $5 and $6") == 1.0  # dollars, but no script between them


@pytest.mark.parametrize("name", FIGURES)
def test_every_text_of_every_figure_is_at_least_11_css_px_in_the_column(name):
    grid = registry.build(name).static_grid()
    for values in (grid[0], grid[-1]):  # a fresh figure each time: a full draw records every text
        width, texts = _drawn_text_sizes(registry.build(name), **values)
        assert width <= COLUMN_PX, f"{name} is {width} px wide at its natural size"
        small = [(round(px, 1), text) for px, text in texts if px < 11]
        assert texts and not small, f"{name} at {values}: texts under 11 CSS px: {small[:5]}"


# ---- figures that describe themselves (issue 23 item 4) -------------------------------------

@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_describes_each_precomputed_view_in_its_own_words(name):
    fig = getattr(widgets, name)()
    grid = fig.static_grid()
    texts = {fig.description(**values) for values in grid}
    assert all(text.endswith(".") and len(text) > 40 for text in texts)
    assert len(texts) == len(grid), f"{name}: two views share a description"


def test_neuron_description_has_the_weighted_sum_and_the_side_of_the_line():
    text = widgets.neuron_playground().description(x1=0.5, x2=0.8, w1=1.0, w2=-1.0, b=0.0)
    state = neurons.neuron_state(0.5, 0.8, 1.0, -1.0, 0.0)
    assert f"= {state['z']:.2f}" in text and f"sigmoid(z) = {state['a']:.3f}" in text  # z = -0.30, a = 0.426
    assert "z < 0" in text
    assert "no decision line" in widgets.neuron_playground().description(w1=0.0, w2=0.0)


def test_descent_description_compares_eta_with_the_bowls_curvature():
    low, high = cost.curvatures()
    # C = 1/(2n) sum (w x + b - y)^2 over x = 0, .5, 1, 1.5, 2: Hessian [[1.5, 1], [1, 1]],
    # eigenvalues (2.5 +- sqrt(4.25)) / 2 = 2.2808 and 0.2192
    assert np.isclose(high, 2.2808, atol=1e-4) and np.isclose(low, 0.2192, atol=1e-4)
    fig = widgets.descent_path()
    assert "above 2/h = 0.88" in fig.description(eta=1.2) and "zigzags outward" in fig.description(eta=1.2)
    assert "zigzags inward" in fig.description(eta=0.8)
    assert "below 1/h = 0.44" in fig.description(eta=0.3)
    assert cost.descent_state(-1.0, 0.0, 1.2, 30)["verdict"] in fig.description(eta=1.2)


def test_training_descriptions_say_the_numbers_of_the_state_drawn():
    fig = widgets.training_playground()
    run = training.playground_run("moons", 8, 2.0)
    text = fig.description(epoch=50)
    assert "after 50 epochs" in text and f"{run.cost[50]:.3g}" in text and f"{run.accuracy[50]:.0%}" in text
    digits = widgets.digits_training()
    state = training.digits_state(training.digits_run(30, 3.0), 5)
    text = digits.description(epoch=5)
    assert f"test accuracy {state['test_accuracy'][-1]:.1%}" in text and f"{len(state['wrong'])} of the" in text


def test_backprop_description_names_the_step_and_its_new_values():
    fig = widgets.backprop_stepper()
    text = fig.description(step=5)
    state = backprop.backprop_state(0.5, 0.8)
    assert text.startswith("Step 5 of 9, backward: output error (BP1)")
    assert f"{state['backward'].delta(2)[0]:.5f}" in text and "layer 1" not in text


@pytest.mark.parametrize("name", ["training_playground", "digits_training"])
def test_epoch_slider_reaches_the_end_of_the_longest_epoch_axis_and_the_title_follows_it(name):
    fig = getattr(widgets, name)()
    controls = {c.name: c for c in fig.controls}
    assert controls["epoch"].max >= controls["max_epochs"].max
    epoch = controls["max_epochs"].default + controls["epoch"].step * 4  # past the default axis
    fig.png(epoch=epoch)
    assert f"epoch {epoch}" in fig.figure.texts[0].get_text() or \
        f"epoch {epoch}" in fig.figure._suptitle.get_text()
    assert fig.figure.axes[0 if name == "digits_training" else 1].get_xlim()[1] >= epoch
    assert f"after {epoch} epochs" in fig.description(epoch=epoch)
