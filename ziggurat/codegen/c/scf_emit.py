"""`scf` ops: `for`, `if`, `while`, `parallel` (with `scf.reduce` combiners)."""

from __future__ import annotations

from xdsl.dialects import scf
from xdsl.ir import Operation

from ziggurat.codegen.c.ctypes_map import c_type
from ziggurat.codegen.c.emitter import EmitHandlers, FunctionEmitter
from ziggurat.codegen.c.loops import emit_if, emit_parallel_loop, emit_sequential_loop, omp_operator
from ziggurat.diagnostics import CompileError

HANDLERS = EmitHandlers()
"""The `scf` ops every C-family target prints the same way (by xDSL's classes, which
ziggurat's `scf.parallel` subclasses)."""


def emit_for(em: FunctionEmitter, op: scf.ForOp, pragma: str | None = None) -> None:
    """`scf.for` as a C `for` loop, with `#pragma <pragma>` before it when given."""
    if "unsignedCmp" in op.properties or "unsignedCmp" in op.attributes:
        raise CompileError("c: 'scf.for' with unsigned comparison is not supported", op)
    lb, ub, step = (em.value(v) for v in (op.lb, op.ub, op.step))
    iv_type = c_type(op.lb.type, op)
    emit_sequential_loop(em, op, lb, ub, step, list(op.iter_args), iv_type, pragma)


@HANDLERS.on(scf.ForOp)
def _for(em: FunctionEmitter, op: scf.ForOp) -> None:
    emit_for(em, op)


@HANDLERS.on(scf.IfOp)
def _if(em: FunctionEmitter, op: scf.IfOp) -> None:
    condition = em.value(op.cond)
    emit_if(em, op, condition, op.true_region, op.false_region)


@HANDLERS.on(scf.WhileOp)
def _while(em: FunctionEmitter, op: scf.WhileOp) -> None:
    before, after = op.before_region.block, op.after_region.block
    em.location_comment(op)
    carried, types = [], []
    for arg, init in zip(before.args, op.arguments, strict=True):
        t = c_type(arg.type, op)
        name = em.fresh(arg, "w")
        em.line(f"{t} {name} = {em.value(init)};")
        em.values[arg] = name
        carried.append(name)
        types.append(t)
    results = [em.declare(r, r.type, op) for r in op.results]
    for r, name in zip(op.results, results, strict=True):
        em.values[r] = name
    with em.block("while (1)"):
        em.loop_depth += 1
        condition = em.emit_ops(before)
        assert condition is not None
        forwarded = [em.value(v) for v in condition.operands[1:]]
        with em.block(f"if (!{em.value(condition.operands[0])})"):
            em.assign_all(results, forwarded, [c_type(r.type) for r in op.results])
            em.line("break;")
        for arg, value in zip(after.args, forwarded, strict=True):
            em.values[arg] = value
        yielded = em.emit_ops(after)
        assert yielded is not None
        em.assign_all(carried, [em.value(v) for v in yielded.operands], types)
        em.loop_depth -= 1


def _combiner(region) -> str | None:
    """The arith op name if the reduce region is `%r = arith.X %lhs, %rhs; return %r`."""
    ops = list(region.block.ops)
    if len(ops) != 2:
        return None
    first, ret = ops
    lhs, rhs = region.block.args
    if not first.results or tuple(ret.operands) != (first.results[0],):
        return None
    if set(first.operands) != {lhs, rhs} or len(first.operands) != 2:
        return None
    return first.name


@HANDLERS.on(scf.ParallelOp)
def _parallel(em: FunctionEmitter, op: scf.ParallelOp) -> None:
    lowers = [em.value(v) for v in op.lowerBound]
    uppers = [em.value(v) for v in op.upperBound]
    steps = [em.value(v) for v in op.step]
    reduce_op = op.body.block.last_op
    regions = list(reduce_op.regions) if reduce_op is not None else []
    omp_ops = []
    for region, result in zip(regions, op.results, strict=True):
        name = _combiner(region)
        omp_ops.append(None if name is None else omp_operator(name, result.type))

    def combine(accs: list[str], terminator: Operation | None) -> None:
        if not accs:
            return
        assert terminator is not None
        for acc, value, region, result in zip(
            accs, terminator.operands, regions, op.results, strict=True
        ):
            lhs, rhs = region.block.args
            em.values[lhs] = acc
            em.values[rhs] = em.value(value)
            with em.block(""):
                ret = em.emit_ops(region.block)
                assert ret is not None
                em.line(f"{acc} = {em.value(ret.operands[0])};")
            del result

    emit_parallel_loop(
        em,
        op,
        lowers,
        uppers,
        steps,
        [em.value(v) for v in op.initVals],
        omp_ops,
        combine,
    )
