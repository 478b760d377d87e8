// The Playground page: controls, drawing and the link to a view. The mathematics is nnlib's:
// every number drawn comes from nnlib.playground running in _playground/worker.js (Pyodide).
//
// State: one object `state` (the run's configuration and the epoch), written to the page's URL
// as #fig=playground&data=circles&noise=0.05&test=0.5&layers=4,4&act=tanh,tanh&eta=0.3&batch=10
// &cost=cross_entropy&seed=0&epoch=0[&pts=...], the scheme every figure of the book uses. Opening
// such a link trains the same run to the same epoch (every random draw is seeded), then pauses.
// Any change of a control starts the run again at epoch 0.
//
// While playing, the page keeps one request in flight: it asks for the next epochs as soon as an
// answer arrives, then draws that answer, so Python trains while the page draws.
(function () {
  "use strict";

  var root = document.getElementById("nn-playground");
  if (!root) return;
  var SCRIPT_URL = document.currentScript ? document.currentScript.src : "";
  var BASE = SCRIPT_URL ? new URL(".", SCRIPT_URL).href : "../_playground/";

  // ---- constants shared with nnlib/playground.py ---------------------------------------------
  var PLANE = 1.25;                        // the plane runs from -PLANE to PLANE on both axes
  var MAX_LAYERS = 4, MAX_WIDTH = 8;
  var RESOLUTION = 32;                     // grid of every neuron's heat map
  var DATASETS = [["circles", "circles"], ["xor", "XOR"], ["spirals", "spirals"], ["blobs", "two blobs"],
                  ["moons", "moons"], ["own", "your own points"]];
  var ACTIVATIONS = ["tanh", "sigmoid", "relu", "leaky_relu", "arctan", "identity"];
  var ETAS = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
  var BATCHES = [1, 2, 5, 10, 20, 50, 100];
  var ORANGE = [245, 147, 34], BLUE = [8, 119, 189], WHITE = [248, 248, 248];
  var Q = 1295;                            // own points: each coordinate as 2 base-36 digits (0..1295)
  var DEFAULT = {data: "circles", noise: 0.05, test: 0.5, layers: [4, 4], act: ["tanh", "tanh"],
                 eta: 0.3, batch: 10, cost: "cross_entropy", seed: 0, epoch: 0, points: []};

  var state = clone(DEFAULT);
  var worker = null, nextId = 1, playing = false;
  var inflight = [];                       // requests sent and not yet answered, oldest first
  var expectedLength = 0;                  // trainCost.length once every request in flight is answered
  var DEPTH = 2;                           // requests in flight while playing: Python never waits for the page
  var current = null;                      // the last answer: {data, layout}
  var trainCost = [], testCost = [];       // every epoch's costs, appended as answers arrive
  var points = [];                         // [x1, x2, label, isTest] of the run, from Python
  var cursor = {x: 0, y: 0, shown: false}; // the keyboard's crosshair on the plane
  var placeLabel = 1;
  var updates = [];                        // times of the last drawn updates, for the rate shown
  window.nnPlayground = {state: function () { return clone(state); }, stats: {updates: 0, drawMs: [], trainMs: [], snapshotMs: [], roundTripMs: []},
                         playing: function () { return playing; }, current: function () { return current; },
                         idle: function () { return current !== null && !inflight.length; },
                         costs: function () { return {train: trainCost.slice(), test: testCost.slice()}; }};
  var stats = window.nnPlayground.stats;

  function clone(o) { return JSON.parse(JSON.stringify(o)); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), attrs[k]);
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { node.appendChild(c); });
    return node;
  }
  function options(select, list, value) {
    select.innerHTML = "";
    list.forEach(function (item) {
      var v = Array.isArray(item) ? item[0] : item, label = Array.isArray(item) ? item[1] : String(item);
      var o = el("option", {value: String(v), text: label});
      if (String(v) === String(value)) o.selected = true;
      select.appendChild(o);
    });
  }

  // ---- the URL -----------------------------------------------------------------------------
  function encodePoints(list) {
    return list.map(function (p) {
      var qx = Math.round((p[0] + PLANE) / (2 * PLANE) * Q), qy = Math.round((p[1] + PLANE) / (2 * PLANE) * Q);
      return ("0" + qx.toString(36)).slice(-2) + ("0" + qy.toString(36)).slice(-2) + p[2];
    }).join("");
  }
  function dequantize(q) { return q / Q * 2 * PLANE - PLANE; }
  function quantize(v) { return dequantize(Math.round((v + PLANE) / (2 * PLANE) * Q)); }
  function decodePoints(text) {
    var out = [];
    for (var i = 0; i + 5 <= text.length && out.length < 1000; i += 5) {
      var qx = parseInt(text.substr(i, 2), 36), qy = parseInt(text.substr(i + 2, 2), 36), label = text.charAt(i + 4);
      if (isFinite(qx) && isFinite(qy) && qx <= Q && qy <= Q && (label === "0" || label === "1")) {
        out.push([dequantize(qx), dequantize(qy), +label]);
      }
    }
    return out;
  }
  function toHash(s) {
    var parts = ["fig=playground", "data=" + s.data, "noise=" + s.noise, "test=" + s.test,
                 "layers=" + s.layers.join(","), "act=" + s.act.join(","), "eta=" + s.eta, "batch=" + s.batch,
                 "cost=" + s.cost, "seed=" + s.seed, "epoch=" + s.epoch];
    if (s.data === "own") parts.push("pts=" + encodePoints(s.points));
    return "#" + parts.join("&");
  }
  function pick(value, list, fallback) { return list.indexOf(value) >= 0 ? value : fallback; }
  function number(text, low, high, fallback) {
    var v = parseFloat(text);
    return isFinite(v) && v >= low && v <= high ? v : fallback;
  }
  function fromHash(hash) {
    var params = new URLSearchParams(hash.replace(/^#/, ""));
    if (params.get("fig") !== "playground") return null;
    var s = clone(DEFAULT);
    s.data = pick(params.get("data"), DATASETS.map(function (d) { return d[0]; }), s.data);
    s.noise = number(params.get("noise"), 0, 0.5, s.noise);
    s.test = number(params.get("test"), 0.1, 0.9, s.test);
    if (params.has("layers")) {
      var layers = params.get("layers") === "" ? [] : params.get("layers").split(",").map(Number);
      if (layers.length <= MAX_LAYERS && layers.every(function (n) { return n >= 1 && n <= MAX_WIDTH && n % 1 === 0; })) {
        s.layers = layers;
        var act = (params.get("act") || "").split(",");
        s.act = layers.map(function (_, i) { return pick(act[i], ACTIVATIONS, "tanh"); });
      }
    }
    s.eta = pick(number(params.get("eta"), 0, 100, s.eta), ETAS, s.eta);
    s.batch = pick(number(params.get("batch"), 1, 1000, s.batch), BATCHES, s.batch);
    s.cost = pick(params.get("cost"), ["quadratic", "cross_entropy"], s.cost);
    s.seed = Math.round(number(params.get("seed"), 0, 1e6, s.seed));
    s.epoch = Math.round(number(params.get("epoch"), 0, 5000, 0));
    s.points = s.data === "own" ? decodePoints(params.get("pts") || "") : [];
    return s;
  }
  function writeHash() {
    var url = location.href.split("#")[0] + toHash(state);
    history.replaceState(null, "", url);
    return url;
  }

  // ---- the page ----------------------------------------------------------------------------
  root.innerHTML = "";
  root.classList.add("nn-playground");
  var ui = {};
  function field(label, control, id) {
    control.id = id;
    return el("div", {"class": "pg-field"}, [el("label", {"for": id, text: label}), control]);
  }
  ui.data = el("select", {onchange: function () { change({data: ui.data.value}); }});
  ui.noise = el("input", {type: "range", min: "0", max: "0.5", step: "0.01", oninput: function () {
    ui.noiseOut.textContent = (+ui.noise.value).toFixed(2); }, onchange: function () { change({noise: +ui.noise.value}); }});
  ui.noiseOut = el("output", {"for": "pg-noise"});
  ui.test = el("input", {type: "range", min: "0.1", max: "0.9", step: "0.1", oninput: function () {
    ui.testOut.textContent = Math.round(100 * ui.test.value) + "%"; }, onchange: function () { change({test: +ui.test.value}); }});
  ui.testOut = el("output", {"for": "pg-test"});
  ui.seed = el("input", {type: "number", min: "0", max: "999999", step: "1", inputmode: "numeric",
                         onchange: function () { change({seed: Math.max(0, Math.round(+ui.seed.value || 0))}); }});
  ui.place = el("fieldset", {"class": "pg-place"}, [el("legend", {text: "Class of a new point"})]);
  [[0, "orange"], [1, "blue"]].forEach(function (c) {
    var input = el("input", {type: "radio", name: "pg-place", value: String(c[0]), id: "pg-place-" + c[1],
                             onchange: function () { placeLabel = c[0]; }});
    if (c[0] === placeLabel) input.checked = true;
    ui.place.appendChild(el("label", {"for": "pg-place-" + c[1], "class": "pg-swatch pg-" + c[1]}, [input, document.createTextNode(" " + c[1])]));
  });
  ui.clear = el("button", {type: "button", text: "Remove all points", onclick: function () {
    change({data: "own", points: []}); }});
  var dataBox = el("section", {"class": "pg-box", "aria-labelledby": "pg-data-h"}, [
    el("h2", {id: "pg-data-h", text: "Data"}),
    field("Points", ui.data, "pg-data"),
    el("div", {"class": "pg-field"}, [el("label", {"for": "pg-noise", text: "Noise"}), ui.noise, ui.noiseOut]),
    el("div", {"class": "pg-field"}, [el("label", {"for": "pg-test", text: "Test points"}), ui.test, ui.testOut]),
    field("Seed", ui.seed, "pg-seed"),
    ui.place, ui.clear,
    el("p", {"class": "pg-hint", text: "Click or tap the plane to add a point; with the keyboard, move the cross with the arrow keys and press Enter."})
  ]);
  ui.noise.id = "pg-noise"; ui.test.id = "pg-test";

  ui.layersOut = el("output", {id: "pg-layers-n"});
  ui.fewer = el("button", {type: "button", "aria-label": "one hidden layer fewer", text: "\u2212", onclick: function () {
    if (state.layers.length > 0) change({layers: state.layers.slice(0, -1), act: state.act.slice(0, -1)}); }});
  ui.more = el("button", {type: "button", "aria-label": "one hidden layer more", text: "+", onclick: function () {
    if (state.layers.length < MAX_LAYERS) change({layers: state.layers.concat([4]), act: state.act.concat([state.act[state.act.length - 1] || "tanh"])}); }});
  ui.layerList = el("div", {"class": "pg-layers"});
  var netBox = el("section", {"class": "pg-box", "aria-labelledby": "pg-net-h"}, [
    el("h2", {id: "pg-net-h", text: "Network"}),
    el("div", {"class": "pg-field"}, [el("span", {text: "Hidden layers"}), ui.fewer, ui.layersOut, ui.more]),
    ui.layerList
  ]);

  ui.eta = el("select", {onchange: function () { change({eta: +ui.eta.value}); }});
  ui.batch = el("select", {onchange: function () { change({batch: +ui.batch.value}); }});
  ui.cost = el("select", {onchange: function () { change({cost: ui.cost.value}); }});
  var trainBox = el("section", {"class": "pg-box", "aria-labelledby": "pg-train-h"}, [
    el("h2", {id: "pg-train-h", text: "Training"}),
    field("Learning rate \u03b7", ui.eta, "pg-eta"),
    field("Batch size", ui.batch, "pg-batch"),
    field("Cost", ui.cost, "pg-cost")
  ]);

  ui.play = el("button", {type: "button", "class": "pg-play", text: "Play", onclick: function () { playing ? pause() : play(); }});
  ui.step = el("button", {type: "button", text: "One step", title: "train one epoch", onclick: function () { pause(); if (!inflight.length) request("step", 1); }});
  ui.reset = el("button", {type: "button", text: "Reset", onclick: function () { pause(); change({}); }});
  ui.link = el("button", {type: "button", text: "Link to this view", onclick: copyLink});
  ui.linkText = el("input", {type: "text", readonly: "", "class": "pg-link", "aria-label": "link to this view", hidden: ""});
  var bar = el("div", {"class": "pg-bar"}, [ui.play, ui.step, ui.reset, ui.link, ui.linkText]);

  ui.plane = el("canvas", {"class": "pg-plane", tabindex: "0", role: "img",
                           "aria-label": "the plane: the points and the network's decision map"});
  ui.network = el("canvas", {"class": "pg-network", role: "img", "aria-label": "the network"});
  ui.curve = el("canvas", {"class": "pg-curve", role: "img", "aria-label": "training and test cost against epochs"});
  ui.readout = el("p", {"class": "pg-readout", "aria-hidden": "true"});
  ui.status = el("p", {"class": "pg-status", role: "status", "aria-live": "polite", id: "pg-status"});
  var view = el("div", {"class": "pg-view"}, [
    el("figure", {"class": "pg-figure"}, [ui.plane, el("figcaption", {text: "Points (filled: training, ringed: test) over the network's output: blue where it says blue."})]),
    el("figure", {"class": "pg-figure"}, [ui.network, el("figcaption", {text: "Each neuron's output over the plane; edges: blue positive, orange negative weights, thicker for larger."})]),
    el("figure", {"class": "pg-figure"}, [ui.curve, el("figcaption", {text: "Cost against epochs: training (solid), test (dashed)."})])
  ]);
  root.appendChild(bar);
  root.appendChild(ui.status);
  root.appendChild(ui.readout);
  root.appendChild(view);
  root.appendChild(el("div", {"class": "pg-controls"}, [dataBox, netBox, trainBox]));

  function layerRow(i) {
    var width = el("output", {id: "pg-width-" + i, text: String(state.layers[i])});
    var act = el("select", {id: "pg-act-" + i, onchange: function () {
      var a = state.act.slice(); a[i] = act.value; change({act: a}); }});
    options(act, ACTIVATIONS, state.act[i]);
    function resize(d) {
      var n = state.layers[i] + d;
      if (n < 1 || n > MAX_WIDTH) return;
      var l = state.layers.slice(); l[i] = n; change({layers: l});
    }
    return el("div", {"class": "pg-layer"}, [
      el("span", {text: "Layer " + (i + 1)}),
      el("button", {type: "button", id: "pg-fewer-" + i, "aria-label": "one neuron fewer in layer " + (i + 1), text: "\u2212", onclick: function () { resize(-1); }}),
      width,
      el("button", {type: "button", id: "pg-more-" + i, "aria-label": "one neuron more in layer " + (i + 1), text: "+", onclick: function () { resize(1); }}),
      el("label", {"for": "pg-act-" + i, "class": "pg-sr", text: "activation of layer " + (i + 1)}), act
    ]);
  }

  function showControls() {
    options(ui.data, DATASETS, state.data);
    ui.noise.value = state.noise; ui.noiseOut.textContent = (+state.noise).toFixed(2);
    ui.noise.disabled = state.data === "own";
    ui.test.value = state.test; ui.testOut.textContent = Math.round(100 * state.test) + "%";
    ui.seed.value = state.seed;
    options(ui.eta, ETAS, state.eta);
    options(ui.batch, BATCHES, state.batch);
    options(ui.cost, [["cross_entropy", "cross-entropy"], ["quadratic", "quadratic"]], state.cost);
    ui.layersOut.textContent = String(state.layers.length);
    ui.fewer.disabled = state.layers.length === 0;
    ui.more.disabled = state.layers.length === MAX_LAYERS;
    var focused = document.activeElement && document.activeElement.id;
    if (ui.layerList.children.length === state.layers.length) {  // same layers: update them in place
      state.layers.forEach(function (n, i) {
        document.getElementById("pg-width-" + i).textContent = String(n);
        document.getElementById("pg-act-" + i).value = state.act[i];
      });
    } else {
      ui.layerList.innerHTML = "";
      state.layers.forEach(function (_, i) { ui.layerList.appendChild(layerRow(i)); });
    }
    if (focused && document.getElementById(focused) && document.activeElement !== document.getElementById(focused)) {
      document.getElementById(focused).focus();  // a keyboard user stays on the control they used
    }
  }

  // ---- talking to Python -------------------------------------------------------------------
  function pythonConfig() {
    return {dataset: state.data, noise: state.noise, test_fraction: state.test, hidden: state.layers,
            activations: state.act, eta: state.eta, batch_size: state.batch, cost: state.cost,
            seed: state.seed, points: state.points};
  }
  function startWorker() {
    if (location.protocol === "file:") {
      throw new Error("The Playground runs nnlib in your browser, which needs the book served over http " +
                      "(for example `python -m http.server -d _build/html`), not opened from disk.");
    }
    worker = new Worker(BASE + "worker.js");
    worker.onmessage = receive;
    worker.onerror = function (event) { fail("The Playground's Python did not start: " + (event.message || "unknown error")); };
  }
  function request(type, epochs) {
    if (!worker) {
      try { startWorker(); } catch (error) { fail(error.message); return; }
    }
    if (type === "reset") { inflight = []; expectedLength = 0; }
    var message = {id: nextId++, type: type, epochs: epochs, resolution: RESOLUTION, costFrom: expectedLength};
    if (type === "reset") message.config = pythonConfig();
    expectedLength = type === "reset" ? epochs + 1 : expectedLength + epochs;
    inflight.push({id: message.id, type: type, sent: performance.now()});
    worker.postMessage(message);
  }
  function fill() {  // while playing, keep DEPTH requests in flight
    while (playing && inflight.length < DEPTH && current && current.layout.ready && !current.layout.diverged) {
      request("step", 1);
    }
  }
  function receive(event) {
    var m = event.data;
    if (!inflight.length || m.id !== inflight[0].id) return;   // an answer to a request a reset replaced
    if (m.progress) { say(m.progress, true); return; }
    if (m.error) { fail(m.error); return; }
    var asked = inflight.shift();
    stats.roundTripMs.push(performance.now() - asked.sent);
    stats.trainMs.push(m.ms.train); stats.snapshotMs.push(m.ms.snapshot);
    stats.workerTimings = m.timings;  // when each stage of the worker's start ended
    var wasReset = asked.type === "reset";
    if (wasReset) {
      trainCost = []; testCost = [];
      var p = new Float32Array(m.points);
      points = [];
      for (var i = 0; i + 3 < p.length; i += 4) points.push([p[i], p[i + 1], p[i + 2], p[i + 3]]);
    }
    Array.prototype.push.apply(trainCost, m.layout.train_cost);
    Array.prototype.push.apply(testCost, m.layout.test_cost);
    current = {data: new Float32Array(m.data), layout: m.layout};
    state.epoch = m.layout.epoch;
    if (playing && (!m.layout.ready || m.layout.diverged)) pause();
    fill();  // Python trains the next epoch while the page draws this one
    if (!playing && !inflight.length) writeHash();
    var t0 = performance.now();
    draw();
    stats.drawMs.push(performance.now() - t0);
    stats.updates += 1;
    updates.push(performance.now());
    if (updates.length > 30) updates.shift();
    report(wasReset);
  }
  function fail(text) {
    pause();
    inflight = [];
    say(text, false);
    root.classList.add("pg-failed");
  }

  // ---- what the reader does ----------------------------------------------------------------
  function change(changes) {
    Object.keys(changes).forEach(function (k) { state[k] = changes[k]; });
    if (changes.data && changes.data !== "own") state.points = [];
    state.epoch = 0;
    showControls();
    writeHash();
    restart(0);
    if (worker) say("starting again: " + describeConfig() + "...", true);
  }
  function restart(epochs) {
    var wasPlaying = playing;
    playing = false;
    request("reset", epochs);
    if (wasPlaying) play();
  }
  function play() {
    if (current && (!current.layout.ready || current.layout.diverged)) return;
    playing = true;
    ui.play.textContent = "Pause";
    ui.play.setAttribute("aria-pressed", "true");
    if (!inflight.length) fill();
  }
  function pause() {
    var was = playing;
    playing = false;
    ui.play.textContent = "Play";
    ui.play.setAttribute("aria-pressed", "false");
    if (was) { writeHash(); if (current) report(true); }
  }
  function addPoint(x, y) {
    var own = state.data === "own" ? state.points.slice() :
      points.map(function (p) { return [quantize(p[0]), quantize(p[1]), p[2]]; });
    own.push([quantize(x), quantize(y), placeLabel]);
    pause();
    change({data: "own", points: own.slice(-1000)});
  }
  function copyLink() {
    var url = writeHash();
    ui.linkText.hidden = false;
    ui.linkText.value = url;
    ui.linkText.select();
    var done = function () { say("The link to this view is copied: " + describeConfig(), false); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(done, function () { say("Copy the link from the box beside the button.", false); });
    } else {
      say("Copy the link from the box beside the button.", false);
    }
  }
  function planeXY(event) {
    var r = ui.plane.getBoundingClientRect();
    return [((event.clientX - r.left) / r.width * 2 - 1) * PLANE, (1 - (event.clientY - r.top) / r.height * 2) * PLANE];
  }
  ui.plane.addEventListener("click", function (event) { var p = planeXY(event); addPoint(p[0], p[1]); });
  ui.plane.addEventListener("focus", function () { cursor.shown = true; draw(); });
  ui.plane.addEventListener("blur", function () { cursor.shown = false; draw(); });
  ui.plane.addEventListener("keydown", function (event) {
    var d = event.shiftKey ? 0.25 : 0.05, moves = {ArrowLeft: [-d, 0], ArrowRight: [d, 0], ArrowUp: [0, d], ArrowDown: [0, -d]};
    if (moves[event.key]) {
      cursor.x = Math.max(-PLANE, Math.min(PLANE, cursor.x + moves[event.key][0]));
      cursor.y = Math.max(-PLANE, Math.min(PLANE, cursor.y + moves[event.key][1]));
      draw();
      say("cross at (" + cursor.x.toFixed(2) + ", " + cursor.y.toFixed(2) + ")", false);
    } else if (event.key === "Enter" || event.key === " ") {
      addPoint(cursor.x, cursor.y);
    } else if (event.key === "o" || event.key === "b") {
      placeLabel = event.key === "o" ? 0 : 1;
      document.getElementById(placeLabel ? "pg-place-blue" : "pg-place-orange").checked = true;
    } else return;
    event.preventDefault();
  });
  window.addEventListener("hashchange", function () {
    var s = fromHash(location.hash);
    if (s && toHash(s) !== toHash(state)) open(s);
  });
  window.addEventListener("resize", function () { draw(); });
  if (window.matchMedia) {
    var dark = window.matchMedia("(prefers-color-scheme: dark)");
    if (dark.addEventListener) dark.addEventListener("change", function () { draw(); });
  }

  // ---- words -------------------------------------------------------------------------------
  function describeConfig() {
    var name = DATASETS.filter(function (d) { return d[0] === state.data; })[0][1];
    var net = state.layers.length ? state.layers.length + " hidden layer" + (state.layers.length > 1 ? "s" : "") +
      " (" + state.layers.map(function (n, i) { return n + " " + state.act[i]; }).join(", ") + ")" : "no hidden layer";
    return name + ", " + net + ", learning rate " + state.eta + ", batch size " + state.batch + ", " +
      (state.cost === "quadratic" ? "quadratic" : "cross-entropy") + " cost";
  }
  function say(text, busy) {
    ui.status.textContent = text;
    root.setAttribute("aria-busy", busy ? "true" : "false");
  }
  function rate() {
    if (updates.length < 2) return 0;
    return (updates.length - 1) / ((updates[updates.length - 1] - updates[0]) / 1000);
  }
  function report(announce) {
    var text = current.layout.description;
    ui.readout.textContent = text + (playing ? " \u00b7 " + rate().toFixed(0) + " updates a second" : "");
    // The polite region speaks when the run starts, pauses or steps, not at every frame of play.
    if (announce || !playing) say(text + ". " + describeConfig() + ".", false);
    var label = text + "; " + describeConfig();
    ui.plane.setAttribute("aria-label", "The plane, " + label + ". Arrow keys move a cross, Enter adds a point there.");
  }

  // ---- drawing -----------------------------------------------------------------------------
  function mix(v) {  // v in [-1, 1]: orange (-1) through white (0) to blue (1)
    var c = v < 0 ? ORANGE : BLUE, t = Math.min(1, Math.abs(v));
    return [WHITE[0] + (c[0] - WHITE[0]) * t, WHITE[1] + (c[1] - WHITE[1]) * t, WHITE[2] + (c[2] - WHITE[2]) * t];
  }
  var LUT_SIZE = 511, LUT = new Uint8ClampedArray(3 * LUT_SIZE);  // mix() at 511 values from -1 to 1
  for (var li = 0; li < LUT_SIZE; li++) {
    var rgb0 = mix(2 * li / (LUT_SIZE - 1) - 1);
    LUT[3 * li] = rgb0[0]; LUT[3 * li + 1] = rgb0[1]; LUT[3 * li + 2] = rgb0[2];
  }
  function centreScale(name, values, offset, n) {  // where white is and how far full colour is
    if (name === "sigmoid") return [0.5, 0.5];
    if (name === "tanh") return [0, 1];
    if (name === "arctan") return [0, Math.PI / 2];
    var m = 1e-9;
    for (var i = 0; i < n; i++) m = Math.max(m, Math.abs(values[offset + i]));
    return [0, m];
  }
  var tiles = {}, inputs = [];
  function tile(values, offset, name, res, key) {  // a res x res canvas of one neuron's map
    var t = tiles[key];
    if (!t || t.canvas.width !== res) {
      var c = document.createElement("canvas");
      c.width = res; c.height = res;
      var context = c.getContext("2d");
      t = tiles[key] = {canvas: c, ctx: context, img: context.createImageData(res, res)};
    }
    var cs = centreScale(name, values, offset, res * res), px = t.img.data, half = (LUT_SIZE - 1) / 2;
    for (var i = 0; i < res * res; i++) {
      var v = (values[offset + i] - cs[0]) / cs[1];
      var k = 3 * Math.round(half + half * (v < -1 ? -1 : v > 1 ? 1 : v));
      px[4 * i] = LUT[k]; px[4 * i + 1] = LUT[k + 1]; px[4 * i + 2] = LUT[k + 2]; px[4 * i + 3] = 255;
    }
    t.ctx.putImageData(t.img, 0, 0);
    return t.canvas;
  }
  function inputTile(which) {  // x1 or x2 itself over the plane
    var res = RESOLUTION, values = new Float32Array(res * res);
    for (var r = 0; r < res; r++) for (var k = 0; k < res; k++) {
      var x = -PLANE + 2 * PLANE * (k + 0.5) / res, y = PLANE - 2 * PLANE * (r + 0.5) / res;
      values[r * res + k] = (which ? y : x) / PLANE;
    }
    return tile(values, 0, "tanh", res, "in" + which);
  }
  function sized(canvas, cssWidth, cssHeight) {
    // Up to 2 canvas pixels per CSS pixel: sharp on a 3x phone, and 44% fewer pixels to paint than 3x.
    var ratio = Math.min(2, window.devicePixelRatio || 1), w = Math.round(cssWidth * ratio), h = Math.round(cssHeight * ratio);
    var ctx = canvas.getContext("2d");
    if (canvas.width !== w || canvas.height !== h) {  // resizing a canvas reallocates it: only when needed
      canvas.style.width = cssWidth + "px"; canvas.style.height = cssHeight + "px";
      canvas.width = w; canvas.height = h;
    }
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, cssWidth, cssHeight);
    return ctx;
  }
  function ink() { return getComputedStyle(root).color || "#222"; }
  function layerActivation(l, L) { return l === L ? "sigmoid" : state.act[l - 1]; }

  function draw() {
    function widthOf(canvas) { return Math.max(240, Math.min(canvas.parentNode.clientWidth || 320, 1200)); }
    drawPlane(Math.min(widthOf(ui.plane), 420));
    drawNetwork(widthOf(ui.network));
    drawCurve(widthOf(ui.curve));
  }
  function drawPlane(size) {
    var ctx = sized(ui.plane, size, size);
    ctx.fillStyle = "#f8f8f8"; ctx.fillRect(0, 0, size, size);
    if (current && current.layout.ready) {
      var L = current.layout.sizes.length - 1, maps = current.layout.maps, n = RESOLUTION * RESOLUTION;
      var outputOffset = maps[0] + maps[1] - n;
      ctx.imageSmoothingEnabled = true;
      ctx.globalAlpha = 0.85;
      ctx.drawImage(tile(current.data, outputOffset, "sigmoid", RESOLUTION, "out"), 0, 0, size, size);
      ctx.globalAlpha = 1;
      void L;
    }
    var scale = size / (2 * PLANE), list = points;
    if (!current || state.data === "own") list = state.points.map(function (p, i) { return [p[0], p[1], p[2], isTestPoint(p)]; });
    list.forEach(function (p) {
      var x = (p[0] + PLANE) * scale, y = (PLANE - p[1]) * scale;
      ctx.beginPath(); ctx.arc(x, y, size > 300 ? 4 : 3.2, 0, 2 * Math.PI);
      var c = p[2] ? BLUE : ORANGE;
      ctx.fillStyle = "rgb(" + c.join(",") + ")";
      ctx.fill();
      ctx.lineWidth = p[3] ? 2 : 1;
      ctx.strokeStyle = p[3] ? "#000" : "#fff";
      ctx.stroke();
    });
    ctx.strokeStyle = "rgba(0,0,0,0.25)"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(size / 2, 0); ctx.lineTo(size / 2, size); ctx.moveTo(0, size / 2); ctx.lineTo(size, size / 2); ctx.stroke();
    ctx.fillStyle = "#333"; ctx.font = "12px system-ui, sans-serif";
    ctx.fillText("x\u2081", size - 18, size / 2 - 5); ctx.fillText("x\u2082", size / 2 + 5, 13);
    if (cursor.shown) {
      var cx = (cursor.x + PLANE) * scale, cy = (PLANE - cursor.y) * scale;
      ctx.strokeStyle = "#000"; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(cx - 9, cy); ctx.lineTo(cx + 9, cy); ctx.moveTo(cx, cy - 9); ctx.lineTo(cx, cy + 9); ctx.stroke();
    }
  }
  function isTestPoint(p) {
    for (var i = 0; i < points.length; i++) {
      if (Math.abs(points[i][0] - p[0]) < 1e-6 && Math.abs(points[i][1] - p[1]) < 1e-6) return points[i][3];
    }
    return 0;
  }
  function drawNetwork(width) {
    var sizes = [2].concat(state.layers, [1]);
    if (current && current.layout.ready) sizes = current.layout.sizes;
    var columns = sizes.length, colW = width / columns;
    var box = Math.max(22, Math.min(40, colW * 0.45, 300 / 8 - 6)), gap = box * 0.35;
    var tallest = Math.max.apply(null, sizes), height = tallest * (box + gap) + gap + 18;
    var ctx = sized(ui.network, width, height);
    var centres = sizes.map(function (n, l) {
      var x = colW * (l + 0.5), top = (height - 18 - n * (box + gap) + gap) / 2 + 18;
      var ys = []; for (var j = 0; j < n; j++) ys.push(top + j * (box + gap) + box / 2);
      return {x: x, ys: ys};
    });
    ctx.font = "12px system-ui, sans-serif"; ctx.fillStyle = ink(); ctx.textAlign = "center";
    sizes.forEach(function (n, l) {
      var label = l === 0 ? "input" : l === sizes.length - 1 ? "output" : (colW > 90 ? state.act[l - 1] : "layer " + l);
      ctx.fillText(label, centres[l].x, 12);
    });
    var ready = current && current.layout.ready, data = ready ? current.data : null;
    if (ready) {  // edges first, under the neurons
      var w = current.layout.weights[0], maxW = 1e-9;
      for (var i = 0; i < current.layout.weights[1]; i++) maxW = Math.max(maxW, Math.abs(data[w + i]));
      for (var l = 1; l < sizes.length; l++) {
        for (var j = 0; j < sizes[l]; j++) for (var k = 0; k < sizes[l - 1]; k++) {
          var v = data[w++];  // W^l row j, column k: the weight to neuron j from neuron k
          var c = v < 0 ? ORANGE : BLUE;
          ctx.strokeStyle = "rgba(" + c.join(",") + "," + (0.25 + 0.75 * Math.abs(v) / maxW).toFixed(3) + ")";
          ctx.lineWidth = 0.5 + 4 * Math.abs(v) / maxW;
          ctx.beginPath();
          ctx.moveTo(centres[l - 1].x + box / 2, centres[l - 1].ys[k]);
          ctx.lineTo(centres[l].x - box / 2, centres[l].ys[j]);
          ctx.stroke();
        }
      }
    }
    var n2 = RESOLUTION * RESOLUTION, offset = ready ? current.layout.maps[0] : 0;
    ctx.imageSmoothingEnabled = true;
    sizes.forEach(function (n, l) {
      for (var j = 0; j < n; j++) {
        var x = centres[l].x - box / 2, y = centres[l].ys[j] - box / 2;
        if (l === 0) ctx.drawImage(inputs[j] || (inputs[j] = inputTile(j)), x, y, box, box);
        else if (ready) { ctx.drawImage(tile(data, offset, layerActivation(l, sizes.length - 1), RESOLUTION, l + ":" + j), x, y, box, box); offset += n2; }
        else { ctx.fillStyle = "#ddd"; ctx.fillRect(x, y, box, box); }
        ctx.strokeStyle = "#666"; ctx.lineWidth = 1; ctx.strokeRect(x, y, box, box);
      }
    });
  }
  function drawCurve(width) {
    var h = Math.round(Math.min(200, Math.max(140, width * 0.3))), ctx = sized(ui.curve, width, h);
    var left = 44, right = 10, top = 10, bottom = 30, n = trainCost.length;
    ctx.font = "12px system-ui, sans-serif"; ctx.fillStyle = ink(); ctx.strokeStyle = ink(); ctx.lineWidth = 1;
    var ymax = 1e-9;
    for (var i = 0; i < n; i++) ymax = Math.max(ymax, trainCost[i], testCost[i]);
    var xmax = Math.max(1, n - 1);
    ctx.beginPath(); ctx.moveTo(left, top); ctx.lineTo(left, h - bottom); ctx.lineTo(width - right, h - bottom); ctx.stroke();
    ctx.textAlign = "right"; ctx.fillText(ymax.toPrecision(2), left - 4, top + 8); ctx.fillText("0", left - 4, h - bottom);
    ctx.textAlign = "left"; ctx.fillText("0", left, h - bottom + 14);
    ctx.textAlign = "right"; ctx.fillText("epoch " + (n - 1), width - right, h - bottom + 14);
    ctx.textAlign = "center"; ctx.fillText("cost", left - 22, h / 2);
    function line(values, dash, colour) {
      ctx.setLineDash(dash); ctx.strokeStyle = colour; ctx.lineWidth = 2; ctx.beginPath();
      for (var i = 0; i < values.length; i++) {
        var x = left + (width - left - right) * i / xmax, y = h - bottom - (h - top - bottom) * values[i] / ymax;
        if (i) ctx.lineTo(x, y); else ctx.moveTo(x, y);
      }
      ctx.stroke(); ctx.setLineDash([]);
    }
    if (n) { line(trainCost, [], "rgb(" + BLUE.join(",") + ")"); line(testCost, [6, 4], "rgb(" + ORANGE.join(",") + ")"); }
  }

  // ---- start -------------------------------------------------------------------------------
  function open(s) {
    pause();
    state = s;
    showControls();
    restart(s.epoch);
    say(s.epoch ? "training to epoch " + s.epoch + " as the link asks..." : "starting...", true);
  }
  var linked = fromHash(location.hash);
  showControls();
  draw();
  if (location.protocol === "file:") {
    fail("The Playground runs nnlib in your browser, which needs the book served over http " +
         "(for example `python -m http.server -d _build/html`), not opened from disk.");
  } else {
    open(linked || clone(DEFAULT));
  }
})();
