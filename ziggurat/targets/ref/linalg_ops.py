"""`linalg` structured ops (generic, named, fill, copy, transpose, broadcast,
reduce), evaluated with numpy over the whole iteration space.

Each operand is seen through a zero-copy strided view whose axes are the
op's loops (`as_strided`: a map result `d1 * 2 + d4` becomes strides on
axes 1 and 4; a loop the map does not use gets length 1). The body then
runs once on arrays instead of once per point. Loops that no output map
uses are reduced:

- a body `out = combine(out, f(ins))` (combine an associative op: add, mul,
  max, min, and, or, xor) computes `f` everywhere and reduces it with the
  ufunc; if `f` is a product of two factors that each read one input
  (after casts), `np.einsum` contracts them (BLAS for floats; integer
  einsum wraps around in the output type as MLIR does);
- any other body, and sums in `bool`, `f16` or `bf16` (whose rounding
  depends on the order), runs the reduction loops one point at a time,
  in order, still vectorised over the output.

Large iteration spaces are cut into boxes to bound memory (the views and
boxes are in `linalg_views.py`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias, cast

import numpy as np
from xdsl.dialects.builtin import AffineMapAttr, ShapedType
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.dialects.linalg.ops import BroadcastOp, IndexOp, ReduceOp
from xdsl.ir import Block, BlockArgument, Operation, OpResult, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineMap

from ziggurat.diagnostics import CompileError
from ziggurat.targets.ref.arith_ops import COMBINERS
from ziggurat.targets.ref.arith_ops import HANDLERS as ARITH
from ziggurat.targets.ref.handlers import Env, OpHandlers, Results, Value, Values
from ziggurat.targets.ref.linalg_views import Ranges, boxes, iota, operand_view, unsupported
from ziggurat.targets.ref.types import LOW_PRECISION
from ziggurat.targets.ref.values import Buffer

if TYPE_CHECKING:
    from ziggurat.targets.ref.interpreter import Interpreter

HANDLERS: OpHandlers[Interpreter] = OpHandlers()

StructuredOp: TypeAlias = BroadcastOp | ReduceOp | LinalgStructuredOperation
"""The ops `structured` runs: every linalg structured op, and broadcast and reduce."""

SEQUENTIAL_LOW_PRECISION_LIMIT = 1 << 16
"""Up to this many reduction points, f16/bf16 sums are done in order, exactly."""

BOX = object()
"""Key under which `env` holds the box being evaluated, for `linalg.index`."""


@dataclass
class Structured:
    """What the evaluator needs from any structured op."""

    maps: list[AffineMap]
    num_inputs: int
    block: Block


@dataclass
class Reduction:
    combine: Operation
    out_position: int
    """Which operand of `combine` is the output's block argument."""
    factors: list[tuple[BlockArgument, list[Operation], SSAValue]] | None
    """For einsum: each factor's input argument, the ops computing it, its value."""


@dataclass
class Pattern:
    reductions: list[Reduction] | None
    f_ops: list[Operation]
    """The body's ops without the combines: what computes each `f`."""


def _maps(attr_or_maps) -> list[AffineMap]:
    maps = attr_or_maps.data if hasattr(attr_or_maps, "data") else attr_or_maps
    return [m.data if isinstance(m, AffineMapAttr) else m for m in maps]


def describe_structured(op: StructuredOp) -> Structured:
    if isinstance(op, LinalgStructuredOperation):
        maps = _maps(op.get_indexing_maps())
        return Structured(maps, len(op.inputs), op.body.block)
    if isinstance(op, BroadcastOp):
        rank = len(cast(ShapedType, op.init.type).get_shape())
        added = set(op.dimensions.get_values())
        kept = tuple(AffineDimExpr(d) for d in range(rank) if d not in added)
        maps = [AffineMap(rank, 0, kept), AffineMap.identity(rank)]
        return Structured(maps, 1, op.hidden_region.block)
    rank = len(cast(ShapedType, op.input.type).get_shape())
    reduced = set(op.dimensions.get_values())
    kept = tuple(AffineDimExpr(d) for d in range(rank) if d not in reduced)
    maps = [AffineMap.identity(rank), AffineMap(rank, 0, kept)]
    return Structured(maps, 1, op.region.block)


