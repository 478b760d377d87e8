"""The instant checks inside a student notebook: ``grader.check("q1")``, ``grader.check_all()``,
``grader.scenario("q6")`` (the numbers of the student's variant that a question shows).

The build puts this file's source, with ``checks.py`` and ``tripwire.py``, into the notebook's first
code cell (hidden). The data it checks against (per variant: visible inputs, expected values, the
usual wrong answers) is in the notebook's metadata (``nnbook_checks``), read from the notebook file;
the in-browser edition embeds it in the cell instead (``_EMBEDDED_CHECKS``).
"""
import glob as _glob
import json as _json
import os as _os


def _find_data(assignment):
    embedded = globals().get("_EMBEDDED_CHECKS")
    if embedded:
        return embedded
    mine = []
    for path in _glob.glob("*.ipynb"):
        try:
            with open(path, encoding="utf-8") as f:
                meta = _json.load(f)["metadata"]["nnbook_checks"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if meta.get("assignment") == assignment:
            mine.append((_os.path.getmtime(path), meta))
    if not mine:
        raise FileNotFoundError(f"no {assignment} notebook with its checks in this folder")
    return max(mine, key=lambda m: m[0])[1]


class Checks:
    """The checks of one assignment, run on the student's own variant."""

    def __init__(self, assignment, namespace):
        self.assignment, self.ns = assignment, namespace
        self.data = _find_data(assignment)

    def _student(self):
        typed = self.ns.get("student_id")
        hub = _os.environ.get("JUPYTERHUB_USER", "")
        if isinstance(typed, str) and typed.strip() and typed.strip() != "...":
            note = ""
            if hub and typed.strip().lower() != hub.strip().lower():
                note = (f"(you are signed in as {hub!r} but typed student_id = {typed!r}: your teacher grades "
                        f"the variant of the id in the notebook)")
            return typed, note
        if hub:
            return hub, f"(student_id is empty: checking the variant of your hub user name {hub!r}; type it in)"
        return None, "Type your student id in the first cell (student_id = \"...\") and run it, then check again."

    def _variant(self):
        sid, note = self._student()
        if sid is None:
            return None, note
        return variant_of(self.assignment, sid), note

    def _variants(self):
        if "variants" not in self.data:
            self.data["variants"] = _json.loads(self.data["variants_json"])
        return self.data["variants"]

    def scenario(self, question):
        """The numbers of your variant for ``question`` (a network, a learning rate, ...)."""
        v, note = self._variant()
        if v is None:
            print(note)
            return None
        entry = self._variants()[v][question]
        return decode(entry["scenario"] if "scenario" in entry else entry["args"])

    def _run(self, question):
        """(passed, lines) for one question."""
        pub = self.data["questions"][question]
        v, note = self._variant()
        if v is None:
            return False, [f"{question}: {note}"]
        entry = self._variants()[v][question]
        lines = self._check(question, pub, entry)
        if note:
            lines.append("  " + note)
        return lines[0].endswith("passed."), lines

    def _check(self, question, pub, entry):
        hint = pub["hint"]
        if pub["kind"] == "predict":
            got = self.ns.get(pub["variable"])
            if got is None or got is Ellipsis:
                return feedback(question, "missing", hint)
            expected = decode(entry["expected"])
            if same(got, expected, rtol=pub["rtol"]):
                return [f"{question}: passed.", f"  why: {entry['explain']}"]
            match = matching_misconception(got, self._wrong(pub, entry))
            return [f"{question}: you predicted {short(got)}; the answer for your variant is {short(expected)}."] + \
                ([f"  {match[1]}"] if match else []) + [f"  why: {entry['explain']}"]
        names = pub["function"].split("+")
        if not all(callable(self.ns.get(name)) for name in names):
            return feedback(question, "missing", hint)
        args = decode(entry["args"])
        before = decode(entry["args"])
        firsts = []

        def call(name, a):
            firsts.append(a)
            if pub["implement"]:
                value, trips = guarded_call(self.ns[name], a, {}, namespace=self.ns, allowed=pub["allowed"])
                if trips:
                    raise ShortcutUsed(trips[0])
                return value
            return self.ns[name](*a)

        try:
            value = call_answer(pub["function"], args, call)
        except Exception as e:  # the student's function raised: its last line and a hint
            trips = getattr(e, "tripwire", []) or ([str(e)] if isinstance(e, ShortcutUsed) else [])
            if trips:
                return feedback(question, "shortcut", hint, error=f"it calls {trips[0].split(' is a ')[0]}")
            return feedback(question, "raised", hint, error=last_line(e))
        mode = pub["result"]
        got = firsts[0][0] if mode == "arg0" else (value, firsts[0][0]) if mode == "value+arg0" else value
        if mode == "arg0" and same(got, before[0], rtol=0, atol=0):
            return feedback(question, "missing", hint)
        if pub["judge"]:
            if got is None or got is Ellipsis:
                return feedback(question, "missing", hint)
            problem = JUDGES[pub["judge"]](got, args)
            if problem is None:
                return [f"{question}: passed."]
            return [f"{question}: not yet right for your variant.", f"  {problem}",
                    f"  expected: {pub['expected_text']}", f"  hint: {hint}"]
        expected = decode(entry["expected"])
        problem = type_problem(got, expected)
        if problem == "not answered yet":
            return feedback(question, "missing", hint)
        if problem:  # a wrong shape may still be a known mistake (a transposed matrix)
            match = matching_misconception(got, self._wrong(pub, entry))
            return feedback(question, "type", hint, error=problem, misconception=match[1] if match else None)
        if same(got, expected):
            return [f"{question}: passed."]
        match = matching_misconception(got, self._wrong(pub, entry))
        return feedback(question, "wrong", hint, returned=got, expected=expected,
                        misconception=match[1] if match else None)

    @staticmethod
    def _wrong(pub, entry):
        return [(label, pub["wrong"].get(label, label), decode(value)) for label, value in entry["wrong"]]

    def check(self, question):
        """Check one question on your variant and print a few lines."""
        passed, lines = self._run(question)
        print("\n".join(lines))

    def _passed(self, question):
        return self._run(question)[0]

    def check_all(self):
        passed = 0
        for question in self.data["questions"]:
            ok, lines = self._run(question)
            passed += ok
            print(lines[0])
        print(f"{passed} of {len(self.data['questions'])} questions pass their checks for your variant")
