# make lab        - create .venv from the lock if needed, start JupyterLab on the course
# make prepare    - after editing .md files: exercises, sync, record what changed, README, verify
# make test-nb NB="chapters/en/01_gradient_tape.md ..." - nbval on those notebooks (or folders)
# make record NB="chapters/en/01_gradient_tape.md ..." [FRESH=1] - re-record (no NB: all 72)
# make test       - everything CI runs: verify, ruff, all tests, every notebook re-executed
# make test-fast  - no notebooks, no browser: about 2 min on an idle 2-core machine, 5-6 min busy
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
	@echo "               nbgrader nbgrader-env test-nbgrader room-report bench-nbgrader (nbgrader/)"
	@echo "               (CONTRIBUTING.md has the table; docs/authoring.md the checklists)"

# The course's JupyterLab set-up in the venv $(1) (postBuild does the same on Binder):
# README and other .md files open rendered, not in the text editor (overrides.json); kernels idle
# for 10 minutes with no notebook tab open are shut down (memory: docs/binder), kernel websockets
# send at once (TCP_NODELAY: autodiff_course.server), notebooks are saved with stills
# (jupyter_server_config.json: a whole config file, jupyter_server_config.d/ holds only extension
# switches); long notebook names wrap in the file browser (custom.css, served from
# jupyter_server's static/custom, where LabApp.custom_css looks besides ~/.jupyter/custom).
define lab_config
	mkdir -p $(1)/share/jupyter/lab/settings $(1)/etc/jupyter
	cp .jupyter/overrides.json $(1)/share/jupyter/lab/settings/overrides.json
	cp .jupyter/jupyter_server_config.json $(1)/etc/jupyter/jupyter_server_config.json
	$(1)/bin/python -c "import pathlib, shutil, jupyter_server as s; d = pathlib.Path(s.__file__).parent / 'static' / 'custom'; d.mkdir(exist_ok=True); shutil.copy('.jupyter/custom/custom.css', d)"
endef

# Learners (make lab, Binder): only what runs the notebooks, exact versions and hashes.
$(LEARNER_STAMP): requirements/learner.txt pyproject.toml .jupyter/overrides.json \
		.jupyter/jupyter_server_config.json .jupyter/custom/custom.css
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/learner.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(call lab_config,$(VENV))
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
	$(PYTEST) tests -q -m "not site and not nbgrader"
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
	$(LOCK) --group nbgrader -c requirements/dev.txt -o requirements/nbgrader.txt
	$(LOCK) hub/hub.in -c requirements/dev.txt -o requirements/hub.txt
	$(LOCK) hub/user.in --group pyproject.toml:learner -c requirements/learner.txt \
		-o requirements/hub-user.txt
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

# Execute notebooks and store the outputs the tests compare with: make record [NB="files or dirs"]
# (without NB: every notebook). Excused cells (timings, explorers) keep their outputs while a
# notebook's code is unchanged; FRESH=1 renews them: needed after a change in src/ that changes
# what they show, which no test catches (docs/authoring.md, "After a change in src/").
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