# Views ---------------------------------------------------------------------------


def _slice(value: SSAValue, block: Block) -> tuple[list[Operation], set[BlockArgument], bool]:
    """The body ops `value` depends on (in order), the block arguments it reads,
    and whether it reads `linalg.index`."""
    ops: set[Operation] = set()
    args: set[BlockArgument] = set()
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, BlockArgument) and v.block is block:
            args.add(v)
        elif isinstance(v, OpResult) and v.op.parent is block and v.op not in ops:
            ops.add(v.op)
            stack.extend(v.op.operands)
    ordered = [o for o in block.ops if o in ops]
    return ordered, args, any(o.name == "linalg.index" for o in ordered)


def analyse(op: Operation, s: Structured) -> Pattern:
    block = s.block
    out_args = list(block.args[s.num_inputs :])
    in_args = set(block.args[: s.num_inputs])
    terminator = block.last_op
    assert terminator is not None
    yielded = list(terminator.operands)
    body_ops = [o for o in block.ops if o is not terminator]
    reductions: list[Reduction] = []
    for _k, (arg, y) in enumerate(zip(out_args, yielded, strict=True)):
        combine = y.op if isinstance(y, OpResult) else None
        if (
            combine is None
            or combine.parent is not block
            or combine.name not in COMBINERS
            or not arg.has_one_use()
            or not combine.results[0].has_one_use()
        ):
            return Pattern(None, body_ops)
        operands = list(combine.operands)
        if operands.count(arg) != 1:
            return Pattern(None, body_ops)
        position = operands.index(arg)
        f = operands[1 - position]
        _, f_args, _ = _slice(f, block)
        if f_args & set(out_args):
            return Pattern(None, body_ops)
        reductions.append(Reduction(combine, position, _factors(combine, f, block, in_args)))
    combines = {r.combine for r in reductions}
    return Pattern(reductions, [o for o in body_ops if o not in combines])


def _factors(combine: Operation, f: SSAValue, block: Block, in_args: set[BlockArgument]):
    if combine.name not in ("arith.addf", "arith.addi"):
        return None
    terms = [f]
    if (
        isinstance(f, OpResult)
        and f.op.parent is block
        and f.op.name in ("arith.mulf", "arith.muli")
    ):
        terms = list(f.op.operands)
    factors = []
    for term in terms:
        ops, args, uses_index = _slice(term, block)
        if uses_index or len(args) != 1 or not args <= in_args:
            return None
        factors.append((next(iter(args)), ops, term))
    return factors


# Evaluation ---------------------------------------------------------------------


def loop_sizes(op: Operation, maps: list[AffineMap], values: list) -> list[int]:
    n = maps[0].num_dims
    sizes: list[int | None] = [None] * n
    for k, (amap, value) in enumerate(zip(maps, values, strict=True)):
        if amap.num_symbols:
            raise unsupported(op, "indexing maps with symbols")
        shape = np.shape(value) if isinstance(value, np.ndarray) else ()
        for r, expr in enumerate(amap.results):
            if isinstance(expr, AffineDimExpr) and r < len(shape):
                d = expr.position
                if sizes[d] is None:
                    sizes[d] = shape[r]
                elif sizes[d] != shape[r]:
                    raise CompileError(
                        f"ref: '{op.name}' operand #{k} has size {shape[r]} in dimension {r}, "
                        f"but loop d{d} runs {sizes[d]} times",
                        op,
                    )
    if any(s is None for s in sizes):
        missing = [f"d{d}" for d, s in enumerate(sizes) if s is None]
        raise unsupported(op, f"cannot infer the size of loop {', '.join(missing)}")
    return sizes  # pyright: ignore[reportReturnType]


