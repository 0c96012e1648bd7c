"""Shared helpers of the `ref` executor's tests: run a snippet of IR."""

from __future__ import annotations

import numpy as np
from semantics import parse

from ziggurat.targets.ref import run_function


def run_ir(text: str, *args, entry: str | None = None) -> list[np.ndarray]:
    """Parse `text` (verifying it) and run its entry function on `args`."""
    return run_function(parse(text), list(args), entry)


def scalar_fn(op_line: str, arg_types: list[str], result_type: str) -> str:
    """A function `@f` of scalar arguments that returns the result of one op line.

    `op_line` uses `%a0, %a1, ...` for the arguments and defines `%r`.
    """
    params = ", ".join(f"%a{i}: {t}" for i, t in enumerate(arg_types))
    return (
        f"func.func @f({params}) -> {result_type} {{\n"
        f"  {op_line}\n"
        f"  return %r : {result_type}\n"
        "}\n"
    )


def apply_op(op_line: str, arg_types: list[str], result_type: str, *args):
    """The value of one op on the given numpy scalars (a 0-d array)."""
    return run_ir(scalar_fn(op_line, arg_types, result_type), *args)[0]


# The API: entry selection, calling convention, random inputs --------------------

import pytest  # noqa: E402

from ziggurat.diagnostics import CompileError  # noqa: E402
from ziggurat.targets.ref import random_inputs  # noqa: E402

TWO_FUNCS = """
func.func private @helper(%x: f32) -> f32 {
  %r = arith.addf %x, %x : f32
  return %r : f32
}
func.func @first(%x: f32) -> f32 {
  %r = func.call @helper(%x) : (f32) -> f32
  return %r : f32
}
func.func @second(%x: f32) -> f32 {
  return %x : f32
}
"""


def test_entry_defaults_to_first_public_function_and_can_be_named():
    x = np.float32(1.5)
    assert run_ir(TWO_FUNCS, x)[0] == np.float32(3.0)
    assert run_ir(TWO_FUNCS, x, entry="second")[0] == np.float32(1.5)
    assert run_ir(TWO_FUNCS, x, entry="helper")[0] == np.float32(3.0)


def test_unknown_entry_lists_functions():
    with pytest.raises(CompileError, match=r"no function named '@nope'.*@helper, @first"):
        run_ir(TWO_FUNCS, np.float32(1), entry="nope")


def test_results_are_arrays_and_scalars_are_zero_d():
    (r,) = run_ir(TWO_FUNCS, np.float32(2))
    assert isinstance(r, np.ndarray) and r.shape == () and r.dtype == np.float32


MEMREF_OUT = """
func.func @f(%t: tensor<3xi32>, %m: memref<3xi32>) -> tensor<3xi32> {
  %c0 = arith.constant 0 : index
  %c9 = arith.constant 9 : i32
  memref.store %c9, %m[%c0] : memref<3xi32>
  %t2 = tensor.insert %c9 into %t[%c0] : tensor<3xi32>
  return %t2 : tensor<3xi32>
}
"""


def test_memref_arguments_are_written_in_place_tensors_never():
    t = np.array([1, 2, 3], dtype=np.int32)
    m = np.array([4, 5, 6], dtype=np.int32)
    (r,) = run_ir(MEMREF_OUT, t, m)
    assert list(r) == [9, 2, 3]
    assert list(t) == [1, 2, 3]
    assert list(m) == [9, 5, 6]


def test_wrong_argument_dtype_or_shape_is_an_error():
    with pytest.raises(CompileError, match=r"argument #0 of @f must be tensor<3xi32>"):
        run_ir(MEMREF_OUT, np.zeros(3, np.float32), np.zeros(3, np.int32))
    with pytest.raises(CompileError, match=r"argument #1 .* shape \[4\]"):
        run_ir(MEMREF_OUT, np.zeros(3, np.int32), np.zeros(4, np.int32))
    with pytest.raises(CompileError, match="takes 2 arguments, got 1"):
        run_ir(MEMREF_OUT, np.zeros(3, np.int32))


RANDOM = """
func.func @f(%a: tensor<100xf32>, %b: memref<100xi8>, %c: tensor<50xi1>, %d: index,
             %e: tensor<20xbf16>, %g: i32) {
  return
}
"""


def test_random_inputs_types_ranges_and_determinism():
    module = parse(RANDOM)
    a, b, c, d, e, g = random_inputs(module, seed=3)
    assert a.dtype == np.float32 and a.shape == (100,) and a.min() >= -1 and a.max() < 1
    assert b.dtype == np.int8 and b.min() >= -8 and b.max() < 8
    assert c.dtype == np.bool_ and c.any() and not c.all()
    assert d.dtype == np.int64 and d.shape == () and 0 <= d < 8
    assert e.dtype.name == "bfloat16"
    assert g.dtype == np.int32 and g.shape == ()
    again = random_inputs(module, seed=3)
    other = random_inputs(module, seed=4)
    assert all(np.array_equal(x, y) for x, y in zip([a, b, c, d, e, g], again, strict=True))
    assert not np.array_equal(a, other[0])


def test_random_inputs_refuse_dynamic_shapes():
    module = parse("func.func @f(%a: tensor<?xf32>) { return }")
    with pytest.raises(CompileError, match=r"dynamic type tensor<\?xf32>"):
        random_inputs(module)


def test_recursion_runs():
    text = """
    func.func @fact(%n: i64) -> i64 {
      %c1 = arith.constant 1 : i64
      %le = arith.cmpi sle, %n, %c1 : i64
      %r = scf.if %le -> (i64) {
        scf.yield %c1 : i64
      } else {
        %m = arith.subi %n, %c1 : i64
        %f = func.call @fact(%m) : (i64) -> i64
        %p = arith.muli %n, %f : i64
        scf.yield %p : i64
      }
      return %r : i64
    }
    """
    assert run_ir(text, np.int64(10))[0] == 3628800
    with pytest.raises(CompileError, match="nested more than"):
        run_ir(text.replace("%c1 = arith.constant 1", "%c1 = arith.constant -1"), np.int64(1))
