"""The autograder zip (otter's container flow, Gradescope) keeps `make grade`'s comparisons and pins
what it installs.

Under ``otter run`` the tests run in the student's own process, so an object that lies about equality
(a float subclass whose ``==`` is always True, an array whose ``np.isclose`` answers True) would pass
them. `make grade` never lets such an object reach a comparison: only plain data crosses from the
sandbox (wire.py). The zip does the same in place: :func:`plain_tests` rewrites every test so that what
a function of the notebook returns goes through :func:`_plain_data` first (numbers, strings, lists,
tuples, dicts, numpy arrays and scalars of numbers, nnlib networks rebuilt from their parameters;
anything else becomes a value equal to nothing), before any check sees it.

:func:`pinned_environment` pins, in the zip's ``environment.yml``, every package pip installs there
(otter-grader with its extras and the book's package, and all they depend on) to the version this
repository's environment has (``requirements.txt``), and the conda packages too.
"""
import ast
import builtins
import doctest
import importlib.metadata
import inspect
import re
import textwrap

from packaging.requirements import Requirement


def _plain_data(value, depth=0):
    """``value`` as plain data built afresh, or a value equal to nothing (see the module's docstring)."""
    import numpy

    class NotPlain:
        def __eq__(self, other):
            return False

        __hash__ = None

        def __repr__(self):
            return f"<a {type(value).__name__} that is not plain data>"

    kind = type(value)
    if depth > 20:
        return NotPlain()
    if value is None or kind in (bool, int, float, str, complex):
        return value
    if kind in (list, tuple):
        return kind(_plain_data(v, depth + 1) for v in value)
    if kind is dict:
        return {_plain_data(k, depth + 1): _plain_data(v, depth + 1) for k, v in value.items()}
    if kind is numpy.ndarray and value.dtype.kind in "biuf":
        return numpy.frombuffer(value.tobytes(), dtype=value.dtype.str).reshape(value.shape).copy()
    if isinstance(value, numpy.generic) and kind.__module__ == "numpy" and value.dtype.kind in "biuf":
        return numpy.frombuffer(value.tobytes(), dtype=value.dtype.str)[0]
    try:
        import nnlib

        if kind is nnlib.Network:
            return nnlib.Network.from_params([_plain_data(w, depth + 1) for w in value.weights],
                                             [_plain_data(b, depth + 1) for b in value.biases],
                                             activation=str(value.activation.name), cost=str(value.cost_function.name),
                                             output_activation=str(value.output_activation.name))
    except ImportError:
        pass
    return NotPlain()


PRELUDE = textwrap.dedent(inspect.getsource(_plain_data))


def _defined(tree):
    """Names a piece of test code defines itself (assignments, functions, imports, arguments)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


class _WrapCalls(ast.NodeTransformer):
    def __init__(self, own):
        self.own = own

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id not in self.own and not hasattr(builtins, node.func.id):
            return ast.Call(func=ast.Name("_plain_data", ast.Load()), args=[node], keywords=[])
        return node


def _as_doctest(source, want=""):
    lines = source.rstrip("\n").splitlines()
    text = "".join((">>> " if i == 0 else "... ") + line + "\n" for i, line in enumerate(lines))
    if len(lines) > 1:
        text += "...\n"
    return text + want


def plain_case(code):
    """One test case's doctest, with a function of the notebook's results passed through _plain_data."""
    examples = doctest.DocTestParser().get_examples(code)
    trees = [ast.parse(e.source) for e in examples]
    own = set().union(*(_defined(t) for t in trees)) | {"_plain_data"}
    out = _as_doctest(PRELUDE)
    for example, tree in zip(examples, trees):
        new = ast.fix_missing_locations(_WrapCalls(own).visit(tree))
        out += _as_doctest(ast.unparse(new), example.want)
    return out


def plain_tests(source):
    """An otter OK-format test file's text, with each case rewritten by :func:`plain_case`."""
    namespace = {}
    exec(source, namespace)  # our own test file, as written by otter assign: `test = {...}`
    test = namespace["test"]
    for suite in test["suites"]:
        for case in suite["cases"]:
            case["code"] = plain_case(case["code"])
    return f"OK_FORMAT = {namespace.get('OK_FORMAT', True)!r}\n\ntest = {test!r}\n"


def _closure(requirements):
    """{distribution name: installed version} for the requirements and everything they need."""
    seen, todo = {}, [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        name = re.sub(r"[-_.]+", "-", req.name).lower()
        if name in seen:
            continue
        try:
            dist = importlib.metadata.distribution(req.name)
        except importlib.metadata.PackageNotFoundError:
            continue
        seen[name] = dist.version
        for line in dist.requires or []:
            sub = Requirement(line)
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in ("", *req.extras)):
                todo.append(sub)
    return seen


def pinned_environment(text, book_requirements):
    """``environment.yml``'s text with every pip package it installs pinned (``==``) and its conda
    packages pinned (``=``), to the versions installed here; ``book_requirements`` are the book's
    package's dependencies (its wheel goes in unpinned by file)."""
    lines = text.splitlines()
    pip_at = next(i for i, line in enumerate(lines) if "otter-grader" in line)
    otter = lines[pip_at].strip().lstrip("- ").strip()
    indent = lines[pip_at][:len(lines[pip_at]) - len(lines[pip_at].lstrip())]
    pins = _closure([otter, *book_requirements])
    listed = {re.sub(r"[-_.]+", "-", Requirement(otter).name).lower()}
    extra = [f"{indent}- {name}=={version}" for name, version in sorted(pins.items()) if name not in listed]
    out = []
    for i, line in enumerate(lines):
        bare = line.strip()
        if i < pip_at and bare.startswith("- ") and re.fullmatch(r"- [A-Za-z0-9_.-]+", bare) and bare != "- pip:":
            name = bare[2:]
            try:
                version = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                version = None
            line = f"{line}={version}" if version else line
        out.append(line)
        if i == pip_at:
            out += extra
    return "\n".join(out) + "\n"