def _kept_dims(op: Operation, out_maps: list[AffineMap]) -> list[int]:
    kept: list[int] | None = None
    for amap in out_maps:
        dims = [e.position if isinstance(e, AffineDimExpr) else None for e in amap.results]
        if None in dims or len(set(dims)) != len(dims):
            raise unsupported(op, f"output map {amap} is not a projected permutation")
        if kept is not None and sorted(kept) != sorted(dims):  # pyright: ignore
            raise unsupported(op, "outputs indexed by different loops")
        kept = dims  # pyright: ignore
    return sorted(kept or [])


def structured(interp: Interpreter, env: Env, op: StructuredOp, vals: Values) -> Results:
    s = interp.cache.get(op)
    if s is None:
        s = describe_structured(op)
        if any(inner.regions for inner in s.block.ops):
            raise unsupported(op, "a body with nested regions")
        interp.cache[op] = s
    arrays = []
    for v in vals:
        if isinstance(v, Buffer):
            v.check_live(op)
            arrays.append(v.array)
        else:
            arrays.append(v)
    on_tensors = bool(op.results)
    outs = arrays[s.num_inputs :]
    if on_tensors:
        outs = [np.array(o) for o in outs]
        arrays[s.num_inputs :] = outs
    evaluate(interp, env, op, s, arrays)
    return outs if on_tensors else ()


def evaluate(interp: Interpreter, env: Env, op: Operation, s: Structured, arrays: list) -> None:
    """Run the structured op `s` over `arrays` (inputs, then outputs written in place)."""
    sizes = loop_sizes(op, s.maps, arrays)
    if any(size == 0 for size in sizes):
        return
    kept = _kept_dims(op, s.maps[s.num_inputs :])
    reduced = [d for d in range(len(sizes)) if d not in kept]
    key = (op, "pattern")
    pattern = interp.cache.get(key)
    if pattern is None:
        pattern = interp.cache[key] = analyse(op, s)
    if not reduced:
        for box in boxes(sizes):
            _run_box(interp, env, op, s, arrays, box)
        return
    out_dtypes = [a.dtype for a in arrays[s.num_inputs :]]
    reduce_points = int(np.prod([sizes[d] for d in reduced]))
    in_order = any(d == np.bool_ for d in out_dtypes) or (
        any(d in LOW_PRECISION for d in out_dtypes)
        and reduce_points <= SEQUENTIAL_LOW_PRECISION_LIMIT
    )
    if pattern.reductions is None or in_order:
        _run_in_order(interp, env, op, s, arrays, sizes, reduced)
    elif all(r.factors is not None for r in pattern.reductions) and not any(
        d in LOW_PRECISION for d in out_dtypes
    ):
        _run_einsum(interp, env, op, s, arrays, sizes, kept, pattern)
    else:
        for box in boxes(sizes):
            _run_reduce_box(interp, env, op, s, arrays, box, reduced, pattern)


def _bind(
    env: Env, s: Structured, op: Operation, arrays: list[Value], box: Ranges, outputs: bool = True
) -> None:
    env[BOX] = box
    args = s.block.args
    for k, value in enumerate(arrays):
        if k < s.num_inputs or outputs:
            env[args[k]] = operand_view(op, k, value, s.maps[k], box)


def _write(
    op: Operation, s: Structured, arrays: list[Value], box: Ranges, k: int, value: Value
) -> None:
    out = arrays[s.num_inputs + k]
    view = operand_view(op, s.num_inputs + k, out, s.maps[s.num_inputs + k], box, True)
    view[...] = np.broadcast_to(np.asarray(value).astype(out.dtype), view.shape)


def _run_box(
    interp: Interpreter, env: Env, op: Operation, s: Structured, arrays: list[Value], box: Ranges
) -> None:
    _bind(env, s, op, arrays, box)
    values = interp.run_block(s.block, env)
    for k, value in enumerate(values):
        _write(op, s, arrays, box, k, value)


def _run_in_order(
    interp: Interpreter,
    env: Env,
    op: Operation,
    s: Structured,
    arrays: list[Value],
    sizes: list[int],
    reduced: list[int],
) -> None:
    """Reduction loops one point at a time, in order; the other loops vectorised."""
    kept_sizes = [1 if d in reduced else n for d, n in enumerate(sizes)]
    for kept_box in boxes(kept_sizes):
        for point in itertools.product(*[range(sizes[d]) for d in reduced]):
            box = list(kept_box)
            for d, i in zip(reduced, point, strict=True):
                box[d] = (i, 1)
            _run_box(interp, env, op, s, arrays, box)


