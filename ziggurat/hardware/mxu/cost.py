"""The cycle estimates the GEMM planner ranks tilings by.

Rough on purpose: each unit (the array, the load DMA, the store DMA) is
charged its total busy time and the units are assumed to overlap perfectly;
the planner adds what single-slot buffers leave exposed. Good enough to rank
arrangements of the scratchpad, and cheap enough to try hundreds. The exact
timing is the simulator's (targets/mxu/timing.py); the array's rules are
shared with it through `array.py`.
"""

from __future__ import annotations

import math

from ziggurat.hardware.mxu.array import fill_and_drain
from ziggurat.hardware.mxu.config import MxuConfig


def dma_cycles(config: MxuConfig, transfers: int, nbytes: int) -> float:
    """`transfers` DMA transfers moving `nbytes` bytes in all, one after another."""
    return transfers * config.dma_latency + nbytes / config.dma_bytes_per_cycle


def weight_overhead(config: MxuConfig) -> int:
    """Cycles a weight-stationary fold costs beyond its rows: the weight load, fill and drain.

    A fold streaming fewer rows than this cannot hide the next weight load.
    """
    return config.weight_cycles + fill_and_drain(config)


def ws_array_cycles(config: MxuConfig, folds: int, fold_rows: int) -> float:
    """`folds` weight tiles each streaming `fold_rows` rows.

    With two weight buffers a tile shifts in while the previous one computes,
    so long folds hide the overhead; with one, every fold pays it.
    """
    overhead = weight_overhead(config)
    if config.double_buffer_weights:
        return folds * max(fold_rows, (fold_rows + overhead) / 2)
    return folds * (fold_rows + overhead)


def os_array_cycles(config: MxuConfig, tiles: int, k: int, steps: int) -> int:
    """`tiles` output tiles, each summing K in `steps` `matmul_os`s (a fill and drain each)."""
    return tiles * (k + steps * fill_and_drain(config))


def transposed_blocks(config: MxuConfig, depth: int) -> int:
    """Transfers a transposed load of `depth` columns takes (`width` columns at most each)."""
    return math.ceil(depth / config.width)


def overlapped(array: float, loads: float, stores: float) -> float:
    """The busiest of the three units, the others hidden behind it."""
    return max(array, loads, stores)


__all__ = [
    "dma_cycles",
    "os_array_cycles",
    "overlapped",
    "transposed_blocks",
    "weight_overhead",
    "ws_array_cycles",
]
