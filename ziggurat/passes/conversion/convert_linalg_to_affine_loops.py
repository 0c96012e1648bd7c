"""`convert-linalg-to-affine-loops`: structured linalg ops on buffers to affine.for nests.

One lowering serves every op, driven only by what MLIR's `LinalgOp` interface
says (see `structured_view`): one `affine.for` per iteration dimension, in
order, from 0 to the size of the operand dimension that dimension indexes;
inside, an `affine.load` of each input through its indexing map (the map goes
straight into the load), a copy of the scalar body, and an `affine.store` of
each yielded value through the output's map. Reductions accumulate through
the output buffer, as in MLIR, so the result is correct in any loop order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.builder import Builder
from xdsl.context import Context
from xdsl.dialects import memref
from xdsl.dialects.builtin import (
    AffineMapAttr,
    IndexType,
    IntegerAttr,
    MemRefType,
    ModuleOp,
    ShapedType,
    UnregisteredOp,
)
from xdsl.dialects.linalg.ops import IndexOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.utils.hints import isa

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.affine import ForOp, LoadOp, StoreOp
from ziggurat.dialects.affine import YieldOp as AffineYieldOp
from ziggurat.passes.affine.affine_expr import IndexConstants
from ziggurat.passes.linalg.structured_view import (
    StructuredView,
    body_terminator,
    element_type,
    structured_view,
    yielded_value,
)

_SYMBOL_BOUND = AffineMap(0, 1, (AffineExpr.symbol(0),))
"""`()[s0] -> (s0)`: an upper bound read from a `memref.dim`."""


def _compact(indexing_map: AffineMap, ivs: Sequence[SSAValue]) -> tuple[AffineMap, list[SSAValue]]:
    """The map and induction variables restricted to the loops it uses.

    `affine.load %A[%i, %k]` is stored with a map over `%i` and `%k` alone,
    as MLIR's parser would build it from the same text.
    """
    unused = indexing_map.unused_dims_bit_vector()
    used_ivs = [iv for iv, drop in zip(ivs, unused, strict=True) if not drop]
    return indexing_map.drop_dims(unused), used_ivs


def _loop(lower: int, upper: int | SSAValue) -> ForOp:
    """`affine.for %i = lower to upper` with an empty body ending in `affine.yield`."""
    if isinstance(upper, int):
        upper_map, upper_operands = AffineMap.constant_map(upper), []
    else:
        upper_map, upper_operands = _SYMBOL_BOUND, [upper]
    body = Block([AffineYieldOp.get()], arg_types=[IndexType()])
    return ForOp.build(
        operands=[[], upper_operands, []],
        result_types=[[]],
        properties={
            "lowerBoundMap": AffineMapAttr(AffineMap.constant_map(lower)),
            "upperBoundMap": AffineMapAttr(upper_map),
            "step": IntegerAttr.from_index_int_value(1),
        },
        regions=[Region(body)],
    )


def _upper_bounds(view: StructuredView, builder: Builder) -> list[int | SSAValue]:
    """Each loop's trip count: a static size, or a `memref.dim` built before the op."""
    bounds: list[int | SSAValue] = []
    dim_index = IndexConstants(builder)
    for operand, dim in view.loop_range_sources():
        assert isa(operand.type, ShapedType)
        size = operand.type.get_shape()[dim]
        if size >= 0:
            bounds.append(size)
            continue
        dim_op = builder.insert(memref.DimOp(operand, dim_index(dim)))
        dim_op.result.name_hint = "dim"
        bounds.append(dim_op.result)
    return bounds


def _emit_body(view: StructuredView, builder: Builder, ivs: Sequence[SSAValue]) -> None:
    """Load, compute and store one point of the iteration space at `builder`'s point."""
    terminator = body_terminator(view)
    mapping: dict[SSAValue, SSAValue] = {}
    for arg, operand, indexing_map in zip(
        view.body.args, view.operands, view.indexing_maps, strict=True
    ):
        if not arg.uses:
            continue
        if not isa(operand.type, MemRefType):
            mapping[arg] = operand  # a scalar operand, such as linalg.fill's value
            continue
        access_map, indices = _compact(indexing_map, ivs)
        load = builder.insert(
            LoadOp(operand, indices, AffineMapAttr(access_map), element_type(operand))
        )
        mapping[arg] = load.result
    copies: list[Operation] = []
    for op in view.body.ops:
        if isinstance(op, IndexOp):
            # `linalg.index d` is the induction variable of loop d.
            mapping[op.result] = ivs[op.dim.value.data]
        elif op is not terminator:
            copies.append(builder.insert(op.clone(mapping)))
    for copy in copies:
        for nested in list(copy.walk()):
            if isinstance(nested, IndexOp):
                Rewriter.replace_op(nested, [], [ivs[nested.dim.value.data]])
    outputs = zip(terminator.arguments, view.outputs, view.output_maps, strict=True)
    for value, output, indexing_map in outputs:
        stored, cast = yielded_value(view, mapping.get(value, value), output)
        if cast is not None:
            builder.insert(cast)
        access_map, indices = _compact(indexing_map, ivs)
        builder.insert(StoreOp(stored, output, indices, AffineMapAttr(access_map)))


def lower_to_loops(view: StructuredView) -> None:
    """Replace `view.op` by its affine.for nest."""
    op = view.op
    if view.has_tensor_semantics():
        raise CompileError(
            f"cannot lower '{op.name}': it works on tensors; bufferize first "
            "(ziggurat-bufferize) so that it reads and writes memrefs",
            op,
        )
    builder = Builder(InsertPoint.before(op))
    ivs: list[SSAValue] = []
    for upper in _upper_bounds(view, builder):
        loop = builder.insert(_loop(0, upper))
        body = loop.body.block
        body.args[0].name_hint = f"d{len(ivs)}"
        ivs.append(body.args[0])
        assert body.last_op is not None
        builder = Builder(InsertPoint.before(body.last_op))
    _emit_body(view, builder, ivs)
    Rewriter.erase_op(op)


def _op_name(op: Operation) -> str:
    """The op's MLIR name, also for an op of no registered class."""
    return op.op_name.data if isinstance(op, UnregisteredOp) else op.name


def _inside_structured_op(op: Operation) -> bool:
    parent = op.parent_op()
    while parent is not None:
        if structured_view(parent) is not None:
            return True
        parent = parent.parent_op()
    return False


@dataclass(frozen=True)
class ConvertLinalgToAffineLoopsPass(ModulePass):
    """Lower every structured linalg op on memrefs to a perfect affine.for nest.

    One loop per iteration dimension in the op's order, affine.load of each
    input through its indexing map, the scalar body, affine.store of the result.
    Ops on tensors are refused: bufferize first.
    """

    name = "convert-linalg-to-affine-loops"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        todo: list[StructuredView] = []
        for candidate in op.walk():
            name = _op_name(candidate)
            if not name.startswith("linalg.") or _inside_structured_op(candidate):
                continue
            view = structured_view(candidate)
            if view is None:
                raise CompileError(
                    f"cannot lower '{name}': not a structured linalg op "
                    "(no indexing maps and iterator types known for it)",
                    candidate,
                )
            todo.append(view)
        for view in todo:
            lower_to_loops(view)
