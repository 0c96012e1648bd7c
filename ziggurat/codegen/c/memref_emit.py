"""`memref` ops: allocation (64-byte aligned), loads and stores, views by descriptor
arithmetic (subview, cast, reinterpret_cast, collapse/expand_shape), copies."""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import memref
from xdsl.dialects.builtin import DYNAMIC_INDEX, MemRefType, NoneAttr
from xdsl.ir import SSAValue

from ziggurat.codegen.c.ctypes_map import c_type, memref_type
from ziggurat.codegen.c.emitter import EmitHandlers, FunctionEmitter
from ziggurat.codegen.c.views import Expr, View, add, mul
from ziggurat.diagnostics import CompileError

HANDLERS = EmitHandlers()
"""The `memref` ops every C-family target prints the same way.

An op ziggurat's memref dialect re-spells is registered by xDSL's class, which
ziggurat's subclasses, so that one built by xDSL's own code prints too.
"""


def identity_strides(sizes: Sequence[Expr]) -> tuple[Expr, ...]:
    strides: list[Expr] = []
    running: Expr = 1
    for size in reversed(sizes):
        strides.append(running)
        running = mul(running, size)
    return tuple(reversed(strides))


def named(em: FunctionEmitter, expr: Expr, hint: str) -> Expr:
    """A compound index expression as a `const int64_t` local, for readable accesses."""
    if isinstance(expr, int) or expr.isidentifier():
        return expr
    name = em.names.fresh(hint)
    em.line(f"const int64_t {name} = {expr};")
    return name


def _static_or_dynamic(
    em: FunctionEmitter, static: Sequence[int], dynamic: Sequence[SSAValue]
) -> list[Expr]:
    values = iter(dynamic)
    return [em.value(next(values)) if s == DYNAMIC_INDEX else s for s in static]


@HANDLERS.on(memref.AllocOp, memref.AllocaOp)
def _alloc(em: FunctionEmitter, op: memref.AllocOp | memref.AllocaOp) -> None:
    result = op.results[0]
    type_ = memref_type(result.type, op)
    if not isinstance(type_.layout, NoneAttr):
        raise CompileError("c: allocations with a non-identity layout are not supported", op)
    if op.symbol_operands:
        raise CompileError("c: allocations with symbol operands are not supported", op)
    t = c_type(type_.element_type, op)
    sizes = _static_or_dynamic(em, type_.get_shape(), op.dynamic_sizes)
    name = em.fresh(result, "buf")
    count: Expr = 1
    for size in sizes:
        count = mul(count, size)
    if op.name == "memref.alloca":
        em.line(f"{t} {name}[{count if count != 0 else 1}];")
    else:
        em.line(f"{t} *restrict {name} = ({t} *){em.use('alloc')}((int64_t)sizeof({t}) * {count});")
    em.views[result] = View(
        name,
        name,
        0,
        tuple(sizes),
        identity_strides(sizes),
        t,
        op if op.name == "memref.alloc" else None,
    )


@HANDLERS.on(memref.DeallocOp)
def _dealloc(em: FunctionEmitter, op: memref.DeallocOp) -> None:
    em.line(f"free({em.view(op.operands[0]).allocated});")


@HANDLERS.on(memref.LoadOp)
def _load(em: FunctionEmitter, op: memref.LoadOp) -> None:
    view = em.view(op.memref)
    em.bind(op.results[0], view.at([em.value(v) for v in op.indices]), op)


@HANDLERS.on(memref.StoreOp)
def _store(em: FunctionEmitter, op: memref.StoreOp) -> None:
    view = em.view(op.memref)
    indices = [em.value(v) for v in op.indices]
    em.line(f"{view.at(indices)} = {em.value(op.value)};")


@HANDLERS.on(memref.DimOp)
def _dim(em: FunctionEmitter, op: memref.DimOp) -> None:
    view = em.view(op.source)
    index = em.value(op.index)
    if index.lstrip("-").isdigit() and 0 <= int(index) < view.rank:
        size = view.sizes[int(index)]
    else:
        size = f"((int64_t[]){{{', '.join(str(s) for s in view.sizes) or 0}}})[{index}]"
    if isinstance(size, int):
        em.values[op.results[0]] = str(size)
    else:
        em.bind(op.results[0], size, op)


@HANDLERS.on(memref.RankOp)
def _rank(em: FunctionEmitter, op: memref.RankOp) -> None:
    em.values[op.results[0]] = str(em.view(op.operands[0]).rank)


