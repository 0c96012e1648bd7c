"""Everything ziggurat assumes about xDSL beyond its public API, in one place.

ziggurat's parser re-words xDSL's errors and points them where an MLIR user
looks, which needs hooks xDSL keeps private: methods of `Parser` to override,
parser state to read, the affine expression parser, and the wording of the
errors to re-word. This module gives each a public name; nothing else in
ziggurat touches a private xDSL name or matches xDSL's error text. When the
`xdsl` pin moves, `tests/unit/test_xdsl_compat.py` (the first tests
`make unit` runs) checks every assumption made here and names the one that broke.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, MemRefType, UnrankedMemRefType
from xdsl.ir import Attribute, Block, Operation, TypeAttribute
from xdsl.ir.affine import AffineExpr
from xdsl.irdl import IRDLOperation
from xdsl.irdl.declarative_assembly_format import FormatProgram
from xdsl.parser import Parser
from xdsl.parser.affine_parser import AffineParser
from xdsl.printer import Printer
from xdsl.utils.mlir_lexer import MLIRLexer, MLIRToken

OpT = TypeVar("OpT", bound=IRDLOperation)


class Wording:
    """How xDSL words the errors ziggurat re-words (prefixes, suffixes, patterns)."""

    UNDEFINED_VALUES = "values used but not"
    TRAILING_INPUT = "Could not parse entire input!"
    UNDEFINED_ALIAS = "undefined symbol alias"
    NOT_REGISTERED = "is not registered"
    FLOAT_FOR_INTEGER = "Floating point value is not valid"
    MISSING_BLOCK = "region ends with missing block"
    UNEXPECTED_CHARACTER = "Unexpected character: "
    UNTERMINATED_STRING = "End of file reached before closing string literal"
    WHOLE_LITERAL = (
        "Shape mismatch",
        "Expected at least one element",
        "Tensor literal has inconsistent ranks",
    )
    """Errors about a whole `dense<...>` literal, raised once it has been read."""
    UNEXPECTED_ATTRIBUTE = re.compile(r"Unexpected attribute (.+)$")
    """How a constraint rejects a type or attribute while an op is parsed."""


STRING_LITERAL = re.compile(r'"(?:[^"\\\n\v\f]++|\\(?:["nt\\]|[0-9A-Fa-f]{2}))*+"')
"""MLIR's string literal: xDSL's pattern without its nested backtracking.

