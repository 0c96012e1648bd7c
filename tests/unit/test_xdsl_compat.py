"""What ziggurat assumes about xDSL's internals, one assumption per test.

xDSL's API changes between releases, and ziggurat's parser leans on parts of it
that are not public: private `Parser` methods it overrides, parser state it reads,
the affine expression parser, and the wording of xDSL's errors, which it matches to
re-word them MLIR's way. All of that goes through `ziggurat/xdsl_compat.py`. When
the `xdsl` pin moves, run this file first (`make unit` does): a failure here names
the assumption that broke, where a failure elsewhere would only show its symptoms.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
import tomllib
from importlib.metadata import version
from io import StringIO

import pytest
from paths import ROOT
from xdsl.context import Context
from xdsl.dialects.arith import Arith
from xdsl.dialects.builtin import Builtin, ModuleOp
from xdsl.dialects.cf import Cf
from xdsl.dialects.func import Func
from xdsl.dialects.memref import AllocOp, RankOp
from xdsl.ir import Dialect
from xdsl.ir.affine import AffineExpr
from xdsl.parser import Parser
from xdsl.utils.exceptions import ParseError, VerifyException
from xdsl.utils.mlir_lexer import MLIRLexer, MLIRTokenKind

from ziggurat import xdsl_compat as compat


def test_the_installed_xdsl_is_the_pinned_one() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = [d for d in project["dependencies"] if d.startswith("xdsl==")]
    assert pins == [f"xdsl=={version('xdsl')}"]


@pytest.mark.parametrize("name", sorted(compat.PRIVATE_HOOKS))
def test_routed_private_methods_keep_their_signature(name: str) -> None:
    theirs = getattr(Parser, name, None)
    assert theirs is not None, f"xDSL's Parser no longer has {name}"
    routed = getattr(compat.ExtensibleParser, name)
    hook = getattr(compat.ExtensibleParser, compat.PRIVATE_HOOKS[name])
    assert routed is not theirs, f"ExtensibleParser does not route {name}"
    assert list(inspect.signature(routed).parameters) == list(
        inspect.signature(theirs).parameters
    ), f"{name} changed its parameters"
    assert len(inspect.signature(hook).parameters) == len(inspect.signature(theirs).parameters)


def test_nothing_else_in_ziggurat_uses_private_xdsl_names() -> None:
    users = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "ziggurat").rglob("*.py")
        if "reportPrivateUsage" in path.read_text() and path.name != "xdsl_compat.py"
    )
    assert users == []


def _context() -> Context:
    ctx = Context()
    for dialect in (Builtin, Func, Arith, Cf):
        ctx.load_dialect(dialect)
    return ctx


def _parser(text: str) -> Parser:
    return Parser(_context(), text)


def test_parser_state_ziggurat_reads() -> None:
    parser = compat.ExtensibleParser(_context(), "func.func @f() {\n  return\n}\n")
    assert parser.current_token.kind is MLIRTokenKind.BARE_IDENT
    assert parser.current_token.span.start == 0
    assert compat.current_token(parser) is parser.current_token
    assert parser.dialect_stack == ["builtin"]
    assert isinstance(parser.lexer.input.content, str)
    assert isinstance(parser.forward_ssa_references, dict)
    assert isinstance(parser.attribute_aliases, dict)
    assert isinstance(parser.parse_module(), ModuleOp)


def test_affine_expressions_of_ssa_names() -> None:
    parser = _parser("%i * 4 + 2")

    def parse_optional_id() -> AffineExpr | None:
        if compat.current_token(parser).kind is not MLIRTokenKind.PERCENT_IDENT:
            return None
        parser.parse_unresolved_operand()
        return AffineExpr.dimension(0)

    expr = compat.affine_expr_parser(parser, parse_optional_id)()
    assert expr == AffineExpr.dimension(0) * 4 + 2


# The wording of xDSL's errors that ziggurat's parser matches and re-words.

ERRORS = {
    "undefined value": (
        "func.func @f() -> i32 {\n  return %x : i32\n}\n",
        re.escape(compat.Wording.UNDEFINED_VALUES),
    ),
    "trailing input": (
        "func.func @f() {\n  return\n}\n}\n",
        f"^{re.escape(compat.Wording.TRAILING_INPUT)}$",
    ),
    "undefined alias": (
        "func.func @f(%a: !nope) {\n  return\n}\n",
        f"^{re.escape(compat.Wording.UNDEFINED_ALIAS)}",
    ),
    "unknown dialect type": (
        "func.func @f(%a: !nope.t) {\n  return\n}\n",
        f"{re.escape(compat.Wording.NOT_REGISTERED)}$",
    ),
    "float for an integer": (
        "%x = arith.constant 1.5 : i32\n",
        f"^{re.escape(compat.Wording.FLOAT_FOR_INTEGER)}",
    ),
    "missing block": (
        "func.func @f() {\n  cf.br ^bb1\n}\n",
        f"^{re.escape(compat.Wording.MISSING_BLOCK)}",
    ),
    "unexpected character": (
        "func.func @f() {\n  \u00a7\n}\n",
        f"^{re.escape(compat.Wording.UNEXPECTED_CHARACTER)}",
    ),
    "unterminated string": (
        'func.func @f() attributes {a = "abc',
        f"^{re.escape(compat.Wording.UNTERMINATED_STRING)}",
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
    assert compat.Wording.UNEXPECTED_ATTRIBUTE.match(str(caught.value))


@pytest.mark.parametrize(
    "literal", ["dense<[[1, 2], [3]]> : tensor<2x2xi32>", "dense<[1, 2, 3]> : tensor<2xi32>"]
)
def test_whole_literal_errors_start_as_ziggurat_expects(literal: str) -> None:
    text = f'%x = "arith.constant"() <{{value = {literal}}}> : () -> tensor<2x2xi32>\n'
    with pytest.raises(ParseError) as caught:
        _parser(text).parse_module()
    assert caught.value.msg.startswith(compat.Wording.WHOLE_LITERAL), caught.value.msg


def test_a_format_compiles_against_a_defined_op() -> None:
    @compat.with_assembly_format("$source attr-dict `:` type($source)")
    class Rank(RankOp):
        pass

    text = "%m = memref.alloc() : memref<4xf32>\n%r = memref.rank %m : memref<4xf32>\n"
    ctx = _context()
    ctx.load_dialect(Dialect("memref", [Rank, AllocOp]))
    module = Parser(ctx, text).parse_module()
    assert isinstance(list(module.ops)[1], Rank)
    assert "memref.rank %m : memref<4xf32>" in str(module)


_STRINGS = ['""', '"abc"', r'"a\"b"', r'"\n\t\\"', r'"\41\ff"', '"a\nb"', r'"\q"', '"open']


@pytest.mark.parametrize("text", _STRINGS)
def test_string_literal_pattern_matches_what_xdsl_matches(text: str) -> None:
    xdsl = re.compile(r'"(?:[^"\\\n\v\f]+|\\(?:["nt\\]|[0-9A-Fa-f]{2}))*"')
    ours = compat.STRING_LITERAL.match(text)
    theirs = xdsl.match(text)
    assert (ours and ours.group()) == (theirs and theirs.group())
    assert MLIRLexer._unescaped_characters_regex is compat.STRING_LITERAL  # pyright: ignore[reportPrivateUsage]


def test_an_unterminated_string_fails_without_backtracking() -> None:
    """A hang guard, not a timing: the old pattern takes hours on this line."""
    line = 'func.func @f(%w": tensor<128x10xf32>, %b2: tensor<10xf32>, %b3: tensor<10xf32>) {\n'
    script = (
        "import sys; from ziggurat import xdsl_compat as c; "
        "assert c.STRING_LITERAL.match(sys.argv[1], 15) is None"
    )
    subprocess.run([sys.executable, "-c", script, line], check=True, timeout=60)


def test_dense_elements_attr_is_final_and_subclassing_final_lifts_it_for_one_block() -> None:
    from xdsl.dialects.builtin import DenseIntOrFPElementsAttr

    with compat.subclassing_final(DenseIntOrFPElementsAttr):

        class Allowed(DenseIntOrFPElementsAttr):
            pass

    with pytest.raises(TypeError, match="final"):
        type("Refused", (DenseIntOrFPElementsAttr,), {})

    assert issubclass(Allowed, DenseIntOrFPElementsAttr)


def test_any_of_constraints_accept_an_allowed_subclass_as_its_base() -> None:
    # xDSL picks an `AnyOf` alternative by exact class (`_based_constrs`).
    from xdsl.dialects.arith import ConstantOp
    from xdsl.dialects.builtin import TensorType, f32

    from ziggurat.elements import SplatElementsAttr, splat

    attr = splat(TensorType(f32, [8]), 1.0)
    assert isinstance(attr, SplatElementsAttr)
    ConstantOp(attr).verify()
    with pytest.raises(VerifyException):
        ConstantOp(attr, TensorType(f32, [4])).verify()


def test_the_private_dense_parser_methods_exist() -> None:
    for name in ("_parse_tensor_literal_element", "_parse_dense_literal_type", "_resume_from"):
        assert callable(getattr(Parser, name, None)), f"xDSL's Parser no longer has {name}"


def test_every_printer_prints_dense_literals_with_the_replaced_method() -> None:
    from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, TensorType, i1
    from xdsl.printer import Printer as XPrinter

    import ziggurat.elements  # noqa: F401  (installs the printer)

    assert callable(getattr(DenseIntOrFPElementsAttr, compat.DENSE_PRINTER))
    # 101 booleans: mlir-opt prints (and reads) them packed, 8 a byte.
    attr = DenseIntOrFPElementsAttr.from_list(TensorType(i1, [101]), [1] + [0] * 100)
    out = StringIO()
    XPrinter(stream=out).print_attribute(attr)
    assert out.getvalue() == 'dense<"0x01' + "00" * 12 + '"> : tensor<101xi1>'
