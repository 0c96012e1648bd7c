"""`--list-dialects/passes/targets`: what the installed universes provide."""

from __future__ import annotations

from ziggurat.universe import Registry


def print_listing(registry: Registry, dialects: bool, passes: bool, targets: bool) -> None:
    sections = [
        ("Dialects", "dialect", registry.dialects, dialects),
        ("Passes", "pass", registry.passes, passes),
        ("Targets", "target", registry.targets, targets),
    ]
    for title, kind, table, wanted in sections:
        if not wanted:
            continue
        print(f"{title}:")
        width = max((len(n) for n in table), default=0)
        for name in sorted(table):
            print(f"  {name.ljust(width)}  ({registry.origin[kind, name]})")
