"""What a user sees when `ziggurat-opt` is given bad input.

Each file in tests/corpus/malformed/ starts with `// EXPECT: LINE:COL: FRAGMENT`:
running `ziggurat-opt FILE` must exit with status 1, print nothing on stdout, and
print `FILE:LINE:COL: error: ...FRAGMENT...` followed by the source line and a caret
under the column, with no Python traceback. The other tests cover errors that
have no place in a source file (the command line, the pipeline, the output path),
and check that a failed run never writes its output file.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from paths import ROOT

CORPUS = ROOT / "tests" / "corpus" / "malformed"
OPT = Path(sys.executable).with_name("ziggurat-opt")
EXPECT = re.compile(r"// EXPECT: (\d+):(\d+): (.+)")
UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
CORPUS_FILES = sorted(CORPUS.glob("*.mlir"))
VALID = "func.func @f(%a: i32) -> i32 {\n  %0 = arith.addi %a, %a : i32\n  return %0 : i32\n}\n"


def run_opt(
    *args: str, stdin: str | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(OPT), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        cwd=cwd,
        timeout=120,
    )


def run_python(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `ziggurat-opt`'s main after `script` has broken something on purpose."""
    code = textwrap.dedent(script) + "\nfrom ziggurat.tools.opt import main\nmain(sys.argv[1:])\n"
    return subprocess.run(
        [sys.executable, "-c", "import sys\n" + code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def assert_clean_failure(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""


def test_corpus_is_large_and_annotated() -> None:
    assert len(CORPUS_FILES) >= 40
    for path in CORPUS_FILES:
        first_line = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
        assert EXPECT.fullmatch(first_line), f"{path.name} has no '// EXPECT: L:C: text' line"


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.stem for p in CORPUS_FILES])
def test_malformed_input_is_reported_at_its_location(path: Path) -> None:
    data = path.read_bytes()
    expect = EXPECT.fullmatch(data.split(b"\n", 1)[0].decode("ascii"))
    assert expect is not None
    line, col, fragment = int(expect.group(1)), int(expect.group(2)), expect.group(3)
    given = str(path.relative_to(ROOT))

    result = run_opt(given)

    assert_clean_failure(result)
    lines = result.stderr.splitlines()
    header = re.match(rf"^{re.escape(given)}:(\d+):(\d+): error: (.+)$", lines[0])
    assert header, f"first line is not 'FILE:LINE:COL: error: message': {lines[0]!r}"
    assert (int(header.group(1)), int(header.group(2))) == (line, col), result.stderr
    assert fragment in header.group(3)
    # The offending line is quoted (undecodable bytes and control characters are
    # shown as U+FFFD), with a caret under the column.
    source = data.decode("utf-8", errors="replace").split("\n")[line - 1].rstrip("\r")
    assert lines[1] == UNPRINTABLE.sub("\ufffd", source)
    assert lines[2] == " " * (col - 1) + "^"


def test_errors_in_stdin_are_located_in_stdin() -> None:
    result = run_opt("-", stdin="func.func @f() {\n  %0 = arith.constant 1.5 : i32\n")
    assert_clean_failure(result)
    assert result.stderr.startswith("<stdin>:2:23: error: floating point value")
    assert result.stderr.splitlines()[1:3] == ["  %0 = arith.constant 1.5 : i32", " " * 22 + "^"]


def test_every_chunk_of_a_split_file_is_reported() -> None:
    text = (
        "func.func @f(%a: i32) -> i32 {\n  %0 = arith.addi %a, %b : i32\n  return %0 : i32\n}\n"
        "// -----\n"
        "func.func @ok() {\n  return\n}\n"
        "// -----\n"
        "func.func @g() {\n  %0 = arith.frobnicate\n  return\n}\n"
    )
    result = run_opt("-", "--split-input-file", stdin=text)
    assert_clean_failure(result)
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert errors == [
        "<stdin>:2:23: error: use of undeclared SSA value '%b'",
        "<stdin>:11:8: error: dialect 'arith' has no operation 'arith.frobnicate'",
    ]


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    depth = 3000
    text = "func.func @f() {\n" + "scf.execute_region {\n" * depth + "}\n" * depth + "return\n}\n"
    result = run_opt("-", stdin=text)
    assert_clean_failure(result)
    assert re.match(r"<stdin>:\d+:\d+: error: .*nested too deeply", result.stderr)


# Errors without a place in a source file


def test_missing_input_file() -> None:
    result = run_opt("no/such/input.mlir")
    assert_clean_failure(result)
    assert result.stderr == "error: could not open input file 'no/such/input.mlir': no such file\n"


def test_directory_as_input(tmp_path: Path) -> None:
    result = run_opt(str(tmp_path))
    assert_clean_failure(result)
    assert result.stderr == f"error: could not open input file '{tmp_path}': is a directory\n"


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file"
)
def test_unreadable_input(tmp_path: Path) -> None:
    path = tmp_path / "secret.mlir"
    path.write_text(VALID)
    path.chmod(0)
    result = run_opt(str(path))
    assert_clean_failure(result)
    assert result.stderr.startswith(f"error: could not open input file '{path}': ")


def test_unknown_pass_suggests_close_names() -> None:
    result = run_opt("-", "-p", "canonicalise", stdin=VALID)
    assert_clean_failure(result)
    assert result.stderr.startswith("error: unknown pass 'canonicalise'; did you mean ")
    assert "'canonicalize'" in result.stderr
    assert "--list-passes" in result.stderr


