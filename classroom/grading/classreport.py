"""The class report beside ``grades.csv``: what the class understood, question by question.

``make grade`` writes two files next to the grades:

* ``class-report.html``: one page a teacher reads on a laptop or a phone. For each question: how many
  students earned each score, why the others lost it (not answered, wrong, raised, a shortcut), the
  most common misconceptions with their counts and the chapter sections that address them; then,
  for each student, why each point was lost.
* ``class-report.csv``: the same facts as rows ``assignment, question, kind, what, count, who``
  (kind: ``score``, ``status``, ``misconception``, ``lost``).

Only assignments with a question file (variants and misconceptions) have misconceptions; the others
still get their score distributions.
"""
import collections
import csv
import html
import os
import pathlib
import tempfile

STATUS_WORDS = {"missing": "not answered", "wrong": "wrong answer", "raised": "raised an error",
                "shortcut": "used a ready-made implementation", "type": "wrong kind of value"}


def summarize(rows, assignments):
    """{assignment: {question: {"points", "scores": Counter, "status": Counter, "misconceptions":
    Counter of (label, message)}}} and [(submission, assignment, question, points lost, why)]."""
    summary, lost = {}, []
    for row in rows:
        a = assignments.get(row.get("assignment"))
        if a is None:
            continue
        per = summary.setdefault(a.name, {q: {"points": p, "scores": collections.Counter(),
                                              "status": collections.Counter(),
                                              "misconceptions": collections.Counter()}
                                          for q, p in a.points.items()})
        details = row.get("details") or {}
        for q, p in a.points.items():
            score = float(row.get(q) or 0.0)
            per[q]["scores"][score] += 1
            d = details.get(q)
            if score < p:
                if d:
                    per[q]["status"][d["status"]] += 1
                    if d.get("misconception"):
                        per[q]["misconceptions"][(d["misconception"], d.get("message", ""))] += 1
                    why = d["reason"] + (f" — {d['message']}" if d.get("message") else "")
                else:
                    why = row.get("error") or "not earned"
                lost.append((row["submission"], a.name, q, p - score, why))
    return summary, lost


def _fmt(x):
    return f"{x:g}"


def write(rows, assignments, grades_path):
    """Write class-report.html and class-report.csv beside ``grades_path``; return their paths."""
    folder = pathlib.Path(grades_path).parent
    summary, lost = summarize(rows, assignments)
    records = []
    for name, per in summary.items():
        for q, s in per.items():
            for score, n in sorted(s["scores"].items()):
                records.append([name, q, "score", f"{_fmt(score)} of {_fmt(s['points'])}", n, ""])
            for status, n in s["status"].most_common():
                records.append([name, q, "status", STATUS_WORDS.get(status, status), n, ""])
            for (label, message), n in s["misconceptions"].most_common():
                records.append([name, q, "misconception", f"{label}: {message}", n, ""])
    for submission, name, q, points, why in lost:
        records.append([name, q, "lost", why, _fmt(points), submission])
    csv_path = _atomic(folder / "class-report.csv", lambda f: _csv(f, records))
    html_path = _atomic(folder / "class-report.html", lambda f: f.write(_html(summary, lost, len(rows))))
    return html_path, csv_path


def _csv(f, records):
    writer = csv.writer(f)
    writer.writerow(["assignment", "question", "kind", "what", "count", "who"])
    for r in records:
        writer.writerow([("'" + v if isinstance(v, str) and v and v[0] in "=+-@\t" else v) for v in r])


def _atomic(path, fill):
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".class-report-")
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
        fill(f)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return path


STYLE = """
body{font:16px/1.45 system-ui,sans-serif;margin:0 auto;padding:12px;max-width:960px;color:#1b1b1b}
h1{font-size:1.5rem}h2{font-size:1.25rem;margin-top:2rem}h3{font-size:1.05rem;margin:1.2rem 0 .3rem}
table{border-collapse:collapse;width:100%;margin:.3rem 0}
td,th{border-bottom:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f1f1f1}.n{text-align:right;white-space:nowrap;width:4.5em}
.bar{display:inline-block;height:.8em;background:#2a6db0;vertical-align:middle;margin-right:4px}
.muted{color:#555}
"""


def _html(summary, lost, n_rows):
    e = html.escape
    out = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
           "<meta name='viewport' content='width=device-width, initial-scale=1'>",
           f"<title>Class report</title><style>{STYLE}</style></head><body><main>",
           f"<h1>Class report</h1><p class='muted'>{n_rows} submissions.</p>"]
    for name, per in summary.items():
        out.append(f"<h2 id='{e(name)}'>Assignment: {e(name)}</h2>")
        for q, s in per.items():
            total = sum(s["scores"].values()) or 1
            out.append(f"<section class='question' id='{e(name)}-{e(q)}'><h3>{e(q)} ({_fmt(s['points'])} points)</h3>")
            out.append("<table class='scores'><thead><tr><th>score</th><th class='n'>students</th></tr></thead><tbody>")
            for score, n in sorted(s["scores"].items(), reverse=True):
                width = round(6 * n / total, 2)
                out.append(f"<tr><td><span class='bar' style='width:{width}em'></span>{_fmt(score)} of "
                           f"{_fmt(s['points'])}</td><td class='n'>{n}</td></tr>")
            out.append("</tbody></table>")
            if s["status"]:
                out.append("<table class='status'><thead><tr><th>why points were lost</th><th class='n'>students</th>"
                           "</tr></thead><tbody>")
                for status, n in s["status"].most_common():
                    out.append(f"<tr><td>{e(STATUS_WORDS.get(status, status))}</td><td class='n'>{n}</td></tr>")
                out.append("</tbody></table>")
            if s["misconceptions"]:
                out.append("<table class='misconceptions'><thead><tr><th>misconception (where the book addresses "
                           "it)</th><th class='n'>students</th></tr></thead><tbody>")
                for (label, message), n in s["misconceptions"].most_common():
                    out.append(f"<tr><td><strong>{e(label)}</strong>: {e(message)}</td><td class='n'>{n}</td></tr>")
                out.append("</tbody></table>")
            out.append("</section>")
    out.append("<h2 id='students'>Why each student lost points</h2>")
    by_student = collections.defaultdict(list)
    for submission, name, q, points, why in lost:
        by_student[submission].append((name, q, points, why))
    if not by_student:
        out.append("<p>Nobody lost a point.</p>")
    for submission in sorted(by_student):
        out.append(f"<h3>{e(submission)}</h3><table class='lost'><tbody>")
        for name, q, points, why in by_student[submission]:
            out.append(f"<tr><td class='n'>{e(q)}</td><td class='n'>&minus;{_fmt(points)}</td><td>{e(why)}</td></tr>")
        out.append("</tbody></table>")
    out.append("</main></body></html>")
    return "\n".join(out)
