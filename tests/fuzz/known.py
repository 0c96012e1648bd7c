"""Findings that are known and not yet fixed, each with its reason (`known_findings.toml`).

A bad run that matches an entry (its command, its class, and a regular expression
searched in its stderr) is reported as known and does not fail the run. An entry
says why it is there; remove it with the fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

KNOWN_FILE = Path(__file__).with_name("known_findings.toml")


@dataclass(frozen=True)
class Known:
    """One known finding."""

    command: str
    """A regular expression matched against the command's label (`run --target mxu`)."""
    outcome: str
    stderr: str
    """A regular expression searched in the tool's stderr."""
    reason: str

    def matches(self, command: str, outcome: str, stderr: str) -> bool:
        return (
            re.fullmatch(self.command, command) is not None
            and outcome == self.outcome
            and re.search(self.stderr, stderr) is not None
        )


def load(path: Path = KNOWN_FILE) -> list[Known]:
    """The entries of `path` (none if it does not exist)."""
    if not path.exists():
        return []
    with path.open("rb") as f:
        entries = tomllib.load(f).get("finding", [])
    return [Known(e["command"], e["outcome"], e["stderr"], e["reason"]) for e in entries]


def reason_for(known: list[Known], command: str, outcome: str, stderr: str) -> str | None:
    """The reason of the first entry that matches, or None."""
    for entry in known:
        if entry.matches(command, outcome, stderr):
            return entry.reason
    return None
