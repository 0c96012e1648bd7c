"""CPU kernels: convolutions as matmuls, the packed register-blocked GEMM."""
