// The HTML book's Python for figure values between the precomputed frames.
//
// A page's static figure (nnlib/widgets/export.py) starts this Web Worker the first time a reader
// moves a control to a value that has no precomputed frame, and posts
//   {id, factory, kwargs, values}
// for each frame it needs. The worker starts Pyodide from the book's own in-browser edition
// (lite/static/pyodide/, built by booksite/lite/build.py), loads numpy and matplotlib from there and
// installs the nnlib wheel listed in that folder's pyodide-lock.json (the browser checks it against
// the lock's sha256), then answers with
//   {id, progress: "starting Python..."}      while it loads, and
//   {id, png: ArrayBuffer, ms}                the frame nnlib.widgets.registry.live_png drew, or
//   {id, error: "what went wrong"}.
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

// render(name, kwargs, values) -> PNG bytes, or the name of a module Python could not import.
var SETUP = [
  "import json",
  "def render(name, kwargs, values):",
  "    try:",
  "        from nnlib.widgets.registry import live_png",
  "        return live_png(name, json.loads(kwargs), json.loads(values))",
  "    except ModuleNotFoundError as error:",
  "        return (error.name or 'an unknown module').split('.')[0]",
].join("\n");

function sri(hex) {
  var bytes = "";
  for (var i = 0; i < hex.length; i += 2) bytes += String.fromCharCode(parseInt(hex.substr(i, 2), 16));
  return "sha256-" + btoa(bytes);
}

async function start(progress) {
  progress("starting Python...");
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
  progress("starting Python: loading numpy and matplotlib...");
  await py.loadPackage(["numpy", "matplotlib"], {messageCallback: function () {}});
  mark("numpy, matplotlib");
  progress("starting Python: loading nnlib...");
  var entry = Object.values(lock.packages).find(function (p) { return p.imports.indexOf("nnlib") >= 0; });
  if (!entry) throw new Error("nnlib is not in this site's pyodide-lock.json");
  await installWheel(py, entry);
  py.runPython(SETUP);
  mark("nnlib");
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
  progress("loading " + entry.name + "...");
  if (DATA_ONLY.indexOf(entry.name) >= 0) await installWheel(py, entry);
  else await py.loadPackage(entry.name, {messageCallback: function () {}});
  mark(entry.name);
}
var loaded = [];

async function answer(message) {
  var progress = function (text) { self.postMessage({id: message.id, progress: text}); };
  if (python === null) python = start(progress);
  var py = await python;
  var render = py.globals.get("render");
  try {
    for (var tries = 0; tries < 5; tries++) {
      var t0 = performance.now();
      var out = render(message.factory, JSON.stringify(message.kwargs || {}), JSON.stringify(message.values));
      if (typeof out === "string") {
        await loadModule(py, out, progress);
        continue;
      }
      var png = out.toJs();
      out.destroy();
      var buffer = png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength);
      if (!self.timings["first frame"]) mark("first frame");
      self.postMessage({id: message.id, png: buffer, ms: performance.now() - t0}, [buffer]);
      return;
    }
    throw new Error("Python kept asking for more modules");
  } finally {
    render.destroy();
  }
}

self.onmessage = function (event) {
  var message = event.data;
  queue = queue.then(function () { return answer(message); }).catch(function (error) {
    console.error(error);  // the whole Python traceback, for whoever opens the console
    var text = String(error && error.message || error).trim();
    if (error && error.type) {  // a Python exception: its last line says what went wrong
      text = "Could not compute this frame in the browser: " + text.split("\n").pop();
    }
    self.postMessage({id: message.id, error: text});
  });
};
