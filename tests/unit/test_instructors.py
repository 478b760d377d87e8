"""The instructors' guide (instructors/, `make instructors`): worked solutions that neither the
published book nor the student release contains, and a hint in the book for every problem."""
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from classroom import release

ROOT = Path(__file__).resolve().parents[2]

GUIDE = ROOT / "instructors"
CHAPTERS = ["neurons", "activations", "notation", "cost", "backprop", "sgd", "putting-it-together"]


def guide_pages():
    toc = yaml.safe_load((GUIDE / "_toc.yml").read_text())
    return [toc["root"]] + [entry["file"] for entry in toc["chapters"]]


def problems(name):
    """The items of a chapter's Problems section, each as its markdown text."""
    cells = json.loads((ROOT / "book" / f"{name}.ipynb").read_text())["cells"]
    text = next("".join(c["source"]) for c in cells
                if c["cell_type"] == "markdown" and "## Problems" in "".join(c["source"]))
    body = text.split("## Problems", 1)[1]
    return re.split(r"(?m)^(?=\d+\. \*\*)", body)[1:]


def test_the_guide_is_neither_in_the_book_nor_under_book():
    assert not any("instructors" in page for page in release.toc_pages())
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert "instructors" in config["exclude_patterns"]
    assert not list((ROOT / "book").rglob("solutions*"))


def test_the_guide_has_a_page_per_chapter():
    assert guide_pages() == ["index"] + CHAPTERS
    for page in guide_pages():
        assert (GUIDE / f"{page}.md").is_file(), page


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_problem_has_a_hint_in_the_book_and_a_solution_in_the_guide(name):
    items = problems(name)
    assert items, f"{name} has no problems"
    no_hint = [item.split("**")[1] for item in items if "```{dropdown} Hint" not in item]
    assert not no_hint, f"{name}: problems without a hint: {no_hint}"
    guide = (GUIDE / f"{name}.md").read_text()
    solved = re.findall(r"(?m)^\*\*P(\d+)\b", guide)
    assert [int(k) for k in solved] == list(range(1, len(items) + 1)), (name, solved)


def test_the_release_treats_the_guide_as_secret(tmp_path):
    """Most lines of the guide are secret (the rest are generic lines the book shows anyway), and a
    release folder holding a page of the guide is caught by the same check `make release` runs."""
    secrets = release.secret_lines(public_files=release.public_sources())
    guide_lines = {line for p in CHAPTERS for line in release.file_lines(GUIDE / f"{p}.md")
                   if len(line) >= 20}
    kept = guide_lines & secrets
    assert len(kept) > 0.9 * len(guide_lines), sorted(guide_lines - secrets)[:20]
    shutil.copy2(GUIDE / "cost.md", tmp_path / "cost.md")
    assert release.leaks(tmp_path, secrets)


def test_no_book_page_contains_a_line_of_the_guide():
    """A worked solution pasted into a chapter or appendix would be published with the book."""
    secrets = release.secret_lines()  # the guide's and the masters' lines, nothing subtracted
    guide_lines = set().union(*(release.file_lines(GUIDE / f"{p}.md") for p in CHAPTERS))
    long_lines = {line for line in guide_lines & secrets if len(line) > 60}
    found = []
    for page in release.toc_pages():
        found += [f"{page}: {line[:60]}" for line in release.file_lines(ROOT / page) & long_lines]
    assert not found, found
