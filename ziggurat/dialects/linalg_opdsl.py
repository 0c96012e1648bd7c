"""The language of the named-op table: one `NamedOpSpec` per linalg named op.

MLIR declares its named structured ops in one table (OpDSL): each op is its
loops, one subscript per operand, a scalar formula and its attributes, and
parsing, printing, verification and generalisation all follow from that.
Ziggurat's table is written the same way, in Python syntax that `ast` reads:

- `loops`: the loop names in MLIR's order, e.g. `"m n k"`; `None` for an
  elementwise op, which has one parallel loop per output dimension and the
  identity map on every operand;
- `ins` and `out`: subscripts such as `"A(m, k)"` or, in a window,
  `"I(n, oh*S0 + kh*D0, c)"`, where `S<i>` and `D<i>` are entry `i` of the
  op's `strides` and `dilations` (default 1); a bare name is an elementwise
  operand. A loop the output does not name is a reduction;
- `body`: the scalar formula, over the operand names: `+ - * /`, numbers,
  and the functions of `FUNCTIONS`; `cast(x)` converts to the output
  element type, signed or unsigned as the op's `cast` says.

The op classes are made from a spec by `named_op` (`linalg_structured` holds
their base class); the rows are in `linalg_contractions`,
`linalg_convolutions`, `linalg_poolings` and `linalg_elementwise`.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from xdsl.dialects.builtin import (
    AffineMapAttr,
    ArrayAttr,
    DenseIntElementsAttr,
    DenseIntOrFPElementsAttr,
)
from xdsl.dialects.utils import EnumAttribute
from xdsl.ir.affine import AffineConstantExpr, AffineDimExpr, AffineExpr, AffineMap
from xdsl.irdl import irdl_attr_definition, irdl_op_definition, opt_prop_def
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.utils.str_enum import StrEnum

if TYPE_CHECKING:
    from ziggurat.dialects.linalg_structured import StructuredOp


class TypeFn(StrEnum):
    """How an input is converted to the output element type (MLIR's `TypeFn`)."""

    CAST_SIGNED = "cast_signed"
    CAST_UNSIGNED = "cast_unsigned"


@irdl_attr_definition
class TypeFnAttr(EnumAttribute[TypeFn]):
    """`#linalg.type_fn<cast_signed>`: the `cast` attribute of matmul-like ops."""

    name = "linalg.type_fn"

    @classmethod
    def parse_parameter(cls, parser: AttrParser) -> TypeFn:
        with parser.in_angle_brackets():
            return super().parse_parameter(parser)

    def print_parameter(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            super().print_parameter(printer)


FUNCTIONS = (
    "cast",
    "max",
    "min",
    "max_unsigned",
    "min_unsigned",
    "div_unsigned",
    "abs",
    "ceil",
    "floor",
    "neg",
    "round",
    "sqrt",
    "rsqrt",
    "square",
    "tanh",
    "erf",
    "exp",
    "log",
    "powf",
    "select",
)
"""The functions a body formula may call (besides `+ - * /`)."""


@dataclass(frozen=True)
class Subscript:
    """One operand of a spec: its name, and its subscripts (None: elementwise)."""

    name: str
    indices: tuple[ast.expr, ...] | None


def parse_subscript(text: str) -> Subscript:
    tree = ast.parse(text, mode="eval").body
    if isinstance(tree, ast.Name):
        return Subscript(tree.id, None)
    if isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name):
        return Subscript(tree.func.id, tuple(tree.args))
    raise ValueError(f"bad operand subscript {text!r}")


@dataclass(frozen=True)
class NamedOpSpec:
    """One row of the table: everything there is to know about a named op."""

    name: str
    """The op's name without `linalg.`."""
    loops: str | None
    ins: tuple[str, ...]
    out: str
    body: str
    doc: str
    window: int = 0
    """How many entries `strides` and `dilations` have (0: the op has neither)."""
    cast: TypeFn = TypeFn.CAST_SIGNED
    """The conversion `cast(x)` performs, unless the op's `cast` attribute says otherwise."""
    cast_attr: bool = False
    """Whether the op takes MLIR's `cast = #linalg.type_fn<...>` attribute."""
    custom_maps: bool = False
    """Whether the op takes MLIR's `indexing_maps = [...]` (the matmul family)."""

    @cached_property
    def operands(self) -> tuple[Subscript, ...]:
        return tuple(parse_subscript(s) for s in (*self.ins, self.out))

    @cached_property
    def body_expr(self) -> ast.expr:
        return ast.parse(self.body, mode="eval").body

    @property
    def num_inputs(self) -> int:
        return len(self.ins)

    @property
    def is_elementwise(self) -> bool:
        return self.loops is None

    @cached_property
    def loop_names(self) -> tuple[str, ...]:
        return tuple((self.loops or "").split())

    def iterators(self, rank: int) -> str:
        """One letter per loop, `p`arallel or `r`eduction; `rank`: the output's."""
        if self.loops is None:
            return "p" * rank
        out = self.operands[-1]
        named = {n.id for e in out.indices or () for n in ast.walk(e) if isinstance(n, ast.Name)}
        return "".join("p" if loop in named else "r" for loop in self.loop_names)

    def maps(
        self, rank: int, strides: Sequence[int] = (), dilations: Sequence[int] = ()
    ) -> list[AffineMap]:
        """The indexing maps, for an output of `rank` and the given window attributes."""
        if self.loops is None:
            return [AffineMap.identity(rank) for _ in self.operands]
        window = {f"S{i}": s for i, s in enumerate(strides or [1] * self.window)}
        window |= {f"D{i}": d for i, d in enumerate(dilations or [1] * self.window)}
        num_loops = len(self.loop_names)
        return [
            AffineMap(num_loops, 0, tuple(self._affine(e, window) for e in s.indices or ()))
            for s in self.operands
        ]

    def _affine(self, expr: ast.expr, window: dict[str, int]) -> AffineExpr:
        if isinstance(expr, ast.Name):
            if expr.id in window:
                return AffineConstantExpr(window[expr.id])
            return AffineDimExpr(self.loop_names.index(expr.id))
        if isinstance(expr, ast.Constant) and isinstance(expr.value, int):
            return AffineConstantExpr(expr.value)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add | ast.Mult):
            lhs, rhs = self._affine(expr.left, window), self._affine(expr.right, window)
            return lhs + rhs if isinstance(expr.op, ast.Add) else lhs * rhs
        raise ValueError(f"{self.name}: bad subscript {ast.unparse(expr)}")


