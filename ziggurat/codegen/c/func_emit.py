"""`func.return` (results through out-parameters) and `func.call` (descriptors built
on the caller's stack), following the ABI in `abi.py`."""

from __future__ import annotations

from xdsl.dialects import func
from xdsl.dialects.builtin import MemRefType, NoneAttr

from ziggurat.codegen.c.abi import c_function_name, descriptor_name
from ziggurat.codegen.c.ctypes_map import c_type, memref_type
from ziggurat.codegen.c.emitter import EmitHandlers, FunctionEmitter
from ziggurat.codegen.c.memref_emit import copy_view, identity_strides
from ziggurat.codegen.c.views import Expr, View
from ziggurat.diagnostics import CompileError

HANDLERS = EmitHandlers()
"""The `func` ops every C-family target prints the same way."""


def fill_descriptor(em: FunctionEmitter, target: str, view: View) -> None:
    """Write `view` into a descriptor: `target` is `name.` or `pointer->`."""
    em.line(f"{target}allocated = ({view.element} *){view.allocated};")
    em.line(f"{target}aligned = ({view.element} *){view.data};")
    em.line(f"{target}offset = {view.offset};")
    for k, (size, stride) in enumerate(zip(view.sizes, view.strides, strict=True)):
        em.line(f"{target}sizes[{k}] = {size};")
        em.line(f"{target}strides[{k}] = {stride};")


@HANDLERS.on(func.ReturnOp)
def _return(em: FunctionEmitter, op: func.ReturnOp) -> None:
    for name, value in zip(em.results, op.operands, strict=True):
        if not isinstance(value.type, MemRefType):
            em.line(f"*{name} = {em.value(value)};")
            continue
        view = em.view(value)
        if view.owner is not None and id(view.owner) not in em.returned_owners:
            em.returned_owners.add(id(view.owner))
            fill_descriptor(em, f"{name}->", view)
            continue
        # Not owned by this call (an argument, a global, or returned twice): a fresh copy.
        fresh = em.names.fresh(f"{name}_copy")
        count = view.num_elements()
        t = view.element
        em.line(f"{t} *{fresh} = ({t} *){em.use('alloc')}((int64_t)sizeof({t}) * {count});")
        dense = View(fresh, fresh, 0, view.sizes, identity_strides(view.sizes), t)
        copy_view(em, view, dense)
        fill_descriptor(em, f"{name}->", dense)


def _descriptor_view(em: FunctionEmitter, desc: str, type_: MemRefType, data: str, owner) -> View:
    """The view of a descriptor reached through `desc` (`name.` or `pointer->`)."""
    sizes: list[Expr] = [
        size if size >= 0 else f"{desc}sizes[{k}]" for k, size in enumerate(type_.get_shape())
    ]
    if isinstance(type_.layout, NoneAttr):
        strides_out, offset = list(identity_strides(sizes)), 0
    else:
        strides = type_.get_strides()
        offset = type_.get_offset()
        strides_out: list[Expr] = []
        for k in range(len(sizes)):
            stride = None if strides is None else strides[k]
            strides_out.append(stride if stride is not None else f"{desc}strides[{k}]")
    return View(
        data,
        f"{desc}allocated",
        offset if offset is not None else f"{desc}offset",
        tuple(sizes),
        tuple(strides_out),
        c_type(type_.element_type),
        owner,
    )


@HANDLERS.on(func.CallOp)
def _call(em: FunctionEmitter, op: func.CallOp) -> None:
    callee = op.callee.root_reference.data
    function = em.functions.get(callee)
    if function is None:
        raise CompileError(f"c: call to an unknown or external function '@{callee}'", op)
    args: list[str] = []
    after: list[tuple] = []
    for result in op.results:
        if isinstance(result.type, MemRefType):
            type_ = memref_type(result.type, op)
            desc = em.fresh(None, f"{result.name_hint or 'call'}_desc")
            em.line(f"{descriptor_name(type_, op)} {desc};")
            args.append(f"&{desc}")
            after.append((result, desc, type_))
        else:
            name = em.declare(result, result.type, op)
            em.values[result] = name
            args.append(f"&{name}")
    for value in op.operands:
        if isinstance(value.type, MemRefType):
            type_ = memref_type(value.type, op)
            view = em.view(value)
            desc = em.names.fresh(f"{value.name_hint or 'arg'}_desc")
            em.line(f"{descriptor_name(type_, op)} {desc};")
            fill_descriptor(em, f"{desc}.", view)
            args.append(f"&{desc}")
        else:
            args.append(em.value(value))
    em.line(f"{c_function_name(function)}({', '.join(args)});")
    for result, desc, type_ in after:
        data = em.fresh(result, "r")
        t = c_type(type_.element_type)
        em.line(f"{t} *{data} = {desc}.aligned;")
        em.views[result] = _descriptor_view(em, f"{desc}.", type_, data, op)


def argument_view(em: FunctionEmitter, param: str, type_: MemRefType, hint: str) -> View:
    """The view of a memref argument; its data pointer becomes a `restrict` local."""
    t = c_type(type_.element_type)
    data = em.names.fresh(hint)
    em.line(f"{t} *restrict {data} = {param}->aligned;")
    return _descriptor_view(em, f"{param}->", type_, data, None)
