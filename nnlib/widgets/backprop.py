"""Figure 6, backprop_stepper: the forward and backward passes of the 2-3-1 network, one step at a time."""
from functools import lru_cache

import numpy as np
from matplotlib.transforms import offset_copy

from ..examples import small_example
from ..gradcheck import check_gradients
from .controls import Slider
from .diagram import draw_diagram, update_diagram, vec
from .drawing import SCRIPTED_LABEL_SIZE
from .figure import InteractiveFigure
from .registry import figure_factory

STEP_TITLES = [
    ("input", "a⁰ = x"),
    ("forward, layer 1: weighted input", "z¹ = W¹ a⁰ + b¹"),
    ("forward, layer 1: activation", "a¹ = σ(z¹)"),
    ("forward, layer 2: weighted input", "z² = W² a¹ + b²"),
    ("forward, layer 2: output and cost", "a² = σ(z²),  C = ½‖a² − y‖²"),
    ("backward: output error (BP1)", "δ² = (a² − y) ⊙ σ'(z²)"),
    ("backward: layer-2 gradients (BP3, BP4)", "∂C/∂b² = δ²,  ∂C/∂w²ⱼₖ = a¹ₖ δ²ⱼ"),
    ("backward: hidden error (BP2)", "δ¹ = ((W²)ᵀ δ²) ⊙ σ'(z¹)"),
    ("backward: layer-1 gradients (BP3, BP4)", "∂C/∂b¹ = δ¹,  ∂C/∂w¹ⱼₖ = a⁰ₖ δ¹ⱼ"),
    ("check: backprop vs finite differences", "∂C/∂θ ≈ (C(θ+ε) − C(θ−ε)) / 2ε"),
]
N_STEPS = len(STEP_TITLES)
# The same equations as drawn: mathtext at SCRIPTED_LABEL_SIZE, whose scripts are large enough to
# read (the Unicode ones above are for the words read out, not for the picture).
STEP_MATH = [
    r"$a^0 = x$",
    r"$z^1 = W^1 a^0 + b^1$",
    r"$a^1 = \sigma(z^1)$",
    r"$z^2 = W^2 a^1 + b^2$",
    r"$a^2 = \sigma(z^2),\ C = \|a^2 - y\|^2 / 2$",
    r"$\delta^2 = (a^2 - y) \odot \sigma'(z^2)$",
    r"$\partial C/\partial b^2 = \delta^2,\ \partial C/\partial w^2_{jk} = a^1_k \delta^2_j$",
    r"$\delta^1 = ((W^2)^T \delta^2) \odot \sigma'(z^1)$",
    r"$\partial C/\partial b^1 = \delta^1,\ \partial C/\partial w^1_{jk} = a^0_k \delta^1_j$",
    r"$\partial C/\partial\theta \approx (C(\theta+\epsilon) - C(\theta-\epsilon))/2\epsilon$",
]


@lru_cache(maxsize=64)
def backprop_state(x1=0.5, x2=0.8):
    """The pure function behind the figure: every number of one backprop run, from nnlib.

    Returns ``{"net", "x", "y", "forward", "backward", "cost", "check"}``: the example network,
    its input and target, the ForwardPass and BackwardPass, the cost and nnlib's GradientCheck.
    """
    net, x, y = small_example()
    x = np.array([x1, x2], dtype=float)
    return {"net": net, "x": x, "y": y, "forward": net.forward_pass(x), "backward": net.backward_pass(x, y),
            "cost": net.cost(x, y), "check": check_gradients(net, x, y)}


def step_lines(state, step):
    """Text lines shown at ``step`` (0 <= step < N_STEPS): every value computed so far.

    Each line names its layer instead of a superscript ("layer 1: z" is the book's z^1): Unicode
    superscripts are too small to read in a figure.
    """
    f, b = state["forward"], state["backward"]
    lines = [f"input: x = {vec(f.a(0), '{:.2f}')},  target y = {vec(state['y'], '{:.1f}')}"]
    if step >= 1:
        lines.append(f"layer 1: z = {vec(f.z(1))}")
    if step >= 2:
        lines.append(f"layer 1: a = {vec(f.a(1))}")
    if step >= 3:
        lines.append(f"layer 2: z = {vec(f.z(2))}")
    if step >= 4:
        lines.append(f"layer 2: a = {vec(f.a(2))},  C = {state['cost']:.5f}")
    if step >= 5:
        lines.append(f"layer 2: δ = {vec(b.delta(2), '{:.5f}')}")
    if step >= 6:
        lines.append(f"layer 2: ∂C/∂b = {vec(b.nabla_b[1], '{:.5f}')}")
        lines.append(f"layer 2: ∂C/∂W = {vec(b.nabla_w[1], '{:.5f}')}")
    if step >= 7:
        lines.append(f"layer 1: δ = {vec(b.delta(1), '{:.5f}')}")
    if step >= 8:
        lines.append(f"layer 1: ∂C/∂b = {vec(b.nabla_b[0], '{:.5f}')}")
        for j in range(3):
            lines.append(f"layer 1: ∂C/∂W, row {j + 1} = {vec(b.nabla_w[0][j], '{:.5f}')}")
    if step >= 9:
        check = state["check"]
        lines.append(f"max |backprop − finite diff.| = {np.max(np.abs(check.analytic - check.numeric)):.1e}")
        lines.append(f"relative error = {check.relative_error:.1e}  ({'agree' if check.passed() else 'DISAGREE'})")
    return lines


