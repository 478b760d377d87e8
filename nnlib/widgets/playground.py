"""The Playground in Jupyter: the book's Playground page as an ipywidgets widget, nnlib on the kernel.

The page (book/playground.md) and this widget share :mod:`nnlib.playground`, so for the same
settings and seed both show the same numbers. The widget draws with matplotlib: the plane with
the decision map, each neuron's map in a network diagram whose edges show the weights, and the
training and test cost against epochs.

It is not an :class:`~nnlib.widgets.InteractiveFigure`: those are pure functions of their
controls, precomputed into frames for the HTML book, while the Playground is a running process
(play, pause, one step) with points a reader adds. Points are added here by coordinates and
class (the page adds them by clicking); a link from the page opens here with
:func:`playground` ``(link=...)``.

>>> from nnlib.widgets.playground import playground
>>> playground()                                      # doctest: +SKIP
"""
import io
from urllib.parse import parse_qs, urlsplit

import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from ..playground import DATASETS, HIDDEN_ACTIVATIONS, MAX_LAYERS, MAX_WIDTH, PLANE, Config, Playground

ETAS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCHES = (1, 2, 5, 10, 20, 50, 100)
RESOLUTION = 32
ORANGE, BLUE = "#f59322", "#0877bd"
CMAP = LinearSegmentedColormap.from_list("playground", [ORANGE, "#f8f8f8", BLUE])
Q = 1295  # the page's quantisation of a reader's points: 2 base-36 digits per coordinate


def config_from_link(link):
    """The :class:`~nnlib.playground.Config` and epoch of a Playground link (``...#fig=playground&...``).

    Parameters
    ----------
    link : str
        A URL or just its fragment, as the page's "Link to this view" button gives it.

    Returns
    -------
    (Config, int)
    """
    fragment = urlsplit(link).fragment if "#" in link else link
    params = {k: v[-1] for k, v in parse_qs(fragment, keep_blank_values=True).items()}
    if params.get("fig") != "playground":
        raise ValueError(f"link must be a Playground link (#fig=playground&...), got {link[:80]!r}")
    layers = [int(n) for n in params.get("layers", "4,4").split(",") if n]
    points = []
    text = params.get("pts", "")
    for i in range(0, len(text) - 4, 5):
        qx, qy, label = int(text[i:i + 2], 36), int(text[i + 2:i + 4], 36), int(text[i + 4])
        points.append((qx / Q * 2 * PLANE - PLANE, qy / Q * 2 * PLANE - PLANE, label))
    config = Config(dataset=params.get("data", "circles"), noise=float(params.get("noise", 0.05)),
                    test_fraction=float(params.get("test", 0.5)), hidden=tuple(layers),
                    activations=tuple(params.get("act", "").split(",")[:len(layers)]) if layers else (),
                    eta=float(params.get("eta", 0.3)), batch_size=int(params.get("batch", 10)),
                    cost=params.get("cost", "cross_entropy"), seed=int(params.get("seed", 0)),
                    points=tuple(points) if params.get("data") == "own" else ())
    return config, int(params.get("epoch", 0))


