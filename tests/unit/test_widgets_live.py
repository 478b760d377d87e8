"""Every control of the HTML book's figures is live (issue 14, part 2), seen from Python.

The static export gives every control its whole range, maps the precomputed grid onto it, and
tells the page which registered figure function to call for the other values; the registry
rebuilds that figure (the page's worker runs the same code in Pyodide, without scipy).
The browser side is tested in tests/browser/test_live_figures.py.
"""
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit

from nnlib import widgets
from nnlib.activations import _numpy_expit
from nnlib.widgets import export, registry
from nnlib.widgets.controls import Choice, Slider

FIGURES = list(registry.figures())  # the one list of the figures (see nnlib/widgets/__init__.py)


# ---- the registry -------------------------------------------------------------------------

def test_every_figure_function_is_registered_under_its_name():
    book = [name for name in widgets.__all__ if name in registry.FACTORIES]
    assert FIGURES[:len(book)] == book and len(book) >= 9  # the book's figures first, in its order
    for name in FIGURES:
        figure = getattr(widgets, name)()  # importable from nnlib.widgets, imported above or not
        assert figure.factory == name == figure.name and figure.factory_kwargs == {}
        title, caption = registry.CAPTIONS[name]
        assert title and caption, f"{name}: the gallery needs a title and a caption"


def test_a_figure_records_its_arguments_and_is_rebuilt_from_them():
    figure = widgets.descent_path(0.5, n_steps=40)
    assert figure.factory_kwargs == {"eta": 0.5, "n_steps": 40}
    again = registry.build(figure.factory, json.loads(json.dumps(figure.factory_kwargs)))
    assert again.values == figure.values
    assert again.png(w0=0.3) == figure.png(w0=0.3)


def test_arguments_that_are_not_json_leave_the_figure_without_live_values():
    figure = widgets.neuron_playground(w1=np.float32(0.5))  # not JSON: no live values, still a figure
    assert figure.factory_kwargs is None
    assert "data-factory=" not in figure.to_html() and figure.png().startswith(b"\x89PNG")


def test_unknown_figure_and_unknown_control_are_named():
    with pytest.raises(ValueError, match="no figure 'neuron'; the figures are"):
        registry.build("neuron")
    with pytest.raises(ValueError, match=r"unknown control\(s\) \['w3'\]"):
        registry.live_png("neuron_playground", {}, {"w3": 1.0})


def test_live_png_is_the_frame_the_figure_draws_for_those_values():
    fresh = widgets.neuron_playground()
    assert registry.live_png("neuron_playground", {}, {"w2": 0.30000000000000004, "x1": -1.3}) == \
        fresh.png(w2=0.3, x1=-1.3)


# ---- snapping a browser's value onto the slider ---------------------------------------------

def test_slider_snap_rounds_to_the_step_and_clamps():
    s = Slider("w", -2.0, 2.0, 0.1, 0.5)
    assert s.snap(0.30000000000000004) == 0.3 and s.snap(-0.04) == 0.0 and s.snap(7) == 2.0
    assert Slider("eta", 0.01, 1.2, 0.01, 0.3).snap(0.07) == 0.07
    n = Slider("n", 1, 100, 1, 30)
    assert n.snap(41.6) == 42 and isinstance(n.snap(41.6), int)
    assert Slider("e", 0, 300, 5, 100).snap(137) == 135
    with pytest.raises(ValueError):
        Choice("f", ["a", "b"]).snap("c")


@pytest.mark.parametrize("name", FIGURES)
def test_every_precomputed_value_is_a_value_the_slider_can_take(name):
    for c in registry.build(name).controls:
        if isinstance(c, Slider):
            offered = c.values()
            assert offered[0] == c.min and np.isclose(offered[-1], c.max)
            for v in c.static_values():
                assert any(np.isclose(v, o) for o in offered), f"{name}.{c.name}: {v} is not on the slider"


# ---- the HTML -------------------------------------------------------------------------------

def _inputs(page):
    return re.findall(r"<(input|select)\b([^>]*)>", page)


def _attr(attrs, name):
    m = re.search(rf'\b{name}="([^"]*)"', attrs)
    return html.unescape(m.group(1)) if m else None


@pytest.mark.parametrize("name", FIGURES)
def test_every_control_covers_its_whole_range_and_marks_the_grid(name):
    figure = registry.build(name)
    page = "".join(export._control_html(c, "f") for c in figure.controls)
    found = _inputs(page)
    assert len(found) == len(figure.controls) and "disabled" not in page
    for (tag, attrs), c in zip(found, figure.controls):
        assert _attr(attrs, "data-control") == c.name
        if isinstance(c, Slider):
            assert tag == "input" and float(_attr(attrs, "min")) == c.min and float(_attr(attrs, "max")) == c.max
            assert float(_attr(attrs, "step")) == c.step and float(_attr(attrs, "value")) == c.default
            assert json.loads(_attr(attrs, "data-grid")) == c.static_values()
        else:
            assert json.loads(_attr(attrs, "data-options")) == list(c.options)
            options = re.findall(r'<option value="(\d+)"( data-frame="(\d+)")?', page.split(f'data-control="{c.name}"')[1])
            assert [int(v) for v, _, _ in options] == list(range(len(c.options)))
            grid = c.static_values()
            assert [int(f) if f else None for _, _, f in options] == \
                [grid.index(o) if o in grid else None for o in c.options]


