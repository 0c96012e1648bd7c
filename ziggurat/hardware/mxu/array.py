"""When the array can take the next `loadw`, `matmul` or `matmul_os`.

These are the rules of docs/mxu.md, "Timing model", for the weight path, the
weight buffers and the array: the simulator's schedule (targets/mxu/timing.py)
places instructions by them, and the GEMM scheduler (passes/mxu) replays them
to place each tile's epilogue where the array has reached it. Both ask
`ArrayUnit`, so the compiler's idea of the array and the simulator's agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ziggurat.hardware.mxu.config import MxuConfig
from ziggurat.hardware.mxu.isa import Instruction, LoadWeights, Matmul, MatmulOS

ArrayInstruction = LoadWeights | Matmul | MatmulOS
"""The instructions that occupy the weight path or the array."""


def fill_and_drain(config: MxuConfig) -> int:
    """Cycles a row spends crossing the array beyond its own: R + C - 2."""
    return config.rows + config.cols - 2


def array_duration(ins: ArrayInstruction, config: MxuConfig) -> int:
    """Cycles from start to end of a weight load or a product."""
    if isinstance(ins, LoadWeights):
        return config.weight_cycles
    if isinstance(ins, Matmul):
        return ins.rows + fill_and_drain(config)
    return ins.depth + fill_and_drain(config)


class ArrayUnit:
    """The state of the weight path, the weight buffers and the array.

    A `loadw` writes the next weight buffer in turn once the last matmul that
    used that buffer has ended; a `matmul` starts when the array accepts rows
    again and its tile is loaded. A `matmul_os` holds the whole array (its sums
    live in the cells until they drain): it waits for every earlier product to
    end, and the next product waits for its end. It leaves the weight path and
    buffers alone, so a `loadw` may overlap it.
    """

    def __init__(self, config: MxuConfig) -> None:
        self.config = config
        self.buffers = 2 if config.double_buffer_weights else 1
        self.weight_path_free = 0
        self.buffer_free = [0] * self.buffers
        """Per buffer: the end of the last matmul that used it."""
        self.loads = 0
        self.current = 0
        """The buffer holding the most recently loaded tile."""
        self.tile_ready = 0
        self.array_accepts = 0
        self.array_idle = 0
        """The latest end of a `matmul` or `matmul_os`: when the cells are empty."""

    def ready(self, ins: ArrayInstruction) -> int:
        """The earliest start the weight path or the array allows `ins`."""
        if isinstance(ins, LoadWeights):
            return max(self.weight_path_free, self.buffer_free[self.loads % self.buffers])
        if isinstance(ins, Matmul):
            return max(self.array_accepts, self.tile_ready)
        return max(self.array_accepts, self.array_idle)

    def place(self, ins: ArrayInstruction, start: int) -> int:
        """Record that `ins` starts at `start`; its end."""
        end = start + array_duration(ins, self.config)
        if isinstance(ins, LoadWeights):
            self.current = self.loads % self.buffers
            self.loads += 1
            self.weight_path_free = self.tile_ready = end
        elif isinstance(ins, Matmul):
            self.array_accepts = start + ins.rows
            self.buffer_free[self.current] = max(self.buffer_free[self.current], end)
            self.array_idle = max(self.array_idle, end)
        else:
            self.array_accepts = end
            self.array_idle = max(self.array_idle, end)
        return end


def replay(
    instructions: Iterable[Instruction], config: MxuConfig
) -> Iterator[tuple[int, int, int]]:
    """(index, start, end) of each array instruction, issued in order with only these rules.

    No token, fence, DMA or activation waits: the array's own schedule, which the
    GEMM scheduler places epilogues by and `array_cycles` measures.
    """
    unit = ArrayUnit(config)
    issue = 0
    for index, ins in enumerate(instructions):
        if not isinstance(ins, ArrayInstruction):
            continue
        start = max(issue, unit.ready(ins))
        yield index, start, unit.place(ins, start)
        issue = start


def array_cycles(instructions: Iterable[Instruction], config: MxuConfig) -> int:
    """The array instructions replayed alone, first start to last end (0 if there are none).

    The figure is the GEMM's own time, comparable with the closed-form counts.
    """
    first: int | None = None
    last_end = 0
    for _, start, end in replay(instructions, config):
        first = start if first is None else first
        last_end = max(last_end, end)
    return 0 if first is None else last_end - first


__all__ = [
    "ArrayInstruction",
    "ArrayUnit",
    "array_cycles",
    "array_duration",
    "fill_and_drain",
    "replay",
]
