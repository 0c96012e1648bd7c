"""The `cuda` dialect: kernels and what CUDA C expresses beyond plain loops.

A `cuda.kernel` is a `__global__` function whose body every thread of a launch
runs (SPMD, like MLIR's `gpu.func kernel`); inside it `cuda.thread_id`,
`cuda.block_id`, `cuda.block_dim` and `cuda.grid_dim` name the thread, shared
tiles are `cuda.shared_memory` (static) or `cuda.dynamic_shared_memory` views,
per-thread register arrays are `memref.alloca` in `#device.memory_space<local>`,
`cuda.barrier` is `__syncthreads()`, `cuda.shuffle` a warp shuffle, `cuda.dp4a`
the int8 dot product, and `cuda.mma_*` the WMMA tensor-core fragments.
`cuda.launch` runs a kernel from the host on a grid. Buffers move with
`device.alloc` / `device.copy` in `#device.memory_space<global>`.
Reference: docs/dialects/cuda.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import auto
from typing import ClassVar

from xdsl.dialects.arith import ConstantOp
from xdsl.dialects.builtin import (
    I64,
    AnyFloat,
    BFloat16Type,
    Float16Type,
    Float32Type,
    FunctionType,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    StringAttr,
    SymbolRefAttr,
    i32,
)
from xdsl.dialects.utils import EnumAttribute
from xdsl.ir import (
    Attribute,
    Block,
    Dialect,
    Operation,
    ParametrizedAttribute,
    Region,
    SpacedOpaqueSyntaxAttribute,
    SSAValue,
    TypeAttribute,
)
from xdsl.irdl import (
    AnyAttr,
    AttrSizedOperandSegments,
    BaseAttr,
    IRDLOperation,
    VarConstraint,
    irdl_attr_definition,
    irdl_op_definition,
    lazy_traits_def,
    operand_def,
    opt_prop_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import AttrParser, Parser
from xdsl.printer import Printer
from xdsl.traits import (
    HasAncestor,
    HasParent,
    IsolatedFromAbove,
    IsTerminator,
    SymbolOpInterface,
    SymbolTable,
)
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa
from xdsl.utils.str_enum import StrEnum

from ziggurat.dialects.device_attrs import memory_space_of
from ziggurat.hardware.cuda import (
    DEFAULT_SM,
    MAX_THREADS_PER_BLOCK,
    STATIC_SHARED_BYTES,
    WARP_SIZE,
    architecture,
)

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

FRAGMENT_ROLES = ("a", "b", "accumulator")
FRAGMENT_LAYOUTS = ("row_major", "col_major")


@irdl_attr_definition
class FragmentType(ParametrizedAttribute, TypeAttribute):
    """`!cuda.fragment<a, bf16, row_major>`, `!cuda.fragment<accumulator, f32>`.

    A warp's share of one 16x16 WMMA tile: operand `a` (16x16 of M x K), `b`
    (K x N) or the `accumulator` (M x N, f32), as `nvcuda::wmma::fragment`.
    """

    name = "cuda.fragment"

    role: StringAttr
    element_type: Attribute
    layout: StringAttr

    def __init__(self, role: str, element_type: Attribute, layout: str = ""):
        super().__init__(StringAttr(role), element_type, StringAttr(layout))

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
        return (StringAttr(role), element, StringAttr(layout))

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string(f"{self.role.data}, ")
            printer.print_attribute(self.element_type)
            if self.layout.data:
                printer.print_string(f", {self.layout.data}")

    def verify(self) -> None:
        role, layout = self.role.data, self.layout.data
        if role not in FRAGMENT_ROLES:
            raise VerifyException(f"unknown fragment role '{role}'")
        if role == "accumulator":
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
            if isinstance(t, MemRefType) and memory_space_of(t) != "global":
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


class _InKernel(HasAncestor):
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
    traits = traits_def(_InKernel())

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
    traits = traits_def(_InKernel())

    def __init__(self) -> None:
        super().__init__(result_types=[IndexType()])


THREAD_DEPENDENT = ("cuda.thread_id", "cuda.lane_id")
"""Ops whose value differs between the threads of one block."""


# Memory ------------------------------------------------------------------------------


def _shared_type(op: Operation, memref_type: Attribute) -> MemRefType:
    if not isinstance(memref_type, MemRefType) or memory_space_of(memref_type) != "shared":
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
    traits = traits_def(_InKernel())

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


# Synchronisation and warps ------------------------------------------------------------


def thread_dependent(value: SSAValue, seen: set[SSAValue] | None = None) -> bool:
    """Whether `value` may differ between the threads of a block (a thread id flows in)."""
    seen = set() if seen is None else seen
    if value in seen:
        return False
    seen.add(value)
    owner = value.owner
    if not isinstance(owner, Operation):
        return False
    if owner.name in THREAD_DEPENDENT:
        return True
    if owner.name in ("memref.load", "affine.load"):
        return False  # data, not control: a load's value is not tracked
    return any(thread_dependent(v, seen) for v in owner.operands)


def divergent_parent(op: Operation) -> Operation | None:
    """The closest op enclosing `op` (inside its kernel) whose control depends on the thread."""
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, KernelOp):
        controls: list[SSAValue] = []
        if parent.name == "scf.if":
            controls = [parent.operands[0]]
        elif parent.name == "scf.for":
            controls = list(parent.operands[:3])
        elif parent.name == "scf.while":
            controls = list(parent.operands)
        if any(thread_dependent(v) for v in controls):
            return parent
        parent = parent.parent_op()
    return None


@irdl_op_definition
class BarrierOp(IRDLOperation):
    """`cuda.barrier`: `__syncthreads()`; every thread of the block must reach it."""

    name = "cuda.barrier"
    assembly_format = "attr-dict"
    traits = traits_def(_InKernel())

    def __init__(self) -> None:
        super().__init__()

    def verify_(self) -> None:
        divergent = divergent_parent(self)
        if divergent is not None:
            raise VerifyException(
                f"is in divergent code: the enclosing '{divergent.name}' depends on the "
                "thread id, so some threads of the block may never reach the barrier"
            )


@irdl_op_definition
class ShuffleOp(IRDLOperation):
    """`%r = cuda.shuffle xor %v, %n : f32`: `__shfl_xor_sync(0xffffffff, v, n)` (all lanes).

    `xor` reads lane ^ n, `down` lane + n, `up` lane - n, `idx` lane n; a lane outside
    the warp reads its own value. Every lane of the warp must execute it.
    """

    name = "cuda.shuffle"
    T: ClassVar = VarConstraint("T", AnyAttr())
    mode = prop_def(ShuffleModeAttr)
    value = operand_def(T)
    offset = operand_def(IndexType)
    result = result_def(T)
    assembly_format = "$mode $value `,` $offset attr-dict `:` type($value)"
    traits = traits_def(_InKernel())

    def __init__(self, mode: str, value: SSAValue, offset: SSAValue):
        super().__init__(
            operands=[value, offset],
            properties={"mode": ShuffleModeAttr(ShuffleMode(mode))},
            result_types=[value.type],
        )

    def verify_(self) -> None:
        t = self.value.type
        if self.result.type != t:
            raise VerifyException("expects the result type to be the value's type")
        if not (isinstance(t, Float32Type | IndexType) or t in (i32, IntegerType(64))):
            raise VerifyException(f"cannot shuffle a value of type {t} (f32, i32, i64, index)")
        offset = _constant(self.offset)
        if offset is not None and not 0 <= offset < WARP_SIZE:
            raise VerifyException(f"expects an offset in [0, {WARP_SIZE}), got {offset}")


def _constant(value: SSAValue) -> int | None:
    owner = value.owner
    if isinstance(owner, ConstantOp) and isinstance(owner.value, IntegerAttr):
        return owner.value.value.data
    return None


def _check_indices(memref: SSAValue, indices: Sequence[SSAValue], what: str) -> MemRefType:
    t = memref.type
    if not isinstance(t, MemRefType):
        raise VerifyException(f"expects a memref {what}")
    if len(indices) != t.get_num_dims():
        raise VerifyException(
            f"expects {t.get_num_dims()} indices into the {what}, got {len(indices)}"
        )
    return t


@irdl_op_definition
class Dp4aOp(IRDLOperation):
    """`%r = cuda.dp4a %a[%i, %k], %b[%j, %k], %acc : memref<..xi8>, memref<..xi8>`

    `acc + sum(a[i, k + t] * b[j, k + t] for t < 4)` in i32: four consecutive i8
    of each operand's last dimension (read as one 32-bit word, `__dp4a`).
    """

    name = "cuda.dp4a"
    lhs = operand_def(MemRefType)
    rhs = operand_def(MemRefType)
    lhs_indices = var_operand_def(IndexType)
    rhs_indices = var_operand_def(IndexType)
    acc = operand_def(i32)
    result = result_def(i32)
    irdl_options = (AttrSizedOperandSegments(as_property=True),)
    assembly_format = (
        "$lhs `[` $lhs_indices `]` `,` $rhs `[` $rhs_indices `]` `,` $acc attr-dict "
        "`:` type($lhs) `,` type($rhs)"
    )
    traits = traits_def(_InKernel())

    def __init__(
        self,
        lhs: SSAValue,
        lhs_indices: Sequence[SSAValue],
        rhs: SSAValue,
        rhs_indices: Sequence[SSAValue],
        acc: SSAValue,
    ):
        super().__init__(operands=[lhs, rhs, lhs_indices, rhs_indices, acc], result_types=[i32])

    def verify_(self) -> None:
        for memref, indices, what in (
            (self.lhs, self.lhs_indices, "left operand"),
            (self.rhs, self.rhs_indices, "right operand"),
        ):
            t = _check_indices(memref, indices, what)
            if t.element_type != IntegerType(8):
                raise VerifyException(f"expects i8 elements in the {what}, got {t.element_type}")
            shape = t.get_shape()
            if not shape or shape[-1] < 0 or shape[-1] % 4:
                raise VerifyException(
                    f"expects the {what}'s last dimension to be static and a multiple of 4 "
                    "(four i8 are read as one aligned 32-bit word)"
                )


# Tensor cores ---------------------------------------------------------------------------


@irdl_op_definition
class MmaFillOp(IRDLOperation):
    """`%c = cuda.mma_fill %zero : !cuda.fragment<accumulator, f32>`: every element = value."""

    name = "cuda.mma_fill"
    value = operand_def(Float32Type)
    result = result_def(FragmentType)
    assembly_format = "$value attr-dict `:` type($result)"
    traits = traits_def(_InKernel())

    def __init__(self, value: SSAValue):
        super().__init__(operands=[value], result_types=[FragmentType("accumulator", value.type)])

    def verify_(self) -> None:
        t = self.result.type
        assert isinstance(t, FragmentType)
        if t.role.data != "accumulator":
            raise VerifyException("fills only accumulator fragments")


@irdl_op_definition
class MmaLoadOp(IRDLOperation):
    """`%a = cuda.mma_load %s[%i, %k] : memref<64x32xbf16, ...>, !cuda.fragment<a, bf16, row_major>`

    The 16x16 tile at (i, k) of a 2-D buffer (row stride = leading dimension),
    read by the whole warp (`wmma::load_matrix_sync`).
    """

    name = "cuda.mma_load"
    source = operand_def(MemRefType)
    indices = var_operand_def(IndexType)
    result = result_def(FragmentType)
    assembly_format = "$source `[` $indices `]` attr-dict `:` type($source) `,` type($result)"
    traits = traits_def(_InKernel())

    def __init__(self, source: SSAValue, indices: Sequence[SSAValue], fragment: FragmentType):
        super().__init__(operands=[source, indices], result_types=[fragment])

    def verify_(self) -> None:
        t = _check_indices(self.source, self.indices, "source")
        fragment = self.result.type
        assert isinstance(fragment, FragmentType)
        if fragment.role.data == "accumulator":
            raise VerifyException("loads 'a' and 'b' fragments (fill the accumulator)")
        _check_tile(t, fragment)


def _check_tile(t: MemRefType, fragment: FragmentType) -> None:
    if t.element_type != fragment.element_type:
        raise VerifyException(
            f"expects the buffer's element type {t.element_type} to be the fragment's "
            f"{fragment.element_type}"
        )
    shape = t.get_shape()
    if len(shape) != 2 or any(s < 16 for s in shape if s >= 0):
        raise VerifyException("expects a 2-D buffer of at least 16x16 elements")
    if shape[-1] >= 0 and shape[-1] % 8:
        raise VerifyException("expects the leading dimension to be a multiple of 8 elements")


@irdl_op_definition
class MmaComputeOp(IRDLOperation):
    """`%d = cuda.mma_compute %a, %b, %c : ...`: d = a x b + c on the tensor cores."""

    name = "cuda.mma_compute"
    ACC: ClassVar = VarConstraint("ACC", BaseAttr(FragmentType))
    lhs = operand_def(FragmentType)
    rhs = operand_def(FragmentType)
    acc = operand_def(ACC)
    result = result_def(ACC)
    assembly_format = (
        "$lhs `,` $rhs `,` $acc attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)"
    )
    traits = traits_def(_InKernel())

    def __init__(self, lhs: SSAValue, rhs: SSAValue, acc: SSAValue):
        super().__init__(operands=[lhs, rhs, acc], result_types=[acc.type])

    def verify_(self) -> None:
        lhs, rhs, acc = self.lhs.type, self.rhs.type, self.acc.type
        assert isinstance(lhs, FragmentType) and isinstance(rhs, FragmentType)
        assert isinstance(acc, FragmentType)
        roles = [t.role.data for t in (lhs, rhs, acc)]
        if roles != ["a", "b", "accumulator"]:
            raise VerifyException(f"expects fragments a, b, accumulator; got {', '.join(roles)}")
        if lhs.element_type != rhs.element_type:
            raise VerifyException("expects a and b of the same element type")
        if self.result.type != self.acc.type:
            raise VerifyException("expects the result to be an accumulator like the third operand")


@irdl_op_definition
class MmaStoreOp(IRDLOperation):
    """`cuda.mma_store %c, %d[%i, %j] : !cuda.fragment<accumulator, f32>, memref<..xf32>`"""

    name = "cuda.mma_store"
    value = operand_def(FragmentType)
    destination = operand_def(MemRefType)
    indices = var_operand_def(IndexType)
    assembly_format = (
        "$value `,` $destination `[` $indices `]` attr-dict `:` type($value) `,` type($destination)"
    )
    traits = traits_def(_InKernel())

    def __init__(self, value: SSAValue, destination: SSAValue, indices: Sequence[SSAValue]):
        super().__init__(operands=[value, destination, indices])

    def verify_(self) -> None:
        t = _check_indices(self.destination, self.indices, "destination")
        fragment = self.value.type
        assert isinstance(fragment, FragmentType)
        if fragment.role.data != "accumulator":
            raise VerifyException("stores accumulator fragments")
        _check_tile(t, fragment)


# Host ----------------------------------------------------------------------------------


def passes_for(given: Attribute, parameter: Attribute) -> bool:
    """Whether a launch may pass a value of type `given` for a kernel `parameter`.

    A host memref may stand for a global one of the same shape: the buffer is then
    copied to the device before the launch and back after it, which is how
    `convert-device-to-cuda` places it (kernel passes create such launches).
    """
    if given == parameter:
        return True
    return (
        isinstance(given, MemRefType)
        and isinstance(parameter, MemRefType)
        and memory_space_of(given) is None
        and memory_space_of(parameter) == "global"
        and given.element_type == parameter.element_type
        and given.get_shape() == parameter.get_shape()
        and given.layout == parameter.layout
    )


@irdl_op_definition
class LaunchOp(IRDLOperation):
    """`cuda.launch @k blocks(%gx, %gy, %gz) threads(%bx, %by, %bz) shared(%s)
    args(%a, %n : memref<..>, index)`: run kernel `@k` on a grid, from the host.

    `shared` is the dynamic shared memory per block in bytes. The launch is
    synchronous for the host code around it (a stream-ordered launch followed by
    the copies that read its results). A host buffer passed for a global
    parameter is copied in before the launch and out after it (`passes_for`).
    """

    name = "cuda.launch"

    kernel = prop_def(SymbolRefAttr)
    grid = var_operand_def(IndexType)
    block = var_operand_def(IndexType)
    shared = operand_def(IndexType)
    args = var_operand_def()
    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    def __init__(
        self,
        kernel: str,
        grid: Sequence[SSAValue],
        block: Sequence[SSAValue],
        shared: SSAValue,
        args: Sequence[SSAValue],
    ):
        super().__init__(
            operands=[grid, block, shared, args],
            properties={"kernel": SymbolRefAttr(kernel)},
        )

    @classmethod
    def parse(cls, parser: Parser) -> LaunchOp:
        kernel = parser.parse_symbol_name().data
        index = IndexType()

        def sizes(keyword: str) -> list[SSAValue]:
            parser.parse_keyword(keyword)
            pos = parser.pos
            values = parser.parse_comma_separated_list(
                Parser.Delimiter.PAREN, lambda: parser.parse_operand(index)
            )
            if len(values) != 3:
                parser.raise_error(f"expected three '{keyword}' sizes (x, y, z)", pos, parser.pos)
            return list[SSAValue](values)

        grid, block = sizes("blocks"), sizes("threads")
        parser.parse_keyword("shared")
        parser.parse_punctuation("(")
        shared = parser.parse_operand(index)
        parser.parse_punctuation(")")
        args: list[SSAValue] = []
        if parser.parse_optional_keyword("args") is not None:
            parser.parse_punctuation("(")
            if parser.parse_optional_punctuation(")") is None:
                names = parser.parse_comma_separated_list(
                    Parser.Delimiter.NONE, parser.parse_unresolved_operand
                )
                parser.parse_punctuation(":")
                pos = parser.pos
                types = parser.parse_comma_separated_list(Parser.Delimiter.NONE, parser.parse_type)
                parser.parse_punctuation(")")
                args = list(parser.resolve_operands(names, types, pos))
        op = cls(kernel, grid, block, shared, args)
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_symbol_name(self.kernel.root_reference.data)
        for keyword, values in (("blocks", self.grid), ("threads", self.block)):
            printer.print_string(f" {keyword}(")
            printer.print_list(values, printer.print_ssa_value)
            printer.print_string(")")
        printer.print_string(" shared(")
        printer.print_ssa_value(self.shared)
        printer.print_string(")")
        if self.args:
            printer.print_string(" args(")
            printer.print_list(self.args, printer.print_ssa_value)
            printer.print_string(" : ")
            printer.print_list([a.type for a in self.args], printer.print_attribute)
            printer.print_string(")")
        printer.print_op_attributes(self.attributes)

    def callee(self) -> KernelOp | None:
        found = SymbolTable.lookup_symbol(self, self.kernel)
        return found if isinstance(found, KernelOp) else None

    def verify_(self) -> None:
        if len(self.grid) != 3 or len(self.block) != 3:
            raise VerifyException("expects three grid sizes and three block sizes")
        kernel = self.callee()
        if kernel is None:
            raise VerifyException(
                f"'@{self.kernel.root_reference.data}' does not name a 'cuda.kernel'"
            )
        if enclosing_kernel(self) is not None:
            raise VerifyException("cannot launch from inside a kernel (no dynamic parallelism)")
        inputs = kernel.function_type.inputs.data
        given = tuple(a.type for a in self.args)
        if len(given) != len(inputs) or not all(map(passes_for, given, inputs)):
            raise VerifyException(
                f"passes ({', '.join(map(str, given))}) to "
                f"'@{kernel.sym_name.data}', which takes ({', '.join(map(str, inputs))})"
            )
        sizes = [_constant(v) for v in (*self.grid, *self.block)]
        if any(s is not None and s <= 0 for s in sizes):
            raise VerifyException("expects positive grid and block sizes")
        block = [b for b in map(_constant, self.block) if b is not None]
        if len(block) == 3:
            threads = block[0] * block[1] * block[2]
            limit = kernel.thread_limit
            if threads > limit:
                raise VerifyException(
                    f"launches {threads} threads per block; '@{kernel.sym_name.data}' allows "
                    f"at most {limit}"
                    + (" (its max_threads)" if limit < MAX_THREADS_PER_BLOCK else "")
                )
        self._verify_shared(kernel)

    def host_operands(self) -> list[SSAValue]:
        """Memref arguments still in host memory (convert-device-to-cuda places them)."""
        return [
            a for a in self.args if isinstance(a.type, MemRefType) and not memory_space_of(a.type)
        ]

    def _verify_shared(self, kernel: KernelOp) -> None:
        dynamic = _constant(self.shared)
        views = [op for op in kernel.body.walk() if isinstance(op, DynamicSharedMemoryOp)]
        needed = max((v.end() for v in views), default=0)
        if dynamic is None:
            return
        if dynamic < needed:
            raise VerifyException(
                f"provides {dynamic} bytes of dynamic shared memory; "
                f"'@{kernel.sym_name.data}' uses {needed}"
            )
        arch = architecture(kernel.arch_sm)
        total = dynamic + kernel.static_shared_bytes()
        if total > arch.max_shared_bytes:
            raise VerifyException(
                f"needs {total} bytes of shared memory per block; sm_{arch.sm} has at most "
                f"{arch.max_shared_bytes}"
            )


Cuda = Dialect(
    "cuda",
    [
        KernelOp,
        ReturnOp,
        ThreadIdOp,
        BlockIdOp,
        BlockDimOp,
        GridDimOp,
        LaneIdOp,
        SharedMemoryOp,
        DynamicSharedMemoryOp,
        BarrierOp,
        ShuffleOp,
        Dp4aOp,
        MmaFillOp,
        MmaLoadOp,
        MmaComputeOp,
        MmaStoreOp,
        LaunchOp,
    ],
    [DimensionAttr, ShuffleModeAttr, FragmentType],
)
