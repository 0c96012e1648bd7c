"""Loops and conditionals shared by `affine` and `scf`: `for` with loop-carried values,
parallel loops as `#pragma omp parallel for` (collapse, reduction), `if` with results.

Only the outermost parallel loop gets a pragma: a parallel loop inside it runs on
the thread that reaches it (OpenMP disables nested parallelism by default anyway).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.ir import Operation, Region, SSAValue

from ziggurat.codegen.c.ctypes_map import c_type, int_width
from ziggurat.codegen.c.emitter import FunctionEmitter

_OMP_OPERATORS = {
    "arith.addf": "+",
    "arith.addi": "+",
    "arith.mulf": "*",
    "arith.muli": "*",
    "arith.andi": "&",
    "arith.ori": "|",
    "arith.xori": "^",
    "arith.maxsi": "max",
    "arith.minsi": "min",
}


def omp_operator(combiner: str, type_) -> str | None:
    """The OpenMP reduction operator equal to `combiner` on `type_`, if there is one."""
    if combiner in ("arith.maxsi", "arith.minsi") and int_width(type_) == 1:
        return None
    return _OMP_OPERATORS.get(combiner)


def emit_sequential_loop(
    em: FunctionEmitter,
    op: Operation,
    lower: str,
    upper: str,
    step: str,
    inits: Sequence[SSAValue],
    iv_type: str,
    pragma: str | None = None,
) -> None:
    """`for (iv = lower; iv < upper; iv += step)` with loop-carried values `inits`,
    preceded by `#pragma <pragma>` when given."""
    body = op.regions[0].block
    if em.loop_depth == 0:
        em.location_comment(op)
    accs, types = [], []
    for result, init, arg in zip(op.results, inits, body.args[1:], strict=True):
        t = c_type(result.type, op)
        name = em.fresh(result, "acc")
        em.line(f"{t} {name} = {em.value(init)};")
        em.values[result] = em.values[arg] = name
        accs.append(name)
        types.append(t)
    iv = em.fresh(body.args[0], "i")
    em.values[body.args[0]] = iv
    if pragma is not None:
        em.line(f"#pragma {pragma}")
    with em.block(f"for ({iv_type} {iv} = {lower}; {iv} < {upper}; {iv} += {step})"):
        em.loop_depth += 1
        terminator = em.emit_ops(body)
        if accs and terminator is not None:
            em.assign_all(accs, [em.value(v) for v in terminator.operands], types)
        em.loop_depth -= 1


def emit_parallel_loop(
    em: FunctionEmitter,
    op: Operation,
    lowers: Sequence[str],
    uppers: Sequence[str],
    steps: Sequence[str],
    inits: Sequence[str],
    omp_ops: Sequence[str | None],
    combine: Callable[[list[str], Operation | None], None],
) -> None:
    """A nest of loops over `op`'s induction variables, run by OpenMP threads when it
    is outermost; `combine(accs, terminator)` folds one iteration into the accumulators."""
    body = op.regions[0].block
    if em.loop_depth == 0:
        em.location_comment(op)
    accs: list[str] = []
    for result, init in zip(op.results, inits, strict=True):
        name = em.fresh(result, "acc")
        em.line(f"{c_type(result.type, op)} {name} = {init};")
        em.values[result] = name
        accs.append(name)
    use_omp = em.parallel_depth == 0 and all(o is not None for o in omp_ops)
    if use_omp:
        clauses = ["parallel for"]
        if len(lowers) > 1:
            clauses.append(f"collapse({len(lowers)})")
        by_op: dict[str, list[str]] = {}
        for acc, o in zip(accs, omp_ops, strict=True):
            assert o is not None
            by_op.setdefault(o, []).append(acc)
        clauses += [f"reduction({o}:{', '.join(names)})" for o, names in by_op.items()]
        em.line("#pragma omp " + " ".join(clauses))
        em.parallel_depth += 1
    elif em.parallel_depth == 0:
        em.line("// no OpenMP reduction operator matches this reduction: runs on one thread")
    ivs = [em.fresh(arg, "i") for arg in body.args]
    for arg, iv in zip(body.args, ivs, strict=True):
        em.values[arg] = iv
    opened = 0
    for iv, lo, hi, st in zip(ivs, lowers, uppers, steps, strict=True):
        em.line(f"for (int64_t {iv} = {lo}; {iv} < {hi}; {iv} += {st}) {{")
        em.depth += 1
        opened += 1
    em.loop_depth += 1
    terminator = em.emit_ops(body)
    combine(accs, terminator)
    em.loop_depth -= 1
    for _ in range(opened):
        em.depth -= 1
        em.line("}")
    if use_omp:
        em.parallel_depth -= 1


def emit_if(
    em: FunctionEmitter, op: Operation, condition: str, then: Region, otherwise: Region
) -> None:
    """`if (condition) { then } else { otherwise }`, results through mutable locals."""
    names, types = [], []
    for result in op.results:
        t = c_type(result.type, op)
        names.append(em.declare(result, result.type, op))
        em.values[result] = names[-1]
        types.append(t)
    with em.block(f"if ({condition})"):
        _branch(em, then, names, types)
    has_else = otherwise.blocks and len(list(otherwise.block.ops)) > 1
    if has_else or (names and otherwise.blocks):
        with em.block("else"):
            _branch(em, otherwise, names, types)


def _branch(em: FunctionEmitter, region: Region, names: list[str], types: list[str]) -> None:
    terminator = em.emit_ops(region.block)
    if names and terminator is not None:
        em.assign_all(names, [em.value(v) for v in terminator.operands], types)
