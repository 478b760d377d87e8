"""Figures 4 and 5, cost_landscape and descent_path: a two-parameter cost surface.

The tiny model is one linear neuron, ``a = w x + b`` (:mod:`~nnlib.widgets.tiny_model`),
fitted to five points with the quadratic cost; its cost surface over (w, b) is a bowl whose
steep and shallow directions make learning rates crawl, converge, oscillate or diverge.
"""
from functools import lru_cache

import numpy as np

from ..descent import classify_path, gradient_descent, zigzag_fraction
from . import tiny_model as tm
from .controls import Slider
from .drawing import plain_numbers
from .figure import InteractiveFigure
from .registry import figure_factory
from .tiny_model import B_RANGE, W_RANGE, tiny_model  # noqa: F401  (tiny_model: the name chapters used)

#: The small dataset: inputs x and targets y, shape (5, 1) each.
X_DATA = np.array([[0.0], [0.5], [1.0], [1.5], [2.0]])
Y_DATA = np.array([[1.1], [1.2], [1.6], [1.7], [2.1]])


def cost_at(theta, X=X_DATA, Y=Y_DATA):
    """The cost C(w, b) of the tiny model on (X, Y), theta = (w, b)."""
    return tm.cost_at(theta, X, Y)


def gradient_at(theta, X=X_DATA, Y=Y_DATA):
    """(dC/dw, dC/db) by nnlib's backpropagation, shape (2,)."""
    return tm.gradient_at(theta, X, Y)


def landscape_state(w, b):
    """The pure function behind cost_landscape: ``{"cost", "gradient"}`` at (w, b)."""
    return {"cost": cost_at((w, b)), "gradient": gradient_at((w, b))}


@lru_cache(maxsize=256)
def descent_state(w0, b0, eta, n_steps):
    """The pure function behind descent_path: gradient descent from (w0, b0) with nnlib.

    Returns ``{"path", "costs", "verdict"}``: points of shape (k + 1, 2), the cost at each,
    and :func:`nnlib.classify_path`'s verdict, with "oscillating, then converged" when a
    converged path reversed direction on most steps.
    """
    path = gradient_descent(gradient_at, np.array([w0, b0], dtype=float), eta, n_steps)
    with np.errstate(over="ignore", invalid="ignore"):
        costs = np.array([cost_at(p) if np.all(np.abs(p) < 1e6) else np.inf for p in path])
    verdict = classify_path(path, costs, tolerance=0.02)
    if verdict == "converged" and zigzag_fraction(path) > 0.5:
        verdict = "oscillating, then converged"
    return {"path": path, "costs": costs, "verdict": verdict}


def curvatures():
    """(h_min, h_max): the eigenvalues of the cost's Hessian over (w, b), the bowl's curvatures.

    The cost of the tiny model is quadratic in (w, b), so its gradient is linear and the
    Hessian is read off exactly from gradients one unit apart.
    """
    g0 = gradient_at((0.0, 0.0))
    hessian = np.column_stack([gradient_at((1.0, 0.0)) - g0, gradient_at((0.0, 1.0)) - g0])  # (2, 2)
    low, high = np.linalg.eigvalsh(0.5 * (hessian + hessian.T))
    return float(low), float(high)


def _towards(component, name):
    return f"larger {name}" if component > 0 else f"smaller {name}" if component < 0 else f"the same {name}"


def describe_landscape(state, w, b):
    """In words, the point, its cost and where gradient descent would go (``state`` from :func:`landscape_state`)."""
    g = state["gradient"]
    if np.hypot(*g) < 1e-9:
        return f"At w = {w:g}, b = {b:g} the cost is C = {state['cost']:.4f}, its lowest: the gradient is 0."
    return (f"At w = {w:g}, b = {b:g} the cost is C = {state['cost']:.4f} and the gradient is "
            f"(∂C/∂w, ∂C/∂b) = ({g[0]:+.3f}, {g[1]:+.3f}): a gradient-descent step goes towards "
            f"{_towards(-g[0], 'w')} and {_towards(-g[1], 'b')}.")


