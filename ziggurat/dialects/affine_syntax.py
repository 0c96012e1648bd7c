"""MLIR's "affine map of SSA ids" syntax: `%m[%i, %j + 1, symbol(%n)]`.

In MLIR a bare `%x` inside such a list is a dimension and `symbol(%x)` is a
symbol. xDSL parses every `%x` as a symbol, which later passes (that rely on
dims being loop induction variables) misread; this module parses and prints
the MLIR way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from xdsl.dialects.affine import YieldOp
from xdsl.dialects.builtin import IndexType
from xdsl.ir import Attribute, Block, Region, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
    AffineSymExpr,
)
from xdsl.parser import Parser, UnresolvedOperand
from xdsl.printer import Printer
from xdsl.utils.mlir_lexer import MLIRTokenKind

from ziggurat.xdsl_compat import affine_expr_parser, current_token


@dataclass
class SSAIdSpace:
    """The dims and symbols met while parsing expressions of SSA ids.

    One space can be shared by several expression lists (the lower and upper
    bounds of an `affine.parallel`), so that they index the same operands.
    """

    dims: list[str] = field(default_factory=list[str])
    syms: list[str] = field(default_factory=list[str])
    dim_operands: list[UnresolvedOperand] = field(default_factory=list[UnresolvedOperand])
    sym_operands: list[UnresolvedOperand] = field(default_factory=list[UnresolvedOperand])

    def _dim(self, operand: UnresolvedOperand) -> AffineExpr:
        name = operand.span.text
        if name not in self.dims:
            self.dims.append(name)
            self.dim_operands.append(operand)
        return AffineExpr.dimension(self.dims.index(name))

    def _sym(self, operand: UnresolvedOperand) -> AffineExpr:
        name = operand.span.text
        if name not in self.syms:
            self.syms.append(name)
            self.sym_operands.append(operand)
        return AffineExpr.symbol(self.syms.index(name))

    def expr_parser(self, parser: Parser) -> Callable[[], AffineExpr]:
        """A function parsing one affine expression of SSA ids at `parser`."""
        def parse_optional_id() -> AffineExpr | None:
            token = current_token(parser)
            if token.kind == MLIRTokenKind.PERCENT_IDENT:
                return self._dim(parser.parse_unresolved_operand())
            if token.kind == MLIRTokenKind.BARE_IDENT and token.text == "symbol":
                parser.parse_keyword("symbol")
                parser.parse_punctuation("(")
                operand = parser.parse_unresolved_operand()
                parser.parse_punctuation(")")
                return self._sym(operand)
            return None

        return affine_expr_parser(parser, parse_optional_id)

    def map(self, exprs: Sequence[AffineExpr]) -> AffineMap:
        return AffineMap(len(self.dims), len(self.syms), tuple(exprs))

    def resolve(self, parser: Parser) -> list[SSAValue]:
        """The map operands: dims first, then symbols, all of index type."""
        return [
            parser.resolve_operand(operand, IndexType())
            for operand in (*self.dim_operands, *self.sym_operands)
        ]


def parse_map_of_ssa_ids(
    parser: Parser, delimiter: Parser.Delimiter = Parser.Delimiter.SQUARE
) -> tuple[AffineMap, list[SSAValue]]:
    """Parse `[expr, ...]` of SSA ids into a map and its operands."""
    space = SSAIdSpace()
    exprs = parser.parse_comma_separated_list(delimiter, space.expr_parser(parser))
    return space.map(exprs), space.resolve(parser)


def print_expr_of_ssa_ids(
    printer: Printer,
    expr: AffineExpr,
    dims: Sequence[SSAValue],
    syms: Sequence[SSAValue],
    strong: bool = False,
) -> None:
    """Print `expr` with `%x` for dims and `symbol(%x)` for symbols.

    Printed the way MLIR prints affine expressions: `a - b * 2` for a negative
    coefficient, `-a` for a product by -1, and parentheses around any compound
    operand of `*`, `floordiv`, `ceildiv` and `mod` (`strong` says the
    enclosing context binds tighter than `+`). The text parses back to the
    same expression tree.
    """
    match expr:
        case AffineConstantExpr(value=value):
            printer.print_string(str(value))
        case AffineDimExpr(position=position):
            printer.print_ssa_value(dims[position])
        case AffineSymExpr(position=position):
            printer.print_string("symbol(")
            printer.print_ssa_value(syms[position])
            printer.print_string(")")
        case AffineBinaryOpExpr(kind=AffineBinaryOpKind.Add, lhs=lhs, rhs=rhs):
            with _parens_if(printer, strong):
                print_expr_of_ssa_ids(printer, lhs, dims, syms)
                _print_add_rhs(printer, rhs, dims, syms)
        case AffineBinaryOpExpr(
            kind=AffineBinaryOpKind.Mul, lhs=lhs, rhs=AffineConstantExpr(value=-1)
        ):
            with _parens_if(printer, strong):
                printer.print_string("-")
                print_expr_of_ssa_ids(printer, lhs, dims, syms, strong=True)
        case AffineBinaryOpExpr(kind=kind, lhs=lhs, rhs=rhs):
            with _parens_if(printer, strong):
                print_expr_of_ssa_ids(printer, lhs, dims, syms, strong=True)
                printer.print_string(f" {kind.get_token()} ")
                print_expr_of_ssa_ids(printer, rhs, dims, syms, strong=True)
        case _:
            raise ValueError(f"unexpected affine expression {expr}")


def _print_add_rhs(
    printer: Printer, rhs: AffineExpr, dims: Sequence[SSAValue], syms: Sequence[SSAValue]
) -> None:
    """` + rhs`, or ` - x` when `rhs` is a negative constant or `x` times one.

    Parsing `a - x * c` builds `a + x * -c`, so the subtraction form is exact.
    """
    match rhs:
        case AffineConstantExpr(value=value) if value < 0:
            printer.print_string(f" - {-value}")
        case AffineBinaryOpExpr(
            kind=AffineBinaryOpKind.Mul, lhs=factor, rhs=AffineConstantExpr(value=value)
        ) if value < 0:
            printer.print_string(" - ")
            if value == -1:
                print_expr_of_ssa_ids(printer, factor, dims, syms, strong=True)
            else:
                scaled = AffineBinaryOpExpr(
                    AffineBinaryOpKind.Mul, factor, AffineConstantExpr(-value)
                )
                print_expr_of_ssa_ids(printer, scaled, dims, syms)
        case _:
            printer.print_string(" + ")
            # `+` is parsed left to right: a sum on the right needs parentheses.
            is_sum = isinstance(rhs, AffineBinaryOpExpr) and rhs.kind == AffineBinaryOpKind.Add
            print_expr_of_ssa_ids(printer, rhs, dims, syms, strong=is_sum)


@contextmanager
def _parens_if(printer: Printer, condition: bool) -> Iterator[None]:
    if condition:
        printer.print_string("(")
    yield
    if condition:
        printer.print_string(")")


def print_map_of_ssa_ids(
    printer: Printer, affine_map: AffineMap, operands: Sequence[SSAValue]
) -> None:
    """Print `[expr, ...]` for a map whose operands are dims then symbols."""
    dims = operands[: affine_map.num_dims]
    syms = operands[affine_map.num_dims :]
    with printer.in_square_brackets():
        printer.print_list(
            affine_map.results,
            lambda e: print_expr_of_ssa_ids(printer, e, dims, syms),
        )


# Regions and result types of affine.if / affine.parallel ------------------------------


def has_content(region: Region) -> bool:
    """Whether a region holds more than an empty `affine.yield`."""
    if not region.blocks:
        return False
    first = region.block.first_op
    return first is not None and not (isinstance(first, YieldOp) and not first.arguments)


def parse_optional_arrow_types(parser: Parser) -> list[Attribute]:
    """`-> type` or `-> (type, ...)`, or nothing."""
    if parser.parse_optional_punctuation("->") is None:
        return []
    if parser.parse_optional_punctuation("(") is not None:
        if parser.parse_optional_punctuation(")") is not None:
            return []
        types = parser.parse_comma_separated_list(Parser.Delimiter.NONE, parser.parse_type)
        parser.parse_punctuation(")")
        return list[Attribute](types)
    return [parser.parse_type()]


def print_types(printer: Printer, types: Sequence[Attribute], parens: bool) -> None:
    if parens:
        with printer.in_parens():
            printer.print_list(types, printer.print_attribute)
    else:
        printer.print_list(types, printer.print_attribute)


def parse_affine_region(parser: Parser, arguments: Sequence[Parser.Argument] = ()) -> Region:
    """A region whose single block gets an empty `affine.yield` if none is written."""
    region = parser.parse_region(arguments)
    if not region.blocks:
        region.add_block(Block(arg_types=[a.type for a in arguments]))
    block = region.block
    if not isinstance(block.last_op, YieldOp):
        block.add_op(YieldOp.get())
    return region
