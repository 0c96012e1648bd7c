"""`ziggurat-run --check` against a target that gets things wrong.

Only `ref` exists yet, so a fake target (an executor that adds an error to
every float result) stands in for a later one: the check must catch it.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from ziggurat.targets.ref import RefExecutor
from ziggurat.tools import run

PROGRAM = """
func.func @f(%a: tensor<8xf32>) -> tensor<8xf32> {
  %r = arith.addf %a, %a : tensor<8xf32>
  return %r : tensor<8xf32>
}
"""


class Skewed:
    """Runs `ref`, then adds `error` to every result."""

    name = "skewed"

    def __init__(self, error: float):
        self.error = error

    def prepare(self, module, entry):
        inner = RefExecutor().prepare(module, entry)
        return lambda args: [r + np.float32(self.error) for r in inner(args)]


@pytest.fixture
def program(tmp_path):
    path = tmp_path / "p.mlir"
    path.write_text(PROGRAM)
    return str(path)


def run_tool(args, capsys):
    with pytest.raises(SystemExit) as info:
        run.main(args)
    out, err = capsys.readouterr()
    return info.value.code, out, err


@pytest.mark.parametrize(("error", "status"), [(0.0, 0), (0.5, 1)])
def test_check_fails_beyond_rounding(monkeypatch, program, capsys, error, status):
    monkeypatch.setitem(run.EXECUTORS, "skewed", lambda: Skewed(error))
    code, out, err = run_tool([program, "--target", "skewed", "--check", "--json"], capsys)
    assert code == status
    report = json.loads(out)
    assert report["target"] == "skewed"
    assert report["check"]["ok"] is (status == 0)
    if status:
        assert report["check"]["max_abs_error"] == pytest.approx(error, rel=0.1)
        assert "results differ from the ref target beyond rounding: result0[" in err


def test_check_tolerance_options(monkeypatch, program, capsys):
    monkeypatch.setitem(run.EXECUTORS, "skewed", lambda: Skewed(0.5))
    code, out, _ = run_tool([program, "--target", "skewed", "--check", "--atol", "1"], capsys)
    assert code == 0 and "max abs error 0.5" in out and ": ok" in out


VIEWS = """
func.func @f(%src: memref<4x4xf32>, %dst: memref<4x4xf32>, %copy: memref<2x2xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %v = memref.load %src[%c0, %c0] : memref<4x4xf32>
  %corner = memref.subview %dst[0, 0] [2, 2] [1, 1]
      : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1]>>
  memref.store %v, %corner[%c0, %c0] : memref<2x2xf32, strided<[4, 1]>>
  %window = memref.subview %src[1, 1] [2, 2] [1, 1]
      : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1], offset: 5>>
  memref.copy %window, %copy : memref<2x2xf32, strided<[4, 1], offset: 5>> to memref<2x2xf32>
  return %v : f32
}
"""


def test_output_holds_only_the_memref_arguments_the_function_may_write(tmp_path) -> None:
    """A read-only memref is an input, not an out-param; a write through a view counts."""
    path = tmp_path / "views.mlir"
    path.write_text(VIEWS)
    out = tmp_path / "out.npz"
    with pytest.raises(SystemExit) as exit_:
        run.main([str(path), "--seed", "3", "--output", str(out)])
    assert exit_.value.code == 0
    with np.load(out) as saved:
        assert sorted(saved.files) == ["arg1", "arg2", "result0"]
        assert saved["arg1"][0, 0] == saved["result0"]
