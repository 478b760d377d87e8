"""An assignment's questions as the grader and the build see them: inputs drawn for a variant,
expected values from the master's reference solution, the usual wrong answers, hints.

Each master notebook ``masters/<name>.ipynb`` has a question file beside it, ``masters/<name>.py``
(private, like the master). It defines ``QUESTIONS``, a list of

* :class:`Function`: the student writes a function. ``make(rng)`` draws one call's arguments; the
  visible check uses the draw from the student's variant, the grader adds ``hidden`` draws from a
  seed of its own. The expected value is the reference solution's on a *fresh* copy of the same
  arguments (never on objects the student's code touched). ``implement=True`` (the default) means
  the answer must not come from nnlib or another ready-made implementation (``tripwire.py``);
  ``allowed`` lists what a question may still call (``nnlib.network.Network.backprop``).
  ``wrong``: ``{label: (function of (ref, *args), message)}``, the usual mistakes.
  ``result="arg0"``: the answer is what the function does to its first argument (an update in place).
  ``judge(got, args, ref)``: for answers judged by a property (a trained network's accuracy); it
  returns None or the reason it fails, and ``expected`` is then what the judge wants, in words.
* :class:`Predict`: the student writes a value before running anything (``variable``). ``scenario(rng)``
  draws what the question shows; ``answer(scenario)`` is the right value; ``explain(scenario)`` says
  why, with the chapter section; ``wrong`` maps labels to ``(function of scenario, message)``.

The file is run with these names defined (no import needed): ``Function``, ``Predict``, ``Given``
(a function handed to the student's, as data: ``checks.Given``), ``np``.
"""
import copy
import dataclasses
import json
import pathlib
from typing import Callable

import numpy as np

from . import checks


@dataclasses.dataclass
class Function:
    name: str
    function: str
    points: float
    make: Callable
    hint: str
    wrong: dict = dataclasses.field(default_factory=dict)
    hidden: int = 2
    fixed: list = dataclasses.field(default_factory=list)   # extra hidden argument tuples
    implement: bool = True
    allowed: tuple = ()
    result: str = "value"
    judge: Callable = None
    consistent: Callable = None  # (got, args) -> None, or why the results contradict themselves
    expected_text: str = ""
    reference: str = None  # the reference function's name, when it differs
    kind = "function"

    def arguments(self, rng):
        return self.make(rng)


@dataclasses.dataclass
class Predict:
    name: str
    variable: str
    points: float
    scenario: Callable
    answer: Callable
    explain: Callable
    hint: str
    wrong: dict = dataclasses.field(default_factory=dict)
    rtol: float = 1e-3
    kind = "predict"


def load(spec_path):
    """The QUESTIONS of one question file, in order, as {name: question}."""
    namespace = {"Function": Function, "Predict": Predict, "Given": checks.Given, "SeededRng": checks.SeededRng,
                 "digits_accuracy": checks.digits_accuracy, "np": np,
                 "__name__": "assignment_questions"}
    source = pathlib.Path(spec_path).read_text()
    exec(compile(source, str(spec_path), "exec"), namespace)
    return {q.name: q for q in namespace["QUESTIONS"]}


def reference_namespace(given_sources, solution_sources):
    """The master's given code and reference solutions, run here (trusted code, not the student's)."""
    ns = {"__name__": "reference"}
    for source in list(given_sources) + list(solution_sources):
        exec(compile(source, "<reference solution>", "exec"), ns)
    return ns


def rng_for(seed, question, index):
    return np.random.default_rng([int(seed) % 2**63, sum(map(ord, question)), index])


def visible_arguments(question, variant):
    if question.kind == "predict":
        return question.scenario(rng_for(variant, question.name, 0))
    return question.arguments(rng_for(variant, question.name, 0))


def cases(question, variant, hidden_seed):
    """[(visible?, arguments)]: the variant's visible draw first, then the hidden ones."""
    out = [(True, visible_rounded(question, variant))]
    for i in range(question.hidden):
        out.append((False, question.arguments(rng_for(hidden_seed, question.name, i + 1))))
    rng = rng_for(hidden_seed, question.name, 99)
    out += [(False, fixed(rng) if callable(fixed) else fixed) for fixed in question.fixed]
    return out


def fresh(arguments):
    return copy.deepcopy(arguments)


def result_of(mode, value, args):
    """The answer a question grades: the return value, the first argument as the call left it (an
    update in place), or both."""
    if mode == "arg0":
        return args[0]
    if mode == "value+arg0":
        return (value, args[0])
    return value


_memo = {}


def _key(question, ref, arguments):
    try:
        return (id(ref), question.name, json.dumps(checks.encode(list(arguments)), sort_keys=True))
    except TypeError:
        return None


def expected_value(question, ref, arguments):
    """The reference solution's answer on a fresh copy of ``arguments`` (remembered for the same
    arguments: a class shares variants, and a training run is worth computing once)."""
    key = _key(question, ref, arguments)
    if key is not None and key in _memo:
        return copy.deepcopy(_memo[key])
    args = fresh(arguments)
    value = checks.call_answer(question.reference or question.function, args, lambda name, a: ref[name](*a))
    value = result_of(question.result, value, args)
    if key is not None:
        _memo[key] = copy.deepcopy(value)
    return value


def wrong_values(question, ref, arguments):
    """[(label, message, value)] of the usual wrong answers on fresh copies of ``arguments``."""
    out = []
    for label, (function, message) in question.wrong.items():
        try:
            args = fresh(arguments)
            value = function(ref, *args)
            if question.kind == "function":
                value = result_of(question.result, value, args)
            out.append((label, message, value))
        except Exception:
            continue
    return out


DIGITS = 6  # significant digits of the inputs a notebook carries (rounded before anything is computed)
EXPECTED_DIGITS = 12  # and of the expected values computed from them


def visible_rounded(question, variant):
    """The visible draw, rounded as the notebook carries it: the expected values are computed on these."""
    return checks.decode(checks.encode(visible_arguments(question, variant), DIGITS))


def variant_data(questions, ref, variant):
    """What the student notebook carries for one variant: per question, JSON-ready."""
    data = {}
    for q in questions.values():
        if q.kind == "predict":
            scenario = visible_rounded(q, variant)
            data[q.name] = {"scenario": checks.encode(scenario, DIGITS),
                            "expected": checks.encode(q.answer(scenario), EXPECTED_DIGITS),
                            "explain": q.explain(scenario),
                            "wrong": [[label, checks.encode(f(scenario), EXPECTED_DIGITS)]
                                      for label, (f, _) in q.wrong.items()]}
            continue
        args = visible_rounded(q, variant)
        entry = {"args": checks.encode(list(args), DIGITS)}
        if q.judge is None:
            entry["expected"] = checks.encode(expected_value(q, ref, args), EXPECTED_DIGITS)
            entry["wrong"] = [[label, checks.encode(value, EXPECTED_DIGITS)]
                              for label, _, value in wrong_values(q, ref, args)]
        data[q.name] = entry
    return data


def public(questions):
    """What the notebook carries about each question, the same for every variant."""
    out = {}
    for q in questions.values():
        entry = {"kind": q.kind, "points": q.points, "hint": q.hint,
                 "wrong": {label: message for label, (_, message) in q.wrong.items()}}
        if q.kind == "predict":
            entry["variable"] = q.variable
            entry["rtol"] = q.rtol
        else:
            entry.update(function=q.function, implement=q.implement, allowed=list(q.allowed), result=q.result,
                         judge=q.judge.__name__ if q.judge else None, expected_text=q.expected_text)
        out[q.name] = entry
    return out
