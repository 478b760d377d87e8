"""The static view of a figure: precomputed PNG frames, every control live, Python on demand.

:func:`to_html` writes one ``<div>``: for every control a native input over its whole range (a
range input from ``min`` to ``max`` by ``step``, or a select of every option), one ``<img>``, a
status line and a few lines of inline JavaScript. No CDN, no server, no kernel:

* a value on the precomputed grid (every combination of the controls' ``static`` values) shows
  its frame at once, as an ``<img>`` source from a JSON map of frames;
* any other value is computed in the page by the same nnlib: the first such move starts a Web
  Worker (``_figures/worker.js`` at the root of the built book, next to the in-browser edition's
  Pyodide in ``lite/static/pyodide/``) that loads Python, numpy, matplotlib and nnlib from the
  site itself and calls :func:`nnlib.widgets.registry.live_png` with the figure's factory name,
  its arguments and the control values. The status line says "starting Python..." while it
  loads and then how long the frame took; if the site has no in-browser Python, or the page was
  opened from disk, it says so plainly. Nothing of the runtime loads before that first move.

The page finds the site's root from ``data-content_root`` on ``<html>`` (Sphinx writes it);
without it only the precomputed values can be shown, and the status line says so.

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
# Where the built book serves the figure worker (booksite/live_figures.py copies it there).
WORKER_PATH = "_figures/worker.js"

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


def _attr_json(data):
    """``data`` as JSON for an attribute (numpy scalars as the numbers they hold)."""
    text = json.dumps(data, ensure_ascii=False, default=lambda o: o.item() if hasattr(o, "item") else str(o))
    return html.escape(text, quote=True)


def _control_html(c, element_id):
    label, input_id, name = html.escape(c.label or c.name), f"{element_id}-{c.name}", html.escape(c.name)
    grid = c.static_values()
    if isinstance(c, Choice):
        options = []
        for i, option in enumerate(c.options):
            frame = f' data-frame="{grid.index(option)}"' if option in grid else ""
            selected = " selected" if option == c.default else ""
            options.append(f'<option value="{i}"{frame}{selected}>{html.escape(fmt(option))}</option>')
        return (f'<span><label for="{input_id}">{label}</label> <select id="{input_id}" data-control="{name}" '
                f'data-options="{_attr_json(list(c.options))}">{"".join(options)}</select></span>')
    shown = html.escape(fmt(c.default))
    return (f'<span><label for="{input_id}">{label}</label> <input type="range" id="{input_id}" '
            f'data-control="{name}" min="{fmt(c.min)}" max="{fmt(c.max)}" step="{fmt(c.step)}" '
            f'value="{fmt(c.default)}" aria-valuetext="{shown}" data-grid="{_attr_json(grid)}" '
            f'style="vertical-align:middle"> <output for="{input_id}">{shown}</output></span>')


def to_html(figure, element_id=None):
    """A self-contained ``<div>`` showing ``figure``'s frames with its controls (see the module docstring)."""
    element_id = element_id or f"nnlib-{figure.name}-{next(_counter)}"
    sources = {k: "data:image/png;base64," + base64.b64encode(v).decode("ascii") for k, v in frames(figure).items()}
    defaults = {c.name: c.default for c in figure.controls}
    factory = getattr(figure, "factory", None)
    kwargs = getattr(figure, "factory_kwargs", None)
    live = (f' data-factory="{html.escape(factory)}" data-kwargs="{_attr_json(kwargs)}"'
            if factory and kwargs is not None else "")
    parts = [f'<div class="nnlib-figure" id="{element_id}" data-figure="{html.escape(figure.name)}"{live}>',
             '<div class="nnlib-controls" style="display:flex;flex-wrap:wrap;gap:0.3em 1.2em;margin-bottom:0.3em">',
             *[_control_html(c, element_id) for c in figure.controls], "</div>",
             '<p class="nnlib-status" role="status" aria-live="polite" '
             'style="margin:0 0 0.3em;min-height:1.5em;font-size:0.9em"></p>',
             f'<img class="nnlib-frame" alt="{html.escape(figure.alt or figure.name)}" '
             f'style="max-width:100%;height:auto" src="{sources[frame_key(figure, defaults)]}">',
             f'<script type="application/json" class="nnlib-frames">{json.dumps(sources)}</script>',
             "<script>" + _JS.replace("ELEMENT_ID", element_id) + _LIVE_JS.replace("WORKER_PATH", WORKER_PATH)
             + "</script>", "</div>"]
    return "".join(parts)


