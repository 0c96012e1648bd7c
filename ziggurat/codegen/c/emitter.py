"""The per-function emission state: C lines, names, values, views, used helpers.

Handlers (one module per dialect family) receive a `FunctionEmitter` and the op;
every SSA scalar becomes a C expression (a literal for constants, else a local
variable), every memref a `View`. A handler is registered for the op classes it
handles (`EmitHandlers.on`), so it reads the op's fields with their types.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar

from xdsl.dialects.func import FuncOp
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.traits import IsTerminator

from ziggurat.codegen.c.ctypes_map import c_type
from ziggurat.codegen.c.names import NameTable
from ziggurat.codegen.c.views import View
from ziggurat.diagnostics import CompileError, location_of

OpT = TypeVar("OpT", bound=Operation)

Handler = Callable[["FunctionEmitter", Operation], None]
"""A handler as dispatch calls it: on any op (it checks the op's class itself)."""

TypedHandler = Callable[["FunctionEmitter", OpT], None]
"""A handler as it is written: on the op classes it is registered for."""


class EmitHandlers(Mapping[str, Handler]):
    """The handlers of a C-family emitter, by op name.

    `on` registers a handler for op classes, under each class's name; dispatch
    looks the name up and refuses an op of that name that is not an instance of
    the class (an op defined elsewhere under a taken name), rather than letting
    the handler read fields the op lacks. Tables combine like dicts:
    `EmitHandlers(a, b)` holds both, `b` winning, and `on` replaces.
    """

    def __init__(self, *tables: EmitHandlers) -> None:
        self._handlers: dict[str, Handler] = {}
        for table in tables:
            self._handlers.update(table._handlers)

    def on(self, *classes: type[OpT]) -> Callable[[TypedHandler[OpT]], TypedHandler[OpT]]:
        """Register the decorated handler for `classes` (its `op` is their union)."""

        def register(handler: TypedHandler[OpT]) -> TypedHandler[OpT]:
            for cls in classes:
                self._handlers[cls.name] = _checked(cls, handler)
            return handler

        return register

    def __getitem__(self, name: str) -> Handler:
        return self._handlers[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._handlers)

    def __len__(self) -> int:
        return len(self._handlers)


def _checked(cls: type[OpT], handler: TypedHandler[OpT]) -> Handler:
    """`handler` on any op: an op of `cls`'s name but not of `cls` is refused, located."""

    def emit(em: FunctionEmitter, op: Operation) -> None:
        if not isinstance(op, cls):
            raise CompileError(
                f"c: cannot emit '{op.name}': it is a {_qualified(type(op))}, "
                f"not a {_qualified(cls)}",
                op,
            )
        handler(em, op)

    return emit


def _qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


class FunctionEmitter:
    """Emits the body of one function; `handlers` maps op names to their emitters."""

    def __init__(
        self,
        handlers: EmitHandlers,
        helpers: set[str],
        globals_: dict[str, View],
        functions: dict[str, FuncOp],
    ):
        self.handlers = handlers
        self.helpers = helpers
        self.globals = globals_
        self.functions = functions
        self.names = NameTable()
        self.lines: list[str] = []
        self.depth = 1
        self.values: dict[SSAValue, str] = {}
        self.views: dict[SSAValue, View] = {}
        self.parallel_depth = 0
        self.loop_depth = 0
        self.simd_depth = 0
        """Nesting of `omp simd` loops (OpenMP allows no parallel or simd region in them)."""
        self.results: list[str] = []
        """C names of the result out-parameters of the function being emitted."""
        self.returned_owners: set[int] = set()

    # Output ---------------------------------------------------------------------------

    def line(self, code: str) -> None:
        self.lines.append("  " * self.depth + code if code else "")

    @contextmanager
    def block(self, header: str) -> Iterator[None]:
        """`header {` ... `}` with the body indented."""
        self.line(f"{header} {{" if header else "{")
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
            self.line("}")

    def location_comment(self, op: Operation) -> None:
        loc = location_of(op)
        if loc is not None:
            self.line(f"// {loc}")

    def use(self, helper: str) -> str:
        """Mark a helper as used; its C name."""
        self.helpers.add(helper)
        return {"affine_floordiv": "zg_floordiv", "affine_ceildiv": "zg_ceildiv"}.get(
            helper, "zg_" + helper.removeprefix("affine_")
        )

    # Values -----------------------------------------------------------------------------

    def value(self, v: SSAValue) -> str:
        try:
            return self.values[v]
        except KeyError:
            raise CompileError("c: internal error: value used before it is emitted") from None

    def view(self, v: SSAValue) -> View:
        try:
            return self.views[v]
        except KeyError:
            raise CompileError("c: internal error: memref used before it is emitted") from None

    def fresh(self, v: SSAValue | None, fallback: str = "v") -> str:
        return self.names.fresh(None if v is None else v.name_hint, fallback)

    def bind(self, result: SSAValue, expr: str, op: Operation | None = None) -> str:
        """`const T name = expr;` for `result`; constants are kept as literals."""
        name = self.fresh(result)
        self.line(f"const {c_type(result.type, op)} {name} = {expr};")
        self.values[result] = name
        return name

    def declare(self, v: SSAValue | None, type_: Attribute, op: Operation, hint: str = "v") -> str:
        """A mutable local (loop-carried value, if result, reduction accumulator)."""
        name = self.fresh(v, hint)
        self.line(f"{c_type(type_, op)} {name};")
        return name

    # Ops ----------------------------------------------------------------------------------

    def emit_ops(self, block: Block) -> Operation | None:
        """Emit every op of `block` but its terminator; return the terminator."""
        last = block.last_op
        for op in block.ops:
            if op is last and op.has_trait(IsTerminator):
                return op
            self.emit_op(op)
        return None

    def emit_op(self, op: Operation) -> None:
        handler = self.handlers.get(op.name)
        if handler is None:
            hint = ""
            if op.name.split(".")[0] in ("linalg", "tensor", "bufferization"):
                hint = " (lower it first, e.g. with -p lower-to-affine)"
            raise CompileError(f"c: cannot emit '{op.name}'{hint}", op)
        handler(self, op)

    def assign_all(self, targets: list[str], sources: list[str], types: list[str]) -> None:
        """Parallel assignment `targets = sources` of C `types` (via temporaries if needed)."""
        triples = zip(targets, sources, types, strict=True)
        pairs = [(t, s, c) for t, s, c in triples if t != s]
        if len(pairs) > 1 and {t for t, _, _ in pairs} & {s for _, s, _ in pairs}:
            temps = []
            for t, s, c in pairs:
                tmp = self.names.fresh(f"{t}_next")
                self.line(f"{c} {tmp} = {s};")
                temps.append((t, tmp, c))
            pairs = temps
        for t, s, _ in pairs:
            self.line(f"{t} = {s};")
