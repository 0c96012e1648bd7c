"""The interpreter core: op dispatch, blocks, regions, calls and globals.

An environment (`env`) maps each SSA value of the running function to its
runtime value; nested regions share it, since SSA names are unique. Each op
is run by a handler `(interp, env, op, operand_values) -> result_values`
registered for its op class and found by op name (`handlers.OpHandlers`);
handlers live in one module per dialect family. A block's ops and handlers
are looked up once, the first time the block runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias, cast

import numpy as np
from xdsl.dialects import cf, memref
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, ModuleOp
from xdsl.dialects.func import FuncOp
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import Block, Operation, Region, SSAValue

from ziggurat.diagnostics import CompileError
from ziggurat.targets.ref import (
    arith_ops,
    control_ops,
    cuda_ops,
    device_ops,
    linalg_ops,
    math_ops,
    memory_ops,
    mxu_ops,
    tensor_ops,
)
from ziggurat.targets.ref.handlers import Env, Handler, OpHandlers, Value
from ziggurat.targets.ref.plans import Step, plan_block
from ziggurat.targets.ref.types import static_shape, value_dtype
from ziggurat.targets.ref.values import Allocation, Buffer

OpHandler: TypeAlias = "Handler[Interpreter, Operation]"
"""A handler as the interpreter holds it, once its op is known to be of its class."""

HANDLERS: OpHandlers[Interpreter] = OpHandlers()
for _module in (
    arith_ops,
    math_ops,
    memory_ops,
    tensor_ops,
    control_ops,
    linalg_ops,
    device_ops,
    mxu_ops,
    cuda_ops,
):
    HANDLERS.update(_module.HANDLERS)

TERMINATORS = frozenset(
    {
        "func.return",
        "scf.yield",
        "scf.condition",
        "scf.reduce",
        "scf.reduce.return",
        "affine.yield",
        "linalg.yield",
        "tensor.yield",
        "memref.alloca_scope.return",
        "cf.br",
        "cf.cond_br",
        *device_ops.TERMINATORS,
    }
)
"""Ops that end a block and hand their operands to the op owning the region."""

LaunchHandler = Callable[[Operation, dict[SSAValue, np.ndarray]], None]
"""Runs a launch given the arrays of the buffers its body uses (by SSA value)."""

MAX_CALL_DEPTH = 500
"""Deeper calls are reported as (probably) unbounded recursion."""


def unsupported(op: Operation) -> CompileError:
    return CompileError(f"ref: cannot execute '{op.name}'", op)


def handler_for(op: Operation) -> OpHandler:
    """The handler of `op`; a located error if there is none or `op` is not of its class."""
    handler = HANDLERS.get(op)
    if handler is None and isinstance(op, LinalgStructuredOperation):
        # Checked just above: `structured` takes every linalg structured op.
        handler = cast(OpHandler, linalg_ops.structured)
    if handler is None:
        raise unsupported(op)
    return handler


class Interpreter:
    """Runs the functions of one module; holds its globals and caches."""

    def __init__(
        self, module: ModuleOp, launch_handlers: Mapping[str, LaunchHandler] | None = None
    ):
        self.module = module
        self.launch_handlers: Mapping[str, LaunchHandler] = launch_handlers or {}
        """Runners of `device.launch` bodies by target kind (an accelerator's simulator)."""
        self.functions: dict[str, FuncOp] = {}
        self.global_ops: dict[str, Operation] = {}
        for op in module.ops:
            if isinstance(op, FuncOp):
                self.functions[op.sym_name.data] = op
            elif isinstance(op, memref.GlobalOp):
                self.global_ops[op.sym_name.data] = op
        self.globals: dict[str, Buffer] = {}
        self.depth = 0
        self._plans: dict[Block, tuple[list[Step[OpHandler]], Operation | None]] = {}
        self.cache: dict[Any, Any] = {}
        """Per-op analyses (vectorisation plans, linalg body patterns)."""

    # Blocks and regions ----------------------------------------------------------

    def _plan(self, block: Block) -> tuple[list[Step[OpHandler]], Operation | None]:
        plan = plan_block(block, handler_for, TERMINATORS)
        self._plans[block] = plan
        return plan

    def run_block(self, block: Block, env: Env) -> list[Value]:
        """Run a block's ops; the values its terminator passes on."""
        plan = self._plans.get(block)
        steps, terminator = plan if plan is not None else self._plan(block)
        for handler, op, operands, results in steps:
            out = handler(self, env, op, [env[v] for v in operands])
            if results:
                assert out is not None, op.name
                for r, v in zip(results, out, strict=True):
                    env[r] = v
        if terminator is None:
            return []
        return [env[v] for v in terminator.operands]

    def run_ops(self, ops: Sequence[Operation], env: Env) -> None:
        """Run some ops of a block (not its terminator), in the order given."""
        for op in ops:
            out = handler_for(op)(self, env, op, [env[v] for v in op.operands])
            assert out is not None, op.name
            for r, v in zip(op.results, out, strict=True):
                env[r] = v

    def run_region(self, region: Region, env: Env, args: Sequence[Value] = ()) -> list[Value]:
        """Run a region from its entry block, following `cf` branches."""
        block = region.blocks[0]
        for a, v in zip(block.args, args, strict=True):
            env[a] = v
        while True:
            values = self.run_block(block, env)
            terminator = block.last_op
            if terminator is None or terminator.name not in ("cf.br", "cf.cond_br"):
                return values
            if terminator.name == "cf.br":
                block, args = terminator.successors[0], values
            else:
                assert isinstance(terminator, cf.ConditionalBranchOp)
                cond, rest = values[0], values[1:]
                n_then = len(terminator.then_arguments)
                if cond:
                    block, args = terminator.successors[0], rest[:n_then]
                else:
                    block, args = terminator.successors[1], rest[n_then:]
            for a, v in zip(block.args, args, strict=True):
                env[a] = v

    # Functions and globals -------------------------------------------------------

    def call(
        self, func: FuncOp, args: Sequence[Value], caller: Operation | None = None
    ) -> list[Value]:
        if not func.body.blocks:
            raise CompileError(
                f"ref: cannot call '@{func.sym_name.data}': it is only declared", caller or func
            )
        if self.depth >= MAX_CALL_DEPTH:
            raise CompileError(
                f"ref: calls nested more than {MAX_CALL_DEPTH} deep (unbounded recursion?)",
                caller or func,
            )
        self.depth += 1
        try:
            return self.run_region(func.body, {}, args)
        finally:
            self.depth -= 1

    def global_buffer(self, name: str, op: Operation) -> Buffer:
        buffer = self.globals.get(name)
        if buffer is not None:
            return buffer
        definition = self.global_ops.get(name)
        if definition is None:
            raise CompileError(f"ref: no memref.global named '@{name}'", op)
        memref_type = definition.properties["type"]
        shape = static_shape(memref_type, definition)
        dtype = value_dtype(memref_type, definition)
        initial = definition.properties["initial_value"]
        if isinstance(initial, DenseIntOrFPElementsAttr):
            array = arith_ops.constant_value(initial, dtype, definition)
            array = np.array(np.broadcast_to(array, shape), dtype=dtype)
        else:
            array = np.zeros(shape, dtype)
        if "constant" in definition.properties:
            array.setflags(write=False)
        buffer = Buffer(array, Allocation(f"global '@{name}'"))
        self.globals[name] = buffer
        return buffer
