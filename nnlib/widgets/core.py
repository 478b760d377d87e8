"""One definition per figure, shown two ways: live ipywidgets in a kernel, precomputed frames in HTML.

A figure is described by

* its **controls** (:class:`Slider`, :class:`Choice`): names, ranges, defaults, and the few values
  the static export precomputes;
* a **setup** function that builds the matplotlib axes and artists once; and
* an **update** function that takes the control values and changes those artists in place.

:class:`InteractiveFigure` then offers

* ``widget()``: ipywidgets controls that call ``update`` and redraw (in a running kernel);
* ``to_html()``: a self-contained ``<div>`` with one PNG frame per combination of the static values,
  native ``<input type=range>`` / ``<select>`` controls and a few lines of inline JavaScript that swap
  the frame (no CDN, no server, no kernel);
* ``_repr_mimebundle_``: both at once plus ``text/plain``, so Jupyter shows the live widget and
  the built book shows the static version (``nb_mime_priority_overrides`` in ``_config.yml``).

The maths always comes from nnlib; this module only handles drawing and controls.
"""
import base64
import html
import io
import itertools
import json
from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure

try:  # matplotlib >= 3.11: an Agg canvas that caches rendered glyphs (see _fastagg)
    from ._fastagg import FastCanvasAgg as _Canvas
except ImportError:  # older matplotlib: the stock Agg canvas, slower to redraw text
    from matplotlib.backends.backend_agg import FigureCanvasAgg as _Canvas

# Frames are small PNGs; this dpi keeps a figure's page weight well under 1.5 MB.
STATIC_DPI = 80
LIVE_DPI = 80
# Static frames are reduced to a palette of this many colours.
STATIC_COLORS = 96

_counter = itertools.count(1)


@dataclass
class Slider:
    """A numeric control.

    Parameters
    ----------
    name : str
        Keyword passed to the figure's update function.
    min, max, step, default : float or int
        The live slider's range. Integers throughout give an integer slider.
    static : sequence or None
        Values precomputed for the static HTML; None keeps this control at ``default`` there.
    label : str or None
        Shown beside the control; defaults to ``name``.
    """

    name: str
    min: float
    max: float
    step: float
    default: float
    static: list = None
    label: str = None

    @property
    def is_int(self):
        return all(isinstance(v, (int, np.integer)) for v in (self.min, self.max, self.step, self.default))

    def static_values(self):
        return [self.default] if self.static is None else list(self.static)


@dataclass
class Choice:
    """A control choosing one of several options (a dropdown).

    ``static=True`` precomputes every option, a list precomputes those, False only the default."""

    name: str
    options: list
    default: object = None
    static: bool = True
    label: str = None

    def __post_init__(self):
        if self.default is None:
            self.default = self.options[0]
        if self.default not in self.options:
            raise ValueError(f"default must be one of {self.options}, got {self.default!r}")

    def static_values(self):
        if self.static is True:
            return list(self.options)
        return list(self.static) if self.static else [self.default]


