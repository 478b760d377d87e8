"""Assignments that measure understanding (issue 19): a variant per student, no shortcut, expected
values that never come from the student's objects, misconceptions named, feedback that fits a screen.

One folder of planted submissions (several assignments) is graded once by `make grade`'s code, in its
sandbox, and each test reads its row. Every planted shortcut scored full marks on the old grader.
"""
import copy
import csv

import nbformat
import numpy as np
import pytest

from classroom import build, grade
from classroom.grading import checks, questions, tripwire

ASSIGNMENTS = ("activations", "cost", "backprop", "sgd")


def answer(nb, start):
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(start)]
    return cell


def predictions(name, student_id):
    variant = checks.variant_of(name, student_id)
    return {q.variable: q.answer(questions.visible_rounded(q, variant))
            for q in questions.load(build.MASTERS / f"{name}.py").values() if q.kind == "predict"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignments")
    return out, {name: build.build(name, out)[0] for name in ASSIGNMENTS}


@pytest.fixture(scope="module")
def graded(built, tmp_path_factory):
    out, students = built
    subs = tmp_path_factory.mktemp("subs")

    def write(filename, name, student_id, edits=(), typed=None):
        nb = build.solved(name, students[name], student_id)
        if typed is not None:  # the id in the notebook differs from the one the answers were made for
            answer(nb, "student_id =").source = f"student_id = {typed!r}"
        for start, source in edits:
            answer(nb, start).source = source
        nbformat.write(nb, str(subs / filename))

    for name in ASSIGNMENTS:
        write(f"{name}_ada.ipynb", name, "ada")
        write(f"{name}_bob.ipynb", name, "bob")
    # nnlib one-liners
    write("activations_nnlib.ipynb", "activations", "activations_nnlib", [
        ("def sigmoid(", "import nnlib\ndef sigmoid(z):\n    return nnlib.get_activation('sigmoid')(z)")])
    write("cost_nnlib.ipynb", "cost", "cost_nnlib", [
        ("def descend(", "import nnlib\ndef descend(x0, grad, eta, n_steps):\n"
                         "    return nnlib.gradient_descent(grad, x0, eta, n_steps)")])
    write("backprop_nnlib.ipynb", "backprop", "backprop_nnlib", [
        ("def numerical_gradient(", "import nnlib\ndef numerical_gradient(f, theta, eps=1e-6):\n"
                                    "    return nnlib.numerical_gradient(f, theta, eps)")])
    write("sgd_nnlib.ipynb", "sgd", "sgd_nnlib", [
        ("def sgd_update(", "def sgd_update(net, Xb, Yb, eta):\n    nnlib.sgd_step(net, Xb, Yb, eta)")])
    # a reference captured where reading the source cannot see it: only the tripwire catches it
    write("activations_hidden_nnlib.ipynb", "activations", "activations_hidden_nnlib", [
        ("def sigmoid_prime(", "_s = getattr(__import__('nn' + 'lib'), 'get_activation')('sigmoid')\n"
                               "def sigmoid_prime(z):\n    try:\n        return _s.prime(z)\n"
                               "    except Exception:\n        return _s.prime(z)")])
    write("activations_scipy.ipynb", "activations", "activations_scipy", [
        ("def sigmoid(", "from scipy import special as _sp\n_e = getattr(_sp, 'ex' + 'pit')\n"
                         "def sigmoid(z):\n    return _e(z)")])
    # argument mutation: no implementation, arguments changed so that a test computing its expected
    # value from them afterwards agrees (0.5 is the sigmoid of the zeros it leaves behind)
    write("activations_mutates.ipynb", "activations", "activations_mutates", [
        ("def sigmoid(", "def sigmoid(z):\n    z[...] = 0.0\n    return np.full(np.shape(z), 0.5)")])
    # costs that never came from training
    write("sgd_fake_costs.ipynb", "sgd", "sgd_fake_costs", [
        ("def train(", "def train(net, X, Y, epochs, batch_size, eta, seed):\n    return [-1.0] * epochs")])
    # a classmate's whole notebook, handed in twice (the same id in both)
    write("cost_copy_of_ada.ipynb", "cost", "ada")
    # a classmate's answers under one's own id; the public master's answers on another seed
    write("backprop_dan_copies_bob.ipynb", "backprop", "bob", typed="dan")
    write("cost_eve_master_answers.ipynb", "cost", "master", typed="eve")
    write("activations_eve_master_answers.ipynb", "activations", "master", typed="eve")
    rows = grade.grade_folder(subs, autograder_dir=out, out=subs / "grades.csv", timeout=60, jobs=2, progress=False)
    return {r["submission"]: r for r in rows}, subs


def test_two_students_see_different_numbers_and_each_correct_solution_scores_full(built, graded):
    _, students = built
    rows, _ = graded
    for name in ASSIGNMENTS:
        data = build.check_data(name)
        variants = __import__("json").loads(data["variants_json"])
        a, b = (variants[checks.variant_of(name, s)] for s in ("ada", "bob"))
        assert a != b and a["q1"]["args"] != b["q1"]["args"], name
        for student in ("ada", "bob"):
            if (name, student) == ("cost", "ada"):
                continue  # handed in twice (cost_copy_of_ada.ipynb): see the test of copies
            row = rows[f"{name}_{student}.ipynb"]
            assert row["total"] == row["possible"] and row["error"] == "", row


@pytest.mark.parametrize("filename, question, reason", [
    ("activations_nnlib.ipynb", "q1", "nnlib"),
    ("cost_nnlib.ipynb", "q4", "nnlib"),
    ("backprop_nnlib.ipynb", "q1", "nnlib"),
    ("sgd_nnlib.ipynb", "q2", "nnlib.sgd"),
    ("activations_hidden_nnlib.ipynb", "q2", "nnlib.activations"),
    ("activations_scipy.ipynb", "q1", "expit"),
])
def test_a_shortcut_through_a_ready_made_implementation_scores_0_with_a_reason(graded, filename, question, reason):
    """Old grader: 18 of 27 questions passed with one-line calls to nnlib."""
    rows, _ = graded
    row = rows[filename]
    assert row[question] == 0.0, row
    assert f"{question}: shortcut" in row["error"] and reason in row["error"], row["error"]
    # questions that build on the shortcut (an assemble-it task calling it) lose their points too
    assert row["total"] <= row["possible"] - row_points(row, question), row


def row_points(row, question):
    return build_points(row["assignment"])[question]


def build_points(name):
    return {q: float(v.points) for q, v in questions.load(build.MASTERS / f"{name}.py").items()}


def test_mutating_the_arguments_earns_nothing(graded):
    """Old grader: an activations notebook that zeroed its arguments in place scored 8/8: the hidden
    test computed its expected value from the arguments after the call."""
    rows, _ = graded
    row = rows["activations_mutates.ipynb"]
    assert row["q1"] == 0.0 and "q1: the visible check: returned" in row["error"], row


def test_costs_that_never_came_from_training_earn_nothing(graded):
    """Old grader: sgd q3 trusted the costs `train` returned: [-1.0] * epochs scored 3/3."""
    rows, _ = graded
    row = rows["sgd_fake_costs.ipynb"]
    assert row["q3"] == 0.0 and "q3:" in row["error"], row
    # the grader's own check of the costs finds them impossible: tampering, in its words (issue 20)
    assert "q3: it reports costs that no network has" in row["tampering"], row


def test_one_notebook_handed_in_twice_scores_0_for_both(graded):
    rows, _ = graded
    for filename in ("cost_ada.ipynb", "cost_copy_of_ada.ipynb"):
        assert rows[filename]["total"] == 0.0 and "the same student id as" in rows[filename]["error"]


def test_a_classmates_answers_score_0_where_the_numbers_matter(graded):
    """Bob's answers under Dan's id: Bob's predictions are wrong for Dan's variant (the functions,
    correct in general, still earn their points)."""
    rows, _ = graded
    row = rows["backprop_dan_copies_bob.ipynb"]
    assert predictions("backprop", "bob") == predictions("backprop", "dan") or row["q6"] == 0.0
    for name in ("cost", "activations"):
        row = rows[f"{name}_eve_master_answers.ipynb"]
        own, master = predictions(name, "eve"), predictions(name, "master")
        assert own != master, "pick another id: the two variants give the same predictions"
        assert row["q6"] == 0.0 and "q6: predicted" in row["error"], row
        functions = [q for q, v in questions.load(build.MASTERS / f"{name}.py").items() if v.kind == "function"]
        assert all(row[q] == build_points(name)[q] for q in functions), row


def test_swapped_ids_score_0_on_the_predictions(built, tmp_path):
    """Two students' notebooks with their ids swapped: each prediction that differs between the two
    variants scores 0."""
    out, students = built
    for name in ("cost", "activations"):
        a, b = predictions(name, "ada"), predictions(name, "bob")
        assert a != b
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("cost", "activations"):
        for mine, theirs in (("ada", "bob"), ("bob", "ada")):
            nb = build.solved(name, students[name], mine)
            answer(nb, "student_id =").source = f"student_id = {theirs!r}"
            nbformat.write(nb, str(subs / f"{name}_{mine}_as_{theirs}.ipynb"))
    rows = grade.grade_folder(subs, autograder_dir=out, out=tmp_path / "g.csv", timeout=60, jobs=2, progress=False)
    for row in rows:
        assert row["q6"] == 0.0 and row["total"] == row["possible"] - 2.0, row


def test_the_class_report_names_each_misconception_and_why_points_were_lost(graded):
    rows, subs = graded
    text = (subs / "class-report.html").read_text()
    assert "Class report" in text and "used a ready-made implementation" in text
    with open(subs / "class-report.csv", newline="") as f:
        records = list(csv.DictReader(f))
    lost = [r for r in records if r["kind"] == "lost" and r["who"] == "sgd_fake_costs.ipynb"]
    assert [r["question"] for r in lost] == ["q3"], lost


def test_a_teacher_sees_a_notebooks_variant_and_its_expected_values(graded, capsys):
    _, subs = graded
    grade.main([str(subs / "backprop_ada.ipynb"), "--show-variant"])
    text = capsys.readouterr().out
    assert f"student id 'ada', variant {checks.variant_of('backprop', 'ada')}" in text
    assert "q2 output_delta(" in text and "->" in text and "q6 (prediction_q6)" in text


# ------------------------------------------------------------------------------ the tripwire itself
def test_tripwire_catches_references_taken_before_the_check_and_lets_allowed_calls_work():
    import nnlib

    ns = {"nnlib": nnlib, "np": np}
    exec("sig = nnlib.get_activation('sigmoid')\n"
         "def a(z):\n    return sig(z)\n"
         "def b(z):\n    try:\n        return nnlib.activations.sigmoid(z)\n    except Exception:\n        return 0\n"
         "def c(z):\n    import sklearn.neural_network\n    return z\n"
         "def d(net, X, Y):\n    return net.backprop(X, Y)\n"
         "def e(z):\n    return 1 / (1 + np.exp(-z))\n", ns)
    z = np.zeros(3)
    with pytest.raises(tripwire.ShortcutUsed):
        tripwire.guarded_call(ns["a"], (z,), {}, namespace=ns)
    _, trips = tripwire.guarded_call(ns["b"], (z,), {}, namespace=ns)
    assert trips == ["nnlib.activations.sigmoid"]  # caught by the student's code, still recorded
    with pytest.raises(ImportError):
        tripwire.guarded_call(ns["c"], (z,), {}, namespace=ns)
    net = nnlib.Network([2, 3, 1], seed=0)
    value, trips = tripwire.guarded_call(ns["d"], (net, np.ones((1, 2)), np.ones((1, 1))), {}, namespace=ns,
                                         allowed=("nnlib.network.Network.*",))
    assert trips == [] and len(value) == 2
    with pytest.raises(tripwire.ShortcutUsed) as caught:  # not allowed in this question
        tripwire.guarded_call(ns["d"], (net, np.ones((1, 2)), np.ones((1, 1))), {}, namespace=ns)
    assert caught.value.tripwire == ["nnlib.network.Network.backprop"]
    assert tripwire.guarded_call(ns["e"], (z,), {}, namespace=ns)[1] == []
    assert np.allclose(ns["sig"](z), 0.5)  # disarmed: nnlib works again


# ------------------------------------------------------------------------------ what a student sees
@pytest.fixture(scope="module")
def checked(built, tmp_path_factory):
    """The backprop notebook run in Jupyter with typical wrong answers."""
    from nbclient import NotebookClient

    _, students = built
    folder = tmp_path_factory.mktemp("student")
    nb = build.solved("backprop", students["backprop"], "ada")
    answer(nb, "def output_delta(").source = "def output_delta(z_L, a_L, y):\n    return a_L - y"
    answer(nb, "def hidden_delta(").source = ("def hidden_delta(W_next, delta_next, z):\n"
                                              "    return (W_next @ delta_next) * sigmoid_prime(z)")
    answer(nb, "def layer_gradients(").source = ("import nnlib\ndef layer_gradients(delta, a_prev):\n"
                                                 "    nnlib.relative_error(delta, delta)\n"
                                                 "    return np.outer(delta, a_prev), delta")
    answer(nb, "prediction_q6").source = f"prediction_q6 = {nb_sizes(nb)}"
    nbformat.write(nb, str(folder / "backprop.ipynb"))
    NotebookClient(nb, timeout=300, allow_errors=True, resources={"metadata": {"path": str(folder)}}).execute()
    return {c.source: "".join(o.get("text", "") for o in c.outputs) for c in nb.cells
            if c.cell_type == "code" and c.source.startswith("grader.check(")}


def nb_sizes(nb):
    variant = checks.variant_of("backprop", "ada")
    q6 = questions.load(build.MASTERS / "backprop.py")["q6"]
    return questions.visible_rounded(q6, variant)["sizes"][1]


def test_a_wrong_answer_says_what_came_back_what_was_expected_and_which_misconception(checked):
    text = checked['grader.check("q2")']
    assert "returned:" in text and "expected:" in text and "hint:" in text, text
    assert "matches the one you get without sigma'(z): Backpropagation, equation BP1" in text, text
    assert len(text.strip().splitlines()) <= 5, text


def test_a_function_that_raises_shows_its_last_line_and_a_hint_not_a_traceback(checked):
    text = checked['grader.check("q3")']
    assert "raised ValueError: matmul" in text and "hint:" in text, text
    assert "Traceback" not in text and len(text.strip().splitlines()) <= 3, text


def test_a_shortcut_says_what_it_called(checked):
    text = checked['grader.check("q4")']
    assert "q4 scores 0: it calls nnlib.gradcheck.relative_error" in text, text


def test_a_prediction_is_explained(checked):
    text = checked['grader.check("q6")']
    assert "you predicted" in text and "why:" in text and "SGD, 'Why not start with all weights zero?'" in text
    assert "every hidden neuron to learn something different" in text, text