def describe_descent(state, eta, n_steps):
    """In words, the descent run for ``eta`` against the bowl's curvature (``state`` from :func:`descent_state`).

    Along the steepest direction of a quadratic bowl with curvature h, each step multiplies the
    distance to the minimum by (1 − η h): below η = 1/h the path goes straight in, between 1/h
    and 2/h it overshoots less each time, and above 2/h it overshoots more each time.
    """
    h_min, h = curvatures()
    if eta < 1 / h:
        regime = (f"η = {eta:g} is below 1/h = {1 / h:.2f} for this bowl (h = {h:.2f}, its steepest curvature): "
                  f"steps do not overshoot, and along the shallow direction each step removes only "
                  f"{eta * h_min:.0%} of the distance")
    elif eta < 2 / h:
        regime = (f"η = {eta:g} is between 1/h = {1 / h:.2f} and 2/h = {2 / h:.2f} for this bowl: each step "
                  f"overshoots the valley, by less each time, so the path zigzags inward")
    else:
        regime = (f"η = {eta:g} is above 2/h = {2 / h:.2f} for this bowl: each step overshoots by more than "
                  f"the last, so the path zigzags outward")
    costs = state["costs"]
    end = "beyond the plot" if not np.isfinite(costs[-1]) else f"{costs[-1]:.3g}"
    return (f"{regime}. After {len(state['path']) - 1} steps the cost is {end} (from {costs[0]:.3g}): "
            f"{state['verdict']}.")


def _describe_landscape(w, b):
    return describe_landscape(landscape_state(w, b), w, b)


def _describe_descent(eta, w0, b0, n_steps):
    return describe_descent(descent_state(w0, b0, eta, n_steps), eta, n_steps)


def _landscape_setup(fig, narrow=False):
    # the phone's layout: the contours above the fitted line
    ax, ax_fit = fig.subplots(2, 1, height_ratios=[1.2, 1]) if narrow else fig.subplots(1, 2, width_ratios=[1.2, 1])
    tm.draw_contours(ax, X_DATA, Y_DATA)
    ax.set_title("cost C(w, b); arrow: −gradient", fontsize=11)
    (point,) = ax.plot([], [], "o", color="C3", ms=8)
    arrow = ax.quiver([0], [0], [0], [0], color="C3", angles="xy", scale_units="xy", scale=1, width=0.012)
    text = ax.text(0.02, 0.98, "", transform=ax.transAxes, va="top", fontsize=10,
                   bbox=dict(fc="white", ec="none", alpha=0.8))
    ax_fit.plot(X_DATA[:, 0], Y_DATA[:, 0], "ko", label="data")
    (fit,) = ax_fit.plot([], [], "C3-", label="a = w x + b")
    ax_fit.set(xlim=(-0.2, 2.2), ylim=(-1, 4), xlabel="x", ylabel="y")
    ax_fit.set_title("the model on the data", fontsize=11)
    legend = ax_fit.legend(fontsize=10, loc="upper left")
    return dict(point=point, arrow=arrow, text=text, fit=fit, dynamic=[point, arrow, text, fit, legend])


def _landscape_update(art, w, b):
    state = landscape_state(w, b)
    g = state["gradient"]
    art["point"].set_data([w], [b])
    art["arrow"].set_offsets([[w, b]])
    length = np.hypot(*g)
    scale = 0.5 / length if length > 0.5 else 1.0  # keep long arrows inside the plot
    art["arrow"].set_UVC([-g[0] * scale], [-g[1] * scale])
    art["text"].set_text(f"C = {state['cost']:.4f}\n∂C/∂w = {g[0]:+.3f}\n∂C/∂b = {g[1]:+.3f}")
    xs = np.array([-0.2, 2.2])
    art["fit"].set_data(xs, w * xs + b)


@figure_factory(
    title="A cost landscape",
    caption=(
        "Move the point: the arrow shows the downhill direction, and it shrinks as you "
        "approach the minimum."))
