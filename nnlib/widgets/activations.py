"""Figure 2, activation_explorer: an activation f(z) with its derivative f'(z)."""
from functools import lru_cache

import numpy as np

from ..activations import ACTIVATIONS, get_activation
from .controls import Choice, Slider
from .figure import InteractiveFigure
from .registry import figure_factory

# Where |f'(z)| is below this fraction of its largest value and fades towards 0 further out,
# the curve is saturated; where f'(z) is exactly 0 it is flat. Both are shaded.
SATURATION_FRACTION = 0.05


@lru_cache(maxsize=64)
def activation_curves(activation, z_max=6.0, n=401):
    """f, f' and the shading of one activation over ``zs = linspace(-z_max, z_max, n)``.

    Returns ``{"zs", "f", "prime", "saturated"}``, arrays of shape (n,). ``saturated`` marks
    where the slope gives learning (almost) nothing to go on: f'(z) is exactly 0 (ReLU's
    negative side, the step everywhere), or it is below SATURATION_FRACTION of its peak and
    fades to 0 further out (the sigmoid's and tanh's tails). Leaky ReLU's negative side keeps a
    constant slope of 0.01, which does not fade, so it is not shaded.
    """
    f = get_activation(activation)
    zs = np.linspace(-z_max, z_max, n)
    return {"zs": zs, "f": f.f(zs), "prime": f.prime(zs), "saturated": _saturated(f, zs, np.abs(f.prime(zs)).max())}


def _saturated(f, zs, top):
    """Where f's slope is 0, or below SATURATION_FRACTION of ``top`` and fading further out."""
    prime = np.abs(f.prime(zs))
    far = np.abs(f.prime(np.array([-1e3, 1e3])))  # the slope far out on each side
    fading = np.where(zs < 0, far[0], far[1]) < 1e-3 * max(top, 1e-300)
    return (prime == 0) | ((prime <= SATURATION_FRACTION * top) & fading)


def activation_state(activation, z=0.0, z_max=6.0, n=401):
    """The pure function behind the figure: :func:`activation_curves` plus ``f_z`` and ``prime_z``
    (floats), f and f' at the chosen point ``z``."""
    f = get_activation(activation)
    return {**activation_curves(activation, z_max, n), "f_z": float(f.f(z)), "prime_z": float(f.prime(z))}


def describe(state, activation, z):
    """In words, what the figure shows at the point z (``state`` from :func:`activation_state`)."""
    z_max = float(state["zs"][-1])
    text = (f"{activation} for z from {-z_max:g} to {z_max:g}; at z = {z:g}, f(z) = {state['f_z']:.3f} and "
            f"the slope f'(z) = {state['prime_z']:.3f}.")
    f = get_activation(activation)
    top = np.abs(f.prime(np.linspace(-10, 10, 2001))).max()  # the slope's peak over every z the slider offers
    if top == 0:
        return text + " The slope is 0 everywhere: gradient descent gets no hint which way to go."
    if _saturated(f, np.array([float(z)]), top)[0]:
        return text + " Here the curve is flat (shaded): a neuron working here learns very slowly."
    return text + f" The slope here is {abs(state['prime_z']) / top:.0%} of its largest value."


def _describe(z, activation, z_max):
    return describe(activation_state(activation, z, z_max), activation, z)


def _setup(fig, narrow=False):
    if narrow:  # the phone's layout: f above f', each with its own z axis labels
        ax_f, ax_p = fig.subplots(2, 1, sharex=True)
        ax_f.xaxis.set_tick_params(labelbottom=True)
    else:
        ax_f, ax_p = fig.subplots(1, 2, sharex=True)
    # The layout is fixed for the default view; room at both sides for the widest tick labels of
    # other views ("−0.04" of leaky ReLU's slope, "−10.0" and "10.0" at the ends of the widest z range).
    fig.get_layout_engine().set(w_pad=0.14)
    (f_line,) = ax_f.plot([], [], "C0-", lw=2)
    (p_line,) = ax_p.plot([], [], "C1-", lw=2)
    (tangent,) = ax_f.plot([], [], "C3--", lw=1.5)
    (f_dot,) = ax_f.plot([], [], "o", color="C3")
    (p_dot,) = ax_p.plot([], [], "o", color="C3")
    hlines = [ax.axhline(0, color="k", lw=0.5) for ax in (ax_f, ax_p)]
    shades = [ax.fill_between([0, 1], 0, 1, color="0.6", alpha=0.3, transform=ax.get_xaxis_transform(), lw=0)
              for ax in (ax_f, ax_p)]
    for ax in (ax_f, ax_p):
        ax.grid(alpha=0.3)
        ax.set_xlabel("z")
    ax_f.set_title(" ", fontsize=11)
    ax_p.set_title("f'(z); shaded: slope ≈ 0", fontsize=11)
    note = ax_p.text(0.5, 0.6, "", transform=ax_p.transAxes, ha="center", color="C3", fontsize=10)
    readout = ax_f.text(0.03, 0.97, "", transform=ax_f.transAxes, va="top", fontsize=10,
                        bbox=dict(fc="white", ec="none", alpha=0.8))
    curves = [ax_f.yaxis, ax_p.yaxis, *shades, *hlines, f_line, p_line, ax_f.title, note]
    return dict(ax_f=ax_f, ax_p=ax_p, f_line=f_line, p_line=p_line, shades=shades, note=note, tangent=tangent,
                f_dot=f_dot, p_dot=p_dot, readout=readout,
                layers=[("z range", [ax_f.xaxis, ax_p.xaxis]), ("curves", curves)],
                dynamic=[tangent, f_dot, p_dot, readout])


