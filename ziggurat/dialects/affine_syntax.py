"""MLIR's "affine map of SSA ids" syntax: `%m[%i, %j + 1, symbol(%n)]`.

In MLIR a bare `%x` inside such a list is a dimension and `symbol(%x)` is a
symbol. xDSL parses every `%x` as a symbol, which later passes (that rely on
dims being loop induction variables) misread; this module parses and prints
the MLIR way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from xdsl.dialects.builtin import IndexType
from xdsl.ir import SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
    AffineSymExpr,
)
from xdsl.parser import AffineParser, Parser, UnresolvedOperand
from xdsl.printer import Printer
from xdsl.utils.mlir_lexer import MLIRTokenKind


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
        affine = AffineParser(parser._parser_state)  # pyright: ignore[reportPrivateUsage]

        def parse_optional_id() -> AffineExpr | None:
            token = affine._current_token  # pyright: ignore[reportPrivateUsage]
            if token.kind == MLIRTokenKind.PERCENT_IDENT:
                return self._dim(parser.parse_unresolved_operand())
            if token.kind == MLIRTokenKind.BARE_IDENT and token.text == "symbol":
                parser.parse_keyword("symbol")
                parser.parse_punctuation("(")
                operand = parser.parse_unresolved_operand()
                parser.parse_punctuation(")")
                return self._sym(operand)
            return None

        return lambda: affine._parse_affine_expr(parse_optional_id)  # pyright: ignore[reportPrivateUsage]

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


_PRECEDENCE = {
    AffineBinaryOpKind.Add: 1,
    AffineBinaryOpKind.Mul: 2,
    AffineBinaryOpKind.Mod: 2,
    AffineBinaryOpKind.FloorDiv: 2,
    AffineBinaryOpKind.CeilDiv: 2,
}


def print_expr_of_ssa_ids(
    printer: Printer,
    expr: AffineExpr,
    dims: Sequence[SSAValue],
    syms: Sequence[SSAValue],
    min_precedence: int = 0,
) -> None:
    """Print `expr` with `%x` for dims and `symbol(%x)` for symbols."""
    match expr:
        case AffineConstantExpr(value=value):
            printer.print_string(str(value))
        case AffineDimExpr(position=position):
            printer.print_ssa_value(dims[position])
        case AffineSymExpr(position=position):
            printer.print_string("symbol(")
            printer.print_ssa_value(syms[position])
            printer.print_string(")")
        case AffineBinaryOpExpr(kind=kind, lhs=lhs, rhs=rhs):
            precedence = _PRECEDENCE[kind]
            parens = precedence < min_precedence
            if parens:
                printer.print_string("(")
            print_expr_of_ssa_ids(printer, lhs, dims, syms, precedence)
            if kind == AffineBinaryOpKind.Add and _is_negative_constant(rhs):
                assert isinstance(rhs, AffineConstantExpr)
                printer.print_string(f" - {-rhs.value}")
            else:
                printer.print_string(f" {kind.get_token()} ")
                # The right operand of a non-commutative op needs parentheses
                # even at equal precedence.
                rhs_min = precedence if kind == AffineBinaryOpKind.Add else precedence + 1
                print_expr_of_ssa_ids(printer, rhs, dims, syms, rhs_min)
            if parens:
                printer.print_string(")")
        case _:
            raise ValueError(f"unexpected affine expression {expr}")


def _is_negative_constant(expr: AffineExpr) -> bool:
    return isinstance(expr, AffineConstantExpr) and expr.value < 0


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
