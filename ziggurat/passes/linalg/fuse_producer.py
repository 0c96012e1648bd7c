"""Producer -> consumer fusion of elementwise `linalg.generic`s on tensors.

As MLIR's ElementwiseOpFusion: when an all-parallel generic (the producer)
computes a tensor that another generic (the consumer) reads as an input, the
consumer can compute each producer element itself, where it needs it. The
fused generic reads the producer's inputs instead, through their maps
composed with the consumer's (consumer loops -> producer loops -> producer
operand), and its body runs the producer's body before the consumer's. The
producer's output map must be a permutation, so that each producer element
comes from exactly one producer loop point.

Fusion is only done when the consumer is the producer's only user: if
another op also read the producer's result, the producer would have to stay,
and the fused op would compute every element a second time.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import AffineMapAttr, TensorType
from xdsl.dialects.linalg.attrs import IteratorType
from xdsl.dialects.linalg.ops import GenericOp, IndexOp
from xdsl.ir import Attribute, Block, Operation, OpResult, Region, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineMap
from xdsl.rewriter import InsertPoint, Rewriter


def is_permutation(map_: AffineMap) -> bool:
    """Each loop exactly once, in some order: the map can be inverted."""
    dims = [e.position for e in map_.results if isinstance(e, AffineDimExpr)]
    return len(dims) == len(map_.results) == map_.num_dims and len(set(dims)) == map_.num_dims


def on_tensors(op: GenericOp) -> bool:
    """Value semantics: every shaped operand a tensor (a scalar operand is fine)."""
    return bool(op.outputs) and all(isinstance(v.type, TensorType) for v in op.outputs)


def maps_of(op: GenericOp) -> list[AffineMap]:
    return [attr.data for attr in op.indexing_maps]


def is_elementwise(op: GenericOp) -> bool:
    """All loops parallel, on tensors, no `linalg.index` (its loops would change)."""
    return (
        on_tensors(op)
        and all(it.data == IteratorType.PARALLEL for it in op.iterator_types)
        and not any(isinstance(o, IndexOp) for o in op.body.walk())
    )


def loops_are_derivable(maps: Sequence[AffineMap]) -> bool:
    """Each loop's range can still be read off some operand's shape."""
    if not maps:
        return False
    results = tuple(e for m in maps for e in m.results)
    return AffineMap(maps[0].num_dims, 0, results).inverse_permutation() is not None


def fusable_producer(consumer: GenericOp, value: SSAValue) -> GenericOp | None:
    """The generic producing `value` if it can be fused into `consumer`."""
    producer = value.owner
    if not isinstance(producer, GenericOp) or producer is consumer:
        return None
    if not (is_elementwise(producer) and on_tensors(consumer)):
        return None
    if producer.parent is not consumer.parent:
        return None
    num_inputs = len(consumer.inputs)
    for result in producer.results:
        if any(u.operation is not consumer or u.index >= num_inputs for u in result.uses):
            return None
    producer_maps = maps_of(producer)[len(producer.inputs) :]
    if not all(is_permutation(m) for m in producer_maps):
        return None
    return producer


def _producer_slots(
    producer: GenericOp, to_producer_loops: AffineMap
) -> tuple[list[SSAValue], list[AffineMap], list[SSAValue]]:
    """Operands (with maps in consumer loops) that one inlined producer body reads.

    Returns the operands, their maps and the producer block arguments they
    stand for. An operand whose block argument the body never reads is left
    out: usually a producer output, whose init value is overwritten.
    """
    values: list[SSAValue] = []
    maps: list[AffineMap] = []
    args: list[SSAValue] = []
    for value, map_, arg in zip(
        producer.operands, maps_of(producer), producer.body.block.args, strict=True
    ):
        if not arg.uses:
            continue
        values.append(value)
        maps.append(map_.compose(to_producer_loops))
        args.append(arg)
    return values, maps, args


def fuse(producer: GenericOp, consumer: GenericOp) -> GenericOp | None:
    """Replace `consumer` by one generic that also computes `producer`'s elements.

    Returns the fused generic, or None (and changes nothing) if the fused
    op's loop ranges could no longer be read off its operands.
    """
    consumer_maps = maps_of(consumer)
    inputs: list[SSAValue] = []
    maps: list[AffineMap] = []
    arg_types: list[Attribute] = []
    arg_names: list[SSAValue] = []
    # For each consumer input: its new block argument, or (result number, producer
    # block arguments, new block argument positions) for a fused one.
    plan: list[int | tuple[int, list[SSAValue], list[int]]] = []
    for value, map_, arg in zip(
        consumer.inputs, consumer_maps, consumer.body.block.args, strict=False
    ):
        if value.owner is not producer:
            plan.append(len(inputs))
            inputs.append(value)
            maps.append(map_)
            arg_types.append(arg.type)
            arg_names.append(arg)
            continue
        assert isinstance(value, OpResult)
        number = value.index
        output_map = maps_of(producer)[len(producer.inputs) + number]
        inverse = output_map.inverse_permutation()
        assert inverse is not None
        values, slot_maps, producer_args = _producer_slots(producer, inverse.compose(map_))
        positions = list(range(len(inputs), len(inputs) + len(values)))
        plan.append((number, producer_args, positions))
        inputs.extend(values)
        maps.extend(slot_maps)
        arg_types.extend(a.type for a in producer_args)
        arg_names.extend(producer_args)
    output_maps = consumer_maps[len(consumer.inputs) :]
    if not loops_are_derivable([*maps, *output_maps]):
        return None

    consumer_args = consumer.body.block.args
    block = Block(arg_types=[*arg_types, *(a.type for a in consumer_args[len(plan) :])])
    for new, old in zip(block.args, [*arg_names, *consumer_args[len(plan) :]], strict=True):
        new.name_hint = old.name_hint
    mapping: dict[SSAValue, SSAValue] = {}
    for arg, step in zip(consumer_args, plan, strict=False):
        if isinstance(step, int):
            mapping[arg] = block.args[step]
            continue
        number, producer_args, positions = step
        inlined: dict[SSAValue, SSAValue] = {
            a: block.args[p] for a, p in zip(producer_args, positions, strict=True)
        }
        yielded = _inline_body(producer, block, inlined)
        mapping[arg] = yielded[number]
    for arg, new in zip(consumer_args[len(plan) :], block.args[len(inputs) :], strict=True):
        mapping[arg] = new
    for op in consumer.body.block.ops:
        block.add_op(op.clone(mapping))

    fused = GenericOp(
        inputs,
        consumer.outputs,
        Region(block),
        [AffineMapAttr(m) for m in (*maps, *output_maps)],
        consumer.iterator_types,
        consumer.result_types,
        consumer.doc,
        consumer.library_call,
    )
    fused.attributes |= consumer.attributes
    Rewriter.insert_op(fused, InsertPoint.before(consumer))
    for old, new in zip(consumer.results, fused.results, strict=True):
        old.replace_all_uses_with(new)
    Rewriter.erase_op(consumer)
    Rewriter.erase_op(producer)
    return fused


def _inline_body(
    producer: GenericOp, block: Block, mapping: dict[SSAValue, SSAValue]
) -> list[SSAValue]:
    """Copy the producer's body (not its yield) into `block`; the yielded values."""
    terminator: Operation | None = producer.body.block.last_op
    for op in producer.body.block.ops:
        if op is terminator:
            break
        block.add_op(op.clone(mapping))
    assert terminator is not None
    return [mapping.get(v, v) for v in terminator.operands]


def fuse_elementwise_once(root: Operation) -> bool:
    """Fuse one producer into one consumer under `root`; whether one was fused."""
    for consumer in [o for o in root.walk() if isinstance(o, GenericOp)]:
        for value in consumer.inputs:
            producer = fusable_producer(consumer, value)
            if producer is not None and fuse(producer, consumer) is not None:
                return True
    return False
