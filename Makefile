# Two entry points on a fresh machine: `make serve` (install, index, web chat) and `make test`.
# Everything is installed here, into .venv: nothing needs to be installed by hand first.

PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST   ?= 127.0.0.1
PORT   ?= 7860
export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: install install-test serve test lint unit soak eval chromium bench clean

# llama-cpp-python has no wheels on PyPI: it is compiled here once per machine, for this CPU
# (scripts/llama-cmake-args: portable AVX2 plus the AVX-512 extensions the CPU has; never -march=native,
# which crashes with SIGILL on these CPUs), into a wheelhouse named after the flags. pip's own wheel cache
# would reuse a build made with other flags.
LLAMA_CMAKE_ARGS := $(shell sh scripts/llama-cmake-args)
WHEELS := .wheels/llama-$(shell echo '$(LLAMA_CMAKE_ARGS)' | cksum | cut -d' ' -f1)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(WHEELS)/.built: | $(BIN)/python
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel --quiet --no-deps --no-cache-dir --wheel-dir $(WHEELS) \
		llama-cpp-python==0.3.36
	touch $@

# torch first, pinned to the CPU build on disk, so nothing pulls a CUDA build.
$(BIN)/.installed: pyproject.toml $(WHEELS)/.built | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet --find-links $(WHEELS) -e .
	$(BIN)/pip install --quiet --no-deps --force-reinstall $(WHEELS)/llama_cpp_python-*.whl
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed
	$(BIN)/pip install --quiet --find-links $(WHEELS) -e '.[test]'
	touch $@

install: $(BIN)/.installed
install-test: $(BIN)/.installed-test chromium

chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }

serve: install
	$(BIN)/assistant serve --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check assistant index evals prompts tests scripts
	$(BIN)/mypy

# Everything but the per-case eval tests and the soak run: fakes, the real model, a real Chroma server,
# real Chromium, and tests/reliability (bad inputs, outages, load, injection).
unit: install-test
	$(BIN)/pytest -m "not eval and not soak" -q

# The 20-minute soak run of tests/reliability/test_soak.py (SOAK_MINUTES to change it).
soak: install-test
	$(BIN)/pytest -m soak -q tests/reliability/test_soak.py

# Every eval tier (bundled, news, injection's CI half, reports, squad2's fixed CI sample) with the real default model, each gated on its
# own thresholds; the naive top-k RAG baseline answers a fixed sample of each tier in the same run.
# `assistant eval` alone gives the baseline every question (about 10 more minutes on 2 cores).
EVAL_BASELINE_LIMIT ?= 8
eval: install
	$(BIN)/assistant eval --out artifacts/eval --baseline-limit $(EVAL_BASELINE_LIMIT)

test: lint unit eval

bench: install-test
	$(BIN)/python scripts/bench_index.py
	$(BIN)/python scripts/bench_answer.py

clean:
	rm -rf $(VENV) artifacts .pytest_cache .mypy_cache .ruff_cache
