"""The static view of a figure: precomputed PNG frames with native HTML controls.

:func:`to_html` writes one self-contained ``<div>``: a range input or a select for every
control with several precomputed values, a plain line naming the controls that are fixed on
the page (they need a running notebook), one ``<img>`` and a few lines of inline JavaScript
that swap its ``src`` when a control moves. No CDN, no server, no kernel.

Frames are stored as complete ``src`` strings (``data:image/png;base64,...``) in a JSON map
from key to source; a build step may replace any of them with a URL of a separate file.
"""
import base64
import html
import itertools
import json

from .controls import Choice, fmt, index_of

# Static frames are reduced to a palette of this many colours (smaller files).
STATIC_COLORS = 64

_counter = itertools.count(1)


def frame_key(figure, values):
    """The key of the frame for ``values``: each control's index in its static values, joined by '_'."""
    return "_".join(str(index_of(c.static_values(), values[c.name])) for c in figure.controls)


def static_grid(figure):
    """Value dicts for every frame: the product of the controls' static values."""
    names = [c.name for c in figure.controls]
    return [dict(zip(names, combo)) for combo in itertools.product(*[c.static_values() for c in figure.controls])]


def frames(figure):
    """``{key: png_bytes}`` for every point of :func:`static_grid` (the figure's values are restored)."""
    saved = dict(figure.values)
    out = {}
    try:
        # The first control varies fastest: figures list their cheap (blitted) controls first.
        for values in sorted(static_grid(figure), key=lambda v: frame_key(figure, v).split("_")[::-1]):
            out[frame_key(figure, values)] = figure.png(colors=STATIC_COLORS, **values)
    finally:
        figure.update_values(**saved)
    return out


def _control_html(c, element_id):
    values, label = c.static_values(), html.escape(c.label or c.name)
    default, input_id = index_of(values, c.default), f"{element_id}-{c.name}"
    if isinstance(c, Choice):
        options = "".join(f'<option value="{i}"{" selected" if i == default else ""}>{html.escape(fmt(v))}</option>'
                          for i, v in enumerate(values))
        return f'<span><label for="{input_id}">{label}</label> <select id="{input_id}" data-control="{html.escape(c.name)}">{options}</select></span>'
    shown = html.escape(json.dumps([fmt(v) for v in values]))
    return (f'<span><label for="{input_id}">{label}</label> <input type="range" id="{input_id}" data-control="{html.escape(c.name)}" '
            f'min="0" max="{len(values) - 1}" step="1" value="{default}" aria-valuetext="{html.escape(fmt(c.default))}" '
            f"data-values='{shown}' style=\"vertical-align:middle\"> "
            f'<output for="{input_id}">{html.escape(fmt(c.default))}</output></span>')


def to_html(figure, element_id=None):
    """A self-contained ``<div>`` showing ``figure``'s frames with its controls."""
    element_id = element_id or f"nnlib-{figure.name}-{next(_counter)}"
    sources = {k: "data:image/png;base64," + base64.b64encode(v).decode("ascii") for k, v in frames(figure).items()}
    moving = [c for c in figure.controls if len(c.static_values()) > 1]
    fixed = [c for c in figure.controls if len(c.static_values()) == 1]
    parts = [f'<div class="nnlib-figure" id="{element_id}" data-figure="{figure.name}">',
             '<div class="nnlib-controls" style="display:flex;flex-wrap:wrap;gap:0.3em 1.2em;margin-bottom:0.3em">',
             *[_control_html(c, element_id) for c in moving], "</div>"]
    if fixed:
        listed = ", ".join(f"{html.escape(c.label or c.name)} = {html.escape(fmt(c.default))}" for c in fixed)
        parts.append(f'<p class="nnlib-fixed" style="margin:0 0 0.3em">Fixed on this page (live in a running '
                     f'notebook): {listed}</p>')
    defaults = {c.name: c.default for c in figure.controls}
    parts.append(f'<img class="nnlib-frame" alt="{html.escape(figure.alt or figure.name)}" '
                 f'style="max-width:100%;height:auto" src="{sources[frame_key(figure, defaults)]}">')
    is_moving = [len(c.static_values()) > 1 for c in figure.controls]
    parts.append(f'<script type="application/json" class="nnlib-frames">{json.dumps(sources)}</script>')
    parts.append("<script>" + _JS.replace("ELEMENT_ID", element_id).replace("MOVING", json.dumps(is_moving)) + "</script>")
    parts.append("</div>")
    return "".join(parts)


# MOVING says, per control, whether it has an input (true) or is fixed at index 0 (false).
_JS = """(function(){var root=document.getElementById("ELEMENT_ID");if(!root)return;
var frames=JSON.parse(root.querySelector("script.nnlib-frames").textContent),moving=MOVING;
var img=root.querySelector("img.nnlib-frame"),inputs=root.querySelectorAll("[data-control]");
function show(){var vals=[];inputs.forEach(function(el){vals.push(el.value);if(el.type==="range"){
var v=JSON.parse(el.getAttribute("data-values"))[+el.value];el.parentNode.querySelector("output").textContent=v;
el.setAttribute("aria-valuetext",v);}});var key=[],j=0;
moving.forEach(function(m){key.push(m?vals[j++]:"0");});key=key.join("_");
if(frames[key]){img.src=frames[key];root.setAttribute("data-key",key);}}
inputs.forEach(function(el){el.addEventListener("input",show);el.addEventListener("change",show);});})();"""
