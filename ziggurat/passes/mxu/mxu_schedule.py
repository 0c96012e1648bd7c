"""`mxu-schedule`: each `mxu.gemm` becomes the instruction stream that computes it.

The tiling, the double buffering and the dependency tokens come from
`schedule_gemm.schedule_gemm` for the launch's machine and the gemm's
dataflow; this pass only places them in the IR: one instruction op per
instruction, `load` and `store` naming the buffer they move (A, B, D or the
bias) with a byte offset into it. A batched gemm is one fragment per batch;
fragments are separated by `fence`s (each fragment reuses the same on-chip
rows) and the stream ends in `halt`. The plan (tile sizes, buffers) of each
gemm is kept in the launch's `mxu.plans` attribute, one `#mxu.plan` each, so
the tiling is visible in the IR.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields

from xdsl.context import Context
from xdsl.dialects.builtin import ArrayAttr, ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.device import LaunchOp
from ziggurat.dialects.mxu import GemmOp, PlanAttr, config_of, instruction_op
from ziggurat.hardware.mxu import isa
from ziggurat.hardware.mxu.config import MxuConfig
from ziggurat.passes.mxu.schedule_gemm import GemmPlan, GemmSpec, schedule_gemm


def gemm_spec(gemm: GemmOp, batch: int) -> GemmSpec:
    """The schedule's view of batch `batch` of `gemm` (dense row-major operands)."""
    _, m, k, n = gemm.shapes()
    ins, out = gemm.dtypes()
    return GemmSpec(
        m=m,
        k=k,
        n=n,
        dtype=ins,
        out_dtype=out,
        a_stride=k * ins.bytes,
        b_stride=n * ins.bytes,
        c_stride=n * out.bytes,
        a_offset=batch * m * k * ins.bytes,
        b_offset=batch * k * n * ins.bytes,
        c_offset=batch * m * n * out.bytes,
        bias=gemm.bias is not None,
        func=gemm.func,
        scale=gemm.scale,
        shift=gemm.shift,
        accumulate=gemm.accumulate,
    )


def plan_attr(plan: GemmPlan) -> PlanAttr:
    """`#mxu.plan<...>`: the plan's fields, in order."""
    return PlanAttr.of(list(zip((f.name for f in fields(plan)), astuple(plan), strict=True)))


def _expand(gemm: GemmOp, config: MxuConfig) -> tuple[list[Operation], list[PlanAttr]]:
    operands: dict[str, SSAValue] = {"a": gemm.a, "b": gemm.b, "c": gemm.d}
    if gemm.bias is not None:
        operands["bias"] = gemm.bias
    batches = gemm.shapes()[0]
    ops: list[Operation] = []
    plans: list[PlanAttr] = []
    for batch in range(batches):
        if ops:
            ops.append(instruction_op(isa.Fence()))
        plan, stream = schedule_gemm(gemm_spec(gemm, batch), config, dataflow=gemm.dataflow)
        if batch == 0:
            plans.append(plan_attr(plan))
        for instruction, operand in stream:
            ops.append(instruction_op(instruction, operands[operand] if operand else None))
    return ops, plans


@dataclass(frozen=True)
class MxuSchedulePass(ModulePass):
    """Expand every `mxu.gemm` into tiled, double-buffered mxu instructions."""

    name = "mxu-schedule"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        rewriter = Rewriter()
        for launch in [o for o in op.walk() if isinstance(o, LaunchOp)]:
            if launch.target.kind.data != "mxu":
                continue
            gemms = [o for o in launch.body.block.ops if isinstance(o, GemmOp)]
            if not gemms:
                continue
            config = config_of(launch.target)
            plans: list[PlanAttr] = []
            for i, gemm in enumerate(gemms):
                try:
                    ops, gemm_plans = _expand(gemm, config)
                except (ValueError, isa.IsaError) as error:
                    raise CompileError(f"cannot schedule this gemm: {error}", gemm) from None
                if i:
                    ops.insert(0, instruction_op(isa.Fence()))
                plans += gemm_plans
                rewriter.insert_op(ops, InsertPoint.before(gemm))
                rewriter.erase_op(gemm)
            terminator = launch.body.block.last_op
            assert terminator is not None
            if not any(o.name == "mxu.halt" for o in launch.body.block.ops):
                rewriter.insert_op(instruction_op(isa.Halt()), InsertPoint.before(terminator))
            launch.attributes["mxu.plans"] = ArrayAttr(plans)
