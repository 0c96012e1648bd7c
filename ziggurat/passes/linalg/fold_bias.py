"""Fold an epilogue's bias add into the init of the contraction it follows.

A contraction (matmul, batch_matmul, convolution, sum pooling, or a generic
whose body is `out + f(inputs)`) computes `init + sum(f)`. An epilogue that
adds a bias to its result, `(init + sum(f)) + bias`, computes the same as the
contraction accumulating into `init + bias`. So the bias add moves into a
small elementwise generic on the init, before the contraction, and is
removed from the epilogue; what else the epilogue does (a ReLU) stays in it,
applied once to the finished sum, never per reduction step. The sum is
reassociated, as any tiling of the reduction would; integers are exact.
"""

from __future__ import annotations

from xdsl.dialects import arith
from xdsl.dialects.builtin import AffineMapAttr, TensorType
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.dialects.linalg.ops import GenericOp, YieldOp
from xdsl.ir import Block, BlockArgument, Operation, OpResult, Region, SSAValue
from xdsl.ir.affine import AffineMap
from xdsl.rewriter import InsertPoint, Rewriter

from ziggurat.passes.linalg.fuse_producer import (
    is_elementwise,
    is_permutation,
    loops_are_derivable,
    maps_of,
)
from ziggurat.passes.linalg.structured_view import structured_view

_ADDS = (arith.AddfOp, arith.AddiOp)


def accumulates_by_add(op: Operation) -> bool:
    """Whether `op` is a tensor contraction computing `init + sum(f(inputs))`.

    Its body must yield `out + x` where `out`, its output's block argument,
    is used nowhere else, so `x` does not depend on it.
    """
    view = structured_view(op)
    if view is None or len(view.outputs) != 1 or len(op.results) != 1:
        return False
    if not view.has_reduction() or not isinstance(view.outputs[0].type, TensorType):
        return False
    out = view.body.args[len(view.inputs)]
    terminator = view.body.last_op
    if not isinstance(terminator, YieldOp) or len(terminator.operands) != 1:
        return False
    add = terminator.operands[0].owner
    return isinstance(add, _ADDS) and out in add.operands and out.has_one_use()


def dominates(value: SSAValue, op: Operation) -> bool:
    """Whether `value` is defined before `op` (so `op`'s neighbours may use it)."""
    if isinstance(value, BlockArgument):
        return value.block.is_ancestor(op)
    assert isinstance(value, OpResult)
    definer = value.owner
    ancestor: Operation | None = op
    while ancestor is not None and ancestor.parent is not definer.parent:
        ancestor = ancestor.parent_op()
    return ancestor is not None and definer.is_before_in_block(ancestor)


def _bias_add(epilogue: GenericOp, number: int) -> tuple[arith.AddfOp | arith.AddiOp, int] | None:
    """The `arith.add` of input `number` and another input, and that input's number."""
    args = epilogue.body.block.args
    arg = args[number]
    if not arg.has_one_use():
        return None
    add = next(iter(arg.uses)).operation
    if not isinstance(add, _ADDS):
        return None
    other = add.operands[1] if add.operands[0] is arg else add.operands[0]
    if not isinstance(other, BlockArgument) or other.block is not epilogue.body.block:
        return None
    if other.index >= len(epilogue.inputs) or other is arg:
        return None
    return add, other.index


def _biased_init(
    init: SSAValue, bias: SSAValue, bias_map: AffineMap, add: arith.AddfOp | arith.AddiOp
) -> GenericOp:
    """`init + bias`, the bias broadcast to the init's shape by `bias_map`."""
    assert isinstance(init.type, TensorType)
    element = init.type.get_element_type()
    block = Block(arg_types=[add.operands[0].type, element])
    block.args[0].name_hint, block.args[1].name_hint = "bias", "init"
    total = type(add)(block.args[1], block.args[0])
    block.add_ops([total, YieldOp(total.results[0])])
    rank = init.type.get_num_dims()
    return GenericOp(
        [bias],
        [init],
        Region(block),
        [AffineMapAttr(bias_map), AffineMapAttr(AffineMap.identity(rank))],
        [IteratorTypeAttr.parallel()] * rank,
        [init.type],
    )


def fold_bias_into_init(epilogue: GenericOp) -> bool:
    """Move `epilogue`'s bias add into its contraction's init; whether it did."""
    if not is_elementwise(epilogue):
        return False
    maps = maps_of(epilogue)
    for number, value in enumerate(epilogue.inputs):
        contraction = value.owner
        if not isinstance(contraction, Operation) or not accumulates_by_add(contraction):
            continue
        if not value.has_one_use() or not is_permutation(maps[number]):
            continue
        found = _bias_add(epilogue, number)
        if found is None:
            continue
        add, bias_number = found
        bias = epilogue.inputs[bias_number]
        if not dominates(bias, contraction):
            continue
        inverse = maps[number].inverse_permutation()
        assert inverse is not None
        view = structured_view(contraction)
        assert view is not None
        init = view.outputs[0]
        biased = _biased_init(init, bias, maps[bias_number].compose(inverse), add)
        biased.results[0].name_hint = "biased_init"
        Rewriter.insert_op(biased, InsertPoint.before(contraction))
        contraction.operands[len(view.inputs)] = biased.results[0]
        add.results[0].replace_all_uses_with(epilogue.body.block.args[number])
        Rewriter.erase_op(add)
        _simplify(epilogue)
        return True
    return False


def _simplify(epilogue: GenericOp) -> None:
    """Drop inputs the body no longer reads; drop the epilogue if it became a copy."""
    args = epilogue.body.block.args
    keep = [i for i in range(len(epilogue.inputs)) if args[i].uses]
    maps = maps_of(epilogue)
    terminator = epilogue.body.block.last_op
    assert terminator is not None
    if (
        len(keep) == 1
        and len(epilogue.outputs) == 1
        and list(terminator.operands) == [args[keep[0]]]
        and maps[keep[0]] == maps[len(epilogue.inputs)]
        and epilogue.inputs[keep[0]].type == epilogue.result_types[0]
    ):
        epilogue.results[0].replace_all_uses_with(epilogue.inputs[keep[0]])
        Rewriter.erase_op(epilogue)
        return
    new_maps = [maps[i] for i in keep] + maps[len(epilogue.inputs) :]
    if len(keep) == len(epilogue.inputs) or not loops_are_derivable(new_maps):
        return
    dropped = [i for i in range(len(epilogue.inputs)) if i not in keep]
    for i in reversed(dropped):
        epilogue.body.block.erase_arg(args[i])
    rebuilt = GenericOp(
        [epilogue.inputs[i] for i in keep],
        epilogue.outputs,
        epilogue.detach_region(epilogue.body),
        [AffineMapAttr(m) for m in new_maps],
        epilogue.iterator_types,
        epilogue.result_types,
        epilogue.doc,
        epilogue.library_call,
    )
    rebuilt.attributes |= epilogue.attributes
    Rewriter.replace_op(epilogue, rebuilt)


def fold_bias_once(root: Operation) -> bool:
    """Fold one epilogue bias add under `root`; whether one was folded."""
    return any(
        fold_bias_into_init(op) for op in [o for o in root.walk() if isinstance(o, GenericOp)]
    )
