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

The frames are drawn only for the HTML book: a figure displayed in a kernel adds this view to
its widget only when :func:`requested` (the build sets :data:`STATIC_ENV`, see
``booksite/live_figures.py``; the kernels it starts inherit it). A reader's notebook shows the
widget at once and stores no frames; :func:`to_html` still writes them whenever it is called.

The ``<img>`` says how big its smallest glyph is in the frame's pixels (``data-text-px``, sub- and
superscripts at their own size, see :mod:`~nnlib.widgets.legibility`) and how wide the frame is
(``data-frame-width``), so a test can tell the size of the text where the frame is shown.

On a phone (``PHONE_MEDIA``, where the controls stack) a figure with a narrow layout
(:meth:`~nnlib.widgets.figure.InteractiveFigure.narrow`: panels one above the other, the same font
sizes, three frame pixels per CSS pixel) shows that layout's frames instead: a ``<source>`` of the
``<picture>`` for the first view, a second JSON map for the others, and the worker draws the
narrow layout for values off the grid. Its text is then as big on a 390 px phone as in the
book's column, and sharp on a 3x screen. Turning the phone to landscape shows the wide frames,
once the new width has held for ``TURN_MS`` (a window dragged across the width, or laid out at
another size for a moment, fetches no frames it would not keep).

Frames are stored as complete ``src`` strings (``data:image/png;base64,...``) in a JSON map
from key to source; a build step may replace any of them with a URL of a separate file.
"""
import base64
import html
import itertools
import json
import os

from .controls import Choice, fmt, index_of
from .legibility import smallest_text_px

# Static frames are reduced to a palette of this many colours (smaller files).
STATIC_COLORS = 64
# How long, in ms, a page's width must hold across PHONE_MEDIA before the other layout is shown.
TURN_MS = 300
# Where the built book serves the figure worker (booksite/live_figures.py copies it there).
WORKER_PATH = "_figures/worker.js"

#: The environment variable that asks displayed figures for their static HTML ("1": yes).
STATIC_ENV = "NNLIB_STATIC_FIGURES"

_counter = itertools.count(1)


def requested():
    """True when a displayed figure must carry its static HTML: the HTML book is being built."""
    return os.environ.get(STATIC_ENV, "") == "1"


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
        return (f'<span class="nnlib-control"><label for="{input_id}">{label}</label> <select id="{input_id}" '
                f'data-control="{name}" data-options="{_attr_json(list(c.options))}">{"".join(options)}</select></span>')
    shown = html.escape(fmt(c.default))
    # The value beside a slider is for the eye; assistive technology reads aria-valuetext, and the
    # figure's one status region says what the picture shows (no live region per control).
    return (f'<span class="nnlib-control"><label for="{input_id}">{label}</label> <input type="range" '
            f'id="{input_id}" data-control="{name}" min="{fmt(c.min)}" max="{fmt(c.max)}" step="{fmt(c.step)}" '
            f'value="{fmt(c.default)}" aria-valuetext="{shown}" data-grid="{_attr_json(grid)}"> '
            f'<span class="nnlib-value" aria-hidden="true">{shown}</span></span>')


#: Where a figure shows its phone layout: the width at which the controls stack (see _STYLE).
PHONE_MEDIA = "(max-width: 640px)"

# Controls wrap; on a narrow screen each takes a whole line, its label and value above a slider that
# spans the column (about 370 px at 390 px instead of 129), 28 px tall, a size a finger can hold.
_STYLE = """<style>.nnlib-controls{display:flex;flex-wrap:wrap;gap:.3em 1.2em;margin-bottom:.3em;align-items:center}
.nnlib-control{display:inline-flex;align-items:center;gap:.4em}.nnlib-control input[type=range]{min-height:28px}
.nnlib-frame{max-width:100%;height:auto}.nnlib-status{margin:0 0 .3em;min-height:1.5em;font-size:.9em}
.nnlib-link{font:inherit;font-size:.85em;padding:.15em .6em;min-height:28px;cursor:pointer}
@media (max-width:640px){.nnlib-control{flex:1 1 100%;flex-wrap:wrap}
.nnlib-control input[type=range]{order:3;flex:1 1 100%;min-width:0;height:28px;margin:0}}</style>"""


def _frame_set(figure):
    """``(sources, size)``: every frame of :func:`frames` as a ``data:`` URI by key, and the
    attributes that give the frames' box and their smallest glyph in frame pixels."""
    sources = {k: "data:image/png;base64," + base64.b64encode(v).decode("ascii") for k, v in frames(figure).items()}
    smallest, _ = smallest_text_px(figure.figure)  # the default view, drawn last by frames()
    width, height = figure.figure.canvas.get_width_height(physical=True)
    return sources, f'width="{width}" height="{height}" data-text-px="{smallest:.2f}" data-frame-width="{width}"'


