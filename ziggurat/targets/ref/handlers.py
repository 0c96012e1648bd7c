"""Op handlers, registered per op class and found by op name.

A handler `(ctx, env, op, vals) -> results` runs one op: `ctx` is what runs
it (the `Interpreter`, or a cuda kernel's `Threads`), `env` maps SSA values
to runtime values, `vals` are the operands' values. Registering a handler
for op classes types its `op` parameter as those classes, so pyright checks
its body against their fields; lookup is by `op.name` (one dict access, as
dispatch needs), with an `isinstance` check when the handler is looked up,
so an op that merely shares a registered name is reported, not misread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, NamedTuple, TypeAlias, TypeVar, cast

from xdsl.ir import Operation

from ziggurat.diagnostics import CompileError

Value: TypeAlias = Any
"""A runtime value: numpy scalar or array, `Buffer`, or a kernel's `View`/`Fragment`."""

Env: TypeAlias = dict[Any, Value]
"""SSA value -> runtime value (and a few private keys, such as linalg's box)."""

Values: TypeAlias = Sequence[Value]
"""The runtime values of an op's operands, in order."""

Results: TypeAlias = Sequence[Value] | None
"""The runtime values of an op's results, in order."""

CtxT = TypeVar("CtxT")
OpT = TypeVar("OpT", bound=Operation)
OtherCtxT = TypeVar("OtherCtxT")

Handler: TypeAlias = Callable[[CtxT, Env, OpT, Values], Results]
"""Runs one op of class `OpT` for the runner `CtxT`."""


class _Entry(NamedTuple, Generic[CtxT]):
    classes: tuple[type[Operation], ...]
    handler: Handler[CtxT, Any]


class OpHandlers(Generic[CtxT]):
    """Handlers by op name, each checked against the op classes it was written for."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry[CtxT]] = {}

    def on(self, *classes: type[OpT]) -> Callable[[Handler[CtxT, OpT]], Handler[CtxT, OpT]]:
        """Register the decorated handler for `classes` (its `op`: their union)."""

        def register(handler: Handler[CtxT, OpT]) -> Handler[CtxT, OpT]:
            for cls in classes:
                self.add(cls, handler)
            return handler

        return register

    def add(self, cls: type[OpT], handler: Handler[CtxT, OpT]) -> None:
        """Register `handler` for the ops named `cls.name`; they must be instances of `cls`."""
        self._put(cls.name, _Entry((cls,), handler))

    def add_name(self, name: str, handler: Handler[CtxT, Operation]) -> None:
        """Register `handler` for ops named `name` of any class: for names that no
        dialect ziggurat loads defines (xDSL 0.74 has no `math.isnan`), which only
        another dialect's class could carry."""
        self._put(name, _Entry((Operation,), handler))

    def _put(self, name: str, entry: _Entry[CtxT]) -> None:
        known = self._entries.get(name)
        if known is not None and known.handler is not entry.handler:
            raise ValueError(f"two handlers for '{name}'")
        classes = entry.classes if known is None else (*known.classes, *entry.classes)
        self._entries[name] = _Entry(classes, entry.handler)

    def update(self, other: OpHandlers[CtxT]) -> None:
        """Add every handler of `other`."""
        for name, entry in other._entries.items():
            self._put(name, entry)

    def subset(self, *names: str) -> OpHandlers[CtxT]:
        """The handlers of the ops `names` only."""
        table: OpHandlers[CtxT] = OpHandlers()
        for name in names:
            table._put(name, self._entries[name])
        return table

    def without(self, *names: str) -> OpHandlers[CtxT]:
        """The handlers of every op but `names`."""
        table: OpHandlers[CtxT] = OpHandlers()
        for name, entry in self._entries.items():
            if name not in names:
                table._put(name, entry)
        return table

    def wrapped(
        self, wrap: Callable[[Handler[CtxT, Operation], str], Handler[OtherCtxT, Operation]]
    ) -> OpHandlers[OtherCtxT]:
        """The same ops and classes, each handler replaced by `wrap(handler, name)`."""
        table: OpHandlers[OtherCtxT] = OpHandlers()
        for name, entry in self._entries.items():
            table._put(name, _Entry(entry.classes, wrap(entry.handler, name)))
        return table

    def get(self, op: Operation) -> Handler[CtxT, Operation] | None:
        """The handler of `op`, None if its name has none; an error if its class is wrong."""
        entry = self._entries.get(op.name)
        if entry is None:
            return None
        if not isinstance(op, entry.classes):
            expected = " or ".join(f"{c.__module__}.{c.__qualname__}" for c in entry.classes)
            raise CompileError(
                f"ref: cannot execute '{op.name}': it is a {type(op).__module__}."
                f"{type(op).__qualname__}, not the {expected} its handler is written for",
                op,
            )
        return cast("Handler[CtxT, Operation]", entry.handler)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        """The op names handled."""
        return iter(self._entries)
