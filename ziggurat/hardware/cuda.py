"""Facts about NVIDIA GPUs that the cuda dialect's verifiers and the mapping passes share.

Figures are CUDA's documented per-architecture limits (the CUDA C++
Programming Guide's table of compute capabilities).
"""

from __future__ import annotations

from dataclasses import dataclass

WARP_SIZE = 32
MAX_THREADS_PER_BLOCK = 1024
MAX_GRID_Y_Z = 65535
"""gridDim.y and gridDim.z are 16-bit; gridDim.x goes to 2**31 - 1."""
MAX_GRID_X = 2**31 - 1
STATIC_SHARED_BYTES = 48 * 1024
"""Static `__shared__` memory per block on every architecture."""
DEFAULT_SM = 80


@dataclass(frozen=True)
class Architecture:
    """One compute capability: what a kernel may use on it."""

    sm: int
    max_shared_bytes: int
    """Shared memory one block may use with the dynamic opt-in (cudaFuncSetAttribute)."""
    registers_per_thread: int = 255
    tensor_cores: bool = True
    """Whether WMMA bf16 m16n16k16 runs on tensor cores (sm_80 and later)."""


ARCHITECTURES: dict[int, Architecture] = {
    75: Architecture(75, 64 * 1024, tensor_cores=False),
    80: Architecture(80, 163 * 1024),
    86: Architecture(86, 99 * 1024),
    89: Architecture(89, 99 * 1024),
    90: Architecture(90, 227 * 1024),
    100: Architecture(100, 227 * 1024),
    120: Architecture(120, 99 * 1024),
}


def architecture(sm: int) -> Architecture:
    """The architecture `sm` (e.g. 80), or the newest one not newer than it."""
    known = [a for s, a in sorted(ARCHITECTURES.items()) if s <= sm]
    if not known:
        raise ValueError(
            f"unsupported compute capability sm_{sm}; supported: "
            + ", ".join(f"sm_{s}" for s in ARCHITECTURES)
        )
    return known[-1]