def to_html(figure, element_id=None):
    """A self-contained ``<div>`` showing ``figure``'s frames with its controls (see the module docstring)."""
    element_id = element_id or f"nnlib-{figure.name}-{next(_counter)}"
    sources, size = _frame_set(figure)
    texts = {frame_key(figure, values): figure.description(**values) for values in static_grid(figure)}
    defaults = {c.name: c.default for c in figure.controls}
    default_key = frame_key(figure, defaults)
    factory = getattr(figure, "factory", None)
    kwargs = getattr(figure, "factory_kwargs", None)
    live = (f' data-factory="{html.escape(factory)}" data-kwargs="{_attr_json(kwargs)}"'
            if factory and kwargs is not None else "")
    # A phone gets the figure's narrow layout (its own frames, three pixels per CSS pixel) where
    # the figure has one: a <source> for the first view, the page's script for the others.
    phone_source = phone_frames = ""
    narrow = figure.narrow() if hasattr(figure, "narrow") else None
    if narrow is not None:
        narrow_sources, narrow_size = _frame_set(narrow)
        phone_source = (f'<source media="{PHONE_MEDIA}" {narrow_size} srcset="{narrow_sources[default_key]}">')
        phone_frames = f'<script type="application/json" class="nnlib-narrow-frames">{json.dumps(narrow_sources)}</script>'
    parts = [_STYLE, f'<div class="nnlib-figure" id="{element_id}" data-figure="{html.escape(figure.name)}"{live}>',
             '<div class="nnlib-controls">', *[_control_html(c, element_id) for c in figure.controls],
             '<button type="button" class="nnlib-link">Link to this view</button></div>',
             '<p class="nnlib-status" role="status" aria-live="polite"><span class="nnlib-description">'
             f'{html.escape(texts[default_key])}</span> <span class="nnlib-note"></span>'
             '<span class="nnlib-clock" aria-hidden="true"></span></p>',
             '<picture>', phone_source,
             f'<img class="nnlib-frame" alt="{html.escape(texts[default_key], quote=True)}" {size} '
             f'src="{sources[default_key]}">',  # the size reserves the frame's box before it loads
             '</picture>',
             f'<script type="application/json" class="nnlib-frames">{json.dumps(sources)}</script>',
             phone_frames,
             f'<script type="application/json" class="nnlib-texts">{_script_json(texts)}</script>',
             "<script>" + _JS.replace("ELEMENT_ID", element_id).replace("TURN_MS", str(TURN_MS)) + _LIVE_JS.replace("WORKER_PATH", WORKER_PATH)
             + "</script>", "</div>"]
    return "".join(parts)


def _script_json(data):
    """``data`` as JSON safe inside a ``<script>`` element (no "</" can close it early)."""
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


