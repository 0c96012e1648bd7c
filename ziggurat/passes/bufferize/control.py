"""Bufferization of control flow and calls: scf.for, scf.if, func.call, func.return.

- `scf.for` loses its tensor iteration arguments: each becomes one buffer
  (its init's, in place when the init is dead and writable, else a copy) that
  every iteration updates; the yielded value is copied into it unless it
  already lives there (the tiled extract/compute/insert pattern does).
- `scf.if` with tensor results writes each result into a new buffer
  allocated before it; each branch copies its yielded value there.
- Calls pass buffers (identity layout, copied if they are views); callees
  allocate their results and the caller owns them.
- `func.return` returns buffers the function allocated and owns outright; an
  argument, a constant, a view or a buffer returned twice is copied first.
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.dialects import func, scf
from xdsl.dialects.builtin import DYNAMIC_INDEX, MemRefType, TensorType
from xdsl.ir import Operation, SSAValue

from ziggurat.passes.bufferize.core import Bufferizer, cannot_lower, is_tensor, memref_type

ProcessRegions = Callable[[Operation], None]


def bufferize_for(b: Bufferizer, op: scf.ForOp, process: ProcessRegions) -> None:
    positions = [i for i, v in enumerate(op.iter_args) if is_tensor(v)]
    body = op.body.block
    targets: dict[int, SSAValue] = {}
    for i in positions:
        init = op.iter_args[i]
        others = [v for k, v in enumerate(op.iter_args) if k != i and is_tensor(v)]
        if init in b.undefined:
            buffer = b.alloc_like(init, op)
        elif b.can_overwrite(init, op, others):
            buffer = b.buffers[init]
        else:
            buffer = b.alloc_like(init, op)
            b.copy(b.read(init, op), buffer, op)
        arg = body.args[i + 1]
        if buffer.name_hint is None:
            buffer.name_hint = arg.name_hint
        b.buffers[arg] = buffer
        b.aliases.new(arg, writable=True)
        targets[i] = buffer
    b.yield_targets[op] = targets
    process(op)
    for i in positions:
        b.buffers[op.results[i]] = targets[i]
        b.aliases.join(op.results[i], body.args[i + 1])
    if positions:
        b.finalizers.append(lambda: _rebuild_for(op, positions))


def _rebuild_for(op: scf.ForOp, positions: list[int]) -> None:
    """The loop without its (now unused) tensor iteration arguments."""
    keep = [i for i in range(len(op.iter_args)) if i not in positions]
    body = op.body.block
    for i in reversed(positions):
        body.erase_arg(body.args[i + 1])
    new = scf.ForOp(op.lb, op.ub, op.step, [op.iter_args[i] for i in keep], op.detach_region(0))
    _replace(op, new, keep)


def _replace(old: Operation, new: Operation, keep: list[int]) -> None:
    new.attributes |= old.attributes
    new.location = old.location
    block = old.parent_block()
    assert block is not None
    block.insert_op_before(new, old)
    for j, i in enumerate(keep):
        new.results[j].name_hint = old.results[i].name_hint
        old.results[i].replace_all_uses_with(new.results[j])
    old.detach()
    # A tensor result may still be the init of a loop whose own rebuild drops it.
    old.erase(safe_erase=False)


def bufferize_if(b: Bufferizer, op: scf.IfOp, process: ProcessRegions) -> None:
    positions = [i for i, r in enumerate(op.results) if is_tensor(r)]
    targets: dict[int, SSAValue] = {}
    for i in positions:
        type_ = memref_type(op.results[i].type, op)
        if DYNAMIC_INDEX in type_.get_shape():
            raise cannot_lower(op, "results of dynamic shape are not supported")
        targets[i] = b.alloc(type_, (), op)
    b.yield_targets[op] = targets
    process(op)
    for i in positions:
        b.define(op.results[i], targets[i])
    if positions:
        b.finalizers.append(lambda: _rebuild_if(op, positions))


def _rebuild_if(op: scf.IfOp, positions: list[int]) -> None:
    keep = [i for i in range(len(op.results)) if i not in positions]
    types = [op.results[i].type for i in keep]
    new = scf.IfOp(op.cond, types, op.detach_region(0), op.detach_region(0))
    _replace(op, new, keep)


def bufferize_yield(b: Bufferizer, op: Operation) -> None:
    """Copy each yielded tensor into its loop/if buffer; yield only the rest."""
    parent = op.parent_op()
    targets = b.yield_targets.get(parent) if parent is not None else None
    if targets is None:
        raise cannot_lower(op, f"yields a tensor from '{parent.name if parent else '?'}'")
    pending: list[tuple[SSAValue, SSAValue]] = []
    for i, value in enumerate(op.operands):
        if i not in targets:
            continue
        source = b.read(value, op)
        if source is targets[i]:
            continue
        if _aliases_another_target(b, parent, value, i):
            # Yielding iteration arguments in another order: go through a copy.
            staged = b.alloc_like(value, op)
            b.copy(source, staged, op)
            source = staged
        pending.append((source, targets[i]))
    for source, target in pending:
        b.copy(source, target, op)
    op.operands = [v for v in op.operands if not is_tensor(v)]


def _aliases_another_target(b: Bufferizer, loop: Operation | None, value: SSAValue, i: int) -> bool:
    if not isinstance(loop, scf.ForOp):
        return False
    args = loop.body.block.args[1:]
    return any(
        k != i and is_tensor(arg) and b.aliases.same(value, arg) for k, arg in enumerate(args)
    )


def bufferize_call(b: Bufferizer, op: func.CallOp) -> None:
    arguments: list[SSAValue] = []
    for value in op.arguments:
        if is_tensor(value):
            buffer = b.read(value, op)
            if buffer.type != memref_type(value.type, op):
                copy = b.alloc_like(value, op)
                b.copy(buffer, copy, op)
                buffer = copy
            value = buffer
        arguments.append(value)
    types = [memref_type(r.type, op) if is_tensor(r) else r.type for r in op.results]
    new = func.CallOp(op.callee, arguments, types)
    new.location = op.location
    b.insert(new, op)
    for old, result in zip(op.results, new.results, strict=True):
        result.name_hint = old.name_hint
        if is_tensor(old):
            b.owned.append(result)
            b.define(old, result)
        else:
            old.replace_all_uses_with(result)
    b.done(op)


def bufferize_return(b: Bufferizer, op: func.ReturnOp) -> None:
    operands: list[SSAValue] = []
    returned: set[SSAValue] = set()
    for value in op.operands:
        if isinstance(value.type, TensorType):
            buffer = b.read(value, op)
            wanted: MemRefType = memref_type(value.type, op)
            if buffer not in b.owned or buffer in returned or buffer.type != wanted:
                copy = b.alloc_like(value, op)
                b.copy(buffer, copy, op)
                buffer = copy
            returned.add(buffer)
            value = buffer
        operands.append(value)
    op.operands = operands
