"""Passes: rewrites from one level of IR to the next, and named pipelines.

Grouped as MLIR groups them: `bufferize`, `linalg` and `affine` transform one level;
`conversion` goes from one level to the next; `cpu`, `cuda` and `mxu` hold each
target's kernels. `pipelines` names chains of them; `gemm` and `index_arith` are
helpers shared by several groups.
"""
