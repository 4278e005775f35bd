# make lab        - create .venv from the lock if needed, start JupyterLab on the course
# make prepare    - after editing .md files: exercises, sync, record what changed, README, verify
# make test-nb NB="chapters/en/01_gradient_tape.md ..." - nbval on those notebooks (or folders)
# make test       - everything CI runs: verify, ruff, all tests, every notebook re-executed
# make test-fast  - the same without notebooks and browser (about 2 min): while writing
# `make help` lists the other targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LEARNER_STAMP := $(VENV)/.installed-learner
DEV_STAMP := $(VENV)/.installed-dev
JUPYTER_PORT ?= 8888
JUPYTER_IP ?= 127.0.0.1
export JUPYTER_PORT
# Workers for nbval; each one is a Python process with TensorFlow loaded.
JOBS ?= 2
NOTEBOOK_DIRS := chapters solutions exercises
AUTHOR := $(BIN)/python -m course_tools
PYTEST := $(BIN)/python -m pytest
RUFF := $(BIN)/ruff

.PHONY: help lab prepare test-nb test test-fast test-colab colab-constraints bench-memory env lock \
	sync record readme \
	exercises verify bench bench-browser slides site test-site bench-site \
	release wheelhouse lint format clean

help:
	@grep -E '^# make ' Makefile | sed 's/^# //'
	@echo "other targets: env lock sync record readme exercises verify slides bench bench-browser"
	@echo "               bench-memory release wheelhouse lint format clean test-colab"
	@echo "               site test-site bench-site (the website: build/site/)"
	@echo "               (CONTRIBUTING.md has the table; docs/authoring.md the checklists)"

# Learners (make lab, Binder): only what runs the notebooks, exact versions and hashes.
$(LEARNER_STAMP): requirements/learner.txt pyproject.toml .jupyter/overrides.json \
		.jupyter/jupyter_server_config.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/learner.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	# README and other .md files open rendered, not in the text editor
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp .jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	# Kernels idle for 10 minutes with no notebook tab open are shut down (memory: docs/binder),
	# and kernel websockets send at once (TCP_NODELAY: autodiff_course.server)
	# (a whole config file: jupyter_server_config.d/ holds only extension switches)
	mkdir -p $(VENV)/etc/jupyter
	cp .jupyter/jupyter_server_config.json $(VENV)/etc/jupyter/jupyter_server_config.json
	touch $@

# Authors and CI: the test tools and the authoring tools (tools/) on top.
$(DEV_STAMP): $(LEARNER_STAMP) requirements/dev.txt tools/pyproject.toml
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e tools
	touch $@

env: $(DEV_STAMP)

