"""Take in a folder of submissions: copy each file away from the students' reach, read one notebook at a
time under bounds, and tell which assignment each is for.

Every ``*.ipynb`` is first copied, before any student code runs, into a private folder of the grader
(mode 0700: no sandbox and no other user can reach it). Then each copy is read on its own: a file up to
``IN_PROCESS_BYTES`` in this process, a larger one in a child process under a memory cap, so a notebook
built to be expensive to parse (60 MiB of tiny dicts) costs that child, never the grader. Only what
grading needs is kept: the code cells' sources and the assignment named in otter's metadata
(``metadata.otter.assignment_name``).

When the metadata is missing (answers pasted into a fresh notebook), the assignment is ``ASSIGNMENT=``
or else the one the file name points to (``neurons (1).ipynb`` is a neurons notebook), and the row says
so. With ``ASSIGNMENT=`` every notebook is graded as that assignment; one whose metadata names another
assignment scores 0 and the row names the assignment it belongs to.
"""
import json
import os
import pathlib
import re
import resource
import shutil
import subprocess
import sys

MAX_BYTES = 64 * 2**20          # a notebook larger than this is not read at all
IN_PROCESS_BYTES = 1 * 2**20    # larger notebooks are parsed in a child process
CHILD_MEMORY = 1 * 2**30        # address space of that child
CHILD_SECONDS = 120             # and its wall time
MAX_CODE_BYTES = 4 * 2**20      # the code cells of one notebook, all together


class Refused(Exception):
    """A file that is not graded; ``str()`` is the reason, for the error column."""


def mib(n):
    return f"{n / 2**20:.1f} MiB"


def copy_in(folder, private):
    """Copy every ``*.ipynb`` of ``folder`` into ``private`` now, before any grading.

    Returns ``{file name: path of the copy, or Refused}``. A symbolic link, a file that is not regular
    or one over MAX_BYTES is not copied: it is a Refused naming the reason (its size for the latter).
    """
    private = pathlib.Path(private)
    os.chmod(private, 0o700)
    files = {}
    for path in sorted(pathlib.Path(folder).glob("*.ipynb")):
        if path.is_symlink() or not path.is_file():
            files[path.name] = Refused("not a regular file (a symbolic link or a folder); not read")
            continue
        size = path.stat().st_size
        if size > MAX_BYTES:
            files[path.name] = Refused(f"the notebook is {mib(size)}, over the {mib(MAX_BYTES)} limit; not read")
            continue
        dest = private / f"{len(files):05d}.ipynb"
        with open(path, "rb") as src, open(dest, "wb") as out:
            shutil.copyfileobj(src, out)
            if out.tell() > MAX_BYTES:  # it grew since stat
                files[path.name] = Refused(f"the notebook is over the {mib(MAX_BYTES)} limit; not read")
                continue
        files[path.name] = dest
    return files


def _extract(data):
    """{"code": [[index, source], ...], "assignment": name or None} from a notebook's bytes."""
    import nbformat

    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        nbformat.validate(nb)
    except MemoryError:
        raise
    except Exception as e:  # any parse or schema error means the file cannot be graded
        raise Refused(f"not a valid notebook: {type(e).__name__}: {str(e).splitlines()[0][:200]}") from None
    otter = nb.metadata.get("otter")
    name = otter.get("assignment_name") if isinstance(otter, dict) else None
    code = [[i, c.source] for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    size = sum(len(s) for _, s in code)
    if size > MAX_CODE_BYTES:
        raise Refused(f"its code cells hold {mib(size)}, over the {mib(MAX_CODE_BYTES)} limit")
    return {"code": code, "assignment": name if isinstance(name, str) else None}


def read(path):
    """Return what grading needs of one notebook (see ``_extract``), or raise Refused."""
    path = pathlib.Path(path)
    size = path.stat().st_size
    if size <= IN_PROCESS_BYTES:
        return _extract(path.read_bytes())
    try:
        done = subprocess.run([sys.executable, "-I", __file__, "--extract", str(path)], capture_output=True,
                              timeout=CHILD_SECONDS, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise Refused(f"the notebook ({mib(size)}) could not be read within {CHILD_SECONDS} s") from None
    if done.returncode != 0 or not done.stdout:
        raise Refused(f"the notebook ({mib(size)}) could not be read within {mib(CHILD_MEMORY)} of memory")
    out = json.loads(done.stdout)
    if "refused" in out:
        raise Refused(out["refused"])
    return out


def name_from_file(filename, known):
    """The assignment a file name points to: ``neurons (1).ipynb``, ``Neurons-copy.ipynb``, ..."""
    stem = pathlib.Path(filename).stem.lower()
    stem = re.sub(r"\s*\(\d+\)$", "", stem)
    matches = [name for name in known if re.match(rf"{re.escape(name)}(\b|_|-|$)", stem)]
    return matches[0] if len(matches) == 1 else None


def assignment_of(meta, filename, given, known):
    """Return (assignment or None, note for the error column, belongs elsewhere: bool).

    ``meta`` is the name in the notebook's otter metadata (or None), ``given`` is ``ASSIGNMENT=``.
    """
    if given in known:
        if meta in known and meta != given:
            return given, f"this is the {meta} assignment's notebook (its metadata), not {given}; scored 0", True
        if meta == given:
            return given, "", False
        return given, f"otter metadata missing; graded as {given} (ASSIGNMENT)", False
    if meta in known:
        return meta, "", False
    guess = name_from_file(filename, known)
    if guess:
        return guess, f"otter metadata missing; graded as {guess} (from the file name)", False
    found = f"metadata names {str(meta)[:60]!r}" if meta else "no otter metadata"
    return None, f"cannot tell which assignment this is ({found}); pass ASSIGNMENT=name", False


def _child(path):
    """``--extract PATH``: parse under a memory cap and print the result as one JSON object."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = CHILD_MEMORY if hard == resource.RLIM_INFINITY else min(CHILD_MEMORY, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        out = _extract(pathlib.Path(path).read_bytes())
    except Refused as e:
        out = {"refused": str(e)}
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__" and sys.argv[1:2] == ["--extract"]:
    _child(sys.argv[2])
