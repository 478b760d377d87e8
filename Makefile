# The book's and nnlib's commands. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS=-x`.
PYTEST_ARGS ?=

.PHONY: help book open lab test test-unit test-notebooks test-build test-browser test-assignments \
        bench assignments grade browser vendor clean lite test-lite bench-lite

help:
	@echo "make book         build the HTML book into _build/html (creates .venv first)"
	@echo "make test         run every test: nnlib, notebooks (nbval), -W book build, browser, assignments"
	@echo "make lab          open the notebooks in JupyterLab"
	@echo "make bench        run the benchmarks in benchmarks/"
	@echo "make lite         build the in-browser edition (JupyterLite + Pyodide) into _build/html/lite"
	@echo "make test-lite    run every chapter and assignment in JupyterLite in headless Chromium"
	@echo "make bench-lite   time the in-browser edition and report its size"
	@echo "make assignments  write student notebooks and autograder files into _build/assignments"
	@echo "make grade SUBMISSIONS=folder   grade every notebook in a folder into a CSV"
	@echo "make clean        remove _build (keeps .venv)"

# The virtual environment is rebuilt whenever requirements.txt or pyproject.toml changes.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --all
	@$(MAKE) --no-print-directory lite
	@echo "The book is at: file://$(CURDIR)/_build/html/index.html"

# The in-browser edition (book/lite/build.py): JupyterLite with the Pyodide kernel, nnlib and every
# wheel it needs, served from _build/html/lite. Its toolchain has its own pins (book/lite/
# requirements.txt) and venv; every compiled file is checked against Pyodide's official lock file.
# Rebuilt only when its inputs change; the pages link to it ("Run in your browser").
LITE_VENV  := _build/lite-venv
LITE_STAMP := _build/html/lite/.built
LITE_INPUTS := $(wildcard book/lite/*) $(wildcard book/*.ipynb) $(wildcard book/assignments/student/*.ipynb) \
	$(wildcard book/images/*) $(shell find nnlib -name '*.py') pyproject.toml
$(LITE_VENV)/.installed: book/lite/requirements.txt
	@test -x $(LITE_VENV)/bin/python || $(PYTHON) -m venv $(LITE_VENV)
	$(LITE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LITE_VENV)/bin/python -m pip install --quiet -r book/lite/requirements.txt
	@touch $@
$(LITE_STAMP): $(LITE_VENV)/.installed $(LITE_INPUTS)
	$(LITE_VENV)/bin/python book/lite/build.py --out _build/html/lite
	@touch $@
lite: $(LITE_STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab book/

# Each benchmark prints PASS/FAIL per target; a miss does not stop the others (leading '-').
bench: $(STAMP)
	-$(BIN)/python benchmarks/bench_train.py
	-$(BIN)/python benchmarks/bench_widgets.py
	-$(BIN)/python benchmarks/bench_grading.py
	-$(MAKE) --no-print-directory bench-lite

# Launch-to-first-output and slider redraw times in JupyterLite, cold and warm; the site's size.
bench-lite: $(STAMP) browser book
	$(BIN)/python benchmarks/bench_lite.py

test: test-unit test-notebooks test-build test-browser test-assignments

test-unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

test-notebooks: $(STAMP)
	$(BIN)/python -m pytest --nbval book/ --nbval-sanitize-with tests/nbval_sanitize.cfg \
		--nbval-current-env -p no:cacheprovider $(PYTEST_ARGS)

# Warnings are errors; --all rebuilds every page so nothing is hidden by a cache.
test-build: $(STAMP)
	$(BIN)/jupyter-book build . --all -W --keep-going

# Opens every page of the built book in headless Chromium (tests/browser). The pages load MathJax,
# require.js and the ipywidgets manager from public CDNs; the tests answer those requests from the
# local copies that `make vendor` puts in _build/vendor, so no internet is needed.
test-browser: $(STAMP) browser vendor test-build lite
	$(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

# Every chapter and every student notebook run top to bottom in JupyterLite, every figure's slider
# moved, with every request to another host blocked (`make test` runs a fast subset of these).
test-lite: $(STAMP) browser lite
	@test -f _build/html/book/neurons.html || $(MAKE) --no-print-directory test-build
	LITE_FULL=1 $(BIN)/python -m pytest tests/browser/test_lite_full.py $(PYTEST_ARGS)

# Pinned npm packages (mathjax 3.2.2, requirejs 2.3.4, @jupyter-widgets/html-manager 1.0.6), fetched
# once from the npm registry into _build/vendor/node_modules (~250 MB); skipped when present.
vendor:
	@command -v npm >/dev/null 2>&1 || { echo "make vendor needs npm (apt-get install npm)"; exit 1; }
	@sh tests/browser/vendor.sh _build/vendor

# Headless Chromium from Debian, for the browser tests (installed once, as root).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core; \
		else echo "Install Debian's chromium (sudo apt-get install chromium) for the browser tests"; exit 1; fi; }

# Assignments (book/assignments): student notebooks + autograder zips from the masters, and grading.
SUBMISSIONS ?=
ASSIGNMENT ?=
GRADES ?=
TIMEOUT ?= 300
assignments: $(STAMP)
	$(BIN)/python book/assignments/build.py --out _build/assignments

grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder [ASSIGNMENT=name] [GRADES=file.csv] [TIMEOUT=300]"; exit 2; }
	@test -d _build/assignments || $(MAKE) assignments
	$(BIN)/python book/assignments/grade.py "$(SUBMISSIONS)" --timeout $(TIMEOUT) \
		$(if $(ASSIGNMENT),--assignment $(ASSIGNMENT)) $(if $(GRADES),--out $(GRADES))

test-assignments: $(STAMP)
	$(BIN)/python -m pytest tests/assignments -p no:cacheprovider $(PYTEST_ARGS)

clean:
	rm -rf _build
