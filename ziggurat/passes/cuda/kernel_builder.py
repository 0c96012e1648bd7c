"""Small builders of scf control flow and GPU memrefs that the CUDA kernel passes share."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.builder import ImplicitBuilder
from xdsl.dialects import scf
from xdsl.dialects.builtin import (
    IndexType,
    MemRefType,
)
from xdsl.ir import Attribute, Block, Region, SSAValue

from ziggurat.dialects.device_attrs import MemorySpace, MemorySpaceAttr
from ziggurat.passes.index_arith import index


def for_loop(upper: int | SSAValue, body: Callable[[SSAValue], object], lower: int = 0) -> None:
    """`scf.for %i = lower to upper step 1`, its body built by `body(%i)`."""
    block = Block(arg_types=[IndexType()])
    with ImplicitBuilder(block):
        body(block.args[0])
        scf.YieldOp()
    hi = index(upper) if isinstance(upper, int) else upper
    scf.ForOp(index(lower), hi, index(1), [], block)


def if_then(cond: SSAValue, then: Callable[[], None]) -> None:
    """`scf.if cond`, without an else branch."""
    block = Block()
    with ImplicitBuilder(block):
        then()
        scf.YieldOp()
    scf.IfOp(cond, [], Region(block))


def select_load(cond: SSAValue, load: Callable[[], SSAValue], zero: SSAValue) -> SSAValue:
    """`cond ? load() : zero` without reading out of bounds."""
    then, otherwise = Block(), Block()
    with ImplicitBuilder(then):
        scf.YieldOp(load())
    with ImplicitBuilder(otherwise):
        scf.YieldOp(zero)
    return scf.IfOp(cond, [zero.type], Region(then), Region(otherwise)).results[0]


def global_memref(t: MemRefType) -> MemRefType:
    return MemRefType(t.element_type, t.shape, t.layout, MemorySpaceAttr(MemorySpace.GLOBAL))


def memref_in(element: Attribute, shape: Sequence[int], space: MemorySpace) -> MemRefType:
    return MemRefType(element, shape, memory_space=MemorySpaceAttr(space))