def draw(run, figure=None):
    """Draw a :class:`~nnlib.playground.Playground` on a matplotlib figure (made when None); returns it."""
    fig = figure or Figure(figsize=(10, 6.4), dpi=80)
    fig.clear()
    grid = fig.add_gridspec(2, 2, width_ratios=[1, 1.5], height_ratios=[2.2, 1])
    plane, network, costs = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, :])
    extent = (-PLANE, PLANE, -PLANE, PLANE)
    maps = run.grid_activations(RESOLUTION)
    if maps:
        plane.imshow(maps[-1][0], extent=extent, cmap=CMAP, vmin=0, vmax=1, alpha=0.85)
    for X, Y, edge in ((run.X_train, run.Y_train, "white"), (run.X_test, run.Y_test, "black")):
        if len(X):
            plane.scatter(X[:, 0], X[:, 1], c=np.where(Y[:, 0] == 1, BLUE, ORANGE), edgecolors=edge, s=28)
    if not maps and run.config.points:
        own = np.array(run.config.points)
        plane.scatter(own[:, 0], own[:, 1], c=np.where(own[:, 2] == 1, BLUE, ORANGE), s=28)
    plane.set(xlim=extent[:2], ylim=extent[2:], xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    plane.set_title("points and output $a^L$", fontsize=12)
    _draw_network(network, run, maps)
    epochs = np.arange(len(run.train_cost))
    costs.plot(epochs, run.train_cost, color=BLUE, label="training")
    costs.plot(epochs, run.test_cost, color=ORANGE, linestyle="--", label="test")
    costs.set(xlabel="epoch", ylabel="cost $C$")
    if len(epochs):
        costs.legend(fontsize=11)
    fig.suptitle(run.describe(), fontsize=12)
    fig.tight_layout()
    return fig


def _draw_network(ax, run, maps):
    """Each neuron's map as a small image at its place in the diagram; edges show the weights."""
    sizes = run.config.sizes
    ax.set_axis_off()
    ax.set(xlim=(-0.5, len(sizes) - 0.5), ylim=(-0.5, max(sizes) - 0.5))
    ax.invert_yaxis()
    box = 0.36

    def y_of(l, j):
        return j + (max(sizes) - sizes[l]) / 2

    if run.ready:
        biggest = max(float(np.max(np.abs(W))) for W in run.net.weights) or 1.0
        for l, W in enumerate(run.net.weights, start=1):  # W^l, shape (n_l, n_(l-1))
            for j in range(W.shape[0]):
                for k in range(W.shape[1]):
                    w = W[j, k]
                    ax.plot([l - 1 + box, l - box], [y_of(l - 1, k), y_of(l, j)], color=BLUE if w > 0 else ORANGE,
                            linewidth=0.5 + 3 * abs(w) / biggest, alpha=0.3 + 0.7 * abs(w) / biggest)
    centres = np.linspace(-PLANE, PLANE, RESOLUTION)
    inputs = [np.tile(centres / PLANE, (RESOLUTION, 1)), np.tile(centres[::-1, None] / PLANE, (1, RESOLUTION))]
    for l, n in enumerate(sizes):
        for j in range(n):
            y = y_of(l, j)
            extent = (l - box, l + box, y + box, y - box)
            if l == 0:
                image, low, high = inputs[j], -1, 1
            elif maps:
                image = maps[l - 1][j]
                low, high = _colour_range(run.net.activation_of_layer(l).name, image)
            else:
                continue
            ax.imshow(image, extent=extent, cmap=CMAP, vmin=low, vmax=high)
    for l in range(len(sizes)):
        name = "input" if l == 0 else "output" if l == len(sizes) - 1 else run.config.activations[l - 1]
        ax.text(l, -0.75, name, ha="center", fontsize=11)


def _colour_range(name, image):
    """(vmin, vmax) with white at the activation's middle: 0.5 for the sigmoid, 0 for the others."""
    if name == "sigmoid":
        return 0.0, 1.0
    if name == "tanh":
        return -1.0, 1.0
    if name == "arctan":
        return -np.pi / 2, np.pi / 2
    m = float(np.max(np.abs(image))) or 1.0
    return -m, m


def playground(config=None, link=None, epochs=0):
    """The Playground as an ipywidgets widget: controls, play, pause, one step, reset.

    Parameters
    ----------
    config : nnlib.playground.Config or None
        The starting settings; None means the page's defaults.
    link : str or None
        A link copied from the book's Playground page; its settings and epoch are used instead.
    epochs : int
        Epochs to train before showing (a link's own epoch wins).

    Returns
    -------
    ipywidgets.VBox
        Display it (last expression of a cell). Its ``.run`` attribute is the current
        :class:`~nnlib.playground.Playground`.
    """
    import ipywidgets as widgets

    if link is not None:
        config, epochs = config_from_link(link)
    config = config or Config()
    box = widgets.VBox()
    figure = Figure(figsize=(10, 6.4), dpi=80)
    image = widgets.Image(format="png")
    status = widgets.HTML()

    def show():
        draw(box.run, figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        image.value = buffer.getvalue()
        status.value = f"<p role='status'>{box.run.describe()}</p>"

    def reset(*_):
        box.run = Playground(read_config())
        show()

    data = widgets.Dropdown(options=list(DATASETS), value=config.dataset, description="points")
    noise = widgets.FloatSlider(value=config.noise, min=0, max=0.5, step=0.01, description="noise")
    test = widgets.FloatSlider(value=config.test_fraction, min=0.1, max=0.9, step=0.1, description="test share")
    seed = widgets.BoundedIntText(value=config.seed, min=0, max=999_999, description="seed")
    n_layers = widgets.IntSlider(value=len(config.hidden), min=0, max=MAX_LAYERS, description="hidden layers")
    widths = [widgets.IntSlider(value=(config.hidden[i] if i < len(config.hidden) else 4), min=1, max=MAX_WIDTH,
                                description=f"layer {i + 1}") for i in range(MAX_LAYERS)]
    acts = [widgets.Dropdown(options=list(HIDDEN_ACTIVATIONS),
                             value=(config.activations[i] if i < len(config.activations) else "tanh"),
                             description="activation") for i in range(MAX_LAYERS)]
    eta = widgets.Dropdown(options=list(ETAS), value=min(ETAS, key=lambda e: abs(e - config.eta)), description="η")
    batch = widgets.Dropdown(options=list(BATCHES), value=min(BATCHES, key=lambda b: abs(b - config.batch_size)),
                             description="batch size")
    cost = widgets.Dropdown(options=[("cross-entropy", "cross_entropy"), ("quadratic", "quadratic")],
                            value=config.cost, description="cost")
    own = {"points": list(config.points)}
    x1 = widgets.FloatText(value=0.0, description="x1")
    x2 = widgets.FloatText(value=0.0, description="x2")
    label = widgets.ToggleButtons(options=[("orange", 0), ("blue", 1)], value=1, description="class")
    add = widgets.Button(description="add point")
    step = widgets.Button(description="one step")
    reset_button = widgets.Button(description="reset")
    play = widgets.Play(value=0, min=0, max=10**9, interval=50, description="play")
    layer_rows = [widgets.HBox([w, a]) for w, a in zip(widths, acts)]

    def read_config():
        n = n_layers.value
        for i, row in enumerate(layer_rows):
            row.layout.display = "" if i < n else "none"
        return Config(dataset=data.value, noise=noise.value, test_fraction=test.value,
                      hidden=tuple(w.value for w in widths[:n]), activations=tuple(a.value for a in acts[:n]),
                      eta=eta.value, batch_size=batch.value, cost=cost.value, seed=seed.value,
                      points=tuple(own["points"]) if data.value == "own" else ())

    def add_point(_):
        if data.value != "own":
            run = box.run
            own["points"] = [(x[0], x[1], int(y[0])) for X, Y in ((run.X_train, run.Y_train), (run.X_test, run.Y_test))
                             for x, y in zip(X, Y)]
        own["points"].append((x1.value, x2.value, label.value))
        if data.value == "own":
            reset()
        else:
            data.value = "own"  # observed: resets

    def one_step(_):
        box.run.step(1)
        show()

    for control in (data, noise, test, seed, n_layers, eta, batch, cost, *widths, *acts):
        control.observe(reset, names="value")
    play.observe(lambda change: one_step(None), names="value")
    add.on_click(add_point)
    step.on_click(one_step)
    reset_button.on_click(reset)
    box.run = Playground(read_config()).step(epochs)
    show()
    box.children = [
        widgets.HBox([play, step, reset_button]), status, image,
        widgets.HBox([widgets.VBox([data, noise, test, seed]), widgets.VBox([n_layers, *layer_rows]),
                      widgets.VBox([eta, batch, cost])]),
        widgets.HBox([x1, x2, label, add]),
    ]
    return box


__all__ = ["playground", "draw", "config_from_link"]
