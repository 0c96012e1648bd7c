"""Dense constants: a splat stays one element, hex literals are MLIR's raw storage.

No test here is timed: a splat's cost shows as the size of what is stored and
printed, which must not grow with the shape.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from semantics import apply, assert_c_matches_ref, assert_preserves_semantics, parse, run
from xdsl.dialects.arith import ConstantOp
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, ModuleOp, TensorType
from xdsl.dialects.memref import GlobalOp
from xdsl.utils.exceptions import ParseError

from ziggurat.elements import (
    SplatElementsAttr,
    elements_array,
    from_mlir_bytes,
    to_mlir_bytes,
)
from ziggurat.parser import parse_module
from ziggurat.universe import load_registry

HUGE = 310_000_000

SPLAT = f"""
func.func @f() -> tensor<{HUGE}xf32> {{
  %c = arith.constant dense<1.0> : tensor<{HUGE}xf32>
  return %c : tensor<{HUGE}xf32>
}}
"""

GLOBAL_SPLAT = f"""
memref.global "private" constant @g : memref<{HUGE}xi32> = dense<7>
func.func @f() -> memref<{HUGE}xi32> {{
  %0 = memref.get_global @g : memref<{HUGE}xi32>
  return %0 : memref<{HUGE}xi32>
}}
"""


def _constants(module: ModuleOp) -> list[DenseIntOrFPElementsAttr]:
    found: list[DenseIntOrFPElementsAttr] = []
    for op in module.walk():
        value = op.properties.get("value") or op.properties.get("initial_value")
        if isinstance(op, ConstantOp | GlobalOp) and isinstance(value, DenseIntOrFPElementsAttr):
            found.append(value)
    return found


def _dense(text: str) -> DenseIntOrFPElementsAttr:
    module = parse(f"func.func @f() {{\n  %c = arith.constant {text}\n  return\n}}")
    (attr,) = _constants(module)
    return attr


@pytest.mark.parametrize("program", [SPLAT, GLOBAL_SPLAT])
def test_a_huge_splat_is_stored_and_printed_as_one_element(program: str) -> None:
    module = parse(program)
    (attr,) = _constants(module)
    assert isinstance(attr, SplatElementsAttr)
    assert len(attr.data.data) == 4
    assert len(attr) == HUGE
    printed = str(module)
    assert len(printed) < 600
    assert "dense<" in printed and ("1.000000e+00" in printed or "dense<7>" in printed)


@pytest.mark.parametrize("program", [SPLAT, GLOBAL_SPLAT])
def test_a_huge_splat_stays_one_element_through_lower_to_affine(program: str) -> None:
    module = apply(parse(program), "lower-to-affine")
    constants = _constants(module)
    assert constants
    assert all(isinstance(c, SplatElementsAttr) and len(c.data.data) == 4 for c in constants)
    assert len(str(module)) < 1000


def test_elements_of_a_splat_are_a_broadcast_view() -> None:
    attr = _dense(f"dense<2.5> : tensor<{HUGE}xf32>")
    array = elements_array(attr)
    assert array.shape == (HUGE,) and array.strides == (0,)
    assert float(array[HUGE - 1]) == 2.5


def test_a_list_of_equal_elements_is_the_same_splat() -> None:
    listed = _dense("dense<[[3, 3], [3, 3]]> : tensor<2x2xi16>")
    assert isinstance(listed, SplatElementsAttr)
    assert listed == _dense("dense<3> : tensor<2x2xi16>")
    assert listed.get_values() == (3, 3, 3, 3)


@pytest.mark.parametrize(
    ("literal", "values"),
    [
        ('dense<"0x0000803F"> : tensor<3xf32>', [1.0, 1.0, 1.0]),
        ('dense<"0x010002000300"> : tensor<3xi16>', [1, 2, 3]),
        ('dense<"0xFFFF"> : tensor<2xi16>', [-1, -1]),
        ('dense<"0x06"> : tensor<3xi1>', [0, -1, -1]),
        ('dense<"0xFF"> : tensor<20xi1>', [-1] * 20),
        ('dense<"0x0700"> : tensor<2xi3>', [-1, 0]),
        ('dense<"0xFFFFFF010000"> : tensor<2xui24>', [0xFFFFFF, 1]),
        ('dense<"0x0100000000000000"> : tensor<2x2xindex>', [1] * 4),
    ],
)
def test_hex_literals_are_mlir_raw_storage(literal: str, values: list[float]) -> None:
    attr = _dense(literal)
    assert list(attr.get_values()) == values


@pytest.mark.parametrize(
    ("literal", "message", "column"),
    [
        (
            'dense<"0x0000803F00"> : tensor<2xf32>',
            "elements hex data size is invalid for provided type: 'tensor<2xf32>'",
            23,
        ),
        ('dense<"0x0102"> : tensor<20xi1>', "hex data size is invalid", 23),
        ('dense<"0xZZ"> : tensor<2xi8>', "expected string containing hex digits", 29),
        ('dense<"0102"> : tensor<2xi8>', "expected string containing hex digits", 29),
        ("dense<300> : tensor<4xi8>", "out of range for type i8", 23),
    ],
)
def test_bad_hex_literals_are_located_errors(literal: str, message: str, column: int) -> None:
    text = f"func.func @f() {{\n  %c = arith.constant {literal}\n  return\n}}"
    with pytest.raises(ParseError) as caught:
        parse_module(load_registry().make_context(), text, "t.mlir")
    assert message in caught.value.msg
    assert caught.value.span.start == text.index("\n") + column


_TYPES = ["i1", "i8", "i16", "i32", "i64", "ui8", "i3", "i24", "ui40", "f16", "f32", "f64", "bf16"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(_TYPES), st.integers(2, 40), st.integers(0, 2**32 - 1))
def test_hex_printing_and_parsing_round_trip(element: str, count: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.integers(-3, 4, count).tolist()
    if element == "i1":
        values = ["true" if v > 0 else "false" for v in values]
    elif element.startswith("ui"):
        values = [abs(v) for v in values]
    literal = ", ".join(str(v) for v in values)
    attr = _dense(f"dense<[{literal}]> : tensor<{count}x{element}>")
    raw = to_mlir_bytes(attr)
    assert raw is not None
    again = from_mlir_bytes(TensorType(attr.get_element_type(), [count]), raw)
    assert again == attr


def test_a_large_constant_prints_in_hex_that_parses_back() -> None:
    count = 1_000_000
    data = np.random.default_rng(0).standard_normal(count).astype("<f4")
    text = (
        f"func.func @f() {{\n  %c = arith.constant "
        f'dense<"0x{data.tobytes().hex()}"> : tensor<{count}xf32>\n  return\n}}'
    )
    module = parse(text)
    (attr,) = _constants(module)
    assert np.array_equal(elements_array(attr), data)
    printed = str(module)
    # Eight hex digits an element, plus a few lines of syntax: linear in the size.
    assert 8 * count < len(printed) < 8 * count + 400
    (again,) = _constants(parse(printed))
    assert again == attr


SPLAT_PROGRAM = """
memref.global "private" constant @g : memref<64x8xf32> = dense<1.5>
memref.global "private" constant @z : memref<64x8xi32> = dense<0>
func.func @f(%a: tensor<64x8xf32>) -> tensor<64x8xf32> {
  %c = arith.constant dense<2.5> : tensor<64x8xf32>
  %e = tensor.empty() : tensor<64x8xf32>
  %r = linalg.add ins(%a, %c : tensor<64x8xf32>, tensor<64x8xf32>)
                  outs(%e : tensor<64x8xf32>) -> tensor<64x8xf32>
  return %r : tensor<64x8xf32>
}
"""


def test_ref_gives_numpys_numbers_for_a_splat_constant() -> None:
    module = parse(SPLAT_PROGRAM)
    a = np.random.default_rng(1).standard_normal((64, 8)).astype(np.float32)
    (got,) = run(module, [a])
    np.testing.assert_array_equal(got, a + np.float32(2.5))


def test_lowering_a_splat_constant_keeps_its_meaning() -> None:
    assert_preserves_semantics(SPLAT_PROGRAM, "lower-to-affine")


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc to compile the C")
def test_c_runs_a_splat_constant_as_ref_does() -> None:
    lowered = apply(parse(SPLAT_PROGRAM), "cpu-pipeline")
    assert_c_matches_ref(parse(SPLAT_PROGRAM), lowered)


def test_c_prints_a_huge_splat_global_in_a_few_lines() -> None:
    from ziggurat.targets.c.module_emit import emit_module

    text = emit_module(apply(parse(GLOBAL_SPLAT), "cpu-pipeline"))
    assert len(text) < 20_000
    assert f"i < {HUGE}L" in text
