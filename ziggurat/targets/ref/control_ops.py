"""Control flow: `scf` and `affine` loops and conditionals, `affine` index maps,
`func.call` and `memref.alloca_scope`.

Loops without loop-carried values are first offered to the vectoriser,
which runs a whole band of them with numpy when it can prove that this is
exact; otherwise they are interpreted one iteration at a time.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from xdsl.dialects import affine, func, memref, scf

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.affine import MaxOp
from ziggurat.dialects.affine_parallel import ParallelOp as AffineParallelOp
from ziggurat.targets.ref import vectorize
from ziggurat.targets.ref.affine_eval import compile_map, compile_set
from ziggurat.targets.ref.arith_ops import KIND_COMBINE
from ziggurat.targets.ref.handlers import Env, OpHandlers, Results, Value, Values
from ziggurat.targets.ref.loops import LoopOp, loop_body, loop_ranges
from ziggurat.targets.ref.types import value_dtype

if TYPE_CHECKING:
    from ziggurat.targets.ref.interpreter import Interpreter

HANDLERS: OpHandlers[Interpreter] = OpHandlers()


def _iterate(
    interp: Interpreter, env: Env, op: LoopOp, vals: Values, inits: Sequence[Value]
) -> Sequence[Value]:
    """Run a loop's body for every point of its iteration space, in order."""
    ranges = loop_ranges(op, vals)
    if not inits and not op.results and vectorize.run_band(interp, env, op, vals, ranges):
        return []
    body = loop_body(op)
    ivs = body.args[: len(ranges)]
    carried = body.args[len(ranges) :]
    make = [value_dtype(iv.type).type for iv in ivs]
    current = inits
    spaces = [range(*r) for r in ranges]
    points = spaces[0] if len(spaces) == 1 else itertools.product(*spaces)
    iv0, make0 = ivs[0], make[0]
    for point in points:
        if isinstance(point, int):
            env[iv0] = make0(point)
        else:
            for iv, m, i in zip(ivs, make, point, strict=True):
                env[iv] = m(i)
        for a, v in zip(carried, current, strict=True):
            env[a] = v
        current = interp.run_block(body, env)
    return current


@HANDLERS.on(scf.ForOp)
def _scf_for(interp: Interpreter, env: Env, op: scf.ForOp, vals: Values) -> Results:
    return _iterate(interp, env, op, vals[:3], vals[3:])


@HANDLERS.on(affine.ForOp)
def _affine_for(interp: Interpreter, env: Env, op: affine.ForOp, vals: Values) -> Results:
    n = len(op.lowerBoundOperands) + len(op.upperBoundOperands)
    return _iterate(interp, env, op, vals[:n], vals[n:])


_IDENTITY = {
    "addf": 0,
    "addi": 0,
    "ori": 0,
    "xori": 0,
    "maxu": 0,
    "mulf": 1,
    "muli": 1,
    "andi": -1,
    "maximumf": -np.inf,
    "maxnumf": -np.inf,
    "minimumf": np.inf,
    "minnumf": np.inf,
}


def _identity(kind: str, dtype: np.dtype) -> Value:
    if kind in ("maxs", "mins", "minu"):
        info = np.iinfo(dtype)
        return dtype.type(info.max if kind != "maxs" else info.min)
    return np.asarray(_IDENTITY.get(kind, 0)).astype(dtype)[()]


@HANDLERS.on(AffineParallelOp)
def _affine_parallel(interp: Interpreter, env: Env, op: AffineParallelOp, vals: Values) -> Results:
    kinds = op.reduction_kinds()
    if not kinds:
        _iterate(interp, env, op, vals, [])
        return []
    dtypes = [value_dtype(r.type, op) for r in op.results]
    acc = [_identity(k, d) for k, d in zip(kinds, dtypes, strict=True)]
    body = loop_body(op)
    ranges = loop_ranges(op, vals)
    for point in itertools.product(*[range(*r) for r in ranges]):
        for iv, i in zip(body.args, point, strict=True):
            env[iv] = np.int64(i)
        values = interp.run_block(body, env)
        acc = [
            np.asarray(KIND_COMBINE[k](a, v)).astype(d)[()]
            for k, a, v, d in zip(kinds, acc, values, dtypes, strict=True)
        ]
    return acc


