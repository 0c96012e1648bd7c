"""`cuda-reduction-kernel`: row reductions (`linalg.generic` with one innermost reduction
dimension: softmax's max and sum, a mean's sum) as warp-per-row kernels with shuffles.

Each warp reduces one output element (one "row": a point of the parallel dimensions);
a block holds `rows-per-block` warps. Lane l folds the elements l, l + 32, l + 64, ...
of its row (coalesced: the 32 lanes read 32 consecutive elements when the reduction
dimension is the innermost of the input), then five `cuda.shuffle xor` steps (16, 8,
4, 2, 1) combine the lanes' partial results, and lane 0 writes
`out = combine(out, total)`. Supported combiners, each with its identity: `addf` (0),
`mulf` (1), `maximumf` (-inf), `minimumf` (+inf), `addi` (0), `maxsi`, `minsi`, on f32
and i32. The body may compute the folded value from its inputs with any scalar
`arith`/`math` ops (`exp(x - max)` for softmax's sum). Reassociation changes float
rounding as a parallel reduction must; the order is fixed, so results are
reproducible. Anything else is left to the loop lowering.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.builder import ImplicitBuilder
from xdsl.context import Context
from xdsl.dialects import arith, memref, scf
from xdsl.dialects.builtin import (
    Float32Type,
    FloatAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    i32,
)
from xdsl.dialects.func import FuncOp
from xdsl.dialects.linalg.attrs import IteratorType
from xdsl.dialects.linalg.ops import GenericOp
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineDimExpr
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from ziggurat.diagnostics import CompileError
from ziggurat.dialects import cuda
from ziggurat.dialects.device_attrs import MemorySpace, MemorySpaceAttr
from ziggurat.hardware.cuda import MAX_THREADS_PER_BLOCK, WARP_SIZE
from ziggurat.passes.gemm import captured_values
from ziggurat.passes.index_arith import index

_F32_IDENTITY = {
    "arith.addf": 0.0,
    "arith.mulf": 1.0,
    "arith.maximumf": float("-inf"),
    "arith.minimumf": float("inf"),
}
_I32_IDENTITY = {"arith.addi": 0, "arith.maxsi": -(2**31), "arith.minsi": 2**31 - 1}


@dataclass(frozen=True)
class _Reduction:
    generic: GenericOp
    combiner: Operation
    """The body op that folds the computed value into the accumulator."""
    value: SSAValue
    """The body value folded in (computed from the inputs alone)."""
    identity: FloatAttr[Float32Type] | IntegerAttr[IntegerType]
    extents: tuple[int, ...]
    """Parallel dimension sizes, then the reduction size."""
    inputs: tuple[tuple[SSAValue, tuple[int, ...]], ...]
    """Each input and the loop dimensions its subscripts are."""


def _match(op: GenericOp) -> _Reduction | None:
    kinds = [k.data for k in op.iterator_types]
    if kinds.count(IteratorType.REDUCTION) != 1 or kinds[-1] != IteratorType.REDUCTION:
        return None
    if op.res or len(op.outputs) != 1:
        return None
    out = op.outputs[0]
    rank = len(kinds)
    maps = [m.data for m in op.indexing_maps]
    positions: list[tuple[int, ...]] = []
    for amap in maps:
        if not all(isinstance(e, AffineDimExpr) for e in amap.results):
            return None
        positions.append(tuple(e.position for e in amap.results))  # pyright: ignore
    if positions[-1] != tuple(range(rank - 1)):
        return None
    operands = [*op.inputs, out]
    types = [v.type for v in operands]
    if not all(isinstance(t, MemRefType) and all(s >= 0 for s in t.get_shape()) for t in types):
        return None
    extents = [0] * rank
    for value, dims in zip(operands, positions, strict=True):
        for size, d in zip(value.type.get_shape(), dims, strict=True):  # pyright: ignore
            extents[d] = size
    if any(e <= 0 for e in extents):
        return None
    body = op.body.block
    yielded = body.last_op.operands[0] if body.last_op is not None else None
    acc = body.args[-1]
    combiner = yielded.owner if isinstance(yielded, SSAValue) else None
    if not isinstance(combiner, Operation) or len(combiner.operands) != 2:
        return None
    element = acc.type
    table = _F32_IDENTITY if isinstance(element, Float32Type) else None
    if element == i32:
        table = _I32_IDENTITY
    if table is None or combiner.name not in table or acc not in combiner.operands:
        return None
    value = combiner.operands[1] if combiner.operands[0] is acc else combiner.operands[0]
    if value is acc or any(acc in o.operands for o in body.ops if o is not combiner):
        return None
    for inner in body.ops:
        if inner is body.last_op or inner is combiner:
            continue
        if inner.name.split(".")[0] not in ("arith", "math") or inner.regions:
            return None
    identity: FloatAttr[Float32Type] | IntegerAttr[IntegerType]
    if isinstance(element, Float32Type):
        identity = FloatAttr(_F32_IDENTITY[combiner.name], element)
    else:
        identity = IntegerAttr(_I32_IDENTITY[combiner.name], i32)
    inputs = tuple(zip(op.inputs, positions[:-1], strict=True))
    return _Reduction(op, combiner, value, identity, tuple(extents), inputs)


def _global(t: Attribute) -> Attribute:
    if isinstance(t, MemRefType):
        return MemRefType(t.element_type, t.shape, t.layout, MemorySpaceAttr(MemorySpace.GLOBAL))
    return t


@dataclass
class _Builder:
    reduction: _Reduction
    rows_per_block: int

    def build(self, mapping: dict[SSAValue, SSAValue]) -> None:
        """The kernel body, built at the implicit builder's insertion point."""
        red = self.reduction
        *parallel, length = red.extents
        rows = 1
        for e in parallel:
            rows *= e
        tid = cuda.ThreadIdOp("x").result
        warp = arith.DivUIOp(tid, index(WARP_SIZE)).result
        lane = cuda.LaneIdOp().result
        row = arith.AddiOp(
            arith.MuliOp(cuda.BlockIdOp("x").result, index(self.rows_per_block)).result, warp
        ).result
        body = Block()
        with ImplicitBuilder(body):
            ivs: list[SSAValue] = []
            rest = row
            for extent in reversed(parallel):
                ivs.insert(0, arith.RemUIOp(rest, index(extent)).result)
                rest = arith.DivUIOp(rest, index(extent)).result
            identity = arith.ConstantOp(red.identity).result
            loop = Block(arg_types=[IndexType(), identity.type])
            with ImplicitBuilder(loop):
                j, partial = loop.args
                folded = self._element([*ivs, j], mapping)
                scf.YieldOp(self._combine(partial, folded))
            total = scf.ForOp(lane, index(length), index(WARP_SIZE), [identity], loop).results[0]
            for offset in (16, 8, 4, 2, 1):
                other = cuda.ShuffleOp("xor", total, index(offset)).result
                total = self._combine(total, other)
            out = mapping[red.generic.outputs[0]]

            def write() -> None:
                old = memref.LoadOp.get(out, ivs).res
                memref.StoreOp.get(self._combine(old, total), out, ivs)
                scf.YieldOp()

            first = arith.CmpiOp(lane, index(0), "eq").result
            then = Block()
            with ImplicitBuilder(then):
                write()
            scf.IfOp(first, [], Region(then))
            scf.YieldOp()
        # Rows past the end (the last block's spare warps) do nothing; the guard is
        # uniform within each warp, so every lane of a warp that shuffles is active.
        inside = arith.CmpiOp(row, index(rows), "ult").result
        scf.IfOp(inside, [], Region(body))

    def _combine(self, a: SSAValue, b: SSAValue) -> SSAValue:
        """`combine(a, b)`, inserted by the implicit builder."""
        red = self.reduction
        mapper = {red.generic.body.block.args[-1]: a, red.value: b}
        return red.combiner.clone(value_mapper=mapper).results[0]

    def _element(self, ivs: list[SSAValue], mapping: dict[SSAValue, SSAValue]) -> SSAValue:
        red = self.reduction
        body = red.generic.body.block
        values = dict(mapping)
        for arg, (source, dims) in zip(body.args[:-1], red.inputs, strict=True):
            values[arg] = memref.LoadOp.get(mapping[source], [ivs[d] for d in dims]).res
        for op in body.ops:
            if op is red.combiner or op is body.last_op:
                continue
            op.clone(value_mapper=values)
        return values.get(red.value, red.value)


