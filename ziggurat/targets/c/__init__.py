"""The `c` target: a self-contained C11 (+ OpenMP) file from loop-level IR, and a runtime
that compiles it with the system C compiler and calls it on numpy arrays.

The ABI (memref descriptors, result out-parameters) is documented in `abi.py` and
docs/targets/c.md.
"""