def describe(state, step):
    """In words, the step the figure shows: its name, its equation and the values it adds."""
    name, equation = STEP_TITLES[step]
    new = step_lines(state, step)[len(step_lines(state, step - 1)) if step else 0:]
    return f"Step {step} of {N_STEPS - 1}, {name} ({equation}): " + "; ".join(line.strip() for line in new) + "."


def _describe(step, x1, x2):
    return describe(backprop_state(x1, x2), step)


def _node_view(state, step):
    """(activations to shade, highlighted nodes, node texts, highlighted edge layers) for a step."""
    f, b = state["forward"], state["backward"]
    acts = [f.a(0), None, None]
    text = [""] * 6  # node order: 2 inputs, 3 hidden, 1 output
    if step >= 2:
        acts[1] = f.a(1)
    if step >= 4:
        acts[2] = f.a(2)
    # two short lines, the name over the value, so that the text stays inside its node
    if step == 1:
        text[2:5] = [f"z\n{v:.2f}" for v in f.z(1)]
    if step == 3:
        text[5] = f"z\n{f.z(2)[0]:.2f}"
    if step in (5, 6):
        text[5] = f"δ\n{b.delta(2)[0]:.3f}"
    if step in (7, 8):
        text[2:5] = [f"δ\n{v:.3f}" for v in b.delta(1)]
        text[5] = f"δ\n{b.delta(2)[0]:.3f}"
    highlight = {0: [(0, 0), (0, 1)], 1: [(1, j) for j in range(3)], 2: [(1, j) for j in range(3)],
                 3: [(2, 0)], 4: [(2, 0)], 5: [(2, 0)], 6: [(2, 0)],
                 7: [(1, j) for j in range(3)], 8: [(1, j) for j in range(3)], 9: []}[step]
    edges = {1: (1,), 3: (2,), 6: (2,), 7: (2,), 8: (1,)}.get(step, ())
    return acts, highlight, text, edges


def _setup(fig, narrow=False):
    if narrow:  # the phone's layout: the diagram above the equation and the values
        ax_net, ax_text = fig.subplots(2, 1, height_ratios=[1, 1.05])
    else:
        ax_net, ax_text = fig.subplots(1, 2)
    diagram = draw_diagram(ax_net, [2, 3, 1], node_size=1400)
    ax_text.set_axis_off()
    title = fig.suptitle(" ", fontsize=11, weight="bold", x=0.02, ha="left")
    eq = ax_text.text(0.0, 1.0, "", transform=ax_text.transAxes, va="top", fontsize=SCRIPTED_LABEL_SIZE,
                      color="C3")
    # The values start below the equation: at 0.86 of the wide panel's height, 30 points lower on the phone.
    below_eq = offset_copy(ax_text.transAxes, fig, y=-30, units="points") if narrow else ax_text.transAxes
    text = ax_text.text(0.0, 1.0 if narrow else 0.86, "", transform=below_eq, va="top", fontsize=10,
                        family="monospace")
    return dict(diagram=diagram, title=title, eq=eq, text=text,
                layers=[("edges", [diagram["edges"], *diagram["edge_labels"]])],
                dynamic=[diagram["nodes"], *diagram["labels"], title, eq, text])


def _update(art, step, x1, x2):
    state = backprop_state(x1, x2)
    acts, highlight, text, edges = _node_view(state, step)
    update_diagram(art["diagram"], state["net"].weights, acts, highlight, text, edges)
    art["title"].set_text(f"step {step}/{N_STEPS - 1}: {STEP_TITLES[step][0]}")
    art["eq"].set_text(STEP_MATH[step])
    art["text"].set_text("\n".join(step_lines(state, step)))


@figure_factory(
    title="Backpropagation, step by step",
    caption=(
        "Step through the forward pass, then the backward pass; the last step checks every "
        "gradient against finite differences."))
def backprop_stepper(step=0, x1=0.5, x2=0.8):
    """Figure for the backprop chapter: step through the forward then the backward pass.

    At each step the active nodes are outlined, every z, a and delta computed so far is listed
    with the equation in use, and the last step compares backprop's gradients with finite
    differences (:func:`nnlib.check_gradients`). The static export offers every step for
    two values of each input.
    """
    controls = [Slider("step", 0, N_STEPS - 1, 1, step, static=list(range(N_STEPS)), redraw="edges"),
                Slider("x1", -1.0, 1.0, 0.1, x1, static=[0.5, 1.0]),
                Slider("x2", -1.0, 1.0, 0.1, x2, static=[-0.5, 0.8])]
    return InteractiveFigure("backprop_stepper", controls, _setup, _update, figsize=(8.6, 4.4),
                             narrow_figsize=(4.5, 6.9), describe=_describe,
                             alt="The 2-3-1 network during backpropagation, with every value computed so far "
                                 "and the equation in use")