@dataclass(frozen=True)
class CudaReductionKernelPass(ModulePass):
    """Rewrite row reductions on memrefs (one innermost reduction dimension; add, mul,
    max, min) as kernels with one warp per output element and a shuffle tree."""

    name = "cuda-reduction-kernel"

    rows_per_block: int = 8
    """Warps (rows) per block."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if not 0 < self.rows_per_block * WARP_SIZE <= MAX_THREADS_PER_BLOCK:
            raise CompileError(
                f"rows-per-block must be in [1, {MAX_THREADS_PER_BLOCK // WARP_SIZE}]", op
            )
        for func in [f for f in op.ops if isinstance(f, FuncOp)]:
            count = 0
            for generic in [g for g in func.walk() if isinstance(g, GenericOp)]:
                reduction = _match(generic)
                if reduction is not None:
                    self._rewrite(op, func, reduction, count)
                    count += 1

    def _rewrite(self, module: ModuleOp, func: FuncOp, red: _Reduction, count: int) -> None:
        generic = red.generic
        args = list(dict.fromkeys([*generic.inputs, *generic.outputs]))
        constants: list[SSAValue] = []
        for value in captured_values(generic):
            if value in args:
                continue
            if isinstance(value.owner, arith.ConstantOp):
                constants.append(value)
            else:
                args.append(value)
        types = [_global(v.type) for v in args]
        block = Block(arg_types=types)
        for arg, value in zip(block.args, args, strict=True):
            arg.name_hint = value.name_hint
        mapping: dict[SSAValue, SSAValue] = dict(zip(args, block.args, strict=True))
        with ImplicitBuilder(block):
            for value in constants:
                mapping[value] = value.owner.clone().results[0]  # pyright: ignore
            _Builder(red, self.rows_per_block).build(mapping)
        block.add_op(cuda.ReturnOp())
        threads = self.rows_per_block * WARP_SIZE
        name = f"{func.sym_name.data}_reduce{count}"
        kernel = cuda.KernelOp(name, types, Region(block), max_threads=threads)
        module.body.block.insert_op_before(kernel, func)
        rows = 1
        for e in red.extents[:-1]:
            rows *= e
        host = Block()
        with ImplicitBuilder(host):
            grid = [index(-(-rows // self.rows_per_block)), index(1), index(1)]
            cuda.LaunchOp(name, grid, [index(threads), index(1), index(1)], index(0), args)
        ops = list(host.ops)
        for o in ops:
            o.detach()
        Rewriter.insert_op(ops, InsertPoint.before(generic))
        Rewriter.erase_op(generic)
