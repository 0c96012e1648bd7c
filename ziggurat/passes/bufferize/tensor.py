"""Bufferization of `tensor` ops.

Slices and reshapes become views of their source's buffer (memref.subview
with MLIR's strided layout, memref.collapse_shape/expand_shape, memref.cast);
ops that produce a modified tensor (insert, insert_slice) write into their
destination's buffer, in place when it is dead, else into a copy; ops that
build a tensor (pad, splat, from_elements, generate, concat) fill a new
buffer.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import memref, tensor
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    AffineMapAttr,
    MemRefType,
    NoneAttr,
    StridedLayoutAttr,
    TensorType,
)
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.dialects.linalg.ops import FillOp, GenericOp, IndexOp, YieldOp
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineMap

from ziggurat.dialects import memref as zmemref
from ziggurat.dialects.tensor import GenerateOp
from ziggurat.passes.bufferize.core import (
    Bufferizer,
    cannot_lower,
    has_tensors,
    index_constant,
    memref_type,
    same_slice,
)


def kept_dims(sizes: Sequence[int], shape: Sequence[int], op: Operation) -> list[int]:
    """Which dims of a slice of `sizes` remain in a result of `shape` (rank reduction).

    Unit dims not matched by the result shape are dropped, left to right.
    """
    kept: list[int] = []
    for i, size in enumerate(sizes):
        if len(kept) < len(shape) and size == shape[len(kept)]:
            kept.append(i)
        elif size != 1:
            raise cannot_lower(op, f"cannot match slice sizes {list(sizes)} to {list(shape)}")
    if len(kept) != len(shape):
        raise cannot_lower(op, f"cannot match slice sizes {list(sizes)} to {list(shape)}")
    return kept


def subview_type(source: MemRefType, op: Operation, shape: Sequence[int]) -> MemRefType:
    """MLIR's inferred (possibly rank-reduced) type of a subview by slice op `op`."""
    offsets = op.properties["static_offsets"].get_values()  # pyright: ignore
    sizes = op.properties["static_sizes"].get_values()  # pyright: ignore
    steps = op.properties["static_strides"].get_values()  # pyright: ignore
    source_strides = source.get_strides()
    if source_strides is None:
        raise cannot_lower(op, f"cannot take a slice of {source}")
    strides: list[int | None] = [
        None if s is None or step == DYNAMIC_INDEX else s * step
        for s, step in zip(source_strides, steps, strict=True)
    ]
    offset = source.get_offset()
    for start, stride in zip(offsets, source_strides, strict=True):
        if offset is None or start == 0:
            continue
        offset = None if start == DYNAMIC_INDEX or stride is None else offset + start * stride
    kept = kept_dims(sizes, shape, op)
    layout = StridedLayoutAttr([strides[i] for i in kept], offset)
    return MemRefType(source.element_type, shape, layout)


def subview(b: Bufferizer, source: SSAValue, op: Operation, shape: Sequence[int]) -> SSAValue:
    """A subview of `source` addressing the slice of `op` (extract/insert_slice)."""
    assert isinstance(source.type, MemRefType)
    new = memref.SubviewOp(
        source,
        op.offsets,  # pyright: ignore[reportAttributeAccessIssue]
        op.sizes,  # pyright: ignore[reportAttributeAccessIssue]
        op.strides,  # pyright: ignore[reportAttributeAccessIssue]
        op.properties["static_offsets"],  # pyright: ignore[reportArgumentType]
        op.properties["static_sizes"],  # pyright: ignore[reportArgumentType]
        op.properties["static_strides"],  # pyright: ignore[reportArgumentType]
        subview_type(source.type, op, shape),
    )
    view = b.insert(new, op).results[0]
    if isinstance(op, tensor.ExtractSliceOp):
        view.name_hint = op.result.name_hint
    return view


def extract_slice(b: Bufferizer, op: tensor.ExtractSliceOp) -> None:
    shape = memref_type(op.result.type, op).get_shape()
    fresh = op.source in b.undefined
    view = subview(b, b.read(op.source, op), op, shape)
    if fresh:
        b.define(op.result, view)
    else:
        b.define_view(op.result, view, op.source)
        b.origins[op.result] = op
    b.done(op)


