"""The `cuda` dialect's attributes and types: dimensions, shuffle modes, WMMA fragments."""

from __future__ import annotations

from collections.abc import Sequence
from enum import auto

from xdsl.dialects.builtin import (
    BFloat16Type,
    Float16Type,
    Float32Type,
    StringAttr,
)
from xdsl.dialects.utils import EnumAttribute
from xdsl.ir import (
    Attribute,
    ParametrizedAttribute,
    SpacedOpaqueSyntaxAttribute,
    TypeAttribute,
)
from xdsl.irdl import (
    irdl_attr_definition,
)
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.str_enum import StrEnum

# Attributes and types -----------------------------------------------------------------


class Dimension(StrEnum):
    X = auto()
    Y = auto()
    Z = auto()


@irdl_attr_definition
class DimensionAttr(EnumAttribute[Dimension], SpacedOpaqueSyntaxAttribute):
    """`x`, `y` or `z`: a component of threadIdx, blockIdx, blockDim or gridDim."""

    name = "cuda.dim"


class ShuffleMode(StrEnum):
    XOR = auto()
    DOWN = auto()
    UP = auto()
    IDX = auto()


@irdl_attr_definition
class ShuffleModeAttr(EnumAttribute[ShuffleMode], SpacedOpaqueSyntaxAttribute):
    """Which lane a `cuda.shuffle` reads: `xor` (lane ^ n), `down` (lane + n), `up`, `idx` (n)."""

    name = "cuda.shuffle_mode"


FRAGMENT_SHAPE = (16, 16, 16)
"""The WMMA shape every fragment has (m16n16k16)."""


class FragmentRole(StrEnum):
    """Which WMMA operand a fragment holds."""

    A = "a"
    B = "b"
    ACCUMULATOR = "accumulator"


class FragmentLayout(StrEnum):
    """How an `a` or `b` fragment is laid out in memory (the accumulator has none)."""

    ROW_MAJOR = "row_major"
    COL_MAJOR = "col_major"


@irdl_attr_definition
class FragmentRoleAttr(EnumAttribute[FragmentRole]):
    """A fragment's role, held by `!cuda.fragment` (which prints it bare)."""

    name = "cuda.fragment_role"


FRAGMENT_ROLES: tuple[FragmentRole, ...] = tuple(FragmentRole)
FRAGMENT_LAYOUTS: tuple[FragmentLayout, ...] = tuple(FragmentLayout)


@irdl_attr_definition
class FragmentType(ParametrizedAttribute, TypeAttribute):
    """`!cuda.fragment<a, bf16, row_major>`, `!cuda.fragment<accumulator, f32>`.

    A warp's share of one 16x16 WMMA tile: operand `a` (16x16 of M x K), `b`
    (K x N) or the `accumulator` (M x N, f32), as `nvcuda::wmma::fragment`.
    """

    name = "cuda.fragment"

    role: FragmentRoleAttr
    element_type: Attribute
    layout: StringAttr
    """A `FragmentLayout`, or empty for the accumulator."""

    def __init__(
        self, role: FragmentRole | str, element_type: Attribute, layout: FragmentLayout | str = ""
    ):
        super().__init__(FragmentRoleAttr(FragmentRole(role)), element_type, StringAttr(layout))

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            pos = parser.pos
            role = parser.parse_identifier()
            if role not in FRAGMENT_ROLES:
                parser.raise_error(
                    "expected a fragment role, one of: " + ", ".join(FRAGMENT_ROLES),
                    pos,
                    parser.pos,
                )
            parser.parse_punctuation(",")
            element = parser.parse_type()
            layout = ""
            if parser.parse_optional_punctuation(",") is not None:
                layout = parser.parse_identifier()
        return (FragmentRoleAttr(FragmentRole(role)), element, StringAttr(layout))

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string(f"{self.role.data}, ")
            printer.print_attribute(self.element_type)
            if self.layout.data:
                printer.print_string(f", {self.layout.data}")

    def verify(self) -> None:
        role, layout = self.role.data, self.layout.data
        if role is FragmentRole.ACCUMULATOR:
            if not isinstance(self.element_type, Float32Type):
                raise VerifyException("expects an f32 accumulator fragment")
            if layout:
                raise VerifyException("expects no layout on an accumulator fragment")
            return
        if not isinstance(self.element_type, BFloat16Type | Float16Type):
            raise VerifyException(f"expects a bf16 or f16 '{role}' fragment")
        if layout not in FRAGMENT_LAYOUTS:
            raise VerifyException(
                f"expects the layout of a '{role}' fragment: " + ", ".join(FRAGMENT_LAYOUTS)
            )