@dataclass
class InteractiveFigure:
    """A figure with controls, live in a kernel and explorable in static HTML.

    Parameters
    ----------
    name : str
    controls : list of Slider or Choice
    setup : callable
        ``setup(fig) -> art``: draws the figure's fixed parts on the matplotlib ``Figure`` and
        returns whatever the update function needs (usually a dict of artists).
    update : callable
        ``update(art, **values)``: changes the artists in place for the given control values.
    figsize : tuple of float
    alt : str
        Alternative text for the static image.
    """

    name: str
    controls: list
    setup: object
    update: object
    figsize: tuple = (7.0, 3.2)
    alt: str = ""
    _fig: object = field(default=None, init=False, repr=False)
    _art: object = field(default=None, init=False, repr=False)
    _widget: object = field(default=None, init=False, repr=False)

    def __post_init__(self):
        names = [c.name for c in self.controls]
        if len(set(names)) != len(names):
            raise ValueError(f"control names must be unique, got {names}")
        self.values = {c.name: c.default for c in self.controls}

    # ---- drawing ------------------------------------------------------------------------

    @property
    def figure(self):
        """The matplotlib Figure (Agg canvas, not registered with pyplot), built on first use."""
        if self._fig is None:
            self._fig = Figure(figsize=self.figsize, layout="constrained", dpi=LIVE_DPI)
            _Canvas(self._fig)
            self._art = self.setup(self._fig)
            self.update(self._art, **self.values)
            self._fig.canvas.draw()
            # Freeze the layout found for the default values: redraws then skip the layout solver.
            self._fig.set_layout_engine("none")
            _freeze_label_positions(self._fig)
            for artist in [*self._art.get("dynamic", []), *itertools.chain(*self._layers())]:
                artist.set_animated(True)
            self._snapshots = None
        return self._fig

    def _check(self, values):
        unknown = set(values) - set(self.values)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; {self.name} has {sorted(self.values)}")

    def update_values(self, **values):
        """Set some control values, update the artists and finish the draw on the Agg canvas.

        Only the figure's dynamic artists are redrawn over a cached background (blitting).
        Three levels, cheapest first:

        * normally the cached background is restored and the ``art["dynamic"]`` artists drawn;
        * if the update function set ``art["redraw_partial"] = True`` (e.g. one axes' limits
          changed), the ``art["partial"]`` artists (usually axes or axis objects) are redrawn over
          the cached base (the figure without them) and the result becomes the new background.
          ``art["partial"]`` may also be a list of layers (lists of artists), each drawn over the
          previous one and cached; ``art["redraw_partial"] = k`` (an int) redraws from layer k on;
        * if it set ``art["redraw_all"] = True``, the whole figure is redrawn.

        Returns the Figure.
        """
        self._check(values)
        self.values.update(values)
        fig = self.figure
        self.update(self._art, **self.values)
        canvas = fig.canvas
        layers = self._layers()
        redraw_all = self._art.pop("redraw_all", False) or self._snapshots is None
        flag = self._art.pop("redraw_partial", None)
        start = 0 if flag is True else len(layers) if flag is None or flag is False else int(flag)
        if redraw_all:
            canvas.draw()  # draws everything except the animated (dynamic and partial) artists
            self._snapshots = [canvas.copy_from_bbox(fig.bbox)] + [None] * len(layers)
            start = 0
        else:
            canvas.restore_region(self._snapshots[start])
        for k in range(start, len(layers)):
            for artist in layers[k]:
                fig.draw_artist(artist)
            self._snapshots[k + 1] = canvas.copy_from_bbox(fig.bbox)
        for artist in self._art.get("dynamic", []):
            fig.draw_artist(artist)
        return fig

    def _layers(self):
        partial = self._art.get("partial", [])
        if not partial:
            return []
        return list(partial) if isinstance(partial[0], (list, tuple)) else [partial]

    def _set_dpi(self, dpi):
        fig = self.figure
        if fig.dpi != dpi:
            fig.set_dpi(dpi)
            self._snapshots = None

    def png(self, dpi=LIVE_DPI, colors=None, **values):
        """PNG bytes of the figure for the given control values (others unchanged).

        ``colors`` reduces the image to a palette of that many colours (smaller files).
        """
        from PIL import Image

        self._set_dpi(dpi)
        fig = self.update_values(**values)
        image = Image.fromarray(np.asarray(fig.canvas.buffer_rgba())[..., :3])
        if colors:
            image = image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE)
        buffer = io.BytesIO()
        image.save(buffer, format="png", compress_level=1 if colors is None else 6)
        return buffer.getvalue()

    # ---- static export ------------------------------------------------------------------

    def static_grid(self):
        """List of value dicts the static export precomputes: the product of every control's static values."""
        lists = [c.static_values() for c in self.controls]
        return [dict(zip([c.name for c in self.controls], combo)) for combo in itertools.product(*lists)]

    def frames(self, dpi=STATIC_DPI):
        """``{key: png_bytes}`` for every point of :meth:`static_grid`; key = control indices joined by '_'."""
        saved = dict(self.values)
        lists = [c.static_values() for c in self.controls]
        out = {}
        try:
            # The first control varies fastest: put cheap (blitted) controls first in each figure.
            for reversed_idx in itertools.product(*[range(len(v)) for v in reversed(lists)]):
                idx = reversed_idx[::-1]
                values = {c.name: lst[i] for c, lst, i in zip(self.controls, lists, idx)}
                out["_".join(map(str, idx))] = self.png(dpi=dpi, colors=STATIC_COLORS, **values)
        finally:
            self._set_dpi(LIVE_DPI)
            self.update_values(**saved)
        return out

    def default_key(self):
        keys = []
        for c in self.controls:
            vals = c.static_values()
            keys.append(str(_index_of(vals, c.default)))
        return "_".join(keys)

    def to_html(self, dpi=STATIC_DPI, element_id=None):
        """A self-contained ``<div>``: PNG frames as data URIs, native controls, inline script."""
        if element_id is None:
            element_id = f"nnlib-{self.name}-{next(_counter)}"
        frames = {k: base64.b64encode(v).decode("ascii") for k, v in self.frames(dpi).items()}
        parts = [f'<div class="nnlib-figure" id="{element_id}" data-figure="{self.name}">',
                 '<div class="nnlib-controls" style="display:flex;flex-wrap:wrap;gap:0.3em 1.2em;'
                 'font-size:0.85em;margin-bottom:0.3em">']
        for c in self.controls:
            label = html.escape(c.label or c.name)
            vals = c.static_values()
            dflt = _index_of(vals, c.default)
            fixed = len(vals) == 1
            title = ' title="Fixed at its default here; run the notebook to change it"' if fixed else ""
            disabled = " disabled" if fixed else ""
            shown = json.dumps([_fmt(v) for v in vals])
            if isinstance(c, Choice):
                opts = "".join(f'<option value="{i}"{" selected" if i == dflt else ""}>{html.escape(_fmt(v))}</option>'
                               for i, v in enumerate(vals))
                parts.append(f'<label{title}>{label} <select data-control="{html.escape(c.name)}"'
                             f'{disabled}>{opts}</select></label>')
            else:
                parts.append(f'<label{title}>{label} <input type="range" data-control="{html.escape(c.name)}" '
                             f'min="0" max="{len(vals) - 1}" step="1" value="{dflt}"{disabled} '
                             f"data-values='{html.escape(shown)}' style=\"vertical-align:middle\"> "
                             f'<output>{html.escape(_fmt(vals[dflt]))}</output></label>')
        parts.append("</div>")
        key = self.default_key()
        parts.append(f'<img class="nnlib-frame" alt="{html.escape(self.alt or self.name)}" '
                     f'style="max-width:100%;height:auto" src="data:image/png;base64,{frames[key]}">')
        parts.append(f'<script type="application/json" class="nnlib-frames">{json.dumps(frames)}</script>')
        parts.append("<script>" + _JS.replace("ELEMENT_ID", element_id) + "</script>")
        parts.append("</div>")
        return "".join(parts)

    # ---- live widget --------------------------------------------------------------------

    def widget(self):
        """An ipywidgets box: one control per :class:`Slider`/:class:`Choice` and the figure as an Image."""
        if self._widget is not None:
            return self._widget
        import ipywidgets as widgets

        image = widgets.Image(value=self.png(), format="png")
        controls = []
        for c in self.controls:
            label = c.label or c.name
            style = {"description_width": "initial"}
            if isinstance(c, Choice):
                w = widgets.Dropdown(options=list(c.options), value=c.default, description=label, style=style)
            elif c.is_int:
                w = widgets.IntSlider(min=c.min, max=c.max, step=c.step, value=c.default,
                                      description=label, continuous_update=True, style=style)
            else:
                w = widgets.FloatSlider(min=c.min, max=c.max, step=c.step, value=c.default,
                                        description=label, continuous_update=True, style=style,
                                        readout_format=".2f" if c.step < 0.1 else ".1f")

            def on_change(change, name=c.name):
                image.value = self.png(**{name: change["new"]})

            w.observe(on_change, names="value")
            controls.append(w)
        box = widgets.VBox([widgets.HBox(controls, layout=widgets.Layout(flex_flow="row wrap")), image])
        self._widget = box
        return box

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": f"<{self.name}: interactive figure; run the notebook to use its controls>",
                  "text/html": self.to_html()}
        try:
            import ipywidgets  # noqa: F401
            from IPython import get_ipython

            if get_ipython() is not None and getattr(get_ipython(), "kernel", None) is not None:
                view = self.widget()._repr_mimebundle_()
                bundle.update({k: v for k, v in view.items() if k != "text/plain"})
        except ImportError:
            pass
        return bundle

    def __repr__(self):
        return f"<{self.name}: interactive figure; run the notebook to use its controls>"


