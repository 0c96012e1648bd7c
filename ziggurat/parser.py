"""An xDSL parser that records where each operation came from, and says where input is wrong.

xDSL only attaches locations written as `loc(...)`. Ziggurat attaches a
`FileLineColLoc` to every parsed op, as `mlir-opt` does, so that verifiers,
passes and emitters can point at the user's source line.

Errors are `ParseError`s whose span points where an MLIR user would look: at the
literal that does not fit its type, at the unknown op's name, at the first use of
an undefined value, at the end of the last line when the file stops early. All of
that work happens once an error is raised; parsing valid input costs the same as
with xDSL's parser, plus O(1) per op, attribute and type.

The hooks it overrides and the xDSL error wording it matches come from
`ziggurat.xdsl_compat`, the one module that knows xDSL's internals.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from bisect import bisect_right
from typing import TypeGuard, cast

from xdsl.context import Context
from xdsl.dialects.builtin import (
    UNKNOWN_LOC,
    AffineMapAttr,
    AnyDenseElement,
    DenseIntOrFPElementsAttr,
    FileLineColLoc,
    FloatAttr,
    IntAttr,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    RankedStructure,
    StringAttr,
    UnrankedMemRefType,
)
from xdsl.ir import Attribute, Block, Operation, TypeAttribute
from xdsl.utils.exceptions import DiagnosticException, MultipleSpansParseError, ParseError
from xdsl.utils.lexer import Input, Span
from xdsl.utils.mlir_lexer import MLIRTokenKind

from ziggurat.elements import DenseType, HexError, canonical, from_mlir_bytes, splat
from ziggurat.xdsl_compat import ExtensibleParser, Wording

MAX_INTEGER_WIDTH = (1 << 24) - 1
"""The widest integer type MLIR accepts (`i16777215`)."""

MAX_DIMENSION = (1 << 63) - 1
"""Shape dimensions are signed 64-bit integers in MLIR."""

_USER_ERRORS = (DiagnosticException, ValueError, OverflowError)
"""Exceptions that builders and verifiers raise to reject what the user wrote."""

_HEX = re.compile(r"0x(?:[0-9A-Fa-f]{2})*")
"""The payload of a hex dense literal: `0x` and whole bytes."""

_OP_NAME = re.compile(r'(?:%[^=]*=\s*)?"?([A-Za-z_][\w$.]*)')


class ParserCrash(ParseError):
    """A custom parser failed with an unexpected exception (its `__cause__`).

    It is still reported at the op being parsed; tools re-raise the cause under
    `--debug` so that the parser's author can see the traceback.
    """


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def _is_text(span: Span[str] | Span[bytes]) -> TypeGuard[Span[str]]:
    """Whether `span` is in text (what this parser reads) rather than bytes."""
    return isinstance(span.input.content, str)


def _describe(span: Span[str] | Span[bytes]) -> str:
    """How a token is named in a message: quoted, shortened, or 'end of file'."""
    if span.start >= len(span.input):
        return "end of file"
    text = span.text
    if len(text) > 24:
        text = text[:21] + "..."
    return f"'{text}'"


class LocatedParser(ExtensibleParser):
    """Parses MLIR text; every op gets the line and column where it starts."""

    def __init__(self, ctx: Context, source: str, name: str = "<stdin>", line_offset: int = 0):
        super().__init__(ctx, source, name)
        self._filename = StringAttr(name)
        self._line_offset = line_offset
        self._line_starts = [0]
        find = source.find
        pos = find("\n")
        while pos != -1:
            self._line_starts.append(pos + 1)
            pos = find("\n", pos + 1)

    def at_end(self) -> bool:
        """Whether only whitespace and comments are left."""
        return self.current_token.kind == MLIRTokenKind.EOF

    def _span(self, start: int, end: int | None = None) -> Span:
        return Span(start, start + 1 if end is None else end, self.lexer.input)

    def _file_loc(self, start: int) -> FileLineColLoc:
        line = bisect_right(self._line_starts, start)
        col = start - self._line_starts[line - 1] + 1
        return FileLineColLoc(self._filename, IntAttr(line + self._line_offset), IntAttr(col))

    def _offset_of(self, loc: FileLineColLoc) -> int | None:
        """Where a location of this file starts in the text, if it is one of ours."""
        line = loc.line.data - self._line_offset
        if loc.filename != self._filename or not 1 <= line <= len(self._line_starts):
            return None
        return self._line_starts[line - 1] + loc.column.data - 1

    # Operations

    def parse_operation(self) -> Operation:
        start = self.current_token.span.start
        try:
            op = super().parse_operation()
        except ParseError:
            raise
        except RecursionError:
            raise ParseError(self._span(start), "operations are nested too deeply") from None
        except Exception as error:
            # An op's custom parser or builder rejected what it read.
            raise self._op_failure(start, error) from error
        if op.location is UNKNOWN_LOC:
            op.location = self._file_loc(start)
        return op

    def _op_failure(self, start: int, error: Exception) -> ParseError:
        match = _OP_NAME.match(self.lexer.input.content, start)
        name = match.group(1) if match else None
        message = _first_line(error)
        if unexpected := Wording.UNEXPECTED_ATTRIBUTE.match(message):
            message = f"does not accept '{unexpected.group(1)}' here ({message})"
        if name is not None and not message.startswith(f"'{name}'"):
            message = f"'{name}' op {message}"
        if isinstance(error, _USER_ERRORS) or type(error) is Exception:
            return ParseError(self._span(start), message)
        return ParserCrash(
            self._span(start), f"{message} ({type(error).__name__} in the op's parser)"
        )

    def lookup_op(self, name: str) -> type[Operation]:
        op_type = self.ctx.get_optional_op(name, dialect_stack=self.dialect_stack)
        if op_type is not None:
            return op_type
        raise self._unknown_op(name)

    def _unknown_op(self, name: str) -> ParseError:
        """Name the unknown op where it is written, with the closest known names."""
        content = self.lexer.input.content
        start = content.rfind(name, 0, self.current_token.span.start)
        if start > 0 and content[start - 1] == '"':
            start -= 1
        span = self._span(max(start, 0), max(start, 0) + len(name))
        dialect, dot, _ = name.partition(".")
        if not dot:
            scope = self.dialect_stack[-1]
            return ParseError(span, f"custom op '{name}' is unknown (tried '{scope}.{name}' too)")
        if dialect not in self.ctx.registered_dialect_names:
            return ParseError(
                span,
                f"operation '{name}' belongs to unknown dialect '{dialect}' "
                "(--allow-unregistered-dialect accepts it)",
            )
        # Compare without the dialect prefix, which every candidate shares.
        prefix = dialect + "."
        known = [op.name[len(prefix) :] for op in self.ctx.loaded_ops if op.name.startswith(prefix)]
        close = difflib.get_close_matches(name[len(prefix) :], known, 3)
        hint = f"; did you mean {', '.join(repr(prefix + c) for c in close)}?" if close else ""
        return ParseError(span, f"dialect '{dialect}' has no operation '{name}'{hint}")

    def parse_region_block(self) -> Block:
        # xDSL calls this whenever a region is not closed by `}`.
        token = self.current_token
        if token.kind != MLIRTokenKind.CARET_IDENT:
            if token.kind == MLIRTokenKind.EOF:
                self.raise_error("expected '}' to close the region before the end of file")
            found = _describe(token.span)
            self.raise_error(f"expected an operation or '}}' to close the region, found {found}")
        block = super().parse_region_block()
        # Remember where a block that was referenced before its label is defined, so
        # that a second label with its name is reported as such.
        self.blocks[token.text[1:]] = (block, token.span)
        return block

    def parse_module(self, allow_implicit_module: bool = True) -> ModuleOp:
        try:
            module = super().parse_module(allow_implicit_module)
        except ParseError as error:
            if self.forward_ssa_references and error.msg.startswith(Wording.UNDEFINED_VALUES):
                raise self._undefined_value() from None
            if error.msg == Wording.TRAILING_INPUT:
                found = _describe(error.span)
                hint = " without a matching '{'" if found == "'}'" else ""
                raise ParseError(
                    error.span, f"expected an operation, found {found}{hint}"
                ) from None
            raise
        if module.location is UNKNOWN_LOC:
            module.location = self._file_loc(0)
        return module

    def empty_module(self) -> ModuleOp:
        """The module of a file with no ops, located at its start like any implicit module.

        An error about the module as a whole (nothing to run, say) then still
        names the file.
        """
        module = ModuleOp([])
        module.location = self._file_loc(0)
        return module

    def _undefined_value(self) -> ParseError:
        """Point at the first use of a value that is never defined."""
        first: tuple[int, str] | None = None
        for name, references in self.forward_ssa_references.items():
            for value in references.values():
                for use in value.uses:
                    loc = use.operation.location
                    offset = self._offset_of(loc) if isinstance(loc, FileLineColLoc) else None
                    if offset is not None and (first is None or offset < first[0]):
                        first = (offset, name)
        if first is None:
            names = ", ".join("%" + name for name in self.forward_ssa_references)
            return ParseError(self.current_token.span, f"values used but not defined: {names}")
        offset, name = first
        use = re.compile(re.escape("%" + name) + r"(?![\w$.-])").search(
            self.lexer.input.content, offset
        )
        start = use.start() if use else offset
        return ParseError(
            self._span(start, start + len(name) + 1), f"use of undeclared SSA value '%{name}'"
        )

    # Attributes and types: errors point at the literal, not after it.

    def parse_alias_definition(self) -> None:
        token = self.current_token
        if token.text in self.attribute_aliases:
            self.raise_error(f"redefinition of alias '{token.text}'", token.span)
        super().parse_alias_definition()

    def parse_dialect_type_or_attribute(self, name: str, is_type: bool) -> Attribute:
        after = self.current_token.span.start
        try:
            return super().parse_dialect_type_or_attribute(name, is_type)
        except ParseError as error:
            alias = error.msg.startswith(Wording.UNDEFINED_ALIAS)
            if not alias and not error.msg.endswith(Wording.NOT_REGISTERED):
                raise
            sigil, kind = ("!", "type") if is_type else ("#", "attribute")
            start = self.lexer.input.content.rfind(sigil + name, 0, after)
            span = self._span(start, after) if start >= 0 else error.span
            if alias:
                message = f"undefined {kind} alias '{sigil}{name}'"
            else:
                full_name = error.msg.split("'")[1]
                dialect = full_name.partition(".")[0]
                message = f"unknown {kind} '{sigil}{full_name}'"
                if dialect not in self.ctx.registered_dialect_names:
                    message += f" (no dialect '{dialect}' is registered)"
            raise ParseError(span, message) from None

    def parse_optional_builtin_int_or_float_attr(self) -> IntegerAttr | FloatAttr | None:
        token = self.current_token
        try:
            return super().parse_optional_builtin_int_or_float_attr()
        except ParseError as error:
            if error.msg.startswith(Wording.FLOAT_FOR_INTEGER):
                raise ParseError(
                    token.span, "floating point value is not valid for an integer type"
                ) from None
            raise
        except _USER_ERRORS as error:
            raise ParseError(token.span, _first_line(error)) from None

    def parse_dense_literal(self) -> DenseIntOrFPElementsAttr:
        opening = self.current_token.span.start
        try:
            return super().parse_dense_literal()
        except ParseError as error:
            if not error.msg.startswith(Wording.WHOLE_LITERAL):
                raise
            message = error.msg
        except _USER_ERRORS as error:
            message = _first_line(error)
        start = self.lexer.input.content.rfind("dense", 0, opening)
        raise ParseError(self._span(start, start + 5), message) from None

    def parse_dense_int_or_fp_elements_attr(
        self, type: RankedStructure[AnyDenseElement] | None
    ) -> DenseIntOrFPElementsAttr:
        """`<...>` (and `: type` when `type` is None) after `dense`.

        A splat is read without expanding it (O(1) whatever the shape), a hex
        literal as MLIR's raw storage; a list as xDSL reads it, then made a splat
        if all its elements are the same (see `ziggurat.elements`).
        """
        opening = self.current_token.span.start
        self.parse_punctuation("<", " in dense attribute")
        token = self.current_token
        if token.kind in (MLIRTokenKind.L_SQUARE, MLIRTokenKind.GREATER):
            self.resume_from(opening)
            return canonical(super().parse_dense_int_or_fp_elements_attr(type))
        keyword = self.lexer.input.content.rfind("dense", 0, opening)
        at_keyword = self._span(keyword, keyword + 5) if keyword >= 0 else token.span
        if token.kind == MLIRTokenKind.STRING_LIT:
            text = self.parse_str_literal()
            self.parse_punctuation(">", " in dense attribute")
            shaped = self._dense_type(type)
            if _HEX.fullmatch(text) is None:
                self.raise_error(
                    "expected string containing hex digits starting with `0x`", token.span
                )
            try:
                return from_mlir_bytes(shaped, bytes.fromhex(text[2:]))
            except HexError as error:
                raise ParseError(at_keyword, str(error)) from None
        convert = self.parse_dense_element()
        self.parse_punctuation(">", " in dense attribute")
        shaped = self._dense_type(type)
        value = convert(shaped.get_element_type())
        try:
            return splat(shaped, value)
        except _USER_ERRORS as error:
            raise ParseError(at_keyword, _first_line(error)) from None

    def _dense_type(self, type: RankedStructure[AnyDenseElement] | None) -> DenseType:
        if type is not None:
            return type
        self.parse_punctuation(":", " in dense attribute")
        return cast(DenseType, self.parse_dense_literal_type())

    def parse_shape_dimension(self, allow_dynamic: bool = True) -> int:
        token = self.current_token
        dim = super().parse_shape_dimension(allow_dynamic)
        if dim > MAX_DIMENSION:
            self.raise_error(
                f"dimension {token.text} is too large (the limit is 2**63 - 1)", token.span
            )
        return dim

    def parse_optional_integer_or_float_type(self) -> TypeAttribute | None:
        token = self.current_token
        parsed = super().parse_optional_integer_or_float_type()
        if isinstance(parsed, IntegerType) and parsed.width.data > MAX_INTEGER_WIDTH:
            self.raise_error(f"integer bitwidth is limited to {MAX_INTEGER_WIDTH} bits", token.span)
        return parsed

    def parse_memref_body(self) -> MemRefType | UnrankedMemRefType:
        inner = self.current_token.span.start
        memref = super().parse_memref_body()
        if isinstance(memref, MemRefType) and isinstance(memref.layout, AffineMapAttr):
            dims = memref.layout.data.num_dims
            if dims != memref.get_num_dims():
                start = self.lexer.input.content.rfind("memref", 0, inner)
                self.raise_error(
                    f"memref layout mismatch between rank and affine map: "
                    f"{memref.get_num_dims()} != {dims}",
                    self._span(start, start + 6),
                )
        return memref


def explain(error: ParseError) -> ParseError:
    """Reword xDSL's lexer errors and move end-of-file errors back onto the text.

    As in mlir-opt, an error at the end of the file is shown at the end of the
    last line with code on it, which is where something is missing.
    """
    span = error.span
    assert _is_text(span)
    content = span.input.content
    message = error.msg
    if isinstance(error, MultipleSpansParseError) and message.startswith(
        Wording.MISSING_BLOCK
    ):
        reference = error.refs[0][0]
        return ParseError(reference, f"reference to an undefined block '{reference.text}'")
    if message.startswith(Wording.UNEXPECTED_CHARACTER):
        return ParseError(span, f"unexpected character {content[span.start]!r}")
    if message.startswith(Wording.UNTERMINATED_STRING):
        return _explain_string(span)
    if span.start >= len(content):
        end = _end_of_code(content)
        return dataclasses.replace(error, span=Span(end, end, span.input))
    return error


def _explain_string(span: Span) -> ParseError:
    """Say why the string literal starting at `span` does not lex."""
    content = span.input.content
    assert isinstance(content, str)
    pos = span.start + 1
    while pos < len(content):
        char = content[pos]
        if char == '"':
            break
        if char in "\n\v\f":
            return ParseError(span, "expected '\"' to close the string literal on this line")
        if char == "\\":
            escape = content[pos + 1 : pos + 3]
            if escape[:1] in ('"', "n", "t", "\\"):
                pos += 2
                continue
            if len(escape) == 2 and all(c in "0123456789abcdefABCDEF" for c in escape):
                pos += 3
                continue
            return ParseError(
                Span(pos, pos + 2, span.input),
                f"unknown escape sequence '\\{escape[:1]}' in string literal",
            )
        pos += 1
    return ParseError(span, "expected '\"' to close the string literal")


def _end_of_code(content: str) -> int:
    """The position just after the last character that is not blank or a comment."""
    end = len(content)
    while end > 0:
        line_start = content.rfind("\n", 0, end) + 1
        line = content[line_start:end]
        comment = line.find("//")
        if comment != -1:
            line = line[:comment]
        code = line.rstrip()
        if code:
            return line_start + len(code)
        end = line_start - 1
    return len(content)


def parse_module(
    ctx: Context, source: str, name: str = "<stdin>", line_offset: int = 0
) -> ModuleOp:
    """Parse a whole file; an empty one is an empty module, as in mlir-opt.

    Every failure is a `ParseError` at the place to show the user (a
    `ParserCrash` when a parser failed unexpectedly).
    """
    parser: LocatedParser | None = None
    try:
        parser = LocatedParser(ctx, source, name, line_offset)
        return parser.empty_module() if parser.at_end() else parser.parse_module()
    except ParseError as error:
        raise explain(error) from error.__cause__
    except RecursionError:
        raise ParseError(_span_at(parser, source, name), "input is nested too deeply") from None
    except _USER_ERRORS as error:
        # Outside any op, e.g. an attribute alias whose value does not verify.
        raise ParseError(_span_at(parser, source, name), _first_line(error)) from None
    except Exception as error:
        raise ParserCrash(
            _span_at(parser, source, name), f"{_first_line(error)} ({type(error).__name__})"
        ) from error


def _span_at(parser: LocatedParser | None, source: str, name: str) -> Span:
    if parser is None:
        return Span(0, 0, Input(source, name))
    return parser.current_token.span
