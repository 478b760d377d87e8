"""The book's site tooling: what turns ``book/`` into the published site.

* Sphinx extensions, named in ``_config.yml`` (``sphinx.extra_extensions``): ``reader_site`` (one
  header, MathJax from the site, light pages; it runs ``page_math``, ``page_text``, ``page_weight``
  and ``page_styles`` on every page), ``book_fixes``, ``hub_launch``, ``lite_launch`` and
  ``live_figures``. Their static files sit beside them (``static/``, ``figure_worker.js``,
  ``tex2chtml.js``); ``vendor.sh`` fetches the pinned npm packages the site serves.
* ``booksite.lite``: the in-browser edition's build (``python -m booksite.lite.build``).
* ``booksite.browser``: headless Chromium on the built site, for the tests and the benchmarks.
"""