def test_the_figure_tells_the_page_how_to_rebuild_it():
    page = widgets.descent_path(eta=0.5).to_html(element_id="dp")
    assert 'data-factory="descent_path"' in page
    assert json.loads(html.unescape(re.search(r'data-kwargs="([^"]*)"', page).group(1))) == {"eta": 0.5}
    assert export.WORKER_PATH in page and "SharedWorker" in page
    assert "data-content_root" in page  # where the page finds the site's root (and the worker)


# ---- nnlib without scipy (the worker's Python) -----------------------------------------------

# The start of a script run in a fresh Python in which importing scipy fails, as in the worker.
WITHOUT_SCIPY = """
import sys
class NoScipy:
    def find_spec(self, name, path=None, target=None):
        if name == "scipy" or name.startswith("scipy."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, NoScipy())
"""


def test_numpy_expit_agrees_with_scipy():
    z = np.concatenate([np.linspace(-800, 800, 20001), [0.0, -0.0, 1e-300, 36.7, -36.7]])
    assert np.max(np.abs(_numpy_expit(z) - expit(z))) <= 2.3e-16
    assert np.isclose(float(_numpy_expit(0.0)), 0.5) and isinstance(_numpy_expit(0.5), np.float64)


def test_nnlib_draws_a_figure_without_scipy():
    """The figure worker loads no scipy (it would cost about 2 s of the first live frame)."""
    code = WITHOUT_SCIPY + """
from nnlib import activations
from nnlib.widgets.registry import live_png
assert activations._expit_function() is activations._numpy_expit
png = live_png("neuron_playground", {}, {"w2": 0.3})
assert png.startswith(b"\\x89PNG") and "scipy" not in sys.modules
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_digits_are_the_same_numbers_without_scikit_learn():
    """The worker unpacks scikit-learn's wheel for its digits file but cannot import it (no scipy)."""
    from nnlib.data import load_digits

    split = load_digits(seed=0)
    code = WITHOUT_SCIPY + """
import numpy as np
from nnlib.data import load_digits
split = load_digits(seed=0)
assert "sklearn.datasets" not in sys.modules
np.save(sys.stdout.buffer, np.hstack([split.X_train, split.Y_train]))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr.decode()
    import io
    got = np.load(io.BytesIO(out.stdout))
    assert np.array_equal(got, np.hstack([split.X_train, split.Y_train]))


# ---- links to a view in the chapters (issue 23 item 3) ---------------------------------------

VIEW_LINK = re.compile(r'href="#fig=([^"]+)"')


def test_every_link_to_a_view_names_a_figure_of_its_page_and_values_its_controls_take():
    book = Path(__file__).resolve().parents[2] / "book"
    found = 0
    for path in sorted(book.glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        for cell in cells:
            if cell["cell_type"] != "markdown":
                continue
            for query in VIEW_LINK.findall("".join(cell["source"])):
                pairs = dict(pair.split("=", 1) for pair in html.unescape(query).split("&")[1:])
                name = html.unescape(query).split("&")[0]
                assert f"{name}(" in code, f"{path.name} links to {name}, which it does not show"
                controls = {c.name: c for c in registry.build(name).controls}
                for key, value in pairs.items():
                    control = controls[key]  # a KeyError names a control the figure lacks
                    if isinstance(control, Choice):
                        assert value in control.options, (path.name, query)
                    else:
                        assert control.snap(float(value)) == pytest.approx(float(value)), (path.name, query)
                found += 1
    assert found >= 2


def test_a_training_figure_shows_its_run_as_it_trains_and_ends_on_the_frame_asked_for():
    values = {"epoch": 60, "dataset": "xor", "hidden": 3, "eta": 1.5, "max_epochs": 300}
    frames = [registry.live_frame("training_playground", {}, values, seconds=1e-6)]
    while not frames[-1]["done"]:
        frames.append(registry.live_frame("training_playground", {}, values, seconds=1e-6))
    assert len(frames) == 60  # one epoch per call with no time to spare: 59 partial views, then epoch 60
    assert frames[0]["note"] == "epoch 1 of 60" and "after 1 epochs" in frames[0]["text"]
    final = registry.live_frame("training_playground", {}, values)
    assert frames[-1]["image"] == final["image"] and final["type"] == "image/bmp"
    assert _pixels(final["image"]).tolist() == _pixels(registry.live_png("training_playground", {}, values)).tolist()
    assert frames[-1]["text"] == widgets.training_playground().description(**values)


def _pixels(image_bytes):
    """The RGB pixels of a PNG or BMP."""
    import io

    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(image_bytes)).convert("RGB"))


def test_the_workers_frames_are_bmps_with_the_pngs_pixels_in_both_layouts():
    """The page's worker sends uncompressed BMPs (a phone's frame: 5.4 MB, written in a few ms
    instead of a PNG's 40 ms here); the browser shows them as the same picture."""
    values = {"w2": 0.3, "x1": -1.3}
    for layout, width in (("wide", 688), ("narrow", 1080)):
        frame = registry.live_frame("neuron_playground", {}, values, layout=layout)
        assert frame["type"] == "image/bmp" and frame["image"][:2] == b"BM"
        figure = registry.live_figure("neuron_playground", {})
        figure = figure.narrow() if layout == "narrow" else figure
        pixels = _pixels(frame["image"])
        assert pixels.shape[1] == width
        assert pixels.tolist() == _pixels(figure.png(**figure.snap(values))).tolist()
