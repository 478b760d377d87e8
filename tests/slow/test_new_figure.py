"""One list of the figures (issue 21 item 4): a figure written by the guide in
nnlib/widgets/__init__.py is in every test, benchmark and page that lists figures.

About a minute on two idle cores (it runs the figure tests on the new figure in a fresh Python):
`make test-slow` runs it, and CI runs that.

The acceptance test writes a throwaway figure, exactly as the guide says, into a temporary package
registered the documented way for a figure kept outside nnlib (an ``nnlib.figures`` entry point),
and runs each lister in a fresh Python that sees the package (PYTHONPATH): the unit tests of the
figures run on it and pass, the browser tests and the figure benchmark list it, the API page
documents it and the gallery shows it.
"""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from nnlib.widgets import registry

ROOT = Path(__file__).resolve().parents[2]
NAME = "slope_explorer"

# The guide's four parts, for a line y = w x + b.
FIGURE_MODULE = '''
"""A throwaway figure written by the guide in nnlib/widgets/__init__.py."""
from functools import lru_cache

import numpy as np

from nnlib.widgets.controls import Slider
from nnlib.widgets.figure import InteractiveFigure
from nnlib.widgets.registry import figure_factory


@lru_cache(maxsize=64)
def line_state(w, b):
    """The pure function behind the figure: the line y = w x + b on x in [-1, 1]."""
    xs = np.linspace(-1.0, 1.0, 21)
    return {"xs": xs, "ys": w * xs + b}


def _setup(fig, narrow=False):
    ax = fig.subplots()  # one panel: the phone layout is the same panel in a narrower figure
    ax.set_xlim(-1, 1)
    ax.set_ylim(-4, 4)
    ax.set_title("y = w x + b", fontsize=11)
    (line,) = ax.plot([], [])
    return {"line": line, "dynamic": [line]}


def _update(art, w, b):
    state = line_state(w, b)
    art["line"].set_data(state["xs"], state["ys"])


@figure_factory(title="A line", caption="Move w and b: the line turns and slides.")
def slope_explorer(w=1.0, b=0.0):
    """A line with a slope and an intercept."""
    controls = [Slider("w", -2.0, 2.0, 0.1, w, static=[-1.0, 1.0]),
                Slider("b", -2.0, 2.0, 0.1, b, static=[0.0, 1.0])]
    return InteractiveFigure("slope_explorer", controls, _setup, _update, figsize=(6, 3), narrow_figsize=(4.5, 3),
                             alt="A straight line whose slope and intercept follow the controls",
                             describe=describe)


def describe(w, b):
    state = line_state(w, b)
    return (f"The line y = {w:g} x + {b:g} goes from y = {state['ys'][0]:.1f} at x = -1 "
            f"to y = {state['ys'][-1]:.1f} at x = 1.")
'''


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A folder holding the package ``houseplant_figures`` and its dist-info with the entry point."""
    folder = tmp_path_factory.mktemp("site")
    package = folder / "houseplant_figures"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "slope.py").write_text(FIGURE_MODULE)
    info = folder / "houseplant_figures-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: houseplant-figures\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[{registry.ENTRY_POINT_GROUP}]\nslope = houseplant_figures.slope\n")
    return folder


def run(site, *args, env=None):
    """Run ``python *args`` from the repository root in a fresh Python that sees ``site``."""
    env = dict(os.environ, PYTHONPATH=str(site), **(env or {}))
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=900)
    return result.returncode, result.stdout + result.stderr


def test_a_new_figure_by_the_guide_is_in_every_list(site):
    code, out = run(site, "-c", "from nnlib.widgets import registry; print(list(registry.figures()))")
    assert code == 0 and NAME in out, out

    # the unit tests of the figures run on it (and pass: the guide's figure is a correct one)
    code, out = run(site, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/unit/test_widgets.py",
                    "tests/unit/test_widgets_live.py", "tests/unit/test_narrow_figures.py", "-k", NAME)
    assert code == 0 and " passed" in out and " deselected" in out, out

    # the browser tests list it (collected only: they need a built book and Chromium)
    code, out = run(site, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                    "tests/browser/test_static_figures.py", "tests/browser/test_live_figures.py")
    assert f"test_every_enabled_control_changes_the_frame[{NAME}]" in out, out
    assert f"test_every_figure_draws_off_grid_values_in_the_page[{NAME}-" in out, out

    # the figure benchmark times it
    code, out = run(site, "benchmarks/bench_widgets.py", "--list")
    assert code == 0 and NAME in out.split(), out

    # the API page documents it, and the gallery shows it under its title
    script = textwrap.dedent("""
        import IPython.display
        from booksite.figure_list import autodoc_lines
        from nnlib.widgets import registry
        print(autodoc_lines(registry.figures()))
        shown = []  # what the gallery displays, kept as objects (rendering every frame is the build's job)
        IPython.display.display = lambda *objects, **kwargs: shown.extend(objects)
        registry.gallery()
        print([o.data for o in shown if isinstance(o, IPython.display.Markdown)])
        print([getattr(o, "name", None) for o in shown if not isinstance(o, IPython.display.Markdown)])
        """)
    code, out = run(site, "-c", script)
    assert code == 0, out
    api, titles, figures = out.strip().splitlines()[-3:]
    assert f".. autofunction:: houseplant_figures.slope.{NAME}" in api
    assert "## A line" in titles and figures.count(repr(NAME)) == 1, out
