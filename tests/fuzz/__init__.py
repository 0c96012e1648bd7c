"""A mutation fuzzer for ziggurat's command-line tools (`make fuzz`, `python -m tests.fuzz`).

Seeds are the tree's own `.mlir` files and the mxu programs the assembler makes from
the example models; each mutant is run through one tool in its own process group
with a time and a memory limit, and every run is classified by what a user would
see (`classify.py`). Failing mutants are minimised (`minimise.py`) and kept as lit
regression tests under `tests/lit/fuzz/`.
"""
