"""Device-side `cuda` ops beyond indices: barriers, warp shuffles, dp4a, tensor cores."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from xdsl.dialects.builtin import (
    Float32Type,
    IndexType,
    IntegerType,
    MemRefType,
    i32,
)
from xdsl.ir import (
    Operation,
    SSAValue,
)
from xdsl.irdl import (
    AnyAttr,
    AttrSizedOperandSegments,
    BaseAttr,
    IRDLOperation,
    VarConstraint,
    irdl_op_definition,
    operand_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.utils.exceptions import VerifyException

from ziggurat.dialects.cuda.attrs import FragmentRole, FragmentType, ShuffleMode, ShuffleModeAttr
from ziggurat.dialects.cuda.kernel import THREAD_DEPENDENT, InKernel, KernelOp, constant_int
from ziggurat.hardware.cuda import (
    WARP_SIZE,
)

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
    traits = traits_def(InKernel())

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
    traits = traits_def(InKernel())

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
        offset = constant_int(self.offset)
        if offset is not None and not 0 <= offset < WARP_SIZE:
            raise VerifyException(f"expects an offset in [0, {WARP_SIZE}), got {offset}")


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
    traits = traits_def(InKernel())

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
    traits = traits_def(InKernel())

    def __init__(self, value: SSAValue):
        super().__init__(
            operands=[value], result_types=[FragmentType(FragmentRole.ACCUMULATOR, value.type)]
        )

    def verify_(self) -> None:
        t = self.result.type
        assert isinstance(t, FragmentType)
        if t.role.data is not FragmentRole.ACCUMULATOR:
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
    traits = traits_def(InKernel())

    def __init__(self, source: SSAValue, indices: Sequence[SSAValue], fragment: FragmentType):
        super().__init__(operands=[source, indices], result_types=[fragment])

    def verify_(self) -> None:
        t = _check_indices(self.source, self.indices, "source")
        fragment = self.result.type
        assert isinstance(fragment, FragmentType)
        if fragment.role.data is FragmentRole.ACCUMULATOR:
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
    traits = traits_def(InKernel())

    def __init__(self, lhs: SSAValue, rhs: SSAValue, acc: SSAValue):
        super().__init__(operands=[lhs, rhs, acc], result_types=[acc.type])

    def verify_(self) -> None:
        lhs, rhs, acc = self.lhs.type, self.rhs.type, self.acc.type
        assert isinstance(lhs, FragmentType) and isinstance(rhs, FragmentType)
        assert isinstance(acc, FragmentType)
        roles = [t.role.data for t in (lhs, rhs, acc)]
        if roles != list(FragmentRole):
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
    traits = traits_def(InKernel())

    def __init__(self, value: SSAValue, destination: SSAValue, indices: Sequence[SSAValue]):
        super().__init__(operands=[value, destination, indices])

    def verify_(self) -> None:
        t = _check_indices(self.destination, self.indices, "destination")
        fragment = self.value.type
        assert isinstance(fragment, FragmentType)
        if fragment.role.data is not FragmentRole.ACCUMULATOR:
            raise VerifyException("stores accumulator fragments")
        _check_tile(t, fragment)
