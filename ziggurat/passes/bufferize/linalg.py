"""Bufferization of linalg ops, in destination-passing style.

A linalg op on tensors computes each result from its `outs` operand; on
buffers it has no results and writes into the buffers of its `outs`. Which
buffer: the init's own when that is allowed (see `Bufferizer.destination`),
else a dead input of an elementwise op that never reads its init, else a new
one (with a copy of the init only if the op reads it: matmul does, fill does
not).
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import MemRefType
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.dialects.linalg.ops import BroadcastOp, CopyOp, FillOp, TransposeOp
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineMap

from ziggurat.passes.bufferize.core import Bufferizer, Destination, cannot_lower, is_tensor

_NEVER_READ_INIT = (FillOp, CopyOp, TransposeOp, BroadcastOp)


def reads_init(op: Operation, operand_index: int) -> bool:
    """Whether `op`'s body reads the element of its operand `operand_index` (an init)."""
    if isinstance(op, _NEVER_READ_INIT):
        return False
    if not op.regions or not op.regions[0].blocks:
        return True
    args = op.regions[0].blocks[0].args
    if len(args) != len(op.operands):
        return True
    return bool(args[operand_index].uses)


def indexing_maps(op: Operation) -> list[AffineMap] | None:
    """The op's indexing maps if every loop is parallel, else None."""
    if not isinstance(op, LinalgStructuredOperation):
        return None
    try:
        iterators = op.get_iterator_types()
        maps = [m.data for m in op.get_indexing_maps()]
    except Exception:  # an op whose maps cannot be derived: treat as opaque
        return None
    if any(it != IteratorTypeAttr.parallel() for it in iterators):
        return None
    return maps if len(maps) == len(op.operands) else None


def is_permutation(map_: AffineMap) -> bool:
    dims = [e.position for e in map_.results if isinstance(e, AffineDimExpr)]
    return (
        map_.num_symbols == 0
        and len(dims) == len(map_.results) == map_.num_dims
        and sorted(dims) == list(range(map_.num_dims))
    )


def bufferize_linalg(b: Bufferizer, op: Operation) -> None:
    """Rebuild `op` on buffers, writing into the buffers chosen for its inits."""
    num_results = len(op.results)
    if any(isinstance(v.type, MemRefType) for v in op.operands):
        raise cannot_lower(op, "mixes tensor and memref operands")
    if num_results == 0:
        raise cannot_lower(op, "a linalg op on tensors must have results")
    num_inputs = len(op.operands) - num_results
    inputs = list(op.operands[:num_inputs])
    inits = list(op.operands[num_inputs:])
    if not all(is_tensor(v) for v in inits):
        raise cannot_lower(op, "expects tensor inits")
    maps = indexing_maps(op)
    new_inputs = [b.read(v, op) if is_tensor(v) else v for v in inputs]

    def elementwise_alias(j: int, k: int, buffer: SSAValue | None) -> bool:
        """Input j reads, in the same iteration, exactly the element output k writes."""
        return (
            maps is not None
            and maps[j] == maps[num_inputs + k]
            and is_permutation(maps[j])
            and new_inputs[j] is buffer
        )

    dests: list[Destination] = []
    taken: set[int] = set()
    for k, init in enumerate(inits):
        in_place = b.buffers.get(init)
        reads = [
            v
            for j, v in enumerate(inputs)
            if is_tensor(v) and not elementwise_alias(j, k, in_place)
        ]
        reads += [v for i, v in enumerate(inits) if i != k]
        reads_k = reads_init(op, num_inputs + k)
        reuse = [] if reads_k else _reuse_candidates(b, op, k, inputs, inits, new_inputs, taken)
        dest = b.destination(op, init, reads_k, reads, reuse)
        for j, v in enumerate(inputs):
            if dest.shares is v:
                taken.add(j)
        dests.append(dest)
    new = type(op).create(
        operands=[*new_inputs, *(d.buffer for d in dests)],
        result_types=[],
        properties=dict(op.properties),
        attributes=dict(op.attributes),
        regions=[op.detach_region(r) for r in list(op.regions)],
    )
    new.location = op.location
    b.insert(new, op)
    for result, dest in zip(op.results, dests, strict=True):
        b.define(result, dest)
    b.done(op)


def _reuse_candidates(
    b: Bufferizer,
    op: Operation,
    k: int,
    inputs: Sequence[SSAValue],
    inits: Sequence[SSAValue],
    new_inputs: Sequence[SSAValue],
    taken: set[int],
) -> list[SSAValue]:
    """Inputs whose buffer output `k` may overwrite: same type, same permutation map, dead."""
    maps = indexing_maps(op)
    if maps is None:
        return []
    out_map = maps[len(inputs) + k]
    found: list[SSAValue] = []
    for j, value in enumerate(inputs):
        if j in taken or not is_tensor(value) or value.type != inits[k].type:
            continue
        if maps[j] != out_map or not is_permutation(out_map):
            continue
        others = [
            v
            for i, v in enumerate(inputs)
            if i != j
            and is_tensor(v)
            and not (maps[i] == out_map and new_inputs[i] is new_inputs[j])
        ]
        others += [v for i, v in enumerate(inits) if i != k]
        if b.can_overwrite(value, op, others):
            found.append(value)
    return found
