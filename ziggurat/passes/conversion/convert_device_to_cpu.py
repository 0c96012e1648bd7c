"""`convert-device-to-cpu`: `device` ops on target `cpu` become `cpu`, `scf` and `memref` ops.

- `device.launch target(#device.target<cpu...>)`: its body is inlined where
  the launch was; the host thread runs what is not in a parallel loop.
- `device.parallel`: its dimensions, outermost first, become loops: each run
  of consecutive `thread` dimensions one `cpu.parallel_for` (collapsed; the
  pass's `schedule`/`chunk` options and the target's `num_threads` option
  become its clauses), each `sequential` dimension an `scf.for`, a `simd`
  dimension a `cpu.simd`.
- `device.alloc` -> `memref.alloc`, `device.copy` -> `memref.copy`; every
  `#device.memory_space<host|global>` is dropped from memref types (both are
  the one memory of a CPU).
- `device.barrier` between the parallel loops of a launch is removed: each
  `cpu.parallel_for` ends with OpenMP's implicit barrier, so every thread has
  finished it before what follows starts. A barrier inside a parallel loop's
  body is refused: the threads of an OpenMP worksharing loop cannot meet in
  the middle of their iterations.

Refused with a located error: launches on other targets, and memory spaces
a CPU does not have.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import memref, scf
from xdsl.dialects.builtin import FunctionType, IndexType, MemRefType, ModuleOp, NoneAttr
from xdsl.dialects.func import FuncOp
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from ziggurat.diagnostics import CompileError
from ziggurat.dialects import cpu, device
from ziggurat.dialects.device_attrs import TARGETS, Dim, MemorySpaceAttr
from ziggurat.dialects.memref import CopyOp as MemrefCopyOp

CPU_SPACES = TARGETS["cpu"].memory_spaces


def _error(op: Operation, message: str) -> CompileError:
    return CompileError(message, op)


def _loops(
    parallel: device.ParallelOp, schedule: str, chunk: int | None, threads: int | None
) -> None:
    """Replace `parallel` by the loop nest its mapping asks for."""
    dims = parallel.dims
    groups: list[list[int]] = []
    for k, dim in enumerate(dims):
        if groups and dim == Dim.THREAD and dims[groups[-1][0]] == Dim.THREAD:
            groups[-1].append(k)
        else:
            groups.append([k])
    old_body = parallel.body.block
    outer_block = parallel.parent_block()
    assert outer_block is not None
    anchor: Operation = parallel
    insert_into: Block | None = None
    innermost: Block | None = None
    ivs: dict[int, SSAValue] = {}
    for group in groups:
        lower = [parallel.lowerBound[k] for k in group]
        upper = [parallel.upperBound[k] for k in group]
        steps = [parallel.step[k] for k in group]
        kind = dims[group[0]]
        if kind == Dim.THREAD:
            block = Block(arg_types=[IndexType()] * len(group))
            block.add_op(cpu.YieldOp())
            loop: Operation = cpu.ParallelForOp(
                lower, upper, steps, Region(block), schedule, chunk, threads
            )
        elif kind == Dim.SIMD:
            block = Block(arg_types=[IndexType()])
            block.add_op(cpu.YieldOp())
            loop = cpu.SimdOp(lower[0], upper[0], steps[0], Region(block))
        else:
            block = Block(arg_types=[IndexType()])
            block.add_op(scf.YieldOp())
            loop = scf.ForOp(lower[0], upper[0], steps[0], [], Region(block))
        for k, arg in zip(group, block.args, strict=True):
            arg.name_hint = old_body.args[k].name_hint
            ivs[k] = arg
        if insert_into is None:
            outer_block.insert_op_before(loop, anchor)
        else:
            insert_into.insert_op_before(loop, insert_into.last_op)  # pyright: ignore
        insert_into = innermost = block
    assert innermost is not None
    for k, old in enumerate(old_body.args):
        old.replace_all_uses_with(ivs[k])
    terminator = innermost.last_op
    assert terminator is not None
    for op in list(old_body.ops)[:-1]:
        op.detach()
        innermost.insert_op_before(op, terminator)
    parallel.detach()
    parallel.erase()


def _enclosing_parallel(op: Operation) -> device.ParallelOp | None:
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, device.LaunchOp):
        if isinstance(parent, device.ParallelOp):
            return parent
        parent = parent.parent_op()
    return None


def _inline_launch(launch: device.LaunchOp) -> None:
    block = launch.parent_block()
    assert block is not None
    for op in list(launch.body.block.ops)[:-1]:
        op.detach()
        block.insert_op_before(op, launch)
    launch.detach()
    launch.erase()


def _strip(t: Attribute, op: Operation) -> Attribute:
    """`t` without a CPU device memory space; other device spaces are refused."""
    if isinstance(t, MemRefType) and isinstance(t.memory_space, MemorySpaceAttr):
        space = t.memory_space.data
        if space not in CPU_SPACES:
            raise _error(
                op,
                f"memory space '{space}' does not exist on a CPU (it has: "
                + ", ".join(CPU_SPACES)
                + ")",
            )
        return MemRefType(t.element_type, t.shape, t.layout, NoneAttr())
    return t


def _strip_memory_spaces(func: FuncOp) -> None:
    for op in func.walk():
        for region in op.regions:
            for block in region.blocks:
                for arg in block.args:
                    new = _strip(arg.type, op)
                    if new != arg.type:
                        Rewriter.replace_value_with_new_type(arg, new)
        for result in op.results:
            new = _strip(result.type, op)
            if new != result.type:
                Rewriter.replace_value_with_new_type(result, new)
    function_type = func.function_type
    inputs = [_strip(t, func) for t in function_type.inputs]
    outputs = [_strip(t, func) for t in function_type.outputs]
    func.function_type = FunctionType.from_lists(inputs, outputs)


@dataclass(frozen=True)
class ConvertDeviceToCpuPass(ModulePass):
    """Lower device ops on target cpu to cpu.parallel_for, cpu.simd, scf.for and memref ops.

    Thread dimensions become one collapsed OpenMP loop each, sequential ones
    scf.for, simd ones cpu.simd; launches are inlined; barriers between
    parallel loops are dropped (OpenMP loops end with a barrier).
    """

    name = "convert-device-to-cpu"

    schedule: str = "static"
    """The OpenMP schedule of every cpu.parallel_for: static, dynamic or guided."""
    chunk: int = 0
    """The schedule's chunk size; 0 leaves it to OpenMP."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.schedule not in cpu.SCHEDULES:
            raise CompileError(
                f"unknown schedule '{self.schedule}', expected one of: " + ", ".join(cpu.SCHEDULES)
            )
        if self.chunk < 0:
            raise CompileError("the chunk size must not be negative")
        for inner in list(op.walk()):
            if isinstance(inner, device.LaunchOp):
                self._convert_launch(inner)
        for inner in list(op.walk()):
            if isinstance(inner, device.AllocOp):
                self._convert_alloc(inner)
            elif isinstance(inner, device.CopyOp):
                Rewriter.replace_op(inner, MemrefCopyOp(inner.source, inner.destination))
            elif isinstance(inner, device.BarrierOp | device.ParallelOp):
                raise _error(inner, f"'{inner.name}' outside a 'device.launch'")
        for func in op.walk():
            if isinstance(func, FuncOp):
                _strip_memory_spaces(func)

    def _convert_launch(self, launch: device.LaunchOp) -> None:
        target = launch.target
        if target.kind.data != "cpu":
            raise _error(launch, f"cannot convert a launch on target '{target.kind.data}'")
        threads = target.option("num_threads")
        chunk = self.chunk or None
        for inner in list(launch.body.walk()):
            if isinstance(inner, device.BarrierOp):
                if _enclosing_parallel(inner) is None:
                    inner.detach()
                    inner.erase()
                else:
                    raise _error(
                        inner,
                        "cannot lower 'device.barrier' inside a parallel loop: the threads of "
                        "an OpenMP loop cannot synchronise within their iterations",
                    )
        parallels = [p for p in launch.body.walk() if isinstance(p, device.ParallelOp)]
        for parallel in parallels:
            _loops(parallel, self.schedule, chunk, threads)
        _inline_launch(launch)

    def _convert_alloc(self, alloc: device.AllocOp) -> None:
        memref_type = _strip(alloc.memref.type, alloc)
        assert isinstance(memref_type, MemRefType)
        new = memref.AllocOp(list(alloc.dynamic_sizes), [], memref_type)
        Rewriter.replace_op(alloc, new)
