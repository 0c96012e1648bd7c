"""`affine` ops: maps as C expressions (floordiv/ceildiv/mod with MLIR's rounding for
negatives), loops with max/min bounds, `affine.if`, loads and stores."""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import affine
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
    AffineSymExpr,
)
from xdsl.ir.affine.affine_set import AffineConstraintKind

from ziggurat.codegen.c.arith_emit import binary
from ziggurat.codegen.c.ctypes_map import int_width
from ziggurat.codegen.c.emitter import EmitHandlers, FunctionEmitter
from ziggurat.codegen.c.literals import number_literal
from ziggurat.codegen.c.loops import emit_if, emit_parallel_loop, emit_sequential_loop, omp_operator
from ziggurat.codegen.c.views import Expr, add, mul, paren
from ziggurat.diagnostics import CompileError
from ziggurat.dialects.affine import MaxOp
from ziggurat.dialects.affine_parallel import ParallelOp

HANDLERS = EmitHandlers()
"""The `affine` ops every C-family target prints the same way.

An op ziggurat's affine dialect only re-spells is registered by xDSL's class,
which ziggurat's subclasses, so that one built by xDSL's own code prints too;
`affine.max` and `affine.parallel` by ziggurat's, whose fields the emitter reads.
"""


def affine_expr(em: FunctionEmitter, expr: AffineExpr, dims: Sequence[Expr], syms: Sequence[Expr]):
    """`expr` as a folded int or a C expression of type int64_t."""
    if isinstance(expr, AffineConstantExpr):
        return expr.value
    if isinstance(expr, AffineDimExpr):
        return dims[expr.position]
    if isinstance(expr, AffineSymExpr):
        return syms[expr.position]
    assert isinstance(expr, AffineBinaryOpExpr)
    a = affine_expr(em, expr.lhs, dims, syms)
    b = affine_expr(em, expr.rhs, dims, syms)
    kind = expr.kind
    if kind == AffineBinaryOpKind.Add:
        if isinstance(b, int) and b < 0 and not isinstance(a, int):
            return f"{a} - {-b}"
        return add(a, b)
    if kind == AffineBinaryOpKind.Mul:
        return mul(a, b)
    if isinstance(a, int) and isinstance(b, int) and b != 0:
        if kind == AffineBinaryOpKind.Mod:
            return a % abs(b)
        if kind == AffineBinaryOpKind.FloorDiv:
            return a // b
        return -(-a // b)
    helper = {
        AffineBinaryOpKind.Mod: "affine_mod",
        AffineBinaryOpKind.FloorDiv: "affine_floordiv",
        AffineBinaryOpKind.CeilDiv: "affine_ceildiv",
    }[kind]
    return f"{em.use(helper)}({a}, {b})"


def map_results(em: FunctionEmitter, affine_map: AffineMap, operands: Sequence[SSAValue]):
    """The results of `affine_map` applied to `operands` (dims first, then symbols)."""
    values = [em.value(v) for v in operands]
    dims, syms = values[: affine_map.num_dims], values[affine_map.num_dims :]
    return [affine_expr(em, e, dims, syms) for e in affine_map.results]


def fold_extremum(em: FunctionEmitter, exprs: Sequence[Expr], helper: str) -> Expr:
    """max (or min) of several bounds: a nest of `zg_max` calls, folded where constant."""
    constants = [e for e in exprs if isinstance(e, int)]
    others: list[Expr] = [e for e in exprs if not isinstance(e, int)]
    if constants:
        others.append((max if helper == "max" else min)(constants))
    result: Expr = others[0]
    for e in others[1:]:
        result = f"{em.use(helper)}({result}, {e})"
    return result


@HANDLERS.on(affine.ApplyOp)
def _apply(em: FunctionEmitter, op: affine.ApplyOp) -> None:
    (value,) = map_results(em, op.map.data, op.mapOperands)
    em.bind(op.results[0], str(value), op)


@HANDLERS.on(affine.MinOp, MaxOp)
def _min_max(em: FunctionEmitter, op: affine.MinOp | MaxOp) -> None:
    values = map_results(em, op.map.data, op.operands)
    helper = "min" if op.name == "affine.min" else "max"
    em.bind(op.results[0], str(fold_extremum(em, values, helper)), op)


def _indices(em: FunctionEmitter, op: affine.LoadOp | affine.StoreOp) -> list[Expr]:
    return map_results(em, op.map.data, op.indices)


@HANDLERS.on(affine.LoadOp)
def _load(em: FunctionEmitter, op: affine.LoadOp) -> None:
    view = em.view(op.memref)
    em.bind(op.results[0], view.at(_indices(em, op)), op)


@HANDLERS.on(affine.StoreOp)
def _store(em: FunctionEmitter, op: affine.StoreOp) -> None:
    view = em.view(op.memref)
    em.line(f"{view.at(_indices(em, op))} = {em.value(op.value)};")


@HANDLERS.on(affine.ForOp)
def _for(em: FunctionEmitter, op: affine.ForOp) -> None:
    lb_map, ub_map = op.lowerBoundMap.data, op.upperBoundMap.data
    lower = fold_extremum(em, map_results(em, lb_map, op.lowerBoundOperands), "max")
    upper = fold_extremum(em, map_results(em, ub_map, op.upperBoundOperands), "min")
    step = op.step.value.data
    emit_sequential_loop(em, op, str(lower), str(upper), str(step), list(op.inits), "int64_t")


def _groups(em: FunctionEmitter, op: ParallelOp, which: str) -> list[Expr]:
    affine_map = getattr(op, f"{which}BoundsMap").data
    groups = getattr(op, f"{which}BoundsGroups").get_values()
    operands = op.lower_bound_operands if which == "lower" else op.upper_bound_operands
    exprs = map_results(em, affine_map, operands)
    out: list[Expr] = []
    start = 0
    for size in groups:
        out.append(
            fold_extremum(em, exprs[start : start + size], "max" if which == "lower" else "min")
        )
        start += size
    return out


_KIND_TO_ARITH = {
    "addf": "arith.addf",
    "addi": "arith.addi",
    "andi": "arith.andi",
    "maximumf": "arith.maximumf",
    "maxnumf": "arith.maxnumf",
    "maxs": "arith.maxsi",
    "maxu": "arith.maxui",
    "minimumf": "arith.minimumf",
    "minnumf": "arith.minnumf",
    "mins": "arith.minsi",
    "minu": "arith.minui",
    "mulf": "arith.mulf",
    "muli": "arith.muli",
    "ori": "arith.ori",
    "xori": "arith.xori",
}


@HANDLERS.on(ParallelOp)
def _parallel(em: FunctionEmitter, op: ParallelOp) -> None:
    lower = _groups(em, op, "lower")
    upper = _groups(em, op, "upper")
    steps = [s.value.data for s in op.steps]
    kinds = op.reduction_kinds()
    for kind in kinds:
        if kind not in _KIND_TO_ARITH:
            raise CompileError(f"c: cannot emit an 'affine.parallel' reduction '{kind}'", op)
    combiners = [_KIND_TO_ARITH[k] for k in kinds]
    types = [r.type for r in op.results]

    def combine(accs: list[str], terminator: Operation | None) -> None:
        assert terminator is not None or not accs
        for acc, name, type_, v in zip(
            accs, combiners, types, terminator.operands if terminator else (), strict=True
        ):
            em.line(f"{acc} = {binary(em, name, type_, acc, em.value(v), op)};")

    emit_parallel_loop(
        em,
        op,
        [str(x) for x in lower],
        [str(x) for x in upper],
        [str(s) for s in steps],
        [_identity(k, t) for k, t in zip(kinds, types, strict=True)],
        [omp_operator(c, t) for c, t in zip(combiners, types, strict=True)],
        combine,
    )


def _identity(kind: str, type_) -> str:
    """The identity of reduction `kind` (the accumulators' initial value)."""
    width = int_width(type_)
    if width is not None:
        if kind in ("muli",):
            return number_literal(1, type_)
        if kind in ("andi", "minu"):
            return number_literal(-1, type_)
        if kind == "maxs":
            return number_literal(-(2 ** (width - 1)) if width > 1 else -1, type_)
        if kind == "mins":
            return number_literal(2 ** (width - 1) - 1 if width > 1 else 0, type_)
        return number_literal(0, type_)
    if kind == "mulf":
        return number_literal(1.0, type_)
    if kind in ("maximumf", "maxnumf"):
        return number_literal(float("-inf"), type_)
    if kind in ("minimumf", "minnumf"):
        return number_literal(float("inf"), type_)
    return number_literal(0.0, type_)


@HANDLERS.on(affine.IfOp)
def _if(em: FunctionEmitter, op: affine.IfOp) -> None:
    condition = op.condition.data
    values = [em.value(v) for v in op.args]
    dims, syms = values[: condition.num_dims], values[condition.num_dims :]
    tests: list[str] = []
    for constraint in condition.constraints:
        lhs = affine_expr(em, constraint.lhs, dims, syms)
        rhs = affine_expr(em, constraint.rhs, dims, syms)
        symbol = {
            AffineConstraintKind.ge: ">=",
            AffineConstraintKind.le: "<=",
            AffineConstraintKind.eq: "==",
        }[constraint.kind]
        tests.append(f"{paren(lhs)} {symbol} {paren(rhs)}")
    emit_if(em, op, " && ".join(tests) or "true", op.then_region, op.else_region)
