"""`--verify-diagnostics`: check the diagnostics of a run against `expected-*` comments.

The rules are those of mlir-opt's verifier, so that test files written for mlir-opt
run unchanged:

- A comment is `expected-<severity>[-re] [@<where>] {{<text>}}` ending its line
  (trailing spaces aside); severity is `error`, `warning`, `note` or `remark`.
- `@+N` and `@-N` count lines from the comment; `@above` is the nearest line above
  that is not itself such a comment, `@below` the nearest one below; `@unknown`
  expects a diagnostic with no source location. Without `@`, the comment's own line.
- A diagnostic matches when it is on that line, of that severity, and its message
  contains `<text>`. With `-re`, each `{{...}}` inside `<text>` is a POSIX extended
  regular expression and the rest is literal; without it, all of `<text>` is literal.
- Notes are diagnostics of their own: each is matched at its own location.
- Reported as errors, at the place they concern: a diagnostic that no comment
  expects (`unexpected error: ...`), one that matches but with another severity, an
  invalid regex, and, once the run is over, each comment whose diagnostic never came
  (`expected error "..." was not produced`).

Expectations are read from the whole input at once, so with `--split-input-file` a
comment may point into another chunk, and line numbers are the file's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ziggurat.tools.driver import Sources, ToolError, ToolErrors, Where

SEVERITIES = ("error", "warning", "note", "remark")

_COMMENT = re.compile(
    r"expected-(error|note|remark|warning)(-re)? *(@([+-][0-9]+|above|below|unknown))? *"
    r"\{\{(.*)\}\}$"
)

_TRAILING_SPACE = " \t\n\v\f\r"


@dataclass
class Diagnostic:
    """A message the tools emit: an error, warning or remark, and its notes."""

    severity: str
    message: str
    location: Where | None = None
    notes: list[Diagnostic] = field(default_factory=list["Diagnostic"])
    hints: list[str] = field(default_factory=list[str])
    """Advice with no place in the source (how to see a traceback, say); not matched."""


def diagnostics_of(error: ToolError) -> list[Diagnostic]:
    """The diagnostics a tool error stands for: located notes become note diagnostics."""
    errors = error.errors if isinstance(error, ToolErrors) else [error]
    found: list[Diagnostic] = []
    for one in errors:
        if isinstance(one, ToolErrors):
            found.extend(diagnostics_of(one))
            continue
        diagnostic = Diagnostic("error", one.message, one.location)
        for note in one.notes:
            if isinstance(note, str):
                diagnostic.hints.append(note)
            else:
                diagnostic.notes.append(Diagnostic("note", note[0], note[1]))
        found.append(diagnostic)
    return found


@dataclass
class Expectation:
    """One `expected-*` comment."""

    severity: str
    text: str
    line: int | None
    """The line the diagnostic must be on; `None` for `@unknown`."""
    comment: Where
    """Where the comment's `expected-` begins."""
    pattern: re.Pattern[str] | None = None
    """For `-re` comments: the whole text as one regular expression."""
    matched: bool = False

    def matches(self, message: str) -> bool:
        if self.pattern is not None:
            return self.pattern.search(message) is not None
        return self.text in message


class InvalidExpectation(Exception):
    """An `expected-*-re` comment whose text is not a valid pattern."""


Problem = tuple[str, Where, int]
"""An invalid comment: what is wrong, where it begins, how many characters to underline."""


def parse_expectations(text: str, file: str) -> tuple[list[Expectation], list[Problem]]:
    """Every `expected-*` comment of `text`, and the problems with invalid ones."""
    expectations: list[Expectation] = []
    problems: list[Problem] = []
    lines = text.split("\n")
    last_plain_line = 0
    waiting_for_next_line: list[Expectation] = []
    for index, line in enumerate(lines):
        match = _COMMENT.search(line.rstrip(_TRAILING_SPACE))
        if match is None:
            for expectation in waiting_for_next_line:
                expectation.line = index + 1
            waiting_for_next_line.clear()
            last_plain_line = index
            continue
        severity, regex, _, where, body = match.groups()
        comment: Where = (file, index + 1, match.start() + 1)
        expectation = Expectation(severity, body, index + 1, comment)
        if regex:
            try:
                expectation.pattern = compile_expected_regex(body)
            except InvalidExpectation as problem:
                problems.append((str(problem), comment, len(body)))
                continue
        if where is None:
            pass
        elif where == "unknown":
            expectation.line = None
        elif where == "above":
            expectation.line = last_plain_line + 1
        elif where == "below":
            # A comment with no line below it points past the end, where nothing is.
            expectation.line = len(lines)
            waiting_for_next_line.append(expectation)
        else:
            offset = _line_count(where[1:])
            expectation.line = index + 1 + (offset if where[0] == "+" else -offset)
        expectations.append(expectation)
    return expectations, problems


def _line_count(digits: str) -> int:
    # mlir-opt reads the number with C's base prefixes: a leading 0 means octal.
    if len(digits) > 1 and digits[0] == "0" and all(d in "01234567" for d in digits):
        return int(digits, 8)
    return int(digits)


