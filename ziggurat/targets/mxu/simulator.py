"""Run an mxu instruction stream: its results, bit for bit, and its cycle count.

`simulate` validates the program against the machine, executes it in program
order on numpy memories (functional.py), schedules it with the timing model
(timing.py), which also proves that the timed machine computes what program
order computes, and reports the counters of docs/mxu.md, "Statistics".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ziggurat.hardware.mxu.config import MxuConfig
from ziggurat.hardware.mxu.isa import DType, Halt, Instruction, IsaError, Load, Store
from ziggurat.targets.mxu.functional import (
    MachineState,
    SimulationError,
    execute,
    transfer_end,
)
from ziggurat.targets.mxu.timing import schedule_program
from ziggurat.targets.mxu.trace import trace_events


@dataclass
class SimReport:
    """The counters of one run (docs/mxu.md, "Statistics")."""

    cycles: int
    array_cycles: int
    macs: int
    utilisation: float
    busy: dict[str, int]
    stalls: dict[str, int]
    dram_read_bytes: int
    dram_written_bytes: int
    schedule: list[tuple[int, int]] = field(repr=False)
    """(start, end) of every instruction, by index."""

    def to_dict(self) -> dict[str, Any]:
        """The counters as JSON-ready values (the schedule is summarised by its length)."""
        return {
            "instructions": len(self.schedule),
            "cycles": self.cycles,
            "array_cycles": self.array_cycles,
            "macs": self.macs,
            "utilisation": self.utilisation,
            "busy": dict(self.busy),
            "stalls": dict(self.stalls),
            "dram_read_bytes": self.dram_read_bytes,
            "dram_written_bytes": self.dram_written_bytes,
        }


@dataclass
class SimResult:
    """What a run leaves behind: the counters, DRAM, the on-chip memories, the trace."""

    report: SimReport
    dram: np.ndarray
    """The DRAM image (the array passed in, modified in place)."""
    state: MachineState = field(repr=False)
    trace_events: list[dict[str, Any]] | None = None

    @property
    def scratchpad(self) -> np.ndarray:
        """The scratchpad as (rows, width) bytes."""
        return self.state.scratchpad

    @property
    def accumulator(self) -> np.ndarray:
        """The accumulator as (rows, 4 * width) bytes."""
        return self.state.accumulator

    def scratchpad_rows(self, row: int, rows: int, dtype: DType) -> np.ndarray:
        """A copy of `rows` logical scratchpad rows of `dtype` from `row`, (rows, width)."""
        return self.state.scratchpad_rows(row, rows, dtype).copy()

    def accumulator_rows(self, row: int, rows: int, dtype: DType = DType.I32) -> np.ndarray:
        """A copy of `rows` accumulator rows from `row` as i32 or f32, (rows, width)."""
        return self.state.accumulator_rows(row, rows, dtype).copy()


def dram_bytes_needed(program: Sequence[Instruction]) -> int:
    """The smallest DRAM image every `load` and `store` of `program` fits in."""
    return max(
        (transfer_end(ins) for ins in program if isinstance(ins, Load | Store)),
        default=0,
    )


def validate(program: Sequence[Instruction], config: MxuConfig) -> None:
    """Fields in range for `config`, and one `halt`, at the end."""
    if not program:
        raise SimulationError("the program is empty: it must end with 'halt'")
    halt: int | None = None
    for index, ins in enumerate(program):
        if halt is not None:
            raise SimulationError(
                f"comes after the halt at instruction {halt}: 'halt' must be last",
                index,
                ins.MNEMONIC,
            )
        try:
            ins.check(config)
        except IsaError as error:
            raise SimulationError(str(error), index, ins.MNEMONIC) from None
        if isinstance(ins, Halt):
            halt = index
    if halt is None:
        last = len(program) - 1
        raise SimulationError("the program ends without a 'halt'", last, program[last].MNEMONIC)


def _check_dram_image(program: Sequence[Instruction], dram: np.ndarray) -> None:
    for index, ins in enumerate(program):
        if isinstance(ins, Load | Store) and transfer_end(ins) > dram.size:
            verb = "reads" if isinstance(ins, Load) else "writes"
            raise SimulationError(
                f"{verb} DRAM bytes {ins.dram_addr:#x}..{transfer_end(ins) - 1:#x}, beyond "
                f"the end of the {dram.size}-byte DRAM image",
                index,
                ins.MNEMONIC,
            )


def simulate(
    program: Sequence[Instruction],
    config: MxuConfig,
    dram: np.ndarray | None = None,
    *,
    trace: bool = False,
) -> SimResult:
    """Run `program` on the machine `config` describes.

    `dram` is the DRAM image as a 1-D uint8 array, modified in place; None
    gives a zeroed image just large enough for the program's transfers.
    Raises SimulationError (with the instruction's index) on an illegal
    program: see docs/mxu.md, "Errors".
    """
    program = list(program)
    validate(program, config)
    if dram is None:
        dram = np.zeros(dram_bytes_needed(program), dtype=np.uint8)
    elif not (
        isinstance(dram, np.ndarray)
        and dram.dtype == np.uint8
        and dram.ndim == 1
        and dram.flags.c_contiguous
        and dram.flags.writeable
    ):
        raise TypeError("the DRAM image must be a writeable, contiguous 1-D uint8 array")
    _check_dram_image(program, dram)
    state = MachineState(config, dram)
    execute(program, state)
    timing = schedule_program(program, config)
    array_size = config.rows * config.cols
    report = SimReport(
        cycles=timing.cycles,
        array_cycles=timing.array_cycles,
        macs=state.macs,
        utilisation=state.macs / (timing.cycles * array_size) if timing.cycles else 0.0,
        busy=timing.busy,
        stalls=timing.stalls,
        dram_read_bytes=state.dram_read_bytes,
        dram_written_bytes=state.dram_written_bytes,
        schedule=timing.schedule,
    )
    events = trace_events(program, timing.schedule, config) if trace else None
    return SimResult(report=report, dram=dram, state=state, trace_events=events)


__all__ = [
    "SimReport",
    "SimResult",
    "SimulationError",
    "dram_bytes_needed",
    "simulate",
    "validate",
]
