"""Figure 2, activation_explorer: an activation f(z) with its derivative f'(z)."""
import numpy as np

from ..activations import ACTIVATIONS, get_activation
from .core import Choice, InteractiveFigure, Slider

# Where f'(z) is below this fraction of its largest value, the curve counts as saturated.
SATURATION_FRACTION = 0.05


def activation_state(activation, z=0.0, z_max=6.0, n=401):
    """The pure function behind the figure.

    Returns a dict: ``zs`` of shape (n,) from -z_max to z_max, ``f`` = f(zs), ``prime`` = f'(zs)
    from nnlib's registered derivative, ``saturated``, a boolean mask where
    f'(zs) <= SATURATION_FRACTION * max |f'| (all True for the step function, whose slope is
    zero wherever it exists), and ``f_z``, ``prime_z``: f and f' at the chosen point ``z``.
    """
    f = get_activation(activation)
    zs = np.linspace(-z_max, z_max, n)
    prime = f.prime(zs)
    top = np.max(np.abs(prime))
    saturated = np.abs(prime) <= SATURATION_FRACTION * top if top > 0 else np.ones_like(zs, dtype=bool)
    return {"zs": zs, "f": f.f(zs), "prime": prime, "saturated": saturated,
            "f_z": float(f.f(z)), "prime_z": float(f.prime(z))}


def _setup(fig):
    ax_f, ax_p = fig.subplots(1, 2, sharex=True)
    (f_line,) = ax_f.plot([], [], "C0-", lw=2)
    (p_line,) = ax_p.plot([], [], "C1-", lw=2)
    (tangent,) = ax_f.plot([], [], "C3--", lw=1.5)
    (f_dot,) = ax_f.plot([], [], "o", color="C3")
    (p_dot,) = ax_p.plot([], [], "o", color="C3")
    hlines = []
    for ax in (ax_f, ax_p):
        ax.grid(alpha=0.3)
        hlines.append(ax.axhline(0, color="k", lw=0.5))
    ax_f.set(xlabel="z")
    ax_f.set_title(" ")
    ax_p.set(xlabel="z", title="f'(z); shaded: saturated (slope < 5% of peak)")
    ax_p.title.set_fontsize(9)
    note = ax_p.text(0.5, 0.6, "", transform=ax_p.transAxes, ha="center", color="C3", fontsize=9)
    readout = ax_f.text(0.03, 0.97, "", transform=ax_f.transAxes, va="top", fontsize=8)
    # A new activation or z range redraws only the axes' ticks, the curves and the shading (partial).
    # Two cached layers: the x axes (change with the z range) and the rest (change with either).
    fixed = [ax_f.yaxis, ax_p.yaxis, *hlines, f_line, p_line, ax_f.title, note]
    return dict(ax_f=ax_f, ax_p=ax_p, f_line=f_line, p_line=p_line, shades=[], note=note, key=None,
                partial=[[ax_f.xaxis, ax_p.xaxis], list(fixed)], fixed_partial=fixed,
                dynamic=[tangent, f_dot, p_dot, readout], tangent=tangent, f_dot=f_dot, p_dot=p_dot,
                readout=readout)


def _update(art, z, activation, z_max):
    state = activation_state(activation, z, z_max)
    if art["key"] != (activation, z_max):
        # the curves, y limits and shading change; the x axes only with the z range
        art["redraw_partial"] = True if art["key"] is None or art["key"][1] != z_max else 1
        art["key"] = (activation, z_max)
        zs = state["zs"]
        art["f_line"].set_data(zs, state["f"])
        art["p_line"].set_data(zs, state["prime"])
        if not art["shades"]:  # created once, then refilled in place
            art["shades"] = [ax.fill_between(zs, 0, 1, where=state["saturated"], color="0.6", alpha=0.3,
                                             transform=ax.get_xaxis_transform(), lw=0)
                             for ax in (art["ax_f"], art["ax_p"])]
            for shade in art["shades"]:
                shade.set_animated(True)
            art["partial"][1][:] = art["shades"] + art["fixed_partial"]
        else:
            for shade, ax in zip(art["shades"], (art["ax_f"], art["ax_p"])):
                if hasattr(shade, "set_data"):  # matplotlib >= 3.10 refills in place
                    shade.set_data(zs, 0, 1, where=state["saturated"])
                else:  # older matplotlib (Pyodide's 3.8): take the paths of a new fill
                    fresh = ax.fill_between(zs, 0, 1, where=state["saturated"],
                                            transform=ax.get_xaxis_transform())
                    paths = fresh.get_paths()
                    shade.set_verts_and_codes([p.vertices for p in paths], [p.codes for p in paths])
                    fresh.remove()
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


def activation_explorer(activation="sigmoid", z=0.0, z_max=6.0):
    """Figure for the activations chapter: f and f' side by side, saturated regions shaded.

    A point z shows f(z), the tangent there and the slope f'(z). Every registered activation
    (step, identity, sigmoid, tanh, relu, leaky_relu, arctan) can be chosen; the static export
    offers all of them with seven values of z (the z range stays at its default there).
    """
    names = list(ACTIVATIONS)
    controls = [Slider("z", -10.0, 10.0, 0.1, z, static=sorted({-5.0, -3.0, -1.0, 0.0, 1.0, 3.0, 5.0, float(z)})),
                Choice("activation", names, activation),
                Slider("z_max", 1.0, 10.0, 0.5, z_max, label="z range ±")]
    return InteractiveFigure("activation_explorer", controls, _setup, _update, figsize=(7.5, 2.8),
                             alt="An activation function and its derivative")
