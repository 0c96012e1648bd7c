"""`convert-linalg-to-mxu`: matmuls on buffers become `mxu.gemm` kernels in `device.launch`es.

Runs after bufferization (and `cpu-conv-to-matmul`, which turns NHWC/HWCF
convolutions into an im2col copy and a matmul). Each `linalg.matmul` or
`linalg.batch_matmul` on dense, statically shaped memrefs of i8 x i8 -> i32,
bf16 x bf16 -> f32 or f32 x f32 -> f32 becomes one launch on the mxu:

    device.launch target(#device.target<mxu, {...config...}>) {
      mxu.gemm %a, %b -> %d [bias %bias] <epilogue> : ...
    }

and the ops around it fold into that kernel when the unit can do their work:

- a `linalg.fill` of zero into C just before: the unit overwrites C instead of
  accumulating (otherwise it reads C first, `accumulate`);
- an elementwise `linalg.generic` just after, reading C (and a per-column bias
  vector) and writing D: when its body is what the activation unit does (bias,
  ReLU, requantisation to i8, rounding to bf16; see `mxu_epilogue`) and C is a
  temporary nothing else reads, the kernel writes D directly.

Everything else stays on the host (the `ref` executor runs it), so a program is
split into host code and mxu kernels; with `host-fallback=false`, a matmul the
unit cannot run is an error instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import AffineMapAttr, MemRefType, ModuleOp, NoneAttr
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineMap
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.device import LaunchOp, YieldOp
from ziggurat.dialects.linalg import BatchMatmulOp, GenericOp, MatmulOp
from ziggurat.dialects.memory_effects import ALLOCATIONS, VIEWS, views_of
from ziggurat.dialects.memref import CollapseShapeOp
from ziggurat.dialects.mxu import DATAFLOWS, GemmOp, dtype_of, target_of
from ziggurat.hardware.mxu import isa
from ziggurat.hardware.mxu.config import ConfigError, MxuConfig
from ziggurat.passes.conversion.mxu_epilogue import (
    Epilogue,
    NotAnEpilogue,
    constant_value,
    match_epilogue,
)

_TYPES = {
    (isa.DType.I8, isa.DType.I32),
    (isa.DType.BF16, isa.DType.F32),
    (isa.DType.F32, isa.DType.F32),
}
"""(input, accumulator) element types the array multiplies."""


def load_config(preset: str, path: str, rows: int, cols: int) -> MxuConfig:
    """The machine a pass option set describes: a preset or file, then rows/cols overrides."""
    config = MxuConfig.load(path) if path else MxuConfig.preset(preset)
    overrides = {k: v for k, v in (("rows", rows), ("cols", cols)) if v}
    return config.with_options(**overrides) if overrides else config


def _dense(value: SSAValue) -> MemRefType | None:
    ty = value.type
    if not isinstance(ty, MemRefType) or any(d < 0 for d in ty.get_shape()):
        return None
    layout = ty.layout
    if isinstance(layout, NoneAttr):
        return ty
    if isinstance(layout, AffineMapAttr) and layout.data == AffineMap.identity(ty.get_num_dims()):
        return ty
    return None


def _reason(op: MatmulOp | BatchMatmulOp) -> str | None:
    """Why the mxu cannot run `op`, or None if it can."""
    if op.results or len(op.inputs) != 2 or len(op.outputs) != 1:
        return "it works on tensors (bufferize first)"
    if getattr(op, "indexing_maps", None) is not None:
        return "it has custom indexing maps"
    operands = [*op.inputs, *op.outputs]
    if any(_dense(v) is None for v in operands):
        return "its operands are not dense, statically shaped memrefs"
    a, b, c = (dtype_of(v.type.element_type) for v in operands)  # pyright: ignore
    if a is not b or (a, c) not in _TYPES:
        names = ", ".join(str(v.type.element_type) for v in operands)  # pyright: ignore
        return f"the array multiplies i8 -> i32, bf16 -> f32 and f32 -> f32, not {names}"
    return None


def _zero_fill_before(op: Operation, c: SSAValue) -> Operation | None:
    """The `linalg.fill` of zero into `c` that the matmul's accumulation starts from.

    Ops between the fill and the matmul are skipped when neither they nor the ops
    nested in them use a view of C's buffer (so they cannot read or write it: an
    im2col copy, other allocations), or when they only make a view.
    """
    base = _base(c)
    aliases = set(views_of(base))
    prev = op.prev_op
    while prev is not None and (
        prev.name in VIEWS
        or not any(v in aliases for inner in prev.walk() for v in inner.operands)
    ):
        prev = prev.prev_op
    if prev is None or prev.name != "linalg.fill" or prev.operands[-1] not in (c, base):
        return None
    return prev if constant_value(prev.operands[0]) == 0 else None


_VIEWS_AND_ALLOCS = {*ALLOCATIONS, "arith.constant", *VIEWS}
"""Ops that neither read nor write buffer contents."""


def _base(value: SSAValue) -> SSAValue:
    """The buffer a collapse_shape view shows, or `value` itself."""
    owner = value.owner
    return owner.src if isinstance(owner, CollapseShapeOp) else value


def _private(buffer: SSAValue, allowed: set[Operation]) -> bool:
    """Whether `buffer` is an allocation that only `allowed` ops (and deallocs) use."""
    if buffer.owner.name not in ("memref.alloc", "memref.alloca"):  # pyright: ignore
        return False
    for use in buffer.uses:
        user = use.operation
        if user in allowed or user.name == "memref.dealloc":
            continue
        if isinstance(user, CollapseShapeOp) and all(
            u.operation in allowed for u in user.result.uses
        ):
            continue
        return False
    return True


@dataclass
class _Fused:
    generic: GenericOp
    epilogue: Epilogue
    d: SSAValue
    bias: SSAValue | None


def _fusable_epilogue(op: Operation, c: SSAValue, fill: Operation | None) -> _Fused | str:
    """The generic after `op` that the activation unit can run, or why not."""
    generic = op.next_op
    deallocated: list[SSAValue] = []
    while generic is not None and generic.name in (*_VIEWS_AND_ALLOCS, "memref.dealloc"):
        if generic.name == "memref.dealloc":
            deallocated.append(generic.operands[0])
        generic = generic.next_op
    if not isinstance(generic, GenericOp) or generic.res or len(generic.outputs) != 1:
        return "no elementwise generic follows"
    base = _base(c)
    base_type = base.type
    assert isinstance(base_type, MemRefType)
    rank = base_type.get_num_dims()
    if any(t.data != "parallel" for t in generic.iterator_types.data):  # pyright: ignore
        return "the generic after it is not elementwise"
    maps = [m.data for m in generic.indexing_maps]
    operands = [*generic.inputs, *generic.outputs]
    identity = AffineMap.identity(rank)
    d = generic.outputs[0]
    if _dense(d) is None or maps[-1] != identity or d.type.get_shape() != base_type.get_shape():  # pyright: ignore
        return "the generic's result is not a dense buffer of C's shape"
    value_arg = bias_arg = None
    bias = None
    column = AffineMap(rank, 0, (AffineDimExpr(rank - 1),))
    for i, (operand, amap) in enumerate(zip(operands[:-1], maps[:-1], strict=True)):
        if operand is base and amap == identity and value_arg is None:
            value_arg = i
        elif amap == column and bias is None and _dense(operand) is not None:
            bias, bias_arg = operand, i
        else:
            return "the generic reads something other than C and a per-column vector"
    if value_arg is None:
        return "the generic does not read C"
    body = generic.body.block
    if d is not base and body.args[-1].uses:
        return "the generic reads its output"
    allowed = {op, generic} | ({fill} if fill is not None else set())
    if d is not base and not _private(base, allowed):
        return "C is read elsewhere, so it must be written"
    try:
        epilogue = match_epilogue(body, value_arg, bias_arg)
    except NotAnEpilogue as why:
        return str(why)
    if bias is not None and epilogue.bias_arg is None:
        return "the generic reads a vector it does not add as a bias"
    if any(v in (base, d, bias) for v in deallocated):
        return "a buffer the epilogue reads is freed before it"
    return _Fused(generic, epilogue, d, bias if epilogue.bias_arg is not None else None)


def _defined_before(value: SSAValue, op: Operation) -> bool:
    """Whether `value` is available at `op` (an argument, or defined earlier or outside)."""
    owner = value.owner
    if not isinstance(owner, Operation) or owner.parent_block() is not op.parent_block():
        return True
    block = op.parent_block()
    assert block is not None
    return block.get_operation_index(owner) < block.get_operation_index(op)


def _collapsed_like(value: SSAValue, like: SSAValue, rewriter: Rewriter, at: Operation) -> SSAValue:
    """`value` viewed with the shape of `like` (a collapse of a buffer of `value`'s shape)."""
    owner = like.owner
    if not isinstance(owner, CollapseShapeOp) or value is owner.src:
        return like if value is _base(like) else value
    view = CollapseShapeOp(
        operands=[value],
        result_types=[like.type],
        properties=dict(owner.properties),
    )
    rewriter.insert_op(view, InsertPoint.before(at))
    return view.result


def _convert(
    op: MatmulOp | BatchMatmulOp, config: MxuConfig, dataflow: str, rewriter: Rewriter
) -> None:
    a, b = op.inputs
    (c,) = op.outputs
    fill = _zero_fill_before(op, c)
    fused = _fusable_epilogue(op, c, fill) if fill is not None else "C starts non-zero"
    d, bias, epilogue, at = c, None, Epilogue(), op
    # Only allocations, views, constants and deallocations of other buffers lie
    # between the matmul and its epilogue: the kernel runs where the matmul did
    # if D and the bias exist there, else where the epilogue did (then nothing
    # between may free A or B).
    if isinstance(fused, _Fused) and not all(
        _defined_before(v, op) for v in (fused.d, fused.bias) if v is not None
    ):
        at = fused.generic
        between = []
        walk = op.next_op
        while walk is not None and walk is not at:
            between.append(walk)
            walk = walk.next_op
        if any(o.name == "memref.dealloc" and o.operands[0] in (a, b) for o in between):
            fused, at = "A or B is freed before the epilogue's result exists", op
    if isinstance(fused, _Fused):
        d = _collapsed_like(fused.d, c, rewriter, at)
        bias, epilogue = fused.bias, fused.epilogue
    gemm = GemmOp(
        a,
        b,
        d,
        bias,
        accumulate=fill is None,
        func=isa.Func.RELU if epilogue.relu else isa.Func.NONE,
        scale=epilogue.scale,
        shift=epilogue.shift,
        dataflow=dataflow,
    )
    launch = LaunchOp(target_of(config), Region(Block([gemm, YieldOp()])))
    launch.location = op.location
    rewriter.insert_op(launch, InsertPoint.before(at))
    if fill is not None:
        rewriter.erase_op(fill)
    if isinstance(fused, _Fused):
        rewriter.erase_op(fused.generic)
    rewriter.erase_op(op)


@dataclass(frozen=True)
class ConvertLinalgToMxuPass(ModulePass):
    """Run matmuls (and their fill and epilogue) on the mxu; leave the rest on the host.

    preset/config: the machine (a preset name, or a TOML/JSON file that wins over it);
    rows/cols: override the array size (0 keeps the preset's); dataflow: `ws`
    (weight-stationary) or `os` (output-stationary); host-fallback: leave matmuls the
    unit cannot run on the host (false: report them as errors).
    """

    name = "convert-linalg-to-mxu"

    preset: str = "edge"
    config: str = ""
    rows: int = 0
    cols: int = 0
    dataflow: str = "ws"
    host_fallback: bool = True

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.dataflow not in DATAFLOWS:
            raise CompileError(f"'dataflow' must be ws or os, not '{self.dataflow}'")
        try:
            config = load_config(self.preset, self.config, self.rows, self.cols)
        except ConfigError as error:
            raise CompileError(str(error)) from None
        rewriter = Rewriter()
        matmuls = [o for o in op.walk() if isinstance(o, MatmulOp | BatchMatmulOp)]
        for matmul in matmuls:
            reason = _reason(matmul)
            if reason is not None:
                if not self.host_fallback:
                    raise CompileError(f"cannot lower '{matmul.name}' to the mxu: {reason}", matmul)
                continue
            _convert(matmul, config, self.dataflow, rewriter)
