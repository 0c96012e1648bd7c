"""`linalg-generalize-named-ops`: every structured linalg op becomes `linalg.generic`.

xDSL's pass of the same name only knows ops derived from its `NamedOperation`:
it leaves `linalg.transpose`, `linalg.broadcast` and `linalg.reduce` alone and
copies bodies whose yielded value does not have the output's element type
(`linalg.copy` or `linalg.fill` between types), which then fail to verify.
This version works from `structured_view`, so it sees every op the same way,
and inserts the cast MLIR's named ops perform implicitly.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import AffineMapAttr, ArrayAttr, ModuleOp
from xdsl.dialects.linalg.ops import GenericOp, YieldOp
from xdsl.ir import Region
from xdsl.ir.affine import AffineMap
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from ziggurat.passes.linalg.structured_view import (
    StructuredView,
    body_terminator,
    structured_view,
    yielded_value,
)


def generic_body(view: StructuredView) -> Region:
    """A copy of the op's scalar body whose yields have the output element types."""
    body_terminator(view)
    assert view.body.parent is not None
    region = view.body.parent.clone()
    for index, arg in enumerate(region.block.args):
        if arg.name_hint is None:
            arg.name_hint = "in" if index < len(view.inputs) else "out"
    yield_op = region.block.last_op
    assert isinstance(yield_op, YieldOp)
    for index, (value, output) in enumerate(zip(yield_op.arguments, view.outputs, strict=True)):
        converted, cast = yielded_value(view, value, output)
        if cast is not None:
            Rewriter.insert_op(cast, InsertPoint.before(yield_op))
            yield_op.operands[index] = converted
    return region


def generalize(view: StructuredView) -> GenericOp:
    """The `linalg.generic` that computes what `view.op` computes."""
    return GenericOp(
        view.inputs,
        view.outputs,
        generic_body(view),
        _maps_attr(view.indexing_maps),
        ArrayAttr(view.iterator_types),
        view.op.result_types,
    )


def _maps_attr(maps: tuple[AffineMap, ...]) -> ArrayAttr[AffineMapAttr]:
    return ArrayAttr(AffineMapAttr(m) for m in maps)


@dataclass(frozen=True)
class LinalgGeneralizeNamedOpsPass(ModulePass):
    """Rewrite every named linalg op (matmul, conv, fill, transpose, ...) as linalg.generic.

    Same indexing maps, iterator types and scalar body, with explicit casts
    where the named op converts element types; on tensors and on buffers.
    """

    name = "linalg-generalize-named-ops"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        # Views are taken one op at a time: replacing an op changes the
        # operands of the ops that use its results.
        named = [
            candidate
            for candidate in op.walk()
            if not isinstance(candidate, GenericOp) and structured_view(candidate) is not None
        ]
        for candidate in named:
            view = structured_view(candidate)
            assert view is not None
            Rewriter.replace_op(candidate, generalize(view))
