"""A whole module as one C file (or its header): includes, descriptor structs, used
helpers, globals, prototypes, then every function. The text is built completely
before anything is written, so a refused op leaves no partial output."""

from __future__ import annotations

import contextlib

from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    MemRefType,
    ModuleOp,
    UnitAttr,
)
from xdsl.dialects.func import FuncOp
from xdsl.ir import Operation

from ziggurat.diagnostics import CompileError, location_of
from ziggurat.dialects.cpu_kernel import MicrokernelOp
from ziggurat.targets.c import abi
from ziggurat.targets.c.affine_emit import HANDLERS as AFFINE
from ziggurat.targets.c.arith_emit import HANDLERS as ARITH
from ziggurat.targets.c.cpu_emit import HANDLERS as CPU
from ziggurat.targets.c.cpu_emit import check_kernel_name, emit_microkernel, microkernel_prototype
from ziggurat.targets.c.ctypes_map import c_type, memref_type
from ziggurat.targets.c.emitter import FunctionEmitter, Handler
from ziggurat.targets.c.func_emit import HANDLERS as FUNC
from ziggurat.targets.c.func_emit import argument_view
from ziggurat.targets.c.helpers import helper_text, ordered
from ziggurat.targets.c.literals import number_literal
from ziggurat.targets.c.math_emit import HANDLERS as MATH
from ziggurat.targets.c.memref_emit import HANDLERS as MEMREF
from ziggurat.targets.c.memref_emit import identity_strides
from ziggurat.targets.c.names import NameTable
from ziggurat.targets.c.scf_emit import HANDLERS as SCF
from ziggurat.targets.c.views import View

HANDLERS: dict[str, Handler] = {**ARITH, **MATH, **AFFINE, **SCF, **MEMREF, **FUNC, **CPU}
"""Every op the C target can print, by name."""

INCLUDES = ("stdbool.h", "stddef.h", "stdint.h", "stdio.h", "stdlib.h", "string.h", "math.h")


def _functions(module: ModuleOp) -> list[FuncOp]:
    functions = []
    for op in module.ops:
        if isinstance(op, FuncOp):
            if not op.body.blocks:
                raise CompileError(
                    f"c: external function '@{op.sym_name.data}' is not supported "
                    "(a declaration has no C definition)",
                    op,
                )
            if len(op.body.blocks) > 1:
                raise CompileError("c: functions with several blocks are not supported", op)
            functions.append(op)
        elif op.name not in ("memref.global", "cpu.microkernel"):
            raise CompileError(f"c: cannot emit '{op.name}' at module level", op)
    return functions


def _global(op: Operation, names: NameTable) -> tuple[str, View]:
    type_ = memref_type(op.type, op)  # pyright: ignore
    t = c_type(type_.element_type, op)
    shape = type_.get_shape()
    if any(s < 0 for s in shape):
        raise CompileError("c: globals of dynamic shape are not supported", op)
    count = 1
    for s in shape:
        count *= s
    name = names.fresh(f"g_{op.sym_name.data}")  # pyright: ignore
    initial = op.initial_value  # pyright: ignore
    const = "const " if isinstance(op.constant, UnitAttr) else ""  # pyright: ignore
    declaration = f"static {const}{t} {name}[{max(count, 1)}]"
    if isinstance(initial, DenseIntOrFPElementsAttr):
        values = list(initial.get_values())
        if len(values) == 1 and count != 1:
            values = values * count
        literals = [number_literal(v, type_.element_type) for v in values]
        rows = [", ".join(literals[i : i + 8]) for i in range(0, len(literals), 8)]
        text = declaration + " = {\n  " + ",\n  ".join(rows) + "\n};"
    else:
        text = declaration + ";"
    loc = location_of(op)
    if loc is not None:
        text = f"// {loc}\n{text}"
    view = View(f"(({t} *){name})", name, 0, tuple(shape), identity_strides(shape), t)
    return text, view


def _global_names(globals_: dict[str, View]) -> set[str]:
    """The C names of the globals (a local must not shadow them)."""
    return {v.data.split("(")[-1].split(" ")[-1].rstrip(")") for v in globals_.values()}


