"""Write the grades: one CSV row per submission, checked, written only by the grading process.

Columns: ``submission, assignment, q1..qN, total, possible, error, tampering``. With several
assignments in one folder the question columns are their union; a question an assignment lacks is
left empty. Every score is checked against its question's points before it is written.

Nothing is lost: :class:`GradeBook` appends each row, in one ``write`` to a file opened for appending,
as soon as the submission is graded, so a crash or a kill keeps every grade already made; a second run
reads the rows that are there and grades only the submissions that are missing. When the run ends the
file is rewritten sorted, to a temporary name moved into place. A cell that a spreadsheet would take for
a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a
leading apostrophe, except numbers.
"""
import csv
import io
import os
import pathlib
import tempfile

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def check_row(row, points):
    """Raise ValueError unless every score is a number between 0 and the question's points."""
    for q, p in points.items():
        s = row.get(q)
        if not isinstance(s, float) or not 0.0 <= s <= p:
            raise ValueError(f"{row['submission']}: score {s!r} for {q} is not within 0..{p}")
    if abs(row["total"] - sum(row[q] for q in points)) > 1e-9:
        raise ValueError(f"{row['submission']}: total does not add up")


def inert(value):
    """A cell's text, made so that no spreadsheet runs it as a formula."""
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _raw(text):
    """The text that :func:`inert` made into ``text``."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _line(columns, row):
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=columns, restval="", lineterminator="\n").writerow(
        {k: inert(v) for k, v in row.items() if k in columns})
    return buffer.getvalue()


class GradeBook:
    """``grades.csv`` while a run goes on: rows already there, and each new row appended at once."""

    def __init__(self, out, questions):
        self.out = pathlib.Path(out)
        self.columns = ["submission", "assignment", *questions, "total", "possible", "error", "tampering"]
        self.rows = {}  # submission -> row as read back (strings)
        header = ",".join(self.columns) + "\n"
        if self.out.exists():
            text = self.out.read_text(encoding="utf-8")
            if not text.startswith(header):
                raise SystemExit(f"{self.out} has other columns (another assignment?): move it away or pass "
                                 "--regrade to start it again")
            complete = text[:text.rfind("\n") + 1]  # a row cut short by a kill is graded again
            if complete != text:
                with open(self.out, "r+", encoding="utf-8") as f:
                    f.truncate(len(complete.encode()))
            for row in csv.DictReader(io.StringIO(complete)):
                self.rows[_raw(row["submission"])] = row
        else:
            with open(self.out, "x", encoding="utf-8") as f:
                f.write(header)
            os.chmod(self.out, 0o644)

    def add(self, row):
        """Append one row now, in a single write."""
        data = _line(self.columns, row).encode()
        fd = os.open(self.out, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        self.rows[row["submission"]] = {k: inert(v) for k, v in row.items()}

    def finish(self):
        """Rewrite the file sorted by submission (atomically); return its path."""
        fd, tmp = tempfile.mkstemp(dir=self.out.parent, prefix=".grades-", suffix=".csv")
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            f.write(",".join(self.columns) + "\n")
            for name in sorted(self.rows):
                f.write(_line(self.columns, self.rows[name]))
        os.chmod(tmp, 0o644)
        os.replace(tmp, self.out)
        return self.out
