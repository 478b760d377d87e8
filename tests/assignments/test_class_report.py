"""A class of 30 generated backprop submissions with planted misconceptions: `make grade` writes a
class report that counts each one right, and the page reads well in Chromium at 390 and 1280 px.

Slow (30 sandboxes, about a minute on two cores): run by `make test-assignments-slow`, which CI runs
(.ci/run), not by `make test`.
"""
import collections
import csv

import nbformat
import pytest

from booksite.browser import launch_chromium, serve_directory
from classroom import build, grade

PLANTED = {  # misconception label -> (question, answer cell start, wrong source, how many students)
    "no sigma'": ("q2", "def output_delta(", "def output_delta(z_L, a_L, y):\n    return a_L - y", 9),
    "sign": ("q2", "def output_delta(", "def output_delta(z_L, a_L, y):\n    return (y - a_L) * sigmoid_prime(z_L)", 4),
    "transposed": ("q4", "def layer_gradients(",
                   "def layer_gradients(delta, a_prev):\n    return np.outer(a_prev, delta), delta.copy()", 6),
    "bias forgotten": ("q4", "def layer_gradients(",
                       "def layer_gradients(delta, a_prev):\n    return np.outer(delta, a_prev), 0 * delta", 3),
    "one per neuron": ("q6", "prediction_q6", None, 5),
}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignments")
    student, _ = build.build("backprop", out)
    subs = tmp_path_factory.mktemp("class")
    plan = [label for label, (*_, n) in PLANTED.items() for _ in range(n)]
    plan += [None] * (30 - len(plan))
    from classroom.grading import checks, questions

    q6 = questions.load(build.MASTERS / "backprop.py")["q6"]
    for i, label in enumerate(plan):
        sid = f"student{i:02d}"
        nb = build.solved("backprop", student, sid)
        if label is not None:
            question, start, source, _ = PLANTED[label]
            if source is None:  # the prediction every hidden neuron learns something different
                sizes = questions.visible_rounded(q6, checks.variant_of("backprop", sid))["sizes"]
                source = f"prediction_q6 = {sizes[1]}"
            (cell,) = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(start)]
            cell.source = source
        nbformat.write(nb, str(subs / f"{sid}.ipynb"))
    grade.grade_folder(subs, autograder_dir=out, timeout=60, jobs=2, progress=False)
    return subs, plan


def test_the_report_counts_every_planted_misconception(report):
    subs, plan = report
    with open(subs / "class-report.csv", newline="") as f:
        records = list(csv.DictReader(f))
    found = collections.Counter({r["what"].split(":")[0]: int(r["count"]) for r in records
                                 if r["kind"] == "misconception"})
    wanted = collections.Counter(label for label in plan if label)
    # the transposed outer product and BP1 without sigma' also break q5 (which calls them): q5 names no
    # misconception of its own for them, so q2, q4 and q6 carry the counts
    for label, n in wanted.items():
        assert found[label] == n, (label, found)
    scores = {(r["question"], r["what"]): int(r["count"]) for r in records if r["kind"] == "score"}
    assert scores[("q2", "0 of 2")] == 13 and scores[("q2", "2 of 2")] == 17
    assert scores[("q4", "0 of 2")] == 9 and scores[("q6", "0 of 2")] == 5
    lost = [r for r in records if r["kind"] == "lost" and r["who"] == "student00.ipynb"]
    assert any("Backpropagation, equation BP1" in r["what"] for r in lost), lost


@pytest.mark.parametrize("width", [390, 1280])
def test_the_report_page_reads_at_phone_and_laptop_width(report, width):
    subs, _ = report
    with launch_chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": 900})
        blocked = []
        with serve_directory(subs) as base:
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                       else (blocked.append(route.request.url), route.abort()))  # no other host
            page.goto(base + "class-report.html")
            assert page.title() == "Class report"
            assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing scrolls sideways
            rows = page.locator("#backprop-q2 table.misconceptions tr").all_inner_texts()
            assert any("no sigma'" in r and r.strip().endswith("9") for r in rows), rows
            smallest = page.evaluate("Math.min(...[...document.querySelectorAll('td, th, p, h3')]"
                                     ".map(e => parseFloat(getComputedStyle(e).fontSize)))")
            assert smallest >= 14, smallest
            assert page.locator("#students").is_visible()
        assert blocked == []
        page.close()
