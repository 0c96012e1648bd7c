"""`memref`, `bufferization` and `affine` memory ops.

A memref is a numpy view (`Buffer`), so subviews, casts and reshapes alias
the memory they come from, as in MLIR. Every access is bounds-checked and
every use of a deallocated buffer is an error. Fresh allocations are zeroed,
so runs are deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import numpy as np
from xdsl.dialects import affine, bufferization, memref, tensor
from xdsl.dialects.builtin import DYNAMIC_INDEX, ShapedType
from xdsl.ir import Operation

from ziggurat.diagnostics import CompileError, location_of
from ziggurat.dialects import device
from ziggurat.dialects.bufferization import DeallocTensorOp
from ziggurat.dialects.memref import AtomicRMWOp
from ziggurat.dialects.tensor import RankOp as TensorRankOp
from ziggurat.targets.ref.affine_eval import compile_map
from ziggurat.targets.ref.arith_ops import KIND_COMBINE, finish
from ziggurat.targets.ref.handlers import Env, OpHandlers, Results, Values
from ziggurat.targets.ref.types import value_dtype
from ziggurat.targets.ref.values import Allocation, Buffer, check_index, check_indices

if TYPE_CHECKING:
    from ziggurat.targets.ref.interpreter import Interpreter

HANDLERS: OpHandlers[Interpreter] = OpHandlers()


def result_shape(op: Operation, dynamic: Sequence) -> tuple[int, ...]:
    """The shape of `op`'s shaped result, `?` sizes taken from `dynamic` in order."""
    sizes = iter(dynamic)
    shape = []
    for size in cast(ShapedType, op.results[0].type).get_shape():
        if size == DYNAMIC_INDEX:
            value = int(next(sizes))
            if value < 0:
                raise CompileError(f"ref: '{op.name}' with a negative size ({value})", op)
            shape.append(value)
        else:
            shape.append(size)
    return tuple(shape)


def alloc(
    interp: Interpreter,
    env: Env,
    op: memref.AllocOp | memref.AllocaOp | device.AllocOp,
    vals: Values,
) -> Results:
    n_dynamic = len(op.dynamic_sizes)
    shape = result_shape(op, vals[:n_dynamic])
    dtype = value_dtype(op.results[0].type, op)
    loc = location_of(op)
    where = f" at {loc}" if loc is not None else ""
    return (
        Buffer(np.zeros(shape, dtype), Allocation(f"the buffer allocated by '{op.name}'{where}")),
    )


@HANDLERS.on(memref.DeallocOp)
def _dealloc(interp: Interpreter, env: Env, op: memref.DeallocOp, vals: Values) -> Results:
    buffer = vals[0]
    buffer.check_live(op)
    buffer.allocation.freed = True
    return ()


def _checked_array(op: Operation, buffer: Buffer, index: tuple) -> np.ndarray:
    """The buffer's array, once it is known to be live and `index` in bounds."""
    buffer.check_live(op)
    array = buffer.array
    if any(type(i) is np.ndarray for i in index):
        check_indices(op, index, array.shape)
    else:
        check_index(op, index, array.shape)
    return array


def _load_at(op: Operation, buffer: Buffer, index: tuple):
    return _checked_array(op, buffer, index)[index]


def _store_at(op: Operation, buffer: Buffer, index: tuple, value) -> None:
    _checked_array(op, buffer, index)[index] = value


@HANDLERS.on(memref.LoadOp)
def _load(interp: Interpreter, env: Env, op: memref.LoadOp, vals: Values) -> Results:
    return (_load_at(op, vals[0], tuple(vals[1:])),)


@HANDLERS.on(memref.StoreOp)
def _store(interp: Interpreter, env: Env, op: memref.StoreOp, vals: Values) -> Results:
    _store_at(op, vals[1], tuple(vals[2:]), vals[0])
    return ()


@HANDLERS.on(affine.LoadOp)
def _affine_load(interp: Interpreter, env: Env, op: affine.LoadOp, vals: Values) -> Results:
    return (_load_at(op, vals[0], compile_map(op.map.data)(vals[1:])),)


@HANDLERS.on(affine.StoreOp)
def _affine_store(interp: Interpreter, env: Env, op: affine.StoreOp, vals: Values) -> Results:
    _store_at(op, vals[1], compile_map(op.map.data)(vals[2:]), vals[0])
    return ()


