"""Score one submission: run each question's tests in the grader, on what the sandbox returns.

The tests are the assignment's otter tests (visible and hidden), read from its autograder zip. They
run here, in the grading process, in a namespace built from the assignment's given code; every name a
test uses that the notebook defines is looked up in the sandbox: a function becomes a :class:`Proxy`
(calling it sends the arguments into the sandbox and brings back plain data), any other value is
brought back as plain data. So the comparisons, and the expected values, stay out of the student's
reach: replacing ``np.isclose`` or otter's runner in the notebook changes nothing here.

Scoring follows otter's rules for the same test files: a question marked ``all_or_nothing`` earns its
points only when every case passes; otherwise each passing case earns its own points.
"""
import ast
import builtins
import doctest
import zipfile

from .run import Broken, CallFailed


def load_tests(autograder_zip):
    """{question: {"points", "all_or_nothing", "cases": [{"name", "code", "points", "hidden"}]}},
    questions in notebook order (q2 before q10)."""
    tests = {}
    with zipfile.ZipFile(autograder_zip) as zf:
        for name in zf.namelist():
            if name.startswith("tests/") and name.endswith(".py"):
                namespace = {}
                exec(zf.read(name).decode(), namespace)  # our own OK-format file: `test = {...}`
                test = namespace["test"]
                cases = [c for suite in test["suites"] for c in suite["cases"]]
                tests[test["name"]] = {
                    "points": float(test.get("points") or 1),
                    "all_or_nothing": bool(test.get("all_or_nothing", False)),
                    "cases": [{"name": c.get("name", f"{test['name']} - {i + 1}"), "code": c["code"],
                               "points": c.get("points"), "hidden": bool(c.get("hidden"))}
                              for i, c in enumerate(cases)],
                }
    return dict(sorted(tests.items(), key=lambda item: (len(item[0]), item[0])))


def case_points(question):
    """Points of each case, as otter resolves them: stated ones, the rest shared evenly."""
    cases = question["cases"]
    stated = [c["points"] for c in cases]
    if all(p is not None for p in stated):
        return [float(p) for p in stated]
    rest = question["points"] - sum(p for p in stated if p is not None)
    n_unstated = sum(p is None for p in stated)
    return [float(p) if p is not None else rest / n_unstated for p in stated]


class Proxy:
    """Stands for a student's function in the tests; the call runs in the sandbox."""

    def __init__(self, session, name):
        self._session, self.__name__ = session, name

    def __call__(self, *args, **kwargs):
        return self._session.call(self.__name__, args, kwargs)

    def __reduce__(self):  # a test's lambda that calls a student's function, sent into the sandbox
        return (_student_name, (self.__name__,))

    def __repr__(self):
        return f"<the submission's {self.__name__}>"


def _student_name(name):  # unpickled in the sandbox: the student's own object of that name
    import __main__

    return vars(__main__)[name]


def _used_names(source):
    """Names a piece of test code reads and does not define itself."""
    tree = ast.parse(source)
    loaded, stored = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else stored).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            stored.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.Lambda)):
            args = node.args
            stored.update(a.arg for a in args.args + args.kwonlyargs + args.posonlyargs)
    return loaded - stored - set(dir(builtins))


def _failure(e):
    if isinstance(e, CallFailed):
        return str(e)
    if isinstance(e, AssertionError):
        return str(e) or "a check failed"
    return f"{type(e).__name__}: {e}"[:300]


def score_question(name, question, session, given):
    """Return (points earned, [what failed], names the notebook lacks when it lacks all it is asked for)."""
    ns = dict(given)
    failures, passed, student_names, missing_names = [], [], set(), set()
    for case in question["cases"]:
        ok = True
        for example in doctest.DocTestParser().get_examples(case["code"]):
            needed = {n for n in _used_names(example.source) if n not in ns}
            if needed:
                found = session.names(needed)
                for n, kind in found.items():
                    student_names.add(n)
                    if kind == "missing":
                        missing_names.add(n)
                    elif kind == "callable":
                        ns[n] = Proxy(session, n)
                    else:
                        ns[n] = kind
            try:
                exec(compile(example.source, f"<{name} test>", "exec"), ns)
            except Broken:
                raise
            except Exception as e:  # a failed check, or the student's function failed
                failures.append(_failure(e))
                ok = False
                break
        passed.append(ok)
        if not ok and (question["all_or_nothing"] or "did not return" in failures[-1]):
            break  # the question is lost; spare the time of its remaining cases
    points = case_points(question)
    if question["all_or_nothing"]:
        earned = question["points"] if len(passed) == len(points) and all(passed) else 0.0
    else:
        earned = sum(p for p, ok in zip(points, passed) if ok)
    missing = sorted(missing_names) if student_names and student_names == missing_names else []
    return earned, failures, missing


