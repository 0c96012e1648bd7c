"""The minimiser shrinks a planted failure to what plants it; the regression it writes runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from paths import MODELS, ROOT

from tests.fuzz.classify import Outcome, first_error
from tests.fuzz.commands import by_label
from tests.fuzz.execute import Limits, run_command
from tests.fuzz.minimise import ddmin, minimise, neutralise, same_failure
from tests.fuzz.regression import write_regression

MLP = (MODELS / "mlp.mlir").read_bytes()
LIT = Path(sys.executable).with_name("lit")
SUITE_CONFIG = """lit_config.load_config(config, {real!r})
config.test_source_root = {here!r}
config.test_exec_root = {here!r}
"""


def _lit(folder: Path, test: Path) -> subprocess.CompletedProcess[str]:
    """Run one test written to `folder` under the project's lit configuration."""
    real = str(ROOT / "tests" / "lit" / "lit.cfg.py")
    (folder / "lit.cfg.py").write_text(SUITE_CONFIG.format(real=real, here=str(folder)))
    return subprocess.run([str(LIT), "-v", str(test)], capture_output=True, text=True)


def test_ddmin_finds_the_two_units_that_make_the_failure() -> None:
    calls: list[list[int]] = []

    def holds(units: list[int]) -> bool:
        calls.append(units)
        return 13 in units and 71 in units

    assert ddmin(list(range(100)), holds) == [13, 71]
    assert len(calls) < 200


def test_a_planted_token_is_all_that_remains_of_a_text() -> None:
    lines = MLP.splitlines(keepends=True)
    planted = b"".join([*lines[:10], b"  %bad = BOOM(%x) : f32\n", *lines[10:]])
    assert minimise(planted, lambda data: b"BOOM" in data) == b"BOOM"


def test_a_planted_instruction_is_all_that_remains_of_a_binary() -> None:
    word = bytes(range(100, 116))
    binary = bytes(160) + word + bytes(range(64))
    reduced = minimise(binary, lambda data: word[3:9] in data, binary=True)
    assert reduced == word[3:9]


def test_lit_directives_in_a_mutant_are_made_harmless() -> None:
    text = b"// RUN: ziggurat-opt %s\n// CHECK-NEXT: x\n// CHECK: y\n%0 = foo\n"
    assert b"RUN:" not in neutralise(text) and b"CHECK" not in neutralise(text)
    assert neutralise(b"%RUNNER = x") == b"%RUNNER = x"


def test_a_real_failure_shrinks_and_its_regression_test_passes(tmp_path: Path) -> None:
    """A located parse error in the MLP shrinks to a few tokens that still give it."""
    broken = MLP.replace(b"%e1 = tensor.empty()", b"%e1 = tensor.empty(")
    command = by_label("opt")
    (tmp_path / "broken.mlir").write_bytes(broken)
    found = run_command(command, str(tmp_path / "broken.mlir"), Limits(20), str(tmp_path))
    assert first_error(found.run.stderr).endswith("error: operand expected")
    test = same_failure(
        command, Outcome.LOCATED, "ziggurat-opt", found.run.stderr, ".mlir", Limits(20)
    )
    assert test(broken)
    reduced = minimise(broken, test)
    assert len(reduced) < 40 and test(reduced)
    assert b"tensor.empty(" in reduced
    written = write_regression(
        "shrunk", reduced, "mlir", command, "ziggurat-opt", found.run.stderr, tmp_path
    )
    result = _lit(tmp_path, written[0])
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_regression_test_fails_while_the_tool_still_succeeds(tmp_path: Path) -> None:
    """What the test checks is the located error: a run that succeeds must not pass it."""
    command = by_label("opt")
    written = write_regression("ok", b"func.func private @f()\n", "mlir", command,
                               "ziggurat-opt", "", tmp_path)  # fmt: skip
    result = _lit(tmp_path, written[0])
    assert "FAIL: " in result.stdout, result.stdout + result.stderr
