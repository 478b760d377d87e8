"""repository.student_release: the one setting that names where the JupyterHub button pulls from.
The book (booksite/hub_launch.py) and `make release` (classroom/release.py) must read it alike."""

import pytest

from conftest import ROOT

from booksite import hub_launch
from classroom import release

URL = "https://github.com/someone/nn-book"
CASES = {
    "student": (URL, "student"),
    " release-2026 ": (URL, "release-2026"),
    "https://git.example.edu/course/nn-student@student": ("https://git.example.edu/course/nn-student", "student"),
    "http://127.0.0.1:8080/course/book/@term/autumn": ("http://127.0.0.1:8080/course/book", "term/autumn"),
}
BAD = ["", "git@github.com:someone/nn-book", "https://git.example.edu/course/nn-student", "a@b"]


@pytest.mark.parametrize("value", CASES)
def test_book_and_release_read_the_setting_alike(value):
    assert hub_launch.parse_release(value, URL + "/") == release.parse_release(value, URL) == CASES[value]


@pytest.mark.parametrize("value", BAD)
def test_a_setting_that_names_no_branch_is_an_error(value):
    for parse in (hub_launch.parse_release, release.parse_release):
        with pytest.raises(ValueError):
            parse(value, URL)


def test_the_books_configuration_names_the_release_next_to_the_repository():
    import yaml

    repository = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    assert "student_release" in repository
    assert release.release_source() == release.parse_release(repository["student_release"], repository["url"])


def test_the_link_opens_the_page_in_the_folder_nbgitpuller_clones_into():
    state = {"pull_url": "http://127.0.0.1:9/course/book", "pull_branch": "student",
             "interface": "jupyterlab", "hub_url": "https://hub.example.edu"}
    assert hub_launch.hub_link(state, "book/neurons.ipynb") == (
        "https://hub.example.edu/hub/user-redirect/git-pull?repo=http%3A//127.0.0.1%3A9/course/book"
        "&urlpath=lab/tree/book/book/neurons.ipynb&branch=student")
