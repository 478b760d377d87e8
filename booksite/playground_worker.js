// The Playground's Python: nnlib.playground in Pyodide, in a Web Worker of its own.
//
// The Playground page (book/playground.md, booksite/playground.js) starts this worker and posts
//   {id, type: "reset", config, epochs, resolution}   a new run (nnlib.playground.Config fields),
//                                                      trained `epochs` epochs before answering;
//   {id, type: "step", epochs, resolution, costFrom}   `epochs` more epochs of the current run.
// It answers each with
//   {id, progress: "loading Python..."}                while Python starts (first message only),
//   {id, data: ArrayBuffer (float32), layout, points?, ms: {train, snapshot}}
//                                                      what nnlib.playground.Playground.snapshot
//                                                      returned (points: after a reset only), or
//   {id, error: "what went wrong"}.
// Pyodide, numpy and the nnlib wheel come from the book's in-browser edition (lite/static/pyodide,
// built by `make lite`), as for the figures' worker (figure_worker.js); matplotlib is not loaded:
// the page draws. The build copies this file to _playground/worker.js (booksite/playground_page.py).
"use strict";

var PYODIDE = new URL("../lite/static/pyodide/", self.location.href).href;
var python = null;   // a promise of the ready interpreter
var queue = Promise.resolve();
self.timings = {};   // when each stage of the start ended, in ms since the worker began
function mark(stage) { self.timings[stage] = Math.round(performance.now()); }

var SETUP = [
  "import json",
  "import numpy as np",
  "from nnlib.playground import Config, Playground",
  "run = None",
  "def reset(config, epochs):",
  "    global run",
  "    fields = json.loads(config)",
  "    fields['points'] = tuple(tuple(p) for p in fields.get('points', ()))",
  "    run = Playground(Config(**fields))",
  "    run.step(epochs)",
  "def step(epochs):",
  "    run.step(epochs)",
  "def snapshot(resolution, cost_from):",
  "    data, layout = run.snapshot(resolution, cost_from)",
  "    return data.tobytes(), json.dumps(layout)",
  "def points():",  // x1, x2, label, is-test for every point, as float32
  "    train = np.column_stack([run.X_train, run.Y_train[:, 0], np.zeros(len(run.X_train))])",
  "    test = np.column_stack([run.X_test, run.Y_test[:, 0], np.ones(len(run.X_test))])",
  "    return np.concatenate([train, test]).astype(np.float32).tobytes()",
].join("\n");

function sri(hex) {
  var bytes = "";
  for (var i = 0; i < hex.length; i += 2) bytes += String.fromCharCode(parseInt(hex.substr(i, 2), 16));
  return "sha256-" + btoa(bytes);
}

async function start(progress) {
  progress("loading Python (Pyodide, about 10 MB the first time)...");
  try {
    importScripts(PYODIDE + "pyodide.js");
  } catch (error) {
    throw new Error("This copy of the book has no in-browser Python (lite/static/pyodide is missing): " +
                    "the Playground needs it. Build it with `make lite` and serve _build/html over http.");
  }
  mark("pyodide.js");
  var py = await loadPyodide({indexURL: PYODIDE});
  mark("pyodide");
  progress("loading numpy...");
  var lock = await (await fetch(PYODIDE + "pyodide-lock.json")).json();
  await py.loadPackage(["numpy"], {messageCallback: function () {}});
  mark("numpy");
  progress("loading nnlib...");
  var entry = Object.values(lock.packages).find(function (p) { return p.imports.indexOf("nnlib") >= 0; });
  if (!entry) throw new Error("nnlib is not in this site's pyodide-lock.json");
  var response = await fetch(PYODIDE + entry.file_name, {integrity: sri(entry.sha256)});
  py.unpackArchive(await response.arrayBuffer(), "wheel");
  py.runPython(SETUP);
  mark("nnlib");
  return py;
}

function float32(bytesProxy) {
  var bytes = bytesProxy.toJs();   // a Uint8Array copy of the Python bytes
  if (bytesProxy.destroy) bytesProxy.destroy();
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

async function answer(message) {
  var progress = function (text) { self.postMessage({id: message.id, progress: text}); };
  if (python === null) python = start(progress);
  var py = await python;
  var t0 = performance.now();
  var pointsBuffer = null;
  if (message.type === "reset") {
    py.globals.get("reset")(JSON.stringify(message.config), message.epochs || 0);
    pointsBuffer = float32(py.globals.get("points")());
  } else {
    py.globals.get("step")(message.epochs || 1);
  }
  var t1 = performance.now();
  var out = py.globals.get("snapshot")(message.resolution || 32, message.costFrom || 0);
  var pair = out.toJs({depth: 1});
  out.destroy();
  var data = float32(pair[0]);
  var layout = JSON.parse(pair[1]);
  var reply = {id: message.id, data: data, layout: layout, ms: {train: t1 - t0, snapshot: performance.now() - t1}};
  var transfer = [data];
  if (pointsBuffer) { reply.points = pointsBuffer; transfer.push(pointsBuffer); }
  if (!self.timings["first answer"]) mark("first answer");
  reply.timings = self.timings;
  self.postMessage(reply, transfer);
}

self.onmessage = function (event) {
  var message = event.data;
  queue = queue.then(function () { return answer(message); }).catch(function (error) {
    console.error(error);
    var text = String(error && error.message || error).trim();
    if (error && error.type) text = "Python could not do this: " + text.split("\n").pop();
    self.postMessage({id: message.id, error: text});
  });
};
