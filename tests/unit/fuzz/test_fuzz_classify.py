"""The fuzzer's classes follow what a user sees: status, stderr, and the time limit."""

from __future__ import annotations

import pytest

from tests.fuzz.classify import Outcome, Run, classify, signature
from tests.fuzz.known import Known, reason_for

LOCATED = "prog.mlir:3:7: error: expected ')'\n  %0 = foo(\n      ^\n"
TRACEBACK = 'Traceback (most recent call last):\n  File "x.py", line 1\nValueError: bad\n'
INTERNAL = (
    "error: internal compiler error: ValueError: zip() argument 2 is longer\n"
    "note: rerun with --debug to see the Python traceback\n"
)


@pytest.mark.parametrize(
    ("run", "tool", "outcome"),
    [
        (Run(0, "module {}\n", ""), "ziggurat-opt", Outcome.SUCCESS),
        (Run(1, "", LOCATED), "ziggurat-opt", Outcome.LOCATED),
        (Run(1, "", "<stdin>:1:1: error: bad\n"), "ziggurat-translate", Outcome.LOCATED),
        (Run(1, "", "error: ref: no public function with a body to run\n"), "ziggurat-run",
         Outcome.UNLOCATED),
        (Run(2, "", LOCATED), "ziggurat-opt", Outcome.UNLOCATED),
        (Run(1, "", TRACEBACK), "ziggurat-opt", Outcome.TRACEBACK),
        (Run(0, "", TRACEBACK), "ziggurat-opt", Outcome.TRACEBACK),
        (Run(1, "", INTERNAL), "ziggurat-run", Outcome.INTERNAL),
        (Run(1, "", "f.mlir:1:1: error: c: internal error: value used before it is emitted\n"),
         "ziggurat-translate", Outcome.INTERNAL),
        (Run(1, "", "error: pass 'p' failed: ValueError: bad\n"
                    "note: rerun with --debug to see the Python traceback\n"),
         "ziggurat-opt", Outcome.INTERNAL),
        (Run(None, "", ""), "ziggurat-opt", Outcome.HANG),
        (Run(-11, "", ""), "ziggurat-sim", Outcome.SIGNAL),
        (Run(-9, "", LOCATED), "ziggurat-opt", Outcome.SIGNAL),
        (Run(1, "check against ref: max abs error 3, max rel error 1: MISMATCH: result0[0]\n",
             "error: results differ from the ref target beyond rounding: result0[0] is 1\n"),
         "ziggurat-run", Outcome.MISMATCH),
        (Run(1, "", "error: instruction 4 (matmul): reads rows 0..3 before ...\n"),
         "ziggurat-sim", Outcome.LOCATED),
        (Run(1, "", "p.bin: error: the binary is 7 bytes long, not a multiple of 16\n"),
         "ziggurat-sim", Outcome.LOCATED),
        (Run(1, "", "p.bin: instruction 15 (byte 0xf0): error: reserved bit 64 is set\n"),
         "ziggurat-sim", Outcome.LOCATED),
        (Run(1, "", "error: bad dram image\n"), "ziggurat-sim", Outcome.UNLOCATED),
        (Run(1, "", "error: instruction 4 (matmul): bad\n"), "ziggurat-opt", Outcome.UNLOCATED),
        (Run(1, "", "p.mlir: error: bad\n"), "ziggurat-opt", Outcome.UNLOCATED),
        (Run(1, "", ""), "ziggurat-opt", Outcome.UNLOCATED),
    ],
)  # fmt: skip
def test_each_run_gets_the_class_a_user_would_give_it(
    run: Run, tool: str, outcome: Outcome
) -> None:
    assert classify(run, tool) is outcome


def test_only_located_errors_and_successes_are_good() -> None:
    assert {o for o in Outcome if not o.bad} == {Outcome.LOCATED, Outcome.SUCCESS}


def test_repeats_of_one_error_at_other_places_have_one_signature() -> None:
    one = "a/m1.mlir:3:7: error: expected ')' after 2 operands\n"
    other = "b/m9.mlir:40:1: error: expected ')' after 3 operands\n"
    assert signature(one) == signature(other)
    assert signature(one) == signature("reduced.mlir:1:2: error: expected ')' after 1 operands")
    assert signature(one) != signature("a/m1.mlir:3:7: error: unknown op\n")
    sim = "p.bin: instruction 3 (byte 0x30): error: reserved bit 85 is set"
    assert signature(sim) == signature("/t/reduced.bin: instruction 9 (byte 0x90): error: "
                                       "reserved bit 85 is set")


def test_a_known_finding_matches_its_command_class_and_message_only() -> None:
    known = [Known(r"run --target (c|mxu)", "internal", r"OverflowError", "a loop bound")]
    assert reason_for(known, "run --target mxu", "internal", INTERNAL + "OverflowError") == (
        "a loop bound"
    )
    assert reason_for(known, "run --target ref", "internal", "OverflowError") is None
    assert reason_for(known, "run --target c", "traceback", "OverflowError") is None
    assert reason_for(known, "run --target c", "internal", INTERNAL) is None