@HANDLERS.on(scf.ParallelOp)
def _scf_parallel(interp: Interpreter, env: Env, op: scf.ParallelOp, vals: Values) -> Results:
    n = len(op.lowerBound)
    inits = vals[3 * n :]
    if not inits:
        _iterate(interp, env, op, vals[: 3 * n], [])
        return []
    body = loop_body(op)
    reduce_op = body.last_op
    assert reduce_op is not None, "a verified scf.parallel body ends in scf.reduce"
    ranges = loop_ranges(op, vals[: 3 * n])
    acc = list(inits)
    for point in itertools.product(*[range(*r) for r in ranges]):
        for iv, i in zip(body.args, point, strict=True):
            env[iv] = np.int64(i)
        values = interp.run_block(body, env)
        for k, region in enumerate(reduce_op.regions):
            acc[k] = interp.run_region(region, env, [acc[k], values[k]])[0]
    return acc


@HANDLERS.on(scf.WhileOp)
def _scf_while(interp: Interpreter, env: Env, op: scf.WhileOp, vals: Values) -> Results:
    args = vals
    while True:
        cond, *passed = interp.run_region(op.before_region, env, args)
        if not cond:
            return passed
        args = interp.run_region(op.after_region, env, passed)


@HANDLERS.on(scf.IfOp)
def _scf_if(interp: Interpreter, env: Env, op: scf.IfOp, vals: Values) -> Results:
    region = op.true_region if vals[0] else op.false_region
    if not region.blocks:
        return []
    return interp.run_region(region, env)


@HANDLERS.on(affine.IfOp)
def _affine_if(interp: Interpreter, env: Env, op: affine.IfOp, vals: Values) -> Results:
    holds = compile_set(op.condition.data)(vals)
    region = op.then_region if holds else op.else_region
    if not region.blocks:
        return []
    return interp.run_region(region, env)


@HANDLERS.on(scf.IndexSwitchOp)
def _index_switch(interp: Interpreter, env: Env, op: scf.IndexSwitchOp, vals: Values) -> Results:
    cases = op.cases.get_values()
    value = int(vals[0])
    region = op.default_region
    if value in cases:
        region = op.case_regions[cases.index(value)]
    return interp.run_region(region, env)


@HANDLERS.on(scf.ExecuteRegionOp, memref.AllocaScopeOp)
def _execute_region(
    interp: Interpreter, env: Env, op: scf.ExecuteRegionOp | memref.AllocaScopeOp, vals: Values
) -> Results:
    return interp.run_region(op.regions[0], env)


def _index(value: Value) -> np.ndarray | np.int64:
    return value if isinstance(value, np.ndarray) else np.int64(value)


@HANDLERS.on(affine.ApplyOp)
def _affine_apply(interp: Interpreter, env: Env, op: affine.ApplyOp, vals: Values) -> Results:
    return (_index(compile_map(op.map.data)(vals)[0]),)


@HANDLERS.on(affine.MinOp)
def _affine_min(interp: Interpreter, env: Env, op: affine.MinOp, vals: Values) -> Results:
    results = compile_map(op.map.data)(vals)
    return (_index(results[0] if len(results) == 1 else _fold(np.minimum, results)),)


@HANDLERS.on(MaxOp)
def _affine_max(interp: Interpreter, env: Env, op: MaxOp, vals: Values) -> Results:
    results = compile_map(op.map.data)(vals)
    return (_index(results[0] if len(results) == 1 else _fold(np.maximum, results)),)


def _fold(fn: Callable[[Value, Value], Value], values: Sequence[Value]) -> Value:
    result = values[0]
    for v in values[1:]:
        result = fn(result, v)
    return result


@HANDLERS.on(func.CallOp)
def _call(interp: Interpreter, env: Env, op: func.CallOp, vals: Values) -> Results:
    name = op.callee.root_reference.data
    func = interp.functions.get(name)
    if func is None:
        raise CompileError(f"ref: call to unknown function '@{name}'", op)
    return interp.call(func, vals, op)