def _vector_window(op: Operation, buffer: Buffer, index: tuple, shape: tuple[int, ...]) -> tuple:
    """The slice a vector of `shape` covers from `index` (along the last dims)."""
    buffer.check_live(op)
    lead = len(index) - len(shape)
    array_shape = buffer.array.shape
    check_index(op, tuple(index), array_shape)
    for dim, size in zip(range(lead, len(index)), shape, strict=True):
        last = int(index[dim]) + size - 1
        check_index(op, (last,), (array_shape[dim],))
    return tuple(int(i) for i in index[:lead]) + tuple(
        slice(int(i), int(i) + s) for i, s in zip(index[lead:], shape, strict=True)
    )


@HANDLERS.on(affine.VectorLoadOp)
def _affine_vector_load(
    interp: Interpreter, env: Env, op: affine.VectorLoadOp, vals: Values
) -> Results:
    index = compile_map(op.map.data)(vals[1:])
    shape = tuple(op.result.type.get_shape())
    return (vals[0].array[_vector_window(op, vals[0], index, shape)].copy(),)


@HANDLERS.on(affine.VectorStoreOp)
def _affine_vector_store(
    interp: Interpreter, env: Env, op: affine.VectorStoreOp, vals: Values
) -> Results:
    index = compile_map(op.map.data)(vals[2:])
    value = vals[0]
    vals[1].array[_vector_window(op, vals[1], index, value.shape)] = value
    return ()


def static_or_dynamic(static: Sequence[int], dynamic: Sequence) -> list[int]:
    values = iter(dynamic)
    return [int(next(values)) if s == DYNAMIC_INDEX else s for s in static]


def slice_spec(
    op: memref.SubviewOp | tensor.ExtractSliceOp | tensor.InsertSliceOp,
    vals: Sequence,
    source_shape: tuple[int, ...],
) -> tuple:
    """Offsets, sizes and strides of a subview/extract_slice/insert_slice, checked."""
    n_off, n_size = len(op.offsets), len(op.sizes)
    offsets = static_or_dynamic(op.static_offsets.get_values(), vals[:n_off])
    sizes = static_or_dynamic(op.static_sizes.get_values(), vals[n_off : n_off + n_size])
    strides = static_or_dynamic(op.static_strides.get_values(), vals[n_off + n_size :])
    for dim, (o, s, st, n) in enumerate(zip(offsets, sizes, strides, source_shape, strict=True)):
        if s < 0 or (s > 0 and (o < 0 or st <= 0 or o + (s - 1) * st >= n)):
            raise CompileError(
                f"ref: '{op.name}' slice out of bounds in dimension {dim}: offset {o}, "
                f"size {s}, stride {st} in a dimension of size {n}",
                op,
            )
    index = tuple(
        slice(o, o + (s - 1) * st + 1 if s else o, st)
        for o, s, st in zip(offsets, sizes, strides, strict=True)
    )
    return index, sizes


def dropped_dims(sizes: Sequence[int], result_shape: Sequence[int]) -> list[int]:
    """The unit dims a rank-reducing slice drops: match result dims left to right."""
    if len(sizes) == len(result_shape):
        return []
    dropped: list[int] = []
    j = 0
    for i, size in enumerate(sizes):
        if j < len(result_shape) and (result_shape[j] == size or result_shape[j] == DYNAMIC_INDEX):
            if size == 1 and len(sizes) - i > len(result_shape) - j:
                # A unit dim that may also be dropped: keep it only if the rest still fits.
                rest = sizes[i + 1 :]
                if _fits(rest, result_shape[j:]):
                    dropped.append(i)
                    continue
            j += 1
        elif size == 1:
            dropped.append(i)
    return dropped


def _fits(sizes: Sequence[int], shape: Sequence[int]) -> bool:
    j = 0
    for size in sizes:
        if j < len(shape) and (shape[j] == size or shape[j] == DYNAMIC_INDEX):
            j += 1
        elif size != 1:
            return False
    return j == len(shape)


def reduce_rank(array: np.ndarray, dropped: Sequence[int]) -> np.ndarray:
    if not dropped:
        return array
    index = tuple(0 if d in dropped else slice(None) for d in range(array.ndim))
    return array[index]