# ---------------------------------------------------------------------------- questions with variants
def score_variant(question, session, ref, variant, hidden_seed, sources):
    """Score one question of an assignment with a question file (questions.py) for one student.

    Every input is drawn here, for the student's variant (the visible check) and from a hidden seed;
    the expected values come from the reference solution on fresh copies of those inputs, never from
    anything the student's code touched or reported. Returns a dict: ``earned``, ``status`` (passed,
    missing, wrong, raised, shortcut, type), ``reason`` (one line for the CSV), ``misconception``
    (label or None) and ``message`` (its explanation with the chapter section).
    """
    from . import checks, questions
    from .shortcuts import shortcut_in_source

    result = {"earned": 0.0, "status": "passed", "reason": "", "misconception": None, "message": ""}

    def lost(status, reason, label=None, message=""):
        result.update(status=status, reason=reason, misconception=label, message=message)
        return result

    if question.kind == "predict":
        found = session.names({question.variable})
        got = found.get(question.variable, "missing")
        if got in ("missing", "callable") or got is None or got is Ellipsis or \
                getattr(got, "type_name", "") == "ellipsis":
            return lost("missing", "not answered")
        scenario = questions.visible_rounded(question, variant)
        expected = question.answer(scenario)
        if checks.same(got, expected, rtol=question.rtol):
            result["earned"] = float(question.points)
            return result
        wrong = [(label, message, f(scenario)) for label, (f, message) in question.wrong.items()]
        match = checks.matching_misconception(got, wrong)
        return lost("wrong", f"predicted {checks.short(got, 30)}, the answer is {checks.short(expected, 30)}",
                    *(match or (None, "")))

    names = question.function.split("+")
    found = session.names(set(names))
    if any(found.get(name) != "callable" for name in names):
        return lost("missing", "not answered")
    if question.implement and not question.allowed:
        for name in names:
            used = shortcut_in_source(sources, name)
            if used:
                return lost("shortcut", f"shortcut: {name} uses {used} (a ready-made implementation)")
    guard = {"allowed": list(question.allowed)} if question.implement else None
    for visible, arguments in questions.cases(question, variant, hidden_seed):
        where = "the visible check" if visible else "a hidden check"
        values, first_after = [], None
        try:
            for name in names:
                value, after = session.call_plain(name, questions.fresh(arguments), {}, guard=guard)
                values.append(value)
                first_after = first_after if first_after is not None else after
        except CallFailed as e:
            text = str(e)
            if text.startswith("shortcut:"):
                return lost("shortcut", text)
            return lost("raised", f"{where}: {text.split(' raised ', 1)[-1]}"[:200])
        value = values[0] if len(values) == 1 else tuple(values)
        got = questions.result_of(question.result, value, first_after)
        if question.consistent is not None:  # a result no honest computation gives: tampering, seen here
            problem = question.consistent(got, arguments)
            if problem:
                session._flag(f"{question.name}: {problem}")
                return lost("wrong", f"{where}: {problem}")
        if question.judge is not None:
            if got is None or getattr(got, "type_name", "") == "ellipsis":
                return lost("missing", "not answered")
            problem = question.judge(got, arguments, ref)
            if problem:
                return lost("wrong", f"{where}: {problem}")
            continue
        expected = questions.expected_value(question, ref, arguments)
        if question.result == "arg0" and checks.same(got, arguments[0], rtol=0, atol=0) and \
                not checks.same(expected, arguments[0], rtol=0, atol=0):  # an update that changed nothing
            return lost("missing", "not answered (the argument did not change)")
        problem = checks.type_problem(got, expected)
        if problem == "not answered yet":
            return lost("missing", "not answered")
        if problem:  # a wrong shape may still be a known mistake (a transposed matrix)
            match = checks.matching_misconception(got, questions.wrong_values(question, ref, arguments))
            return lost("type", f"{where}: {problem}", *(match or (None, "")))
        if not checks.same(got, expected):
            match = checks.matching_misconception(got, questions.wrong_values(question, ref, arguments))
            return lost("wrong", f"{where}: returned {checks.short(got, 40)}, expected {checks.short(expected, 40)}",
                        *(match or (None, "")))
    result["earned"] = float(question.points)
    return result
