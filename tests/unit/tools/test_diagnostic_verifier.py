"""`--verify-diagnostics` matching: which comments expect which diagnostics, and the reports.

Warnings and remarks go through the API here: no ziggurat pass emits one yet, and
the matcher must treat them as mlir-opt does when one does.
"""

from __future__ import annotations

import re

import pytest

from ziggurat.tools.diagnostic_verifier import (
    Diagnostic,
    DiagnosticVerifier,
    compile_expected_regex,
    diagnostics_of,
    parse_expectations,
    posix_to_python,
)
from ziggurat.tools.driver import Sources, ToolError, ToolErrors

FILE = "t.mlir"


def verifier(text: str, only_expected: bool = False) -> DiagnosticVerifier:
    return DiagnosticVerifier(text, FILE, Sources({FILE: text}), only_expected)


def lines_expected(text: str) -> list[int | None]:
    return [e.line for e in parse_expectations(text, FILE)[0]]


def test_designators_point_at_lines() -> None:
    text = "\n".join(
        [
            "op",  # 1
            "// expected-error @above {{a}}",  # 2: line 1
            "// expected-error @below {{b}}",  # 3: line 5 (4 is a comment too)
            "// expected-note {{c}}",  # 4: its own line
            "op",  # 5
            "op // expected-error @-5 {{d}}",  # 6: line 1; a comment line, for @below
            "// expected-remark @+3 {{e}}",  # 7: line 10
            "// expected-warning @unknown {{f}}",  # 8: no line
            "// expected-warning @below {{g}}",  # 9: line 10, past comments
            "op",  # 10
        ]
    )
    assert lines_expected(text) == [1, 5, 4, 1, 10, None, 10]


def test_below_with_no_line_below_points_past_the_end() -> None:
    text = "op\n// expected-error @below {{x}}"
    assert lines_expected(text) == [2]
    report = verifier(text).finish()
    assert report.startswith('t.mlir:2:4: error: expected error "x" was not produced\n')


def test_above_on_the_first_lines_is_line_one() -> None:
    assert lines_expected("// expected-error @above {{x}}\nop") == [1]


def test_a_line_offset_with_a_leading_zero_is_octal_as_in_mlir_opt() -> None:
    assert lines_expected("// expected-error @+010 {{x}}") == [9]


def test_comment_must_end_its_line_and_may_have_any_prefix() -> None:
    text = "\n".join(
        [
            "// expected-error {{a}} and more",
            "# expected-error {{b}}   ",
            "expected-errors {{c}}",
            "// expected-error@+1{{d}}",
        ]
    )
    assert [e.text for e in parse_expectations(text, FILE)[0]] == ["b", "d"]


def test_the_text_runs_to_the_last_closing_braces() -> None:
    (expectation,), _ = parse_expectations("// expected-error {{a {{b}} c}}", FILE)
    assert expectation.text == "a {{b}} c"
    assert expectation.pattern is None
    assert expectation.matches("x a {{b}} c y")
    assert not expectation.matches("a b c")


def test_regex_fragments_only_with_re() -> None:
    (expectation,), _ = parse_expectations("// expected-error-re {{op #{{[0-9]+}} (x)}}", FILE)
    assert expectation.matches("'f' op #12 (x) here")
    assert not expectation.matches("'f' op #a (x)")
    assert not expectation.matches("op #1 x")


def test_posix_classes_and_literal_backslash_in_brackets() -> None:
    assert re.fullmatch(posix_to_python("[[:alpha:]_]+[[:digit:]]"), "ab_c7")
    assert re.fullmatch(posix_to_python("[^[:space:]]+"), "a\\b")
    assert re.fullmatch(posix_to_python("[\\]"), "\\")
    assert re.fullmatch(posix_to_python("[]a]+"), "]a]")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("a {{(}} b", "invalid regex: parentheses not balanced"),
        ("a {{[a}} b", "invalid regex: brackets ([ ]) not balanced"),
        ("a {{*}}", "invalid regex: repetition-operator operand invalid"),
        ("{{[[:nope:]]}}", "invalid regex: invalid character class"),
        ("a {{b", "found start of regex with no end '}}'"),
    ],
)
def test_invalid_regexes_are_reported_at_the_comment(body: str, problem: str) -> None:
    text = f"op\n  // expected-error-re {{{{{body}}}}}"
    expectations, problems = parse_expectations(text, FILE)
    assert expectations == []
    assert problems == [(problem, (FILE, 2, 6), len(body))]
    check = verifier(text)
    assert check.failed
    assert check.problems.startswith(f"t.mlir:2:6: error: {problem}\n")


