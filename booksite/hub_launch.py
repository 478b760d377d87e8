"""Launch buttons that work wherever the book's repository lives (loaded from _config.yml).

1. The JupyterHub button pulls the *student release*, not the repository itself. It is an nbgitpuller
   link to ``repository.student_release`` in ``_config.yml`` (a branch of ``repository.url``, or
   ``<git url>@<branch>``): the branch that ``make release`` commits, which holds the chapters and
   the student notebooks but no master notebooks. The link opens the page's notebook in the folder
   nbgitpuller clones into (the last part of the pulled URL, as nbgitpuller names it).
2. Any git host. sphinx-book-theme knows GitHub, GitLab and Bitbucket only: with any other
   ``repository.url`` it stops the build ("Provider not recognized in repository url"). On such a host
   this extension keeps the buttons that work with any git URL (the repository link, Binder through
   its generic ``/v2/git/`` form, JupyterHub, JupyterLite) and leaves out those that cannot (Colab and
   Deepnote open GitHub only; issue and edit links have a host-specific form). On GitLab and
   Bitbucket, Colab and Deepnote are left out too, and on Bitbucket the issue button (the theme only
   knows GitHub's and GitLab's issue forms, and warns otherwise).

It takes ``jupyterhub_url`` (and, on other hosts, the other repository-based buttons) out of the
theme's options before the theme reads them, then adds its own buttons to each notebook page after
the theme has built its header buttons. Jupyter Book passes only ``url``, ``branch`` and
``path_to_book`` of ``repository`` on to Sphinx, so ``student_release`` is read from the
``_config.yml`` in the book's source folder.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlencode

import yaml
from sphinx.util import logging

from . import contracts

LOGGER = logging.getLogger(__name__)
PROVIDERS = ("bitbucket", "github", "gitlab")  # the hosts sphinx-book-theme recognizes
UI_PREFIX = {"classic": "tree", "jupyterlab": "lab/tree"}


def provider_of(repository_url: str) -> str | None:
    """The theme's own inference: a provider whose name is in the URL before its last two parts."""
    host = repository_url.strip("/").rsplit("/", 2)[0].lower()
    return next((p for p in PROVIDERS if p in host), None)


def parse_release(value: str, repository_url: str) -> tuple[str, str]:
    """(git URL, branch) from ``repository.student_release``: a branch of `repository_url`, or
    ``<git url>@<branch>`` (the same rule as classroom/release.py)."""
    value = (value or "").strip()
    if "://" in value:
        url, sep, branch = value.rpartition("@")
        if not sep or "://" not in url or not branch or ":" in branch:
            raise ValueError(f"repository.student_release {value!r}: write <git url>@<branch>")
        return url.rstrip("/"), branch
    if not value or "@" in value or ":" in value:
        raise ValueError(f"repository.student_release {value!r}: a branch name, or <git url>@<branch>")
    return repository_url.rstrip("/"), value


def _theme_option_dicts(app):
    dicts = [app.config.html_theme_options]
    builder_options = getattr(app.builder, "theme_options", None)
    if builder_options is not None and builder_options is not dicts[0]:
        dicts.append(builder_options)
    return dicts


def take_over_buttons(app):
    """builder-inited, before the theme: decide which buttons this extension builds."""
    contracts.check_priorities(app)  # the theme still reads these options after us, and builds its menu before us
    options = app.config.html_theme_options
    repository_url = (options.get("repository_url") or "").strip("/")
    launch = dict(options.get("launch_buttons") or {})
    state = {"repository_url": repository_url, "hub_url": (launch.pop("jupyterhub_url", "") or "").strip("/"),
             "interface": launch.get("notebook_interface", "classic"), "binder_url": "",
             "jupyterlite_url": "", "repository_button": False, "path_to_docs": options.get("path_to_docs", "")}
    app.hub_launch = state
    if not repository_url:
        return
    config_file = Path(app.srcdir) / "_config.yml"
    repository = (yaml.safe_load(config_file.read_text()) or {}).get("repository", {}) if config_file.is_file() else {}
    state["pull_url"], state["pull_branch"] = parse_release(repository.get("student_release", "student"),
                                                            repository_url)
    provider = options.get("repository_provider") or provider_of(repository_url)
    updates = {"launch_buttons": launch}
    if provider is None:
        # The theme would stop the build: take the repository away from it and build what works here.
        state["binder_url"] = (launch.pop("binderhub_url", "") or "").strip("/")
        state["jupyterlite_url"] = (launch.pop("jupyterlite_url", "") or "").rstrip("/")
        dropped = [k for k in ("colab_url", "deepnote_url", "thebe") if launch.pop(k, None)]
        state["repository_button"] = str(options.get("use_repository_button", "")).lower() == "true"
        updates.update(repository_url="", use_repository_button=False, use_issues_button=False,
                       use_edit_page_button=False, use_source_button=False)
        LOGGER.info(f"hub_launch: {repository_url} is not on GitHub, GitLab or Bitbucket; "
                    f"left out: {', '.join(dropped + ['issue and edit buttons']) }")
    else:
        # Colab and Deepnote open GitHub repositories only (the theme warns, and -W fails, otherwise).
        if provider != "github":
            for key in ("colab_url", "deepnote_url"):
                launch.pop(key, None)
        if provider == "bitbucket":
            updates["use_issues_button"] = False
    for theme_options in _theme_option_dicts(app):
        theme_options.update(updates)
        if provider is None:
            theme_options.pop("repository_url", None)


