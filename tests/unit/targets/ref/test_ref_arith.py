"""`arith` and `math` in the `ref` executor, against values computed by hand."""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np
import pytest
from test_ref_api import apply_op, run_ir

from ziggurat.diagnostics import CompileError

i8, i32, u8 = np.int8, np.int32, np.uint8


def binary(op: str, t: str, a, b):
    return apply_op(f"%r = arith.{op} %a0, %a1 : {t}", [t, t], t, a, b)


@pytest.mark.parametrize(
    ("op", "a", "b", "want"),
    [
        ("addi", 127, 1, -128),  # wraps around
        ("subi", -128, 1, 127),
        ("muli", 16, 16, 0),
        ("muli", -128, -1, -128),
        ("divsi", -7, 2, -3),  # toward zero, not numpy's floor (-4)
        ("divsi", 7, -2, -3),
        ("remsi", -7, 2, -1),  # sign of the dividend
        ("remsi", 7, -2, 1),
        ("floordivsi", -7, 2, -4),
        ("ceildivsi", 7, 2, 4),
        ("ceildivsi", -7, 2, -3),
        ("divui", -2, 2, 127),  # 254 / 2
        ("remui", -1, 10, 5),  # 255 % 10
        ("ceildivui", -1, 2, -128),  # ceil(255 / 2) = 128 = -128 as i8
        ("maxsi", -1, 1, 1),
        ("maxui", -1, 1, -1),  # 255 > 1
        ("minui", -1, 1, 1),
        ("minsi", -1, 1, -1),
        ("andi", 0b1100, 0b1010, 0b1000),
        ("ori", 0b1100, 0b1010, 0b1110),
        ("xori", 0b1100, 0b1010, 0b0110),
        ("shli", 1, 7, -128),
        ("shli", 1, 8, 0),
        ("shrsi", -128, 7, -1),
        ("shrui", -128, 7, 1),
    ],
)
def test_i8_integer_ops(op, a, b, want):
    r = binary(op, "i8", i8(a), i8(b))
    assert r.dtype == np.int8 and r == want


def test_i32_mul_wraps_like_twos_complement():
    assert binary("muli", "i32", i32(65536), i32(65536)) == 0
    assert binary("addi", "i32", i32(2**31 - 1), i32(1)) == -(2**31)


def test_unsigned_types_hold_unsigned_values():
    assert binary("addi", "ui8", u8(250), u8(10)) == 4


@pytest.mark.parametrize(
    ("op", "a", "b", "want"),
    [("addi", True, True, False), ("muli", True, True, True), ("subi", False, True, True)],
)
def test_i1_arithmetic_is_modulo_2(op, a, b, want):
    assert binary(op, "i1", np.bool_(a), np.bool_(b)) == want


def test_integer_division_by_zero_is_a_located_error():
    with pytest.raises(CompileError, match=r"division by zero in 'arith.divsi'") as info:
        binary("divsi", "i32", i32(1), i32(0))
    assert info.value.location is not None and info.value.location.line == 2


@pytest.mark.parametrize(
    ("predicate", "a", "b", "want"),
    [
        ("slt", -1, 1, True),
        ("ult", -1, 1, False),  # 255 < 1 is false
        ("ugt", -1, 1, True),
        ("sge", 3, 3, True),
        ("ule", 0, -1, True),
        ("ne", 2, 3, True),
    ],
)
def test_cmpi(predicate, a, b, want):
    r = apply_op(f"%r = arith.cmpi {predicate}, %a0, %a1 : i8", ["i8", "i8"], "i1", i8(a), i8(b))
    assert r.dtype == np.bool_ and r == want


def test_cmpi_on_i1_signed_reads_true_as_minus_one():
    t, f = np.bool_(True), np.bool_(False)
    assert apply_op("%r = arith.cmpi slt, %a0, %a1 : i1", ["i1", "i1"], "i1", t, f)
    assert not apply_op("%r = arith.cmpi ult, %a0, %a1 : i1", ["i1", "i1"], "i1", t, f)


NAN = np.float32("nan")


