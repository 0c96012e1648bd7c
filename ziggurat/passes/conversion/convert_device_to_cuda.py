"""`convert-device-to-cuda`: launches on target cuda become kernels and host launches.

1. Buffers are placed (cuda_placement.py): device-only allocations move to
   global memory, everything else device code touches gets a global mirror
   kept in step with `device.copy`.
2. Each `device.parallel` at the top of a `device.launch` (several, separated
   by `device.barrier`, become several kernels in order) is outlined into a
   `cuda.kernel`: its `block_*` dimensions become `cuda.block_id`, the
   thread band nested in it `cuda.thread_id` (`iv = lb + id * step`), its
   `sequential` dimensions `scf.for` loops in every thread. The host computes
   the grid (`ceildiv(ub - lb, step)` per block dimension) and the block
   (the thread band's trip counts) and issues a `cuda.launch`; values the
   kernel reads from outside become its arguments.

Refused, with a located error: a thread band whose bounds depend on the block
(the block size must be known on the host), several thread bands in one block
band, and ops with memory effects between the block band and the thread band
(every thread would run them).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import IndexType, IntegerAttr, ModuleOp
from xdsl.dialects.func import FuncOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import is_side_effect_free

from ziggurat.diagnostics import CompileError
from ziggurat.dialects import cuda, device
from ziggurat.dialects.device_attrs import Dim
from ziggurat.passes.conversion.cuda_placement import place_buffers

_IDS = {"x": 0, "y": 1, "z": 2}


def _free_values(ops: list[Operation]) -> list[SSAValue]:
    """Values the ops use that are defined outside them, in first-use order."""
    inside: set[Operation] = set()
    blocks: set[Block] = set()
    for op in ops:
        for inner in op.walk():
            inside.add(inner)
            for region in inner.regions:
                blocks.update(region.blocks)
    free: dict[SSAValue, None] = {}
    for op in ops:
        for inner in op.walk():
            for value in inner.operands:
                owner = value.owner
                if (isinstance(owner, Operation) and owner in inside) or (
                    isinstance(owner, Block) and owner in blocks
                ):
                    continue
                free.setdefault(value, None)
    return list(free)


class _Host:
    """Builds host-side index arithmetic before one op."""

    def __init__(self, anchor: Operation):
        self.anchor = anchor

    def insert(self, op: Operation) -> SSAValue:
        Rewriter.insert_op(op, InsertPoint.before(self.anchor))
        return op.results[0]

    def constant(self, value: int) -> SSAValue:
        return self.insert(arith.ConstantOp(IntegerAttr(value, IndexType())))

    def trip_count(self, lower: SSAValue, upper: SSAValue, step: SSAValue) -> SSAValue:
        span = self.insert(arith.SubiOp(upper, lower))
        return self.insert(arith.CeilDivSIOp(span, step))


def _hoist_prologue(launch: device.LaunchOp) -> None:
    """Move the side-effect-free ops before the launch's parallel loops to the host."""
    for op in list(launch.body.block.ops):
        if isinstance(op, device.ParallelOp | device.YieldOp | device.BarrierOp):
            continue
        if op.regions or not is_side_effect_free(op):
            raise CompileError(
                f"cuda: cannot run '{op.name}' once per launch: outside its parallel loops a "
                "launch may only compute values (every thread would run it)",
                op,
            )
        op.detach()
        block = launch.parent_block()
        assert block is not None
        block.insert_op_before(op, launch)


def _thread_band(parallel: device.ParallelOp) -> device.ParallelOp | None:
    bands = [op for op in parallel.body.block.ops if isinstance(op, device.ParallelOp)]
    if len(bands) > 1:
        raise CompileError(
            "cuda: a block band holds several thread bands; they would need a barrier "
            "between them (give each its own launch)",
            bands[1],
        )
    for op in parallel.body.block.ops:
        if op in bands or isinstance(op, device.YieldOp):
            continue
        if op.regions or not is_side_effect_free(op):
            raise CompileError(
                f"cuda: '{op.name}' between the block band and the thread band would run in "
                "every thread; move it into the thread band",
                op,
            )
    return bands[0] if bands else None


