"""Bufferization of the tensor/buffer boundary: bufferization ops and constants.

`to_tensor` names an existing buffer (writable in place only when it says
`writable`); `to_buffer` hands out a tensor's buffer, or a copy when the
buffer must not be written or is still needed; dense tensor constants become
private constant globals, never written in place.
"""

from __future__ import annotations

from xdsl.dialects import arith, bufferization
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    MemRefType,
    ModuleOp,
    StringAttr,
    SymbolRefAttr,
    TensorType,
    UnitAttr,
)
from xdsl.ir import Attribute, Operation, SSAValue

from ziggurat.dialects.memref import CastOp, GetGlobalOp, GlobalOp
from ziggurat.passes.bufferize.core import Bufferizer, cannot_lower, is_tensor, memref_type


class ConstantGlobals:
    """One private constant `memref.global` per distinct dense tensor constant."""

    def __init__(self, module: ModuleOp) -> None:
        self.module = module
        self.names: set[str] = set()
        for op in module.ops:
            name = op.properties.get("sym_name") or op.attributes.get("sym_name")
            if isinstance(name, StringAttr):
                self.names.add(name.data)
        self.made: dict[tuple[Attribute, Attribute], str] = {}

    def _name(self, type_: MemRefType) -> str:
        shape = "x".join(str(d) for d in type_.get_shape())
        base = f"__constant_{shape}x{type_.element_type}"
        name, n = base, 0
        while name in self.names:
            name, n = f"{base}_{n}", n + 1
        self.names.add(name)
        return name

    def get(self, op: Operation) -> SSAValue:
        """A `memref.get_global` (inserted before `op`) of the global holding its value."""
        assert isinstance(op, arith.ConstantOp)
        value = op.value
        if not isinstance(value, DenseIntOrFPElementsAttr):
            raise cannot_lower(op, f"only dense constants are supported, got {value}")
        type_ = memref_type(op.result.type, op)
        key = (type_, value)
        if key not in self.made:
            name = self._name(type_)
            self.made[key] = name
            global_ = GlobalOp.create(
                properties={
                    "sym_name": StringAttr(name),
                    "sym_visibility": StringAttr("private"),
                    "type": type_,
                    "initial_value": value,
                    "constant": UnitAttr(),
                }
            )
            body = self.module.body.block
            if body.first_op is None:
                body.add_op(global_)
            else:
                body.insert_op_before(global_, body.first_op)
        get = GetGlobalOp(SymbolRefAttr(self.made[key]), type_)
        block = op.parent_block()
        assert block is not None
        block.insert_op_before(get, op)
        return get.results[0]


def constant(b: Bufferizer, op: arith.ConstantOp) -> None:
    if not isinstance(op.result.type, TensorType):
        raise cannot_lower(op, f"cannot bufferize a constant of type {op.result.type}")
    b.define_readonly(op.result, b.constant_global(op))
    b.done(op)


def alloc_tensor(b: Bufferizer, op: bufferization.AllocTensorOp) -> None:
    if "memory_space" in op.attributes:
        raise cannot_lower(op, "memory spaces are not supported")
    if op.copy is None:
        b.undefined[op.tensor] = op
    else:
        buffer = b.alloc_like(op.copy, op)
        b.copy(b.read(op.copy, op), buffer, op)
        b.define(op.tensor, buffer)
    b.done(op)


def to_tensor(b: Bufferizer, op: bufferization.ToTensorOp) -> None:
    b.buffers[op.tensor] = op.memref
    b.aliases.new(op.tensor, writable=op.writable is not None)
    b.done(op)


def to_buffer(b: Bufferizer, op: bufferization.ToBufferOp) -> None:
    """The tensor's buffer itself when it may be written (or will not be); else a copy."""
    buffer = b.read(op.tensor, op)
    wanted = op.memref.type
    needs_copy = op.read_only is None and not b.can_overwrite(op.tensor, op, [])
    if needs_copy and op.tensor not in b.undefined:
        copy = b.alloc_like(op.tensor, op)
        b.copy(buffer, copy, op)
        buffer = copy
    if buffer.type != wanted:
        if not isinstance(wanted, MemRefType) or not isinstance(buffer.type, MemRefType):
            raise cannot_lower(op, f"cannot give {buffer.type} as {wanted}")
        if isinstance(buffer.type.layout, type(wanted.layout)):
            buffer = b.insert(CastOp.build(operands=[buffer], result_types=[wanted]), op).results[0]
        else:
            copy = b.alloc(wanted, b.dynamic_sizes_from(buffer, op), op)
            b.copy(buffer, copy, op)
            buffer = copy
    op.memref.replace_all_uses_with(buffer)
    b.done(op)


def materialize(b: Bufferizer, op: bufferization.MaterializeInDestinationOp) -> None:
    source = b.read(op.source, op)
    if not is_tensor(op.dest):
        if source is not op.dest:
            b.copy(source, op.dest, op)
        b.done(op)
        return
    dest = b.destination(op, op.dest, False, [op.source])
    if dest.buffer is not source:
        b.copy(source, dest.buffer, op)
    assert op.result is not None
    b.define(op.result, dest)
    b.done(op)


def dealloc_tensor(b: Bufferizer, op: Operation) -> None:
    """Dropped: every buffer the pass allocates is freed after its last use anyway."""
    b.done(op)


HANDLERS: dict[str, object] = {
    "arith.constant": constant,
    "bufferization.alloc_tensor": alloc_tensor,
    "bufferization.to_tensor": to_tensor,
    "bufferization.to_buffer": to_buffer,
    "bufferization.materialize_in_destination": materialize,
    "bufferization.dealloc_tensor": dealloc_tensor,
}
