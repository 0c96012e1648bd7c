"""Build ziggurat's version of an upstream dialect from xDSL's."""

from __future__ import annotations

from collections.abc import Iterable

from xdsl.ir import Attribute, Dialect, Operation


def extend_dialect(
    base: Dialect,
    ops: Iterable[type[Operation]],
    attributes: Iterable[type[Attribute]] = (),
) -> Dialect:
    """`base` with each op in `ops` replacing the op of the same name, or added;
    `attributes` are added to the dialect's own."""
    by_name = {op.name: op for op in ops}
    merged = [by_name.pop(op.name, op) for op in base.operations]
    return Dialect(base.name, [*merged, *by_name.values()], [*base.attributes, *attributes])
