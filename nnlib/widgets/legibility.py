"""How big a figure's text is: the size of its smallest glyph, sub- and superscripts included.

A text's font size overstates how big some of its glyphs look. Two kinds of glyph are smaller:

* scripts in mathtext (``$x_1$``, ``$10^{-1}$``) are drawn at ``MATH_SCRIPT_SCALE`` (matplotlib's
  shrink factor, 0.7) of the font size per level of nesting;
* Unicode super- and subscript characters (``z¹``, ``w₁₁``) are full characters of the font, but
  their glyphs are ``UNICODE_SCRIPT_SCALE`` (0.56) as tall as the digits and letters they stand
  for in DejaVu Sans and DejaVu Sans Mono (measured from the fonts' outlines).

:func:`smallest_text_px` measures a drawn figure; the static export writes the result for the
page (``data-text-px`` with the frame's width), where a browser test divides by the width the
frame is shown at.
"""
MATH_SCRIPT_SCALE = 0.7
UNICODE_SCRIPT_SCALE = 0.56
UNICODE_SCRIPTS = set("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿᵀ₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜⱼ")


def _math_depth(tex):
    """The deepest script level in a mathtext string without its dollars: x_1 -> 1, x -> 0."""
    deepest, i = 0, 0
    while i < len(tex):
        if tex[i] in "^_" and i + 1 < len(tex):
            if tex[i + 1] == "{":
                depth, j = 1, i + 2
                while j < len(tex) and depth:
                    depth += {"{": 1, "}": -1}.get(tex[j], 0)
                    j += 1
                deepest = max(deepest, 1 + _math_depth(tex[i + 2:j - 1]))
                i = j
                continue
            deepest = max(deepest, 1)
            i += 2
            continue
        i += 1
    return deepest


def glyph_scale(text):
    """The size of ``text``'s smallest glyph as a fraction of its font size (1.0 without scripts)."""
    scale = UNICODE_SCRIPT_SCALE if UNICODE_SCRIPTS & set(text) else 1.0
    parts = text.replace(r"\$", "").split("$")
    for math in parts[1::2] if len(parts) > 2 else []:  # the odd parts lie between dollars
        scale = min(scale, MATH_SCRIPT_SCALE ** _math_depth(math))
    return scale


def text_sizes(figure):
    """``[(px, text)]``: the smallest glyph of every text drawn in a full draw of ``figure`` (an Agg
    canvas), in the figure's pixels; tick labels, legends and mathtext included.

    Draws the figure once with its renderer's ``draw_text`` recording each call, animated artists
    included (a :class:`~nnlib.widgets.drawing.LayeredCanvas` keeps its cached layers, so the
    next redraw is unaffected).
    """
    canvas = figure.canvas
    renderer = canvas.get_renderer()
    drawn = []
    original = renderer.draw_text

    def recording(gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if s.strip():
            drawn.append((prop.get_size_in_points() * figure.dpi / 72 * glyph_scale(s), s))
        return original(gc, x, y, s, prop, angle, ismath, mtext)

    renderer.draw_text = recording
    try:
        canvas.draw()  # everything that is not animated
        for artist in figure.findobj(lambda a: a.get_animated()):
            figure.draw_artist(artist)
    finally:
        del renderer.draw_text  # back to the class's method
    return drawn


def smallest_text_px(figure):
    """``(px, text)``: the smallest glyph of ``figure``'s texts in its pixels (see :func:`text_sizes`)."""
    return min(text_sizes(figure), default=(float("inf"), ""))
