"""The summary a campaign prints: counts per class and per command, then examples."""

from __future__ import annotations

from collections import Counter, defaultdict

from tests.fuzz.campaign import Finding
from tests.fuzz.classify import Outcome, first_error

EXAMPLES = 3
"""Examples shown for each bad class."""


def table(findings: list[Finding]) -> str:
    """Counts of each class (columns) for each command (rows), with totals."""
    classes = [o.value for o in Outcome]
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for f in findings:
        counts[f.command][f.outcome] += 1
    width = max([len("command"), len("total"), *(len(c) for c in counts)])
    lines = [f"{'command':<{width}}" + "".join(f"{c:>11}" for c in classes)]
    for command in sorted(counts):
        lines.append(f"{command:<{width}}" + "".join(f"{counts[command][c]:>11}" for c in classes))
    total = Counter(f.outcome for f in findings)
    lines.append(f"{'total':<{width}}" + "".join(f"{total[c]:>11}" for c in classes))
    return "\n".join(lines) + "\n"


def examples(bad: list[tuple[Finding, str, str | None]]) -> str:
    """The first few examples of each bad class: command, seed, operators, first error.

    `bad` holds each bad finding, the file it was saved to, and its known-finding
    reason (None when it is new).
    """
    by_class: dict[str, list[tuple[Finding, str, str | None]]] = defaultdict(list)
    for item in bad:
        by_class[item[0].outcome].append(item)
    parts = []
    for outcome in (o.value for o in Outcome if o.bad):
        items = by_class.get(outcome, [])
        if not items:
            continue
        new = sum(1 for _, _, reason in items if reason is None)
        parts.append(f"{outcome}: {len(items)} ({new} new, {len(items) - new} known)")
        for finding, saved, reason in items[:EXAMPLES]:
            parts.append(f"  #{finding.index} {finding.command} on a mutant of {finding.seed}")
            parts.append(f"    operators: {finding.operators}; kept as {saved}")
            parts.append(f"    {first_error(finding.stderr) or '(no output)'}")
            if reason:
                parts.append(f"    known: {reason}")
    return "\n".join(parts) + ("\n" if parts else "")