@HANDLERS.on(memref.SubviewOp)
def _subview(interp: Interpreter, env: Env, op: memref.SubviewOp, vals: Values) -> Results:
    source: Buffer = vals[0]
    source.check_live(op)
    index, sizes = slice_spec(op, vals[1:], source.array.shape)
    view = source.array[index]
    result_shape_ = op.result.type.get_shape()
    return (source.view(reduce_rank(view, dropped_dims(sizes, result_shape_))),)


@HANDLERS.on(memref.CastOp, memref.MemorySpaceCastOp, memref.AssumeAlignmentOp)
def _same_buffer(
    interp: Interpreter,
    env: Env,
    op: memref.CastOp | memref.MemorySpaceCastOp | memref.AssumeAlignmentOp,
    vals: Values,
) -> Results:
    source = vals[0]
    check_shape(op, source.array.shape)
    return (source,)


def check_shape(op: Operation, shape: tuple[int, ...]) -> None:
    expected = cast(ShapedType, op.results[0].type).get_shape()
    if len(expected) != len(shape) or any(
        e != DYNAMIC_INDEX and e != s for e, s in zip(expected, shape, strict=False)
    ):
        raise CompileError(
            f"ref: '{op.name}' of a value of shape {list(shape)} to {op.results[0].type}", op
        )