def insert_slice(b: Bufferizer, op: tensor.InsertSliceOp) -> None:
    source = b.read(op.source, op)
    in_place = b.buffers.get(op.dest)
    view_op = source.owner
    matching = (
        isinstance(view_op, memref.SubviewOp)
        and in_place is not None
        and view_op.source is in_place
        and same_slice(view_op, op)
    )
    dest = b.destination(op, op.dest, True, [] if matching else [op.source])
    if not (matching and dest.buffer is in_place):
        shape = memref_type(op.source.type, op).get_shape()
        b.copy(source, subview(b, dest.buffer, op, shape), op)
    b.define(op.result, dest)
    b.done(op)


def insert(b: Bufferizer, op: tensor.InsertOp) -> None:
    dest = b.destination(op, op.dest, True)
    b.insert(memref.StoreOp.get(op.scalar, dest.buffer, op.indices), op)
    b.define(op.result, dest)
    b.done(op)


def extract(b: Bufferizer, op: tensor.ExtractOp) -> None:
    load = b.insert(memref.LoadOp.get(b.read(op.tensor, op), op.indices), op)
    op.result.replace_all_uses_with(load.results[0])
    b.done(op)


def dim(b: Bufferizer, op: tensor.DimOp) -> None:
    new = b.insert(memref.DimOp(b.read(op.source, op), op.index), op)
    op.result.replace_all_uses_with(new.results[0])
    b.done(op)


def cast(b: Bufferizer, op: tensor.CastOp) -> None:
    source = b.read(op.source, op)
    assert isinstance(source.type, MemRefType)
    target = memref_type(op.dest.type, op)
    target = MemRefType(target.element_type, target.get_shape(), source.type.layout)
    if target != source.type:
        new = zmemref.CastOp.build(operands=[source], result_types=[target])
        source = b.insert(new, op).results[0]
    _define_view(b, op.dest, source, op.source)
    b.done(op)


def _define_view(b: Bufferizer, result: SSAValue, view: SSAValue, source: SSAValue) -> None:
    if view.name_hint is None:
        view.name_hint = result.name_hint
    if source in b.undefined:
        b.define(result, view)
    else:
        b.define_view(result, view, source)


def reshape(b: Bufferizer, op: tensor.CollapseShapeOp | tensor.ExpandShapeOp) -> None:
    """collapse/expand_shape: a view of an identity-layout buffer, else of a copy."""
    source = b.read(op.src, op)
    assert isinstance(source.type, MemRefType)
    copied = not isinstance(source.type.layout, NoneAttr)
    if copied:
        contiguous = b.alloc_like(op.src, op)
        b.copy(source, contiguous, op)
        source = contiguous
    target = memref_type(op.result.type, op)
    properties: dict[str, Attribute] = {"reassociation": op.reassociation}
    if isinstance(op, tensor.ExpandShapeOp):
        properties["static_output_shape"] = op.static_output_shape
        new = zmemref.ExpandShapeOp.create(
            operands=[source, *op.dynamic_output_shape],
            result_types=[target],
            properties=properties,
        )
    else:
        new = zmemref.CollapseShapeOp.create(
            operands=[source], result_types=[target], properties=properties
        )
    view = b.insert(new, op).results[0]
    view.name_hint = op.result.name_hint
    if copied:
        b.define(op.result, view)
    else:
        _define_view(b, op.result, view, op.src)
    b.done(op)


def _static_result(op: Operation) -> MemRefType:
    type_ = memref_type(op.results[0].type, op)
    if DYNAMIC_INDEX in type_.get_shape():
        raise cannot_lower(op, f"dynamic shapes are not supported here ({op.results[0].type})")
    return type_


def _fill(b: Bufferizer, value: SSAValue, buffer: SSAValue, before: Operation) -> None:
    b.insert(FillOp((value,), (buffer,), ()), before)


def pad(b: Bufferizer, op: tensor.PadOp) -> None:
    """A new buffer filled with the padding value, the source copied into its middle."""
    type_ = _static_result(op)
    if op.low or op.high:
        raise cannot_lower(op, "dynamic padding amounts are not supported")
    source_type = memref_type(op.source.type, op)
    if DYNAMIC_INDEX in source_type.get_shape():
        raise cannot_lower(op, "padding a tensor of dynamic shape is not supported")
    yielded = op.region.block.last_op
    assert yielded is not None
    value = yielded.operands[0]
    if value.owner is not None and op.is_ancestor(value.owner):  # pyright: ignore
        owner = value.owner
        if not (isinstance(owner, Operation) and owner.name == "arith.constant"):
            raise cannot_lower(op, "the padding value must not depend on the position")
        value = b.insert(owner.clone(), op).results[0]
    buffer = b.alloc(type_, (), op)
    _fill(b, value, buffer, op)
    low = op.static_low.get_values()
    rank = len(low)
    strides = type_.get_strides()
    offset = 0
    for lo, s in zip(low, strides or [], strict=True):
        assert s is not None, "a static buffer has static strides"
        offset += lo * s
    window = memref.SubviewOp.get(
        buffer,
        list(low),
        list(source_type.get_shape()),
        [1] * rank,
        MemRefType(
            type_.element_type,
            source_type.get_shape(),
            StridedLayoutAttr(strides or [None] * rank, offset),
        ),
    )
    b.insert(window, op)
    b.copy(b.read(op.source, op), window.result, op)
    b.define(op.result, buffer)
    b.done(op)


