"""`map-to-device`: parallel loop nests become `device.launch` + `device.parallel`.

Works on `affine.parallel` (as `affine-parallelize` makes them) and
`scf.parallel` (as `lower-affine` makes them, or written by hand); no
`lower-affine` is needed first: affine bounds are computed with `arith` ops
just before the loop they bound, and the body's affine accesses stay as they
are (a `device.parallel` body is an affine scope for them, as the ref
executor and `lower-affine` treat it).

Each outermost parallel loop of a function becomes one launch. A perfect
nest of parallel loops whose inner bounds do not depend on the outer
induction variables is one band, one `device.parallel`. On `cpu`, the
launch's band is mapped to `thread` (its loops collapse into one OpenMP
loop); parallel loops nested inside it are mapped to `sequential`; with
`simd=true`, the innermost dimension of an innermost band with a unit step
is mapped to `simd`. Everything else stays on the host, unchanged.

On `cuda` (map_to_cuda.py), the launch's band runs on blocks and the first
nested band on the threads of each block; an untiled band is split into
blocks of threads (`block-sizes`) with a bounds guard.

Refused, with a located error: an outermost parallel loop that reduces
(`affine.parallel ... reduce`, `scf.parallel ... init`), since
`device.parallel` has no reductions; and target `mxu`, whose kernels come
from `convert-linalg-to-mxu`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xdsl.builder import Builder
from xdsl.context import Context
from xdsl.dialects.arith import ConstantOp
from xdsl.dialects.builtin import IndexType, IntegerAttr, ModuleOp
from xdsl.dialects.func import FuncOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint

from ziggurat.diagnostics import CompileError
from ziggurat.dialects import affine
from ziggurat.dialects.device import LaunchOp, ParallelOp, YieldOp
from ziggurat.dialects.device_attrs import TARGETS, Dim, TargetAttr
from ziggurat.dialects.scf import ParallelOp as ScfParallelOp
from ziggurat.hardware.cuda import MAX_THREADS_PER_BLOCK
from ziggurat.passes.affine.affine_expr import AffineExpander
from ziggurat.passes.conversion.map_to_cuda import map_band_to_cuda

PARALLEL_LOOPS = (affine.ParallelOp, ScfParallelOp)

MAPPED_TARGETS = ("cpu", "cuda")
"""Targets whose mapping this pass implements."""


def _is_parallel(op: Operation) -> bool:
    return isinstance(op, PARALLEL_LOOPS)


def _bound_operands(op: Operation) -> Sequence[SSAValue]:
    if isinstance(op, affine.ParallelOp):
        return op.map_operands
    assert isinstance(op, ScfParallelOp)
    return [*op.lowerBound, *op.upperBound, *op.step]


def _band(root: Operation) -> list[Operation]:
    """`root` and the parallel loops perfectly nested in it that can join its band."""
    band = [root]
    while True:
        ops = list(band[-1].regions[0].block.ops)
        if len(ops) != 2 or not _is_parallel(ops[0]) or ops[0].results:
            return band
        ivs = {iv for loop in band for iv in loop.regions[0].block.args}
        if any(v in ivs for v in _bound_operands(ops[0])):
            return band
        band.append(ops[0])


def _grouped(values: Sequence[SSAValue], groups: Sequence[int]) -> list[list[SSAValue]]:
    out, start = [], 0
    for size in groups:
        out.append(list(values[start : start + size]))
        start += size
    return out


def _bounds(
    loop: Operation, expand: AffineExpander
) -> tuple[list[SSAValue], list[SSAValue], list[SSAValue], list[int | None]]:
    """Lower bounds, upper bounds and steps of `loop` as index values; the constant steps."""
    if isinstance(loop, ScfParallelOp):
        steps = [_constant(s) for s in loop.step]
        return list(loop.lowerBound), list(loop.upperBound), list(loop.step), steps
    assert isinstance(loop, affine.ParallelOp)
    lbs = expand.map(loop.lowerBoundsMap.data, loop.lower_bound_operands)
    ubs = expand.map(loop.upperBoundsMap.data, loop.upper_bound_operands)
    lower = [expand.max(g) for g in _grouped(lbs, loop.lowerBoundsGroups.get_values())]
    upper = [expand.min(g) for g in _grouped(ubs, loop.upperBoundsGroups.get_values())]
    steps = [s.value.data for s in loop.steps]
    return lower, upper, [expand.constant(s) for s in steps], list(steps)


def _constant(value: SSAValue) -> int | None:
    owner = value.owner
    if isinstance(owner, ConstantOp) and isinstance(owner.value, IntegerAttr):
        return owner.value.value.data
    return None


def _refuse_reductions(loop: Operation) -> None:
    if loop.results:
        raise CompileError(
            f"cannot map '{loop.name}' with reductions to a device "
            "('device.parallel' has no reductions); keep reductions sequential "
            "(affine-parallelize without parallel-reductions)",
            loop,
        )


@dataclass(frozen=True)
class MapToDevicePass(ModulePass):
    """Map each function's parallel loop nests onto a target: device.launch + device.parallel.

    Outermost parallel loops (affine.parallel or scf.parallel) become launches;
    on cpu their band runs on threads, nested parallel loops run sequentially.
    """

    name = "map-to-device"

    target: str = "cpu"
    """The target kind: `cpu` or `cuda`."""
    simd: bool = False
    """Map the innermost unit-step dimension of innermost bands to `simd` (cpu)."""
    num_threads: int = 0
    """Threads of each launch (the target's `num_threads` option); 0 leaves it to run time."""
    block_sizes: tuple[int, ...] = ()
    """cuda: threads per block of an untiled band, innermost dimension last (default: from
    the shape, 256 threads at most)."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.target not in TARGETS:
            raise CompileError(
                f"unknown target '{self.target}', expected one of: " + ", ".join(TARGETS)
            )
        if any(b <= 0 for b in self.block_sizes):
            raise CompileError(f"block sizes must be positive, got {list(self.block_sizes)}")
        threads = math.prod(self.block_sizes[-3:])
        if threads > MAX_THREADS_PER_BLOCK:
            raise CompileError(
                f"block sizes {list(self.block_sizes)} make {threads} threads per block; "
                f"a block has at most {MAX_THREADS_PER_BLOCK}"
            )
        if self.target == "cuda" and self.num_threads:
            raise CompileError(
                "num_threads applies to target cpu; on cuda the block size is block-sizes"
            )
        if self.num_threads < 0:
            raise CompileError(f"num_threads must be positive or 0, got {self.num_threads}")
        if self.target not in MAPPED_TARGETS:
            raise CompileError(
                f"target '{self.target}' runs whole matmuls, not loop nests: its kernels "
                "come from convert-linalg-to-mxu (mxu-pipeline); map-to-device maps to: "
                + ", ".join(MAPPED_TARGETS)
            )
        for func in op.walk():
            if isinstance(func, FuncOp):
                for root in outermost_parallel_loops(func):
                    self._launch(root)

    def _launch(self, root: Operation) -> None:
        _refuse_reductions(root)
        block = root.parent_block()
        assert block is not None
        body = Block()
        options = {"num_threads": self.num_threads} if self.num_threads else {}
        launch = LaunchOp(TargetAttr(self.target, options), Region(body))
        block.insert_op_before(launch, root)
        root.detach()
        body.add_ops([root, YieldOp()])
        if self.target == "cuda":
            map_band_to_cuda(self, root)
            return
        self._map(root, top=True)

    def _map(self, root: Operation, top: bool) -> None:
        """Replace the band rooted at `root` by a device.parallel, then its nested loops."""
        self.replace_band(root, lambda n, innermost, step: self._mapping(n, top, innermost, step))

    def replace_band(
        self,
        root: Operation,
        mapping: Callable[[int, bool, int | None], list[Dim]],
        nested: Callable[[Operation], None] | None = None,
    ) -> ParallelOp:
        """Replace the band rooted at `root` by a `device.parallel` mapped by `mapping`
        (dimension count, whether innermost, last constant step), then map the parallel
        loops nested in it with `nested` (default: as sequential or thread dims)."""
        band = _band(root)
        expand = AffineExpander(Builder(InsertPoint.before(root)), root)
        lower: list[SSAValue] = []
        upper: list[SSAValue] = []
        steps: list[SSAValue] = []
        constant_steps: list[int | None] = []
        for loop in band:
            lb, ub, st, const = _bounds(loop, expand)
            lower += lb
            upper += ub
            steps += st
            constant_steps += const
        inner = band[-1].regions[0].block
        new_body = Block(arg_types=[IndexType()] * len(lower))
        old_ivs = [iv for loop in band for iv in loop.regions[0].block.args]
        for old, new in zip(old_ivs, new_body.args, strict=True):
            new.name_hint = old.name_hint
            old.replace_all_uses_with(new)
        for op in list(inner.ops)[:-1]:
            op.detach()
            new_body.add_op(op)
        new_body.add_op(YieldOp())
        is_innermost = not any(op.regions for op in new_body.ops)
        dims = mapping(len(lower), is_innermost, constant_steps[-1])
        parallel = ParallelOp(lower, upper, steps, dims, Region(new_body))
        root_block = root.parent_block()
        assert root_block is not None
        root_block.insert_op_before(parallel, root)
        root.detach()
        root.erase()
        for loop in outermost_parallel_loops(parallel):
            if not loop.results:
                if nested is None:
                    self._map(loop, top=False)
                else:
                    nested(loop)
        return parallel

    def _mapping(self, n: int, top: bool, innermost: bool, last_step: int | None) -> list[Dim]:
        mapping = [Dim.THREAD if top else Dim.SEQUENTIAL] * n
        if self.simd and innermost and last_step == 1 and (n > 1 or not top):
            mapping[-1] = Dim.SIMD
        return mapping


def outermost_parallel_loops(root: Operation) -> list[Operation]:
    """The parallel loops in `root` that no other parallel loop (or launch) in it encloses."""
    found: list[Operation] = []

    def visit(op: Operation) -> None:
        for region in op.regions:
            for block in region.blocks:
                for inner in block.ops:
                    if _is_parallel(inner):
                        found.append(inner)
                    elif not isinstance(inner, LaunchOp | ParallelOp):
                        visit(inner)

    visit(root)
    return found