# One figure: read the controls, show a precomputed frame (and its description) when every value
# is on the grid, otherwise ask window.nnlibLive for a frame and its words. A change that leaves
# the values as they were (a slider's `change` after its `input`) asks for nothing, and while a
# frame is computed only the latest values wait; a training figure that shows its run as it trains
# is asked for the new values at once, and drops the old run's remaining frames. The view is kept in
# the page's URL (#fig=NAME&control=value...), written at most five times a second (Chrome throttles
# history.replaceState); opening such a link sets the controls and draws that view.
_JS = r"""(function(){var root=document.getElementById("ELEMENT_ID");if(!root)return;
var frames=JSON.parse(root.querySelector("script.nnlib-frames").textContent);
var texts=JSON.parse(root.querySelector("script.nnlib-texts").textContent);
var narrowScript=root.querySelector("script.nnlib-narrow-frames"),narrowFrames=narrowScript?JSON.parse(narrowScript.textContent):null,
source=root.querySelector("picture source"),phone=narrowFrames&&source&&window.matchMedia?window.matchMedia(source.media):null;
var img=root.querySelector("img.nnlib-frame"),desc=root.querySelector(".nnlib-description"),
note=root.querySelector(".nnlib-note"),clock=root.querySelector(".nnlib-clock"),name=root.getAttribute("data-figure");
var inputs=[].slice.call(root.querySelectorAll("[data-control]")),seq=0,current=null,want=null,blob=null,
progress="",shown=null,timer=null,urlTimer=null;
function fmt(v){return typeof v==="number"?String(+v.toPrecision(6)):String(v);}
function options(el){return JSON.parse(el.getAttribute("data-options"));}
function read(){var values={},key=[],query=["fig="+encodeURIComponent(name)];inputs.forEach(function(el){
var control=el.getAttribute("data-control"),i=null,v;if(el.tagName==="SELECT"){v=options(el)[+el.value];
i=el.options[el.selectedIndex].getAttribute("data-frame");}else{v=+el.value;var t=fmt(v);
el.parentNode.querySelector(".nnlib-value").textContent=t;el.setAttribute("aria-valuetext",t);
JSON.parse(el.getAttribute("data-grid")).forEach(function(g,k){if(Math.abs(g-v)<el.step/1000)i=String(k);});}
values[control]=v;query.push(encodeURIComponent(control)+"="+encodeURIComponent(fmt(v)));key.push(i);});
return {values:values,key:key.indexOf(null)<0?key.join("_"):null,query:query.join("&")};}
function layout(){return phone&&phone.matches?"narrow":"wide";}
function setSrc(url){if(source)source.srcset=url;img.src=url;}
function describe(text){desc.textContent=text;img.alt=text;}
function waiting(on){img.style.opacity=on?"0.55":"";if(on)root.setAttribute("aria-busy","true");
else root.removeAttribute("aria-busy");if(!on){clearInterval(timer);timer=null;clock.textContent="";}}
function tick(t0){clearInterval(timer);timer=setInterval(function(){
clock.textContent=" "+Math.round((performance.now()-t0)/1000)+" s";},1000);}
function remember(query){clearTimeout(urlTimer);urlTimer=setTimeout(function(){
if(window.history&&history.replaceState)history.replaceState(null,"","#"+query);},200);}
function show(keep){var r=read(),where=layout(),set=where==="narrow"?narrowFrames:frames,
sig=JSON.stringify(r.values)+where;if(sig===shown)return;shown=sig;seq++;
if(!keep)remember(r.query);
if(r.key!==null&&set[r.key]){want=null;waiting(false);setSrc(set[r.key]);root.setAttribute("data-key",r.key);
describe(texts[r.key]);note.textContent="";return;}
want={seq:seq,values:r.values,layout:where,t0:performance.now()};waiting(true);tick(want.t0);
note.textContent=current?progress:"Drawing this view in your browser...";
if(!current||current.streaming)next();}
function picture(image){if(blob)URL.revokeObjectURL(blob);
blob=URL.createObjectURL(image instanceof Blob?image:new Blob([image],{type:"image/png"}));
setSrc(blob);root.setAttribute("data-key","live");}
function took(ms){return ms<1000?Math.round(ms)+" ms":(ms/1000).toFixed(1)+" s";}
function next(){var job=want;want=null;if(!job)return;current=job;
window.nnlibLive(root,job.values,function(text){progress=text;if(job.seq===seq)note.textContent=text;},
function(error,image,ms,text){if(job!==current)return;current=null;progress="";if(job.seq===seq){waiting(false);
if(error){note.textContent=error;}else if(image){picture(image);describe(text);var waited=performance.now()-job.t0;
note.textContent="(drawn in your browser in "+took(waited)+")";root.setAttribute("data-waited-ms",Math.round(waited));
root.setAttribute("data-python-ms",Math.round(ms));if(!job.first)root.setAttribute("data-first-ms",Math.round(waited));}}next();},
function(image,text,where){if(job!==current)return;job.streaming=true;if(job.seq!==seq){next();return;}
if(!job.first){job.first=true;root.setAttribute("data-first-ms",Math.round(performance.now()-job.t0));}
picture(image);describe(text);progress="Training in your browser: "+where+"...";note.textContent=progress;},job.layout);}
function link(){var params={};location.hash.replace(/^#/,"").split("&").forEach(function(pair){var kv=pair.split("=");
if(kv.length===2)params[decodeURIComponent(kv[0])]=decodeURIComponent(kv[1]);});
if(params.fig!==name||document.querySelector('.nnlib-figure[data-figure="'+name+'"]')!==root)return false;
inputs.forEach(function(el){var v=params[el.getAttribute("data-control")];if(v===undefined)return;
if(el.tagName==="SELECT"){options(el).forEach(function(o,i){if(fmt(o)===v)el.value=String(i);});}else el.value=v;});
return true;}
function follow(){if(link()){show(true);root.scrollIntoView();}}
root.querySelector(".nnlib-link").addEventListener("click",function(){var r=read();clearTimeout(urlTimer);
if(window.history&&history.replaceState)history.replaceState(null,"","#"+r.query);
var url=location.href,copied=function(){note.textContent="Link copied: "+url;},
failed=function(){note.textContent="Copy this link: "+url;};
if(navigator.clipboard&&navigator.clipboard.writeText)navigator.clipboard.writeText(url).then(copied,failed);else failed();});
inputs.forEach(function(el){el.addEventListener("input",function(){show();});el.addEventListener("change",function(){show();});});
window.addEventListener("hashchange",follow);
if(phone){var turnTimer=null,turned=function(){clearTimeout(turnTimer);turnTimer=setTimeout(function(){show(true);},TURN_MS);};if(phone.addEventListener)phone.addEventListener("change",turned);else phone.addListener(turned);}
shown=JSON.stringify(read().values)+layout();follow();})();"""
# Shared by every figure of a page (defined once): the site's figure worker, started on the first
# request; a SharedWorker where the browser has one, so that a second tab of the book reuses the
# Python the first one started. nnlibLive(root, values, progress(text), done(error, image, ms, text),
# partial(image, text, note), layout): a training figure sends partial frames while it trains; a newer
# job of the same figure makes the worker drop the older one (done(null) without a frame); layout
# "narrow" asks for the figure's phone layout.
_LIVE_JS = """if(!window.nnlibLive)window.nnlibLive=(function(){var port=null,failed=null,jobs={},n=0;
var MISSING="This copy of the book has no in-browser Python (its _figures or lite folder is missing): only the precomputed values can be shown.";
function fail(text){failed=text;Object.keys(jobs).forEach(function(k){jobs[k].done(text);});jobs={};}
function receive(e){var m=e.data,job=jobs[m.id];if(!job)return;if(m.partial){job.partial(m.image,m.text,m.note);return;}
if(m.progress){job.progress(m.progress);return;}delete jobs[m.id];if(m.timings)window.nnlibLiveTimings=m.timings;
if(m.error)job.done(m.error);else if(m.superseded)job.done(null);else job.done(null,m.image,m.ms,m.text);}
function start(){var root=document.documentElement.getAttribute("data-content_root");
if(root===null)return "Only the precomputed values can be shown here: this page is not part of the built book, which computes the others.";
if(location.protocol==="file:")return "Only the precomputed values can be shown when the book is opened from disk: serve the folder with a web server (see the README) to compute the others.";
var url=new URL(root+"WORKER_PATH",location.href).href;
try{if(window.SharedWorker){var shared=new SharedWorker(url,{name:"nnlib-figures"});
shared.onerror=function(e){if(e.preventDefault)e.preventDefault();fail(MISSING);};port=shared.port;port.onmessage=receive;port.start();}
else{var worker=new Worker(url);worker.onmessage=receive;worker.onerror=function(e){e.preventDefault();fail(MISSING);};port=worker;}}
catch(e){return "Could not start Python in this page ("+e.message+"); only the precomputed values can be shown.";}
return null;}
return function(root,values,progress,done,partial,layout){if(!root.getAttribute("data-factory")){done("Only the precomputed values of this figure can be shown: it was not made by one of nnlib's figure functions.");return;}
if(!port&&!failed)failed=start();if(failed){done(failed);return;}
var id=++n;jobs[id]={progress:progress,done:done,partial:partial||function(){}};
port.postMessage({id:id,type:"frame",figure:root.id,factory:root.getAttribute("data-factory"),
kwargs:JSON.parse(root.getAttribute("data-kwargs")||"null"),values:values,layout:layout||"wide"});};})();"""
