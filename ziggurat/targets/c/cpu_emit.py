"""`cpu` ops as C + OpenMP, with the exact meaning docs/dialects/cpu.md gives them.

- `cpu.parallel_for`: `#pragma omp parallel for collapse(n) schedule(..) num_threads(..)`;
- `cpu.simd`: `#pragma omp simd simdlen(..)`;
- `cpu.pack`: the loop nest over the packed buffer, padding where a tile overhangs;
- `cpu.microkernel`: a `static inline` function, or a declaration of one linked in;
- `cpu.call`: the call, memrefs passed as descriptors like `func.call` does.

OpenMP allows no `parallel` construct inside a `simd` region and no `simd` inside
another, so a `cpu.parallel_for` nested in a parallel loop or a SIMD loop runs its
loops on the thread that reaches it, and a `cpu.simd` nested in a SIMD loop is a
plain loop: both are orders the ops allow.
"""

from __future__ import annotations

from xdsl.dialects.builtin import MemRefType

from ziggurat.codegen.c import abi
from ziggurat.codegen.c.ctypes_map import c_type, memref_type
from ziggurat.codegen.c.emitter import EmitHandlers, FunctionEmitter
from ziggurat.codegen.c.func_emit import _descriptor_view, fill_descriptor
from ziggurat.codegen.c.views import Expr, mul
from ziggurat.diagnostics import CompileError, location_of
from ziggurat.dialects.cpu import ParallelForOp, SimdOp
from ziggurat.dialects.cpu_kernel import CallOp, MicrokernelOp
from ziggurat.dialects.cpu_pack import PackOp

HANDLERS = EmitHandlers()
"""The `cpu` ops the C target prints (on top of the C family's)."""


def _loop_nest(
    em: FunctionEmitter, op: ParallelForOp | SimdOp, bounds: list[tuple[str, str, str]]
) -> None:
    """`for` loops over the body's induction variables, then the body (not its yield)."""
    body = op.regions[0].block
    ivs = [em.fresh(arg, "i") for arg in body.args]
    for arg, iv in zip(body.args, ivs, strict=True):
        em.values[arg] = iv
    for iv, (lo, hi, st) in zip(ivs, bounds, strict=True):
        em.line(f"for (int64_t {iv} = {lo}; {iv} < {hi}; {iv} += {st}) {{")
        em.depth += 1
    em.loop_depth += 1
    em.emit_ops(body)
    em.loop_depth -= 1
    for _ in bounds:
        em.depth -= 1
        em.line("}")


@HANDLERS.on(ParallelForOp)
def _parallel_for(em: FunctionEmitter, op: ParallelForOp) -> None:
    bounds = [
        (em.value(lo), em.value(hi), em.value(st))
        for lo, hi, st in zip(op.lowerBound, op.upperBound, op.step, strict=True)
    ]
    if em.loop_depth == 0:
        em.location_comment(op)
    nested = em.parallel_depth > 0 or em.simd_depth > 0
    if nested:
        em.line("// cpu.parallel_for nested in a parallel or SIMD loop: runs on this thread")
    else:
        schedule = op.schedule.data
        if op.chunk is not None:
            schedule += f", {op.chunk.value.data}"
        clauses = ["parallel for", f"collapse({op.collapse})", f"schedule({schedule})"]
        if op.num_threads is not None:
            clauses.append(f"num_threads({op.num_threads.value.data})")
        em.line("#pragma omp " + " ".join(clauses))
    em.parallel_depth += 1
    _loop_nest(em, op, bounds)
    em.parallel_depth -= 1


@HANDLERS.on(SimdOp)
def _simd(em: FunctionEmitter, op: SimdOp) -> None:
    bound = (em.value(op.lowerBound), em.value(op.upperBound), em.value(op.step))
    if em.loop_depth == 0:
        em.location_comment(op)
    if em.simd_depth == 0:
        pragma = "#pragma omp simd"
        if op.simdlen is not None:
            pragma += f" simdlen({op.simdlen.value.data})"
        em.line(pragma)
    em.simd_depth += 1
    em.parallel_depth += 1  # an affine/scf parallel loop inside runs on this thread
    _loop_nest(em, op, [bound])
    em.parallel_depth -= 1
    em.simd_depth -= 1


