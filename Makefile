# The book's and nnlib's commands. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Lighthouse for `make bench-lighthouse` (installed from npm on first use).
LIGHTHOUSE := _build/vendor/lighthouse/node_modules/.bin/lighthouse
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS=-x`.
PYTEST_ARGS ?=
# Processes for the unit and assignment tests in `make test` (pytest-xdist): the assignment tests
# mostly wait on sandboxes and timeouts, so two take a third off them even on two cores (136 s to
# 89 s; the unit tests 110 s to 83 s). TEST_JOBS=0 runs them in this process (pdb, -x on the
# first failure in order).
TEST_JOBS ?= 2

.PHONY: help book open lab test test-unit test-notebooks test-build test-browser test-assignments \
        test-grading test-grading-slow test-assignments-slow test-cpus bench bench-lighthouse assignments grade browser \
        vendor clean release test-hub lite test-lite bench-lite instructors test-pins test-slow

help:
	@echo "make book         build the HTML book into _build/html (creates .venv first)"
	@echo "make test         run every test: nnlib, notebooks (nbval), -W book build, browser, assignments"
	@echo "make test-cpus    unit tests and strict nbval under every OpenBLAS kernel and with AVX-512 off"
	@echo "make test-pins    every requirements file resolves under every Python 3.10+ on this machine"
	@echo "make test-slow    tests over 30 s each (a new figure written by the guide reaches every list)"
	@echo "make lab          open the notebooks in JupyterLab"
	@echo "make bench        run the benchmarks in benchmarks/ (Lighthouse too: make bench-lighthouse)"
	@echo "make lite         build the in-browser edition (JupyterLite + Pyodide) into _build/html/lite"
	@echo "make test-lite    run every chapter and assignment in JupyterLite in headless Chromium"
	@echo "make bench-lite   time the in-browser edition and report its size"
	@echo "make assignments  write student notebooks and autograder files into _build/assignments"
	@echo "make release      write the student release (_build/release) and commit it to its branch"
	@echo "make test-hub     end-to-end test on a local JupyterHub (nbgitpuller, git server, Chromium)"
	@echo "make grade SUBMISSIONS=folder   grade every notebook in a folder into a CSV (each in a sandbox)"
	@echo "make test-grading  adversarial submissions and sandbox checks (part of make test)"
	@echo "make instructors  build the instructors' guide (worked solutions) into _build/instructors"
	@echo "make test-grading-slow  the grader under load, as an unprivileged user, and the zip under otter run (CI)"
	@echo "make test-assignments-slow  a class of 30 with planted misconceptions, its report in Chromium (CI)"
	@echo "make clean        remove _build (keeps .venv)"

# The virtual environment is rebuilt whenever requirements.txt or a pyproject.toml changes (nnlib's at
# the root, and those of the two tool packages booksite/ and classroom/, installed editable).
$(STAMP): requirements.txt pyproject.toml booksite/pyproject.toml classroom/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

book: $(STAMP) vendor
	$(BIN)/jupyter-book build . --all
	@$(MAKE) --no-print-directory lite
	@echo "The book is at: file://$(CURDIR)/_build/html/index.html"

# The in-browser edition (booksite/lite/build.py): JupyterLite with the Pyodide kernel, nnlib and
# every wheel it needs, served from _build/html/lite. Its toolchain has its own pins (booksite/lite/
# requirements.txt) and venv; every compiled file is checked against Pyodide's official lock file.
# That venv does not install booksite: `python -m` run from here finds it in the checkout.
# Rebuilt only when its inputs change; the pages link to it ("Run in your browser").
LITE_VENV  := _build/lite-venv
LITE_STAMP := _build/html/lite/.built
LITE_INPUTS := $(wildcard booksite/lite/*.py booksite/lite/*.json booksite/lite/*.txt booksite/lite/*.js) $(wildcard book/*.ipynb) $(wildcard book/assignments/student/*.ipynb) \
	$(wildcard book/images/*) $(shell find nnlib -name '*.py') pyproject.toml
$(LITE_VENV)/.installed: booksite/lite/requirements.txt
	@test -x $(LITE_VENV)/bin/python || $(PYTHON) -m venv $(LITE_VENV)
	$(LITE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LITE_VENV)/bin/python -m pip install --quiet -r booksite/lite/requirements.txt
	@touch $@
$(LITE_STAMP): $(LITE_VENV)/.installed $(LITE_INPUTS)
	$(LITE_VENV)/bin/python -m booksite.lite.build --out _build/html/lite
	@touch $@
lite: $(LITE_STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab book/

# Each benchmark prints PASS/FAIL per target; a miss does not stop the others (leading '-').
bench: $(STAMP)
	-$(BIN)/python benchmarks/bench_train.py
	-$(BIN)/python benchmarks/bench_widgets.py
	-$(BIN)/python benchmarks/bench_display.py --jupyterlab
	-$(BIN)/python benchmarks/bench_grading.py
	-$(MAKE) --no-print-directory bench-lite
	-$(MAKE) --no-print-directory bench-lighthouse

# Lighthouse (mobile preset) on every page of the built book, served with gzip like a static host.
bench-lighthouse: $(STAMP) browser book $(LIGHTHOUSE)
	$(BIN)/python benchmarks/bench_lighthouse.py --lighthouse $(LIGHTHOUSE)

# Launch-to-first-output and slider redraw times in JupyterLite, cold and warm; the site's size;
# then each HTML figure's first frame off the precomputed grid (Python in the page) and its redraws.
# Each prints PASS/FAIL per target; a miss does not stop the others (leading -).
bench-lite: $(STAMP) browser book
	-$(BIN)/python benchmarks/bench_lite.py
	-$(BIN)/python benchmarks/bench_worker.py
	-$(BIN)/python benchmarks/bench_worker.py --phone
	-$(BIN)/python benchmarks/bench_playground.py

test: test-unit test-notebooks test-build test-browser test-assignments

test-unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit -n $(TEST_JOBS) $(PYTEST_ARGS)

# Strict nbval once per BLAS kernel: readers' CPUs pick different OpenBLAS kernels, and long
# SGD runs turn their last-bit differences into visible ones. `make test` runs it under the Haswell
# (AVX2) kernel only; `make test-cpus` (CI) runs it under Haswell, SkylakeX, Sandybridge (AVX) and
# Zen and with AVX-512 off, so an output that depends on the kernel fails there.
# `make test-notebooks NOTEBOOKS=book/sgd.ipynb NBVAL_KERNELS="Haswell Sandybridge"` checks one
# notebook under two kernels.
NOTEBOOKS ?= book/
NBVAL_KERNELS ?= Haswell
test-notebooks: $(STAMP)
	@for kernel in $(NBVAL_KERNELS); do \
		echo "== strict nbval with OPENBLAS_CORETYPE=$$kernel"; \
		OPENBLAS_CORETYPE=$$kernel $(BIN)/python -m pytest --nbval $(NOTEBOOKS) \
			--nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-current-env \
			-p no:cacheprovider $(PYTEST_ARGS) || exit 1; \
	done

# Every CPU a reader may have (issue 10): nnlib's unit tests and strict nbval under each OpenBLAS
# kernel, and with numpy's AVX-512 code paths turned off. `make test` runs nbval under one kernel;
# this runs the numeric tests under all of them (about 3 min each on 2 cores). CI runs it too.
CPU_KERNELS ?= Haswell SkylakeX Sandybridge Zen
NO_AVX512 := X86_V4 AVX512_ICL AVX512_SPR
test-cpus: $(STAMP)
	@for kernel in $(CPU_KERNELS); do \
		echo "== unit tests and strict nbval with OPENBLAS_CORETYPE=$$kernel"; \
		OPENBLAS_CORETYPE=$$kernel $(BIN)/python -m pytest -q tests/unit -p no:cacheprovider $(PYTEST_ARGS) || exit 1; \
		$(MAKE) --no-print-directory test-notebooks NBVAL_KERNELS=$$kernel PYTEST_ARGS="-q $(PYTEST_ARGS)" || exit 1; \
	done
	@echo "== unit tests and strict nbval with numpy's AVX-512 paths off (NPY_DISABLE_CPU_FEATURES)"
	NPY_DISABLE_CPU_FEATURES="$(NO_AVX512)" $(BIN)/python -m pytest -q tests/unit -p no:cacheprovider $(PYTEST_ARGS)
	NPY_DISABLE_CPU_FEATURES="$(NO_AVX512)" $(BIN)/python -m pytest -q --nbval $(NOTEBOOKS) \
		--nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-current-env -p no:cacheprovider $(PYTEST_ARGS)

# Every pinned requirements file (the root one, .binder's, the lite and hub toolchains) resolves
# under every Python 3.10+ found here: Debian's /usr/bin/python3 and each $(pyenv root)/versions/*
# (a dry-run install in a fresh venv each; .ci/check-pins). CI runs it.
test-pins:
	@sh .ci/check-pins

# Tests that take more than about 30 s each (tests/slow), kept out of `make test`; CI runs them.
test-slow: $(STAMP)
	$(BIN)/python -m pytest tests/slow -p no:cacheprovider $(PYTEST_ARGS)

# Warnings are errors; --all rebuilds every page so nothing is hidden by a cache.
test-build: $(STAMP) vendor
	$(BIN)/jupyter-book build . --all -W --keep-going

# Opens every page of the built book in headless Chromium (tests/browser), at phone and desktop
# widths, with axe-core's accessibility rules; any request to another host fails the test.
test-browser: $(STAMP) browser vendor test-build lite
	$(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

# Every chapter and every student notebook run top to bottom in JupyterLite, every figure's slider
# moved, with every request to another host blocked (`make test` runs a fast subset of these); a
# chapter read in JupyterLite at 390 and 1280 px; layout shift and axe on every page of the book.
test-lite: $(STAMP) browser lite
	@test -f _build/html/book/neurons.html || $(MAKE) --no-print-directory test-build
	LITE_FULL=1 $(BIN)/python -m pytest tests/browser/test_lite_full.py tests/browser/test_live_figures.py \
		tests/browser/test_lite_reading.py tests/browser/test_playground.py $(PYTEST_ARGS)
	BOOK_ALL_PAGES=1 $(BIN)/python -m pytest tests/browser/test_steady_pages.py -k "moves or axe" $(PYTEST_ARGS)

# Pinned npm packages (mathjax-full 3.2.2, which typesets the maths at build time; mathjax 3.2.2,
# whose fonts the site serves; axe-core 4.11.0 for the tests), fetched once from the npm registry
# into _build/vendor (~75 MB); skipped when present. See booksite/vendor.sh.
vendor:
	@sh booksite/vendor.sh _build/vendor

# Lighthouse 12.8.2 (npm; runs on Node 20) for `make bench`, into _build/vendor/lighthouse.
$(LIGHTHOUSE):
	@command -v npm >/dev/null 2>&1 || { echo "the Lighthouse benchmark needs npm (apt-get install npm)"; exit 1; }
	npm install --prefix _build/vendor/lighthouse --no-save --no-package-lock --no-audit --no-fund \
		--loglevel=error lighthouse@12.8.2

# Headless Chromium from Debian, for the browser tests (installed once, as root).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core; \
		else echo "Install Debian's chromium (sudo apt-get install chromium) for the browser tests"; exit 1; fi; }

# Assignments (sources in book/assignments, tools in classroom/): student notebooks + autograder zips
# from the masters, and grading.
# `make grade` runs each submission in a sandbox of its own (unshare, as root or in user namespaces; see
# docs/teaching.md) and refuses to grade where it cannot, unless UNSAFE_NO_SANDBOX=1. TIMEOUT is per cell
# and per call of a student's function, BUDGET per notebook (default 5 x TIMEOUT + 60 s); a second run
# grades only the notebooks not yet in the CSV (REGRADE=1: all again).
SUBMISSIONS ?=
ASSIGNMENT ?=
GRADES ?=
TIMEOUT ?= 300
ROSTER ?=
BUDGET ?=
REGRADE ?=
UNSAFE_NO_SANDBOX ?=
ASSIGNMENTS_BUILT := _build/assignments/.built
assignments: $(ASSIGNMENTS_BUILT)

# Rebuilt whenever a master or the build script changes, so `make grade` never uses stale tests.
$(ASSIGNMENTS_BUILT): $(STAMP) $(wildcard book/assignments/masters/*.ipynb) classroom/build.py pyproject.toml
	$(BIN)/python -m classroom.build --out _build/assignments
	@touch $@

grade: $(ASSIGNMENTS_BUILT)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder [ASSIGNMENT=name] [GRADES=file.csv] [TIMEOUT=300] [ROSTER=ids.csv] [BUDGET=s] [REGRADE=1] [UNSAFE_NO_SANDBOX=1]"; exit 2; }
	$(BIN)/python -m classroom.grade "$(SUBMISSIONS)" --timeout $(TIMEOUT) \
		$(if $(ASSIGNMENT),--assignment $(ASSIGNMENT)) $(if $(GRADES),--out $(GRADES)) $(if $(ROSTER),--roster $(ROSTER)) \
		$(if $(BUDGET),--budget $(BUDGET)) $(if $(REGRADE),--regrade) $(if $(UNSAFE_NO_SANDBOX),--unsafe-no-sandbox)

test-assignments: $(STAMP)
	$(BIN)/python -m pytest tests/assignments --ignore=tests/assignments/test_grading_load.py \
		--ignore=tests/assignments/test_class_report.py -n $(TEST_JOBS) -p no:cacheprovider $(PYTEST_ARGS)

# A class of 30 submissions with planted misconceptions and its report in Chromium (about 1 to 2 min):
# CI only (.ci/run), not part of make test.
test-assignments-slow: $(STAMP) browser
	$(BIN)/python -m pytest tests/assignments/test_class_report.py -p no:cacheprovider $(PYTEST_ARGS)

# Teaching with a JupyterHub (docs/teaching.md): the student release, and the end-to-end hub test.
# `make release` writes _build/release (chapters, appendices, student notebooks, the student
# environment; no masters, hidden tests or autograder zips) and commits it as the next commit of the
# branch named by repository.student_release in _config.yml. RELEASE_ARGS, e.g. --no-commit.
RELEASE_ARGS ?=
release: $(STAMP) assignments
	$(BIN)/python -m classroom.release $(RELEASE_ARGS)

# The hub side lives in its own venv (tests/hub/requirements.txt) and npm folder (the proxy), never
# in .venv. The test installs the student environment into that venv from the release itself.
HUB := _build/hub
$(HUB)/venv/.installed: tests/hub/requirements.txt
	@test -x $(HUB)/venv/bin/python || $(PYTHON) -m venv $(HUB)/venv
	$(HUB)/venv/bin/python -m pip install --quiet --upgrade pip
	$(HUB)/venv/bin/python -m pip install --quiet -r tests/hub/requirements.txt
	@touch $@

$(HUB)/npm/.installed: tests/hub/package.json tests/hub/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "make test-hub needs npm (apt-get install npm)"; exit 1; }
	@mkdir -p $(HUB)/npm && cp tests/hub/package.json tests/hub/package-lock.json $(HUB)/npm/
	cd $(HUB)/npm && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test-hub: $(STAMP) browser vendor assignments $(HUB)/venv/.installed $(HUB)/npm/.installed
	$(BIN)/python -m pytest tests/hub -p no:cacheprovider $(PYTEST_ARGS)
# The grader alone: adversarial submissions, feedback, the autograder zip and the sandbox.
test-grading: $(STAMP)
	$(BIN)/python -m pytest tests/assignments/test_grading.py tests/assignments/test_feedback.py \
		tests/assignments/test_sandbox.py tests/assignments/test_hostile.py -p no:cacheprovider $(PYTEST_ARGS)

# CI only (.ci/run; several minutes): 15 setsid spinners next to an honest sandbox, grading as the
# user nobody (as root: it builds a venv nobody can run, from pip's cache), lying objects under otter run.
test-grading-slow: $(STAMP)
	$(BIN)/python -m pytest tests/assignments/test_grading_load.py -p no:cacheprovider $(PYTEST_ARGS)

# The instructors' guide (instructors/): worked solutions to every chapter's problems. It is not in
# the published book (_toc.yml, exclude_patterns) nor in the student release (book/release.py
# refuses its lines).
instructors: $(STAMP) vendor
	$(BIN)/jupyter-book build instructors --path-output _build/instructors -W --keep-going
	@echo "The instructors' guide is at: file://$(CURDIR)/_build/instructors/_build/html/index.html"

clean:
	rm -rf _build
