# Set-up and test commands; README.md and .ci/run use exactly these.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: setup test lint unit lit sanitize fuzz fuzz-short bench demo

setup:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,cuda]'
	$(BIN)/pip install --quiet -e examples/plugin

lint:
	$(BIN)/ruff check ziggurat tests bench examples
	$(BIN)/lint-imports
	$(BIN)/basedpyright

# What ziggurat assumes about xDSL's internals first: when the pin moves, it names what broke.
unit:
	$(BIN)/pytest -q tests/unit/test_xdsl_compat.py
	$(BIN)/pytest -q tests/unit --ignore=tests/unit/test_xdsl_compat.py

lit:
	$(BIN)/python tests/run_lit.py

# The C execution tests again under -fsanitize=address,undefined.
sanitize:
	bash tests/run_sanitized.sh

# Mutants of every .mlir in the tree and of the mxu programs, through every tool (tests/fuzz/).
FUZZ_N    ?= 10000
FUZZ_SEED ?= 1
fuzz:
	$(BIN)/python -m tests.fuzz run -n $(FUZZ_N) --seed $(FUZZ_SEED)

# A few hundred seeded mutants: the same ones on every run, a couple of minutes on two cores.
fuzz-short:
	$(BIN)/python -m tests.fuzz run -n 300 --seed 14 --progress 1000

test: lint unit lit sanitize fuzz-short

bench: .venv-scalesim/bin/python
	$(BIN)/python bench/opt_throughput.py
	$(BIN)/python bench/compile_time.py
	$(BIN)/python bench/cpu_matmul.py
	$(BIN)/python bench/mxu_vs_scalesim.py

# Compile the example models to C, run them, check them against ref.
demo: $(BIN)/ziggurat-run
	$(BIN)/python examples/demo.py

$(BIN)/ziggurat-run:
	$(MAKE) setup

# SCALE-Sim needs numpy < 2.4, so it gets its own environment (the mxu benchmark's peer).
.venv-scalesim/bin/python: | $(BIN)/ziggurat-run
	$(BIN)/python bench/mxu_vs_scalesim.py --setup
