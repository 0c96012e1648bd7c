"""C target: arithmetic edge cases and op families, compiled and run, against ref."""

from __future__ import annotations

import numpy as np
import pytest
from semantics import parse

from ziggurat.targets.c.call import compile_module
from ziggurat.targets.ref import run_function


def _both(text: str, args: list) -> tuple[list[np.ndarray], list[np.ndarray]]:
    module = parse(text)
    want = run_function(module, [np.copy(a) for a in args])
    got = compile_module(module)([np.copy(a) for a in args])
    return want, got


def _binary(op: str, t: str, result: str | None = None) -> str:
    r = result or t
    return f"""
func.func @f(%a: memref<8x{t}>, %b: memref<8x{t}>, %o: memref<8x{r}>) {{
  affine.for %i = 0 to 8 {{
    %x = affine.load %a[%i] : memref<8x{t}>
    %y = affine.load %b[%i] : memref<8x{t}>
    %z = {op} %x, %y : {t}
    affine.store %z, %o[%i] : memref<8x{r}>
  }}
  return
}}"""


INT_OPS = "addi subi muli divsi divui remsi remui floordivsi ceildivsi ceildivui maxsi minsi "
INT_OPS += "maxui minui andi ori xori shli shrsi shrui"


@pytest.mark.parametrize("op", INT_OPS.split())
@pytest.mark.parametrize("t,dtype", [("i8", np.int8), ("i32", np.int32), ("i64", np.int64)])
def test_integer_ops_wrap_and_round_like_mlir(op: str, t: str, dtype) -> None:
    info = np.iinfo(dtype)
    a = np.array([info.max, info.min, -7, 7, -7, 100, -1, 5], dtype=dtype)
    b = np.array([1, -3, 2, -2, -2, 3, 3, 9], dtype=dtype)
    if op.startswith("sh"):
        b = np.array([1, 3, 0, 2, (t == "i8" and 9) or 70, 1, 200 % 128, 5], dtype=dtype)
    out = np.zeros(8, dtype)
    module = parse(_binary(f"arith.{op}", t))
    want_out, got_out = out.copy(), out.copy()
    run_function(module, [a.copy(), b.copy(), want_out])
    compile_module(module)([a.copy(), b.copy(), got_out])
    np.testing.assert_array_equal(got_out, want_out)


FLOAT_OPS = ["addf", "subf", "mulf", "divf", "remf", "maximumf", "minimumf", "maxnumf", "minnumf"]


@pytest.mark.parametrize("op", FLOAT_OPS)
def test_float_ops_with_nan_and_signed_zeros(op: str) -> None:
    a = np.array([np.nan, 1.0, -0.0, 0.0, 3.5, -2.0, np.inf, 1.0], np.float32)
    b = np.array([1.0, np.nan, 0.0, -0.0, 3.5, 5.0, 1.0, -np.inf], np.float32)
    module = parse(_binary(f"arith.{op}", "f32"))
    want_out, got_out = np.zeros(8, np.float32), np.zeros(8, np.float32)
    run_function(module, [a.copy(), b.copy(), want_out])
    compile_module(module)([a.copy(), b.copy(), got_out])
    np.testing.assert_array_equal(got_out, want_out)
    np.testing.assert_array_equal(np.signbit(got_out), np.signbit(want_out))


@pytest.mark.parametrize(
    "predicate",
    [
        "false",
        "oeq",
        "ogt",
        "oge",
        "olt",
        "ole",
        "one",
        "ord",
        "ueq",
        "ugt",
        "uge",
        "ult",
        "ule",
        "une",
        "uno",
        "true",
    ],
)
def test_cmpf_ordered_and_unordered_predicates(predicate: str) -> None:
    a = np.array([np.nan, 1.0, 2.0, 2.0, np.nan, -1.0, 0.0, 5.0], np.float64)
    b = np.array([1.0, np.nan, 2.0, 1.0, np.nan, 3.0, -0.0, 5.0], np.float64)
    module = parse(_binary(f"arith.cmpf {predicate},", "f64", "i1").replace("f64\n", "f64\n"))
    want_out, got_out = np.zeros(8, np.bool_), np.zeros(8, np.bool_)
    run_function(module, [a.copy(), b.copy(), want_out])
    compile_module(module)([a.copy(), b.copy(), got_out])
    np.testing.assert_array_equal(got_out, want_out)


@pytest.mark.parametrize(
    "predicate",
    [
        "eq",
        "ne",
        "slt",
        "sle",
        "sgt",
        "sge",
        "ult",
        "ule",
        "ugt",
        "uge",
    ],
)
def test_cmpi_signed_and_unsigned(predicate: str) -> None:
    a = np.array([-1, 1, 0, -128, 127, 5, -5, 3], np.int8)
    b = np.array([1, -1, 0, 127, -128, 5, 5, -3], np.int8)
    module = parse(_binary(f"arith.cmpi {predicate},", "i8", "i1"))
    want_out, got_out = np.zeros(8, np.bool_), np.zeros(8, np.bool_)
    run_function(module, [a.copy(), b.copy(), want_out])
    compile_module(module)([a.copy(), b.copy(), got_out])
    np.testing.assert_array_equal(got_out, want_out)


CASTS = """
func.func @f(%a: i32, %x: f32, %c: i1) -> (i8, i64, i64, f32, f32, i16, f64, i32, i32, f32) {
  %0 = arith.trunci %a : i32 to i8
  %1 = arith.extsi %a : i32 to i64
  %2 = arith.extui %a : i32 to i64
  %3 = arith.sitofp %a : i32 to f32
  %4 = arith.uitofp %a : i32 to f32
  %5 = arith.fptosi %x : f32 to i16
  %6 = arith.extf %x : f32 to f64
  %7 = arith.bitcast %x : f32 to i32
  %8 = arith.select %c, %a, %7 : i32
  %9 = math.exp %x : f32
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9 : i8, i64, i64, f32, f32, i16, f64, i32, i32, f32
}"""


@pytest.mark.parametrize("a,x", [(-300, -3.75), (70000, 2.5), (-1, 0.5)])
def test_casts_select_and_math_scalars(a: int, x: float) -> None:
    want, got = _both(CASTS, [np.int32(a), np.float32(x), np.bool_(a < 0)])
    for w, g in zip(want, got, strict=True):
        assert w.dtype == g.dtype
        np.testing.assert_allclose(g, w, rtol=1e-6)


MATH = """
func.func @f(%a: memref<6xf32>, %o: memref<6xf32>) {
  affine.for %i = 0 to 6 {
    %x = affine.load %a[%i] : memref<6xf32>
    %y = OP %x : f32
    affine.store %y, %o[%i] : memref<6xf32>
  }
  return
}"""


@pytest.mark.parametrize(
    "op",
    [
        "absf",
        "ceil",
        "floor",
        "trunc",
        "round",
        "roundeven",
        "sqrt",
        "exp",
        "log",
        "tanh",
        "sin",
        "erf",
        "rsqrt",
    ],
)
def test_math_unary_ops(op: str) -> None:
    a = np.array([0.5, 2.5, -1.5, 3.0, 0.25, 7.5], np.float32)
    module = parse(MATH.replace("OP", f"math.{op}"))
    want_out, got_out = np.zeros(6, np.float32), np.zeros(6, np.float32)
    run_function(module, [a.copy(), want_out])
    compile_module(module)([a.copy(), got_out])
    np.testing.assert_allclose(got_out, want_out, rtol=1e-5, equal_nan=True)
