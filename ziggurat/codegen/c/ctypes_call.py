"""Calling an emitted C-ABI function from Python: numpy arrays in, numpy arrays out.

Memref arguments are passed in place (the function may write them) after their
dtype, shape and layout are checked against the static type; memref results come
back as arrays that own the callee's allocation and free it with `zg_free`.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from functools import cache

import ml_dtypes
import numpy as np
from xdsl.dialects.builtin import (
    BFloat16Type,
    Float32Type,
    Float64Type,
    MemRefType,
    ModuleOp,
    NoneAttr,
)
from xdsl.dialects.func import FuncOp
from xdsl.ir import Attribute

from ziggurat.codegen.c import abi
from ziggurat.codegen.c.ctypes_map import int_width
from ziggurat.diagnostics import CompileError


def numpy_dtype(type_: Attribute, func: FuncOp | None = None) -> np.dtype:
    width = int_width(type_)
    if width == 1:
        return np.dtype(np.bool_)
    if width in (8, 16, 32, 64):
        return np.dtype(f"int{width}")
    if isinstance(type_, Float32Type):
        return np.dtype(np.float32)
    if isinstance(type_, Float64Type):
        return np.dtype(np.float64)
    if isinstance(type_, BFloat16Type):
        return np.dtype(ml_dtypes.bfloat16)
    raise CompileError(f"c: values of type {type_} are not supported", func)


_SCALAR_CTYPES = {
    "bool": ctypes.c_bool,
    "int8": ctypes.c_int8,
    "int16": ctypes.c_int16,
    "int32": ctypes.c_int32,
    "int64": ctypes.c_int64,
    "float32": ctypes.c_float,
    "float64": ctypes.c_double,
}


@cache
def descriptor_class(rank: int) -> type[ctypes.Structure]:
    """The ctypes layout of a rank-`rank` descriptor (pointers as void *)."""
    fields = [
        ("allocated", ctypes.c_void_p),
        ("aligned", ctypes.c_void_p),
        ("offset", ctypes.c_int64),
    ]
    if rank:
        fields += [("sizes", ctypes.c_int64 * rank), ("strides", ctypes.c_int64 * rank)]
    return type(f"Memref{rank}D", (ctypes.Structure,), {"_fields_": fields})


class _Allocation:
    """The owner of a returned memref's memory: numpy keeps it alive, `__del__` frees it."""

    def __init__(self, free, allocated: int, interface: dict):
        self._free = free
        self._allocated = allocated
        self.__array_interface__ = interface

    def __del__(self) -> None:
        if self._allocated:
            self._free(ctypes.c_void_p(self._allocated))


def find_function(module: ModuleOp, entry: str | None) -> FuncOp:
    """`entry`, else the first public function with a body."""
    functions = [op for op in module.ops if isinstance(op, FuncOp)]
    for func in functions:
        if (
            entry is None
            and func.body.blocks
            and (func.sym_visibility is None or func.sym_visibility.data == "public")
        ):
            return func
        if func.sym_name.data == entry:
            return func
    known = ", ".join(f"@{f.sym_name.data}" for f in functions) or "none"
    what = f"no function named '@{entry}'" if entry else "no public function with a body"
    raise CompileError(f"c: {what} (functions: {known})", module)