@pytest.mark.parametrize(
    ("predicate", "a", "b", "want"),
    [
        ("oeq", 1.0, 1.0, True),
        ("oeq", NAN, NAN, False),
        ("ueq", NAN, 1.0, True),
        ("one", NAN, 1.0, False),
        ("une", NAN, 1.0, True),
        ("olt", 1.0, 2.0, True),
        ("ult", NAN, 2.0, True),
        ("ord", 1.0, 2.0, True),
        ("ord", NAN, 2.0, False),
        ("uno", NAN, 2.0, True),
        ("false", 1.0, 1.0, False),
        ("true", NAN, NAN, True),
    ],
)
def test_cmpf(predicate, a, b, want):
    r = apply_op(
        f"%r = arith.cmpf {predicate}, %a0, %a1 : f32",
        ["f32", "f32"],
        "i1",
        np.float32(a),
        np.float32(b),
    )
    assert r == want


def test_maximumf_propagates_nan_and_maxnumf_does_not():
    one = np.float32(1.0)
    assert np.isnan(binary("maximumf", "f32", NAN, one))
    assert np.isnan(binary("minimumf", "f32", one, NAN))
    assert binary("maxnumf", "f32", NAN, one) == 1.0
    assert binary("minnumf", "f32", one, NAN) == 1.0


def test_maximumf_orders_signed_zeros():
    pz, nz = np.float32(0.0), np.float32(-0.0)
    assert not np.signbit(binary("maximumf", "f32", nz, pz))
    assert np.signbit(binary("minimumf", "f32", pz, nz))


def test_f32_arithmetic_rounds_in_f32():
    # 1 + 2^-30 is 1 in f32 but not in f64.
    r = binary("addf", "f32", np.float32(1.0), np.float32(2.0**-30))
    assert r.dtype == np.float32 and r == np.float32(1.0)


def test_bf16_arithmetic_rounds_in_bf16():
    bf = ml_dtypes.bfloat16
    r = binary("addf", "bf16", bf(1.0), bf(2.0**-9))
    assert r.dtype == np.dtype(bf) and float(r) == 1.0


def test_remf_is_fmod():
    assert binary("remf", "f32", np.float32(-7.5), np.float32(2.0)) == np.float32(-1.5)


@pytest.mark.parametrize(
    ("line", "types", "result", "arg", "want"),
    [
        ("%r = arith.extsi %a0 : i8 to i32", ["i8"], "i32", i8(-1), -1),
        ("%r = arith.extui %a0 : i8 to i32", ["i8"], "i32", i8(-1), 255),
        ("%r = arith.extsi %a0 : i1 to i32", ["i1"], "i32", np.bool_(True), -1),
        ("%r = arith.extui %a0 : i1 to i32", ["i1"], "i32", np.bool_(True), 1),
        ("%r = arith.trunci %a0 : i32 to i8", ["i32"], "i8", i32(0x1FF), -1),
        ("%r = arith.trunci %a0 : i32 to i1", ["i32"], "i1", i32(3), True),
        ("%r = arith.index_cast %a0 : i8 to index", ["i8"], "index", i8(-3), -3),
        ("%r = arith.index_castui %a0 : i8 to index", ["i8"], "index", i8(-3), 253),
        ("%r = arith.index_cast %a0 : index to i8", ["index"], "i8", np.int64(259), 3),
        ("%r = arith.sitofp %a0 : i8 to f32", ["i8"], "f32", i8(-3), -3.0),
        ("%r = arith.uitofp %a0 : i8 to f32", ["i8"], "f32", i8(-3), 253.0),
        ("%r = arith.sitofp %a0 : i1 to f32", ["i1"], "f32", np.bool_(True), -1.0),
        ("%r = arith.fptosi %a0 : f32 to i32", ["f32"], "i32", np.float32(-2.7), -2),
        ("%r = arith.fptoui %a0 : f32 to i8", ["f32"], "i8", np.float32(200.9), -56),
        ("%r = arith.truncf %a0 : f64 to f32", ["f64"], "f32", np.float64(0.1), np.float32(0.1)),
        ("%r = arith.extf %a0 : f16 to f32", ["f16"], "f32", np.float16(0.1), np.float16(0.1)),
        ("%r = arith.bitcast %a0 : f32 to i32", ["f32"], "i32", np.float32(1.0), 0x3F800000),
    ],
)
def test_casts(line, types, result, arg, want):
    r = apply_op(line, types, result, arg)
    assert r == want
    assert (
        r.dtype
        == {"i32": i32, "i8": i8, "i1": np.bool_, "index": np.int64, "f32": np.float32}[result]
    )


