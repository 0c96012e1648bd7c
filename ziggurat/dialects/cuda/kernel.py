"""`cuda.kernel` and what names a thread or a block's memory inside one.

The kernel itself (a `__global__` function) and its terminator, the thread and
block indices, and the shared-memory buffers a kernel declares."""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.arith import ConstantOp
from xdsl.dialects.builtin import (
    I64,
    AnyFloat,
    FunctionType,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    StringAttr,
)
from xdsl.ir import (
    Attribute,
    Block,
    Operation,
    Region,
    SSAValue,
)
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    lazy_traits_def,
    opt_prop_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import (
    HasAncestor,
    HasParent,
    IsolatedFromAbove,
    IsTerminator,
    SymbolOpInterface,
)
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa

from ziggurat.dialects.cuda.attrs import Dimension, DimensionAttr
from ziggurat.dialects.device_attrs import MemorySpace, memory_space_of
from ziggurat.hardware.cuda import (
    DEFAULT_SM,
    MAX_THREADS_PER_BLOCK,
    STATIC_SHARED_BYTES,
    architecture,
)

# Kernels -----------------------------------------------------------------------------


@irdl_op_definition
class ReturnOp(IRDLOperation):
    """`cuda.return`: ends a kernel (implicit in the syntax)."""

    name = "cuda.return"
    assembly_format = "attr-dict"
    traits = lazy_traits_def(lambda: (IsTerminator(), HasParent(KernelOp)))

    def __init__(self) -> None:
        super().__init__()


def _is_kernel_argument(t: Attribute) -> bool:
    return isinstance(t, MemRefType | IndexType | IntegerType) or isa(t, AnyFloat)


