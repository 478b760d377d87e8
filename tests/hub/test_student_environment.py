"""The student environment (.binder/requirements.txt): what hubs, Binder and repo2docker install."""
import re

import yaml

from conftest import ROOT

BINDER = ROOT / ".binder" / "requirements.txt"


def requirement_lines(path):
    return [l.strip() for l in path.read_text().splitlines() if l.strip() and not l.startswith("#")]


def name_of(line):
    return re.split(r"[=<>!~;@ \[]", line, maxsplit=1)[0].lower().replace("_", "-")


def test_student_environment_is_small_pinned_and_matches_the_development_pins():
    lines = requirement_lines(BINDER)
    names = {name_of(l) for l in lines}
    assert {"numpy", "matplotlib", "ipywidgets", "scikit-learn", "otter-grader",
            "how-neural-networks-learn"} <= names
    toolchain = {"jupyter-book", "pytest", "playwright", "nbval", "hypothesis", "jupyterlab", "sphinx"}
    assert not names & toolchain, f"development tools in the student environment: {names & toolchain}"
    assert not any(l.startswith(("-e", "--editable", ".")) for l in lines), "an editable or local link"
    development = set(requirement_lines(ROOT / "requirements.txt"))
    for line in lines:
        if name_of(line) == "how-neural-networks-learn":
            continue
        assert "==" in line, f"not pinned: {line}"
        assert line in development, f"{line} differs from the pin in requirements.txt"


def test_nnlib_comes_from_the_books_repository_as_a_package():
    """Outside a release, nnlib installs from repository.url (a git URL, not a path to a clone)."""
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].rstrip("/")
    (line,) = [l for l in requirement_lines(BINDER) if name_of(l) == "how-neural-networks-learn"]
    assert line == f"how-neural-networks-learn @ git+{url}@main"


def test_the_distribution_is_how_neural_networks_learn_0_2_0():
    project = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'^name = "how-neural-networks-learn"$', project, re.M)
    assert re.search(r'^version = "0\.2\.0"$', project, re.M)