def _combine_into(
    interp: Interpreter,
    env: Env,
    op: Operation,
    s: Structured,
    arrays: list[Value],
    box: Ranges,
    reduction: Reduction,
    k: int,
    part: np.ndarray,
) -> None:
    out = arrays[s.num_inputs + k]
    view = operand_view(op, s.num_inputs + k, out, s.maps[s.num_inputs + k], box, True)
    operands = [view, part] if reduction.out_position == 0 else [part, view]
    combine = reduction.combine
    handler = ARITH.get(combine)
    assert handler is not None, combine.name
    results = handler(interp, env, combine, operands)
    assert results is not None, combine.name
    (new,) = results
    view[...] = np.broadcast_to(np.asarray(new).astype(out.dtype), view.shape)


def _run_reduce_box(
    interp: Interpreter,
    env: Env,
    op: Operation,
    s: Structured,
    arrays: list[Value],
    box: Ranges,
    reduced: list[int],
    pattern: Pattern,
) -> None:
    _bind(env, s, op, arrays, box, outputs=False)
    interp.run_ops(pattern.f_ops, env)
    shape = tuple(length for _, length in box)
    for k, reduction in enumerate(pattern.reductions or []):
        f = reduction.combine.operands[1 - reduction.out_position]
        out_dtype = arrays[s.num_inputs + k].dtype
        values = np.broadcast_to(np.asarray(env[f]).astype(out_dtype), shape)
        ufunc = COMBINERS[reduction.combine.name]
        part = ufunc.reduce(values, axis=tuple(reduced), dtype=out_dtype, keepdims=True)
        _combine_into(interp, env, op, s, arrays, box, reduction, k, part)


def _run_einsum(
    interp: Interpreter,
    env: Env,
    op: Operation,
    s: Structured,
    arrays: list[Value],
    sizes: list[int],
    kept: list[int],
    pattern: Pattern,
) -> None:
    box = [(0, n) for n in sizes]
    _bind(env, s, op, arrays, box, outputs=False)
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for k, reduction in enumerate(pattern.reductions or []):
        operands: list = []
        covered: set[int] = set()
        for arg, ops, value in reduction.factors or []:
            interp.run_ops(ops, env)
            k_in = s.block.args.index(arg)
            used = sorted({d for e in s.maps[k_in].results for d in _dims_of(e)})
            covered.update(used)
            array = np.asarray(env[value])
            array = np.broadcast_to(array, [n if d in used else 1 for d, n in enumerate(sizes)])
            operands += [array.reshape([sizes[d] for d in used]), [letters[d] for d in used]]
        if not covered >= set(range(len(sizes))) - set(kept):
            _run_reduce_box(
                interp,
                env,
                op,
                s,
                arrays,
                box,
                [d for d in range(len(sizes)) if d not in kept],
                pattern,
            )
            return
        out_letters = [letters[d] for d in kept]
        subscripts = ",".join("".join(operands[i + 1]) for i in range(0, len(operands), 2))
        arrays_in = [operands[i] for i in range(0, len(operands), 2)]
        part = np.einsum(f"{subscripts}->{''.join(out_letters)}", *arrays_in, optimize=True)
        part = np.asarray(part).reshape([n if d in kept else 1 for d, n in enumerate(sizes)])
        _combine_into(interp, env, op, s, arrays, box, reduction, k, part)


def _dims_of(expr) -> set[int]:
    return {e.position for e in expr.dfs() if isinstance(e, AffineDimExpr)}


@HANDLERS.on(IndexOp)
def _index(interp: Interpreter, env: Env, op: IndexOp, vals: Values) -> Results:
    box = env[BOX]
    d = op.dim.value.data
    return (iota(box, d),)


HANDLERS.add(BroadcastOp, structured)
HANDLERS.add(ReduceOp, structured)
