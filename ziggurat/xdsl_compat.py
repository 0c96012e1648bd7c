"""Everything ziggurat assumes about xDSL beyond its public API, in one place.

ziggurat's parser re-words xDSL's errors and points them where an MLIR user
looks, which needs hooks xDSL keeps private: methods of `Parser` to override,
parser state to read, the affine expression parser, and the wording of the
errors to re-word. This module gives each a public name; nothing else in
ziggurat touches a private xDSL name or matches xDSL's error text. When the
`xdsl` pin moves, `tests/unit/test_xdsl_compat.py` (the first tests
`make unit` runs) checks every assumption made here and names the one that broke.

Dense elements (`ziggurat.elements`) need two more: a subclass of xDSL's
`DenseIntOrFPElementsAttr`, which xDSL marks final at run time, and the
builtin printer of dense literals, replaced so that every printer (an op's
custom syntax included) prints them as MLIR does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from xdsl.dialects.builtin import (
    AnyDenseElement,
    DenseIntOrFPElementsAttr,
    MemRefType,
    UnrankedMemRefType,
)
from xdsl.ir import Attribute, Block, Operation, TypeAttribute
from xdsl.ir.affine import AffineExpr
from xdsl.irdl import IRDLOperation
from xdsl.irdl.constraints import AnyOf, VerificationContext
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

    # Helpers for reading `dense<...>` without expanding a splat.

    def parse_dense_element(self) -> Callable[[AnyDenseElement], Any]:
        """Read one element of a tensor literal; convert it once the element type is known.

        The conversion raises xDSL's errors (an integer expected, a negative
        value for an unsigned type, ...) at the element.
        """
        element = self._parse_tensor_literal_element()
        return lambda element_type: element.to_type(self, element_type)

    def parse_dense_literal_type(self) -> Attribute:
        """The type after `dense<...> :`, checked to be a static shaped type of numbers."""
        return self._parse_dense_literal_type()

    def resume_from(self, pos: int) -> None:
        """Go back to the token that starts at `pos`."""
        self._resume_from(pos)

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


_FINAL_SUBCLASSES: dict[type, type] = {}
"""Each subclass `subclassing_final` allowed, and the final class it derives from."""


@contextmanager
def subclassing_final(cls: type) -> Iterator[None]:
    """Allow subclasses of `cls`, which xDSL's `runtime_final` forbids, to be defined.

    `runtime_final` works by an `__init_subclass__` that raises; it is lifted
    while the block runs and put back after, so that `cls` stays final for
    everyone else (and the subclasses inherit the ban). xDSL's `AnyOf`
    constraint picks the alternative to check by the exact class of an
    attribute, which final classes make safe; the subclasses defined here are
    checked as `cls` is.
    """
    before = set(cls.__subclasses__())
    saved = cls.__dict__["__init_subclass__"]
    delattr(cls, "__init_subclass__")
    try:
        yield
    finally:
        cls.__init_subclass__ = saved
        for subclass in set(cls.__subclasses__()) - before:
            _FINAL_SUBCLASSES[subclass] = cls


_any_of_verify = AnyOf.verify


def _verify_any_of(
    self: AnyOf[Attribute], attr: Attribute, constraint_context: VerificationContext
) -> None:
    base = _FINAL_SUBCLASSES.get(attr.__class__)
    if base is not None:
        constr = self._based_constrs.get(base)  # pyright: ignore[reportPrivateUsage]
        if constr is not None:
            constr.verify(attr, constraint_context)
            return
    _any_of_verify(self, attr, constraint_context)


AnyOf.verify = _verify_any_of


DENSE_PRINTER = "print_without_type"
"""The method of `DenseIntOrFPElementsAttr` that prints `dense<...>` without its type."""


def replace_dense_printer(
    print_without_type: Callable[[DenseIntOrFPElementsAttr, Printer], None],
) -> None:
    """Print every `dense<...>` (without its type) with `print_without_type`.

    xDSL's `Printer` prints a builtin attribute through its `print_builtin`,
    which prints the literal with `print_without_type` and then the type; ops
    whose syntax elides the type (`memref.global`) call `print_without_type`.
    """
    setattr(DenseIntOrFPElementsAttr, DENSE_PRINTER, print_without_type)


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
    "DENSE_PRINTER",
    "PRIVATE_HOOKS",
    "ExtensibleParser",
    "Wording",
    "affine_expr_parser",
    "current_token",
    "replace_dense_printer",
    "subclassing_final",
    "with_assembly_format",
]
