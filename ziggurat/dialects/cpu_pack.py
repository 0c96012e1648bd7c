"""`cpu.pack`: copy a buffer into contiguous tiles, the panel layout of fast GEMM.

The layout is MLIR's `linalg.pack` layout, on buffers: each dimension named
in `inner_dims_pos` is split into (tile count, tile size), the outer
dimensions are permuted by `outer_dims_perm`, and the tiles go innermost.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import DenseArrayBase, MemRefType, i64
from xdsl.ir import Attribute, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    opt_prop_def,
    prop_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException


def packed_shape(
    source: Sequence[int],
    inner_dims_pos: Sequence[int],
    inner_tiles: Sequence[int],
    outer_dims_perm: Sequence[int],
) -> list[int]:
    """The destination shape `cpu.pack` expects for a static source shape."""
    outer = list(source)
    for dim, tile in zip(inner_dims_pos, inner_tiles, strict=True):
        outer[dim] = -(-source[dim] // tile)
    return [outer[d] for d in outer_dims_perm] + list(inner_tiles)


@irdl_op_definition
class PackOp(IRDLOperation):
    """`cpu.pack %src padding_value(%p : f32) outer_dims_perm = [1, 0]
    inner_dims_pos = [0, 1] inner_tiles = [4, 8] into %dst : memref<..> -> memref<..>`

    `dst[o..., t...] = src[i...]` where, for source dimension d at outer
    position k (`outer_dims_perm[k] = d`), `i[d] = o[k] * tile + t[j]` when d
    is `inner_dims_pos[j]` (tile `inner_tiles[j]`) and `i[d] = o[k]` otherwise;
    points past the end of `src` read `padding_value`.
    """

    name = "cpu.pack"

    source = operand_def(MemRefType)
    destination = operand_def(MemRefType)
    padding_value = opt_operand_def()
    inner_dims_pos = prop_def(DenseArrayBase.constr(i64))
    inner_tiles = prop_def(DenseArrayBase.constr(i64))
    outer_dims_perm = opt_prop_def(DenseArrayBase.constr(i64))

    def __init__(
        self,
        source: SSAValue,
        destination: SSAValue,
        inner_dims_pos: Sequence[int],
        inner_tiles: Sequence[int],
        outer_dims_perm: Sequence[int] | None = None,
        padding_value: SSAValue | None = None,
    ):
        properties: dict[str, Attribute] = {
            "inner_dims_pos": DenseArrayBase.from_list(i64, inner_dims_pos),
            "inner_tiles": DenseArrayBase.from_list(i64, inner_tiles),
        }
        if outer_dims_perm is not None:
            properties["outer_dims_perm"] = DenseArrayBase.from_list(i64, outer_dims_perm)
        super().__init__(
            operands=[source, destination, [] if padding_value is None else [padding_value]],
            properties=properties,
        )

    @property
    def dims_pos(self) -> list[int]:
        return list(self.inner_dims_pos.get_values())

    @property
    def tiles(self) -> list[int]:
        return list(self.inner_tiles.get_values())

    @property
    def perm(self) -> list[int]:
        """The outer permutation; the identity when none is given."""
        if self.outer_dims_perm is None:
            source_type = self.source.type
            assert isinstance(source_type, MemRefType)
            return list(range(source_type.get_num_dims()))
        return list(self.outer_dims_perm.get_values())

    @classmethod
    def parse(cls, parser: Parser) -> PackOp:
        source = parser.parse_unresolved_operand()
        padding = None
        if parser.parse_optional_keyword("padding_value"):
            parser.parse_punctuation("(")
            name = parser.parse_unresolved_operand()
            parser.parse_punctuation(":")
            pos = parser.pos
            padding = parser.resolve_operands([name], [parser.parse_type()], pos)[0]
            parser.parse_punctuation(")")

        def int_list() -> list[int]:
            parser.parse_punctuation("=")
            return parser.parse_comma_separated_list(
                Parser.Delimiter.SQUARE, lambda: parser.parse_integer(allow_boolean=False)
            )

        perm = None
        if parser.parse_optional_keyword("outer_dims_perm"):
            perm = int_list()
        parser.parse_keyword("inner_dims_pos")
        dims_pos = int_list()
        parser.parse_keyword("inner_tiles")
        tiles = int_list()
        parser.parse_keyword("into")
        dest = parser.parse_unresolved_operand()
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        pos = parser.pos
        types = [parser.parse_type()]
        parser.parse_punctuation("->")
        types.append(parser.parse_type())
        src, dst = parser.resolve_operands([source, dest], types, pos)
        op = cls(src, dst, dims_pos, tiles, perm, padding)
        op.attributes |= attrs
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_ssa_value(self.source)
        if self.padding_value is not None:
            printer.print_string(" padding_value(")
            printer.print_ssa_value(self.padding_value)
            printer.print_string(" : ")
            printer.print_attribute(self.padding_value.type)
            printer.print_string(")")
        if self.outer_dims_perm is not None:
            printer.print_string(f" outer_dims_perm = {self.perm}")
        printer.print_string(f" inner_dims_pos = {self.dims_pos} inner_tiles = {self.tiles}")
        printer.print_string(" into ")
        printer.print_ssa_value(self.destination)
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : ")
        printer.print_attribute(self.source.type)
        printer.print_string(" -> ")
        printer.print_attribute(self.destination.type)

    def verify_(self) -> None:
        src, dst = self.source.type, self.destination.type
        assert isinstance(src, MemRefType) and isinstance(dst, MemRefType)
        if src.element_type != dst.element_type:
            raise VerifyException(
                f"expects the same element type, got {src.element_type} and {dst.element_type}"
            )
        if self.padding_value is not None and self.padding_value.type != src.element_type:
            raise VerifyException(
                f"expects a padding value of type {src.element_type}, got {self.padding_value.type}"
            )
        shape = src.get_shape()
        if any(s < 0 for s in (*shape, *dst.get_shape())):
            raise VerifyException("expects static shapes")
        rank, dims_pos, tiles, perm = len(shape), self.dims_pos, self.tiles, self.perm
        if len(tiles) != len(dims_pos):
            raise VerifyException(
                f"expects one inner tile per inner dimension, got {len(tiles)} tiles "
                f"for {len(dims_pos)} dimensions"
            )
        if any(not 0 <= d < rank for d in dims_pos) or len(set(dims_pos)) != len(dims_pos):
            raise VerifyException(
                f"expects inner_dims_pos to name distinct source dimensions (0 to {rank - 1})"
            )
        if any(t <= 0 for t in tiles):
            raise VerifyException("expects positive inner tiles")
        if sorted(perm) != list(range(rank)):
            raise VerifyException(f"expects outer_dims_perm to be a permutation of 0 to {rank - 1}")
        if self.padding_value is None and any(
            shape[d] % t for d, t in zip(dims_pos, tiles, strict=True)
        ):
            raise VerifyException(
                "expects a padding_value: an inner tile does not divide its dimension"
            )
        want = packed_shape(shape, dims_pos, tiles, perm)
        if list(dst.get_shape()) != want:
            raise VerifyException(
                f"expects a destination of shape {'x'.join(map(str, want))}, "
                f"got {'x'.join(map(str, dst.get_shape()))}"
            )
