# `make lab` and `make test` do all set-up themselves, from a fresh clone, in ./.venv.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8888

# One BLAS thread per kernel: the course's matrices are small, and numpy's and scipy's
# separate OpenBLAS pools fight over the cores (a 5 ms MPS truncation measured 100-350 ms
# with two threads on 2 cores). Override on the command line for large experiments.
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1

.PHONY: lab test exercises bench clean help site present grade binder

help:
	@echo "make lab        set up .venv and open the course in JupyterLab"
	@echo "make test       set up .venv and run every test (library, widgets, notebooks, browser)"
	@echo "make exercises  regenerate exercises/ from solutions/"
	@echo "make bench      benchmarks against quimb, TeNPy and torch"
	@echo "make site       static site of the course from freshly executed notebooks (build/site/html)"
	@echo "make present LESSON=05   one lesson as a Voila app on localhost, for lecturers"
	@echo "make grade SUBMISSIONS=DIR   grade students' exercise notebooks into DIR/grades.csv"
	@echo "make binder     pin binder/requirements.txt to the versions the tests pass with"

# The stamp files make a second run instant when pyproject.toml has not changed.
$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.stamp-lab: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[lab]'
	@touch $@

$(VENV)/.stamp-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[lab,test,present]'
	@touch $@ $(VENV)/.stamp-lab $(VENV)/.stamp-present

lab: $(VENV)/.stamp-lab
	$(VENV)/bin/jupyter lab --port=$(PORT) $(if $(filter 0,$(shell id -u)),--allow-root) lessons/00_start_here.ipynb

test: $(VENV)/.stamp-test
	MPLBACKEND=Agg $(PY) -m pytest --nbval-lax --nbval-current-env tests $(wildcard lessons solutions exercises)

# --- the site, presenter mode, grading, the hub image (issue 17) ---
$(VENV)/.stamp-site: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[lab,site]'
	@touch $@ $(VENV)/.stamp-lab

$(VENV)/.stamp-present: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[lab,present]'
	@touch $@ $(VENV)/.stamp-lab

site: $(VENV)/.stamp-site
	$(PY) tools/site/build.py

LESSON ?= 00
present: $(VENV)/.stamp-present
	$(PY) tools/present.py $(LESSON)

grade: $(VENV)/.stamp-lab
	$(PY) tools/grade.py $(SUBMISSIONS)

binder: test
	$(PY) tools/binder_lock.py
# --- end of issue 17 targets ---

exercises: $(VENV)/.stamp-lab
	$(PY) tools/make_exercises.py

# Peers (quimb, TeNPy, torch CPU, networkx) live in their own venv, never in .venv.
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.stamp-bench: pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e '.[bench]'
	@touch $@

bench: $(BENCH_VENV)/.stamp-bench
	MPLBACKEND=Agg $(BENCH_VENV)/bin/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build/site