def _index_of(values, value):
    for i, v in enumerate(values):
        if v == value or (isinstance(v, float) and isinstance(value, (int, float)) and np.isclose(v, value)):
            return i
    raise ValueError(f"default {value!r} must be one of the static values {values}")


def _fmt(value):
    if isinstance(value, (float, np.floating)):
        return f"{value:g}"
    return str(value)


_JS = """(function(){var root=document.getElementById("ELEMENT_ID");if(!root)return;
var frames=JSON.parse(root.querySelector("script.nnlib-frames").textContent);
var img=root.querySelector("img.nnlib-frame");var inputs=root.querySelectorAll("[data-control]");
function show(){var key=[];inputs.forEach(function(el){key.push(el.value);
if(el.type==="range"){var vals=JSON.parse(el.getAttribute("data-values"));
el.parentNode.querySelector("output").textContent=vals[+el.value];}});
var f=frames[key.join("_")];if(f){img.src="data:image/png;base64,"+f;root.setAttribute("data-key",key.join("_"));}}
inputs.forEach(function(el){el.addEventListener("input",show);el.addEventListener("change",show);});})();"""


def _freeze_label_positions(fig):
    """Pin every axis label and axes title where the first draw put them.

    Otherwise each redraw measures all tick labels again to place them (about half the cost of
    redrawing an axes). Later tick-label changes then never move the labels, which is what a
    reader of an interactive figure wants anyway.
    """
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            label = axis.label
            if getattr(axis, "_autolabelpos", False):
                display = label.get_transform().transform(label.get_position())
                axis.set_label_coords(*ax.transAxes.inverted().transform(display))
        if hasattr(ax, "_autotitlepos"):
            ax._autotitlepos = False  # private matplotlib flag: keep titles at their drawn height
