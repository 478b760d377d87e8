"""The book builds with a repository on any git host; buttons that cannot work there are left out."""
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import build_book

SELF_HOSTED = "https://git.example.edu/course/nn-book"
HUB = "https://hub.example.edu"


def links(page):
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', page.read_text())]


@pytest.fixture(scope="module")
def self_hosted_book(tmp_path_factory):
    return build_book(tmp_path_factory.mktemp("self-hosted"), SELF_HOSTED, HUB)


def test_self_hosted_repository_builds_with_working_buttons_only(self_hosted_book):
    hrefs = links(self_hosted_book / "book" / "neurons.html")
    assert SELF_HOSTED in hrefs, "no repository button"
    assert not [h for h in hrefs if "colab.research.google.com" in h], "Colab opens GitHub only"
    assert not [h for h in hrefs if "/issues" in h or "/edit/" in h], "issue/edit links need a known host"
    (binder,) = [h for h in hrefs if "mybinder.org" in h]
    assert binder == ("https://mybinder.org/v2/git/https%3A%2F%2Fgit.example.edu%2Fcourse%2Fnn-book/main"
                      "?urlpath=lab/tree/book/neurons.ipynb")
    (hub,) = [h for h in hrefs if h.startswith(HUB)]
    parts = urlsplit(hub)
    assert parts.path == "/hub/user-redirect/git-pull"
    assert parse_qs(parts.query) == {"repo": [SELF_HOSTED], "branch": ["student"],
                                     "urlpath": ["lab/tree/nn-book/book/neurons.ipynb"]}


def test_hub_button_pulls_the_student_release_on_github_too(tmp_path):
    html_dir = build_book(tmp_path, "https://github.com/someone/nn-book", HUB,
                          student_release="https://git.example.edu/course/nn-student@release")
    hrefs = links(html_dir / "book" / "neurons.html")
    assert any(h.startswith("https://colab.research.google.com/github/someone/nn-book/") for h in hrefs)
    assert any(h.startswith("https://mybinder.org/v2/gh/someone/nn-book/main") for h in hrefs)
    (hub,) = [h for h in hrefs if h.startswith(HUB)]
    assert parse_qs(urlsplit(hub).query) == {"repo": ["https://git.example.edu/course/nn-student"],
                                             "branch": ["release"],
                                             "urlpath": ["lab/tree/nn-student/book/neurons.ipynb"]}


def test_bitbucket_builds_without_colab_and_issue_buttons(tmp_path):
    """The theme knows Bitbucket, but Colab opens GitHub only and it has no Bitbucket issue form:
    both used to warn, which fails the -W build."""
    html_dir = build_book(tmp_path, "https://bitbucket.org/someone/nn-book", HUB)
    hrefs = links(html_dir / "book" / "neurons.html")
    assert "https://bitbucket.org/someone/nn-book" in hrefs
    assert not [h for h in hrefs if "colab.research.google.com" in h or "/issues" in h]
    assert any(h.startswith("https://mybinder.org/v2/git/") for h in hrefs)
    (hub,) = [h for h in hrefs if h.startswith(HUB)]
    assert parse_qs(urlsplit(hub).query)["repo"] == ["https://bitbucket.org/someone/nn-book"]
