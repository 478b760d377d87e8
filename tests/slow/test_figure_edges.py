"""The digits figure at its sliders' ends, in both layouts, with nothing cut off at the frame's
edges: the check tests/unit/test_narrow_figures.py makes for every other figure, here because it
retrains the digits network up to 100 epochs (about 30 s). `make test-slow` runs it (CI)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from test_narrow_figures import assert_no_view_at_a_sliders_ends_is_cut_off  # noqa: E402


def test_the_digits_figure_at_its_sliders_ends_is_not_cut_off():
    assert_no_view_at_a_sliders_ends_is_cut_off("digits_training")