@irdl_op_definition
class KernelOp(IRDLOperation):
    """`cuda.kernel @k(%a: memref<64xf32, #device.memory_space<global>>, %n: index)
    max_threads(256) { ... }`: a `__global__` function every thread of a launch runs.

    `max_threads` is `__launch_bounds__`: no launch may use more threads per block,
    and the compiler may use it to budget registers.
    """

    name = "cuda.kernel"

    sym_name = prop_def(StringAttr)
    function_type = prop_def(FunctionType)
    max_threads = opt_prop_def(IntegerAttr)
    sm = opt_prop_def(IntegerAttr)
    """The compute capability the kernel is written for (default 80): shared-memory limits."""
    body = region_def("single_block")

    traits = traits_def(IsolatedFromAbove(), SymbolOpInterface())

    def __init__(
        self,
        name: str,
        inputs: Sequence[Attribute],
        body: Region,
        max_threads: int | None = None,
        sm: int | None = None,
    ):
        properties: dict[str, Attribute] = {
            "sym_name": StringAttr(name),
            "function_type": FunctionType.from_lists(inputs, []),
        }
        if max_threads is not None:
            properties["max_threads"] = IntegerAttr(max_threads, 64)
        if sm is not None:
            properties["sm"] = IntegerAttr(sm, 64)
        super().__init__(properties=properties, regions=[body])

    @property
    def arch_sm(self) -> int:
        return self.sm.value.data if self.sm is not None else DEFAULT_SM

    @property
    def thread_limit(self) -> int:
        if self.max_threads is None:
            return MAX_THREADS_PER_BLOCK
        return self.max_threads.value.data

    def static_shared_bytes(self) -> int:
        """Bytes of the kernel's `cuda.shared_memory` buffers."""
        return sum(op.bytes() for op in self.body.walk() if isinstance(op, SharedMemoryOp))

    @classmethod
    def parse(cls, parser: Parser) -> KernelOp:
        name = parser.parse_symbol_name().data
        args = parser.parse_comma_separated_list(
            Parser.Delimiter.PAREN, lambda: parser.parse_argument(expect_type=True)
        )
        max_threads = None
        if parser.parse_optional_keyword("max_threads") is not None:
            parser.parse_punctuation("(")
            max_threads = parser.parse_integer(allow_negative=False, allow_boolean=False)
            parser.parse_punctuation(")")
        sm = None
        if parser.parse_optional_keyword("sm") is not None:
            parser.parse_punctuation("(")
            sm = parser.parse_integer(allow_negative=False, allow_boolean=False)
            parser.parse_punctuation(")")
        types = [a.type for a in args if a.type is not None]  # all typed: expect_type
        body = parser.parse_region(args)
        if not body.blocks:
            body.add_block(Block(arg_types=types))
        if not isinstance(body.block.last_op, ReturnOp):
            body.block.add_op(ReturnOp())
        op = cls(name, types, body, max_threads, sm)
        attrs = parser.parse_optional_attr_dict_with_keyword()
        if attrs is not None:
            op.attributes |= attrs.data
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_symbol_name(self.sym_name.data)
        with printer.in_parens():
            printer.print_list(self.body.block.args, printer.print_block_argument)
        if self.max_threads is not None:
            printer.print_string(f" max_threads({self.max_threads.value.data})")
        if self.sm is not None:
            printer.print_string(f" sm({self.sm.value.data})")
        printer.print_string(" ")
        printer.print_region(self.body, print_entry_block_args=False, print_block_terminators=False)
        if self.attributes:
            printer.print_op_attributes(self.attributes, print_keyword=True)

    def verify_(self) -> None:
        inputs = self.function_type.inputs.data
        if self.function_type.outputs.data:
            raise VerifyException("expects no results (a kernel writes its buffers)")
        if tuple(self.body.block.arg_types) != tuple(inputs):
            raise VerifyException("expects the body's arguments to match the function type")
        for i, t in enumerate(inputs):
            if not _is_kernel_argument(t):
                raise VerifyException(f"argument #{i} has type {t}; expected a memref or scalar")
            if isinstance(t, MemRefType) and memory_space_of(t) != MemorySpace.GLOBAL:
                raise VerifyException(
                    f"argument #{i} is a memref in memory space "
                    f"'{memory_space_of(t) or 'host'}'; kernels take global memory "
                    "(#device.memory_space<global>)"
                )
        limit = self.thread_limit
        if not 0 < limit <= MAX_THREADS_PER_BLOCK:
            raise VerifyException(
                f"max_threads({limit}) is outside [1, {MAX_THREADS_PER_BLOCK}] (threads per block)"
            )
        try:
            architecture(self.arch_sm)
        except ValueError as error:
            raise VerifyException(str(error)) from None
        shared = self.static_shared_bytes()
        if shared > STATIC_SHARED_BYTES:
            raise VerifyException(
                f"uses {shared} bytes of static shared memory; a block may have at most "
                f"{STATIC_SHARED_BYTES} (use cuda.dynamic_shared_memory for more)"
            )


class InKernel(HasAncestor):
    """The op must be nested in a `cuda.kernel` (device code)."""

    def __init__(self) -> None:
        super().__init__(KernelOp)

    def verify(self, op: Operation) -> None:
        if enclosing_kernel(op) is None:
            raise VerifyException("must be nested in a 'cuda.kernel'")


def enclosing_kernel(op: Operation) -> KernelOp | None:
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, KernelOp):
        parent = parent.parent_op()
    return parent


class _IdOp(IRDLOperation):
    dimension = prop_def(DimensionAttr)
    result = result_def(IndexType)
    assembly_format = "$dimension attr-dict"
    traits = traits_def(InKernel())

    def __init__(self, dimension: str):
        super().__init__(
            properties={"dimension": DimensionAttr(Dimension(dimension))},
            result_types=[IndexType()],
        )

    @property
    def dim(self) -> str:
        return str(self.dimension.data)


@irdl_op_definition
class ThreadIdOp(_IdOp):
    """`cuda.thread_id x`: threadIdx.x."""

    name = "cuda.thread_id"


@irdl_op_definition
class BlockIdOp(_IdOp):
    """`cuda.block_id x`: blockIdx.x."""

    name = "cuda.block_id"


