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

# The stamp files make a second run instant when pyproject.toml has not changed. The
# first set-up prints a line per stage and pip's own progress (no --quiet): it took 42 s
# from an empty .venv with a local package cache, and silence looked like a hang.
$(PY):
	@echo "==> set-up 1/3: creating the virtual environment $(VENV)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> set-up 2/3: upgrading pip"
	$(PY) -m pip install --upgrade pip

$(VENV)/.stamp-lab: pyproject.toml | $(PY)
	@echo "==> set-up 3/3: installing tnlite with JupyterLab, ipywidgets and ipympl (the long step)"
	$(PY) -m pip install -e '.[lab]'
	@touch $@
	@echo "==> set-up done"

$(VENV)/.stamp-test: pyproject.toml | $(PY)
	@echo "==> set-up 3/3: installing tnlite with JupyterLab, Voila and the test tools (the long step)"
	$(PY) -m pip install -e '.[lab,test,present]'
	@touch $@ $(VENV)/.stamp-lab $(VENV)/.stamp-present
	@echo "==> set-up done"

# Saved outputs and metadata never reach git: .gitattributes sends notebooks through
# tools/nbclean.py, registered here in the clone's .git/config (a no-op outside a clone).
.PHONY: git-filter
git-filter:
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  git config filter.nbclean.clean "$(PYTHON) tools/nbclean.py" && \
	  echo "==> git: notebook outputs and metadata stay out of git status (filter nbclean; see README)"; fi

# The lab serves the repository root, so lessons' links to ../exercises and ../tnlite work,
# and opens lesson 00. tools/lab/overrides.json holds the course's JupyterLab defaults (no
# news toast), copied where JupyterLab reads overrides; tools/lab/jupyter_server_config.py
# (found through JUPYTER_CONFIG_PATH) keeps a saved notebook's outputs and metadata out of
# `git status`. LAB_ARGS passes extra options (the browser test's token and port).
LAB_ARGS ?=
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings
lab: $(VENV)/.stamp-lab git-filter
	@mkdir -p $(LAB_SETTINGS) && cp tools/lab/overrides.json $(LAB_SETTINGS)/overrides.json
	JUPYTER_CONFIG_PATH="$(CURDIR)/tools/lab$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	  $(VENV)/bin/jupyter lab --port=$(PORT) $(if $(filter 0,$(shell id -u)),--allow-root) \
	  --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/lessons/00_start_here.ipynb $(LAB_ARGS)

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