# One figure: read the controls, show a precomputed frame when every value is on the grid,
# otherwise ask window.nnlibLive for a frame (only the latest request is kept while one runs).
_JS = """(function(){var root=document.getElementById("ELEMENT_ID");if(!root)return;
var frames=JSON.parse(root.querySelector("script.nnlib-frames").textContent);
var img=root.querySelector("img.nnlib-frame"),status=root.querySelector(".nnlib-status");
var inputs=[].slice.call(root.querySelectorAll("[data-control]")),seq=0,busy=false,want=null,blob=null,progress="";
function fmt(v){return typeof v==="number"?String(+v.toPrecision(6)):String(v);}
function read(){var values={},key=[];inputs.forEach(function(el){var name=el.getAttribute("data-control"),i=null;
if(el.tagName==="SELECT"){values[name]=JSON.parse(el.getAttribute("data-options"))[+el.value];
i=el.options[el.selectedIndex].getAttribute("data-frame");}else{var v=+el.value,t=fmt(v);values[name]=v;
el.parentNode.querySelector("output").textContent=t;el.setAttribute("aria-valuetext",t);
JSON.parse(el.getAttribute("data-grid")).forEach(function(g,k){if(Math.abs(g-v)<el.step/1000)i=String(k);});}
key.push(i);});return {values:values,key:key.indexOf(null)<0?key.join("_"):null};}
function waiting(on){img.style.opacity=on?"0.55":"";if(on)root.setAttribute("aria-busy","true");else root.removeAttribute("aria-busy");}
function show(){var r=read();seq++;if(r.key!==null&&frames[r.key]){want=null;waiting(false);img.src=frames[r.key];
root.setAttribute("data-key",r.key);status.textContent="";return;}
want={seq:seq,values:r.values};waiting(true);if(busy)status.textContent=progress;else next();}
function next(){var job=want;want=null;if(!job)return;busy=true;
window.nnlibLive(root,job.values,function(text){progress=text;if(job.seq===seq)status.textContent=text;},
function(error,png,ms){busy=false;progress="";if(job.seq===seq){waiting(false);if(error){status.textContent=error;}else{
if(blob)URL.revokeObjectURL(blob);blob=URL.createObjectURL(new Blob([png],{type:"image/png"}));img.src=blob;
root.setAttribute("data-key","live");status.textContent="computed in your browser ("+Math.round(ms)+" ms)";}}next();});}
inputs.forEach(function(el){el.addEventListener("input",show);el.addEventListener("change",show);});})();"""

# Shared by every figure of a page (defined once): the page's one figure worker, started on
# the first request. nnlibLive(root, values, progress(text), done(error, png, ms)).
_LIVE_JS = """if(!window.nnlibLive)window.nnlibLive=(function(){var worker=null,failed=null,ready=false,jobs={},n=0;
function fail(text){failed=text;Object.keys(jobs).forEach(function(k){jobs[k].done(text);});jobs={};}
function start(){var root=document.documentElement.getAttribute("data-content_root");
if(root===null)return "Only the precomputed values can be shown here: this page is not part of the built book, which computes the others.";
if(location.protocol==="file:")return "Only the precomputed values can be shown when the book is opened from disk: serve the folder with a web server (see the README) to compute the others.";
try{worker=new Worker(new URL(root+"WORKER_PATH",location.href).href);}catch(e){return "Could not start Python in this page ("+e.message+"); only the precomputed values can be shown.";}
worker.onmessage=function(e){var m=e.data,job=jobs[m.id];if(!job)return;if(m.progress){job.progress(m.progress);return;}
delete jobs[m.id];if(m.error)job.done(m.error);else job.done(null,m.png,m.ms);};
worker.onerror=function(e){e.preventDefault();fail("This copy of the book has no in-browser Python (its _figures or lite folder is missing): only the precomputed values can be shown.");};
return null;}
return function(root,values,progress,done){if(!root.getAttribute("data-factory")){done("Only the precomputed values of this figure can be shown: it was not made by one of nnlib's figure functions.");return;}
if(!worker&&!failed)failed=start();if(failed){done(failed);return;}
var id=++n;jobs[id]={progress:progress,done:function(e,p,ms){if(!e)ready=true;done(e,p,ms);}};if(!ready)progress("starting Python...");worker.postMessage({id:id,factory:root.getAttribute("data-factory"),
kwargs:JSON.parse(root.getAttribute("data-kwargs")||"null"),values:values});};})();"""
