// The HTML book's Python for figure values between the precomputed frames.
//
// A page's static figure (nnlib/widgets/export.py) starts this worker the first time a reader
// moves a control to a value that has no precomputed frame: a SharedWorker where the browser has
// one (every tab of the book then shares one Python: a second tab draws at once), a dedicated Web
// Worker otherwise. The page posts
//   {id, type: "frame", figure, factory, kwargs, values}
// for each frame it needs (a message's type names its handler in HANDLERS below). The worker starts
// Pyodide from the book's own in-browser edition (lite/static/pyodide/, built by
// booksite/lite/build.py), loads numpy and matplotlib from there and
// installs the nnlib wheel listed in that folder's pyodide-lock.json (the browser checks it against
// the lock's sha256), then answers with
//   {id, progress: "Loading Python (step 1 of 3)..."}   while it starts, stage by stage, and
//   {id, partial: true, image, text, note}       a training figure's view so far (see frame below),
//   {id, image: Blob, text, ms, timings}         the frame and its description that
//                                                nnlib.widgets.registry.live_frame made, or
//   {id, error: "what went wrong"}.
// ms is Python's time for the frame; timings says when each stage of the start ended.
// A package nnlib imports only for some figures is loaded from the same lock when Python first asks
// for it (scikit-learn, for the digits of digits_training: its wheel only, see DATA_ONLY). Every
// file comes from this site.
// The build copies this file to _figures/worker.js (booksite/live_figures.py): not under _static,
// whose scripts Jupyter Book adds to every page.
"use strict";

var PYODIDE = new URL("../lite/static/pyodide/", self.location.href).href;
var python = null;   // a promise of the ready interpreter
var lock = null;
var queue = Promise.resolve();
// When each stage of the start ended, in ms since the worker began (read by benchmarks/bench_worker.py).
self.timings = {};
function mark(stage) { self.timings[stage] = Math.round(performance.now()); }

// render(name, kwargs, values, seconds, layout) -> {"image": bytes, "type": str, "text": str, "done": bool,
// "note": str}, or the name of a module Python could not import.
var SETUP = [
  "import json",
  "def render(name, kwargs, values, seconds, layout):",
  "    try:",
  "        from nnlib.widgets.registry import live_frame",
  "        return live_frame(name, json.loads(kwargs), json.loads(values), seconds, layout)",
  "    except ModuleNotFoundError as error:",
  "        return (error.name or 'an unknown module').split('.')[0]",
].join("\n");

function sri(hex) {
  var bytes = "";
  for (var i = 0; i < hex.length; i += 2) bytes += String.fromCharCode(parseInt(hex.substr(i, 2), 16));
  return "sha256-" + btoa(bytes);
}

async function start(progress) {
  progress("Loading Python (step 1 of 3)...");
  try {
    importScripts(PYODIDE + "pyodide.js");
  } catch (error) {
    throw new Error("This copy of the book has no in-browser Python (lite/static/pyodide is missing): " +
                    "only the precomputed values can be shown.");
  }
  mark("pyodide.js");
  var py = await loadPyodide({indexURL: PYODIDE});
  mark("pyodide");
  lock = await (await fetch(PYODIDE + "pyodide-lock.json")).json();
  progress("Loading numpy, matplotlib and nnlib (step 2 of 3)...");
  await py.loadPackage(["numpy", "matplotlib"], {messageCallback: function () {}});
  mark("numpy, matplotlib");
  var entry = Object.values(lock.packages).find(function (p) { return p.imports.indexOf("nnlib") >= 0; });
  if (!entry) throw new Error("nnlib is not in this site's pyodide-lock.json");
  await installWheel(py, entry);
  py.runPython(SETUP);
  mark("nnlib");
  progress("Drawing the first frame: Python imports nnlib's figures (step 3 of 3)...");
  return py;
}

// Packages nnlib reads only a data file from: their wheel is unpacked, but neither imported nor
// followed by its dependencies (scikit-learn would bring scipy and OpenBLAS, about 5 to 10 s more;
// nnlib.data.load_digits reads the digits file itself when scikit-learn cannot be imported).
var DATA_ONLY = ["scikit-learn"];

