# `pytest --nbval book/` must not run the assignment notebooks: the masters hold solutions and hidden
# tests, and the student notebooks are checked by tests/assignments instead.
collect_ignore_glob = ["masters/*", "student/*"]
