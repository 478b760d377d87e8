"""The API page's list of figures, read from nnlib's figure registry.

Loaded from _config.yml (``sphinx.extra_extensions``). ``book/api.md`` writes

    ```{nnlib-figures}
    ```

and gets one ``autofunction`` entry per figure of ``nnlib.widgets.registry.figures()``, in the
book's order, so a figure added by the guide in ``nnlib/widgets/__init__.py`` is documented with
no line to add to the page.
"""
from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import ExtensionError
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles


def autodoc_lines(figures: dict, myst: bool = False) -> list[str]:
    """Lines documenting each figure function of ``figures`` ({name: function}): reST directives,
    inside an ``{eval-rst}`` fence when the page is Markdown (``myst``: autodoc writes reST)."""
    lines = [f".. autofunction:: {function.__module__}.{name}" for name, function in figures.items()]
    return ["```{eval-rst}", *lines, "```"] if myst else lines


class FigureList(SphinxDirective):
    """``{nnlib-figures}``: autodoc entries for every registered figure."""

    has_content = False

    def run(self):
        from nnlib.widgets import registry

        figures = registry.figures()
        myst = type(self.state).__module__.startswith("myst_parser")  # a MyST page parses Markdown

        lines = StringList(autodoc_lines(figures, myst), source="nnlib.widgets.registry.figures()")
        holder = nodes.container()
        holder.document = self.state.document
        nested_parse_with_titles(self.state, lines, holder)
        documented = len(list(holder.findall(addnodes.desc)))
        if documented != len(figures):
            raise ExtensionError(f"nnlib-figures: {documented} of {len(figures)} figures were documented "
                                 "(the directives it writes were not parsed as directives)")
        return holder.children


def setup(app):
    app.setup_extension("sphinx.ext.autodoc")
    app.add_directive("nnlib-figures", FigureList)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
