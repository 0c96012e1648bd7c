"""One view of every linalg structured op: operands, indexing maps, loops.

Most linalg ops answer `get_indexing_maps()` and `get_iterator_types()`, but
xDSL's `linalg.broadcast` and `linalg.reduce` do not, and the passes that
transform structured ops (tiling, fusion) need the same questions answered for
all of them. `structured_view` is that answer, computed once per op.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects.builtin import MemRefType, ShapedType, TensorType
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.dialects.linalg.ops import BroadcastOp, ReduceOp
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineMap

from ziggurat.diagnostics import CompileError

PARALLEL = "parallel"
REDUCTION = "reduction"


@dataclass(frozen=True)
class StructuredView:
    """A structured op seen as loops: one map per operand, one iterator per loop."""

    op: Operation
    inputs: tuple[SSAValue, ...]
    outputs: tuple[SSAValue, ...]
    maps: tuple[AffineMap, ...]
    """Inputs' maps, then outputs' maps: loop indices to operand indices."""
    iterators: tuple[str, ...]
    """`parallel` or `reduction` for each loop."""

    @property
    def operands(self) -> tuple[SSAValue, ...]:
        return (*self.inputs, *self.outputs)

    @property
    def num_loops(self) -> int:
        return len(self.iterators)

    @property
    def input_maps(self) -> tuple[AffineMap, ...]:
        return self.maps[: len(self.inputs)]

    @property
    def output_maps(self) -> tuple[AffineMap, ...]:
        return self.maps[len(self.inputs) :]

    def on_tensors(self) -> bool:
        return any(isinstance(v.type, TensorType) for v in self.operands)

    def on_memrefs(self) -> bool:
        return any(isinstance(v.type, MemRefType) for v in self.operands)

    def static_loop_ranges(self) -> tuple[int, ...]:
        """The trip count of every loop, read off the operand shapes.

        Raises a located error for a dynamic shape: the loop bounds would
        have to be computed at run time, which the passes do not do.
        """
        for value in self.operands:
            if isinstance(value.type, ShapedType) and any(
                size < 0 for size in value.type.get_shape()
            ):
                raise CompileError(
                    f"cannot lower '{self.op.name}': dynamic shape {value.type} is not supported",
                    self.op,
                )
        ranges: list[int | None] = [None] * self.num_loops
        for value, map_ in zip(self.operands, self.maps, strict=True):
            if not isinstance(value.type, ShapedType):
                continue
            for expr, size in zip(map_.results, value.type.get_shape(), strict=True):
                if isinstance(expr, AffineDimExpr) and ranges[expr.position] is None:
                    ranges[expr.position] = size
        if any(r is None for r in ranges):
            raise CompileError(
                f"cannot lower '{self.op.name}': a loop's range is not the size of any "
                "operand dimension",
                self.op,
            )
        return tuple(r for r in ranges if r is not None)


def _broadcast_view(op: BroadcastOp) -> StructuredView:
    rank = len(_shape(op.init))
    added = set(op.dimensions.get_values())
    kept = tuple(AffineDimExpr(d) for d in range(rank) if d not in added)
    return StructuredView(
        op,
        (op.input,),
        (op.init,),
        (AffineMap(rank, 0, kept), AffineMap.identity(rank)),
        (PARALLEL,) * rank,
    )


def _reduce_view(op: ReduceOp) -> StructuredView:
    rank = len(_shape(op.input))
    reduced = set(op.dimensions.get_values())
    kept = tuple(AffineDimExpr(d) for d in range(rank) if d not in reduced)
    return StructuredView(
        op,
        (op.input,),
        (op.init,),
        (AffineMap.identity(rank), AffineMap(rank, 0, kept)),
        tuple(REDUCTION if d in reduced else PARALLEL for d in range(rank)),
    )


def _shape(value: SSAValue) -> tuple[int, ...]:
    assert isinstance(value.type, ShapedType)
    return value.type.get_shape()


def structured_view(op: Operation) -> StructuredView | None:
    """The loops view of `op`, or None if it is not a linalg structured op."""
    if isinstance(op, LinalgStructuredOperation):
        return StructuredView(
            op,
            tuple(op.inputs),
            tuple(op.outputs),
            tuple(attr.data for attr in op.get_indexing_maps()),
            tuple(str(attr.data) for attr in op.get_iterator_types()),
        )
    if isinstance(op, BroadcastOp):
        return _broadcast_view(op)
    if isinstance(op, ReduceOp):
        return _reduce_view(op)
    return None
