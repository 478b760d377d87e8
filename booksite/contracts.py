"""Every internal of Sphinx or of the theme that the site relies on, checked where it is used.

The book's extensions reach past the public APIs in a few places. Each such place is a *patch*
with a name, and each has a check here that stops the build with a :class:`ContractError` naming
that patch when a new Sphinx or theme version no longer matches what the patch expects, instead of
letting the site change silently:

``reader_site.mathjax_url`` and ``book_fixes.widget_require_config``
    rebuild a page's script entries with Sphinx's private ``sphinx.builders.html._assets._JavaScript``
    (:func:`javascript_class`).
``hub_launch.take_over_buttons``
    changes the launch-button options at ``builder-inited`` priority 400, before sphinx-book-theme
    reads them in its own ``builder-inited`` handlers (default priority 500).
``hub_launch.add_buttons`` and ``lite_launch.menu_entry``
    add to the header's launch menu at ``html-page-context`` priority 502, after sphinx-book-theme's
    ``add_launch_buttons`` (501) has built it (:func:`check_priorities`).
``page_weight.theme_scroll_pass``
    edits pydata-sphinx-theme's minified script (``page_weight.skip_theme_scroll_pass``).
``page_weight.icons``
    parses the theme's ``fontawesome.js`` with a regular expression and removes the script from
    every page (:func:`check_icons`).

tests/unit/test_theme_contracts.py runs each check on today's Sphinx and theme (they hold) and
on a changed input (the named error comes).
"""
from __future__ import annotations

import inspect

from sphinx.errors import ExtensionError

# Fewer icons than this in a style of fontawesome.js means the parse missed most of it (the theme's
# Font Awesome 6 has about 1,400 solid, 160 regular and 480 brand icons).
MIN_ICONS = {"solid": 500, "regular": 100, "brands": 200}


class ContractError(ExtensionError):
    """A patch of a Sphinx or theme internal no longer matches that internal."""

    def __init__(self, patch: str, detail: str):
        self.patch = patch
        super().__init__(f"{patch}: {detail}. The patch relies on an internal of Sphinx or the theme that "
                         f"has changed: update it (see booksite/contracts.py) or pin the previous version")


def javascript_class(patch: str):
    """Sphinx's private ``_JavaScript`` (a page's script entry), checked to take a filename, a
    priority and attributes as Sphinx 7.4 does; a :class:`ContractError` naming ``patch`` if not."""
    try:
        from sphinx.builders.html._assets import _JavaScript
    except ImportError as e:
        raise ContractError(patch, f"sphinx.builders.html._assets._JavaScript is gone ({e})") from None
    try:
        probe = _JavaScript("probe.js", priority=321, defer="defer")
        holds = (probe.filename == "probe.js" and probe.priority == 321
                 and dict(probe.attributes).get("defer") == "defer")
    except Exception as e:  # a changed signature raises anything at all
        raise ContractError(patch, f"_JavaScript(filename, priority=, **attributes) fails: {e!r}") from None
    if not holds:
        raise ContractError(patch, "_JavaScript no longer keeps .filename, .priority and .attributes")
    return _JavaScript


def _listeners(app, event: str, module: str) -> list[tuple[str, int]]:
    """(handler name, priority) of every ``event`` listener defined in ``module`` or below it."""
    try:
        listeners = app.events.listeners[event]
    except (AttributeError, KeyError, TypeError) as e:
        raise ContractError("event priorities", f"Sphinx's app.events.listeners[{event!r}] is gone ({e!r})") from None
    found = []
    for listener in listeners:
        handler = getattr(listener, "handler", None)
        where = inspect.getmodule(handler)
        if where is not None and (where.__name__ == module or where.__name__.startswith(module + ".")):
            found.append((getattr(handler, "__name__", repr(handler)), listener.priority))
    return found


def check_priorities(app):
    """The theme's handlers run where the launch-button patches expect them (see the module doc)."""
    patch = "hub_launch.take_over_buttons"
    readers = _listeners(app, "builder-inited", "sphinx_book_theme")
    if not readers:
        raise ContractError(patch, "sphinx-book-theme has no builder-inited handler any more")
    early = [(name, p) for name, p in readers if p <= 400]
    if early:
        raise ContractError(patch, f"sphinx-book-theme's builder-inited handlers {early} run at priority "
                            "400 or earlier, before this patch has changed the options they read")
    builders = dict(_listeners(app, "html-page-context", "sphinx_book_theme"))
    for patch in ("hub_launch.add_buttons", "lite_launch.menu_entry"):
        if "add_launch_buttons" not in builders:
            raise ContractError(patch, "sphinx-book-theme's html-page-context handler add_launch_buttons is gone")
        if builders["add_launch_buttons"] >= 502:
            raise ContractError(patch, f"sphinx-book-theme builds the launch menu at priority "
                                f"{builders['add_launch_buttons']}, not before 502 where this patch adds to it")


def check_icons(icons: dict, used: set[tuple[str, str]] = frozenset(), patch: str = "page_weight.icons"):
    """The parse of fontawesome.js (``page_weight.load_icons``) found every style, most of each
    style's icons, and every icon a page uses (``used``: {(style, name)}); else a ContractError."""
    for style, least in MIN_ICONS.items():
        count = len(icons.get(style, {}))
        if count < least:
            raise ContractError(patch, f"fontawesome.js gave {count} {style} icons, expected at least {least}: "
                                "its format changed and the pages would lose icons")
    missing = sorted(f"{style} {name}" for style, name in used if name not in icons.get(style, {}))
    if missing:
        raise ContractError(patch, f"icons used by the pages are not in fontawesome.js as parsed: {missing[:10]}")
