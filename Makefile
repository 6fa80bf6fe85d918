# The course's commands. The README's two: `make book` (set up everything, build the site)
# and `make test` (every test). Everything else is a building block of those two.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
FASHION_DIR := /usr/share/datasets/fashion-mnist
# python3-venv: the grading tests make a venv from the system's python3 (a checkout under /tmp)
APT_PACKAGES := dataset-fashion-mnist chromium poppler-utils bubblewrap fonts-noto-cjk python3-venv
IS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo yes)
HAS_APT := $(shell command -v apt-get >/dev/null 2>&1 && echo yes)

.PHONY: setup system-packages dataset web-assets book pdf test test-fast lint format bench assignments \
	launch-cells grade clean lock portability

# The extras of pyproject.toml that `make setup` installs (all of them; a test checks).
EXTRAS := book,pdf,test,grading
# LOCKED=no installs the newest versions pyproject.toml allows instead of requirements.lock
# (the weekly CI job does, to see upstream breakage before students meet it).
LOCKED ?= yes

## setup: Python packages in .venv (exactly requirements.lock), the Fashion-MNIST dataset, a
## headless Chromium and the site's MathJax (npm)
setup: $(VENV)/.installed system-packages dataset web-assets

# system-packages first (order only): on a fresh Debian it brings python3-venv for the venv.
# The lock's exact versions and hashes first, then the library itself without dependencies.
$(VENV)/.installed: pyproject.toml requirements.lock | system-packages
ifeq ($(LOCKED),yes)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo \
	  "make setup: requirements.lock is for Python 3.11 or newer, but $(PYTHON) is \
	  $$($(PYTHON) -V 2>&1). Run 'make setup PYTHON=python3.11' (or newer), or install \
	  unlocked versions with 'make setup LOCKED=no'." >&2; exit 1; }
endif
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
ifeq ($(LOCKED),yes)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
else
	$(PY) -m pip install --quiet --upgrade --upgrade-strategy eager -e ".[$(EXTRAS)]"
	$(PY) -m pip freeze --exclude-editable
endif
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

## lock: regenerate requirements.lock and environment.yml from pyproject.toml (after adding or
## changing a dependency); pins still allowed are kept. UPGRADE=1: newest allowed versions.
# It needs only uv, not the locked packages (which a changed pyproject.toml makes stale).
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "uv>=0.9"
	PYTHONPATH=. $(PY) .ci/lock.py $(if $(UPGRADE),--upgrade)

# Debian/Ubuntu as root: the dataset and the browser come from apt. Elsewhere the dataset is
# downloaded into the user cache (see `dataset`) and the browser tests need a chromium on PATH.
system-packages:
ifeq ($(IS_ROOT)$(HAS_APT),yesyes)
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v $(PYTHON) >/dev/null 2>&1 || missing="$$missing python3"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	$(PYTHON) -c "import ensurepip" >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "apt-get install$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
else
	@echo "Not root on Debian: install chromium (browser test), poppler-utils and fonts-noto-cjk (PDF test) and bubblewrap (make grade) yourself, e.g. sudo apt-get install $(APT_PACKAGES); the dataset is downloaded."
endif

# The book serves MathJax itself (no CDN): the npm package pinned in package-lock.json, installed
# into node_modules/ (not committed), which the build copies into _build/html/_static/.
web-assets: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json | system-packages
	@command -v npm >/dev/null 2>&1 || { echo "make setup: npm (Node.js) is needed to install the site's MathJax; install Node.js and npm, then re-run" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

dataset: $(VENV)/.installed system-packages
	@if [ -d "$(FASHION_DIR)" ]; then echo "Fashion-MNIST: $(FASHION_DIR)"; \
	else $(PY) -m scratchlib fashion-mnist; fi

## book: set up, then build the static site into _build/html (warnings are errors)
book: setup
	$(BIN)/jupyter-book build . --warningiserror --keep-going --quiet
	@echo "The book: _build/html/index.html"

## pdf: the whole book as one PDF, _build/pdf/book.pdf (printed by headless Chromium, no LaTeX),
## also copied into the site as _build/html/book.pdf (the introduction links to it)
pdf: book
	$(PY) -m book.tools.pdf

## test: lint, then every test (library, data, notebooks with nbval, the built site and its PDF
## in a real browser, grading)
test: lint book pdf
	$(PY) -m pytest

## test-fast: every test that needs neither the built book, nor a notebook run, nor grading
test-fast: $(VENV)/.installed
	$(PY) -m pytest -m "not slow"

## lint: ruff check and ruff format --check (the first step of make test)
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: speed benchmarks (not tests); run on an otherwise idle machine
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (set on some machines for old OpenBLAS builds) slow a
# current numpy; the benchmarks run without them. The tests keep the machine's settings.
bench: setup
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(PY) benchmarks/bench_train.py
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(PY) benchmarks/bench_data.py
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(PY) benchmarks/bench_threads.py
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(PY) -m benchmarks.bench_grade

clean:
	rm -rf _build .pytest_cache

## portability: nbval under every CPU configuration of issue 8 (BLAS kernels, numpy SIMD limits,
## 1 and 2 threads); prints which cells' outputs change. About 15-25 minutes on 2 cores.
## UNDER=/path/to/venv/bin/python: under that environment's numpy instead of the locked one.
portability: $(VENV)/.installed
	PYTHONPATH=. $(PY) tests/_portability.py $(if $(ONLY),--only $(ONLY)) $(if $(NOTEBOOKS),--notebooks $(NOTEBOOKS)) \
	  $(if $(UNDER),--python $(UNDER))

## assignments: otter assign every exercises/masters/*.ipynb -> exercises/student (committed)
## and exercises/autograder/<name>.zip (build output), then check every master's public tests
## and hidden checks (<name>.checks.py) against its planted wrong answers (<name>.planted/)
assignments: $(VENV)/.installed
	$(PY) -m exercises.tools.build
	$(PY) -m exercises.tools.launch
	$(PY) -m exercises.tools.check_planted

## launch-cells: the chapters' and exercises' Colab cells and the chapters' links to the book,
## from _config.yml (repository.url, repository.branch = the launch ref, html.baseurl)
launch-cells: $(VENV)/.installed
	$(PY) -m exercises.tools.launch

## grade: make grade ASSIGNMENT=02_gradient SUBMISSIONS=dir/of/ipynbs OUT=grading-output
## (optional: TIMEOUT=seconds per submission, CELL_TIMEOUT=seconds per cell,
## MEMORY_MB=address-space limit, SANDBOX=none to grade without the bubblewrap sandbox: rows
## marked unsandboxed). Verdicts are judged outside the sandbox (exercises/README.md).
grade: $(VENV)/.installed
	@test -n "$(ASSIGNMENT)" || { echo "make grade: set ASSIGNMENT=<name> (one of: $(notdir $(basename $(wildcard exercises/masters/*.ipynb))))" >&2; exit 2; }
	@test -n "$(SUBMISSIONS)" || { echo "make grade: set SUBMISSIONS=<folder of .ipynb files>" >&2; exit 2; }
	$(PY) -m exercises.tools.grade "$(ASSIGNMENT)" "$(SUBMISSIONS)" "$(or $(OUT),grading-output/$(ASSIGNMENT))" \
	  $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(CELL_TIMEOUT),--cell-timeout $(CELL_TIMEOUT)) \
	  $(if $(MEMORY_MB),--memory-mb $(MEMORY_MB)) $(if $(SANDBOX),--sandbox $(SANDBOX))
