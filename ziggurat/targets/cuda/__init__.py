"""The `cuda` target: one CUDA C++ file from kernel-level IR, compiled by nvcc for a GPU,
or by g++ against an emulation header (`cuda-emu`) to run and race-check it on a CPU.

The host ABI is the C target's (memref descriptors, result out-parameters).
"""
