// The book's own small page script (added to every page by booksite/reader_site.py).
//
// 1. Wide boxes scroll inside themselves: a display equation, table or code block wider than the
//    column gets the class `book-scrolls-x` (a shadow on the side that has more to show, drawn by
//    book-site.css) and, if it cannot be focused yet, tabindex=0 so keyboards can scroll it too.
//    This also does, box by box as they come into view and then in idle time after the load,
//    what the theme's script did for every box at once when the page loaded (a long task; the
//    build takes that pass out, see booksite/page_weight.py): any box that scrolls gets a tab stop.
// 2. Search snippets show text, not TeX: Sphinx's search builds each result's summary from the
//    page's text, where maths is still TeX source; equations are turned into plain text first.
(function () {
  "use strict";

  // ---- 1. sideways-scrolling boxes ------------------------------------------------------------
  // Boxes are measured when they come into view (an IntersectionObserver) and, the others, a few
  // at a time in idle moments after the load, so that no long task measures hundreds at once.
  const SCROLLERS = "mjx-container[display='true'], .pst-scrollable-table-container, pre, dt.sig, " +
    ".nboutput > .output_area, .cell_output > .output, .jp-RenderedHTMLCommon";

  function mark(box) {
    const style = getComputedStyle(box);
    const scrolls = /(auto|scroll)/.test(style.overflowX) && box.scrollWidth > box.clientWidth + 1;
    const scrollsY = /(auto|scroll)/.test(style.overflowY) && box.scrollHeight > box.clientHeight + 1;
    box.classList.toggle("book-scrolls-x", scrolls);
    // A box that scrolls by a single pixel gets no shadow, but it does scroll: a tab stop too.
    const any = /(auto|scroll)/.test(style.overflowX) && box.scrollWidth > box.clientWidth ||
      /(auto|scroll)/.test(style.overflowY) && box.scrollHeight > box.clientHeight;
    if (any && !box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
    if (!scrolls && !scrollsY) return;
    if (!scrolls) return;
    if (!box.dataset.bookScrollWatch) {
      box.dataset.bookScrollWatch = "1";
      box.addEventListener("scroll", () => updateEnds(box), {passive: true});
    }
    updateEnds(box);
  }

  function updateEnds(box) {
    const end = box.scrollWidth - box.clientWidth;
    box.classList.toggle("book-more-left", box.scrollLeft > 1);
    box.classList.toggle("book-more-right", box.scrollLeft < end - 1);
  }

  let observer = null;
  function markScrollers() {
    const article = document.querySelector(".bd-article") || document.body;
    const boxes = article.querySelectorAll(SCROLLERS);
    if (!("IntersectionObserver" in window)) { boxes.forEach(mark); return; }
    if (observer) observer.disconnect();
    observer = new IntersectionObserver((entries) => {
      entries.forEach((entry) => { if (entry.isIntersecting) mark(entry.target); });
    }, {rootMargin: "100% 0px"});
    boxes.forEach((box) => observer.observe(box));
    // Then, while the browser is idle after the page has loaded, every other box too, a few at a
    // time: a keyboard user who tabs (and axe) finds every box that scrolls reachable, not only
    // those near where the reader has been.
    const rest = [...boxes];
    const some = (deadline) => {
      while (rest.length && deadline.timeRemaining() > 4) mark(rest.shift());
      if (rest.length) requestIdleCallback(some, {timeout: 500});
    };
    if ("requestIdleCallback" in window) {
      const begin = () => requestIdleCallback(some, {timeout: 500});
      if (document.readyState === "complete") begin(); else window.addEventListener("load", begin, {once: true});
    }
  }

  let pending = null;
  function soon() {
    clearTimeout(pending);
    pending = setTimeout(markScrollers, 150);
  }

  function start() {
    wideContentsToggle();
    closeDrawersOnNavigation();
    layOutSectionsAhead();
    markScrollers();
    window.addEventListener("resize", soon);
  }

  // ---- contents toggle on wide screens --------------------------------------------------------
  // The theme opens the contents panel as a dialog on narrow screens; on wide ones the panel sits
  // beside the text and the same button hides or shows it (as the theme does for the sidebar).
  function wideContentsToggle() {
    const toggle = document.querySelector(".secondary-toggle");
    const toc = document.getElementById("pst-secondary-sidebar");
    if (!toggle || !toc) return;
    toggle.addEventListener("click", (event) => {
      const hidden = toc.classList.contains("book-toc-hidden");
      const style = getComputedStyle(toc);
      const beside = style.display !== "none" && style.visibility !== "hidden" && style.position !== "fixed";
      if (!hidden && !beside) return;  // narrow screens: the theme opens the panel as a dialog
      event.preventDefault();
      event.stopImmediatePropagation();
      toc.classList.toggle("book-toc-hidden");
      toggle.setAttribute("aria-expanded", String(hidden));
    }, true);
  }

  // ---- sections laid out before a reader reaches them -------------------------------------------
  // book-site.css lets the browser skip sections far from the screen (content-visibility: auto),
  // and the browser itself lays one out only when it is about half a screen away: a jump of a
  // whole screen (Page Down, a fling, a link) would show it growing from its estimated height. So a
  // section is laid out for good (book-near) once it is within two screens of the viewport; its
  // growth then moves only what lies below, off screen.
  function layOutSectionsAhead() {
    const sections = document.querySelectorAll(".bd-article section section");
    if (!sections.length || !("IntersectionObserver" in window)) return;
    const near = new IntersectionObserver((entries) => {
      entries.forEach((entry) => {
        if (!entry.isIntersecting) return;
        entry.target.classList.add("book-near");
        near.unobserve(entry.target);
      });
    }, {rootMargin: "200% 0px 200% 0px"});
    sections.forEach((section) => near.observe(section));
  }

  // ---- the drawers close when a reader picks an entry -----------------------------------------
  // On a phone the theme shows the contents (and the book's sidebar) as a modal dialog over the
  // page; a tap on one of its links must close it and then go there. The theme gives the focus
  // back to the toggle when its dialog closes, so the jump to the entry is made after that.
  function closeDrawersOnNavigation() {
    ["pst-secondary-sidebar-modal", "pst-primary-sidebar-modal"].forEach((id) => {
      const dialog = document.getElementById(id);
      if (!dialog) return;
      dialog.addEventListener("click", (event) => {
        const link = event.target.closest && event.target.closest("a[href]");
        if (!link || !dialog.open || event.defaultPrevented || event.button > 0 ||
            event.ctrlKey || event.metaKey || event.shiftKey) return;
        const url = new URL(link.href, location.href);
        const samePage = url.origin === location.origin && url.pathname === location.pathname;
        event.preventDefault();
        dialog.close();
        setTimeout(() => {
          if (!samePage || !url.hash) { location.assign(url.href); return; }
          const target = document.getElementById(decodeURIComponent(url.hash.slice(1)));
          history.pushState(null, "", url.href);
          if (target) target.scrollIntoView();
        }, 0);
      });
    });
  }

  // ---- 2. search snippets ---------------------------------------------------------------------
  const SYMBOLS = {
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", zeta: "ζ",
    eta: "η", theta: "θ", iota: "ι", kappa: "κ", lambda: "λ", mu: "μ", nu: "ν", xi: "ξ", pi: "π",
    rho: "ρ", sigma: "σ", tau: "τ", phi: "φ", varphi: "φ", chi: "χ", psi: "ψ", omega: "ω",
    Gamma: "Γ", Delta: "Δ", Theta: "Θ", Lambda: "Λ", Xi: "Ξ", Pi: "Π", Sigma: "Σ", Phi: "Φ",
    Psi: "Ψ", Omega: "Ω", partial: "∂", nabla: "∇", cdot: "·", times: "×", odot: "⊙",
    sum: "∑", prod: "∏", int: "∫", le: "≤", leq: "≤", ge: "≥", geq: "≥", neq: "≠", ne: "≠",
    approx: "≈", sim: "∼", to: "→", rightarrow: "→", leftarrow: "←", Rightarrow: "⇒", mapsto: "↦",
    infty: "∞", in: "∈", ldots: "…", dots: "…", cdots: "⋯", vdots: "⋮", pm: "±", circ: "∘",
    lVert: "‖", rVert: "‖", Vert: "‖", lvert: "|", rvert: "|", mid: "|", sqrt: "√", top: "ᵀ",
    quad: " ", qquad: " ", langle: "⟨", rangle: "⟩", ell: "ℓ", prime: "′", equiv: "≡",
    leftarrow_: "←", gets: "←", forall: "∀", exists: "∃", cup: "∪", cap: "∩", subset: "⊂",
    ln: "ln", log: "log", exp: "exp", max: "max", min: "min", arg: "arg", tanh: "tanh",
  };
  const SUP = {"0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷",
    "8": "⁸", "9": "⁹", "+": "⁺", "-": "⁻", "T": "ᵀ", "l": "ˡ", "L": "ᴸ", "n": "ⁿ", "i": "ⁱ",
    "j": "ʲ", "k": "ᵏ", "t": "ᵗ", "(": "⁽", ")": "⁾", "x": "ˣ", "z": "ᶻ", "a": "ᵃ", "b": "ᵇ",
    "w": "ʷ", "y": "ʸ"};
  const SUB = {"0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇",
    "8": "₈", "9": "₉", "+": "₊", "-": "₋", "i": "ᵢ", "j": "ⱼ", "k": "ₖ", "l": "ₗ", "n": "ₙ",
    "x": "ₓ", "t": "ₜ", "a": "ₐ", "e": "ₑ", "o": "ₒ", "(": "₍", ")": "₎"};

  function script(text, table, mark) {
    const chars = [...text];
    if (chars.every((c) => c in table)) return chars.map((c) => table[c]).join("");
    return mark + (chars.length > 1 ? "(" + text + ")" : text);
  }

  // Plain, readable text for a TeX formula: σ(z) = 1/(1+e⁻ᶻ) rather than \sigma(z) = ...
  function texToText(tex) {
    let s = tex.trim()
      .replace(/^\\\(|\\\)$/g, "").replace(/^\\\[|\\\]$/g, "").replace(/^\$\$?|\$\$?$/g, "")
      .replace(/\\(begin|end)\{[^}]*\}(\{[^}]*\})?/g, " ")
      .replace(/\\(left|right|big|Big|bigg|Bigg)(?![a-zA-Z])\s*\\?([()[\]|.{}])?/g, (m, w, d) =>
        d && d !== "." ? d : "")
      .replace(/\\(mathrm|mathbf|mathit|mathsf|mathcal|mathbb|boldsymbol|bm|text|textrm|textbf|operatorname|hat|bar|tilde|vec|overline)\s*\{([^{}]*)\}/g, "$2");
    // Innermost groups first: e^{-z} inside \frac{1}{1 + e^{-z}} is turned into e⁻ᶻ before the
    // fraction is, so the fraction's own braces hold no others.
    for (let i = 0; i < 5; i++) {
      s = s.replace(/\^\{([^{}]*)\}/g, (m, t) => script(t.trim(), SUP, "^"))
        .replace(/_\{([^{}]*)\}/g, (m, t) => script(t.trim(), SUB, "_"));
      s = s.replace(/\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, (m, a, b) =>
        (a.trim().length > 1 ? "(" + a.trim() + ")" : a.trim()) + "/" + (b.trim().length > 1 ? "(" + b.trim() + ")" : b.trim()));
      s = s.replace(/\\sqrt\s*\{([^{}]*)\}/g, "√($1)");
    }
    s = s.replace(/\\[dt]?frac\s*([^\s{}\\])\s*([^\s{}\\])/g, "$1/$2");
    s = s.replace(/\\([a-zA-Z]+)\s*/g, (m, name) => (name in SYMBOLS ? SYMBOLS[name] : name) + " ")
      .replace(/\\[,;:! ]/g, " ").replace(/\\\\/g, "; ").replace(/\\([{}_%#&$|])/g, "$1")
      .replace(/&/g, " ");
    for (let i = 0; i < 3; i++) {
      s = s.replace(/\^\{([^{}]*)\}/g, (m, t) => script(t.trim(), SUP, "^"))
        .replace(/_\{([^{}]*)\}/g, (m, t) => script(t.trim(), SUB, "_"));
    }
    s = s.replace(/\^([^\s(])/g, (m, t) => script(t, SUP, "^")).replace(/_([^\s(])/g, (m, t) => script(t, SUB, "_"))
      .replace(/[{}]/g, "").replace(/\s+([,.;)])/g, "$1").replace(/\(\s+/g, "(")
      .replace(/\s+/g, " ").trim();
    return s.replace(/ ([²³ᵀ⁻⁺′])/g, "$1");
  }
  window.bookTexToText = texToText;

  function patchSearch() {
    if (typeof Search === "undefined" || !Search.htmlToText || Search.bookPatched) return;
    const original = Search.htmlToText;
    Search.htmlToText = (htmlString, anchor) => {
      const doc = new DOMParser().parseFromString(htmlString, "text/html");
      // An interactive figure's controls and status line are not prose ("activation step
      // identity sigmoid ..." would fill a snippet): they are left out of the search summaries.
      doc.querySelectorAll(".nnlib-controls, .nnlib-status, .nnlib-figure select, .nnlib-figure output")
        .forEach((el) => el.remove());
      // Maths is typeset at build time; its TeX stays in data-tex (see booksite/page_math.py).
      doc.querySelectorAll(".math, mjx-container, script[type^='math']").forEach((el) => {
        const tex = el.getAttribute("data-tex") || el.textContent;
        el.replaceWith(doc.createTextNode(" " + texToText(tex) + " "));
      });
      return original(doc.documentElement.outerHTML, anchor);
    };
    Search.bookPatched = true;
  }

  patchSearch();
  document.addEventListener("DOMContentLoaded", patchSearch);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
