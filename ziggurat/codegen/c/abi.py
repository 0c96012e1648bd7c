"""The C ABI of emitted functions (MLIR's C interface conventions).

A memref is passed as a pointer to a descriptor

    typedef struct { T *allocated; T *aligned; int64_t offset;
                     int64_t sizes[N]; int64_t strides[N]; } zg_memref_<elt>_<N>d;

(rank 0: no `sizes`/`strides`), offset, sizes and strides counted in elements.
Scalars are passed by value. Every result is returned through an out-parameter
placed before the arguments: `T *resultK` for a scalar, `zg_memref_... *resultK` for
a memref, which the callee allocates (64-byte aligned); the caller releases it
with `zg_free(result.allocated)`. Memref arguments must not overlap in memory and
must match their static type (static sizes, strides and offset); the emitted code
relies on both.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects.builtin import MemRefType
from xdsl.dialects.func import FuncOp
from xdsl.ir import Attribute, Operation

from ziggurat.codegen.c.ctypes_map import c_type, element_code, memref_type
from ziggurat.codegen.c.names import sanitize
from ziggurat.dialects.cpu_kernel import MicrokernelOp

FREE_FUNCTION = "zg_free"
"""The exported function that releases a returned memref's `allocated` pointer."""


def descriptor_name(type_: MemRefType, op: Operation | None = None) -> str:
    return f"zg_memref_{element_code(type_.element_type, op)}_{type_.get_num_dims()}d"


def descriptor_definition(type_: MemRefType) -> str:
    name = descriptor_name(type_)
    t = c_type(type_.element_type)
    rank = type_.get_num_dims()
    fields = [f"{t} *allocated;", f"{t} *aligned;", "int64_t offset;"]
    if rank:
        fields += [f"int64_t sizes[{rank}];", f"int64_t strides[{rank}];"]
    guard = name.upper()
    return (
        f"#ifndef {guard}\n#define {guard}\n"
        f"typedef struct {{\n  " + "\n  ".join(fields) + f"\n}} {name};\n#endif"
    )


@dataclass(frozen=True)
class Parameter:
    """One C parameter: its name, C type text, and the MLIR type it carries."""

    name: str
    c_decl: str
    type: Attribute
    is_result: bool


def c_function_name(func: FuncOp | MicrokernelOp) -> str:
    return sanitize(func.sym_name.data, "f")


def parameters(func: FuncOp | MicrokernelOp) -> list[Parameter]:
    """Result out-parameters, then arguments, as the emitted function declares them."""
    params: list[Parameter] = []
    for i, type_ in enumerate(func.function_type.outputs.data):
        name = f"result{i}"
        if isinstance(type_, MemRefType):
            decl = f"{descriptor_name(memref_type(type_, func), func)} *restrict {name}"
        else:
            decl = f"{c_type(type_, func)} *restrict {name}"
        params.append(Parameter(name, decl, type_, True))
    hints = (
        [a.name_hint for a in func.body.block.args]
        if func.body.blocks
        else [None] * len(func.function_type.inputs.data)
    )
    used = {p.name for p in params}
    for i, (type_, hint) in enumerate(zip(func.function_type.inputs.data, hints, strict=True)):
        base = sanitize(hint, f"arg{i}") if hint else f"arg{i}"
        if isinstance(type_, MemRefType):
            base = f"{base}_desc"
        name, n = base, 0
        while name in used:
            n += 1
            name = f"{base}_{n}"
        used.add(name)
        if isinstance(type_, MemRefType):
            decl = f"const {descriptor_name(memref_type(type_, func), func)} *restrict {name}"
        else:
            decl = f"{c_type(type_, func)} {name}"
        params.append(Parameter(name, decl, type_, False))
    return params


def prototype(func: FuncOp) -> str:
    params = ", ".join(p.c_decl for p in parameters(func)) or "void"
    static = (
        "static "
        if func.sym_visibility is not None and func.sym_visibility.data == "private"
        else ""
    )
    return f"{static}void {c_function_name(func)}({params})"


def memref_types(func: FuncOp) -> list[MemRefType]:
    types = [*func.function_type.inputs.data, *func.function_type.outputs.data]
    return [t for t in types if isinstance(t, MemRefType)]