# The course's own notebooks are trusted, so that their recorded page style applies before they
# run (stills dark in a dark theme). LAB_ARGS: more options, e.g. LAB_ARGS=--ContentsManager.
# hide_globs=__pycache__ lists the chapters' .md text files too (.jupyter/ hides them).
lab: $(LEARNER_STAMP)
	$(BIN)/jupyter trust $(foreach d,$(NOTEBOOK_DIRS),$(wildcard $(d)/*/*.ipynb)) > /dev/null
	$(BIN)/jupyter lab --no-browser --ServerApp.ip=$(JUPYTER_IP) --port=$(JUPYTER_PORT) \
		--ServerApp.root_dir=$(CURDIR) --LabApp.default_url=/lab/tree/README.md \
		$(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

test: $(DEV_STAMP)
	$(AUTHOR) verify
	$(RUFF) check .
	$(RUFF) format --check .
	$(PYTEST) tests -q -m "not site"
	$(PYTEST) --nbval -n $(JOBS) --dist loadfile -q -p no:cacheprovider \
		--nbval-current-env $(NOTEBOOK_DIRS)

# Everything but the notebooks, the browser and the fresh-venv test: a quick loop while writing.
test-fast: $(DEV_STAMP)
	$(AUTHOR) verify
	$(RUFF) check .
	$(RUFF) format --check .
	$(PYTEST) tests/unit tests/tools tests/content -q -m "not browser and not slow"

# requirements/{dev,learner}.txt from pyproject.toml's dependency groups: every package, its
# exact version and its hashes, for every OS (--universal). Versions already in the lock are
# kept; to move one: make lock LOCK_ARGS="--upgrade-package keras" (or --upgrade).
# 3.11.5: the oldest Python 3.11 that every locked package supports.
LOCK := $(BIN)/uv pip compile --quiet --universal --python-version 3.11.5 --generate-hashes \
	--custom-compile-command "make lock"
lock: $(DEV_STAMP)
	$(LOCK) $(LOCK_ARGS) --group test -o requirements/dev.txt
	$(LOCK) --group learner -c requirements/dev.txt -o requirements/learner.txt
	$(LOCK) --group site -c requirements/dev.txt -o requirements/site.txt
	$(AUTHOR) readme

# Everything a change to the .md files needs before a commit, then a list of what it changed:
# exercises, setup cells and .ipynb, re-records each notebook whose code changed, README, verify.
prepare: $(DEV_STAMP)
	$(AUTHOR) prepare

# nbval on the named notebooks: make test-nb NB="chapters/en/01_gradient_tape.md solutions/zh"
# (.md or .ipynb files, or folders).
test-nb: $(DEV_STAMP)
	$(AUTHOR) test-nb --jobs $(JOBS) $(NB)

# Setup cells and .ipynb from their .md text files (outputs kept).
sync: $(DEV_STAMP)
	$(AUTHOR) sync

# Execute notebooks and store the outputs the tests compare with: make record [NB="file or dir"].
# Excused cells (timings) keep their outputs while a notebook's code is unchanged; FRESH=1 renews
# them (after a change in src/ that changes what they show).
record: $(DEV_STAMP)
	$(AUTHOR) sync $(NB)
	$(AUTHOR) record $(if $(FRESH),--fresh) $(NB)

readme: $(DEV_STAMP)
	$(AUTHOR) readme

exercises: $(DEV_STAMP)
	$(AUTHOR) exercises
	$(AUTHOR) sync exercises

verify: $(DEV_STAMP)
	$(AUTHOR) verify

# reveal.js slides of every chapter: build/slides/{en,zh}/NN_slug.slides.html. reveal.js comes
# from a CDN; offline: make slides SLIDES_ARGS="--reveal-url-prefix reveal.js" (a local copy).
slides: $(DEV_STAMP)
	$(AUTHOR) slides $(SLIDES_ARGS)

# The website: build/site/{en,zh}/ (Sphinx + MyST-NB + the Book theme) from the committed
# notebooks, not executed; warnings are errors. Its own venv and lock (requirements/site.txt),
# never the learners' .venv. test-site: every page of both languages in headless Chromium.
# bench-site: page weight and time to first render of each chapter page.
SITE_VENV := .venv-site
SITE_STAMP := $(SITE_VENV)/.installed
$(SITE_STAMP): requirements/site.txt
	test -x $(SITE_VENV)/bin/python || $(PYTHON) -m venv $(SITE_VENV)
	$(SITE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SITE_VENV)/bin/python -m pip install --quiet --require-hashes -r requirements/site.txt
	touch $@

site: $(SITE_STAMP)
	PYTHONPATH=tools:src $(SITE_VENV)/bin/python -m course_tools.site build $(SITE_ARGS)

test-site: site $(DEV_STAMP)
	$(PYTEST) tests/site -q -m site

bench-site: site $(DEV_STAMP)
	$(BIN)/python -m course_tools.site bench

# Time one slider move of the explorers (compute + redraw) and count the traces.
bench: $(DEV_STAMP)
	$(AUTHOR) bench

# Key press to new figure in JupyterLab + headless Chromium, against an echo-only slider's floor.
bench-browser: $(DEV_STAMP)
	$(AUTHOR) bench-browser $(BENCH_BROWSER_ARGS)

# Each chapter's peak kernel memory (Binder: 1 GB guaranteed, restart above 2 GB); BENCH_LANG=zh.
bench-memory: $(DEV_STAMP)
	$(AUTHOR) bench-memory $(or $(BENCH_LANG),en)

# make release VERSION=1.1.0: version in pyproject.toml, tag in course.toml, setup cells
# regenerated, one commit and an annotated tag v1.1.0 (then: git push origin HEAD v1.1.0).
release: $(DEV_STAMP)
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=x.y.z"; exit 2; }
	$(AUTHOR) release $(VERSION)

# Every wheel `make lab` installs, for a room of laptops without internet (docs/instructor/).
# The wheels fit this machine's OS and Python; for others add e.g.
# WHEELHOUSE_ARGS="--only-binary=:all: --platform win_amd64 --python-version 3.11".
WHEELHOUSE ?= wheelhouse
wheelhouse:
	$(PYTHON) -m pip download --quiet --dest $(WHEELHOUSE) $(WHEELHOUSE_ARGS) \
		--require-hashes -r requirements/learner.txt
	$(PYTHON) -m pip download --quiet --dest $(WHEELHOUSE) $(WHEELHOUSE_ARGS) \
		pip "setuptools>=77"
	@echo "$(WHEELHOUSE): $$(ls $(WHEELHOUSE) | wc -l) files, $$(du -sh $(WHEELHOUSE) | cut -f1)"

lint: $(DEV_STAMP)
	$(RUFF) check .
	$(RUFF) format --check .

# Format the Python files (notebooks are left as written: see pyproject.toml).
format: $(DEV_STAMP)
	$(RUFF) format .

# Colab's runtime, as close as this machine gets: Colab's versions (constraints/colab.txt, from
# Google's published list) on Python 3.11 (Colab runs 3.13, which Debian 12 does not ship).
# Every notebook re-executed; only the version line and memory addresses may differ
# (constraints/colab-sanitize.cfg). Then the explorer tests under Colab's ipywidgets 7.
COLAB_VENV := .venv-colab
COLAB_PACKAGES := tensorflow keras tf-keras numpy matplotlib ipywidgets ipykernel ipython \
	jupyter-client nbval pytest pytest-xdist
$(COLAB_VENV)/.installed: constraints/colab.txt pyproject.toml
	test -x $(COLAB_VENV)/bin/python || $(PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(COLAB_VENV)/bin/python -m pip install --quiet -c constraints/colab.txt $(COLAB_PACKAGES)
	$(COLAB_VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

test-colab: $(COLAB_VENV)/.installed
	$(COLAB_VENV)/bin/python -m pytest -q -p no:cacheprovider -m "not slow" \
		tests/unit/test_explorers.py tests/unit/test_kink.py tests/unit/test_fit_explorer.py \
		tests/unit/test_tape_and_modes.py tests/unit/test_checks.py tests/unit/test_hessian.py \
		tests/unit/test_figure_encoding.py
	$(COLAB_VENV)/bin/python -m pytest --nbval -n $(JOBS) --dist loadfile -q -p no:cacheprovider \
		--nbval-current-env --nbval-sanitize-with constraints/colab-sanitize.cfg $(NOTEBOOK_DIRS)

# constraints/colab.txt from a copy of Colab's pip-freeze.txt (googlecolab/backend-info).
colab-constraints: $(DEV_STAMP)
	$(AUTHOR) colab-constraints $(FREEZE)

clean:
	rm -rf $(VENV) $(COLAB_VENV) $(SITE_VENV) build artifacts
