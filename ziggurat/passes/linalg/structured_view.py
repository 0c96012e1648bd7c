"""Every linalg op seen the same way: operands, indexing maps, iterators, scalar body.

MLIR's `LinalgOp` interface lets one lowering handle every structured op. In
xDSL the named ops, `linalg.generic` and `linalg.transpose` share
`LinalgStructuredOperation` (which answers `get_indexing_maps()` and
`get_iterator_types()`), but `linalg.broadcast` and `linalg.reduce` do not,
and each op keeps its body in a differently named region. `structured_view`
hides those differences, so generalization, loop lowering, tiling and fusion
are written once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.dialects.builtin import MemRefType, ShapedType, TensorType
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.dialects.linalg.attrs import IteratorType, IteratorTypeAttr
from xdsl.dialects.linalg.ops import BroadcastOp, ReduceOp, YieldOp
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineMap
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.linalg import cast_to


@dataclass(frozen=True)
class StructuredView:
    """What MLIR's `LinalgOp` interface says about one op."""

    op: Operation
    inputs: tuple[SSAValue, ...]
    outputs: tuple[SSAValue, ...]
    indexing_maps: tuple[AffineMap, ...]
    """One map per operand (inputs, then outputs), from loops to subscripts."""
    iterator_types: tuple[IteratorTypeAttr, ...]
    body: Block
    """The scalar body: one argument per operand, ending in `linalg.yield`."""

    @property
    def operands(self) -> tuple[SSAValue, ...]:
        return (*self.inputs, *self.outputs)

    @property
    def output_maps(self) -> tuple[AffineMap, ...]:
        return self.indexing_maps[len(self.inputs) :]

    @property
    def num_loops(self) -> int:
        return len(self.iterator_types)

    def is_reduction(self, loop: int) -> bool:
        return self.iterator_types[loop].data == IteratorType.REDUCTION

    def has_reduction(self) -> bool:
        return any(self.is_reduction(loop) for loop in range(self.num_loops))

    def has_tensor_semantics(self) -> bool:
        return any(isa(v.type, TensorType) for v in self.operands)

    def _range_source(self, loop: int) -> tuple[SSAValue, int] | None:
        """The first operand dimension indexed by `loop` alone, if any."""
        return next(
            (
                (operand, dim)
                for operand, indexing_map in zip(self.operands, self.indexing_maps, strict=True)
                if isa(operand.type, ShapedType)
                for dim, expr in enumerate(indexing_map.results)
                if isinstance(expr, AffineDimExpr) and expr.position == loop
            ),
            None,
        )

    def loop_range_sources(self) -> list[tuple[SSAValue, int]]:
        """For each loop, the first operand dimension indexed by that loop alone.

        MLIR reads loop ranges off the operand shapes this way; a loop that no
        subscript names on its own has no range and the op is refused.
        """
        sources: list[tuple[SSAValue, int]] = []
        for loop in range(self.num_loops):
            source = self._range_source(loop)
            if source is None:
                raise CompileError(
                    f"cannot lower '{self.op.name}': loop d{loop} is not a whole subscript "
                    "of any operand, so its range is unknown",
                    self.op,
                )
            sources.append(source)
        return sources

    def static_loop_ranges(self) -> tuple[int, ...]:
        """The trip count of every loop, read off the operand shapes.

        Raises a located error for a dynamic shape: the loop bounds would
        have to be computed at run time, which the passes do not do.
        """
        for value in self.operands:
            if isa(value.type, ShapedType) and any(size < 0 for size in value.type.get_shape()):
                raise CompileError(
                    f"cannot lower '{self.op.name}': dynamic shape {value.type} is not supported",
                    self.op,
                )
        ranges: list[int] = []
        for loop in range(self.num_loops):
            source = self._range_source(loop)
            if source is None:
                raise CompileError(
                    f"cannot lower '{self.op.name}': a loop's range is not the size of any "
                    "operand dimension",
                    self.op,
                )
            operand, dim = source
            ranges.append(_shape(operand)[dim])
        return tuple(ranges)


def _dims_except(excluded: Sequence[int], num_loops: int) -> AffineMap:
    """`(d0, ..., dn) -> (the dims not in excluded)`: a broadcast or reduced operand."""
    kept = tuple(AffineDimExpr(d) for d in range(num_loops) if d not in excluded)
    return AffineMap(num_loops, 0, kept)


def _shape(value: SSAValue) -> tuple[int, ...]:
    assert isa(value.type, ShapedType)
    return value.type.get_shape()


def _one_input_view(
    op: BroadcastOp | ReduceOp, maps: tuple[AffineMap, AffineMap], reduced: Sequence[int]
) -> StructuredView:
    """The view of a `linalg.broadcast` or `linalg.reduce`: one input, one init."""
    num_loops = maps[0].num_dims
    iterators = tuple(
        IteratorTypeAttr.reduction() if loop in reduced else IteratorTypeAttr.parallel()
        for loop in range(num_loops)
    )
    body = op.hidden_region.block if isinstance(op, BroadcastOp) else op.region.block
    return StructuredView(op, (op.input,), (op.init,), maps, iterators, body)


def structured_view(op: Operation) -> StructuredView | None:
    """The structured form of `op`, or None if it is not a structured linalg op."""
    if isinstance(op, LinalgStructuredOperation):
        return StructuredView(
            op,
            tuple(op.inputs),
            tuple(op.outputs),
            tuple(m.data for m in op.get_indexing_maps()),
            tuple(op.get_iterator_types()),
            op.body.block,
        )
    if isinstance(op, BroadcastOp):
        # The output is indexed by every loop; the input skips the added dimensions.
        num_loops = len(_shape(op.init))
        added = op.dimensions.get_values()
        return _one_input_view(
            op, (_dims_except(added, num_loops), AffineMap.identity(num_loops)), ()
        )
    if isinstance(op, ReduceOp):
        # One loop per input dimension; the reduced ones are missing from the init.
        num_loops = len(_shape(op.input))
        reduced = op.dimensions.get_values()
        return _one_input_view(
            op, (AffineMap.identity(num_loops), _dims_except(reduced, num_loops)), reduced
        )
    return None


def element_type(value: SSAValue) -> Attribute:
    """The scalar a body argument holds for `value`: its element type, or its own type."""
    if isa(value.type, MemRefType | TensorType):
        return value.type.get_element_type()
    return value.type


def yielded_value(
    view: StructuredView, value: SSAValue, output: SSAValue
) -> tuple[SSAValue, Operation | None]:
    """`value` converted to the element type of `output`, and the cast op if one is needed.

    Named ops such as `linalg.copy` and `linalg.fill` convert their input to the
    output type implicitly (signed, as MLIR's default `cast_signed`); a generic
    op or a store has to do it explicitly.
    """
    try:
        converted = cast_to(value, element_type(output))
    except VerifyException as error:
        raise CompileError(f"cannot lower '{view.op.name}': {error}", view.op) from None
    if converted is value:
        return value, None
    assert isinstance(converted.owner, Operation)
    return converted, converted.owner


def body_terminator(view: StructuredView) -> YieldOp:
    last = view.body.last_op
    if not isinstance(last, YieldOp) or len(last.arguments) != len(view.outputs):
        raise CompileError(
            f"cannot lower '{view.op.name}': its body must end in a linalg.yield "
            "of one value per output",
            view.op,
        )
    return last
