"""C-family printing shared by the `c` and `cuda` targets.

Scalar code (arith, math), loops (scf, affine), memref views, functions and the
memref-descriptor ABI read the same in C11 and in CUDA C++, so both emitters
build on these handlers and add their own for the ops only they print.
"""
