# The front door. The first target run on a fresh machine builds .venv from the pins.
#   make demo      release every assignment, then grade the bundled sample submissions
#   make test      everything an instructor checks before a release (CI runs this)
SHELL := /bin/bash
SHARED ?= ../shared
TORCH ?= 1
SLOW ?= 1
PY := .venv/bin/python
# One BLAS thread: the tests' matrices are small, and oversubscribed threads on a 2-core
# CI machine made one training test 20x slower.
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1
export MPLBACKEND ?= Agg
VENV := .venv/.installed-$(TORCH)
comma := ,
EXTRAS := dev$(comma)batch$(if $(filter 1,$(TORCH)),$(comma)torch)
ASSIGNMENTS = $(shell $(PY) -c "from autograder import manifest as m; print(' '.join(n for n in m.all_names() if $(TORCH) or not m.load(n).needs_torch))")
GROUPS = $(sort $(foreach a,$(ASSIGNMENTS),$(firstword $(subst /, ,$(a)))))

.PHONY: help venv data test test-engine test-assignments audit lint release gradescope \
        skeletons check-skeletons grade grade-batch dask-scheduler dask-worker demo bubblewrap bench clean

help:
	@sed -n '2,3p' Makefile

$(VENV): pyproject.toml constraints.txt
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[$(EXTRAS)]'
	rm -f .venv/.installed-* && touch $@

venv: $(VENV)

# Data the tests read: real MNIST as the course's CSVs; a CIFAR-10 stand-in (no network here).
data: $(VENV)
	$(PY) tools/prepare_data.py --shared $(SHARED) $(ASSIGNMENTS)

test: $(VENV) data lint check-skeletons test-engine test-assignments audit

test-engine: $(VENV)
	$(PY) -m pytest tests -q $(if $(filter 0,$(SLOW)),-m "not slow")

test-assignments: $(VENV) data
	@set -e; for a in $(ASSIGNMENTS); do \
	  echo "== tests of solutions/$$a"; \
	  KIT_STUDENT_ROOT=solutions/$$a KIT_REFERENCE_ROOT=solutions/$$a \
	    $(PY) -m pytest public_tests/$$a private_tests/$$a -q $(if $(filter 0,$(SLOW)),-m "not slow"); \
	done

audit: $(VENV) data
	$(PY) -m autograder audit $(ASSIGNMENTS)

lint: $(VENV)
	$(PY) -m ruff check autograder tools tests solutions public_tests private_tests

skeletons: $(VENV)
	$(PY) -m autograder skeletons $(ASSIGNMENTS)

check-skeletons: $(VENV)
	$(PY) -m autograder check-skeletons $(ASSIGNMENTS)

release: $(VENV) data check-skeletons
	@for g in $(GROUPS); do $(PY) -m autograder release $$g || exit 1; done

gradescope: $(VENV) data
	@for a in $(ASSIGNMENTS); do $(PY) -m autograder gradescope --assignment $$a || exit 1; done

grade: $(VENV) data
	@test -n "$(A)" -a -n "$(S)" || { echo "usage: make grade A=<assignment> S=<zip or folder>"; exit 2; }
	$(PY) -m autograder grade --assignment $(A) --submission $(S) --out $(or $(OUT),results.json)

# A whole class: make grade-batch A=a1_mnist S=export.zip OUT=graded/ [WORKERS=4] [SCHEDULER=tcp://host:8786]
grade-batch: $(VENV) data
	@test -n "$(A)" -a -n "$(S)" || { echo "usage: make grade-batch A=<assignment> S=<export zip or folder> [OUT=dir] [WORKERS=n] [SCHEDULER=tcp://host:port]"; exit 2; }
	$(PY) -m autograder grade-batch --assignment $(A) --submissions $(S) --out $(or $(OUT),graded) \
	  $(if $(WORKERS),--workers $(WORKERS)) $(if $(SCHEDULER),--scheduler $(SCHEDULER))

# A grading cluster (README): the scheduler on one machine, a worker on each grading machine.
dask-scheduler: $(VENV)
	DASK_CONFIG=autograder/batch/dask.yaml .venv/bin/dask scheduler --port $(or $(PORT),8786)

dask-worker: $(VENV) data
	@test -n "$(SCHEDULER)" || { echo "usage: make dask-worker SCHEDULER=tcp://host:8786 [THREADS=n]"; exit 2; }
	DASK_CONFIG=autograder/batch/dask.yaml .venv/bin/dask worker $(SCHEDULER) --nthreads $(or $(THREADS),$(shell nproc)) \
	  --memory-limit 0

# The demo grades in the strongest sandbox: bubblewrap is installed first where that is
# possible (root with apt-get, as .ci/run does); elsewhere it says how, and grades anyway.
demo: bubblewrap release
	$(PY) tools/demo.py $(ASSIGNMENTS)

bubblewrap:
	@if command -v bwrap >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing bubblewrap (the grading sandbox): apt-get install bubblewrap"; \
	  apt-get install -y -qq bubblewrap >/dev/null 2>&1 || \
	    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq bubblewrap >/dev/null 2>&1; } || \
	    echo "could not install bubblewrap: the demo grades in a weaker sandbox (the warning says which)"; \
	else \
	  echo "bubblewrap is not installed and cannot be installed from here (needs root and apt-get):"; \
	  echo "  the demo grades in a weaker sandbox; to grade in bwrap run: sudo apt-get install bubblewrap"; \
	fi

bench: $(VENV) data
	$(PY) tools/bench_grading.py
	$(PY) tools/bench_batch.py
	$(if $(filter 1,$(TORCH)),$(PY) tools/bench_layers.py && $(PY) tools/bench_cs231n_layers.py)

clean:
	rm -rf dist build .pytest_cache
