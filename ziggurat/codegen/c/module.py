"""The target-neutral parts of a C-family file: functions, globals, descriptor structs."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, MemRefType, ModuleOp, UnitAttr
from xdsl.dialects.func import FuncOp
from xdsl.dialects.memref import GlobalOp
from xdsl.ir import Attribute, Operation

from ziggurat.codegen.c import abi
from ziggurat.codegen.c.affine_emit import HANDLERS as AFFINE
from ziggurat.codegen.c.arith_emit import HANDLERS as ARITH
from ziggurat.codegen.c.ctypes_map import c_type, memref_type
from ziggurat.codegen.c.emitter import EmitHandlers, FunctionEmitter
from ziggurat.codegen.c.func_emit import HANDLERS as FUNC
from ziggurat.codegen.c.func_emit import argument_view
from ziggurat.codegen.c.literals import number_literal
from ziggurat.codegen.c.math_emit import HANDLERS as MATH
from ziggurat.codegen.c.memref_emit import HANDLERS as MEMREF
from ziggurat.codegen.c.memref_emit import identity_strides
from ziggurat.codegen.c.names import NameTable
from ziggurat.codegen.c.scf_emit import HANDLERS as SCF
from ziggurat.codegen.c.views import View
from ziggurat.diagnostics import CompileError, location_of
from ziggurat.elements import SplatElementsAttr

C_FAMILY_HANDLERS = EmitHandlers(ARITH, MATH, AFFINE, SCF, MEMREF, FUNC)
"""The ops every C-family target prints the same way, by name."""


def functions_of(module: ModuleOp, module_ops: tuple[str, ...] = ()) -> list[FuncOp]:
    """The functions of `module`; other module-level ops must be in `module_ops`."""
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
        elif op.name != "memref.global" and op.name not in module_ops:
            raise CompileError(f"c: cannot emit '{op.name}' at module level", op)
    return functions


@dataclass
class ModuleGlobals:
    """The module's `memref.global`s as printed, kept as facts rather than re-read from text.

    Functions look a global up by symbol (`views`) and must not shadow its C name
    (`c_names`); the module prints `texts`, the definitions, in module order.
    """

    views: dict[str, View] = field(default_factory=dict)
    """The view of each global, by symbol name."""
    c_names: set[str] = field(default_factory=set)
    """The C names the definitions declare."""
    texts: list[str] = field(default_factory=list)
    """The C definitions, in module order."""


def emit_globals(module: ModuleOp, names: NameTable) -> ModuleGlobals:
    """Print every `memref.global` of `module`, naming each in the file scope `names`."""
    globals_ = ModuleGlobals()
    for op in module.ops:
        if isinstance(op, GlobalOp):
            name, text, view = emit_global(op, names)
            globals_.views[op.sym_name.data] = view
            globals_.c_names.add(name)
            globals_.texts.append(text)
    return globals_


def emit_global(op: GlobalOp, names: NameTable) -> tuple[str, str, View]:
    """The C name, definition and view of one `memref.global`."""
    type_ = memref_type(op.type, op)
    t = c_type(type_.element_type, op)
    shape = type_.get_shape()
    if any(s < 0 for s in shape):
        raise CompileError("c: globals of dynamic shape are not supported", op)
    count = 1
    for s in shape:
        count *= s
    name = names.fresh(f"g_{op.sym_name.data}")
    initial = op.initial_value
    const = "const " if isinstance(op.constant, UnitAttr) else ""
    declaration = f"static {const}{t} {name}[{max(count, 1)}]"
    if isinstance(initial, SplatElementsAttr):
        init = names.fresh(f"{name}_init")
        text = _splat_global(declaration, name, init, count, initial, type_.element_type)
    elif isinstance(initial, DenseIntOrFPElementsAttr):
        # c_type refused complex elements above, so no value is a (real, imag) pair.
        values = [v for v in initial.get_values() if not isinstance(v, tuple)]
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
    return name, text, view


def _splat_global(
    declaration: str,
    name: str,
    init: str,
    count: int,
    initial: SplatElementsAttr,
    element: Attribute,
) -> str:
    """A global of one repeated value, in O(1) text whatever its size.

    Zero (every byte zero) is what static storage starts as; any other value is
    stored by a loop that runs before `main` (a constructor), so the global
    cannot be `const`.
    """
    if not any(initial.data.data):
        return declaration + ";"
    literal = number_literal(initial.value, element)
    return (
        declaration.replace("static const ", "static ", 1)
        + ";\n"
        + f"__attribute__((constructor)) static void {init}(void) {{\n"
        + f"  for (long i = 0; i < {count}L; ++i) {name}[i] = {literal};\n"
        + "}"
    )


def emit_function(
    func: FuncOp,
    handlers: EmitHandlers,
    helpers: set[str],
    globals_: ModuleGlobals,
    functions: dict[str, FuncOp],
    prototype: str | None = None,
) -> str:
    """The C definition of `func` (`prototype` replaces the ABI's one, e.g. `extern "C"`)."""
    em = FunctionEmitter(handlers, helpers, globals_.views, functions)
    params = abi.parameters(func)
    for p in params:
        em.names.used.add(p.name)
    em.names.used.update(globals_.c_names)
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
    lines.append((prototype or abi.prototype(func)) + " {")
    lines += em.lines
    lines.append("}")
    return "\n".join(lines)


def descriptor_structs(
    module: ModuleOp, functions: list[FuncOp], extra: Iterable[tuple[Attribute, Operation]] = ()
) -> str:
    """Every memref descriptor struct the module's values and functions (and `extra`) need."""
    types: dict[str, MemRefType] = {}
    for op in module.walk():
        for value in (*op.results, *(a for r in op.regions for b in r.blocks for a in b.args)):
            if isinstance(value.type, MemRefType):
                with contextlib.suppress(CompileError):
                    types.setdefault(abi.descriptor_name(value.type), value.type)
    for f in functions:
        for t in abi.memref_types(f):
            types.setdefault(abi.descriptor_name(memref_type(t, f), f), t)
    for t, op in extra:
        if isinstance(t, MemRefType):
            types.setdefault(abi.descriptor_name(memref_type(t, op), op), t)
    return "\n\n".join(abi.descriptor_definition(types[k]) for k in sorted(types))
