"""Run the mxu kernels of a program: DRAM layout, program assembly, simulation, results.

A kernel is a `device.launch` on the mxu whose body is instruction ops. Its
DRAM image holds every buffer the instructions name, each densely laid out in
row-major order at a 64-byte aligned address, in the order the instructions
first name them; a `load`'s or `store`'s `dram_addr` is its offset into its
buffer plus that address. After the simulation, the buffers a `store` wrote
are copied back. Host code (everything outside the launches) runs elsewhere:
`ziggurat-run --target mxu` runs it on the `ref` executor and hands each
launch to `MxuRuntime.run_launch`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from xdsl.dialects.builtin import MemRefType, ModuleOp
from xdsl.ir import Operation, SSAValue

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.device import LaunchOp
from ziggurat.dialects.mxu import InstructionOp, config_of, memref_bytes
from ziggurat.hardware.mxu import isa
from ziggurat.hardware.mxu.config import MxuConfig

if TYPE_CHECKING:
    from ziggurat.targets.mxu.simulator import SimReport

ALIGNMENT = 64
"""Bytes to which each buffer's DRAM address is aligned."""


@dataclass(frozen=True)
class Placement:
    """One buffer of a kernel's DRAM image."""

    value: SSAValue
    address: int
    size: int
    written: bool


@dataclass(frozen=True)
class Kernel:
    """A launch assembled for the simulator: instructions with final DRAM addresses."""

    launch: LaunchOp
    config: MxuConfig
    program: list[isa.Instruction]
    layout: list[Placement]

    @property
    def dram_size(self) -> int:
        end = max((p.address + p.size for p in self.layout), default=0)
        return -(-end // ALIGNMENT) * ALIGNMENT


def mxu_launches(module: ModuleOp) -> list[LaunchOp]:
    """The mxu kernels of `module`, in program order."""
    return [op for op in module.walk() if isinstance(op, LaunchOp) and op.target.kind.data == "mxu"]


def assemble_kernel(launch: LaunchOp) -> Kernel:
    """Lay out the launch's buffers in DRAM and resolve its instructions' addresses."""
    config = config_of(launch.target)
    placements: dict[SSAValue, Placement] = {}
    address = 0
    ops = list(launch.body.block.ops)[:-1]
    for op in ops:
        if not isinstance(op, InstructionOp):
            raise CompileError(
                f"mxu: '{op.name}' is not an mxu instruction (run mxu-schedule first)", op
            )
        if op.dram:
            value = op.dram[0]
            written = op.name == "mxu.store"
            known = placements.get(value)
            if known is None:
                memref = value.type
                assert isinstance(memref, MemRefType)
                size = memref_bytes(memref)
                placements[value] = Placement(value, address, size, written)
                address = -(-(address + size) // ALIGNMENT) * ALIGNMENT
            elif written and not known.written:
                placements[value] = Placement(value, known.address, known.size, True)
    program = []
    for op in ops:
        assert isinstance(op, InstructionOp)
        base = placements[op.dram[0]].address if op.dram else 0
        program.append(op.instruction(base))
    if not program or not isinstance(program[-1], isa.Halt):
        raise CompileError("mxu: the kernel does not end in 'mxu.halt'", launch)
    if address > config.dram_bytes:
        raise CompileError(
            f"mxu: the kernel's buffers take {address} bytes; the DRAM has {config.dram_bytes}",
            launch,
        )
    return Kernel(launch, config, program, list(placements.values()))


def describe_layout(kernel: Kernel) -> list[str]:
    """One line per buffer: address, size, type (for assembly listings)."""
    return [
        f"dram {p.address:#010x} .. {p.address + p.size - 1:#010x}  {p.value.name_hint or '?'}"
        f" : {p.value.type}{'  (written)' if p.written else ''}"
        for p in kernel.layout
    ]


@dataclass
class KernelRun:
    """What one kernel execution reported."""

    kernel: Kernel
    report: SimReport


@dataclass
class MxuRuntime:
    """Runs launches on the simulator and keeps their reports (for `--json`)."""

    trace: bool = False
    runs: list[KernelRun] = field(default_factory=list)
    traces: list[list[dict]] = field(default_factory=list)
    _kernels: dict[LaunchOp, Kernel] = field(default_factory=dict)

    def run_launch(self, launch: Operation, buffers: Mapping[SSAValue, np.ndarray]) -> None:
        """Run one kernel on the arrays of the buffers it names; write back what it stores."""
        from ziggurat.targets.mxu.simulator import SimulationError, simulate

        assert isinstance(launch, LaunchOp)
        kernel = self._kernels.get(launch)
        if kernel is None:
            kernel = self._kernels[launch] = assemble_kernel(launch)
        dram = np.zeros(kernel.dram_size, dtype=np.uint8)
        for p in kernel.layout:
            data = np.ascontiguousarray(buffers[p.value]).reshape(-1).view(np.uint8)
            dram[p.address : p.address + p.size] = data
        try:
            result = simulate(kernel.program, kernel.config, dram, trace=self.trace)
        except SimulationError as error:
            raise CompileError(f"mxu: {error}", launch) from None
        for p in kernel.layout:
            if p.written:
                target = buffers[p.value]
                raw = result.dram[p.address : p.address + p.size]
                target[...] = raw.view(target.dtype).reshape(target.shape)
        self.runs.append(KernelRun(kernel, result.report))
        if self.trace and result.trace_events is not None:
            self.traces.append(result.trace_events)

    def summary(self) -> dict[str, object]:
        """Totals over every kernel run so far (cycles, MACs, bytes, utilisation)."""
        reports = [run.report for run in self.runs]
        macs = sum(r.macs for r in reports)
        peak = sum(
            run.report.cycles * run.kernel.config.rows * run.kernel.config.cols for run in self.runs
        )
        return {
            "kernels": len(reports),
            "cycles": sum(r.cycles for r in reports),
            "array_cycles": sum(r.array_cycles for r in reports),
            "macs": macs,
            "utilisation": macs / peak if peak else 0.0,
            "dram_read_bytes": sum(r.dram_read_bytes for r in reports),
            "dram_written_bytes": sum(r.dram_written_bytes for r in reports),
        }


def lower_for_mxu(
    module: ModuleOp, preset: str = "edge", config: str = "", dataflow: str = "ws"
) -> ModuleOp:
    """`module` ready to run: a copy through `mxu-pipeline` (or `mxu-schedule`) if needed.

    A module with instruction-level kernels runs as it is; one with `mxu.gemm`s is
    scheduled; anything else goes through the whole pipeline for the machine.
    """
    from ziggurat.dialects.mxu import GemmOp
    from ziggurat.passes.mxu.mxu_schedule import MxuSchedulePass
    from ziggurat.passes.pipelines import MxuPipelinePass, lowering_context

    launches = mxu_launches(module)
    has_gemm = any(isinstance(op, GemmOp) for op in module.walk())
    if launches and not has_gemm:
        return module
    lowered = module.clone()
    if has_gemm:
        MxuSchedulePass().apply(lowering_context(), lowered)
    else:
        MxuPipelinePass(preset=preset, config=config, dataflow=dataflow).apply(
            lowering_context(), lowered
        )
    lowered.verify()
    return lowered