xDSL 0.74 writes it as `"(?:[^"...]+|...)*"`, which takes exponential time to
fail on an unterminated string that runs on (a stray `"` in a signature hung
the parser); possessive quantifiers make the same language fail in linear time.
"""

MLIRLexer._unescaped_characters_regex = STRING_LITERAL  # pyright: ignore[reportPrivateUsage]


class ExtensibleParser(Parser):
    """xDSL's `Parser` with its private extension points under public names.

    A subclass overrides the `parse_*`/`lookup_op` hooks below (each defaults
    to xDSL's behaviour) and reads `current_token` and `dialect_stack`.
    """

    @property
    def current_token(self) -> MLIRToken:
        return self._current_token

    @property
    def dialect_stack(self) -> list[str]:
        return self._parser_state.dialect_stack

    # Hooks, each the public face of one private method.

    def lookup_op(self, name: str) -> type[Operation]:
        """The op class for `name`; raise if there is none."""
        return super()._get_op_by_name(name)

    def parse_region_block(self) -> Block:
        """One block of a region (xDSL calls it whenever a region is not yet closed)."""
        return super()._parse_block()

    def parse_alias_definition(self) -> None:
        """`#name = ...` or `!name = ...` at the top level."""
        super()._parse_alias_def()

    def parse_dialect_type_or_attribute(self, name: str, is_type: bool) -> Attribute:
        """`!dialect.name<...>` or `#dialect.name<...>`, after the sigil and name."""
        return super()._parse_extended_type_or_attribute(name, is_type)

    def parse_dense_literal(self) -> DenseIntOrFPElementsAttr:
        """`dense<...> : type`, after the keyword."""
        return super()._parse_builtin_dense_attr()

    def parse_optional_integer_or_float_type(self) -> TypeAttribute | None:
        return super()._parse_optional_integer_or_float_type()

    def parse_memref_body(self) -> MemRefType | UnrankedMemRefType:
        """`<shape x type, layout, space>` after `memref`."""
        return super()._parse_memref_attrs()

    # The private methods, routed to the hooks.

    def _get_op_by_name(self, name: str) -> type[Operation]:
        return self.lookup_op(name)

    def _parse_block(self) -> Block:
        return self.parse_region_block()

    def _parse_alias_def(self) -> None:
        self.parse_alias_definition()

    def _parse_extended_type_or_attribute(  # pyright: ignore[reportIncompatibleMethodOverride]
        self, attr_or_dialect_name: str, is_type: bool
    ) -> Attribute:
        return self.parse_dialect_type_or_attribute(attr_or_dialect_name, is_type)

    def _parse_builtin_dense_attr(self) -> DenseIntOrFPElementsAttr:
        return self.parse_dense_literal()

    def _parse_optional_integer_or_float_type(self) -> TypeAttribute | None:
        return self.parse_optional_integer_or_float_type()

    def _parse_memref_attrs(self) -> MemRefType | UnrankedMemRefType:
        return self.parse_memref_body()


PRIVATE_HOOKS: dict[str, str] = {
    "_get_op_by_name": "lookup_op",
    "_parse_block": "parse_region_block",
    "_parse_alias_def": "parse_alias_definition",
    "_parse_extended_type_or_attribute": "parse_dialect_type_or_attribute",
    "_parse_builtin_dense_attr": "parse_dense_literal",
    "_parse_optional_integer_or_float_type": "parse_optional_integer_or_float_type",
    "_parse_memref_attrs": "parse_memref_body",
}
"""Each private `Parser` method `ExtensibleParser` routes, and the hook it calls."""


def current_token(parser: Parser) -> MLIRToken:
    """The token `parser` is looking at (any parser, not only an `ExtensibleParser`)."""
    return parser._current_token  # pyright: ignore[reportPrivateUsage]


def affine_expr_parser(
    parser: Parser, parse_optional_id: Callable[[], AffineExpr | None]
) -> Callable[[], AffineExpr]:
    """A function reading one affine expression at `parser`'s position.

    `parse_optional_id` reads a dimension or symbol written as an SSA name (the
    syntax of `affine.load` indices), or returns None. The affine parser shares
    `parser`'s state, so `current_token(parser)` is the token it looks at.
    """
    affine = AffineParser(parser._parser_state)  # pyright: ignore[reportPrivateUsage]
    return lambda: affine._parse_affine_expr(parse_optional_id)  # pyright: ignore[reportPrivateUsage]


def with_assembly_format(fmt: str) -> Callable[[type[OpT]], type[OpT]]:
    """Give a subclass of an xDSL op the declarative syntax `fmt`.

    `irdl_op_definition` cannot run again on a subclass of a defined op (its
    fields are accessors by then), so the format is compiled against the
    parent's op definition, which the subclass shares.
    """

    def decorate(cls: type[OpT]) -> type[OpT]:
        program = FormatProgram.from_str(fmt, cls.get_irdl_definition())

        def parse(op_cls: type[OpT], parser: Parser) -> OpT:
            return program.parse(parser, op_cls)

        def print_(op: OpT, printer: Printer) -> None:
            program.print(printer, op)

        cls.parse = classmethod(parse)  # pyright: ignore[reportAttributeAccessIssue]
        cls.print = print_  # pyright: ignore[reportAttributeAccessIssue]
        cls.assembly_format = fmt
        return cls

    return decorate


__all__ = [
    "PRIVATE_HOOKS",
    "ExtensibleParser",
    "Wording",
    "affine_expr_parser",
    "current_token",
    "with_assembly_format",
]