def _reshaped_view(op: Operation, array: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    view = array.view()
    try:
        view.shape = shape
    except AttributeError:
        raise CompileError(
            f"ref: '{op.name}' cannot reshape this strided memref without a copy", op
        ) from None
    return view


@HANDLERS.on(memref.CollapseShapeOp)
def _collapse_shape(
    interp: Interpreter, env: Env, op: memref.CollapseShapeOp, vals: Values
) -> Results:
    source: Buffer = vals[0]
    shape = source.array.shape
    new_shape = tuple(
        int(np.prod([shape[i.value.data] for i in group.data], dtype=np.int64))
        for group in op.reassociation
    )
    return (source.view(_reshaped_view(op, source.array, new_shape)),)


@HANDLERS.on(memref.ExpandShapeOp)
def _expand_shape(interp: Interpreter, env: Env, op: memref.ExpandShapeOp, vals: Values) -> Results:
    source: Buffer = vals[0]
    shape = tuple(static_or_dynamic(op.static_output_shape.get_values(), vals[1:]))
    if int(np.prod(shape, dtype=np.int64)) != source.array.size:
        raise CompileError(f"ref: '{op.name}' to shape {list(shape)} changes the size", op)
    return (source.view(_reshaped_view(op, source.array, shape)),)


@HANDLERS.on(memref.ReinterpretCastOp)
def _reinterpret_cast(
    interp: Interpreter, env: Env, op: memref.ReinterpretCastOp, vals: Values
) -> Results:
    source: Buffer = vals[0]
    array = source.array
    n_off, n_size = len(op.offsets), len(op.sizes)
    offsets = static_or_dynamic(op.static_offsets.get_values(), vals[1 : 1 + n_off])
    sizes = static_or_dynamic(op.static_sizes.get_values(), vals[1 + n_off : 1 + n_off + n_size])
    strides = static_or_dynamic(op.static_strides.get_values(), vals[1 + n_off + n_size :])
    if not array.flags.c_contiguous:
        raise CompileError(f"ref: '{op.name}' of a non-contiguous memref", op)
    flat = array.reshape(-1)
    last = offsets[0] + sum((s - 1) * st for s, st in zip(sizes, strides, strict=True))
    if any(s == 0 for s in sizes):
        last = offsets[0]
    if offsets[0] < 0 or last >= flat.size or any(st < 0 for st in strides):
        raise CompileError(f"ref: '{op.name}' reaches outside its source buffer", op)
    view = np.lib.stride_tricks.as_strided(
        flat[offsets[0] :], tuple(sizes), tuple(st * flat.itemsize for st in strides)
    )
    return (source.view(view),)


@HANDLERS.on(memref.CopyOp)
def _copy(interp: Interpreter, env: Env, op: memref.CopyOp, vals: Values) -> Results:
    source, target = vals
    source.check_live(op)
    target.check_live(op)
    if source.array.shape != target.array.shape:
        raise CompileError(
            f"ref: '{op.name}' from shape {list(source.array.shape)} to {list(target.array.shape)}",
            op,
        )
    target.array[...] = source.array
    return ()


def dim(interp: Interpreter, env: Env, op: memref.DimOp | tensor.DimOp, vals: Values) -> Results:
    value, index = vals
    array = value.array if isinstance(value, Buffer) else np.asarray(value)
    if not 0 <= int(index) < array.ndim:
        raise CompileError(
            f"ref: '{op.name}' of dimension {int(index)} of a rank-{array.ndim} value", op
        )
    return (np.int64(array.shape[int(index)]),)


def rank(interp: Interpreter, env: Env, op: memref.RankOp | TensorRankOp, vals: Values) -> Results:
    value = vals[0]
    array = value.array if isinstance(value, Buffer) else np.asarray(value)
    return (np.int64(array.ndim),)


@HANDLERS.on(memref.GetGlobalOp)
def _get_global(interp: Interpreter, env: Env, op: memref.GetGlobalOp, vals: Values) -> Results:
    return (interp.global_buffer(op.name_.root_reference.data, op),)


@HANDLERS.on(AtomicRMWOp)
def _atomic_rmw(interp: Interpreter, env: Env, op: AtomicRMWOp, vals: Values) -> Results:
    value, buffer, *index = vals
    kind = op.kind_name
    old = _load_at(op, buffer, tuple(index))
    new = finish(KIND_COMBINE[kind](old, value), op)
    _store_at(op, buffer, tuple(index), new)
    return (old,)


@HANDLERS.on(memref.ExtractAlignedPointerAsIndexOp)
def _pointer(
    interp: Interpreter, env: Env, op: memref.ExtractAlignedPointerAsIndexOp, vals: Values
) -> Results:
    return (np.int64(vals[0].array.__array_interface__["data"][0]),)


# bufferization ----------------------------------------------------------------


@HANDLERS.on(bufferization.ToTensorOp)
def _to_tensor(
    interp: Interpreter, env: Env, op: bufferization.ToTensorOp, vals: Values
) -> Results:
    vals[0].check_live(op)
    return (np.array(vals[0].array),)


def _to_buffer(interp: Interpreter, env: Env, op: Operation, vals: Values) -> Results:
    return (Buffer(np.array(vals[0]), Allocation(f"the buffer of a tensor ('{op.name}')")),)


@HANDLERS.on(bufferization.AllocTensorOp)
def _alloc_tensor(
    interp: Interpreter, env: Env, op: bufferization.AllocTensorOp, vals: Values
) -> Results:
    if op.copy is not None:
        return (np.array(env[op.copy]),)
    shape = result_shape(op, vals[: len(op.dynamic_sizes)])
    return (np.zeros(shape, value_dtype(op.results[0].type, op)),)


@HANDLERS.on(bufferization.MaterializeInDestinationOp)
def _materialize(
    interp: Interpreter, env: Env, op: bufferization.MaterializeInDestinationOp, vals: Values
) -> Results:
    source, dest = vals
    if isinstance(dest, Buffer):
        dest.check_live(op)
        if dest.array.shape != np.shape(source):
            raise CompileError(f"ref: '{op.name}' into a buffer of another shape", op)
        dest.array[...] = source
        return ()
    return (np.array(source),)


@HANDLERS.on(bufferization.CloneOp)
def _clone(interp: Interpreter, env: Env, op: bufferization.CloneOp, vals: Values) -> Results:
    vals[0].check_live(op)
    return (Buffer(np.array(vals[0].array), Allocation(f"the clone made by '{op.name}'")),)


@HANDLERS.on(DeallocTensorOp)
def _nothing(interp: Interpreter, env: Env, op: DeallocTensorOp, vals: Values) -> Results:
    return ()


HANDLERS.add(memref.AllocOp, alloc)
HANDLERS.add(memref.AllocaOp, alloc)
HANDLERS.add(memref.DimOp, dim)
HANDLERS.add(memref.RankOp, rank)
HANDLERS.add(bufferization.ToBufferOp, _to_buffer)
HANDLERS.add_name("bufferization.to_memref", _to_buffer)
