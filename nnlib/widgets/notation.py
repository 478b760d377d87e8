"""Figure 3, forward_pass_explorer: values flowing through the book's 2-3-1 network."""
from functools import lru_cache

import numpy as np

from ..examples import small_network
from .controls import Slider
from .diagram import draw_diagram, update_diagram, vec
from .figure import InteractiveFigure
from .registry import figure_factory


@lru_cache(maxsize=128)
def forward_state(x1, x2, w11=None):
    """The pure function behind the figure: the forward pass of the 2-3-1 example network.

    ``w11`` replaces w^1_11 (to hidden neuron 1 from input 1) when given. Returns
    ``{"net", "trace"}``: the nnlib Network and its ForwardPass for x = (x1, x2).
    """
    net = small_network()
    if w11 is not None:
        net.weights[0][0, 0] = w11  # weights[0] is W^1 (lists start at 0)
    return {"net": net, "trace": net.forward_pass(np.array([x1, x2], dtype=float))}


def matrix_text(net, trace):
    """The forward pass in matrix form with the current numbers, one line per equation."""
    W1, b1, W2, b2 = net.weights[0], net.biases[0], net.weights[1], net.biases[1]
    rows = "\n".join(f"  [{W1[j, 0]:5.2f} {W1[j, 1]:5.2f}]" for j in range(3))
    return (f"z¹ = W¹ a⁰ + b¹\nW¹ =\n{rows}\na⁰ = {vec(trace.a(0), '{:.2f}')}\nb¹ = {vec(b1, '{:.2f}')}\n"
            f"z¹ = {vec(trace.z(1))}\na¹ = σ(z¹) = {vec(trace.a(1))}\n\n"
            f"z² = W² a¹ + b²\nW² = {vec(W2, '{:.2f}')}, b² = {vec(b2, '{:.2f}')}\n"
            f"z² = {vec(trace.z(2))}\na² = σ(z²) = {vec(trace.a(2))}")


def _setup(fig):
    ax_net, ax_text = fig.subplots(1, 2, width_ratios=[1, 1])
    diagram = draw_diagram(ax_net, [2, 3, 1])
    ax_net.set_title("node shade = activation; edge colour =\nweight sign (red +, blue −), width = size",
                     fontsize=10)
    ax_text.set_axis_off()
    text = ax_text.text(0.0, 1.0, "", va="top", fontsize=10, family="monospace", transform=ax_text.transAxes)
    return dict(diagram=diagram, text=text, layers=[("edges", [diagram["edges"], *diagram["edge_labels"]])],
                dynamic=[diagram["nodes"], *diagram["labels"], text])


def _update(art, x1, x2, w11):
    state = forward_state(x1, x2, w11)
    update_diagram(art["diagram"], state["net"].weights, state["trace"].activations)
    art["text"].set_text(matrix_text(state["net"], state["trace"]))


@figure_factory(
    title="The forward pass",
    caption=(
        "Change an input and follow the new values from left to right through the 2-3-1 "
        "network."))
def forward_pass_explorer(x1=0.5, x2=0.8, w11=0.1):
    """Figure for the notation chapter: change the inputs (and w^1_11) and watch the values flow.

    Uses :func:`nnlib.examples.small_network`; the matrix form with the current numbers is
    printed beside the diagram. The static export varies x1, x2 and w^1_11.
    """
    controls = [Slider("x1", -1.0, 1.0, 0.1, x1, static=[-1.0, 0.0, 0.5, 1.0]),
                Slider("x2", -1.0, 1.0, 0.1, x2, static=[-1.0, 0.8, 1.0]),
                Slider("w11", -2.0, 2.0, 0.1, w11, static=[-1.0, 0.1], label="w¹₁₁", redraw="edges")]
    return InteractiveFigure("forward_pass_explorer", controls, _setup, _update, figsize=(8.6, 4.0),
                             alt="The 2-3-1 network with the values of a forward pass, and the same pass "
                                 "in matrix form with its numbers")
