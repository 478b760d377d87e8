"""InteractiveFigure: one definition per figure, live in a kernel and explorable in static HTML.

A figure is its controls (:mod:`~nnlib.widgets.controls`), a ``setup`` that draws its fixed
parts and returns its artists, and an ``update`` that sets those artists from the control
values. This module runs the lifecycle: build the figure on first use, call ``update`` when
values change, work out from the controls' ``redraw`` declarations which layers to redraw
(:mod:`~nnlib.widgets.drawing`), and show the result as an ipywidgets view or as static HTML
(:mod:`~nnlib.widgets.export`).
"""
import dataclasses
import functools
import html
from dataclasses import dataclass, field

from . import export
from .controls import Choice
from .drawing import DPI, NARROW_DPI, NARROW_WIDTH, LayeredCanvas, bmp_bytes, freeze_layout, new_figure, png_bytes


@dataclass
class InteractiveFigure:
    """A figure with controls, live in a kernel and explorable in static HTML.

    Parameters
    ----------
    name : str
    controls : list of Slider or Choice
    setup : callable
        ``setup(fig) -> art``: draws the fixed parts on the matplotlib ``Figure`` and returns a
        dict with ``"dynamic"`` (artists redrawn every time), optionally ``"layers"`` (a list of
        ``(name, artists)``, bottom first, redrawn when a control naming them changes) and
        whatever else ``update`` needs. A figure with a ``narrow_figsize`` is also set up as
        ``setup(fig, narrow=True)``: the same artists, laid out for a phone (see :meth:`narrow`).
    update : callable
        ``update(art, **values)``: sets the artists for the given control values.
    figsize : tuple of float
        Inches; at most 8.6 wide (688 px at 80 dpi, the book's column).
    narrow_figsize : tuple of float or None
        Inches of the phone layout, ``NARROW_WIDTH`` (4.5) wide: panels one above the other, the
        same font sizes, so that the text is as big on a 390 px phone as in the book's column.
    alt : str
        What the figure shows in general (the fallback of its alternative text).
    describe : callable or None
        ``describe(**values) -> str``: in words, what the picture shows for those control values
        (the numbers drawn, what they mean), computed from the same state as ``update``. The
        live widget, the precomputed frames and the page's worker all show it (and use it as
        the image's alternative text).
    progress : callable or None
        ``progress(values, seconds) -> dict or None``, for figures whose state takes long to
        compute (training): the values that can be shown after about ``seconds`` of work towards
        ``values`` (e.g. an earlier epoch), or None once ``values`` themselves are ready. The
        page's worker uses it to show a training run as it goes (see ``registry.live_frame``).
    """

    name: str
    controls: list
    setup: object
    update: object
    figsize: tuple = (8.6, 4.0)
    alt: str = ""
    describe: object = None
    progress: object = None
    narrow_figsize: tuple = None
    #: Pixels per inch of the frames (DPI; NARROW_DPI for the phone layout, see :meth:`narrow`).
    dpi: int = DPI
    #: The registered function that made this figure and its arguments as JSON (see
    #: :mod:`~nnlib.widgets.registry`); the HTML book's worker rebuilds the figure from them.
    factory: str = field(default=None, init=False)
    factory_kwargs: dict = field(default=None, init=False)
    _canvas: object = field(default=None, init=False, repr=False)
    _widget: object = field(default=None, init=False, repr=False)
    _narrow: object = field(default=None, init=False, repr=False)

    def __post_init__(self):
        names = [c.name for c in self.controls]
        if len(set(names)) != len(names):
            raise ValueError(f"control names must be unique, got {names}")
        if self.narrow_figsize is not None and self.narrow_figsize[0] != NARROW_WIDTH:
            raise ValueError(f"narrow_figsize must be {NARROW_WIDTH} inches wide, got {self.narrow_figsize}")
        self.values = {c.name: c.default for c in self.controls}
        self._drawn = None  # the values of the last draw

    @property
    def figure(self):
        """The matplotlib Figure (Agg canvas, not registered with pyplot), built on first use."""
        if self._canvas is None:
            fig = new_figure(self.figsize, self.dpi)
            self._art = self.setup(fig)
            self.update(self._art, **self.values)
            fig.canvas.draw()  # lays the figure out once, for the default values
            freeze_layout(fig)
            self._canvas = LayeredCanvas(fig, self._art.get("layers", []), self._art["dynamic"])
            for c in self.controls:
                self._canvas.level(c.redraw)  # a misspelt layer name fails here, not on a redraw
        return self._canvas.figure

    def narrow(self):
        """The same figure laid out for a phone, or None when it has no ``narrow_figsize``.

        Same controls, update, words and progress; ``setup(fig, narrow=True)`` on a figure
        ``NARROW_WIDTH`` inches wide, drawn at ``NARROW_DPI`` (three pixels per CSS pixel). Its
        frames are the phone's (see :mod:`~nnlib.widgets.export`); built once and kept.
        """
        if self.narrow_figsize is None:
            return None
        if self._narrow is None:
            self._narrow = dataclasses.replace(self, setup=functools.partial(self.setup, narrow=True),
                                               figsize=self.narrow_figsize, narrow_figsize=None, dpi=NARROW_DPI)
            self._narrow.factory, self._narrow.factory_kwargs = self.factory, self.factory_kwargs
        return self._narrow

    def update_values(self, **values):
        """Set some control values and redraw what the changed controls declare; returns the Figure."""
        unknown = set(values) - set(self.values)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; {self.name} has {sorted(self.values)}")
        self.values.update(values)
        fig = self.figure
        changed = [c for c in self.controls if self._drawn is None or self._drawn[c.name] != self.values[c.name]]
        level = min([self._canvas.level(c.redraw) for c in changed] + [len(self._canvas.layers)])
        self.update(self._art, **self.values)
        self._canvas.draw(-1 if self._drawn is None else level)
        self._drawn = dict(self.values)
        return fig

    def description(self, **values):
        """Words for what the figure shows at the current values updated with ``values``."""
        unknown = set(values) - set(self.values)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; {self.name} has {sorted(self.values)}")
        if self.describe is None:
            return self.alt or self.name
        return self.describe(**{**self.values, **values})

    def snap(self, values):
        """``values`` with each control's value put on its range and steps (see ``Slider.snap``)."""
        controls = {c.name: c for c in self.controls}
        unknown = set(values) - set(controls)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; {self.name} has {sorted(controls)}")
        return {name: controls[name].snap(value) for name, value in values.items()}

    def png(self, dpi=None, colors=None, **values):
        """PNG bytes of the figure for the given control values (others unchanged).

        ``dpi`` defaults to the figure's own (``self.dpi``); ``colors`` reduces the image to a
        palette of that many colours (smaller files).
        """
        dpi = dpi or self.dpi
        fig = self.figure
        if fig.dpi != dpi:
            fig.set_dpi(dpi)
            self._drawn = None  # cached pixels are at the old size
        return png_bytes(self.update_values(**values), colors)

    def bmp(self, **values):
        """The same frame as :meth:`png` (at the figure's own dpi), as an uncompressed BMP: what the
        HTML book's worker sends its page (see :func:`~nnlib.widgets.drawing.bmp_bytes`)."""
        self.figure  # noqa: B018  (built at self.dpi)
        return bmp_bytes(self.update_values(**values))

    # ---- static export (see nnlib.widgets.export) ----------------------------------------

    def static_grid(self):
        """List of value dicts the static export precomputes."""
        return export.static_grid(self)

    def frames(self):
        """``{key: png_bytes}`` for every point of :meth:`static_grid`."""
        return export.frames(self)

    def default_key(self):
        """The frame key of the default values."""
        return export.frame_key(self, {c.name: c.default for c in self.controls})

    def to_html(self, element_id=None):
        """A self-contained ``<div>``: frames, native controls, inline script."""
        return export.to_html(self, element_id)

    # ---- live widget --------------------------------------------------------------------

    def widget(self):
        """An ipywidgets box: one control per :class:`Slider`/:class:`Choice` and the figure as an Image."""
        if self._widget is not None:
            return self._widget
        import ipywidgets as widgets

        image = widgets.Image(value=self.png(), format="png")
        # One line in words of what the picture shows (the static page's status region says the same).
        words = widgets.HTML(value=html.escape(self.description()))
        controls, style = [], {"description_width": "initial"}
        for c in self.controls:
            common = dict(value=c.default, description=c.label or c.name, style=style)
            if isinstance(c, Choice):
                w = widgets.Dropdown(options=list(c.options), **common)
            elif c.is_int:
                w = widgets.IntSlider(min=c.min, max=c.max, step=c.step, **common)
            else:
                w = widgets.FloatSlider(min=c.min, max=c.max, step=c.step,
                                        readout_format=".2f" if c.step < 0.1 else ".1f", **common)

            def on_change(change, name=c.name):
                image.value = self.png(**{name: change["new"]})
                words.value = html.escape(self.description())

            w.observe(on_change, names="value")
            controls.append(w)
        self._widget = widgets.VBox([widgets.HBox(controls, layout=widgets.Layout(flex_flow="row wrap")), words, image])
        return self._widget

    def _repr_mimebundle_(self, include=None, exclude=None):
        """What a notebook shows: the live widget in a kernel, the static HTML only for the book.

        In a kernel the bundle carries the widget view, drawn once for the current values. The
        precomputed frames (:meth:`to_html`, seconds of drawing and about a megabyte) are added
        only when the book's build asks for them (:func:`~nnlib.widgets.export.requested`), so a
        reader's notebook shows the widget at once and stores no frames.
        """
        bundle = {"text/plain": repr(self)}
        if export.requested():
            bundle["text/html"] = self.to_html()
        if _in_kernel():
            view = self.widget()._repr_mimebundle_()
            bundle.update({k: v for k, v in view.items() if k != "text/plain"})
        return bundle

    def __repr__(self):
        return f"<{self.name}: interactive figure; run the notebook to use its controls>"


def _in_kernel():
    """True in a Jupyter kernel (where an ipywidgets view can be shown), False elsewhere."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None
