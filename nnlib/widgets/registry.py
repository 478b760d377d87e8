"""Figures by name: the page's Python rebuilds the very figure the book shows.

Every public figure function (``neuron_playground``, ``descent_path``, ...) is decorated with
:func:`figure_factory`. The decorator registers the function under its name in :data:`FACTORIES`
and records, on each figure it returns, that name (``figure.factory``) and the arguments it was
called with as plain JSON (``figure.factory_kwargs``, ``None`` when an argument is not JSON).

The static HTML of a figure carries both (:mod:`~nnlib.widgets.export`), so when a reader of the
HTML book moves a control to a value that has no precomputed frame, the page's Web Worker runs
nnlib in Pyodide and calls :func:`live_png` with them: the same function builds the same figure,
and draws it for the reader's values.

>>> from nnlib.widgets import neuron_playground
>>> fig = neuron_playground(w2=0.5)
>>> fig.factory, fig.factory_kwargs
('neuron_playground', {'w2': 0.5})
>>> build(fig.factory, fig.factory_kwargs).values == fig.values
True

The registry is also the one list of the figures: :func:`figures` is what every test, benchmark
and page that lists figures reads (the gallery ``book/figures.ipynb``, the API page, the unit,
browser and live tests, ``benchmarks/bench_widgets.py``). It holds nnlib's own figures, in the
book's order, then any figure module found in ``nnlib/widgets/`` or named by another installed
package under the entry point group :data:`ENTRY_POINT_GROUP`.
"""
import functools
import importlib
import importlib.metadata
import inspect
import json
import pkgutil

#: name -> the decorated figure function, in the order the functions were registered.
FACTORIES = {}
#: name -> (title, caption): how the gallery introduces each figure (:func:`figure_factory`).
CAPTIONS = {}
#: Another package adds figures by naming its figure modules in this entry point group, e.g. in
#: its pyproject.toml: ``[project.entry-points."nnlib.figures"] my_figure = "mypackage.my_figure"``.
ENTRY_POINT_GROUP = "nnlib.figures"


def _as_json(arguments):
    """``arguments`` as JSON data, or None when a value would not come back equal from JSON."""
    try:
        data = json.loads(json.dumps(arguments))
    except (TypeError, ValueError):
        return None
    return data if data == arguments else None


def figure_factory(function=None, *, title=None, caption=None):
    """Decorator: register a figure function and record how each figure it returns was made.

    Used bare (``@figure_factory``) or with the words the gallery shows above the figure:
    ``@figure_factory(title="One neuron", caption="Change the weights ...")``. Without them the
    gallery uses the figure's name and the first line of the function's docstring.
    """
    if function is None:
        return functools.partial(figure_factory, title=title, caption=caption)
    if not callable(function):
        raise ValueError(f"figure_factory decorates a figure function, got {function!r}")
    signature = inspect.signature(function)

    @functools.wraps(function)
    def factory(*args, **kwargs):
        figure = function(*args, **kwargs)
        figure.factory = function.__name__
        figure.factory_kwargs = _as_json(dict(signature.bind(*args, **kwargs).arguments))
        return figure

    summary = (inspect.getdoc(function) or "").split("\n\n")[0].replace("\n", " ")
    FACTORIES[function.__name__] = factory
    CAPTIONS[function.__name__] = (title or function.__name__, caption or summary)
    return factory


def figures():
    """Every figure function by name: the one list of the book's figures.

    nnlib's figures come first, in the book's order (``nnlib.widgets.__all__``); then every other
    module of ``nnlib/widgets/`` (a new figure module is found without being imported anywhere)
    and every module another installed package names under :data:`ENTRY_POINT_GROUP`.

    Returns
    -------
    dict of str to callable
        ``{name: figure function}``, the book's first, then the others as registered;
        ``figures()[name]()`` builds one.
    """
    from nnlib import widgets

    for module in pkgutil.iter_modules(widgets.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{widgets.__name__}.{module.name}")
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        entry.load()
    book = [name for name in widgets.__all__ if name in FACTORIES]
    return {name: FACTORIES[name] for name in book + [n for n in FACTORIES if n not in book]}


def gallery():
    """Display every figure of :func:`figures`, each under its title and caption.

    The whole of the gallery page, ``book/figures.ipynb``: a figure added by the guide in
    :mod:`nnlib.widgets` appears there with no cell to write.
    """
    from IPython.display import Markdown, display

    for name, factory in figures().items():
        title, caption = CAPTIONS[name]
        display(Markdown(f"## {title}\n\n{caption}"))
        display(factory())


def build(name, kwargs=None):
    """The figure ``FACTORIES[name](**kwargs)``; a ValueError names the figures there are."""
    if name not in FACTORIES:
        raise ValueError(f"no figure {name!r}; the figures are {sorted(FACTORIES)}")
    return FACTORIES[name](**(kwargs or {}))


_LIVE = {}  # (name, kwargs as JSON) -> figure, reused across frames as a notebook reuses it


def live_figure(name, kwargs):
    """The figure ``name`` built with ``kwargs``, built once per ``(name, kwargs)`` and kept."""
    key = (name, json.dumps(kwargs or {}, sort_keys=True))
    figure = _LIVE.get(key)
    if figure is None:
        figure = _LIVE[key] = build(name, kwargs)
    return figure


def live_frame(name, kwargs, values, seconds=None, layout="wide"):
    """``{"image", "type", "text", "done", "note"}``: a frame of figure ``name`` and its words.

    What the page's worker answers: ``image`` is :func:`live_png`'s frame as an uncompressed BMP
    (``type`` "image/bmp"; the same pixels, written about ten times faster), ``text`` the figure's
    ``description`` of the same snapped values (shown in the figure's status region and as the
    image's alternative text). With ``seconds``, a figure with a ``progress`` hook (the training
    figures) works for about that long and, if the values are not ready yet, draws the view it
    has reached: ``done`` is then False and ``note`` says how far it got ("epoch 40 of 100"); the
    worker asks again, and the work goes on from there (the figure's state is cached).
    ``layout="narrow"`` draws the figure's phone layout (:meth:`InteractiveFigure.narrow`), if it
    has one.
    """
    if layout not in ("wide", "narrow"):
        raise ValueError(f"layout must be 'wide' or 'narrow', got {layout!r}")
    figure = live_figure(name, kwargs)
    if layout == "narrow":
        figure = figure.narrow() or figure
    wanted = {**figure.values, **figure.snap(values)}  # the controls not named keep their values
    shown = figure.progress(wanted, seconds) if seconds and figure.progress else None
    note = ""
    if shown is not None:
        labels = {c.name: c.label or c.name for c in figure.controls}
        note = ", ".join(f"{labels[k]} {shown[k]} of {wanted[k]}" for k in wanted if shown[k] != wanted[k])
    view = shown if shown is not None else wanted
    frame = {"image": figure.bmp(**view), "type": "image/bmp", "text": figure.description(**view),
             "done": shown is None, "note": note}
    figure.values.update(wanted)  # the values asked for, not the partial view: the next call goes on
    return frame


def live_png(name, kwargs, values):
    """PNG bytes of figure ``name`` (built with ``kwargs``) for the control ``values``.

    What the HTML book's worker computes for a value off the precomputed grid. ``values`` may
    name any of the figure's controls; each is snapped to its control's range and step first
    (:meth:`~nnlib.widgets.figure.InteractiveFigure.snap`), so a slider's 0.30000000000000004
    draws as 0.3. The figure is built once per ``(name, kwargs)`` and kept.
    """
    figure = live_figure(name, kwargs)
    return figure.png(**figure.snap(values))
