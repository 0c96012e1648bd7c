"""The `linalg` dialect: MLIR's named structured ops, made from one table.

xDSL's named ops build their hidden body with the operand types as they are,
so `i8 x i8 -> i32` or `bf16 x bf16 -> f32` fails to verify, and most of the
ops MLIR has (convolutions in 1-D and 3-D, depthwise, poolings, elementwise
math, batch_reduce_matmul, mmt4d, ...) are missing. Here every named op is a
row of a table, as in MLIR's OpDSL (`linalg_opdsl`: the language; the rows in
`linalg_contractions`, `linalg_convolutions`, `linalg_poolings` and
`linalg_elementwise`), and its class is made from its row. The few classes
that passes match by type are written out below, each bound to its row; the
others are in `NAMED_OPS`, by op name.
"""

from __future__ import annotations

from xdsl.dialects.builtin import (
    AffineMapAttr,
    ArrayAttr,
    DictionaryAttr,
    StringAttr,
)
from xdsl.dialects.linalg import Linalg as UpstreamLinalg
from xdsl.dialects.linalg import ops as xlinalg
from xdsl.dialects.linalg.attrs import IteratorType, IteratorTypeAttr
from xdsl.dialects.linalg.ops import GenericOp as UpstreamGenericOp
from xdsl.ir import Attribute
from xdsl.ir.affine import AffineExpr
from xdsl.parser import Parser
from xdsl.utils.hints import isa

from ziggurat.dialects.extend import extend_dialect
from ziggurat.dialects.linalg_body import cast_to
from ziggurat.dialects.linalg_contractions import CONTRACTIONS
from ziggurat.dialects.linalg_convolutions import CONVOLUTIONS
from ziggurat.dialects.linalg_elementwise import ELEMENTWISE
from ziggurat.dialects.linalg_opdsl import NamedOpSpec, TypeFn, TypeFnAttr, define_ops, named_op
from ziggurat.dialects.linalg_poolings import POOLINGS
from ziggurat.dialects.linalg_structured import (
    StructuredOp,
    parse_optional_operand_group,
    parse_optional_result_types,
)

TABLE: tuple[NamedOpSpec, ...] = (*CONTRACTIONS, *CONVOLUTIONS, *POOLINGS, *ELEMENTWISE)
"""Every named op, one row each."""

ROWS = {spec.name: spec for spec in TABLE}


@named_op(ROWS["matmul"])
class MatmulOp(StructuredOp, xlinalg.MatmulOp):  # pyright: ignore[reportIncompatibleVariableOverride]
    """C(m, n) += A(m, k) * B(k, n)"""


@named_op(ROWS["batch_matmul"])
class BatchMatmulOp(StructuredOp):
    """C(b, m, n) += A(b, m, k) * B(b, k, n)"""


class WindowedOp(StructuredOp):
    """A 2-D convolution over NHWC images, with strides and dilations (default 1)."""

    def input_indices(
        self, oh: AffineExpr, ow: AffineExpr, kh: AffineExpr, kw: AffineExpr
    ) -> tuple[AffineExpr, AffineExpr]:
        """The input's H and W subscripts for output (oh, ow) and kernel offset (kh, kw)."""
        (sh, sw), (dh, dw) = self.window_attrs()
        return oh * sh + kh * dh, ow * sw + kw * dw


@named_op(ROWS["conv_2d_nhwc_hwcf"])
class Conv2DNhwcHwcfOp(WindowedOp, xlinalg.Conv2DNhwc_HwcfOp):  # pyright: ignore[reportIncompatibleVariableOverride]
    """O(n, oh, ow, f) += I(n, oh*s + kh*d, ow*s + kw*d, c) * F(kh, kw, c, f)"""


