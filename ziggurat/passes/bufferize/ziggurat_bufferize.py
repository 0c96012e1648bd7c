"""`ziggurat-bufferize`: tensor programs become memref programs.

In the spirit of MLIR's one-shot bufferization with function-boundary type
conversion. Each function is walked once in program order (see
`bufferize_core.Bufferizer`); each op on tensors is replaced by ops on
buffers, writing in place wherever the alias and liveness analysis
(`bufferize_analysis`) shows the overwritten data is no longer needed.
Then every buffer the function allocated and does not return is freed after
its last use (`bufferize_dealloc`).

Calling convention: a `tensor<...>` argument becomes a `memref<...>` (identity
layout) that the callee only reads; a `tensor<...>` result becomes a
`memref<...>` that the callee allocates and the caller owns (and frees).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from xdsl.context import Context
from xdsl.dialects import func, scf
from xdsl.dialects.builtin import FunctionType, ModuleOp, TensorType, UnrankedTensorType
from xdsl.ir import Block, Operation
from xdsl.passes import ModulePass

from ziggurat.passes.bufferize import boundary, tensor
from ziggurat.passes.bufferize.boundary import ConstantGlobals
from ziggurat.passes.bufferize.control import (
    bufferize_call,
    bufferize_for,
    bufferize_if,
    bufferize_return,
    bufferize_yield,
)
from ziggurat.passes.bufferize.core import Bufferizer, cannot_lower, has_tensors, memref_type
from ziggurat.passes.bufferize.dealloc import insert_deallocs
from ziggurat.passes.bufferize.linalg import bufferize_linalg

Handler = Callable[[Bufferizer, Operation], None]

HANDLERS: dict[str, Handler] = cast(
    dict[str, Handler], {**tensor.HANDLERS, **boundary.HANDLERS}
)


@dataclass(frozen=True)
class BufferizePass(ModulePass):
    """Bufferize tensor programs: tensors become memrefs, in place where safe, freed after use."""

    name = "ziggurat-bufferize"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        constants = ConstantGlobals(op)
        functions = [f for f in op.walk() if isinstance(f, func.FuncOp)]
        for function in functions:
            _convert_signature(function)
        for function in functions:
            if function.body.blocks:
                FunctionBufferization(function, constants).run()


def _convert_signature(function: func.FuncOp) -> None:
    """Tensor arguments and results become identity-layout memrefs."""
    type_ = function.function_type

    def convert(t):
        return memref_type(t, function) if isinstance(t, TensorType) else t

    for t in (*type_.inputs, *type_.outputs):
        if isinstance(t, UnrankedTensorType):
            raise cannot_lower(function, f"unranked tensors are not supported ({t})")
    function.properties["function_type"] = FunctionType.from_lists(
        [convert(t) for t in type_.inputs], [convert(t) for t in type_.outputs]
    )


class FunctionBufferization:
    """Bufferizes one function body."""

    def __init__(self, function: func.FuncOp, constants: ConstantGlobals) -> None:
        self.function = function
        self.b = Bufferizer(function, constants.get)

    def run(self) -> None:
        b = self.b
        entry = self.function.body.blocks[0]
        if len(self.function.body.blocks) > 1:
            raise cannot_lower(self.function, "functions with several blocks are not supported")
        old_args = [a for a in entry.args if isinstance(a.type, TensorType)]
        for arg in old_args:
            new = entry.insert_arg(memref_type(arg.type, self.function), arg.index + 1)
            new.name_hint = arg.name_hint
            b.define_readonly(arg, new)
        self.process_block(entry)
        for op in b.erased:
            op.detach()
        for op in b.erased:
            op.drop_all_references()
        for op in b.erased:
            op.erase(safe_erase=False, drop_references=False)
        for finalize in b.finalizers:
            finalize()
        for arg in old_args:
            entry.erase_arg(arg)
        insert_deallocs(b.owned)
        self.check_no_tensors()

    def process_block(self, block: Block) -> None:
        for op in list(block.ops):
            self.process(op)

    def process_regions(self, op: Operation) -> None:
        for region in op.regions:
            for block in region.blocks:
                self.process_block(block)

    def process(self, op: Operation) -> None:
        b = self.b
        handler = HANDLERS.get(op.name)
        if isinstance(op, scf.ForOp):
            bufferize_for(b, op, self.process_regions)
        elif isinstance(op, scf.IfOp):
            bufferize_if(b, op, self.process_regions)
        elif isinstance(op, scf.YieldOp) and has_tensors(op):
            bufferize_yield(b, op)
        elif isinstance(op, func.CallOp) and has_tensors(op):
            bufferize_call(b, op)
        elif isinstance(op, func.ReturnOp):
            bufferize_return(b, op)
        elif handler is not None and has_tensors(op):
            handler(b, op)
        elif op.name.startswith("linalg.") and has_tensors(op):
            bufferize_linalg(b, op)
        elif has_tensors(op):
            raise cannot_lower(op, "no bufferization is known for this op on tensors")
        else:
            self.process_regions(op)

    def check_no_tensors(self) -> None:
        for op in self.function.body.walk():
            if has_tensors(op) or any(
                isinstance(a.type, TensorType | UnrankedTensorType)
                for r in op.regions
                for blk in r.blocks
                for a in blk.args
            ):
                raise cannot_lower(op, "a tensor value remains after bufferization")