def splat(b: Bufferizer, op: tensor.SplatOp) -> None:
    buffer = b.alloc(memref_type(op.result.type, op), list(op.dynamicSizes), op)
    _fill(b, op.input, buffer, op)
    b.define(op.result, buffer)
    b.done(op)


def from_elements(b: Bufferizer, op: tensor.FromElementsOp) -> None:
    type_ = _static_result(op)
    buffer = b.alloc(type_, (), op)
    shape = type_.get_shape()
    constants: dict[int, SSAValue] = {}

    def index(i: int) -> SSAValue:
        if i not in constants:
            constants[i] = b.insert(index_constant(i), op).results[0]
        return constants[i]

    for flat, element in enumerate(op.elements):
        position: list[int] = []
        for size in reversed(shape):
            position.append(flat % size)
            flat //= size
        indices = [index(i) for i in reversed(position)]
        b.insert(memref.StoreOp.get(element, buffer, indices), op)
    b.define(op.result, buffer)
    b.done(op)


def generate(b: Bufferizer, op: GenerateOp) -> None:
    """A new buffer written by a linalg.generic whose body is the generator."""
    if any(has_tensors(inner) for inner in op.body.walk()):
        raise cannot_lower(op, "its body uses tensors")
    type_ = memref_type(op.result.type, op)
    buffer = b.alloc(type_, list(op.dynamic_extents), op)
    rank = type_.get_num_dims()
    old = op.body.block
    block = Block(arg_types=[type_.element_type])
    for i, arg in enumerate(old.args):
        position = IndexOp(i)
        block.add_op(position)
        arg.replace_all_uses_with(position.result)
    for inner in list(old.ops):
        inner.detach()
        if isinstance(inner, tensor.YieldOp):
            block.add_op(YieldOp(*inner.operands))
            inner.erase()
        else:
            block.add_op(inner)
    identity = AffineMapAttr(AffineMap.identity(rank))
    new = GenericOp((), (buffer,), Region(block), (identity,), [IteratorTypeAttr.parallel()] * rank)
    b.insert(new, op)
    b.define(op.result, buffer)
    b.done(op)


def concat(b: Bufferizer, op: tensor.ConcatOp) -> None:
    """A new buffer; each input copied into its slab along the concatenated dim."""
    type_ = _static_result(op)
    buffer = b.alloc(type_, (), op)
    axis = op.dim.value.data
    strides = type_.get_strides()
    assert strides is not None
    start = 0
    for value in op.inputs:
        assert isinstance(value.type, TensorType)
        shape = value.type.get_shape()
        offsets = [start if d == axis else 0 for d in range(len(shape))]
        layout = StridedLayoutAttr(strides, start * (strides[axis] or 0))
        window = memref.SubviewOp.get(
            buffer,
            offsets,
            list(shape),
            [1] * len(shape),
            MemRefType(type_.element_type, shape, layout),
        )
        b.insert(window, op)
        b.copy(b.read(value, op), window.result, op)
        start += shape[axis]
    b.define(op.result, buffer)
    b.done(op)


def empty(b: Bufferizer, op: Operation) -> None:
    """No buffer yet: each op writing into it gets a new one (its contents are undefined)."""
    memref_type(op.results[0].type, op)
    b.undefined[op.results[0]] = op
    b.done(op)


HANDLERS: dict[str, object] = {
    "tensor.empty": empty,
    "tensor.extract_slice": extract_slice,
    "tensor.insert_slice": insert_slice,
    "tensor.insert": insert,
    "tensor.extract": extract,
    "tensor.dim": dim,
    "tensor.cast": cast,
    "tensor.collapse_shape": reshape,
    "tensor.expand_shape": reshape,
    "tensor.pad": pad,
    "tensor.splat": splat,
    "tensor.from_elements": from_elements,
    "tensor.generate": generate,
    "tensor.concat": concat,
}
