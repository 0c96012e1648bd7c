"""What ziggurat assumes about xDSL's internals, one assumption per test.

xDSL's API changes between releases, and ziggurat's parser (`ziggurat/parser.py`)
and affine syntax (`ziggurat/dialects/affine_syntax.py`) lean on parts of it that are
not public: private `Parser` methods they override or call, parser state they read,
and the wording of xDSL's errors, which they match to re-word them MLIR's way. When
the `xdsl` pin moves, run this file first (`make unit` does): a failure here names
the assumption that broke, where a failure elsewhere would only show its symptoms.
"""

from __future__ import annotations

import inspect
import re
import tomllib
from importlib.metadata import version

import pytest
from paths import ROOT
from xdsl.context import Context
from xdsl.dialects.arith import Arith
from xdsl.dialects.builtin import Builtin
from xdsl.dialects.func import Func
from xdsl.parser import Parser
from xdsl.parser.affine_parser import AffineParser
from xdsl.utils.exceptions import ParseError, VerifyException
from xdsl.utils.mlir_lexer import MLIRTokenKind

from ziggurat import parser as zparser


def test_the_installed_xdsl_is_the_pinned_one() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = [d for d in project["dependencies"] if d.startswith("xdsl==")]
    assert pins == [f"xdsl=={version('xdsl')}"]


OVERRIDDEN = [
    "_get_op_by_name",
    "_parse_block",
    "_parse_alias_def",
    "_parse_extended_type_or_attribute",
    "_parse_builtin_dense_attr",
    "_parse_optional_integer_or_float_type",
    "_parse_memref_attrs",
]
"""Private `Parser` methods ziggurat's parser overrides (and calls through super())."""


@pytest.mark.parametrize("name", OVERRIDDEN)
def test_overridden_private_methods_keep_their_signature(name: str) -> None:
    theirs = getattr(Parser, name, None)
    assert theirs is not None, f"xDSL's Parser no longer has {name}"
    ours = getattr(zparser.LocatedParser, name)
    assert ours is not theirs, f"ziggurat's parser does not override {name}"
    assert list(inspect.signature(ours).parameters) == list(inspect.signature(theirs).parameters), (
        f"{name} changed its parameters"
    )


def _parser(text: str) -> Parser:
    ctx = Context()
    for dialect in (Builtin, Func, Arith):
        ctx.load_dialect(dialect)
    return Parser(ctx, text)


def test_parser_state_ziggurat_reads() -> None:
    parser = _parser("func.func @f() {\n  return\n}\n")
    token = parser._current_token  # pyright: ignore[reportPrivateUsage]
    assert token.kind is not MLIRTokenKind.EOF and token.span.start == 0
    assert parser._parser_state.dialect_stack is not None  # pyright: ignore[reportPrivateUsage]
    assert isinstance(parser.lexer.input.content, str)
    assert isinstance(parser.forward_ssa_references, dict)
    assert isinstance(parser.attribute_aliases, dict)


def test_affine_parser_is_built_from_a_parser_state() -> None:
    parser = _parser("d0 + 2")
    affine = AffineParser(parser._parser_state)  # pyright: ignore[reportPrivateUsage]
    assert callable(affine._parse_affine_expr)  # pyright: ignore[reportPrivateUsage]
    params = inspect.signature(AffineParser._parse_affine_expr).parameters  # pyright: ignore[reportPrivateUsage]
    assert len(params) == 2, "ziggurat passes one callback: how to read a dim or symbol name"


# The wording of xDSL's errors that ziggurat's parser matches and re-words.

ERRORS = {
    "undefined value": (
        "func.func @f() -> i32 {\n  return %x : i32\n}\n",
        r"^values used but not defined",
    ),
    "trailing input": ("func.func @f() {\n  return\n}\n}\n", r"^Could not parse entire input!$"),
    "undefined alias": ("func.func @f(%a: !nope) {\n  return\n}\n", r"^undefined symbol alias"),
    "unknown dialect type": (
        "func.func @f(%a: !nope.t) {\n  return\n}\n",
        r"is not registered$",
    ),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_error_wording_ziggurat_matches(case: str) -> None:
    text, pattern = ERRORS[case]
    with pytest.raises(ParseError) as caught:
        _parser(text).parse_module()
    assert re.search(pattern, caught.value.msg), caught.value.msg


def test_unexpected_attribute_wording_of_constraints() -> None:
    text = "%x = arith.constant 1.0 : f32\n%y = arith.addi %x, %x : f32\n"
    with pytest.raises(VerifyException) as caught:
        _parser(text).parse_module()
    assert zparser._UNEXPECTED_ATTRIBUTE.match(str(caught.value))  # pyright: ignore[reportPrivateUsage]


@pytest.mark.parametrize(
    ("literal", "prefix"),
    [
        ("dense<[[1, 2], [3]]> : tensor<2x2xi32>", zparser._WHOLE_LITERAL_ERRORS),  # pyright: ignore[reportPrivateUsage]
        ("dense<[1, 2, 3]> : tensor<2xi32>", zparser._WHOLE_LITERAL_ERRORS),  # pyright: ignore[reportPrivateUsage]
    ],
)
def test_whole_literal_errors_start_as_ziggurat_expects(
    literal: str, prefix: tuple[str, ...]
) -> None:
    text = f'%x = "arith.constant"() <{{value = {literal}}}> : () -> tensor<2x2xi32>\n'
    with pytest.raises(ParseError) as caught:
        _parser(text).parse_module()
    assert caught.value.msg.startswith(prefix), caught.value.msg
