"""CUDA kernels: tiled GEMMs (SIMT, dp4a, tensor cores) and warp-per-row reductions."""
