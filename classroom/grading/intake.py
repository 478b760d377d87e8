"""Take in a folder of submissions: read every file before any student code runs, and tell which
assignment each notebook is for.

A notebook names its assignment in otter's metadata (``metadata.otter.assignment_name``). When that is
missing (answers pasted into a fresh notebook), the name comes from ``ASSIGNMENT=`` or else from the
file name (``neurons (1).ipynb`` is a neurons notebook), and the row says so. A notebook whose
assignment cannot be told, or has no autograder, is a stray: it gets a row with the reason.
"""
import pathlib
import re

import nbformat


def read_notebook(data):
    """Return the notebook from its bytes, or raise ValueError("not a valid notebook: ...")."""
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        nbformat.validate(nb)
    except Exception as e:  # any parse or schema error means the file cannot be graded
        raise ValueError(f"not a valid notebook: {type(e).__name__}: {str(e).splitlines()[0][:200]}") from None
    return nb


MAX_BYTES = 64 * 2**20  # a notebook larger than this is not read


def copy_in(folder):
    """{file name: bytes} of every ``*.ipynb`` in ``folder``, all read now, before any grading. A
    symbolic link or a file over MAX_BYTES is kept as b"" (it fails as "not a valid notebook")."""
    files = {}
    for path in sorted(pathlib.Path(folder).glob("*.ipynb")):
        regular = path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_BYTES
        files[path.name] = path.read_bytes() if regular else b""
    return files


def name_from_file(filename, known):
    """The assignment a file name points to: ``neurons (1).ipynb``, ``Neurons-copy.ipynb``, ..."""
    stem = pathlib.Path(filename).stem.lower()
    stem = re.sub(r"\s*\(\d+\)$", "", stem)
    matches = [name for name in known if re.match(rf"{re.escape(name)}(\b|_|-|$)", stem)]
    return matches[0] if len(matches) == 1 else None


def assignment_of(nb, filename, given, known):
    """Return (assignment or None, note for the error column)."""
    meta = (nb.metadata.get("otter") or {}).get("assignment_name")
    if meta in known:
        note = f"graded as {meta} (its metadata), not {given}" if given and given != meta else ""
        return meta, note
    if given in known:
        nb.metadata.setdefault("otter", {})["assignment_name"] = given
        return given, f"otter metadata missing; graded as {given} (ASSIGNMENT)"
    guess = name_from_file(filename, known)
    if guess:
        nb.metadata.setdefault("otter", {})["assignment_name"] = guess
        return guess, f"otter metadata missing; graded as {guess} (from the file name)"
    found = f"metadata names {meta!r}" if meta else "no otter metadata"
    return None, f"cannot tell which assignment this is ({found}); pass ASSIGNMENT=name"
