"""The mxu schedule: each `mxu.gemm` as a tiled, double-buffered instruction stream."""