def test_compiled_regex_escapes_literal_parts() -> None:
    assert compile_expected_regex("a.b {{c+}}").search("a.b ccc")
    assert not compile_expected_regex("a.b {{c+}}").search("axb c")


def test_each_severity_is_matched_on_its_line() -> None:
    text = "\n".join(
        [
            "op1 // expected-error {{bad}}",
            "op2 // expected-warning {{careful}}",
            "op3 // expected-remark {{fyi}}",
        ]
    )
    check = verifier(text)
    reports = [
        check.process(Diagnostic("error", "really bad", (FILE, 1, 1))),
        check.process(Diagnostic("warning", "be careful", (FILE, 2, 1))),
        check.process(Diagnostic("remark", "fyi: 3 loops", (FILE, 3, 1))),
        check.finish(),
    ]
    assert reports == ["", "", "", ""]
    assert not check.failed


def test_wrong_line_is_unexpected_and_the_comment_not_produced() -> None:
    text = "op1\nop2 // expected-error {{bad}}"
    check = verifier(text)
    report = check.process(Diagnostic("error", "bad", (FILE, 1, 3)))
    assert report == "t.mlir:1:3: error: unexpected error: bad\nop1\n  ^\n"
    assert check.finish() == (
        't.mlir:2:8: error: expected error "bad" was not produced\n'
        "op2 // expected-error {{bad}}\n"
        "       ^~~\n"
    )
    assert check.failed


def test_other_severity_is_a_near_miss_reported_at_the_comment() -> None:
    text = "op // expected-warning {{odd}}"
    check = verifier(text)
    report = check.process(Diagnostic("error", "odd thing", (FILE, 1, 1)))
    assert report.startswith(
        "t.mlir:1:7: error: 'error' diagnostic emitted when expecting a 'warning'\n"
    )
    assert check.finish().startswith('t.mlir:1:7: error: expected warning "odd" was not')


def test_notes_are_matched_on_their_own_lines() -> None:
    text = "\n".join(
        [
            "first // expected-note {{defined here}}",
            "second // expected-error {{twice}}",
        ]
    )
    diagnostic = Diagnostic(
        "error",
        "defined twice",
        (FILE, 2, 1),
        notes=[Diagnostic("note", "first defined here", (FILE, 1, 1))],
    )
    check = verifier(text)
    assert check.process(diagnostic) == ""
    assert check.finish() == ""


def test_an_unexpected_note_is_reported_even_when_its_error_was_expected() -> None:
    text = "first\nsecond // expected-error {{twice}}"
    diagnostic = Diagnostic(
        "error", "twice", (FILE, 2, 1), notes=[Diagnostic("note", "here", (FILE, 1, 1))]
    )
    check = verifier(text)
    assert check.process(diagnostic).startswith("t.mlir:1:1: error: unexpected note: here\n")
    assert check.failed


def test_unknown_location() -> None:
    text = "// expected-error @unknown {{no place}}"
    check = verifier(text)
    assert check.process(Diagnostic("error", "no place at all")) == ""
    assert check.process(Diagnostic("error", "other")) == (
        "<unknown>:0: error: unexpected error: other\n"
    )
    missing = verifier(text)
    assert missing.finish() == '<unknown>:0: error: expected error "no place" was not produced\n'


def test_one_comment_matches_the_same_error_twice() -> None:
    check = verifier("op // expected-error {{dup}}")
    for _ in range(2):
        assert check.process(Diagnostic("error", "dup", (FILE, 1, 1))) == ""
    assert check.finish() == ""
    assert not check.failed


def test_only_expected_lets_other_diagnostics_through() -> None:
    check = verifier("op // expected-error {{bad}}", only_expected=True)
    assert check.process(Diagnostic("error", "other", (FILE, 1, 1))) == ""
    assert not check.failed
    assert check.finish() != ""
    assert check.failed


def test_hints_follow_an_unexpected_error() -> None:
    check = verifier("op")
    diagnostic = Diagnostic("error", "boom", (FILE, 1, 1), hints=["rerun with --debug"])
    assert check.process(diagnostic).endswith("^\nnote: rerun with --debug\n")


def test_tool_errors_become_diagnostics_with_located_notes() -> None:
    first = ToolError("a", (FILE, 1, 1), [("see here", (FILE, 2, 1)), "a hint"])
    second = ToolError("b", None)
    (a, b) = diagnostics_of(ToolErrors([first, second]))
    assert (a.severity, a.message, a.location, a.hints) == ("error", "a", (FILE, 1, 1), ["a hint"])
    assert [(n.severity, n.message, n.location) for n in a.notes] == [
        ("note", "see here", (FILE, 2, 1))
    ]
    assert (b.message, b.location, b.notes) == ("b", None, [])