def _emit_function(
    func: FuncOp, helpers: set[str], globals_: dict[str, View], functions: dict[str, Operation]
) -> str:
    em = FunctionEmitter(HANDLERS, helpers, globals_, functions)
    params = abi.parameters(func)
    for p in params:
        em.names.used.add(p.name)
    em.names.used.update(_global_names(globals_))
    em.results = [p.name for p in params if p.is_result]
    arg_params = [p for p in params if not p.is_result]
    for arg, p in zip(func.body.block.args, arg_params, strict=True):
        if isinstance(arg.type, MemRefType):
            hint = p.name.removesuffix("_desc")
            em.views[arg] = argument_view(em, p.name, arg.type, hint)
        else:
            c_type(arg.type, func)
            em.values[arg] = p.name
    em.emit_ops(func.body.block)
    terminator = func.body.block.last_op
    if terminator is not None:
        em.emit_op(terminator)
    lines = []
    loc = location_of(func)
    if loc is not None:
        lines.append(f"// {loc}: @{func.sym_name.data}")
    lines.append(abi.prototype(func) + " {")
    lines += em.lines
    lines.append("}")
    return "\n".join(lines)


def emit_module(module: ModuleOp) -> str:
    """The C file of `module`."""
    functions = _functions(module)
    names = NameTable({abi.c_function_name(f) for f in functions})
    globals_: dict[str, View] = {}
    global_texts = []
    for op in module.ops:
        if op.name == "memref.global":
            text, view = _global(op, names)
            globals_[op.sym_name.data] = view  # pyright: ignore
            global_texts.append(text)
    by_name: dict[str, Operation] = {f.sym_name.data: f for f in functions}
    helpers: set[str] = set()
    kernels = [op for op in module.ops if isinstance(op, MicrokernelOp)]
    taken = {abi.c_function_name(f) for f in functions}
    for kernel in kernels:
        check_kernel_name(kernel, taken)

    def kernel_emitter() -> FunctionEmitter:
        em = FunctionEmitter(HANDLERS, helpers, globals_, by_name)
        em.names.used.update(taken)
        em.names.used.update(_global_names(globals_))
        return em

    kernel_texts = [emit_microkernel(k, kernel_emitter) for k in kernels if not k.is_declaration]
    bodies = [_emit_function(f, helpers, globals_, by_name) for f in functions]
    parts = [
        "// Generated by ziggurat (C target): C11 + OpenMP, ABI in docs/targets/c.md.",
        "\n".join(f"#include <{h}>" for h in INCLUDES),
        _structs(module, functions),
        f"void {abi.FREE_FUNCTION}(void *allocated) {{ free(allocated); }}",
    ]
    if helpers:
        parts.append("\n\n".join(helper_text(h) for h in ordered(helpers)))
    parts += global_texts
    if kernels:
        parts.append("\n".join(microkernel_prototype(k) + ";" for k in kernels))
    parts += kernel_texts
    if len(functions) > 1:
        parts.append("\n".join(abi.prototype(f) + ";" for f in functions))
    parts += bodies
    return "\n\n".join(p for p in parts if p) + "\n"


def _structs(module: ModuleOp, functions: list[FuncOp]) -> str:
    types: dict[str, MemRefType] = {}
    for op in module.walk():
        for value in (*op.results, *(a for r in op.regions for b in r.blocks for a in b.args)):
            if isinstance(value.type, MemRefType):
                with contextlib.suppress(CompileError):
                    types.setdefault(abi.descriptor_name(value.type), value.type)
    for f in functions:
        for t in abi.memref_types(f):
            types.setdefault(abi.descriptor_name(memref_type(t, f), f), t)
    for op in module.ops:
        if isinstance(op, MicrokernelOp):
            for t in op.function_type.inputs.data:
                if isinstance(t, MemRefType):
                    types.setdefault(abi.descriptor_name(memref_type(t, op), op), t)
    return "\n\n".join(abi.descriptor_definition(types[k]) for k in sorted(types))


def emit_header(module: ModuleOp) -> str:
    """A header declaring the descriptor structs and the public functions' prototypes."""
    functions = [
        f
        for f in _functions(module)
        if f.sym_visibility is None or f.sym_visibility.data != "private"
    ]
    parts = [
        "// Generated by ziggurat (C target): ABI in docs/targets/c.md.",
        "#ifndef ZIGGURAT_GENERATED_H\n#define ZIGGURAT_GENERATED_H",
        "#include <stdbool.h>\n#include <stdint.h>",
        '#ifdef __cplusplus\nextern "C" {\n#endif',
        _structs(module, functions),
        f"void {abi.FREE_FUNCTION}(void *allocated);",
        "\n".join(abi.prototype(f) + ";" for f in functions),
        "#ifdef __cplusplus\n}\n#endif",
        "#endif",
    ]
    return "\n\n".join(p for p in parts if p) + "\n"
