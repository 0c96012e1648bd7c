"""Control flow: `scf` and `affine` loops and conditionals, `affine` index maps,
`func.call` and `memref.alloca_scope`.

Loops without loop-carried values are first offered to the vectoriser,
which runs a whole band of them with numpy when it can prove that this is
exact; otherwise they are interpreted one iteration at a time.
"""

from __future__ import annotations

import itertools

import numpy as np
from xdsl.ir import Operation

from ziggurat.diagnostics import CompileError
from ziggurat.targets.ref import vectorize
from ziggurat.targets.ref.affine_eval import compile_map, compile_set
from ziggurat.targets.ref.arith_ops import KIND_COMBINE, Handler
from ziggurat.targets.ref.loops import loop_body, loop_ranges
from ziggurat.targets.ref.types import value_dtype


def _iterate(interp, env, op: Operation, vals: list, inits: list) -> list:
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


def _scf_for(interp, env, op, vals):
    return _iterate(interp, env, op, vals[:3], vals[3:])


def _affine_for(interp, env, op, vals):
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


def _identity(kind: str, dtype: np.dtype):
    if kind in ("maxs", "mins", "minu"):
        info = np.iinfo(dtype)
        return dtype.type(info.max if kind != "maxs" else info.min)
    return np.asarray(_IDENTITY.get(kind, 0)).astype(dtype)[()]


def _affine_parallel(interp, env, op, vals):
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


def _scf_parallel(interp, env, op, vals):
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


def _scf_while(interp, env, op, vals):
    args = vals
    while True:
        cond, *passed = interp.run_region(op.before_region, env, args)
        if not cond:
            return passed
        args = interp.run_region(op.after_region, env, passed)


def _scf_if(interp, env, op, vals):
    region = op.true_region if vals[0] else op.false_region
    if not region.blocks:
        return []
    return interp.run_region(region, env)


def _affine_if(interp, env, op, vals):
    holds = compile_set(op.condition.data)(vals)
    region = op.then_region if holds else op.else_region
    if not region.blocks:
        return []
    return interp.run_region(region, env)


def _index_switch(interp, env, op, vals):
    cases = op.cases.get_values()
    value = int(vals[0])
    region = op.default_region
    if value in cases:
        region = op.case_regions[cases.index(value)]
    return interp.run_region(region, env)


def _execute_region(interp, env, op, vals):
    return interp.run_region(op.regions[0], env)


def _index(value) -> np.ndarray | np.int64:
    return value if isinstance(value, np.ndarray) else np.int64(value)


def _affine_apply(interp, env, op, vals):
    return (_index(compile_map(op.map.data)(vals)[0]),)


def _affine_min(interp, env, op, vals):
    results = compile_map(op.map.data)(vals)
    return (_index(results[0] if len(results) == 1 else _fold(np.minimum, results)),)


def _affine_max(interp, env, op, vals):
    results = compile_map(op.map.data)(vals)
    return (_index(results[0] if len(results) == 1 else _fold(np.maximum, results)),)


def _fold(fn, values):
    result = values[0]
    for v in values[1:]:
        result = fn(result, v)
    return result


def _call(interp, env, op, vals):
    name = op.callee.root_reference.data
    func = interp.functions.get(name)
    if func is None:
        raise CompileError(f"ref: call to unknown function '@{name}'", op)
    return interp.call(func, vals, op)


HANDLERS: dict[str, Handler] = {
    "scf.for": _scf_for,
    "scf.parallel": _scf_parallel,
    "scf.while": _scf_while,
    "scf.if": _scf_if,
    "scf.index_switch": _index_switch,
    "scf.execute_region": _execute_region,
    "affine.for": _affine_for,
    "affine.parallel": _affine_parallel,
    "affine.if": _affine_if,
    "affine.apply": _affine_apply,
    "affine.min": _affine_min,
    "affine.max": _affine_max,
    "func.call": _call,
    "memref.alloca_scope": _execute_region,
}