def _is_notebook(app, pagename, context) -> bool:
    return ("kernelspec" in app.env.metadata.get(pagename, {})
            or "ipynb" in context.get("page_source_suffix", ""))


def hub_link(state, path_in_repository: str) -> str:
    """The nbgitpuller link that opens `path_in_repository` of the student release on the hub."""
    folder = state["pull_url"].rstrip("/").split("/")[-1]  # the folder nbgitpuller clones into
    ui = UI_PREFIX[state["interface"]]
    query = urlencode({"repo": state["pull_url"], "urlpath": f"{ui}/{folder}/{path_in_repository}",
                       "branch": state["pull_branch"]}, safe="/")
    return f"{state['hub_url']}/hub/user-redirect/git-pull?{query}"


def add_buttons(app, pagename, templatename, context, doctree):
    """html-page-context, after the theme: add this extension's buttons to the page header."""
    state = getattr(app, "hub_launch", None)
    if not state or not state["repository_url"] or "header_buttons" not in context:
        return
    buttons = context["header_buttons"]
    if state["repository_button"]:
        launch_at = next((i for i, b in enumerate(buttons) if b.get("label") == "launch-buttons"), -1)
        buttons.insert(launch_at + 1, {"type": "link", "url": state["repository_url"], "text": "",
                                       "tooltip": "Source repository", "icon": "fab fa-git-alt",
                                       "label": "source-repository-button"})
    if not _is_notebook(app, pagename, context):
        return
    relative = state["path_to_docs"].strip("/")
    path = Path(app.env.doc2path(pagename))
    suffix = ".ipynb" if path.with_suffix(".ipynb").exists() else path.suffix
    in_repository = f"{relative + '/' if relative else ''}{pagename}{suffix}"
    ui = UI_PREFIX[state["interface"]]
    ours = []
    if state["binder_url"]:
        ours.append({"type": "link", "text": "Binder", "tooltip": "Launch on Binder",
                     "icon": "_static/images/logo_binder.svg",
                     "url": (f"{state['binder_url']}/v2/git/{quote(state['repository_url'], safe='')}/"
                             f"{app.config.html_theme_options.get('repository_branch') or 'main'}"
                             f"?urlpath={ui}/{in_repository}")})
    if state["hub_url"]:
        ours.append({"type": "link", "text": "JupyterHub", "tooltip": "Launch on JupyterHub",
                     "icon": "_static/images/logo_jupyterhub.svg", "url": hub_link(state, in_repository)})
    if state["jupyterlite_url"]:
        ours.append({"type": "link", "text": "JupyterLite", "tooltip": "Launch via JupyterLite",
                     "icon": "_static/images/logo_jupyterlite.svg",
                     "url": f"{state['jupyterlite_url']}?path={in_repository}"})
    if not ours:
        return
    group = next((b for b in buttons if b.get("label") == "launch-buttons"), None)
    if group is None:
        group = {"type": "group", "tooltip": "Launch interactive content", "icon": "fas fa-rocket",
                 "buttons": [], "label": "launch-buttons"}
        buttons.insert(0, group)
    after_binder = next((i + 1 for i, b in enumerate(group["buttons"]) if b.get("text") == "Binder"), 0)
    group["buttons"][after_binder:after_binder] = ours


def setup(app):
    app.connect("builder-inited", take_over_buttons, priority=400)  # the theme reads them at 500
    app.connect("html-page-context", add_buttons, priority=502)     # the theme builds its own at 501
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
