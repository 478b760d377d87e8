"""Figure 3, forward_pass_explorer: values flowing through the book's 2-3-1 network."""
from functools import lru_cache

import numpy as np

from ..examples import small_network
from .controls import Slider
from .diagram import draw_diagram, update_diagram, vec
from .figure import InteractiveFigure
from .registry import figure_factory


@lru_cache(maxsize=128)
def forward_state(x1, x2, w11=None, w32=None, w213=None):
    """The pure function behind the figure: the forward pass of the 2-3-1 example network.

    ``w11`` replaces w^1_11 (to hidden neuron 1 from input 1), ``w32`` replaces w^1_32 (to hidden
    neuron 3 from input 2) and ``w213`` replaces w^2_13 (to the output from hidden neuron 3), each
    when given. Returns ``{"net", "trace"}``: the nnlib Network and its ForwardPass for x = (x1, x2).
    """
    net = small_network()
    for layer, j, k, value in [(1, 1, 1, w11), (1, 3, 2, w32), (2, 1, 3, w213)]:
        if value is not None:
            net.weights[layer - 1][j - 1, k - 1] = value  # w^layer_jk; lists and arrays start at 0
    return {"net": net, "trace": net.forward_pass(np.array([x1, x2], dtype=float))}


def matrix_text(net, trace):
    """The forward pass in matrix form with the current numbers, one block per layer.

    Written without super- or subscripts (too small to read in a figure): the layer is named at
    the head of its block, and z, W, a, b in it are the book's z^l, W^l, a^l (a^{l-1} for the
    input), b^l.
    """
    W1, b1, W2, b2 = net.weights[0], net.biases[0], net.weights[1], net.biases[1]
    rows = "\n".join(f"  [{W1[j, 0]:5.2f} {W1[j, 1]:5.2f}]" for j in range(3))
    return (f"layer 1 (hidden): z = W·a_in + b\nW =\n{rows}\na_in = x = {vec(trace.a(0), '{:.2f}')}\n"
            f"b = {vec(b1, '{:.2f}')}\nz = {vec(trace.z(1))}\na = σ(z) = {vec(trace.a(1))}\n\n"
            f"layer 2 (output): z = W·a_in + b\nW = {vec(W2, '{:.2f}')}, b = {vec(b2, '{:.2f}')}\n"
            f"z = {vec(trace.z(2))}\na = σ(z) = {vec(trace.a(2))}")


def describe(state, w11, w32, w213):
    """In words, the forward pass the figure shows (``state`` from :func:`forward_state`)."""
    trace = state["trace"]
    x, hidden, out = trace.a(0), trace.a(1), float(trace.a(2)[0])
    return (f"Input x = ({x[0]:g}, {x[1]:g}) with w¹₁₁ = {w11:g}, w¹₃₂ = {w32:g} and w²₁₃ = {w213:g}: "
            f"the hidden layer's weighted inputs are "
            f"z¹ = {vec(trace.z(1), '{:.2f}')} and its activations a¹ = {vec(hidden, '{:.2f}')}; "
            f"the output is a² = {out:.3f}.")


def _describe(x1, x2, w11, w32, w213):
    return describe(forward_state(x1, x2, w11, w32, w213), w11, w32, w213)


def _setup(fig, narrow=False):
    if narrow:  # the phone's layout: the diagram above the matrix form (its lines fit 4.5 in)
        ax_net, ax_text = fig.subplots(2, 1, height_ratios=[1.15, 1])
    else:
        ax_net, ax_text = fig.subplots(1, 2, width_ratios=[1, 1])
    diagram = draw_diagram(ax_net, [2, 3, 1], node_size=1400)
    ax_net.set_title("node shade = activation; edge colour =\nweight sign (red +, blue −), width = size",
                     fontsize=10)
    ax_text.set_axis_off()
    text = ax_text.text(0.0, 1.0, "", va="top", fontsize=10, family="monospace", transform=ax_text.transAxes)
    return dict(diagram=diagram, text=text, layers=[("edges", [diagram["edges"], *diagram["edge_labels"]])],
                dynamic=[diagram["nodes"], *diagram["labels"], text])


def _update(art, x1, x2, w11, w32, w213):
    state = forward_state(x1, x2, w11, w32, w213)
    update_diagram(art["diagram"], state["net"].weights, state["trace"].activations)
    art["text"].set_text(matrix_text(state["net"], state["trace"]))


@figure_factory(
    title="The forward pass",
    caption=(
        "Change an input and follow the new values from left to right through the 2-3-1 "
        "network."))
def forward_pass_explorer(x1=0.5, x2=0.8, w11=0.1, w32=-0.6, w213=0.9):
    """Figure for the notation chapter: change the inputs and three weights and watch the values flow.

    Uses :func:`nnlib.examples.small_network`; the matrix form with the current numbers is
    printed beside the diagram. The weights are the ones the chapter names: w^1_11, w^1_32 and
    w^2_13. The static export varies x1, x2 and w^1_11; the page computes other values live.
    """
    controls = [Slider("x1", -1.0, 1.0, 0.1, x1, static=[-1.0, 0.0, 0.5, 1.0]),
                Slider("x2", -1.0, 1.0, 0.1, x2, static=[-1.0, 0.8, 1.0]),
                Slider("w11", -2.0, 2.0, 0.1, w11, static=[-1.0, 0.1], label="w¹₁₁", redraw="edges"),
                Slider("w32", -2.0, 2.0, 0.1, w32, label="w¹₃₂", redraw="edges"),
                Slider("w213", -2.0, 2.0, 0.1, w213, label="w²₁₃", redraw="edges")]
    return InteractiveFigure("forward_pass_explorer", controls, _setup, _update, figsize=(8.6, 4.0),
                             narrow_figsize=(4.5, 6.2), describe=_describe,
                             alt="The 2-3-1 network with the values of a forward pass, and the same pass "
                                 "in matrix form with its numbers")
