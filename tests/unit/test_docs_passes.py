"""docs/passes.md names every pass ziggurat registers, with every option and its default."""

from __future__ import annotations

import dataclasses
import re

import pytest
from paths import ROOT

from ziggurat.universe import ZIGGURAT_UNIVERSE

PASSES = sorted(ZIGGURAT_UNIVERSE.all_passes.items())


def _row(name: str) -> str:
    """The table row of docs/passes.md whose first cell is the pass (or pipeline) `name`."""
    text = (ROOT / "docs" / "passes.md").read_text(encoding="utf-8")
    rows = re.findall(rf"^\| `{re.escape(name)}(?:{{[^`]*}})?` \|.*$", text, re.MULTILINE)
    assert rows, f"docs/passes.md has no row for '{name}'"
    return rows[0]


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        items: tuple[object, ...] = value  # pyright: ignore[reportUnknownVariableType]
        return ",".join(str(v) for v in items)
    return '""' if value == "" else str(value)


@pytest.mark.parametrize("name, factory", PASSES, ids=[name for name, _ in PASSES])
def test_every_option_is_documented_with_its_default(name: str, factory: object) -> None:
    row = _row(name)
    assert callable(factory)
    cls = factory()
    assert dataclasses.is_dataclass(cls)
    for option in dataclasses.fields(cls):
        if option.name == "name":
            continue
        flag = option.name.replace("_", "-")
        assert re.search(rf"\b{re.escape(flag)}\b", row), f"'{name}': option '{flag}' missing"
        default = option.default
        if default is dataclasses.MISSING or default in (None, ()):
            continue  # shown as "none" with its meaning
        if name.endswith("-pipeline") and f"{flag}=" not in row:
            continue  # a pipeline row may pass an option through by name only
        assert f"{flag}={_shown(default)}" in row, (
            f"'{name}': option '{flag}' is not shown with its default {_shown(default)}"
        )
