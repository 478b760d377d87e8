"""Figure 1, neuron_playground: one neuron with two inputs, its output and its decision line."""
from functools import lru_cache

import numpy as np
from matplotlib.ticker import MultipleLocator

from ..activations import get_activation
from ..network import Network
from .controls import Choice, Slider
from .drawing import SCRIPTED_LABEL_SIZE
from .figure import InteractiveFigure
from .registry import figure_factory

ACTIVATION_OPTIONS = ["sigmoid", "step", "tanh", "relu"]
_GRID = np.linspace(-2, 2, 61)


def neuron(w1, w2, b, activation="sigmoid"):
    """A ``Network([2, 1])`` with weights ``(w1, w2)`` and bias ``b``: one neuron."""
    return Network.from_params([np.array([[w1, w2]], dtype=float)], [np.array([b], dtype=float)], activation)


@lru_cache(maxsize=256)
def neuron_state(x1, x2, w1, w2, b, activation="sigmoid"):
    """The pure function behind the figure: ``{"z", "a", "plane", "line"}`` for the given knobs.

    ``z = w1*x1 + w2*x2 + b`` and ``a = f(z)`` (floats), computed by nnlib; ``plane`` is the
    output over the input grid, shape (61, 61), rows = x2; ``line`` is the decision line
    z = 0 as (x1 values, x2 values), or None when w1 = w2 = 0.
    """
    net = neuron(w1, w2, b, activation)
    trace = net.forward_pass(np.array([x1, x2], dtype=float))
    g1, g2 = np.meshgrid(_GRID, _GRID)
    plane = net.forward(np.column_stack([g1.ravel(), g2.ravel()])).reshape(g1.shape)  # (61*61, 1) -> (61, 61)
    line = None
    if abs(w2) > 1e-12:
        line = (_GRID, -(w1 * _GRID + b) / w2)
    elif abs(w1) > 1e-12:
        line = (np.full(2, -b / w1), np.array([_GRID[0], _GRID[-1]]))
    return {"z": float(trace.z(1)[0]), "a": float(trace.a(1)[0]), "plane": plane, "line": line}


def describe(state, x1, x2, w1, w2, b, activation):
    """In words, what the figure shows for these knobs (``state`` from :func:`neuron_state`)."""
    z, a = state["z"], state["a"]
    p = lambda v: f"({v:g})" if v < 0 else f"{v:g}"  # noqa: E731  (a negative factor in brackets)
    sums = f"z = {p(w1)}·{p(x1)} + {p(w2)}·{p(x2)} + {p(b)} = {z:.2f}, so a = {activation}(z) = {a:.3f}"
    if state["line"] is None:
        return f"{sums}. Both weights are 0: the output is the same everywhere and there is no decision line."
    if abs(z) < 1e-9:
        where = "exactly on the decision line z = 0"
    else:
        where = f"on the side of the decision line z = 0 where z {'>' if z > 0 else '<'} 0"
    return f"{sums}. The input point ({x1:g}, {x2:g}) lies {where}."


def _describe(x1, x2, w1, w2, b, activation):
    return describe(neuron_state(x1, x2, w1, w2, b, activation), x1, x2, w1, w2, b, activation)


