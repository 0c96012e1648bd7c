"""`tensor` ops. Tensors are numpy arrays that are never written once made:
every op that "changes" a tensor returns a new array.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np
from xdsl.dialects import tensor
from xdsl.ir import Block, Operation

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.tensor import BitcastOp, GenerateOp, RankOp
from ziggurat.targets.ref.handlers import Env, OpHandlers, Results, Values
from ziggurat.targets.ref.memory_ops import (
    check_shape,
    dim,
    dropped_dims,
    rank,
    reduce_rank,
    result_shape,
    slice_spec,
    static_or_dynamic,
)
from ziggurat.targets.ref.types import value_dtype
from ziggurat.targets.ref.values import check_index, check_indices

if TYPE_CHECKING:
    from ziggurat.targets.ref.interpreter import Interpreter

HANDLERS: OpHandlers[Interpreter] = OpHandlers()


def _dtype(op: Operation) -> np.dtype:
    return value_dtype(op.results[0].type, op)


@HANDLERS.on(tensor.EmptyOp)
def _empty(interp: Interpreter, env: Env, op: tensor.EmptyOp, vals: Values) -> Results:
    return (np.zeros(result_shape(op, vals), _dtype(op)),)


@HANDLERS.on(tensor.ExtractOp)
def _extract(interp: Interpreter, env: Env, op: tensor.ExtractOp, vals: Values) -> Results:
    tensor, *index = vals
    index = tuple(index)
    if any(type(i) is np.ndarray for i in index):
        check_indices(op, index, tensor.shape)
    else:
        check_index(op, index, tensor.shape)
    return (tensor[index],)


@HANDLERS.on(tensor.InsertOp)
def _insert(interp: Interpreter, env: Env, op: tensor.InsertOp, vals: Values) -> Results:
    scalar, tensor, *index = vals
    check_index(op, tuple(index), tensor.shape)
    result = np.array(tensor)
    result[tuple(index)] = scalar
    return (result,)


@HANDLERS.on(tensor.ExtractSliceOp)
def _extract_slice(
    interp: Interpreter, env: Env, op: tensor.ExtractSliceOp, vals: Values
) -> Results:
    source = vals[0]
    index, sizes = slice_spec(op, vals[1:], source.shape)
    view = reduce_rank(source[index], dropped_dims(sizes, op.result.type.get_shape()))
    return (np.array(view),)


@HANDLERS.on(tensor.InsertSliceOp)
def _insert_slice(interp: Interpreter, env: Env, op: tensor.InsertSliceOp, vals: Values) -> Results:
    source, dest = vals[0], vals[1]
    index, sizes = slice_spec(op, vals[2:], dest.shape)
    result = np.array(dest)
    target = result[index]
    if int(np.prod(sizes, dtype=np.int64)) != np.size(source):
        raise CompileError(f"ref: '{op.name}' of a source that does not fit its slice", op)
    target[...] = np.reshape(source, target.shape)
    return (result,)


@HANDLERS.on(tensor.PadOp)
def _pad(interp: Interpreter, env: Env, op: tensor.PadOp, vals: Values) -> Results:
    source = vals[0]
    n_low = len(op.low)
    low = static_or_dynamic(op.static_low.get_values(), vals[1 : 1 + n_low])
    high = static_or_dynamic(op.static_high.get_values(), vals[1 + n_low :])
    if any(v < 0 for v in (*low, *high)):
        raise CompileError(f"ref: '{op.name}' with negative padding", op)
    shape = tuple(n + lo + hi for n, lo, hi in zip(source.shape, low, high, strict=True))
    result = evaluate_on_grid(interp, env, op.region.block, shape, _dtype(op), op)
    inner = tuple(slice(lo, lo + n) for lo, n in zip(low, source.shape, strict=True))
    result[inner] = source
    return (result,)


@HANDLERS.on(GenerateOp)
def _generate(interp: Interpreter, env: Env, op: GenerateOp, vals: Values) -> Results:
    shape = result_shape(op, vals)
    return (evaluate_on_grid(interp, env, op.body.block, shape, _dtype(op), op),)


def evaluate_on_grid(
    interp: Interpreter,
    env: Env,
    block: Block,
    shape: tuple[int, ...],
    dtype: np.dtype,
    op: Operation,
) -> np.ndarray:
    """A new array whose element at each index is what `block` yields for it.

    A body of plain ops runs once on index arrays; one with nested regions
    (an `scf.if`, say) runs once per element.
    """
    if all(not inner.regions for inner in block.ops):
        for axis, arg in enumerate(block.args):
            grid_shape = [1] * len(shape)
            grid_shape[axis] = shape[axis]
            env[arg] = np.arange(shape[axis], dtype=np.int64).reshape(grid_shape)
        (value,) = interp.run_block(block, env)
        return np.array(np.broadcast_to(np.asarray(value).astype(dtype), shape))
    result = np.zeros(shape, dtype)
    for index in itertools.product(*[range(n) for n in shape]):
        for arg, i in zip(block.args, index, strict=True):
            env[arg] = np.int64(i)
        (result[index],) = interp.run_block(block, env)
    return result


def _reshape_to(op: Operation, source: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    if int(np.prod(shape, dtype=np.int64)) != source.size:
        raise CompileError(
            f"ref: '{op.name}' from shape {list(source.shape)} to {list(shape)} changes the size",
            op,
        )
    return np.reshape(source, shape).copy()


@HANDLERS.on(tensor.CollapseShapeOp)
def _collapse_shape(
    interp: Interpreter, env: Env, op: tensor.CollapseShapeOp, vals: Values
) -> Results:
    source = vals[0]
    shape = tuple(
        int(np.prod([source.shape[i.value.data] for i in group.data], dtype=np.int64))
        for group in op.reassociation
    )
    return (_reshape_to(op, source, shape),)


@HANDLERS.on(tensor.ExpandShapeOp)
def _expand_shape(interp: Interpreter, env: Env, op: tensor.ExpandShapeOp, vals: Values) -> Results:
    shape = tuple(static_or_dynamic(op.static_output_shape.get_values(), vals[1:]))
    return (_reshape_to(op, vals[0], shape),)


@HANDLERS.on(tensor.ReshapeOp)
def _reshape(interp: Interpreter, env: Env, op: tensor.ReshapeOp, vals: Values) -> Results:
    return (_reshape_to(op, vals[0], tuple(int(v) for v in np.asarray(vals[1]))),)


@HANDLERS.on(tensor.CastOp)
def _cast(interp: Interpreter, env: Env, op: tensor.CastOp, vals: Values) -> Results:
    check_shape(op, vals[0].shape)
    return (vals[0],)


@HANDLERS.on(tensor.FromElementsOp)
def _from_elements(
    interp: Interpreter, env: Env, op: tensor.FromElementsOp, vals: Values
) -> Results:
    shape = tuple(op.result.type.get_shape())
    return (np.array(vals, dtype=_dtype(op)).reshape(shape),)


@HANDLERS.on(tensor.SplatOp)
def _splat(interp: Interpreter, env: Env, op: tensor.SplatOp, vals: Values) -> Results:
    shape = result_shape(op, vals[1:])
    return (np.full(shape, vals[0], dtype=_dtype(op)),)


@HANDLERS.on(tensor.ConcatOp)
def _concat(interp: Interpreter, env: Env, op: tensor.ConcatOp, vals: Values) -> Results:
    return (np.concatenate(vals, axis=op.dim.value.data).astype(_dtype(op)),)


@HANDLERS.on(BitcastOp)
def _bitcast(interp: Interpreter, env: Env, op: BitcastOp, vals: Values) -> Results:
    return (np.ascontiguousarray(vals[0]).view(_dtype(op)),)


HANDLERS.add(tensor.DimOp, dim)
HANDLERS.add(RankOp, rank)
