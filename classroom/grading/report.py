"""Write the grades: one CSV row per submission, checked, written only by the grading process.

Columns: ``submission, assignment, q1..qN, total, possible, error, tampering``. With several
assignments in one folder the question columns are their union; a question an assignment lacks is
left empty. Every score is checked against its question's points before it is written, and the file
is written to a temporary name and moved into place, so a reader never sees half a file.
"""
import csv
import os
import pathlib
import tempfile


def check_row(row, points):
    """Raise ValueError unless every score is a number between 0 and the question's points."""
    for q, p in points.items():
        s = row.get(q)
        if not isinstance(s, float) or not 0.0 <= s <= p:
            raise ValueError(f"{row['submission']}: score {s!r} for {q} is not within 0..{p}")
    if abs(row["total"] - sum(row[q] for q in points)) > 1e-9:
        raise ValueError(f"{row['submission']}: total does not add up")


def write(rows, questions, out):
    """Write ``rows`` (dicts) to ``out``; ``questions`` is the union of question names, in order."""
    out = pathlib.Path(out)
    columns = ["submission", "assignment", *questions, "total", "possible", "error", "tampering"]
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".grades-", suffix=".csv")
    with os.fdopen(fd, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, restval="")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (f"{v:g}" if isinstance(v, float) else v) for k, v in row.items() if k in columns})
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)
    return out
