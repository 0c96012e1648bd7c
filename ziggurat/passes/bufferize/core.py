"""The state of bufferizing one function: which buffer holds each tensor.

`Bufferizer` walks a function in program order. Each handler (in
`bufferize_ops` and `bufferize_control`) inserts memref ops before the tensor
op it replaces, records the buffer of each tensor result, and queues the
tensor op for erasure; nothing is erased until the whole function is done, so
the alias and liveness analysis can keep looking at the tensor program.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    IndexType,
    IntegerAttr,
    MemRefType,
    NoneAttr,
    TensorType,
    UnrankedTensorType,
)
from xdsl.dialects.func import FuncOp
from xdsl.dialects.memref import AllocOp, DimOp
from xdsl.ir import Attribute, Operation, SSAValue, Use

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.memref import CopyOp
from ziggurat.passes.bufferize.analysis import AliasSets, ProgramOrder


def cannot_lower(op: Operation, why: str) -> CompileError:
    return CompileError(f"cannot lower '{op.name}': {why}", op)


def memref_type(type_: Attribute, op: Operation) -> MemRefType:
    """The identity-layout memref type of a ranked tensor type."""
    if not isinstance(type_, TensorType):
        raise cannot_lower(op, f"expected a ranked tensor type, got {type_}")
    if not isinstance(type_.encoding, NoneAttr):
        raise cannot_lower(op, f"tensor encodings are not supported ({type_})")
    return MemRefType(type_.element_type, type_.get_shape())


def is_tensor(value: SSAValue) -> bool:
    return isinstance(value.type, TensorType)


def has_tensors(op: Operation) -> bool:
    """Whether `op` takes or produces a value of a tensor type (ranked or not)."""
    return any(
        isinstance(v.type, TensorType | UnrankedTensorType) for v in (*op.operands, *op.results)
    )


def index_constant(value: int) -> arith.ConstantOp:
    return arith.ConstantOp(IntegerAttr(value, IndexType()))


@dataclass(frozen=True)
class Destination:
    """Where an op writes a result: `buffer`, shared with `shares` if in place."""

    buffer: SSAValue
    shares: SSAValue | None


class Bufferizer:
    """Buffers of the tensor values of one function, and the ops to erase."""

    def __init__(self, func: FuncOp, constant_global: Callable[[Operation], SSAValue]) -> None:
        self.func = func
        self.order = ProgramOrder(func)
        self.aliases = AliasSets()
        self.buffers: dict[SSAValue, SSAValue] = {}
        self.undefined: dict[SSAValue, Operation] = {}
        """Tensors with undefined contents (tensor.empty): a buffer only where used."""
        self.origins: dict[SSAValue, tensor.ExtractSliceOp] = {}
        """Tensors whose buffer is the subview made for this extract_slice."""
        self.owned: list[SSAValue] = []
        """Buffers this function allocated (allocs, call results): freed or returned."""
        self.yield_targets: dict[Operation, dict[int, SSAValue]] = {}
        """For each scf.for/scf.if with tensor results: the buffer of each result."""
        self.erased: list[Operation] = []
        self.finalizers: list[Callable[[], None]] = []
        self.constant_global = constant_global

    # Building ---------------------------------------------------------------

    def insert(self, new: Operation, before: Operation) -> Operation:
        block = before.parent_block()
        assert block is not None
        block.insert_op_before(new, before)
        return new

    def done(self, op: Operation) -> None:
        """`op` is replaced: erase it once the function is bufferized."""
        self.erased.append(op)

    def alloc(
        self, type_: MemRefType, dynamic_sizes: Sequence[SSAValue], before: Operation
    ) -> SSAValue:
        new = self.insert(AllocOp(dynamic_sizes, (), type_), before)
        self.owned.append(new.results[0])
        return new.results[0]

    def dynamic_sizes_from(self, buffer: SSAValue, before: Operation) -> list[SSAValue]:
        assert isinstance(buffer.type, MemRefType)
        sizes: list[SSAValue] = []
        for i, size in enumerate(buffer.type.get_shape()):
            if size == DYNAMIC_INDEX:
                index = self.insert(index_constant(i), before).results[0]
                sizes.append(self.insert(DimOp(buffer, index), before).results[0])
        return sizes

    def alloc_like(self, value: SSAValue, before: Operation) -> SSAValue:
        """A new buffer shaped like tensor `value` (its dynamic sizes taken from it)."""
        type_ = memref_type(value.type, before)
        if type_.get_shape().count(DYNAMIC_INDEX) == 0:
            return self.alloc(type_, (), before)
        if value in self.undefined:
            empty = self.undefined[value]
            return self.alloc(
                type_, list(empty.operands[: type_.get_shape().count(DYNAMIC_INDEX)]), before
            )
        return self.alloc(type_, self.dynamic_sizes_from(self.read(value, before), before), before)

    def copy(self, source: SSAValue, target: SSAValue, before: Operation) -> None:
        self.insert(CopyOp(source, target), before)

    # Buffers of tensors -----------------------------------------------------

    def read(self, value: SSAValue, at: Operation) -> SSAValue:
        """The buffer holding tensor `value`, for an op `at` that reads it."""
        if value in self.undefined:
            return self.alloc_like(value, at)
        buffer = self.buffers.get(value)
        if buffer is None:
            raise cannot_lower(at, f"its operand of type {value.type} has no buffer")
        return buffer

    def define(self, result: SSAValue, dest: Destination | SSAValue) -> None:
        """`result` lives in `dest`: in place, or in a new buffer of its own."""
        if isinstance(dest, SSAValue):
            dest = Destination(dest, None)
        self.buffers[result] = dest.buffer
        if dest.buffer.name_hint is None and result.name_hint is not None:
            dest.buffer.name_hint = result.name_hint
        if dest.shares is None:
            self.aliases.new(result, writable=True)
            return
        self.aliases.join(result, dest.shares)
        if dest.shares in self.origins:
            self.origins[result] = self.origins[dest.shares]

    def define_view(self, result: SSAValue, buffer: SSAValue, source: SSAValue) -> None:
        """`result` is a view of `source`'s buffer."""
        self.buffers[result] = buffer
        self.aliases.join(result, source)

    def define_readonly(self, result: SSAValue, buffer: SSAValue) -> None:
        """`result` lives in a buffer that must never be written (argument, global)."""
        self.buffers[result] = buffer
        self.aliases.new(result, writable=False)

    # In-place decisions -----------------------------------------------------

    def _slice_exemption(self, value: SSAValue) -> Callable[[Use], bool]:
        """Uses that do not need the data at `value`'s buffer once it is overwritten.

        If `value` lives in the subview made by `extract_slice %s[S]`, then a
        later `insert_slice ... into %s[S]` overwrites exactly that part of
        `%s`: its use of `%s` as destination needs only the rest, which the
        write leaves alone (the tile-and-insert pattern of tiled loops).
        """
        extract = self.origins.get(value)
        if extract is None:
            return lambda _: False

        def exempt(use: Use) -> bool:
            user = use.operation
            return (
                isinstance(user, tensor.InsertSliceOp)
                and use.index == 1
                and user.dest is extract.source
                and same_slice(user, extract)
            )

        return exempt

    def can_overwrite(self, value: SSAValue, at: Operation, reads: Sequence[SSAValue]) -> bool:
        """Whether `at` may write into the buffer of `value` in place.

        The buffer must be writable, no alias of it may be used after `at`,
        and `at` must not also read it through another operand (`reads`).
        """
        if value in self.undefined or value not in self.buffers:
            return False
        cls = self.aliases.of(value)
        if not cls.writable:
            return False
        if any(self.aliases.same(other, value) for other in reads):
            return False
        return not self.order.write_conflicts(at, cls.members, self._slice_exemption(value))

    def destination(
        self,
        op: Operation,
        init: SSAValue,
        reads_init: bool,
        reads: Sequence[SSAValue] = (),
        reuse: Sequence[SSAValue] = (),
    ) -> Destination:
        """The buffer an op writes its result into, starting from tensor `init`.

        In place into `init`'s buffer when allowed; else into the buffer of a
        `reuse` candidate (a dead input of an elementwise op that ignores its
        init); else a new buffer, into which `init` is copied if `op` reads it.
        """
        if init not in self.undefined and self.can_overwrite(init, op, reads):
            return Destination(self.buffers[init], init)
        if not reads_init or init in self.undefined:
            for candidate in reuse:
                return Destination(self.buffers[candidate], candidate)
            return Destination(self.alloc_like(init, op), None)
        source = self.read(init, op)
        buffer = self.alloc_like(init, op)
        self.copy(source, buffer, op)
        return Destination(buffer, None)


def same_slice(a: Operation, b: Operation) -> bool:
    """Whether two slice ops (extract/insert_slice, subview) address the same elements."""
    names = ("offsets", "sizes", "strides")
    statics = ("static_offsets", "static_sizes", "static_strides")
    return all(tuple(getattr(a, n)) == tuple(getattr(b, n)) for n in names) and all(
        a.properties[n] == b.properties[n] for n in statics
    )
