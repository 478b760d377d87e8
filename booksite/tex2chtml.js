// Typeset TeX to MathJax CommonHTML at build time, so that pages need no MathJax script.
//
// Reads JSON from stdin:  {"fontURL": "...", "pages": [{"id": "...", "formulas": [{"tex": "...", "display": true}]}]}
// Writes JSON to stdout:  {"pages": [{"id": "...", "html": ["<mjx-container ...>", ...], "css": "..."}]}
//
// Each page gets its own MathJax document, so its stylesheet holds only the characters it uses.
// The output carries MathJax's assistive MathML, which screen readers read. Uses the npm package
// mathjax-full 3.2.2 (installed by booksite/vendor.sh); run by page_math.py during the build.
"use strict";
const path = require("path");
const modules = process.env.BOOK_NODE_MODULES;
const need = (name) => require(path.join(modules, name));

const {mathjax} = need("mathjax-full/js/mathjax.js");
const {TeX} = need("mathjax-full/js/input/tex.js");
const {CHTML} = need("mathjax-full/js/output/chtml.js");
const {liteAdaptor} = need("mathjax-full/js/adaptors/liteAdaptor.js");
const {RegisterHTMLHandler} = need("mathjax-full/js/handlers/html.js");
const {AssistiveMmlHandler} = need("mathjax-full/js/a11y/assistive-mml.js");
const {AllPackages} = need("mathjax-full/js/input/tex/AllPackages.js");

const adaptor = liteAdaptor();
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  const packages = AllPackages.filter((p) => p !== "bussproofs");
  const pages = request.pages.map((page) => {
    const tex = new TeX({packages});
    const chtml = new CHTML({fontURL: request.fontURL, adaptiveCSS: true});
    const doc = mathjax.document("", {InputJax: tex, OutputJax: chtml});
    const html = page.formulas.map((f) => {
      try {
        return adaptor.outerHTML(doc.convert(f.tex, {display: !!f.display}));
      } catch (err) {
        return null;  // left to the caller, which reports it
      }
    });
    return {id: page.id, html, css: adaptor.textContent(chtml.styleSheet(doc))};
  });
  process.stdout.write(JSON.stringify({pages}));
});