def cost_landscape(w=-0.5, b=0.0):
    """Figure for the cost chapter: move (w, b) over the cost contours; see C and the gradient.

    The arrow points along the negative gradient (computed by nnlib's backprop), the way
    gradient descent would step. The static export covers a 6 x 6 grid of (w, b).
    """
    controls = [Slider("w", W_RANGE[0], W_RANGE[1], 0.1, w, static=[-1.0, -0.5, 0.5, 1.0, 1.5, 2.0]),
                Slider("b", B_RANGE[0], B_RANGE[1], 0.1, b, static=[-0.5, 0.0, 1.0, 2.0, 2.5])]
    return InteractiveFigure("cost_landscape", controls, _landscape_setup, _landscape_update, figsize=(8.6, 3.6),
                             narrow_figsize=(4.5, 6.6),
                             describe=_describe_landscape, alt="Contours of a two-parameter cost with the negative gradient at a point, "
                                 "and the fitted line on the data")


def _descent_setup(fig, narrow=False):
    # the phone's layout: the path over the contours above the cost per step
    ax, ax_cost = fig.subplots(2, 1, height_ratios=[1.2, 1]) if narrow else fig.subplots(1, 2, width_ratios=[1.2, 1])
    # The layout is fixed for the default view: room at the right for a longer step axis's "100".
    fig.get_layout_engine().set(w_pad=0.1)
    tm.draw_contours(ax, X_DATA, Y_DATA)
    (path,) = ax.plot([], [], "o-", color="C3", ms=3, lw=1)
    (start,) = ax.plot([], [], "s", color="C3", ms=7)
    title = ax.set_title("", fontsize=11)
    (curve,) = ax_cost.semilogy([], [], "C3.-", ms=3)
    ax_cost.set(xlabel="step", ylabel="cost C", ylim=(1e-3, 1e3))
    plain_numbers(ax_cost.yaxis, [1e-3, 1e-1, 1e1, 1e3])
    ax_cost.set_title("cost per step", fontsize=11)
    ax_cost.grid(alpha=0.3)
    verdict = ax_cost.text(0.95, 0.95, "", transform=ax_cost.transAxes, ha="right", va="top", fontsize=11,
                           weight="bold", color="C3")
    return dict(path=path, start=start, title=title, curve=curve, verdict=verdict, ax_cost=ax_cost,
                layers=[("steps axis", [ax_cost.xaxis])], dynamic=[path, start, title, curve, verdict])


def _descent_update(art, eta, w0, b0, n_steps):
    state = descent_state(w0, b0, eta, n_steps)
    p = state["path"]
    art["path"].set_data(p[:, 0], p[:, 1])
    art["start"].set_data([w0], [b0])
    art["title"].set_text(f"gradient descent, η = {eta:g}, {len(p) - 1} steps")
    art["curve"].set_data(np.arange(len(p)), np.clip(state["costs"], 1e-3, 1e6))
    art["verdict"].set_text(state["verdict"])
    art["ax_cost"].set_xlim(0, n_steps)


@figure_factory(
    title="Gradient descent and the learning rate",
    caption=(
        "Raise the learning rate step by step and read the verdict: crawling, converged, "
        "oscillating, diverged."))
def descent_path(eta=0.3, w0=-1.0, b0=0.0, n_steps=30):
    """Figure for the cost chapter: gradient descent's path and cost for a learning rate.

    Small rates crawl, good rates converge, large rates oscillate or diverge; the verdict
    comes from :func:`nnlib.classify_path`. The static export varies eta, the starting
    point (w, b) and the number of steps.
    """
    controls = [Slider("eta", 0.01, 1.2, 0.01, eta, static=[0.02, 0.1, 0.3, 0.8, 0.9],
                       label="learning rate η"),
                Slider("w0", W_RANGE[0], W_RANGE[1], 0.1, w0, static=[-1.0, 2.0], label="start w"),
                Slider("b0", B_RANGE[0], B_RANGE[1], 0.1, b0, static=[0.0, 2.5], label="start b"),
                Slider("n_steps", 1, 100, 1, n_steps, static=[10, 30, 100], label="steps", redraw="steps axis")]
    return InteractiveFigure("descent_path", controls, _descent_setup, _descent_update, figsize=(8.6, 3.6),
                             narrow_figsize=(4.5, 6.6),
                             describe=_describe_descent, alt="A gradient-descent path over cost contours and its cost per step")