OpT = TypeVar("OpT", bound="StructuredOp")


def named_op(spec: NamedOpSpec) -> Callable[[type[OpT]], type[OpT]]:
    """Class decorator: give a `StructuredOp` subclass its name, row and properties."""

    def define(cls: type[OpT]) -> type[OpT]:
        cls.name = f"linalg.{spec.name}"
        cls.SPEC = spec
        # IRDL accepts an upper-case field only if it is annotated as a ClassVar.
        cls.__annotations__ = {**inspect.get_annotations(cls), "SPEC": "ClassVar"}
        if spec.window:
            cls.strides = opt_prop_def(DenseIntElementsAttr)  # pyright: ignore[reportAttributeAccessIssue]
            cls.dilations = opt_prop_def(DenseIntElementsAttr)  # pyright: ignore[reportAttributeAccessIssue]
        if spec.cast_attr:
            cls.cast = opt_prop_def(TypeFnAttr)  # pyright: ignore[reportAttributeAccessIssue]
        if spec.custom_maps:
            cls.indexing_maps = opt_prop_def(ArrayAttr[AffineMapAttr])  # pyright: ignore[reportAttributeAccessIssue]
        if not cls.__doc__ or cls.__doc__ is cls.__mro__[1].__doc__:
            cls.__doc__ = f"`linalg.{spec.name}`: {spec.doc}"
        return irdl_op_definition(cls)

    return define


def class_name(op_name: str) -> str:
    """`conv_2d_nhwc_hwcf` -> `Conv2DNhwcHwcfOp`, as the hand-written classes are named."""
    parts = [p.upper() if p[0].isdigit() else p.capitalize() for p in op_name.split("_")]
    return "".join(parts) + "Op"


def define_ops(
    base: type[StructuredOp], specs: Sequence[NamedOpSpec], module: str
) -> dict[str, type[StructuredOp]]:
    """One op class per row, each a subclass of `base`, by op name (without `linalg.`)."""
    ops: dict[str, type[StructuredOp]] = {}
    for spec in specs:
        cls = type(class_name(spec.name), (base,), {"__module__": module, "__doc__": None})
        ops[spec.name] = named_op(spec)(cls)
    return ops


def index_attr(attr: object, count: int) -> tuple[int, ...]:
    """The values of a `strides`/`dilations` property, or all ones when it is absent."""
    if isinstance(attr, DenseIntOrFPElementsAttr):
        return tuple(int(v) for v in attr.get_values())
    return (1,) * count