@irdl_op_definition
class BlockDimOp(_IdOp):
    """`cuda.block_dim x`: blockDim.x."""

    name = "cuda.block_dim"


@irdl_op_definition
class GridDimOp(_IdOp):
    """`cuda.grid_dim x`: gridDim.x."""

    name = "cuda.grid_dim"


@irdl_op_definition
class LaneIdOp(IRDLOperation):
    """`cuda.lane_id`: the thread's lane in its warp (linear thread id % 32)."""

    name = "cuda.lane_id"
    result = result_def(IndexType)
    assembly_format = "attr-dict"
    traits = traits_def(InKernel())

    def __init__(self) -> None:
        super().__init__(result_types=[IndexType()])


THREAD_DEPENDENT = ("cuda.thread_id", "cuda.lane_id")
"""Ops whose value differs between the threads of one block."""


# Memory ------------------------------------------------------------------------------


def _shared_type(op: Operation, memref_type: Attribute) -> MemRefType:
    if (
        not isinstance(memref_type, MemRefType)
        or memory_space_of(memref_type) != MemorySpace.SHARED
    ):
        raise VerifyException(
            "expects a memref type in #device.memory_space<shared>, got " + str(memref_type)
        )
    if any(s < 0 for s in memref_type.get_shape()):
        raise VerifyException("expects a static shape")
    return memref_type


def memref_bytes(memref_type: MemRefType) -> int:
    count = 1
    for s in memref_type.get_shape():
        count *= s
    element = memref_type.element_type
    width = element.bitwidth if isinstance(element, IntegerType) else 0
    if isinstance(element, IndexType):
        width = 64
    elif isa(element, AnyFloat):
        width = element.bitwidth
    return count * max(1, (width + 7) // 8)


@irdl_op_definition
class SharedMemoryOp(IRDLOperation):
    """`%t = cuda.shared_memory : memref<2x16x64xf32, #device.memory_space<shared>>`

    A static `__shared__` buffer of the block, declared at the kernel's top level.
    """

    name = "cuda.shared_memory"
    memref = result_def(MemRefType)
    assembly_format = "attr-dict `:` type($memref)"
    traits = traits_def(HasParent(KernelOp))

    def __init__(self, memref_type: MemRefType):
        super().__init__(result_types=[memref_type])

    def bytes(self) -> int:
        memref_type = self.memref.type
        assert isinstance(memref_type, MemRefType)
        return memref_bytes(memref_type)

    def verify_(self) -> None:
        _shared_type(self, self.memref.type)


@irdl_op_definition
class DynamicSharedMemoryOp(IRDLOperation):
    """`%t = cuda.dynamic_shared_memory offset 1024 : memref<64x64xf32, ...<shared>>`

    A view of the block's dynamic shared memory (`extern __shared__`, sized by the
    launch) at a byte offset; the launch must provide offset + size bytes.
    """

    name = "cuda.dynamic_shared_memory"
    offset = prop_def(IntegerAttr[I64])
    memref = result_def(MemRefType)
    assembly_format = "`offset` $offset attr-dict `:` type($memref)"
    traits = traits_def(InKernel())

    def __init__(self, memref_type: MemRefType, offset: int = 0):
        super().__init__(properties={"offset": IntegerAttr(offset, 64)}, result_types=[memref_type])

    def end(self) -> int:
        """The byte past the view's last element."""
        memref_type = self.memref.type
        assert isinstance(memref_type, MemRefType)
        return self.offset.value.data + memref_bytes(memref_type)

    def verify_(self) -> None:
        _shared_type(self, self.memref.type)
        if self.offset.value.data < 0 or self.offset.value.data % 16:
            raise VerifyException("expects a non-negative offset that is a multiple of 16")


def constant_int(value: SSAValue) -> int | None:
    """The value of an integer `arith.constant`, or None when `value` is not one."""
    owner = value.owner
    if isinstance(owner, ConstantOp) and isinstance(owner.value, IntegerAttr):
        return owner.value.value.data
    return None
