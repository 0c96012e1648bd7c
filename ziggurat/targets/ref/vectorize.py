"""Running a band of loops with numpy, one lane per iteration, when that is exact.

A band is a perfect nest of loops without loop-carried values, whose inner
bounds do not depend on the band's induction variables, and whose innermost
body is straight-line code: `arith`, `math`, `affine.apply/min/max`, loads,
stores and `tensor.extract`. Every lane runs each op of the body together,
in program order, which gives the sequential result if and only if no lane
reads or writes a memory address that another lane writes. That is checked
exactly before anything is stored:

1. the index computations must not depend on loaded values; they are
   evaluated first (they are pure) for every lane;
2. every access's byte addresses are computed for every lane, and bounds
   are checked (an out-of-bounds lane is an error, as it would be in order);
3. no address may be written by two lanes, nor written by one lane and
   read by another;
4. except for reductions: `store(combine(load(X[i]), e), X[i])` may hit
   the same address from many lanes, if nothing else in the body touches
   those addresses; it runs as `ufunc.at`, which applies the lanes in
   order, so even float rounding is the sequential one.

When a check fails the loop is interpreted one iteration at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from xdsl.dialects import affine, memref, tensor
from xdsl.dialects.builtin import IndexType, IntegerType
from xdsl.ir import Block, BlockArgument, Operation, OpResult, SSAValue

from ziggurat.targets.ref.affine_eval import compile_map
from ziggurat.targets.ref.arith_ops import COMBINERS
from ziggurat.targets.ref.arith_ops import HANDLERS as ARITH
from ziggurat.targets.ref.handlers import Env, Values
from ziggurat.targets.ref.loops import (
    LOOPS,
    LoopOp,
    Range,
    bound_operands,
    carries_values,
    loop_body,
    loop_ranges,
    trip_count,
)
from ziggurat.targets.ref.math_ops import HANDLERS as MATH
from ziggurat.targets.ref.types import is_shaped
from ziggurat.targets.ref.values import check_indices

if TYPE_CHECKING:
    from ziggurat.targets.ref.interpreter import Interpreter

MAX_LANES = 1 << 20
"""Iterations run at once; a bigger band is left to its inner loops."""

MIN_LANES = 2

LOADS = frozenset({"affine.load", "memref.load", "tensor.extract"})
STORES = frozenset({"affine.store", "memref.store"})
VECTOR_OPS = frozenset({*ARITH, *MATH, "affine.apply", "affine.min", "affine.max", *LOADS, *STORES})
REDUCERS: dict[str, np.ufunc] = {**COMBINERS, "arith.subf": np.subtract, "arith.subi": np.subtract}


@dataclass
class Access:
    op: Operation
    source: SSAValue
    index: Callable[[dict], tuple]


@dataclass
class Band:
    loops: list[LoopOp]
    body: Block
    pre_ops: list[Operation]
    main_ops: list[Operation]
    accesses: dict[Operation, Access]
    reductions: dict[Operation, tuple[Operation, np.ufunc, SSAValue]] = field(default_factory=dict)
    """Reduction store -> (its load, ufunc, the value combined in)."""


def _inside(value: SSAValue, root: Operation) -> bool:
    owner = value.owner
    op = owner.parent_op() if isinstance(owner, Block) else owner
    while op is not None:
        if op is root:
            return True
        op = op.parent_op()
    return False


def _index_fn(op: Operation) -> tuple[SSAValue, tuple[SSAValue, ...], Callable[[dict], tuple]]:
    """The accessed memref/tensor, the index operands, and how to compute the indices."""
    if isinstance(op, affine.LoadOp | affine.StoreOp):
        operands = tuple(op.indices)
        evaluate = compile_map(op.map.data)
        return op.memref, operands, lambda env: evaluate([env[v] for v in operands])
    assert isinstance(op, memref.LoadOp | memref.StoreOp | tensor.ExtractOp), op.name
    operands = tuple(op.indices)
    source = op.tensor if isinstance(op, tensor.ExtractOp) else op.memref
    return source, operands, lambda env: tuple(env[v] for v in operands)


def _slice(values, block: Block) -> set[Operation]:
    ops: set[Operation] = set()
    stack = list(values)
    while stack:
        v = stack.pop()
        if isinstance(v, OpResult) and v.op.parent is block and v.op not in ops:
            ops.add(v.op)
            stack.extend(v.op.operands)
    return ops


def plan_band(root: LoopOp) -> Band | None:
    """The band starting at `root`, if its body can run as lanes; else None."""
    loops = [root]
    while True:
        ops = list(loop_body(loops[-1]).ops)
        inner = ops[0]
        if (
            len(ops) == 2
            and isinstance(inner, LOOPS)
            and not carries_values(inner)
            and not ops[1].operands
            and not any(_inside(v, root) for v in bound_operands(inner))
        ):
            loops.append(inner)
            continue
        break
    for loop in loops:
        body = loop_body(loop)
        n_ivs = len(body.args)
        if any(not isinstance(a.type, IndexType) for a in body.args[:n_ivs]):
            return None
    body = loop_body(loops[-1])
    terminator = body.last_op
    if terminator is None or terminator.operands:
        return None
    ops = [op for op in body.ops if op is not terminator]
    for op in ops:
        if op.name not in VECTOR_OPS or op.regions:
            return None
        if any(is_shaped(r.type) for r in op.results):
            return None
    accesses: dict[Operation, Access] = {}
    index_operands: list[SSAValue] = []
    for op in ops:
        if op.name in LOADS or op.name in STORES:
            source, operands, fn = _index_fn(op)
            accesses[op] = Access(op, source, fn)
            index_operands.extend(operands)
    pre = _slice(index_operands, body)
    if any(op.name in LOADS for op in pre):
        return None  # indirect indexing: addresses depend on memory
    band = Band(loops, body, [op for op in ops if op in pre], [], accesses)
    skipped: set[Operation] = set()
    for store in (op for op in ops if op.name in STORES):
        found = _reduction(store, body)
        if found is not None:
            load, combine, ufunc, e = found
            band.reductions[store] = (load, ufunc, e)
            skipped |= {load, combine}
    band.main_ops = [op for op in ops if op not in pre and op not in skipped]
    return band


def _reduction(store: Operation, body: Block):
    value = store.operands[0]
    if not isinstance(value, OpResult) or value.op.parent is not body:
        return None
    combine = value.op
    if combine.name not in REDUCERS or not value.has_one_use():
        return None
    if isinstance(value.type, IntegerType) and value.type.width.data == 1:
        return None
    for position in (0, 1):
        if position == 1 and combine.name in ("arith.subf", "arith.subi"):
            break
        x, e = combine.operands[position], combine.operands[1 - position]
        if not isinstance(x, OpResult) or x.op.parent is not body or not x.has_one_use():
            continue
        load = x.op
        if isinstance(load, affine.LoadOp) and isinstance(store, affine.StoreOp):
            same = load.map == store.map
        elif isinstance(load, memref.LoadOp) and isinstance(store, memref.StoreOp):
            same = True
        else:
            continue
        if load.memref is not store.memref or tuple(load.indices) != tuple(store.indices):
            continue
        if not same:
            continue
        if load in _slice([e], body):
            continue
        return load, combine, REDUCERS[combine.name], e
    return None


def run_band(
    interp: Interpreter, env: Env, root: LoopOp, vals: Values, ranges: list[Range]
) -> bool:
    """Run the band at `root` as lanes if that is exact; False to interpret instead."""
    key = (root, "band")
    band = interp.cache.get(key, 0)
    if band == 0:
        band = interp.cache[key] = plan_band(root)
    if band is None:
        return False
    all_ranges = list(ranges)
    ivs: list[BlockArgument] = list(loop_body(root).args[: len(ranges)])
    for loop in band.loops[1:]:
        inner = loop_ranges(loop, [env[v] for v in bound_operands(loop)])
        all_ranges += inner
        ivs += list(loop_body(loop).args[: len(inner)])
    counts = [trip_count(r) for r in all_ranges]
    total = int(np.prod(counts, dtype=np.int64))
    if total == 0:
        return True
    if total < MIN_LANES or total > MAX_LANES:
        return False
    grid = np.indices(counts, dtype=np.int64).reshape(len(counts), total)
    for iv, (lower, _, step), g in zip(ivs, all_ranges, grid, strict=True):
        env[iv] = lower + step * g
    try:
        interp.run_ops(band.pre_ops, env)
        located = _locate(band, env, total)
        if not _independent(band, located, total):
            return False
        _execute(interp, env, band, located, total)
        return True
    finally:
        for op in band.body.ops:
            for r in op.results:
                env.pop(r, None)


Located = dict[Operation, tuple[np.ndarray, tuple, np.ndarray | None]]
"""Access -> (array accessed, index tuple per lane, byte address per lane or None)."""


def _locate(band: Band, env: dict, total: int) -> Located:
    located: Located = {}
    for op, access in band.accesses.items():
        source = env[access.source]
        if op.name == "tensor.extract":
            array, address_of = source, False
        else:
            source.check_live(op)
            array, address_of = source.array, True
        index = tuple(
            np.broadcast_to(np.asarray(i, dtype=np.int64), (total,)) for i in access.index(env)
        )
        check_indices(op, index, array.shape)
        if array.ndim == 0:
            array, index = array.reshape(1), (np.zeros(total, dtype=np.int64),)
        addresses = None
        if address_of:
            addresses = np.full(total, array.__array_interface__["data"][0], dtype=np.int64)
            for i, stride in zip(index, array.strides, strict=True):
                addresses = addresses + i * stride
        located[op] = (array, index, addresses)
    return located


def _addresses(located: Located, op: Operation) -> np.ndarray:
    """The byte address per lane of a memref access (only `tensor.extract` has none)."""
    addresses = located[op][2]
    assert addresses is not None, op.name
    return addresses


def _may_meet(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(a.size and b.size and a.min() <= b.max() and b.min() <= a.max())


def _independent(band: Band, located: Located, total: int) -> bool:
    """Whether no lane touches an address another lane writes (reductions aside)."""
    lanes = np.arange(total, dtype=np.int64)
    paired = {load for load, _, _ in band.reductions.values()}
    writes = [
        _addresses(located, op)
        for op in band.accesses
        if op.name in STORES and op not in band.reductions
    ]
    reads = [
        _addresses(located, op)
        for op in band.accesses
        if op.name in LOADS and op.name != "tensor.extract" and op not in paired
    ]
    if writes:
        written = np.concatenate(writes)
        writers = np.tile(lanes, len(writes))
        order = np.argsort(written, kind="stable")
        written, writers = written[order], writers[order]
        same = written[1:] == written[:-1]
        if np.any(same & (writers[1:] != writers[:-1])):
            return False
        for read in reads:
            if not _may_meet(read, written):
                continue
            pos = np.minimum(np.searchsorted(written, read), written.size - 1)
            if np.any((written[pos] == read) & (writers[pos] != lanes)):
                return False
    reduced = {op: _addresses(located, op) for op in band.reductions}
    for op, addresses in reduced.items():
        others = [*writes, *reads, *(a for o, a in reduced.items() if o is not op)]
        for other in others:
            if _may_meet(addresses, other) and np.any(np.isin(addresses, other)):
                return False
    return True


def _execute(interp: Interpreter, env: Env, band: Band, located: Located, total: int) -> None:
    for op in band.main_ops:
        name = op.name
        if name in LOADS:
            array, index, _ = located[op]
            env[op.results[0]] = array[index]
        elif name in STORES:
            array, index, _ = located[op]
            reduction = band.reductions.get(op)
            if reduction is not None:
                _, ufunc, e = reduction
                values = np.broadcast_to(np.asarray(env[e]).astype(array.dtype), (total,))
                ufunc.at(array, index, values)
            else:
                value = np.asarray(env[op.operands[0]]).astype(array.dtype)
                array[index] = np.broadcast_to(value, (total,))
        else:
            interp.run_ops((op,), env)
