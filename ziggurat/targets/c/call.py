"""Compiling a module for the `c` target and calling it on numpy arrays.

Tensor-level input is first lowered, on a copy, by `cpu-pipeline`; the calling
convention itself (descriptors, checked arguments, owned results) is the C-ABI
one shared with the cuda target (`ziggurat.codegen.c.ctypes_call`).
"""

from __future__ import annotations

import ctypes

from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.dialects.func import FuncOp
from xdsl.ir import Operation

from ziggurat.codegen.c.ctypes_call import CFunction, find_function
from ziggurat.diagnostics import CompileError
from ziggurat.dialects.cpu_kernel import CallOp
from ziggurat.passes.pipelines import CpuPipelinePass, lowering_context
from ziggurat.targets.c import runtime
from ziggurat.targets.c.module_emit import emit_module


class OpenMPFunction(CFunction):
    """A compiled C function that runs on `threads` OpenMP threads (None: the default)."""

    def __init__(self, library: ctypes.CDLL, func: FuncOp, threads: int | None = None):
        super().__init__(library, func)
        self.threads = threads

    def before_call(self) -> None:
        runtime.set_threads(self.library, self.threads)


_TENSOR_LEVEL_DIALECTS = ("linalg", "tensor", "bufferization")


def first_tensor_level_op(module: ModuleOp) -> Operation | None:
    """The first op that holds tensors or is a linalg op, which C cannot hold; None if none."""
    for op in module.walk():
        if op.name.split(".")[0] in _TENSOR_LEVEL_DIALECTS:
            return op
        if isinstance(op, FuncOp) and any(
            isinstance(t, TensorType)
            for t in (*op.function_type.inputs.data, *op.function_type.outputs.data)
        ):
            return op
    return None


def is_tensor_level(module: ModuleOp) -> bool:
    """Whether `module` still has tensors or linalg ops, which C cannot hold."""
    return first_tensor_level_op(module) is not None


def lower_for_c(module: ModuleOp) -> ModuleOp:
    """`module` itself if it is loop-level, else a copy lowered by `cpu-pipeline`."""
    if not is_tensor_level(module):
        return module
    lowered = module.clone()
    CpuPipelinePass().apply(lowering_context(), lowered)
    lowered.verify()
    return lowered


def _refuse_declared_kernels(module: ModuleOp) -> None:
    """A called microkernel without a body has no definition the runtime could link."""
    for op in module.walk():
        if isinstance(op, CallOp):
            kernel = op.kernel()
            if kernel.is_declaration:
                raise CompileError(
                    f"c: cannot run a call to '@{kernel.sym_name.data}': the microkernel is "
                    "only declared, and the runtime links no definition for it",
                    op,
                )


def compile_module(
    module: ModuleOp,
    entry: str | None = None,
    *,
    cc: str | None = None,
    cflags: str | None = None,
    sanitize: bool | None = None,
    threads: int | None = None,
) -> OpenMPFunction:
    """Emit, compile (cached) and load `module`; its entry function as a callable.

    Tensor-level input is first lowered, on a copy, by `cpu-pipeline` (default options).
    """
    module = lower_for_c(module)
    _refuse_declared_kernels(module)
    func = find_function(module, entry)
    if not func.body.blocks:
        raise CompileError(f"c: function '@{func.sym_name.data}' is only declared", func)
    source = emit_module(module)
    library = runtime.load(runtime.compile_shared(source, cc, cflags, sanitize))
    return OpenMPFunction(library, func, threads)


class CExecutor:
    """The `c` target behind `ziggurat-run`: compile once, call many times."""

    name = "c"

    def __init__(self, threads: int | None = None):
        self.threads = threads

    def prepare(self, module: ModuleOp, entry: str | None = None) -> OpenMPFunction:
        return compile_module(module, entry, threads=self.threads)