async function installWheel(py, entry) {
  var response = await fetch(PYODIDE + entry.file_name, {integrity: sri(entry.sha256)});
  py.unpackArchive(await response.arrayBuffer(), "wheel");
}

async function loadModule(py, module, progress) {
  var entry = Object.values(lock.packages).find(function (p) { return p.imports.indexOf(module) >= 0; });
  if (!entry) throw new Error("nnlib needs the Python module " + module + ", which this site does not serve.");
  if (loaded.indexOf(entry.name) >= 0) throw new Error("Python still cannot import " + module + ".");
  loaded.push(entry.name);
  progress("Loading " + entry.name + "...");
  if (DATA_ONLY.indexOf(entry.name) >= 0) await installWheel(py, entry);
  else await py.loadPackage(entry.name, {messageCallback: function () {}});
  mark(entry.name);
}
var loaded = [];

// Seconds a training figure trains before it first shows how far it got, then between later views
// (each view costs a frame to draw, so later slices are longer: the run ends sooner).
var FIRST_SLICE = 0.08, LATER_SLICE = 0.4;

// One frame: {id, type: "frame", figure, factory, kwargs, values, layout} -> {id, image, text, ms, timings}
// (layout "narrow": the figure's phone layout, drawn for a 3x screen).
// A training figure first answers {id, partial: true, image, text, note} after each slice of training,
// and stops ({id, superseded: true}) when a newer job for the same figure has arrived meanwhile.
async function frame(message, reply) {
  var progress = function (text) { reply({id: message.id, progress: text}); };
  if (python === null) python = start(progress);
  var py = await python;
  var render = py.globals.get("render");
  try {
    for (var tries = 0, slice = FIRST_SLICE; tries < 5;) {
      var t0 = performance.now();
      var out = render(message.factory, JSON.stringify(message.kwargs || {}), JSON.stringify(message.values), slice,
                       message.layout || "wide");
      if (typeof out === "string") {
        await loadModule(py, out, progress);
        tries++;
        continue;
      }
      var drawn = out.toJs({dict_converter: Object.fromEntries});
      out.destroy();
      // The frame as a Blob of its type (an uncompressed BMP): the page shows it with no copy.
      var image = new Blob([drawn.image], {type: drawn.type});
      if (!self.timings["first frame"]) mark("first frame");
      if (!drawn.done) {
        reply({id: message.id, partial: true, image: image, text: drawn.text, note: drawn.note});
        slice = LATER_SLICE;
        await new Promise(function (resolve) { setTimeout(resolve, 0); });  // let a newer job arrive
        if (reply.superseded()) {
          reply({id: message.id, superseded: true});
          return;
        }
        continue;
      }
      reply({id: message.id, image: image, text: drawn.text, ms: performance.now() - t0, timings: self.timings});
      return;
    }
    throw new Error("Python kept asking for more modules");
  } finally {
    render.destroy();
  }
}

// Message type -> handler(message, reply); the jobs of every page run one after another. reply(data,
// transfer) answers the page that sent the message; reply.superseded() says whether that page has
// sent a newer job for the same figure since.
var HANDLERS = {frame: frame};

function listen(port) {
  var newest = {};  // figure -> id of the newest job this page sent for it
  port.onmessage = function (event) {
    var message = event.data, figure = message.figure || message.factory;
    newest[figure] = message.id;
    var reply = function (data, transfer) { port.postMessage(data, transfer || []); };
    reply.superseded = function () { return newest[figure] !== message.id; };
    var handler = HANDLERS[message.type || "frame"];
    queue = queue.then(function () {
      if (!handler) throw new Error("The figure worker has no handler for messages of type " + message.type + ".");
      return handler(message, reply);
    }).catch(function (error) {
      console.error(error);  // the whole Python traceback, for whoever opens the console
      var text = String(error && error.message || error).trim();
      if (error && error.type) {  // a Python exception: its last line says what went wrong
        text = "Could not compute this frame in the browser: " + text.split("\n").pop();
      }
      reply({id: message.id, error: text});
    });
  };
}

if (typeof SharedWorkerGlobalScope !== "undefined" && self instanceof SharedWorkerGlobalScope) {
  self.onconnect = function (event) { listen(event.ports[0]); };  // one port per page
} else {
  listen(self);
}