@HANDLERS.on(memref.SubviewOp)
def _subview(em: FunctionEmitter, op: memref.SubviewOp) -> None:
    src = em.view(op.source)
    offsets = _static_or_dynamic(em, op.static_offsets.get_values(), op.offsets)
    sizes = _static_or_dynamic(em, op.static_sizes.get_values(), op.sizes)
    steps = _static_or_dynamic(em, op.static_strides.get_values(), op.strides)
    offset = src.offset
    for o, s in zip(offsets, src.strides, strict=True):
        offset = add(offset, mul(o, s))
    strides = [mul(st, s) for st, s in zip(steps, src.strides, strict=True)]
    result_type = memref_type(op.results[0].type, op)
    keep = _kept_dims(sizes, result_type.get_num_dims())
    hint = op.results[0].name_hint or "view"
    em.views[op.results[0]] = View(
        src.data,
        src.allocated,
        named(em, offset, f"{hint}_offset"),
        tuple(sizes[k] for k in keep),
        tuple(strides[k] for k in keep),
        src.element,
        src.owner,
    )


def _kept_dims(sizes: Sequence[Expr], rank: int) -> list[int]:
    """The source dims a rank-reducing subview keeps: drop the first unit dims."""
    drop = len(sizes) - rank
    kept = []
    for k, size in enumerate(sizes):
        if drop > 0 and size == 1:
            drop -= 1
            continue
        kept.append(k)
    return kept


@HANDLERS.on(memref.CastOp, memref.MemorySpaceCastOp)
def _cast(em: FunctionEmitter, op: memref.CastOp | memref.MemorySpaceCastOp) -> None:
    src = em.view(op.operands[0])
    type_ = op.results[0].type
    if not isinstance(type_, MemRefType):
        raise CompileError("c: unranked memrefs are not supported", op)
    em.views[op.results[0]] = src


@HANDLERS.on(memref.ReinterpretCastOp)
def _reinterpret_cast(em: FunctionEmitter, op: memref.ReinterpretCastOp) -> None:
    src = em.view(op.source)
    (offset,) = _static_or_dynamic(em, op.static_offsets.get_values(), op.offsets)
    sizes = _static_or_dynamic(em, op.static_sizes.get_values(), op.sizes)
    strides = _static_or_dynamic(em, op.static_strides.get_values(), op.strides)
    em.views[op.results[0]] = View(
        src.data, src.allocated, offset, tuple(sizes), tuple(strides), src.element, src.owner
    )


def _groups(op: memref.CollapseShapeOp | memref.ExpandShapeOp) -> list[list[int]]:
    return [[i.value.data for i in group] for group in op.reassociation]


@HANDLERS.on(memref.CollapseShapeOp)
def _collapse(em: FunctionEmitter, op: memref.CollapseShapeOp) -> None:
    src = em.view(op.src)
    sizes, strides = [], []
    for group in _groups(op):
        size: Expr = 1
        for k in group:
            size = mul(size, src.sizes[k])
        sizes.append(size)
        strides.append(src.strides[group[-1]] if group else 1)
    em.views[op.results[0]] = View(
        src.data, src.allocated, src.offset, tuple(sizes), tuple(strides), src.element, src.owner
    )


@HANDLERS.on(memref.ExpandShapeOp)
def _expand(em: FunctionEmitter, op: memref.ExpandShapeOp) -> None:
    src = em.view(op.src)
    out = _static_or_dynamic(em, op.static_output_shape.get_values(), op.output_shape)
    sizes: list[Expr] = list(out)
    strides: list[Expr] = [0] * len(out)
    for k, group in enumerate(_groups(op)):
        running = src.strides[k]
        for j in reversed(group):
            strides[j] = running
            running = mul(running, sizes[j])
    em.views[op.results[0]] = View(
        src.data, src.allocated, src.offset, tuple(sizes), tuple(strides), src.element, src.owner
    )


def copy_view(em: FunctionEmitter, src: View, dst: View) -> None:
    """Element-wise copy (memcpy when both sides are dense with the same static shape)."""
    if src.is_contiguous() and dst.is_contiguous() and src.sizes == dst.sizes:
        n = src.num_elements()
        em.line(
            f"memcpy({dst.data} + {dst.offset}, {src.data} + {src.offset}, "
            f"sizeof({src.element}) * {n});"
        )
        return
    ivs = [em.names.fresh(f"c{k}") for k in range(src.rank)]
    opened = 0
    for iv, size in zip(ivs, dst.sizes, strict=True):
        em.line(f"for (int64_t {iv} = 0; {iv} < {size}; {iv} += 1) {{")
        em.depth += 1
        opened += 1
    em.line(f"{dst.at(ivs)} = {src.at(ivs)};")
    for _ in range(opened):
        em.depth -= 1
        em.line("}")


@HANDLERS.on(memref.CopyOp)
def _copy(em: FunctionEmitter, op: memref.CopyOp) -> None:
    if em.loop_depth == 0:
        em.location_comment(op)
    copy_view(em, em.view(op.operands[0]), em.view(op.operands[1]))


@HANDLERS.on(memref.GetGlobalOp)
def _get_global(em: FunctionEmitter, op: memref.GetGlobalOp) -> None:
    name = op.name_.root_reference.data
    if name not in em.globals:
        raise CompileError(f"c: no 'memref.global' named '@{name}'", op)
    em.views[op.results[0]] = em.globals[name]
