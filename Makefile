# The course's commands. The README's two: `make book` (set up everything, build the site)
# and `make test` (every test). Everything else is a building block of those two.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
FASHION_DIR := /usr/share/datasets/fashion-mnist
APT_PACKAGES := dataset-fashion-mnist chromium bubblewrap
IS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo yes)
HAS_APT := $(shell command -v apt-get >/dev/null 2>&1 && echo yes)

.PHONY: setup system-packages dataset book test test-fast lint format bench assignments grade clean

## setup: Python packages in .venv, the Fashion-MNIST dataset and a headless Chromium
setup: $(VENV)/.installed system-packages dataset

# system-packages first (order only): on a fresh Debian it brings python3-venv for the venv.
$(VENV)/.installed: pyproject.toml | system-packages
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[book,test,grading]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# Debian/Ubuntu as root: the dataset and the browser come from apt. Elsewhere the dataset is
# downloaded into the user cache (see `dataset`) and the browser tests need a chromium on PATH.
system-packages:
ifeq ($(IS_ROOT)$(HAS_APT),yesyes)
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v $(PYTHON) >/dev/null 2>&1 || missing="$$missing python3"; \
	$(PYTHON) -c "import ensurepip" >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "apt-get install$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
else
	@echo "Not root on Debian: install a chromium yourself for the browser test, and bubblewrap (bwrap) for make grade; the dataset is downloaded."
endif

dataset: $(VENV)/.installed system-packages
	@if [ -d "$(FASHION_DIR)" ]; then echo "Fashion-MNIST: $(FASHION_DIR)"; \
	else $(PY) -m scratchlib.data fashion-mnist; fi

## book: set up, then build the static site into _build/html (warnings are errors)
book: setup
	$(BIN)/jupyter-book build . --warningiserror --keep-going --quiet
	@echo "The book: _build/html/index.html"

## test: every test (library, data, notebooks with nbval, the built site in a real browser, grading)
test: book
	$(PY) -m pytest

## test-fast: the library and data tests only, no notebooks, site or grading
test-fast: $(VENV)/.installed
	$(PY) -m pytest -m "not slow"

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

clean:
	rm -rf _build .pytest_cache

## assignments: otter assign every exercises/masters/*.ipynb -> exercises/student (committed)
## and exercises/autograder/<name>.zip (build output)
assignments: $(VENV)/.installed
	$(PY) -m exercises.tools.build

## grade: make grade ASSIGNMENT=02_gradient SUBMISSIONS=dir/of/ipynbs OUT=grading-output
## (optional: TIMEOUT=seconds per submission, MEMORY_MB=address-space limit,
## SANDBOX=none to grade without the bubblewrap sandbox: rows marked unsandboxed)
grade: $(VENV)/.installed
	@test -n "$(ASSIGNMENT)" || { echo "make grade: set ASSIGNMENT=<name> (one of: $(notdir $(basename $(wildcard exercises/masters/*.ipynb))))" >&2; exit 2; }
	@test -n "$(SUBMISSIONS)" || { echo "make grade: set SUBMISSIONS=<folder of .ipynb files>" >&2; exit 2; }
	$(PY) -m exercises.tools.grade "$(ASSIGNMENT)" "$(SUBMISSIONS)" "$(or $(OUT),grading-output/$(ASSIGNMENT))" \
	  $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(MEMORY_MB),--memory-mb $(MEMORY_MB)) \
	  $(if $(SANDBOX),--sandbox $(SANDBOX))
