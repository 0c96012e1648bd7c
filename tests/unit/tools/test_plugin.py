"""The example plugin in examples/plugin: discovery, verification, lowering, emission.

The lowering is checked by numbers, not by shape: the lowered arith IR is run
by xDSL's interpreter and compared with numpy's polynomial evaluation, and the
C that `poly-c` prints is compiled and run where a C compiler is installed.
"""

from __future__ import annotations

import io
import math
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import numpy as np
import pytest
from numpy.polynomial import polynomial as npoly
from xdsl.context import Context
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import Builtin, ModuleOp, f64
from xdsl.interpreter import (
    Interpreter,
    InterpreterFunctions,
    PythonValues,
    impl,
    register_impls,
)
from xdsl.interpreters.arith import ArithFunctions
from xdsl.interpreters.func import FuncFunctions
from xdsl.ir import Block
from xdsl.parser import Parser
from xdsl.universe import Universe
from xdsl.utils.exceptions import VerifyException
from ziggurat_example.dialect import EvalOp, Poly, RationalOp
from ziggurat_example.emit_c import PolyCTarget
from ziggurat_example.lowering import ConvertPolyToArithPass

from ziggurat.universe import load_registry

SAMPLES = (-2.5, -1.0, -0.3, 0.0, 0.7, 1.0, 3.25)
QUARTIC = (0.5, -1.25, 2.0, 0.0, -0.75)
PADE_NUM = (1.0, 0.5, 1.0 / 12.0)
PADE_DEN = (1.0, -0.5, 1.0 / 12.0)

PROGRAM = f"""
func.func @quartic(%x: f64) -> f64 {{
  %y = poly.eval %x {list(QUARTIC)} : f64
  func.return %y : f64
}}
func.func @pade_exp(%x: f64) -> f64 {{
  %y = poly.rational %x {list(PADE_NUM)} / {list(PADE_DEN)} : f64
  func.return %y : f64
}}
"""


def _context() -> Context:
    ctx = Context()
    for dialect in (Builtin, func.Func, arith.Arith, Poly):
        ctx.load_dialect(dialect)
    return ctx


def _parse(text: str = PROGRAM) -> ModuleOp:
    module = Parser(_context(), text).parse_module()
    module.verify()
    return module


@register_impls
class _DivfFunctions(InterpreterFunctions):
    """`arith.divf`, which xDSL's arith interpreter does not implement."""

    @impl(arith.DivfOp)
    def run_divf(
        self, interpreter: Interpreter, op: arith.DivfOp, args: PythonValues
    ) -> PythonValues:
        return (args[0] / args[1],)


def _run(module: ModuleOp, function: str, x: float) -> float:
    interpreter = Interpreter(module)
    interpreter.register_implementations(FuncFunctions())
    interpreter.register_implementations(ArithFunctions())
    interpreter.register_implementations(_DivfFunctions())
    (result,) = interpreter.call_op(function, (x,))
    return result


def _lowered(use_horner: bool) -> ModuleOp:
    module = _parse()
    ConvertPolyToArithPass(use_horner=use_horner).apply(_context(), module)
    module.verify()
    return module


def test_entry_point_is_installed_and_loads_the_universe() -> None:
    (plugin,) = [e for e in entry_points(group="xdsl.universe") if e.name == "ziggurat_example"]
    assert plugin.value == "ziggurat_example.universe:POLY_UNIVERSE"
    universe = plugin.load()
    assert isinstance(universe, Universe)
    assert universe.all_dialects["poly"]() is Poly
    assert universe.all_passes["convert-poly-to-arith"]() is ConvertPolyToArithPass
    assert universe.all_targets["poly-c"]() is PolyCTarget


def test_ziggurat_and_xdsl_both_see_the_plugin() -> None:
    registry = load_registry()
    names = (("dialect", "poly"), ("pass", "convert-poly-to-arith"), ("target", "poly-c"))
    for kind, name in names:
        assert registry.origin[kind, name] == "ziggurat_example"
    assert registry.make_context().get_op("poly.eval") is EvalOp
    multiverse = Universe.get_multiverse()
    assert "poly" in multiverse.all_dialects
    assert "convert-poly-to-arith" in multiverse.all_passes
    assert "poly-c" in multiverse.all_targets


@pytest.mark.parametrize("use_horner", [True, False])
def test_lowering_computes_the_polynomial(use_horner: bool) -> None:
    module = _lowered(use_horner)
    assert not [op for op in module.walk() if op.dialect_name() == "poly"]
    for x in SAMPLES:
        expected = npoly.polyval(x, QUARTIC)
        assert _run(module, "quartic", x) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("use_horner", [True, False])