class CFunction:
    """A compiled function of a module, callable on numpy arrays.

    Targets subclass it to prepare the library before each call (`before_call`)
    and to collect what it reports after (`after_call`).
    """

    target = "c"
    """The target's name, the prefix of every error message."""

    def __init__(self, library: ctypes.CDLL, func: FuncOp):
        self.func = func
        self.library = library
        self.symbol = getattr(library, abi.c_function_name(func))
        self.symbol.restype = None
        self.free = library.zg_free
        self.free.argtypes = [ctypes.c_void_p]
        self.inputs = list(func.function_type.inputs.data)
        self.outputs = list(func.function_type.outputs.data)

    def __call__(self, args: Sequence[np.ndarray]) -> list[np.ndarray]:
        name = f"@{self.func.sym_name.data}"
        if len(args) != len(self.inputs):
            raise CompileError(
                f"{self.target}: {name} takes {len(self.inputs)} arguments, got {len(args)}",
                self.func,
            )
        keep: list[object] = []
        c_args: list[object] = []
        results = []
        for type_ in self.outputs:
            if isinstance(type_, MemRefType):
                desc = descriptor_class(type_.get_num_dims())()
            else:
                desc = _SCALAR_CTYPES[numpy_dtype(type_).name]()
            results.append(desc)
            c_args.append(ctypes.byref(desc))
        arrays: list[tuple[int, np.ndarray]] = []
        for i, (type_, value) in enumerate(zip(self.inputs, args, strict=True)):
            if isinstance(type_, MemRefType):
                desc = self._descriptor(i, type_, value)
                arrays.append((i, value))
                keep.append(desc)
                c_args.append(ctypes.byref(desc))
            else:
                c_args.append(self._scalar(i, type_, value))
        for a in range(len(arrays)):
            for b in range(a):
                if np.may_share_memory(arrays[a][1], arrays[b][1]):
                    raise CompileError(
                        f"{self.target}: arguments #{arrays[b][0]} and #{arrays[a][0]} of {name} "
                        "overlap in memory; the C ABI requires distinct buffers",
                        self.func,
                    )
        self.before_call()
        self.symbol(*c_args)
        self.after_call()
        return [self._result(t, r) for t, r in zip(self.outputs, results, strict=True)]

    def before_call(self) -> None:
        """Runs just before the function is called."""

    def after_call(self) -> None:
        """Runs just after the function returns."""

    def _describe(self, i: int) -> str:
        return f"argument #{i} of @{self.func.sym_name.data}"

    def _scalar(self, i: int, type_: Attribute, value) -> object:
        dtype = numpy_dtype(type_, self.func)
        array = np.asarray(value)
        if array.shape != () or array.dtype != dtype:
            raise CompileError(
                f"{self.target}: {self._describe(i)} must be a {type_} scalar ({dtype}), "
                f"got an array of shape {list(array.shape)} and dtype {array.dtype}",
                self.func,
            )
        return _SCALAR_CTYPES[dtype.name](array.item())

    def _descriptor(self, i: int, type_: MemRefType, value) -> ctypes.Structure:
        dtype = numpy_dtype(type_.element_type, self.func)
        if not isinstance(value, np.ndarray):
            raise CompileError(
                f"{self.target}: {self._describe(i)} must be an array for {type_}, "
                f"got {type(value).__name__}",
                self.func,
            )
        shape = type_.get_shape()
        if (
            value.dtype != dtype
            or value.ndim != len(shape)
            or any(s >= 0 and s != v for s, v in zip(shape, value.shape, strict=True))
        ):
            raise CompileError(
                f"{self.target}: {self._describe(i)} must be {type_}, got an array of shape "
                f"{list(value.shape)} and dtype {value.dtype}",
                self.func,
            )
        if not value.flags.writeable:
            raise CompileError(f"{self.target}: {self._describe(i)} is read-only", self.func)
        item = value.itemsize
        strides = [s // item for s in value.strides]
        if any(s % item for s in value.strides):
            raise CompileError(
                f"{self.target}: {self._describe(i)} has strides that are not whole elements",
                self.func,
            )
        offset = 0
        if isinstance(type_.layout, NoneAttr):
            if not value.flags.c_contiguous and value.size > 1:
                raise CompileError(
                    f"{self.target}: {self._describe(i)} must be C-contiguous for {type_} "
                    "(use numpy.ascontiguousarray)",
                    self.func,
                )
            expected = 1
            strides = []
            for size in reversed(value.shape):
                strides.insert(0, expected)
                expected *= size
        else:
            static = type_.get_strides() or []
            for k, (want, got) in enumerate(zip(static, strides, strict=False)):
                if want is not None and want != got and value.shape[k] > 1:
                    raise CompileError(
                        f"{self.target}: {self._describe(i)} has stride {got} in dimension {k}, "
                        f"{type_} requires {want}",
                        self.func,
                    )
            static_offset = type_.get_offset()
            offset = static_offset if static_offset is not None else 0
        desc = descriptor_class(value.ndim)()
        base = value.ctypes.data - offset * item
        desc.allocated = base
        desc.aligned = base
        desc.offset = offset
        for k in range(value.ndim):
            desc.sizes[k] = value.shape[k]
            desc.strides[k] = strides[k]
        return desc

    def _result(self, type_: Attribute, desc) -> np.ndarray:
        dtype = numpy_dtype(type_ if not isinstance(type_, MemRefType) else type_.element_type)
        if not isinstance(type_, MemRefType):
            return np.asarray(desc.value, dtype=dtype)
        rank = type_.get_num_dims()
        shape = tuple(desc.sizes[k] for k in range(rank)) if rank else ()
        strides = tuple(desc.strides[k] * dtype.itemsize for k in range(rank)) if rank else ()
        start = (desc.aligned or 0) + desc.offset * dtype.itemsize
        interface = {
            "shape": shape,
            "typestr": dtype.str,
            "data": (start, False),
            "strides": strides or None,
            "version": 3,
        }
        owner = _Allocation(self.free, desc.allocated or 0, interface)
        return np.asarray(owner)
