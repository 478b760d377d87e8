"""The tool packages (issue 21 item 3): every module of booksite and classroom imports from the
installed packages, with no entry of its own on the import path, and the browser helpers' own
imports resolve."""
import importlib
import pkgutil

import pytest

import booksite
import classroom

# Modules that need what only their own environment has (the grader's sandbox runner runs alone).
ALONE = {"classroom.grading.runner"}
MODULES = [m.name for package in (booksite, classroom)
           for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".") if m.name not in ALONE]


@pytest.mark.parametrize("name", MODULES)
def test_every_tool_module_imports(name):
    importlib.import_module(name)


def test_the_lite_driver_gives_chromium_the_shared_flags_and_the_host_rule():
    from booksite.browser import CHROMIUM_ARGS, lite

    args = lite.chromium_args()
    assert args[:len(CHROMIUM_ARGS)] == CHROMIUM_ARGS and args[-1] == lite.HOST_RULES
