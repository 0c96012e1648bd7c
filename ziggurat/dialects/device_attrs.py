"""The `device` dialect's attributes: targets, memory spaces, hardware dimensions.

One table, `TARGETS`, says what each target kind accepts (its options, its
memory spaces, the hardware dimensions a parallel loop may be mapped to), so
that the verifiers of every op and the passes ask the same question the same
way. Adding a target means adding one `TargetInfo`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.dialects.builtin import DictionaryAttr, IntegerAttr, StringAttr
from xdsl.dialects.utils import EnumAttribute
from xdsl.ir import Attribute, ParametrizedAttribute
from xdsl.irdl import irdl_attr_definition
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.str_enum import StrEnum


class MemorySpace(StrEnum):
    """Every memory space a memref may live in; which are usable depends on the target."""

    HOST = "host"
    GLOBAL = "global"
    SHARED = "shared"
    LOCAL = "local"
    SCRATCHPAD = "scratchpad"
    ACCUMULATOR = "accumulator"


class Dim(StrEnum):
    """Every hardware dimension a `device.parallel` dimension may be mapped to."""

    SEQUENTIAL = "sequential"
    THREAD = "thread"
    SIMD = "simd"
    BLOCK_X = "block_x"
    BLOCK_Y = "block_y"
    BLOCK_Z = "block_z"
    THREAD_X = "thread_x"
    THREAD_Y = "thread_y"
    THREAD_Z = "thread_z"
    MXU_ROW = "mxu_row"
    MXU_COL = "mxu_col"


MEMORY_SPACES: tuple[MemorySpace, ...] = tuple(MemorySpace)
DIMS: tuple[Dim, ...] = tuple(Dim)


@dataclass(frozen=True)
class TargetInfo:
    """What one target kind accepts."""

    options: tuple[str, ...]
    """Option names; every option is an integer."""
    memory_spaces: tuple[MemorySpace, ...]
    dims: tuple[Dim, ...]
    unique_dims: bool
    """Whether a hardware dimension may index at most one loop dimension of a nest."""
    may_be_zero: tuple[str, ...] = ()
    """Options for which 0 is meaningful (the others must be positive)."""


TARGETS: dict[str, TargetInfo] = {
    "cpu": TargetInfo(
        options=("num_threads", "vector_width"),
        memory_spaces=(MemorySpace.HOST, MemorySpace.GLOBAL),
        dims=(Dim.SEQUENTIAL, Dim.THREAD, Dim.SIMD),
        unique_dims=False,
    ),
    "cuda": TargetInfo(
        options=("sm", "max_threads_per_block"),
        memory_spaces=(MemorySpace.HOST, MemorySpace.GLOBAL, MemorySpace.SHARED, MemorySpace.LOCAL),
        dims=(
            Dim.SEQUENTIAL,
            Dim.BLOCK_X,
            Dim.BLOCK_Y,
            Dim.BLOCK_Z,
            Dim.THREAD_X,
            Dim.THREAD_Y,
            Dim.THREAD_Z,
        ),
        unique_dims=True,
    ),
    "mxu": TargetInfo(
        # The fields of ziggurat.hardware.mxu.config.MxuConfig (booleans as 0 or 1).
        options=(
            "rows",
            "cols",
            "scratchpad_kib",
            "accumulator_kib",
            "dram_mib",
            "dma_bytes_per_cycle",
            "dma_latency",
            "weight_load_cycles",
            "double_buffer_weights",
            "activation_latency",
        ),
        memory_spaces=(
            MemorySpace.HOST,
            MemorySpace.GLOBAL,
            MemorySpace.SCRATCHPAD,
            MemorySpace.ACCUMULATOR,
        ),
        dims=(Dim.SEQUENTIAL, Dim.MXU_ROW, Dim.MXU_COL),
        unique_dims=True,
        may_be_zero=("dma_latency", "weight_load_cycles", "double_buffer_weights"),
    ),
}


def _parse_keyword_in(parser: AttrParser, allowed: Sequence[str], what: str) -> str:
    pos = parser.pos
    word = parser.parse_optional_identifier()
    if word is None or word not in allowed:
        parser.raise_error(f"expected {what}, one of: " + ", ".join(allowed), pos, parser.pos)
    return word


@irdl_attr_definition
class TargetAttr(ParametrizedAttribute):
    """`#device.target<cpu>`, `#device.target<cuda, {sm = 80 : i64}>`: where a launch runs."""

    name = "device.target"

    kind: StringAttr
    options: DictionaryAttr

    def __init__(
        self, kind: str | StringAttr, options: dict[str, int] | DictionaryAttr | None = None
    ):
        if isinstance(kind, str):
            kind = StringAttr(kind)
        if not isinstance(options, DictionaryAttr):
            options = DictionaryAttr({k: IntegerAttr(v, 64) for k, v in (options or {}).items()})
        super().__init__(kind, options)

    @property
    def info(self) -> TargetInfo:
        return TARGETS[self.kind.data]

    def option(self, name: str) -> int | None:
        value = self.options.data.get(name)
        return value.value.data if isinstance(value, IntegerAttr) else None

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            kind = _parse_keyword_in(parser, tuple(TARGETS), "a target kind")
            options = DictionaryAttr({})
            if parser.parse_optional_punctuation(",") is not None:
                options = parser.parse_attribute()
                if not isinstance(options, DictionaryAttr):
                    parser.raise_error("expected a dictionary of target options")
        return (StringAttr(kind), options)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string(self.kind.data)
            if self.options.data:
                printer.print_string(", ")
                printer.print_attribute(self.options)

    def verify(self) -> None:
        kind = self.kind.data
        if kind not in TARGETS:
            raise VerifyException(
                f"unknown target kind '{kind}', expected one of: " + ", ".join(TARGETS)
            )
        info = TARGETS[kind]
        for option, value in self.options.data.items():
            if option not in info.options:
                raise VerifyException(
                    f"target '{kind}' has no option '{option}', expected one of: "
                    + ", ".join(info.options)
                )
            if option in info.may_be_zero:
                if not isinstance(value, IntegerAttr) or value.value.data < 0:
                    raise VerifyException(f"target option '{option}' must be an integer >= 0")
            elif not isinstance(value, IntegerAttr) or value.value.data <= 0:
                raise VerifyException(f"target option '{option}' must be a positive integer")


@irdl_attr_definition
class MemorySpaceAttr(EnumAttribute[MemorySpace]):
    """`#device.memory_space<shared>`: a memref's memory space on a device."""

    name = "device.memory_space"

    def __init__(self, space: MemorySpace | str):
        super().__init__(MemorySpace(space))

    @classmethod
    def parse_parameter(cls, parser: AttrParser) -> MemorySpace:
        with parser.in_angle_brackets():
            return MemorySpace(_parse_keyword_in(parser, MEMORY_SPACES, "a memory space"))

    def print_parameter(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string(self.data.value)


@irdl_attr_definition
class DimAttr(EnumAttribute[Dim]):
    """`#device.dim<thread>`: the hardware dimension one parallel loop dimension runs on."""

    name = "device.dim"

    def __init__(self, dim: Dim | str):
        super().__init__(Dim(dim))

    @classmethod
    def parse_parameter(cls, parser: AttrParser) -> Dim:
        with parser.in_angle_brackets():
            return Dim(_parse_keyword_in(parser, DIMS, "a hardware dimension"))

    def print_parameter(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string(self.data.value)


def memory_space_of(memref_type: Attribute) -> MemorySpace | None:
    """The device memory space of a memref type, or None when it has none (host)."""
    space = getattr(memref_type, "memory_space", None)
    return space.data if isinstance(space, MemorySpaceAttr) else None
