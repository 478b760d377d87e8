"""The student release (classroom/release.py, `make release`): what students may see, and nothing else."""
import json
import shutil
import subprocess
import zipfile

import pytest

from conftest import ASSIGNMENTS, ROOT, leaked, secret_lines

from classroom import release as release_module

MASTERS = sorted((ROOT / "book" / "assignments" / "masters").glob("*.ipynb"))


def files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and ".git" not in p.relative_to(folder).parts)


def test_the_secret_lines_are_many_and_the_check_finds_them_in_a_master(tmp_path):
    secrets = secret_lines()
    assert len(secrets) >= 6 * 5, "too few secret lines: the check would prove little"
    shutil.copy2(MASTERS[0], tmp_path / MASTERS[0].name)
    assert leaked(tmp_path, secrets), "a master notebook copied into a folder was not detected"


def test_release_holds_no_solution_and_no_hidden_test_line(release):
    assert leaked(release, secret_lines()) == []


def test_release_holds_no_master_no_autograder_and_no_grading_script(release):
    names = files(release)
    bad = [n for n in names if "masters" in n or "autograder" in n or n.endswith((".zip", ".py"))
           or n.endswith(("build.py", "grade.py")) or ".OTTER_LOG" in n]
    assert not bad, bad


def test_release_holds_every_page_the_student_notebooks_and_the_student_environment(release):
    names = set(files(release))
    for page in release_module.toc_pages():
        assert page in names, f"{page} missing from the release"
    for master in MASTERS:
        rel = f"book/assignments/student/{master.name}"
        assert rel in names
        assert (release / rel).read_bytes() == (ASSIGNMENTS / master.stem / "student" / master.name).read_bytes()
    assert ".binder/requirements.txt" in names
    # every chapter is there exactly as in the book
    for chapter in (ROOT / "book").glob("*.ipynb"):
        assert (release / "book" / chapter.name).read_bytes() == chapter.read_bytes()


def test_release_environment_installs_nnlib_from_its_own_wheel(release):
    text = (release / ".binder" / "requirements.txt").read_text()
    lines = [l for l in text.splitlines() if l and not l.startswith("#")]
    assert "--find-links ." in lines and "how-neural-networks-learn==0.2.0" in lines
    assert not any("git+" in l or l.startswith("-e") for l in lines)
    (wheel,) = (release / ".binder").glob("*.whl")
    assert wheel.name == "how_neural_networks_learn-0.2.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        members = archive.namelist()
    assert "nnlib/__init__.py" in members and "nnlib/widgets/__init__.py" in members
    assert not any(m.startswith(("tests/", "book/", "benchmarks/")) for m in members)


def test_release_refuses_to_write_a_solution(tmp_path, assignments_built):
    """If a student notebook were the master itself, the release stops before writing anything."""
    fake = tmp_path / "assignments"
    shutil.copytree(assignments_built, fake, ignore=shutil.ignore_patterns("autograder"))
    shutil.copy2(MASTERS[0], fake / MASTERS[0].stem / "student" / MASTERS[0].name)
    out = tmp_path / "release"
    with pytest.raises(SystemExit, match="solutions or hidden tests"):
        release_module.write_release(out, fake)
    assert not out.exists()


def git(*args, cwd=None):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def test_each_release_is_a_child_of_the_previous_one(tmp_path, release):
    """nbgitpuller merges new releases into students' copies: the branch must only move forward."""
    repo = tmp_path / "course.git"
    git("init", "--quiet", "--bare", str(repo))
    first = release_module.commit_release(release, repo, "student")
    assert release_module.commit_release(release, repo, "student") is None  # unchanged: no commit
    (release / "book" / "intro.ipynb").write_text(
        json.dumps(json.loads((release / "book" / "intro.ipynb").read_text()) | {"nbformat_minor": 5}))
    second = release_module.commit_release(release, repo, "student")
    assert git("--git-dir", str(repo), "rev-parse", f"{second}^") == first
    tree = git("--git-dir", str(repo), "ls-tree", "-r", "--name-only", "student").splitlines()
    assert sorted(tree) == files(release)


def test_release_holds_no_line_of_the_question_files_and_carries_nnlib(release):
    """Issue 19: the question files beside the masters (usual wrong answers, hidden draws) compute
    answers; none of their code reaches students. nnlib does (the student environment's wheel), and
    each student notebook carries its checks for every variant."""
    code = set()
    for path in (ROOT / "book" / "assignments" / "masters").glob("*.py"):
        code |= {line.strip() for line in path.read_text().splitlines()
                 if len(line.strip()) > 30 and not line.strip().startswith(("#", '"', "'"))}
    public = {line.strip() for path in (ROOT / "nnlib").rglob("*.py") for line in path.read_text().splitlines()}
    code -= public  # a line nnlib itself has (`nabla_w, nabla_b = net.backprop(X, Y)`) is no secret
    assert len(code) > 100
    assert leaked(release, code) == []
    assert list((release / ".binder").glob("how_neural_networks_learn-*.whl"))
    for master in MASTERS:
        nb = json.loads((release / "book" / "assignments" / "student" / master.name).read_text())
        assert nb["metadata"]["nnbook_checks"]["assignment"] == master.stem
