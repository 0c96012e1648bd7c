"""`lower-affine`: affine loops, conditions and accesses to scf, arith and memref.

Replaces xDSL's pass of the same name, which handles only single-result
bounds, no `affine.if`, `affine.parallel`, `affine.min/max` or vector
accesses, and lowers `floordiv`/`mod` with ops whose rounding differs from
the affine semantics for negative values. Every affine op is lowered here;
one that is not (an op xDSL's affine dialect does not define) is refused.

- `affine.for` -> `scf.for`; a lower bound with several results is their
  `arith.maxsi`, an upper bound their `arith.minsi`; `iter_args` carry over.
- `affine.parallel` -> `scf.parallel`, with its reductions as `scf.reduce`
  starting from each kind's identity.
- `affine.if` -> `scf.if` on the conjunction of `arith.cmpi` (`eq` for
  equalities, `sge` for inequalities) of the integer set's constraints.
- `affine.apply/min/max` -> arith expansions (see `lower_affine_expr`).
- `affine.load/store` -> `memref.load/store`, `affine.vector_load/store` ->
  `vector.load/store`, with the subscripts expanded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import affine as xaffine
from xdsl.dialects import arith, memref, scf, vector
from xdsl.dialects.builtin import IntegerAttr, ModuleOp, UnregisteredOp, i1
from xdsl.ir import Operation, Region, SSAValue
from xdsl.ir.affine import AffineConstraintKind, AffineMap
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from ziggurat.diagnostics import CompileError
from ziggurat.dialects import affine
from ziggurat.dialects.scf import ParallelOp as ScfParallelOp
from ziggurat.passes.affine.affine_expr import AffineExpander
from ziggurat.passes.conversion.affine_reductions import identity, reduce_terminator


def _expand(rewriter: PatternRewriter, op: Operation) -> AffineExpander:
    return AffineExpander(rewriter, op)


def _yield_to_scf(rewriter: PatternRewriter, region: Region) -> None:
    """End `region` in `scf.yield` instead of `affine.yield`, with the same values."""
    last = region.block.last_op
    if isinstance(last, xaffine.YieldOp):
        rewriter.replace(last, scf.YieldOp(*last.arguments))
    else:
        region.block.add_op(scf.YieldOp())


def _grouped(values: Sequence[SSAValue], groups: Sequence[int]) -> list[list[SSAValue]]:
    result: list[list[SSAValue]] = []
    start = 0
    for size in groups:
        result.append(list(values[start : start + size]))
        start += size
    return result


class LowerFor(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: xaffine.ForOp, rewriter: PatternRewriter, /):
        expand = _expand(rewriter, op)
        lower = expand.max(expand.map(op.lowerBoundMap.data, op.lowerBoundOperands))
        upper = expand.min(expand.map(op.upperBoundMap.data, op.upperBoundOperands))
        step = expand.constant(op.step.value.data)
        body = rewriter.move_region_contents_to_new_regions(op.body)
        _yield_to_scf(rewriter, body)
        rewriter.replace(op, scf.ForOp(lower, upper, step, list(op.inits), body))


class LowerParallel(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: affine.ParallelOp, rewriter: PatternRewriter, /):
        expand = _expand(rewriter, op)
        lower_values = expand.map(op.lowerBoundsMap.data, op.lower_bound_operands)
        upper_values = expand.map(op.upperBoundsMap.data, op.upper_bound_operands)
        lowers = [expand.max(g) for g in _grouped(lower_values, op.lowerBoundsGroups.get_values())]
        uppers = [expand.min(g) for g in _grouped(upper_values, op.upperBoundsGroups.get_values())]
        steps = [expand.constant(s.value.data) for s in op.steps]
        kinds = op.reduction_kinds()
        inits = [
            rewriter.insert(identity(op, kind, result.type)).result
            for kind, result in zip(kinds, op.res, strict=True)
        ]
        body = rewriter.move_region_contents_to_new_regions(op.body)
        last = body.block.last_op
        assert isinstance(last, xaffine.YieldOp)
        rewriter.replace(last, reduce_terminator(op, kinds, list(last.arguments)))
        rewriter.replace(op, ScfParallelOp(lowers, uppers, steps, body, inits))


class LowerIf(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: affine.IfOp, rewriter: PatternRewriter, /):
        expand = _expand(rewriter, op)
        integer_set = op.condition.data
        dims = op.args[: integer_set.num_dims]
        symbols = op.args[integer_set.num_dims :]
        condition: SSAValue | None = None
        for constraint in integer_set.constraints:
            value = expand.expr(constraint.lhs - constraint.rhs, dims, symbols)
            predicate = {
                AffineConstraintKind.eq: "eq",
                AffineConstraintKind.ge: "sge",
                AffineConstraintKind.le: "sle",
            }[constraint.kind]
            holds = rewriter.insert(arith.CmpiOp(value, expand.constant(0), predicate)).result
            condition = (
                holds
                if condition is None
                else rewriter.insert(arith.AndIOp(condition, holds)).result
            )
        if condition is None:
            condition = rewriter.insert(arith.ConstantOp(IntegerAttr(1, i1))).result
        then_region = rewriter.move_region_contents_to_new_regions(op.then_region)
        _yield_to_scf(rewriter, then_region)
        else_region = rewriter.move_region_contents_to_new_regions(op.else_region)
        if else_region.blocks:
            _yield_to_scf(rewriter, else_region)
        rewriter.replace(op, scf.IfOp(condition, op.result_types, then_region, else_region))


class LowerApply(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: xaffine.ApplyOp, rewriter: PatternRewriter, /):
        (value,) = _expand(rewriter, op).map(op.map.data, op.mapOperands)
        rewriter.replace(op, [], [value])


class LowerMin(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: xaffine.MinOp, rewriter: PatternRewriter, /):
        expand = _expand(rewriter, op)
        rewriter.replace(op, [], [expand.min(expand.map(op.map.data, op.arguments))])


class LowerMax(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: affine.MaxOp, rewriter: PatternRewriter, /):
        expand = _expand(rewriter, op)
        rewriter.replace(op, [], [expand.max(expand.map(op.map.data, op.arguments))])


def _subscripts(
    rewriter: PatternRewriter, op: Operation, access: AffineMap, operands: Sequence[SSAValue]
) -> list[SSAValue]:
    return _expand(rewriter, op).map(access, operands)


class LowerLoad(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: xaffine.LoadOp, rewriter: PatternRewriter, /):
        indices = _subscripts(rewriter, op, op.map.data, op.indices)
        rewriter.replace(op, memref.LoadOp.get(op.memref, indices))


class LowerStore(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: xaffine.StoreOp, rewriter: PatternRewriter, /):
        indices = _subscripts(rewriter, op, op.map.data, op.indices)
        rewriter.replace(op, memref.StoreOp.get(op.value, op.memref, indices))


class LowerVectorLoad(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: xaffine.VectorLoadOp, rewriter: PatternRewriter, /):
        indices = _subscripts(rewriter, op, op.map.data, op.indices)
        rewriter.replace(op, vector.LoadOp(op.memref, indices, op.result.type))


class LowerVectorStore(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: xaffine.VectorStoreOp, rewriter: PatternRewriter, /):
        indices = _subscripts(rewriter, op, op.map.data, op.indices)
        rewriter.replace(op, vector.StoreOp(op.value, op.memref, indices))


@dataclass(frozen=True)
class LowerAffinePass(ModulePass):
    """Lower affine.for/parallel/if/apply/min/max/load/store to scf, arith and memref.

    Complete for the affine dialect: multi-result bounds become maxsi/minsi
    chains, floordiv/ceildiv/mod keep their rounding for negative values,
    affine.parallel reductions become scf.reduce.
    """

    name = "lower-affine"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(
            GreedyRewritePatternApplier(
                [
                    LowerFor(),
                    LowerParallel(),
                    LowerIf(),
                    LowerApply(),
                    LowerMin(),
                    LowerMax(),
                    LowerLoad(),
                    LowerStore(),
                    LowerVectorLoad(),
                    LowerVectorStore(),
                ]
            ),
            walk_regions_first=True,
        ).rewrite_module(op)
        for leftover in op.walk():
            name = leftover.op_name.data if isinstance(leftover, UnregisteredOp) else leftover.name
            if name.startswith("affine."):
                raise CompileError(
                    f"cannot lower '{name}': lower-affine has no lowering for it", leftover
                )
