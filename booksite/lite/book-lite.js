// The book's small script for its in-browser edition (added to the JupyterLite pages by
// booksite/lite/build.py).
//
// Links to the book's pages. A chapter's references become links like /book/notation.html#label
// (JupyterLab opens a relative link as a file of its own, so they are written from the site's
// root). The site may be served below a folder (https://host/some/folder/lite/...): the link is
// completed here with the part of the address before /lite/, and opens the book's page in a new tab
// (the notebook and its kernel stay as they are).
(function () {
  "use strict";
  const BOOK_PREFIX = "/book/";

  function siteRoot() {
    const i = location.pathname.lastIndexOf("/lite/");
    return i < 0 ? "" : location.pathname.slice(0, i);
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest(".jp-RenderedMarkdown a[href]");
    if (!link || event.defaultPrevented || event.button > 0) return;
    const href = link.getAttribute("href");
    if (!href.startsWith(BOOK_PREFIX)) return;
    event.preventDefault();
    event.stopPropagation();
    window.open(location.origin + siteRoot() + href, "_blank", "noopener");
  }, true);
})();