# The nbgrader route (docs/instructor/, "Seeing the room with nbgrader"). nbgrader: the
# assignments nbgrader/source/NN_slug_{en,zh}/ from solutions/ (never edit them by hand).
# nbgrader-env: its own venv .venv-nbgrader (requirements/nbgrader.txt: the learners' lock and
# nbgrader), never the learners' .venv; autograding runs the checks there. test-nbgrader: the
# round trip with simulated learners. room-report: NBGRADER_COURSE/reports/ from the gradebook
# (ASSIGNMENTS="01_gradient_tape_en ...", default all autograded). bench-nbgrader: autograde
# time per submission.
.PHONY: nbgrader nbgrader-env test-nbgrader room-report bench-nbgrader
NBGRADER_VENV := .venv-nbgrader
NBGRADER_STAMP := $(NBGRADER_VENV)/.installed
NBGRADER_COURSE ?= nbgrader
$(NBGRADER_STAMP): requirements/nbgrader.txt pyproject.toml
	test -x $(NBGRADER_VENV)/bin/python || $(PYTHON) -m venv $(NBGRADER_VENV)
	$(NBGRADER_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(NBGRADER_VENV)/bin/python -m pip install --quiet --require-hashes -r requirements/nbgrader.txt
	$(NBGRADER_VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

nbgrader-env: $(NBGRADER_STAMP)

nbgrader: $(DEV_STAMP)
	$(AUTHOR) nbgrader

test-nbgrader: $(NBGRADER_STAMP) $(DEV_STAMP)
	$(PYTEST) tests/nbgrader -q

room-report: $(NBGRADER_STAMP)
	PYTHONPATH=tools $(NBGRADER_VENV)/bin/python -m course_tools.room_report \
		--course $(NBGRADER_COURSE) $(ASSIGNMENTS)

bench-nbgrader: $(NBGRADER_STAMP) $(DEV_STAMP)
	$(BIN)/python -m course_tools.nbgrader_room bench $(BENCH_NBGRADER_ARGS)

# Time one slider move of the explorers (compute + redraw) and count the traces. Prints the
# figures; a median over 50 ms or a p95 over 100 ms is reported "over budget on this machine
# (load N)" and exits 0 unless STRICT=1 (on a quiet machine); an extra trace always exits 1.
bench: $(DEV_STAMP)
	$(AUTHOR) bench $(if $(STRICT),--strict)

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

# A workshop room on one server (docs/instructor/, "A room on one server"): JupyterHub, its proxy
# (npm, hub/proxy/package-lock.json) and idle culler in .venv-hub; each learner's JupyterLab runs
# in .venv-hub-user (the learner lock + jupyterhub-singleuser, nbgitpuller, nbgrader) with the
# same server config as `make lab`. Never the learners' .venv. HUB_PORT=8000, HUB_DIR=build/hub.
.PHONY: hub hub-env nbgitpuller-link test-hub bench-room
HUB_VENV := .venv-hub
HUB_USER_VENV := .venv-hub-user
HUB_PROXY := build/hub/node_modules/.bin/configurable-http-proxy
HUB_PORT ?= 8000
HUB_DIR ?= build/hub
$(HUB_VENV)/.installed: requirements/hub.txt
	test -x $(HUB_VENV)/bin/python || $(PYTHON) -m venv $(HUB_VENV)
	$(HUB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(HUB_VENV)/bin/python -m pip install --quiet --require-hashes -r requirements/hub.txt
	touch $@

$(HUB_USER_VENV)/.installed: requirements/hub-user.txt pyproject.toml .jupyter/overrides.json \
		.jupyter/jupyter_server_config.json .jupyter/custom/custom.css
	test -x $(HUB_USER_VENV)/bin/python || $(PYTHON) -m venv $(HUB_USER_VENV)
	$(HUB_USER_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(HUB_USER_VENV)/bin/python -m pip install --quiet --require-hashes -r requirements/hub-user.txt
	$(HUB_USER_VENV)/bin/python -m pip install --quiet --no-deps -e .
	$(call lab_config,$(HUB_USER_VENV))
	touch $@

$(HUB_PROXY): hub/proxy/package.json hub/proxy/package-lock.json
	mkdir -p build/hub
	cp hub/proxy/package.json hub/proxy/package-lock.json build/hub/
	cd build/hub && npm ci --no-audit --no-fund --loglevel=error
	touch $@

hub-env: $(HUB_VENV)/.installed $(HUB_USER_VENV)/.installed $(HUB_PROXY)

# The room at http://127.0.0.1:$(HUB_PORT); passwords: HUB_PASSWORD and HUB_ADMIN_PASSWORD, or
# made once into $(HUB_DIR)/passwords.json.
hub: hub-env
	HUB_DIR=$(HUB_DIR) HUB_PORT=$(HUB_PORT) $(HUB_VENV)/bin/python hub/room.py start

# make nbgitpuller-link HUB_URL=https://hub.example.org CHAPTER=01 [LINK_LANG=zh]
#	[KIND=exercises] [BRANCH=main] [REPO=https://gitee.com/you/tf2-autodiff (a mirror)]
nbgitpuller-link:
	@$(PYTHON) hub/room.py link "$(HUB_URL)" "$(CHAPTER)" --lang $(or $(LINK_LANG),en) \
		--kind $(or $(KIND),chapters) $(if $(BRANCH),--branch $(BRANCH)) \
		$(if $(REPO),--repo "$(REPO)")

# A real hub with two learners (nbgitpuller merge, a killed kernel, a hub restart, Chromium),
# the Kubernetes values file against the chart's schema.
test-hub: hub-env $(DEV_STAMP)
	HUB_TESTS=1 $(PYTEST) tests/hub -q

# Learners driven through the hub's REST API and the proxy: memory, slider moves, cells, start-up
# for N = 1 2 4 8 16 (BENCH_ROOM_ARGS="--learners 1,2"); table and build/bench-room/room.png.
# BENCH_ROOM_ARGS="--report build/bench-room/results.json" prints a run's tables again.
bench-room: hub-env $(DEV_STAMP)
	$(BIN)/python hub/bench_room.py $(BENCH_ROOM_ARGS)

clean:
	rm -rf $(VENV) $(COLAB_VENV) $(SITE_VENV) $(HUB_VENV) $(HUB_USER_VENV) $(NBGRADER_VENV) build \
		artifacts
