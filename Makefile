# lrcore: `make demo` and `make test` are the whole quickstart.
# Both create (or reuse) .venv and install the project with all three backends.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.lrcore-installed

# torch is pinned here, not in the package metadata: this exact version is a CPU
# build available locally, while a looser specifier pulls a multi-GB CUDA build.
TORCH_PIN := torch==2.13.0

.PHONY: install test lint typecheck demo bench fuzz dist docs clean

install: $(STAMP)

$(STAMP): pyproject.toml Makefile constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(TORCH_PIN)
	$(PY) -m pip install --quiet -e '.[all,dev]' $(TORCH_PIN)
# Conformance oracles (tests/conformance): the frameworks' own schedulers.
# transformers resolves against constraints.txt so it can never move torch.
	$(PY) -m pip install --quiet -c constraints.txt 'transformers>=5,<6'
# timm requires torchvision, which has no working CPU build here; only its
# scheduler modules are used (loaded without timm/__init__), so no deps.
	$(PY) -m pip install --quiet --no-deps 'timm>=1.0,<2'
# paconvert needs astor, black==22.8.0 and isort==5.11.5, not torch or paddle.
	$(PY) -m pip install --quiet -c constraints.txt paconvert
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

lint: install
	$(VENV)/bin/ruff check .

typecheck: install
	$(VENV)/bin/mypy

test: lint typecheck
	$(PY) -m pytest

demo: install
	$(PY) examples/port_warmup_cosine.py

bench: install
	$(PY) bench/bench_warmup_cosine.py
	$(PY) bench/bench_pieces.py
	$(PY) bench/bench_import.py
	$(PY) bench/bench_cli.py

fuzz: install
	$(PY) bench/fuzz.py

# The sdist and the wheel, into dist/.  The build runs in an isolated environment that
# fetches setuptools>=77 from the package index; offline, build with the venv's own:
# make dist BUILDFLAGS=--no-isolation
dist: install
	rm -rf dist
	$(PY) -m build --outdir dist $(BUILDFLAGS) .

# The documentation site, into site/: the catalogue pages and plots are generated from
# lrcore.registered() by the hook docs/gen_catalogue.py; --strict fails on any warning.
docs: install
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict -d site

clean:
	rm -rf $(VENV) build dist site *.egg-info .pytest_cache .mypy_cache .ruff_cache