def test_lowering_computes_the_rational_function(use_horner: bool) -> None:
    module = _lowered(use_horner)
    for x in SAMPLES:
        expected = npoly.polyval(x, PADE_NUM) / npoly.polyval(x, PADE_DEN)
        assert _run(module, "pade_exp", x) == pytest.approx(expected, rel=1e-12)
    # The [2/2] Padé approximant is close to exp near 0: the coefficients mean what they say.
    assert _run(module, "pade_exp", 0.1) == pytest.approx(math.exp(0.1), rel=1e-7)


def test_use_horner_changes_the_number_of_multiplies() -> None:
    def multiplies(module: ModuleOp) -> int:
        quartic = next(op for op in module.walk() if isinstance(op, func.FuncOp))
        return sum(isinstance(op, arith.MulfOp) for op in quartic.walk())

    degree = len(QUARTIC) - 1
    assert multiplies(_lowered(use_horner=True)) == degree
    assert multiplies(_lowered(use_horner=False)) == 2 * degree - 1


def test_verifier_rejects_what_cannot_be_evaluated() -> None:
    x = Block(arg_types=[f64]).args[0]
    EvalOp(x, [1.0, 2.0]).verify()
    with pytest.raises(VerifyException, match="at least one polynomial coefficient"):
        EvalOp(x, []).verify()
    with pytest.raises(VerifyException, match=r"coefficient #1 is not finite \(inf\)"):
        EvalOp(x, [1.0, math.inf]).verify()
    with pytest.raises(VerifyException, match="denominator is identically zero"):
        RationalOp(x, [1.0], [0.0, 0.0]).verify()


def test_ziggurat_opt_reports_an_invalid_op_and_exits_1(tmp_path: Path) -> None:
    source = tmp_path / "bad.mlir"
    source.write_text(
        "func.func @f(%x: f64) -> f64 {\n"
        "  %y = poly.rational %x [1.0] / [0.0] : f64\n"
        "  func.return %y : f64\n"
        "}\n"
    )
    tool = Path(sys.executable).with_name("ziggurat-opt")
    run = subprocess.run([str(tool), str(source)], capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stdout == ""
    first = run.stderr.splitlines()[0]
    assert first == f"{source}:2:3: error: 'poly.rational' op denominator is identically zero"
    assert "Traceback" not in run.stderr


def _emit_c(module: ModuleOp) -> str:
    out = io.StringIO()
    PolyCTarget().emit(_context(), module, out)
    return out.getvalue()


def test_poly_c_prints_horner_form() -> None:
    text = _emit_c(_parse())
    quartic = "double y = 0.5 + x * (-1.25 + x * (2.0 + x * (0.0 + x * (-0.75))));"
    assert f"/* @quartic */\n{quartic}\n" in text
    assert "double y = (1.0 + x * (0.5 + x * 0.08333333333333333)) / (" in text


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler (cc) installed")
def test_poly_c_output_compiles_and_matches_numpy(tmp_path: Path) -> None:
    emitted = _emit_c(_parse()).split("/* @pade_exp */")
    quartic, pade = (part.replace("/* @quartic */", "") for part in emitted)
    samples = ", ".join(repr(x) for x in SAMPLES)
    source = f"""
#include <stdio.h>
static double quartic(double x) {{ {quartic} return y; }}
static double pade(double x) {{ {pade} return y; }}
int main(void) {{
  const double xs[] = {{{samples}}};
  for (unsigned i = 0; i < sizeof xs / sizeof xs[0]; ++i)
    printf("%.17g %.17g\\n", quartic(xs[i]), pade(xs[i]));
  return 0;
}}
"""
    (tmp_path / "poly.c").write_text(source)
    exe = tmp_path / "poly"
    subprocess.run(["cc", "-O1", "-o", str(exe), str(tmp_path / "poly.c")], check=True)
    run = subprocess.run([str(exe)], check=True, capture_output=True, text=True)
    got = np.array([[float(v) for v in line.split()] for line in run.stdout.splitlines()])
    xs = np.array(SAMPLES)
    expected_pade = npoly.polyval(xs, PADE_NUM) / npoly.polyval(xs, PADE_DEN)
    np.testing.assert_allclose(got[:, 0], npoly.polyval(xs, QUARTIC), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got[:, 1], expected_pade, rtol=1e-12)
