"""The book's classroom tooling, run from a checkout of the repository.

* ``python -m classroom.build`` (``make assignments``): student notebooks and autograder zips from
  the masters in ``book/assignments/masters/``.
* ``python -m classroom.grade`` (``make grade``): every submission graded in a sandbox of its own
  (``classroom.grading``), into one CSV.
* ``python -m classroom.release`` (``make release``): the student release for a JupyterHub.
"""