@named_op(ROWS["conv_2d_nhwc_fhwc"])
class Conv2DNhwcFhwcOp(WindowedOp, xlinalg.Conv2DNhwc_FhwcOp):  # pyright: ignore[reportIncompatibleVariableOverride]
    """O(n, oh, ow, f) += I(n, oh*s + kh*d, ow*s + kw*d, c) * F(f, kh, kw, c)"""


_WRITTEN_OUT: tuple[type[StructuredOp], ...] = (
    MatmulOp,
    BatchMatmulOp,
    Conv2DNhwcHwcfOp,
    Conv2DNhwcFhwcOp,
)

NAMED_OPS: dict[str, type[StructuredOp]] = {op.SPEC.name: op for op in _WRITTEN_OUT} | define_ops(
    StructuredOp,
    [spec for spec in TABLE if spec.name not in {op.SPEC.name for op in _WRITTEN_OUT}],
    __name__,
)
"""The class of every row of the table, by op name (without `linalg.`)."""


class GenericOp(UpstreamGenericOp):
    """`linalg.generic`; MLIR writes several result types in parentheses.

    xDSL reads `-> (t1, t2)` as the start of a function type and fails, and
    does not take the attributes from an alias (`linalg.generic #trait ins(...)`),
    so the custom form is read here; it prints as xDSL already does.
    """

    @classmethod
    def parse(cls, parser: Parser) -> GenericOp:
        pos = parser.pos
        attrs = parser.parse_optional_attr_dict()
        if not attrs:
            # `linalg.generic #trait ins(...)`: the attributes from an alias.
            trait = parser.parse_optional_attribute()
            if trait is not None and not isinstance(trait, DictionaryAttr):
                parser.raise_error("expected a dictionary of attributes (a #trait)", pos)
            if isinstance(trait, DictionaryAttr):
                attrs = dict(trait.data)
        maps = attrs.pop("indexing_maps", None)
        iterators = attrs.pop("iterator_types", None)
        if not isa(maps, ArrayAttr[AffineMapAttr]):
            parser.raise_error("expected 'indexing_maps', an array of affine maps", pos)
        if not isinstance(iterators, ArrayAttr):
            parser.raise_error("expected 'iterator_types', an array of iterator types", pos)
        kinds: list[Attribute] = []
        for kind in iterators:
            if isinstance(kind, StringAttr) and kind.data in set(IteratorType):
                kind = IteratorTypeAttr(IteratorType(kind.data))
            if not isinstance(kind, IteratorTypeAttr):
                parser.raise_error(f"unknown iterator type {kind}", pos)
            kinds.append(kind)
        doc = attrs.pop("doc", None)
        library_call = attrs.pop("library_call", None)
        for name, value in (("doc", doc), ("library_call", library_call)):
            if value is not None and not isinstance(value, StringAttr):
                parser.raise_error(f"'{name}' must be a string", pos)
        ins = parse_optional_operand_group(parser, "ins")
        outs = parse_optional_operand_group(parser, "outs")
        if parser.parse_optional_keyword("attrs"):
            parser.parse_punctuation("=")
            attrs |= parser.parse_optional_attr_dict()
        body = parser.parse_region()
        result_types = parse_optional_result_types(parser)
        assert doc is None or isinstance(doc, StringAttr)
        assert library_call is None or isinstance(library_call, StringAttr)
        op = cls(ins, outs, body, maps, kinds, result_types, doc, library_call)
        op.attributes |= attrs
        return op


Linalg = extend_dialect(
    UpstreamLinalg,
    [GenericOp, *(NAMED_OPS[spec.name] for spec in TABLE)],
    [TypeFnAttr],
)

__all__ = [
    "NAMED_OPS",
    "TABLE",
    "BatchMatmulOp",
    "Conv2DNhwcFhwcOp",
    "Conv2DNhwcHwcfOp",
    "GenericOp",
    "Linalg",
    "MatmulOp",
    "NamedOpSpec",
    "StructuredOp",
    "TypeFn",
    "TypeFnAttr",
    "WindowedOp",
    "cast_to",
]
