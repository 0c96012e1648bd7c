"""`cpu-conv-to-matmul`: `linalg.conv_2d_nhwc_hwcf` on memrefs as im2col + `linalg.matmul`.

A convolution is a matmul once every output pixel's receptive field is laid out as a row:

    %cols = memref.alloc() : memref<N x OH x OW x KH x KW x C>
    linalg.generic  cols[n, oh, ow, kh, kw, c] = in[n, oh*sh + kh*dh, ow*sw + kw*dw, c]
    linalg.matmul   collapse(cols)   [N*OH*OW, KH*KW*C]
                  x collapse(filter) [KH*KW*C, F]       (HWCF is already row-major in K)
                  + collapse(out)    [N*OH*OW, F]
    memref.dealloc %cols

so `cpu-matmul-kernel`, run after this pass, gives the convolution the packed,
register-blocked GEMM. The copy costs KH*KW times the input's size in memory traffic,
small next to the matmul's 2*N*OH*OW*F*KH*KW*C operations for the channel counts of CNNs.

Only static shapes, f32 or i8 x i8 -> i32 (the element types the kernel takes), and filters
and outputs with the identity layout (so the collapses are views) are rewritten; anything
else (other conv layouts, depthwise, tensors, dynamic shapes, strided views) is left to the
ordinary lowering, which handles it.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import memref
from xdsl.dialects.builtin import (
    AffineMapAttr,
    ArrayAttr,
    Float32Type,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    NoneAttr,
    i32,
)
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.dialects.linalg.ops import YieldOp
from xdsl.ir import Block, Region, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineMap
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.rewriter import InsertPoint

from ziggurat.dialects.linalg import Conv2DNhwcHwcfOp, GenericOp, MatmulOp
from ziggurat.dialects.memref import CollapseShapeOp


def _static_identity(type_: object) -> MemRefType | None:
    """`type_` if it is a statically shaped memref with the identity (row-major) layout."""
    if not isinstance(type_, MemRefType) or type_.get_num_dims() != 4:
        return None
    if any(size < 0 for size in type_.get_shape()):
        return None
    layout = type_.layout
    if isinstance(layout, AffineMapAttr) and layout.data == AffineMap.identity(4):
        return type_
    return type_ if isinstance(layout, NoneAttr) else None


def _supported_elements(x: MemRefType, f: MemRefType, y: MemRefType) -> bool:
    """The element types `cpu-matmul-kernel` takes: all f32, or i8 x i8 -> i32."""
    elts = [t.get_element_type() for t in (x, f, y)]
    if all(isinstance(e, Float32Type) for e in elts):
        return True
    return elts == [IntegerType(8), IntegerType(8), i32]


def _collapse(value: SSAValue, groups: list[list[int]], name: str) -> CollapseShapeOp:
    """A `memref.collapse_shape` view of the identity-layout `value`."""
    source = value.type
    assert isinstance(source, MemRefType)
    shape = source.get_shape()
    sizes = [1] * len(groups)
    for k, group in enumerate(groups):
        for dim in group:
            sizes[k] *= shape[dim]
    reassociation = ArrayAttr(
        [ArrayAttr([IntegerAttr(d, IntegerType(64)) for d in g]) for g in groups]
    )
    op = CollapseShapeOp.create(
        operands=[value],
        result_types=[MemRefType(source.get_element_type(), sizes)],
        properties={"reassociation": reassociation},
    )
    op.results[0].name_hint = name
    return op


def _im2col(x: SSAValue, cols: SSAValue, conv: Conv2DNhwcHwcfOp) -> GenericOp:
    """cols[n, oh, ow, kh, kw, c] = x[n, oh*sh + kh*dh, ow*sw + kw*dw, c]: a plain copy."""
    n, oh, ow, kh, kw, c = (AffineDimExpr(i) for i in range(6))
    ih, iw = conv.input_indices(oh, ow, kh, kw)
    read = AffineMap(6, 0, (n, ih, iw, c))
    element = x.type.get_element_type()  # pyright: ignore
    block = Block(arg_types=[element, element])
    block.add_op(YieldOp(block.args[0]))
    return GenericOp(
        (x,),
        (cols,),
        Region(block),
        (AffineMapAttr(read), AffineMapAttr(AffineMap.identity(6))),
        [IteratorTypeAttr.parallel()] * 6,
    )


class _ConvToMatmul(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: Conv2DNhwcHwcfOp, rewriter: PatternRewriter) -> None:
        if op.results or len(op.inputs) != 2 or len(op.outputs) != 1:
            return
        x, f = op.inputs
        (y,) = op.outputs
        if not isinstance(x.type, MemRefType) or any(s < 0 for s in x.type.get_shape()):
            return
        f_type, y_type = _static_identity(f.type), _static_identity(y.type)
        if f_type is None or y_type is None or not _supported_elements(x.type, f_type, y_type):
            return
        batch, out_h, out_w, _ = y_type.get_shape()
        k_h, k_w, channels, _ = f_type.get_shape()
        cols_type = MemRefType(x.type.get_element_type(), [batch, out_h, out_w, k_h, k_w, channels])
        alloc = memref.AllocOp([], [], cols_type)
        cols = alloc.memref
        cols.name_hint = "im2col"
        a = _collapse(cols, [[0, 1, 2], [3, 4, 5]], "im2col_rows")
        b = _collapse(f, [[0, 1, 2], [3]], "filter_2d")
        c = _collapse(y, [[0, 1, 2], [3]], "output_2d")
        operands = [a.results[0], b.results[0]], [c.results[0]]
        matmul = MatmulOp(*operands, hidden_region=MatmulOp.get_hidden_region(*operands))
        rewriter.insert(
            [alloc, _im2col(x, cols, op), a, b, c, matmul, memref.DeallocOp.get(cols)],
            InsertPoint.before(op),
        )
        rewriter.erase(op)


@dataclass(frozen=True)
class CpuConvToMatmulPass(ModulePass):
    """Rewrite static f32 and i8xi8->i32 linalg.conv_2d_nhwc_hwcf on memrefs as im2col + matmul.

    Run before `cpu-matmul-kernel`, which turns the matmul into the packed GEMM kernel.
    """

    name = "cpu-conv-to-matmul"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(_ConvToMatmul(), apply_recursively=False).rewrite_module(op)
