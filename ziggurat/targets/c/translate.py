"""`ziggurat-translate -t c`: the C file of a module, or with `header=true` its header."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.target import Target

from ziggurat.diagnostics import CompileError
from ziggurat.targets.c.module_emit import emit_header, emit_module


@dataclass(frozen=True)
class CTarget(Target):
    """C11 + OpenMP from func/arith/math/memref/scf/affine (ABI: docs/targets/c.md)."""

    name = "c"

    header: bool = False
    """Emit the header (descriptor structs and prototypes) instead of the definitions."""

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        from ziggurat.targets.c.call import first_tensor_level_op

        tensor_op = first_tensor_level_op(module)
        if tensor_op is not None:
            what = "tensors" if tensor_op.name == "func.func" else f"'{tensor_op.name}'"
            raise CompileError(
                f"the module still holds {what}, which C cannot print (run cpu-pipeline first)",
                tensor_op,
            )
        try:
            text = emit_header(module) if self.header else emit_module(module)
        except CompileError as error:
            # ziggurat-translate names the target itself.
            message = error.message.removeprefix("c: ")
            raise CompileError(message, error.op, error.location) from None
        output.write(text)