@dataclass
class _Outliner:
    module: ModuleOp
    func: FuncOp
    count: int = 0

    def kernel_name(self) -> str:
        taken = {getattr(op, "sym_name", None) for op in self.module.ops}
        taken = {t.data for t in taken if t is not None}
        while True:
            name = f"{self.func.sym_name.data}_kernel{self.count}"
            self.count += 1
            if name not in taken:
                return name

    def outline(self, launch: device.LaunchOp) -> None:
        _hoist_prologue(launch)
        for op in list(launch.body.block.ops):
            if isinstance(op, device.ParallelOp):
                self._kernel(launch, op)
        launch.detach()
        launch.erase()

    def _kernel(self, launch: device.LaunchOp, blocks: device.ParallelOp) -> None:
        threads = _thread_band(blocks)
        host = _Host(launch)
        ivs = set(blocks.body.block.args)
        if threads is not None:
            for bound in (*threads.lowerBound, *threads.upperBound, *threads.step):
                owner = bound.owner
                inside = bound in ivs or (
                    isinstance(owner, Operation) and owner.parent_op() is blocks
                )
                if inside and not isinstance(owner, arith.ConstantOp):
                    raise CompileError(
                        "cuda: the thread band's bounds depend on the block; the block size "
                        "must be known on the host (map with map-to-device's block-sizes)",
                        threads,
                    )
        grid, block = [host.constant(1)] * 3, [host.constant(1)] * 3
        for k, dim in enumerate(blocks.dims):
            if dim.startswith("block_"):
                grid[_IDS[dim[-1]]] = host.trip_count(
                    blocks.lowerBound[k], blocks.upperBound[k], blocks.step[k]
                )
        if threads is not None:
            for k, dim in enumerate(threads.dims):
                if dim.startswith("thread_"):
                    bounds = [
                        self._on_host(v, host)
                        for v in (threads.lowerBound[k], threads.upperBound[k], threads.step[k])
                    ]
                    block[_IDS[dim[-1]]] = host.trip_count(*bounds)
        body_ops = list(blocks.body.block.ops)[:-1]
        bounds = [*blocks.lowerBound, *blocks.upperBound, *blocks.step]
        used = [v for v in dict.fromkeys([*_free_values(body_ops), *bounds]) if v not in ivs]
        constants = [v for v in used if isinstance(v.owner, arith.ConstantOp)]
        free = [v for v in used if v not in constants]
        kernel_block = Block(arg_types=[v.type for v in free])
        mapping: dict[SSAValue, SSAValue] = dict(zip(free, kernel_block.args, strict=True))
        for arg, value in zip(kernel_block.args, free, strict=True):
            arg.name_hint = value.name_hint
        for value in constants:
            owner = value.owner
            assert isinstance(owner, arith.ConstantOp)
            clone = owner.clone()
            kernel_block.add_op(clone)
            mapping[value] = clone.results[0]
        name = self.kernel_name()
        body_block = self._distribute(kernel_block, blocks, "block", mapping)
        for op in body_ops:
            op.detach()
            if threads is not None and op is threads:
                self._threads(body_block, threads, mapping)
            else:
                _add(body_block, op)
        for op in kernel_block.walk():
            for i, value in enumerate(op.operands):
                if value in mapping:
                    op.operands[i] = mapping[value]
        for inner in list(kernel_block.walk()):
            if isinstance(inner, device.BarrierOp):  # inside the thread band: __syncthreads
                Rewriter.replace_op(inner, cuda.BarrierOp())
            elif isinstance(inner, device.ParallelOp):  # deeper bands: loops in each thread
                _sequential_loops(inner)
        kernel_block.add_op(cuda.ReturnOp())
        kernel = cuda.KernelOp(name, [v.type for v in free], Region(kernel_block))
        self.module.body.block.insert_op_before(kernel, self.func)
        Rewriter.insert_op(
            cuda.LaunchOp(name, grid, block, host.constant(0), free), InsertPoint.before(launch)
        )

    def _on_host(self, value: SSAValue, host: _Host) -> SSAValue:
        owner = value.owner
        if isinstance(owner, arith.ConstantOp) and owner.parent_op() not in (None, self.func):
            return host.insert(owner.clone())
        return value

    def _distribute(
        self,
        block: Block,
        parallel: device.ParallelOp,
        kind: str,
        mapping: dict[SSAValue, SSAValue],
    ) -> Block:
        """Bind `parallel`'s induction variables in `block` (ids or loops); the block where
        its body goes."""
        id_op = cuda.BlockIdOp if kind == "block" else cuda.ThreadIdOp
        current = block
        for k, (dim, iv) in enumerate(zip(parallel.dims, parallel.body.block.args, strict=True)):
            lower = mapping.get(parallel.lowerBound[k], parallel.lowerBound[k])
            upper = mapping.get(parallel.upperBound[k], parallel.upperBound[k])
            step = mapping.get(parallel.step[k], parallel.step[k])
            if dim == Dim.SEQUENTIAL:
                loop_body = Block(arg_types=[IndexType()])
                loop_body.args[0].name_hint = iv.name_hint
                loop_body.add_op(scf.YieldOp())
                _add(current, scf.ForOp(lower, upper, step, [], Region(loop_body)))
                iv.replace_all_uses_with(loop_body.args[0])
                current = loop_body
                continue
            ident = id_op(dim[-1])
            scaled = arith.MuliOp(ident.result, step)
            value = arith.AddiOp(lower, scaled)
            value.result.name_hint = iv.name_hint
            _add(current, ident, scaled, value)
            iv.replace_all_uses_with(value.result)
        return current

    def _threads(
        self, block: Block, threads: device.ParallelOp, mapping: dict[SSAValue, SSAValue]
    ) -> None:
        body = self._distribute(block, threads, "thread", mapping)
        for op in list(threads.body.block.ops)[:-1]:
            op.detach()
            _add(body, op)
        threads.erase()