def test_truncf_to_bf16_rounds_to_nearest_even():
    # 1 + 2^-8 is halfway between bf16 neighbours 1 and 1 + 2^-7: ties to even (1).
    r = apply_op("%r = arith.truncf %a0 : f32 to bf16", ["f32"], "bf16", np.float32(1 + 2**-8))
    assert float(r) == 1.0
    r = apply_op("%r = arith.truncf %a0 : f32 to bf16", ["f32"], "bf16", np.float32(1 + 3 * 2**-8))
    assert float(r) == 1 + 2**-6


def test_select_and_constants():
    text = """
    func.func @f(%c: i1) -> (i32, f32, tensor<2xi8>) {
      %a = arith.constant 0xFFFFFFFF : i32
      %b = arith.constant 5 : i32
      %s = arith.select %c, %a, %b : i32
      %n = arith.constant 0x7FC00000 : f32
      %t = arith.constant dense<[255, -3]> : tensor<2xi8>
      return %s, %n, %t : i32, f32, tensor<2xi8>
    }
    """
    s, n, t = run_ir(text, np.bool_(True))
    assert s == -1 and np.isnan(n) and list(t) == [-1, -3]
    assert run_ir(text, np.bool_(False))[0] == 5


def test_arith_on_tensors_is_elementwise():
    text = """
    func.func @f(%a: tensor<3xi32>, %b: tensor<3xi32>) -> tensor<3xi32> {
      %r = arith.divsi %a, %b : tensor<3xi32>
      return %r : tensor<3xi32>
    }
    """
    a, b = np.array([-7, 7, 9], np.int32), np.array([2, 2, -4], np.int32)
    assert list(run_ir(text, a, b)[0]) == [-3, 3, -2]


@pytest.mark.parametrize(
    ("op", "x", "want"),
    [
        ("exp", 1.0, math.e),
        ("log", 2.0, math.log(2.0)),
        ("sqrt", 2.0, math.sqrt(2.0)),
        ("rsqrt", 4.0, 0.5),
        ("tanh", 0.5, math.tanh(0.5)),
        ("absf", -2.0, 2.0),
        ("erf", 0.5, math.erf(0.5)),
        ("round", 2.5, 3.0),  # half away from zero
        ("round", -2.5, -3.0),
        ("roundeven", 2.5, 2.0),
        ("floor", -1.5, -2.0),
        ("ceil", -1.5, -1.0),
    ],
)
def test_math_unary(op, x, want):
    r = apply_op(f"%r = math.{op} %a0 : f32", ["f32"], "f32", np.float32(x))
    assert r.dtype == np.float32
    assert r == pytest.approx(want, rel=1e-6)


def test_math_binary_and_fma():
    r = apply_op(
        "%r = math.powf %a0, %a1 : f32", ["f32", "f32"], "f32", np.float32(2), np.float32(10)
    )
    assert r == 1024
    r = apply_op(
        "%r = math.fma %a0, %a1, %a2 : f32",
        ["f32"] * 3,
        "f32",
        np.float32(2),
        np.float32(3),
        np.float32(1),
    )
    assert r == 7


@pytest.mark.parametrize(("op", "x", "want"), [("ctlz", 1, 31), ("cttz", 8, 3), ("ctpop", -1, 32)])
def test_math_bit_counts(op, x, want):
    assert apply_op(f"%r = math.{op} %a0 : i32", ["i32"], "i32", i32(x)) == want


def test_bf16_math_rounds_once():
    r = apply_op("%r = math.exp %a0 : bf16", ["bf16"], "bf16", ml_dtypes.bfloat16(1.0))
    assert r.dtype == np.dtype(ml_dtypes.bfloat16)
    assert float(r) == float(ml_dtypes.bfloat16(math.e))
