"""What an op does to memory: the one answer every pass and tool asks for.

MLIR answers these questions with interfaces: `ViewLikeOpInterface` (the result is
another view of an operand's memory) and `MemoryEffectOpInterface` (which values an
op reads, writes, allocates or frees). xDSL has the effect traits but not per-value
effects nor a view interface, and some ops (ziggurat's replacements of upstream ops,
the device dialects, xDSL's casts) carry no trait at all. So the answers live here:
xDSL's traits where an op has them, and small tables, by op name, for the rest.
Ops are matched by name so that ziggurat's and xDSL's class for one MLIR op agree.
"""

from __future__ import annotations

from xdsl.dialects.builtin import MemRefType
from xdsl.ir import Operation, SSAValue
from xdsl.traits import MemoryEffectKind, get_effects

VIEWS = frozenset(
    {
        "memref.subview",
        "memref.cast",
        "memref.collapse_shape",
        "memref.expand_shape",
        "memref.reinterpret_cast",
        "memref.memory_space_cast",
        "memref.transpose",
        "memref.view",
    }
)
"""Ops whose result is another view of their first operand's memory."""

ALLOCATIONS = frozenset({"memref.alloc", "memref.alloca"})
"""Ops whose result is a new buffer, distinct from every other."""

_READS_ONLY = frozenset(
    {
        "memref.load",
        "affine.load",
        "affine.vector_load",
        "memref.dim",
        "bufferization.to_tensor",
        "mxu.load",
        "cuda.dp4a",
        "cuda.mma_load",
    }
)
"""Ops that may read the memrefs they are given but never write them."""

_PURE = frozenset({"affine.apply", "affine.min", "affine.max", "affine.delinearize_index"})
_PURE_DIALECTS = frozenset({"arith", "math"})
"""Every arith and math op is pure in MLIR; xDSL leaves some (the casts) without a
memory-effect trait, which would read as an unknown write."""

_WRITTEN_OPERANDS: dict[str, frozenset[int]] = {
    "memref.store": frozenset({1}),
    "affine.store": frozenset({1}),
    "affine.vector_store": frozenset({1}),
    "memref.copy": frozenset({1}),
    "mxu.gemm": frozenset({2}),  # D; A, B and the bias are read
}
"""Ops that write exactly these operands (by index) and no other memref."""


def is_view(op: Operation) -> bool:
    """The op's result is a view of its first operand: writing one writes the other."""
    return op.name in VIEWS


def is_allocation(op: Operation) -> bool:
    """The op's result is a fresh buffer, not an alias of any other."""
    return op.name in ALLOCATIONS


def view_root(value: SSAValue) -> SSAValue:
    """The buffer `value` is a view of (`value` itself when it is not a view)."""
    while isinstance(value.owner, Operation) and is_view(value.owner):
        value = value.owner.operands[0]
    return value


def views_of(buffer: SSAValue) -> list[SSAValue]:
    """`buffer` and every value that is a view of it, transitively."""
    found = [buffer]
    for value in found:
        for use in value.uses:
            if is_view(use.operation) and use.index == 0:
                found.extend(use.operation.results)
    return found


def effect_kinds(op: Operation) -> frozenset[MemoryEffectKind] | None:
    """The kinds of effect `op` itself has (its regions aside), or None if unknown."""
    if op.name in _PURE or op.dialect_name() in _PURE_DIALECTS or is_view(op):
        return frozenset()
    if op.name in _READS_ONLY:
        return frozenset({MemoryEffectKind.READ})
    effects = get_effects(op)
    if effects is None:
        return None
    return frozenset(effect.kind for effect in effects)


def reads_only(op: Operation) -> bool:
    """The op never writes memory (it may read it)."""
    kinds = effect_kinds(op)
    return kinds is not None and kinds <= {MemoryEffectKind.READ}


def may_write_operand(op: Operation, index: int) -> bool:
    """Whether `op` may write the memory of its operand `index` (views aside).

    Conservative: an op this module knows nothing about may write any memref it is
    given (a call, a kernel launch, an op from a plugin).
    """
    if op.name in _WRITTEN_OPERANDS:
        return index in _WRITTEN_OPERANDS[op.name]
    if op.name.startswith("linalg."):  # destination-passing style: the outs are written
        return index >= len(getattr(op, "inputs", ()))
    if reads_only(op):
        return False
    return isinstance(op.operands[index].type, MemRefType)
