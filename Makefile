# make lab   - create .venv if needed, start JupyterLab on the course
# make test  - create .venv if needed, run every test
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JUPYTER_PORT ?= 8888
JUPYTER_IP ?= 127.0.0.1
export JUPYTER_PORT
# Workers for nbval; each one is a Python process with TensorFlow loaded.
JOBS ?= 2
NOTEBOOK_DIRS := chapters solutions exercises
AUTHOR := $(BIN)/python -m autodiff_course.authoring

.PHONY: lab test test-fast env sync record readme exercises verify bench slides wheelhouse lint \
	clean

$(STAMP): requirements.txt pyproject.toml .jupyter/overrides.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	# README and other .md files open rendered, not in the text editor
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp .jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

env: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --no-browser --ServerApp.ip=$(JUPYTER_IP) --port=$(JUPYTER_PORT) \
		--ServerApp.root_dir=$(CURDIR) --LabApp.default_url=/lab/tree/README.md \
		$(if $(filter 0,$(shell id -u)),--allow-root)

test: $(STAMP)
	$(AUTHOR) verify
	$(BIN)/ruff check src tests chapters solutions exercises
	$(BIN)/python -m pytest tests -q
	$(BIN)/python -m pytest --nbval -n $(JOBS) --dist loadfile -q -p no:cacheprovider \
		--nbval-current-env $(NOTEBOOK_DIRS)

# Everything but the notebooks: for a quick loop while writing.
test-fast: $(STAMP)
	$(AUTHOR) verify
	$(BIN)/ruff check src tests chapters solutions exercises
	$(BIN)/python -m pytest tests -q -m "not browser"

# Setup cells and .ipynb from their .md text files (outputs kept).
sync: $(STAMP)
	$(AUTHOR) sync

# Execute notebooks and store the outputs the tests compare with: make record [NB="file or dir"]
record: $(STAMP)
	$(AUTHOR) sync $(NB)
	$(AUTHOR) record $(NB)

readme: $(STAMP)
	$(AUTHOR) readme

exercises: $(STAMP)
	$(AUTHOR) exercises
	$(AUTHOR) sync exercises

verify: $(STAMP)
	$(AUTHOR) verify

# reveal.js slides of every chapter: build/slides/{en,zh}/NN_slug.slides.html. reveal.js comes
# from a CDN; offline: make slides SLIDES_ARGS="--reveal-url-prefix reveal.js" (a local copy).
slides: $(STAMP)
	$(BIN)/python -m autodiff_course.slides $(SLIDES_ARGS)

# Every wheel `make env` installs, for a room of laptops without internet (docs/instructor/).
# The wheels fit this machine's OS and Python; for others add e.g.
# WHEELHOUSE_ARGS="--only-binary=:all: --platform win_amd64 --python-version 3.11".
WHEELHOUSE ?= wheelhouse
wheelhouse:
	$(PYTHON) -m pip download --quiet --dest $(WHEELHOUSE) $(WHEELHOUSE_ARGS) \
		-r requirements.txt pip "setuptools>=68"
	@echo "$(WHEELHOUSE): $$(ls $(WHEELHOUSE) | wc -l) files, $$(du -sh $(WHEELHOUSE) | cut -f1)"

# Time one slider move of the explorers (compute + redraw) and count the traces.
bench: $(STAMP)
	$(BIN)/python -m autodiff_course.bench

lint: $(STAMP)
	$(BIN)/ruff check src tests chapters solutions exercises

clean:
	rm -rf $(VENV) build artifacts