@HANDLERS.on(PackOp)
def _pack(em: FunctionEmitter, op: PackOp) -> None:
    """dst[o, t] = src[i] where i[perm[k]] = o[k], then i[d] = i[d] * tile + t for tiled d."""
    src, dst = em.view(op.source), em.view(op.destination)
    src_type, dst_type = op.source.type, op.destination.type
    # The verifier holds both to memrefs.
    assert isinstance(src_type, MemRefType) and isinstance(dst_type, MemRefType)
    src_shape, dst_shape = src_type.get_shape(), dst_type.get_shape()
    rank = len(src_shape)
    if em.loop_depth == 0:
        em.location_comment(op)
    outer = [em.names.fresh(f"o{k}") for k in range(rank)]
    inner = [em.names.fresh(f"t{j}") for j in range(len(op.tiles))]
    for name, size in zip(outer + inner, dst_shape, strict=True):
        em.line(f"for (int64_t {name} = 0; {name} < {size}; {name} += 1) {{")
        em.depth += 1
    index: list[Expr] = [0] * rank
    for k, d in enumerate(op.perm):
        index[d] = outer[k]
    overhanging: list[int] = []
    for d, tile, t in zip(op.dims_pos, op.tiles, inner, strict=True):
        coord = em.names.fresh(f"i{d}")
        em.line(f"const int64_t {coord} = {mul(index[d], tile)} + {t};")
        index[d] = coord
        if src_shape[d] % tile:
            overhanging.append(d)
    if overhanging:
        assert op.padding_value is not None  # the verifier requires it
        test = " && ".join(f"{index[d]} < {src_shape[d]}" for d in overhanging)
        value = f"({test}) ? {src.at(index)} : {em.value(op.padding_value)}"
    else:
        value = src.at(index)
    em.line(f"{dst.at(outer + inner)} = {value};")
    for _ in range(len(outer) + len(inner)):
        em.depth -= 1
        em.line("}")


@HANDLERS.on(CallOp)
def _call(em: FunctionEmitter, op: CallOp) -> None:
    kernel = op.kernel()
    args: list[str] = []
    for value in op.arguments:
        if isinstance(value.type, MemRefType):
            type_ = memref_type(value.type, op)
            desc = em.names.fresh(f"{value.name_hint or 'arg'}_desc")
            em.line(f"{abi.descriptor_name(type_, op)} {desc};")
            fill_descriptor(em, f"{desc}.", em.view(value))
            args.append(f"&{desc}")
        else:
            args.append(em.value(value))
    em.line(f"{abi.c_function_name(kernel)}({', '.join(args)});")


def microkernel_prototype(kernel: MicrokernelOp) -> str:
    """`static inline void name(...)` for a definition, `void name(...)` for a declaration."""
    params = ", ".join(p.c_decl for p in abi.parameters(kernel)) or "void"
    prefix = "" if kernel.is_declaration else "static inline "
    return f"{prefix}void {abi.c_function_name(kernel)}({params})"


def emit_microkernel(kernel: MicrokernelOp, make_emitter) -> str:
    """The C definition of a microkernel with a body (`make_emitter()` gives a fresh emitter).

    Its memref parameters are descriptors, as for functions, but their data pointers
    are not `restrict`: a call may pass views of one buffer (tiles of a panel).
    """
    em: FunctionEmitter = make_emitter()
    params = [p for p in abi.parameters(kernel) if not p.is_result]
    for p in params:
        em.names.used.add(p.name)
    for arg, p in zip(kernel.body.block.args, params, strict=True):
        if isinstance(arg.type, MemRefType):
            t = c_type(arg.type.element_type, kernel)
            data = em.names.fresh(p.name.removesuffix("_desc"))
            em.line(f"{t} *{data} = {p.name}->aligned;")
            em.views[arg] = _descriptor_view(em, f"{p.name}->", arg.type, data, None)
        else:
            c_type(arg.type, kernel)
            em.values[arg] = p.name
    em.emit_ops(kernel.body.block)
    lines = []
    loc = location_of(kernel)
    if loc is not None:
        lines.append(f"// {loc}: @{kernel.sym_name.data}")
    lines.append(microkernel_prototype(kernel) + " {")
    lines += em.lines
    lines.append("}")
    return "\n".join(lines)


def check_kernel_name(kernel: MicrokernelOp, taken: set[str]) -> None:
    """Refuse a microkernel whose C name is already a function's or another kernel's."""
    name = abi.c_function_name(kernel)
    if name in taken:
        raise CompileError(
            f"c: microkernel '@{kernel.sym_name.data}' has the C name '{name}', "
            "which another function or microkernel already has",
            kernel,
        )
    taken.add(name)
