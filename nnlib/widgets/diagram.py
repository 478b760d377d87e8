"""A network diagram (nodes and edges), shared by the notation and backprop figures."""
import numpy as np
from matplotlib import colormaps
from matplotlib.collections import LineCollection

NODE_CMAP = colormaps["Greys"]


def node_positions(sizes):
    """``positions[l]`` is an array of shape (n_l, 2): x = layer number, y spread around 0."""
    return [np.column_stack([np.full(n, float(l)), np.linspace(-(n - 1) / 2, (n - 1) / 2, n)[::-1]])
            for l, n in enumerate(sizes)]


def draw_diagram(ax, sizes, node_size=900):
    """Draw nodes and edges once; returns a dict of artists for :func:`update_diagram`."""
    pos = node_positions(sizes)
    segments = [[pos[l - 1][k], pos[l][j]] for l in range(1, len(sizes))
                for j in range(sizes[l]) for k in range(sizes[l - 1])]
    edges = LineCollection(segments, zorder=1)
    ax.add_collection(edges)
    xy = np.vstack(pos)
    nodes = ax.scatter(xy[:, 0], xy[:, 1], s=node_size, c="white", edgecolors="k", linewidths=1.2, zorder=2)
    labels = [ax.text(x, y, "", ha="center", va="center", fontsize=10, zorder=3) for x, y in xy]
    # Each weight's label lies on its own edge, turned along it; the edges leaving one node carry
    # their labels at one distance from it, and each source node a different distance, so that the
    # labels of edges that cross do not stack up in one column.
    edge_labels = []
    for l in range(1, len(sizes)):
        for j in range(sizes[l]):
            for k in range(sizes[l - 1]):
                start, end = pos[l - 1][k], pos[l][j]
                t = 0.5 if sizes[l - 1] == 1 else 0.3 + 0.4 * k / (sizes[l - 1] - 1)
                angle = np.degrees(np.arctan2(end[1] - start[1], end[0] - start[0]))
                edge_labels.append(ax.text(*(start + t * (end - start)), "", fontsize=10, color="0.1",
                                           ha="center", va="center", zorder=3, rotation=angle,
                                           rotation_mode="anchor", transform_rotates_text=True,
                                           bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.85)))
    ax.set_xlim(-0.4, len(sizes) - 0.6)
    ax.set_ylim(-max(sizes) / 2 - 0.2, max(sizes) / 2 + 0.2)
    ax.set_axis_off()
    return dict(edges=edges, nodes=nodes, labels=labels, edge_labels=edge_labels, sizes=list(sizes))


def update_diagram(d, weights, activations, highlight=(), node_text=None, edge_highlight=()):
    """Colour edges by weight sign (red +, blue -) and width by size; shade nodes by activation.

    ``activations[l]`` (shape (n_l,)) or None for a layer not yet computed; ``highlight`` lists
    (l, j) nodes to outline in orange; ``edge_highlight`` lists layers whose edges are emphasised.
    """
    w_flat = np.concatenate([W.ravel() for W in weights])  # W^l row by row = segment order
    colors = np.where(w_flat[:, None] >= 0, [[0.80, 0.15, 0.15, 0.85]], [[0.15, 0.30, 0.80, 0.85]])
    widths = 0.5 + 3.0 * np.minimum(np.abs(w_flat), 1.5)
    if edge_highlight:
        layer_of_edge = np.concatenate([np.full(W.size, l) for l, W in enumerate(weights, start=1)])
        faded = ~np.isin(layer_of_edge, list(edge_highlight))
        colors[faded, 3] = 0.25
    d["edges"].set_color(colors)
    d["edges"].set_linewidths(widths)
    for text, w in zip(d["edge_labels"], w_flat):
        text.set_text(f"{w:.1f}")
    faces, edgecolors, lw, i = [], [], [], 0
    for l, n in enumerate(d["sizes"]):
        for j in range(n):
            a = None if activations[l] is None else float(activations[l][j])
            # light greys only, so that black values stay readable on every node (contrast >= 7:1)
            faces.append("white" if a is None else NODE_CMAP(0.05 + 0.4 * float(np.clip(a, 0, 1))))
            on = (l, j) in highlight
            edgecolors.append("darkorange" if on else "k")
            lw.append(4.0 if on else 1.2)
            label = "" if a is None else f"{a:.2f}"  # four characters fit inside a node
            if node_text is not None and node_text[i]:
                label = node_text[i]
            d["labels"][i].set_text(label)
            i += 1
    d["nodes"].set_facecolor(faces)
    d["nodes"].set_edgecolor(edgecolors)
    d["nodes"].set_linewidths(lw)


def vec(v, fmt="{:.3f}"):
    """A short text form of a vector, e.g. [0.470, -0.190]."""
    return "[" + ", ".join(fmt.format(float(x)) for x in np.ravel(v)) + "]"