def _sequential_loops(parallel: device.ParallelOp) -> None:
    """Replace a band mapped to `sequential` dims by the scf.for nest each thread runs."""
    if any(d != Dim.SEQUENTIAL for d in parallel.dims):
        raise CompileError(
            "cuda: a band nested below the thread band must be sequential, got "
            + ", ".join(parallel.dims),
            parallel,
        )
    outer = parallel.parent_block()
    assert outer is not None
    body = Block()
    loop = None
    current_parent, anchor = outer, parallel
    for k, iv in enumerate(parallel.body.block.args):
        loop_body = Block(arg_types=[IndexType()])
        loop_body.args[0].name_hint = iv.name_hint
        yield_op = scf.YieldOp()
        loop_body.add_op(yield_op)
        loop = scf.ForOp(
            parallel.lowerBound[k],
            parallel.upperBound[k],
            parallel.step[k],
            [],
            Region(loop_body),
        )
        current_parent.insert_op_before(loop, anchor)
        iv.replace_all_uses_with(loop_body.args[0])
        current_parent, anchor = loop_body, yield_op
        body = loop_body
    for op in list(parallel.body.block.ops)[:-1]:
        op.detach()
        _add(body, op)
    parallel.detach()
    parallel.erase()


def _add(block: Block, *ops: Operation) -> None:
    """Append `ops` to `block`, before its `scf.yield` if it has one (a loop body)."""
    last = block.last_op
    for op in ops:
        if isinstance(last, scf.YieldOp):
            block.insert_op_before(op, last)
        else:
            block.add_op(op)


@dataclass(frozen=True)
class ConvertDeviceToCudaPass(ModulePass):
    """Lower launches on target cuda to cuda.kernel + cuda.launch, placing buffers on the GPU.

    Block dimensions become blockIdx, the nested thread band threadIdx, sequential
    dimensions loops in every thread; buffers device code uses live in global memory.
    """

    name = "convert-device-to-cuda"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        # A declaration (no body) has no launch and no buffer to place: it is kept as it is.
        for func in [f for f in op.ops if isinstance(f, FuncOp) and f.body.blocks]:
            launches = [
                inner
                for inner in func.walk()
                if isinstance(inner, device.LaunchOp) and inner.target.kind.data != "cuda"
            ]
            if launches:
                raise CompileError(
                    f"cuda: cannot convert a launch on target '{launches[0].target.kind.data}'",
                    launches[0],
                )
            place_buffers(func)
            outliner = _Outliner(op, func)
            for launch in [i for i in func.walk() if isinstance(i, device.LaunchOp)]:
                outliner.outline(launch)