def compile_expected_regex(body: str) -> re.Pattern[str]:
    """The text of an `-re` comment as one pattern: `{{...}}` are regexes, the rest literal."""
    parts: list[str] = []
    rest = body
    while rest:
        start = rest.find("{{")
        if start < 0:
            parts.append(re.escape(rest))
            break
        parts.append(re.escape(rest[:start]))
        rest = rest[start + 2 :]
        end = rest.find("}}")
        if end < 0:
            raise InvalidExpectation("found start of regex with no end '}}'")
        fragment = posix_to_python(rest[:end])
        try:
            re.compile(fragment)
        except re.error as error:
            raise InvalidExpectation(f"invalid regex: {_posix_wording(error)}") from None
        parts.append(f"({fragment})")
        rest = rest[end + 2 :]
    return re.compile("".join(parts))


_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "blank": " \\t",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "\\x21-\\x7e",
    "lower": "a-z",
    "print": "\\x20-\\x7e",
    "punct": "!-/:-@\\[-`{-~",
    "space": " \\t\\n\\r\\f\\v",
    "upper": "A-Z",
    "xdigit": "0-9A-Fa-f",
}


def posix_to_python(pattern: str) -> str:
    """A POSIX extended regex in Python's syntax: bracket expressions are what differ.

    Inside brackets POSIX has character classes (`[[:alpha:]]`) and no escapes, so
    a backslash there is literal; Python needs those spelt out.
    """
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
        elif c == "[":
            i = _bracket(pattern, i + 1, out)
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _bracket(pattern: str, i: int, out: list[str]) -> int:
    """Translate the bracket expression starting after `[`; return the index after `]`."""
    out.append("[")
    if pattern.startswith("^", i):
        out.append("^")
        i += 1
    if pattern.startswith("]", i):
        out.append("\\]")
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        if pattern.startswith("[:", i):
            end = pattern.find(":]", i + 2)
            name = pattern[i + 2 : end] if end >= 0 else ""
            if name not in _POSIX_CLASSES:
                raise InvalidExpectation("invalid regex: invalid character class")
            out.append(_POSIX_CLASSES[name])
            i = end + 2
            continue
        c = pattern[i]
        out.append("\\" + c if c in "\\[&~|" else c)
        i += 1
    if i >= len(pattern):
        raise InvalidExpectation("invalid regex: brackets ([ ]) not balanced")
    out.append("]")
    return i + 1


def _posix_wording(error: re.error) -> str:
    """Python's complaint about a pattern, in the words of the POSIX regex library."""
    text = error.msg
    if "parenthesis" in text or "subpattern" in text:
        return "parentheses not balanced"
    if "nothing to repeat" in text or "multiple repeat" in text:
        return "repetition-operator operand invalid"
    if "character range" in text:
        return "invalid character range"
    if "end of pattern" in text:
        return "trailing backslash (\\)"
    return text


class DiagnosticVerifier:
    """Matches diagnostics with the expectations of one input, as they are emitted.

    Each method returns the report to print (empty when all is well); `failed`
    says whether anything was reported, which makes the tool exit with status 1.
    With `only_expected`, diagnostics that no comment expects are let through.
    """

    def __init__(self, text: str, file: str, sources: Sources, only_expected: bool = False):
        self.file = file
        self.sources = sources
        self.only_expected = only_expected
        expectations, problems = parse_expectations(text, file)
        self.located = [e for e in expectations if e.line is not None]
        self.unknown = [e for e in expectations if e.line is None]
        self.failed = bool(problems)
        self.problems = "".join(self._error(msg, where, length) for msg, where, length in problems)

    def process(self, diagnostic: Diagnostic) -> str:
        """Match a diagnostic and each of its notes; report what no comment expects."""
        report = self._process_one(diagnostic.severity, diagnostic.message, diagnostic.location)
        if report:
            report += "".join(f"note: {hint}\n" for hint in diagnostic.hints)
        for note in diagnostic.notes:
            report += self._process_one(note.severity, note.message, note.location)
        return report

    def finish(self) -> str:
        """Report each expectation that no diagnostic matched."""
        report = ""
        for e in self.located + self.unknown:
            if not e.matched:
                self.failed = True
                where = e.comment if e.line is not None else None
                message = f'expected {e.severity} "{e.text}" was not produced'
                report += self._error(message, where, len(e.text))
        return report

    def _process_one(self, severity: str, message: str, where: Where | None) -> str:
        if where is None:
            candidates = self.unknown
        elif where[0] == self.file:
            candidates = [e for e in self.located if e.line == where[1]]
        else:
            candidates = []
        near_miss: Expectation | None = None
        # As in mlir-opt, a comment already matched may match again (the same error
        # reported twice on one line needs one comment).
        for e in candidates:
            if e.matches(message):
                if e.severity == severity:
                    e.matched = True
                    return ""
                near_miss = e
        if self.only_expected:
            return ""
        self.failed = True
        if near_miss is not None:
            return self._error(
                f"'{severity}' diagnostic emitted when expecting a '{near_miss.severity}'",
                near_miss.comment if near_miss.line is not None else None,
            )
        return self._error(f"unexpected {severity}: {message}", where)

    def _error(self, message: str, where: Where | None, length: int = 1) -> str:
        if where is None:
            return f"<unknown>:0: error: {message}\n"
        file, line, col = where
        quote = self.sources.quote(file, line, col)
        if quote and length > 1:
            quote = quote[:-1] + "~" * (length - 1) + "\n"
        return f"{file}:{line}:{col}: error: {message}\n{quote}"
