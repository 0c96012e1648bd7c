"""The `device` dialect's attributes: targets, memory spaces, hardware dimensions.

One table, `TARGETS`, says what each target kind accepts (its options, its
memory spaces, the hardware dimensions a parallel loop may be mapped to), so
that the verifiers of every op and the passes ask the same question the same
way. Adding a target means adding one `TargetInfo`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from xdsl.dialects.builtin import DictionaryAttr, IntegerAttr, StringAttr
from xdsl.ir import Attribute, ParametrizedAttribute
from xdsl.irdl import irdl_attr_definition
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

MEMORY_SPACES = ("host", "global", "shared", "local", "scratchpad", "accumulator")
"""Every memory space a memref may live in; which are usable depends on the target."""

DIMS = (
    "sequential",
    "thread",
    "simd",
    "block_x",
    "block_y",
    "block_z",
    "thread_x",
    "thread_y",
    "thread_z",
    "mxu_row",
    "mxu_col",
)
"""Every hardware dimension a `device.parallel` dimension may be mapped to."""


@dataclass(frozen=True)
class TargetInfo:
    """What one target kind accepts."""

    options: tuple[str, ...]
    """Option names; every option is an integer."""
    memory_spaces: tuple[str, ...]
    dims: tuple[str, ...]
    unique_dims: bool
    """Whether a hardware dimension may index at most one loop dimension of a nest."""
    may_be_zero: tuple[str, ...] = ()
    """Options for which 0 is meaningful (the others must be positive)."""


TARGETS: dict[str, TargetInfo] = {
    "cpu": TargetInfo(
        options=("num_threads", "vector_width"),
        memory_spaces=("host", "global"),
        dims=("sequential", "thread", "simd"),
        unique_dims=False,
    ),
    "cuda": TargetInfo(
        options=("sm", "max_threads_per_block"),
        memory_spaces=("host", "global", "shared", "local"),
        dims=(
            "sequential",
            "block_x",
            "block_y",
            "block_z",
            "thread_x",
            "thread_y",
            "thread_z",
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
        memory_spaces=("host", "global", "scratchpad", "accumulator"),
        dims=("sequential", "mxu_row", "mxu_col"),
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


class _KeywordAttr(ParametrizedAttribute):
    """An attribute holding one keyword out of a fixed list: `#device.NAME<keyword>`."""

    KEYWORDS: ClassVar[tuple[str, ...]]
    WHAT: ClassVar[str]
    """What the keyword names, for messages ("a memory space")."""

    @property
    def keyword(self) -> str:
        value = self.parameters[0]
        assert isinstance(value, StringAttr)
        return value.data

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            return (StringAttr(_parse_keyword_in(parser, cls.KEYWORDS, cls.WHAT)),)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string(self.keyword)

    def verify(self) -> None:
        if self.keyword not in self.KEYWORDS:
            raise VerifyException(
                f"unknown {self.WHAT.removeprefix('a ')} '{self.keyword}', expected one of: "
                + ", ".join(self.KEYWORDS)
            )


@irdl_attr_definition
class MemorySpaceAttr(_KeywordAttr):
    """`#device.memory_space<shared>`: a memref's memory space on a device."""

    name = "device.memory_space"
    KEYWORDS = MEMORY_SPACES
    WHAT = "a memory space"

    space: StringAttr

    def __init__(self, space: str | StringAttr):
        super().__init__(StringAttr(space) if isinstance(space, str) else space)


@irdl_attr_definition
class DimAttr(_KeywordAttr):
    """`#device.dim<thread>`: the hardware dimension one parallel loop dimension runs on."""

    name = "device.dim"
    KEYWORDS = DIMS
    WHAT = "a hardware dimension"

    dim: StringAttr

    def __init__(self, dim: str | StringAttr):
        super().__init__(StringAttr(dim) if isinstance(dim, str) else dim)


def memory_space_of(memref_type: Attribute) -> str | None:
    """The device memory space of a memref type, or None when it has none (host)."""
    space = getattr(memref_type, "memory_space", None)
    return space.space.data if isinstance(space, MemorySpaceAttr) else None
