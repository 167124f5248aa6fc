# lrcore: `make demo` and `make test` are the whole quickstart.
# Both create (or reuse) .venv and install the project with all three backends.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.lrcore-installed

# torch is pinned here, not in the package metadata: this exact version is a CPU
# build available locally, while a looser specifier pulls a multi-GB CUDA build.
TORCH_PIN := torch==2.13.0

.PHONY: install test lint typecheck demo bench clean

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(TORCH_PIN)
	$(PY) -m pip install --quiet -e '.[all,dev]' $(TORCH_PIN)
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

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