def test_malformed_pipeline_points_into_the_pipeline() -> None:
    result = run_opt("-", "-p", "cse{", stdin=VALID)
    assert_clean_failure(result)
    assert result.stderr.splitlines() == [
        "error: invalid pass pipeline: expected argument name here",
        "  cse{",
        "      ^",
    ]


def test_unknown_pass_option_names_the_options() -> None:
    result = run_opt("-", "-p", "canonicalize{bogus=1}", stdin=VALID)
    assert_clean_failure(result)
    assert result.stderr == (
        "error: pass 'canonicalize' has no option 'bogus': it takes no options\n"
    )
    result = run_opt("-", "-p", "apply-eqsat-pdl{max-iteration=3}", stdin=VALID)
    assert_clean_failure(result)
    assert "has no option 'max-iteration'; did you mean 'max-iterations'?" in result.stderr


def test_badly_typed_pass_option() -> None:
    result = run_opt("-", "-p", "apply-eqsat-pdl{max-iterations=many}", stdin=VALID)
    assert_clean_failure(result)
    assert result.stderr.startswith("error: invalid options for pass 'apply-eqsat-pdl': ")


def test_output_in_a_missing_directory(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "out.mlir"
    result = run_opt("-", "-o", str(out), stdin=VALID)
    assert_clean_failure(result)
    assert result.stderr == f"error: cannot write output file '{out}': No such file or directory\n"
    assert not out.parent.exists()


def test_output_that_is_a_directory(tmp_path: Path) -> None:
    result = run_opt("-", "-o", str(tmp_path), stdin=VALID)
    assert_clean_failure(result)
    assert result.stderr.startswith(f"error: cannot write output file '{tmp_path}': ")
    assert list(tmp_path.iterdir()) == []


# The output file is written whole, or not at all


def test_successful_run_writes_the_output_file(tmp_path: Path) -> None:
    out = tmp_path / "out.mlir"
    out.write_text("old content\n")
    result = run_opt("-", "-o", str(out), stdin=VALID)
    assert result.returncode == 0, result.stderr
    assert "arith.addi" in out.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["out.mlir"]


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param([], id="bad-input"),
        pytest.param(["--split-input-file"], id="one-bad-chunk"),
        pytest.param(["-p", "nosuch-pass"], id="bad-pipeline"),
    ],
)
def test_failed_run_leaves_the_output_file_untouched(tmp_path: Path, extra: list[str]) -> None:
    out = tmp_path / "out.mlir"
    out.write_text("old content\n")
    bad = VALID + "// -----\nfunc.func @g() {\n  %0 = arith.constant 1.5 : i32\n}\n"
    result = run_opt("-", "-o", str(out), *extra, stdin=bad)
    assert_clean_failure(result)
    assert out.read_text() == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.mlir"]


def test_failed_run_creates_no_output_file(tmp_path: Path) -> None:
    out = tmp_path / "out.mlir"
    result = run_opt(str(CORPUS / "truncated_mid_region.mlir"), "-o", str(out))
    assert_clean_failure(result)
    assert list(tmp_path.iterdir()) == []


# Internal errors: a short message by default, the traceback with --debug

BROKEN_PASS = """
from xdsl.transforms.canonicalize import CanonicalizePass

def apply(self, ctx, op):
    raise RuntimeError("boom")

CanonicalizePass.apply = apply
"""

BROKEN_PARSER = """
from ziggurat.parser import LocatedParser

class BrokenAddi:
    @staticmethod
    def dialect_name():
        return "arith"

    @staticmethod
    def parse(parser):
        return {}.no_such_attribute

original = LocatedParser._get_op_by_name

def get_op_by_name(self, name):
    return BrokenAddi if name == "arith.addi" else original(self, name)

LocatedParser._get_op_by_name = get_op_by_name
"""


def test_crashing_pass_without_debug(tmp_path: Path) -> None:
    source = tmp_path / "in.mlir"
    source.write_text(VALID)
    result = run_python(BROKEN_PASS, str(source), "-p", "canonicalize")
    assert_clean_failure(result)
    assert result.stderr == (
        "error: pass 'canonicalize' failed: RuntimeError: boom\n"
        "note: rerun with --debug to see the Python traceback\n"
    )


def test_crashing_pass_with_debug_shows_the_traceback(tmp_path: Path) -> None:
    source = tmp_path / "in.mlir"
    source.write_text(VALID)
    result = run_python(BROKEN_PASS, str(source), "-p", "canonicalize", "--debug")
    assert result.returncode != 0
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.rstrip().endswith("RuntimeError: boom")


def test_crashing_op_parser_is_still_located(tmp_path: Path) -> None:
    source = tmp_path / "in.mlir"
    source.write_text(VALID)
    result = run_python(BROKEN_PARSER, str(source))
    assert_clean_failure(result)
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{source}:2:3: error: 'arith.addi' op ")
    assert "AttributeError" in lines[0]
    assert lines[1:3] == ["  %0 = arith.addi %a, %a : i32", "  ^"]
    assert "note: rerun with --debug to see the Python traceback" in lines


def test_crashing_op_parser_with_debug_shows_the_traceback(tmp_path: Path) -> None:
    source = tmp_path / "in.mlir"
    source.write_text(VALID)
    result = run_python(BROKEN_PARSER, str(source), "--debug")
    assert result.returncode != 0
    assert "Traceback (most recent call last)" in result.stderr
    assert "AttributeError" in result.stderr.splitlines()[-1]