def _setup(fig, narrow=False):
    if narrow:  # the phone's layout: the input plane above the activation curve
        ax_plane, ax_f = fig.subplots(2, 1, height_ratios=[1.3, 1])
        # The layout is fixed for the default view; room at the sides for tanh's colour bar labels, "−1.0".
        fig.get_layout_engine().set(w_pad=0.2)
    else:
        ax_plane, ax_f = fig.subplots(1, 2, width_ratios=[1.1, 1])
        # The layout is fixed for the default view (sigmoid, labels "0.00" to "1.00"): room between
        # the colour bar and the curve's axis label for tanh's wider "−0.25".
        fig.get_layout_engine().set(wspace=0.06)
    image = ax_plane.imshow(np.zeros((61, 61)), origin="lower", extent=(-2, 2, -2, 2), cmap="RdBu_r",
                            vmin=0, vmax=1, aspect="equal")
    cbar = fig.colorbar(image, ax=ax_plane, shrink=0.85, label="output a")
    # The label sits left of the bar, its tick labels right: tanh's wider "−1.0" labels cannot reach it.
    cbar.ax.yaxis.set_label_position("left")
    if narrow:  # labels of one width, "0.0" to "1.0" (tanh: from "−1.0"), every 0.5
        cbar.locator = MultipleLocator(0.5)
    (line,) = ax_plane.plot([], [], "k-", lw=2, label="decision line z = 0")
    (point,) = ax_plane.plot([], [], "o", ms=9, mfc="yellow", mec="k")
    ax_plane.set(xlim=(-2, 2), ylim=(-2, 2), title="output over the inputs")
    ax_plane.set_xlabel("$x_1$", fontsize=SCRIPTED_LABEL_SIZE)
    ax_plane.set_ylabel("$x_2$", fontsize=SCRIPTED_LABEL_SIZE)
    legend = ax_plane.legend(loc="lower left", fontsize=10, framealpha=0.8)
    zs = np.linspace(-6, 6, 241)
    (curve,) = ax_f.plot(zs, zs * 0, "C0-")
    (marker,) = ax_f.plot([], [], "o", ms=8, color="C3")
    vline = ax_f.axvline(0, color="C3", ls=":")
    ax_f.set(xlabel="weighted sum z", ylabel="output a = f(z)", xlim=(-6, 6), ylim=(-1.2, 2.6))
    text = ax_f.text(0.03, 0.97, "", transform=ax_f.transAxes, va="top", fontsize=10, family="monospace")
    ax_f.grid(alpha=0.3)
    return dict(image=image, cbar_axis=cbar.ax.yaxis, line=line, point=point, curve=curve, marker=marker, vline=vline,
                text=text, zs=zs,
                layers=[("colour bar", [cbar.ax])], dynamic=[image, line, point, legend, curve, vline, marker, text])


def _update(art, x1, x2, w1, w2, b, activation):
    state, f = neuron_state(x1, x2, w1, w2, b, activation), get_activation(activation)
    art["image"].set_data(state["plane"])
    art["image"].set_clim(-1 if activation == "tanh" else 0, 1)  # also changes the colour bar,
    art["cbar_axis"].set_label_position("left")  # and a new range puts its label back on the right, over the bar
    art["line"].set_data(*(state["line"] if state["line"] is not None else ([], [])))
    art["point"].set_data([x1], [x2])
    art["curve"].set_ydata(f(art["zs"]))
    zc = float(np.clip(state["z"], -6, 6))
    art["marker"].set_data([zc], [float(f(zc))])
    art["vline"].set_xdata([zc, zc])
    art["text"].set_text(f"z = {w1:.1f}*{x1:.1f} + {w2:.1f}*{x2:.1f}\n    + {b:.1f} = {state['z']:.3f}\n"
                         f"a = {activation}(z)\n  = {state['a']:.3f}")


@figure_factory(
    title="One neuron",
    caption=(
        "Change the weights and the bias and watch the decision line turn and slide across "
        "the input plane."))
def neuron_playground(x1=0.5, x2=0.8, w1=1.0, w2=-1.0, b=0.0, activation="sigmoid"):
    """Figure for the neurons chapter: two inputs, two weights, a bias and an activation.

    Shows the weighted sum z, the output a = f(z) on the activation's curve, and the
    output over the whole input plane with the decision line z = 0. The static export
    lets the reader change w1 (0 included), b and the activation (sigmoid or step).
    """
    controls = [Slider("x1", -2.0, 2.0, 0.1, x1), Slider("x2", -2.0, 2.0, 0.1, x2),
                Slider("w1", -2.0, 2.0, 0.1, w1, static=[-2.0, -1.0, 0.0, 1.0, 2.0]),
                Slider("w2", -2.0, 2.0, 0.1, w2),
                Slider("b", -2.0, 2.0, 0.1, b, static=[-1.0, -0.5, 0.0, 0.5, 1.0]),
                Choice("activation", ACTIVATION_OPTIONS, activation, static=["sigmoid", "step"], redraw="colour bar")]
    return InteractiveFigure("neuron_playground", controls, _setup, _update, figsize=(8.6, 3.8), narrow_figsize=(4.5, 7.0),
                             describe=_describe,
                             alt="One neuron: its output over the input plane, with the decision line, "
                                 "and its output on the activation curve")