def _refill(shade, ax, zs, where):
    """Refill a fill_between shading in place (over the axes' full height where `where`)."""
    if hasattr(shade, "set_data"):  # matplotlib >= 3.10
        shade.set_data(zs, 0, 1, where=where)
        return
    # older matplotlib (Pyodide's 3.8 in the browser edition): take the paths of a new fill
    fresh = ax.fill_between(zs, 0, 1, where=where, transform=ax.get_xaxis_transform())
    paths = fresh.get_paths()
    shade.set_verts_and_codes([p.vertices for p in paths], [p.codes for p in paths])
    fresh.remove()


def _update(art, z, activation, z_max):
    state = activation_state(activation, z, z_max)
    zs = state["zs"]
    art["f_line"].set_data(zs, state["f"])
    art["p_line"].set_data(zs, state["prime"])
    for shade, ax in zip(art["shades"], (art["ax_f"], art["ax_p"])):
        _refill(shade, ax, zs, state["saturated"])
    for ax, y in ((art["ax_f"], state["f"]), (art["ax_p"], state["prime"])):
        low, high = float(np.min(y)), float(np.max(y))
        pad = 0.1 * max(high - low, 0.5)
        ax.set_ylim(low - pad, high + pad)
    art["ax_f"].set_xlim(-z_max, z_max)
    art["ax_f"].set_title(f"f(z) = {activation}(z), tangent at z")
    art["note"].set_text("zero slope everywhere:\nno hint which way to go" if activation == "step" else "")
    half = 0.25 * z_max
    art["tangent"].set_data([z - half, z + half],
                            [state["f_z"] - half * state["prime_z"], state["f_z"] + half * state["prime_z"]])
    art["f_dot"].set_data([z], [state["f_z"]])
    art["p_dot"].set_data([z], [state["prime_z"]])
    art["readout"].set_text(f"z = {z:.2f}\nf(z) = {state['f_z']:.3f}\nf'(z) = {state['prime_z']:.3f}")


@figure_factory(
    title="Activation functions",
    caption=(
        "Pick an activation and move z: where the slope on the right fades to zero (the "
        "sigmoid's tails) or is exactly zero (ReLU for z < 0), the shading marks where "
        "learning gets no signal; leaky ReLU keeps a small slope there."))
def activation_explorer(activation="sigmoid", z=0.0, z_max=6.0):
    """Figure for the activations chapter: f and f' side by side, flat and saturated regions shaded.

    A point z shows f(z), the tangent there and the slope f'(z). Every registered activation
    (step, identity, sigmoid, tanh, relu, leaky_relu, arctan) can be chosen; the static export
    offers all of them, five values of z and three z ranges.
    """
    controls = [Slider("z", -10.0, 10.0, 0.1, z, static=[-3.0, -1.0, 0.0, 1.0, 3.0]),
                Choice("activation", list(ACTIVATIONS), activation, redraw="curves"),
                Slider("z_max", 1.0, 10.0, 0.5, z_max, static=[3.0, 6.0, 10.0], label="z range ±", redraw="z range")]
    return InteractiveFigure("activation_explorer", controls, _setup, _update, figsize=(8.6, 3.4), narrow_figsize=(4.5, 6.4),
                             describe=_describe,
                             alt="An activation function with its tangent at a point, and its derivative, "
                                 "with the regions of near-zero slope shaded")
