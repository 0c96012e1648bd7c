"""What mxu ops check themselves against: the launch's machine and their DRAM buffers.

An op finds its machine in the enclosing `device.launch`'s target
(`#device.target<mxu, {...}>`, whose options are `MxuConfig` fields), and a
DRAM operand must be a dense, statically shaped memref of a type the unit moves.
"""

from __future__ import annotations

import math

from xdsl.dialects.builtin import BFloat16Type, Float32Type, IntegerAttr, IntegerType, MemRefType
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.utils.exceptions import VerifyException

from ziggurat.dialects.device import enclosing_launch
from ziggurat.dialects.device_attrs import MemorySpace, TargetAttr, memory_space_of
from ziggurat.hardware.mxu import isa
from ziggurat.hardware.mxu.config import ConfigError, MxuConfig


def config_of(target: TargetAttr) -> MxuConfig:
    """The machine an `#device.target<mxu, {...}>` describes (defaults: the edge preset)."""
    options: dict[str, int | bool] = {}
    for name, value in target.options.data.items():
        if isinstance(value, IntegerAttr):
            options[name] = value.value.data
    if "double_buffer_weights" in options:
        options["double_buffer_weights"] = bool(options["double_buffer_weights"])
    return MxuConfig().with_options(**options)


def target_of(config: MxuConfig) -> TargetAttr:
    """`#device.target<mxu, {...}>` holding the fields of `config` that differ from the default."""
    default = MxuConfig()
    options = {
        name: int(value)
        for name, value in config.to_dict().items()
        if value != getattr(default, name)
    }
    return TargetAttr("mxu", options)


def launch_config(op: Operation) -> MxuConfig:
    launch = enclosing_launch(op)
    if launch is None or launch.target.kind.data != "mxu":
        raise VerifyException("expects to be inside a 'device.launch' on target 'mxu'")
    try:
        return config_of(launch.target)
    except ConfigError as error:
        raise VerifyException(f"the launch's target is not a valid mxu config: {error}") from None


def dtype_of(element: Attribute) -> isa.DType | None:
    """The mxu data type of a memref element type, if the unit has one."""
    if isinstance(element, IntegerType) and element.width.data in (8, 32):
        return isa.DType.I8 if element.width.data == 8 else isa.DType.I32
    if isinstance(element, BFloat16Type):
        return isa.DType.BF16
    if isinstance(element, Float32Type):
        return isa.DType.F32
    return None


def memref_bytes(memref: MemRefType) -> int:
    """Bytes of a memref laid out densely (how the runtime places it in DRAM)."""
    dtype = dtype_of(memref.element_type)
    return math.prod(memref.get_shape()) * (dtype.bytes if dtype is not None else 0)


def check_dram_operand(value: SSAValue, what: str) -> MemRefType:
    memref = value.type
    if not isinstance(memref, MemRefType):
        raise VerifyException(f"{what} must be a memref, not {memref}")
    if any(d < 0 for d in memref.get_shape()):
        raise VerifyException(f"{what} must have a static shape, not {memref}")
    space = memory_space_of(memref)
    if space not in (None, MemorySpace.HOST, MemorySpace.GLOBAL):
        raise VerifyException(f"{what} must be in DRAM (host or global memory), not in '{space}'")
    if dtype_of(memref.element_type) is None:
        raise VerifyException(
            f"{what} has element type {memref.element_type}; the mxu moves i8, i32, bf16 and f32"
        )
    return memref
