"""Where each buffer of a function lives when some of its code runs on a GPU.

Device code is a `device.launch` on cuda or a `cuda.launch`. A `memref.alloc`
that only device code and `memref.dealloc` use becomes a `device.alloc` in
global memory: it never exists on the host. Every other buffer device code
touches (an argument, a result, a buffer the host reads or writes too) gets a
global mirror, and `device.copy` keeps the two in step: one linear walk over
the function's top-level ops tracks, per buffer, whether the host copy and the
device copy are current, and copies only where an op needs the copy that is
stale (before device code reads or writes a buffer whose device copy is
stale; before a host op or the return uses one whose host copy is stale).
Device code nested in host control flow (a launch inside an `scf.for`) is
copied around conservatively: in before the op, out after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.dialects import memref
from xdsl.dialects.arith import ConstantOp
from xdsl.dialects.builtin import IndexType, IntegerAttr, MemRefType, NoneAttr
from xdsl.dialects.func import FuncOp, ReturnOp
from xdsl.ir import Block, Operation, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter

from ziggurat.diagnostics import CompileError
from ziggurat.dialects import cuda, device
from ziggurat.dialects.device_attrs import MemorySpace, MemorySpaceAttr, memory_space_of
from ziggurat.dialects.memory_effects import is_view, view_root

READS = frozenset({"memref.load", "affine.load", "cuda.dp4a", "cuda.mma_load", "memref.dim"})
WRITES = frozenset({"memref.store", "affine.store", "cuda.mma_store"})


def global_type(t: MemRefType) -> MemRefType:
    return MemRefType(t.element_type, t.shape, t.layout, MemorySpaceAttr(MemorySpace.GLOBAL))


def is_device_code(op: Operation) -> bool:
    if isinstance(op, cuda.LaunchOp):
        return True
    return isinstance(op, device.LaunchOp) and op.target.kind.data == "cuda"


def _access(op: Operation, value: SSAValue) -> tuple[bool, bool]:
    """(reads, writes) of `value` by `op` alone; unknown ops both read and write."""
    if op.name in READS:
        return True, False
    if op.name in WRITES:
        index = 0 if op.name == "cuda.mma_store" else 1
        return False, op.operands[index] is value
    if isinstance(op, memref.DeallocOp):
        return False, False
    return True, True


@dataclass
class _Use:
    reads: bool = False
    writes: bool = False

    def add(self, reads: bool, writes: bool) -> None:
        self.reads |= reads
        self.writes |= writes


def device_uses(code: Operation) -> dict[SSAValue, _Use]:
    """The host-space memrefs device code `code` uses, with how it uses them."""
    uses: dict[SSAValue, _Use] = {}
    if isinstance(code, cuda.LaunchOp):
        kernel = code.callee()
        assert kernel is not None
        for arg, param in zip(code.args, kernel.body.block.args, strict=True):
            if isinstance(arg.type, MemRefType) and memory_space_of(arg.type) is None:
                use = uses.setdefault(view_root(arg), _Use())
                for param_use in param.uses:
                    use.add(*_access(param_use.operation, param))
        return uses
    inside = set(code.walk())
    for op in code.walk():
        for value in op.operands:
            if not isinstance(value.type, MemRefType) or memory_space_of(value.type):
                continue
            owner = value.owner
            if isinstance(owner, Operation) and owner in inside:
                continue
            if isinstance(owner, Block) and owner.parent_op() in inside:
                continue
            uses.setdefault(view_root(value), _Use()).add(*_access(op, value))
    return uses


@dataclass
class _Mirror:
    host: SSAValue
    device: SSAValue
    host_valid: bool = True
    device_valid: bool = False
    freed: bool = False


@dataclass
class _Placement:
    func: FuncOp
    mirrors: dict[SSAValue, _Mirror] = field(default_factory=dict)

    def run(self) -> None:
        block = self.func.body.block
        codes = [op for op in self.func.walk() if is_device_code(op)]
        if not codes:
            return
        used: dict[SSAValue, list[Operation]] = {}
        for code in codes:
            for value in device_uses(code):
                used.setdefault(value, []).append(code)
        for value in used:
            if not self._device_only(value):
                self._mirror(value)
        for op in list(block.ops):
            self._visit(op)
        for code in codes:
            self._replace_inside(code)

    # Buffers that live on the device only ----------------------------------------------

    def _device_only(self, value: SSAValue) -> bool:
        alloc = value.owner
        if (
            not isinstance(alloc, memref.AllocOp)
            or alloc.parent_block() is not self.func.body.block
        ):
            return False
        for use in value.uses:
            user = use.operation
            if isinstance(user, memref.DeallocOp):
                continue
            if not _inside_device_code(user):
                return False
        t = value.type
        assert isinstance(t, MemRefType)
        new = device.AllocOp(global_type(t), list(alloc.dynamic_sizes))
        new.memref.name_hint = value.name_hint
        Rewriter.replace_op(alloc, new)
        return True

    def _mirror(self, value: SSAValue) -> None:
        t = value.type
        assert isinstance(t, MemRefType)
        if not isinstance(t.layout, NoneAttr):
            raise CompileError(
                "cuda: device code uses a buffer with a non-identity layout; copy it to a "
                "contiguous buffer first",
                _definer(value, self.func),
            )
        owner = value.owner
        point = (
            InsertPoint.after(owner)
            if isinstance(owner, Operation)
            else InsertPoint.at_start(self.func.body.block)
        )
        sizes: list[SSAValue] = []
        ops: list[Operation] = []
        for k, size in enumerate(t.get_shape()):
            if size < 0:
                dim = memref.DimOp(value, _index(ops, k))
                ops.append(dim)
                sizes.append(dim.result)
        alloc = device.AllocOp(global_type(t), sizes)
        alloc.memref.name_hint = f"{value.name_hint or 'buffer'}_device"
        Rewriter.insert_op([*ops, alloc], point)
        # A fresh allocation holds nothing yet: neither copy is stale.
        fresh = isinstance(owner, memref.AllocOp)
        self.mirrors[value] = _Mirror(value, alloc.memref, device_valid=fresh)

    # The walk -------------------------------------------------------------------------

    def _visit(self, op: Operation) -> None:
        nested_codes = [inner for inner in op.walk() if is_device_code(inner)]
        for value, mirror in self.mirrors.items():
            device_use = _Use()
            for code in nested_codes:
                use = device_uses(code).get(value)
                if use is not None:
                    device_use.add(use.reads, use.writes)
            host_use = _host_use(op, value)
            if isinstance(op, ReturnOp):
                if not mirror.host_valid and (
                    host_use is not None or isinstance(value.owner, Block)
                ):
                    self._copy(mirror, to_host=True, before=op)
                if not mirror.freed:
                    Rewriter.insert_op(memref.DeallocOp.get(mirror.device), InsertPoint.before(op))
                continue
            if device_use.reads or device_use.writes:
                if host_use is not None and not isinstance(op, memref.DeallocOp):
                    raise CompileError(
                        "cuda: host code and device code both use this buffer inside one "
                        "op; move the host code out of it",
                        op,
                    )
                if not mirror.device_valid:
                    self._copy(mirror, to_host=False, before=op)
                    mirror.device_valid = True
                if device_use.writes:
                    mirror.host_valid = False
                if device_use.writes and not is_device_code(op):  # inside host control flow
                    self._copy(mirror, to_host=True, after=op)
                continue
            if host_use is None:
                continue
            if isinstance(op, memref.DeallocOp):
                Rewriter.insert_op(memref.DeallocOp.get(mirror.device), InsertPoint.after(op))
                mirror.freed = True
                continue
            if not mirror.host_valid:
                self._copy(mirror, to_host=True, before=op)
            if host_use.writes:
                mirror.device_valid = False

    def _copy(
        self,
        mirror: _Mirror,
        to_host: bool,
        before: Operation | None = None,
        after: Operation | None = None,
    ) -> None:
        source, target = (mirror.device, mirror.host) if to_host else (mirror.host, mirror.device)
        copy = device.CopyOp(source, target)
        point = InsertPoint.before(before) if before is not None else InsertPoint.after(after)  # pyright: ignore
        Rewriter.insert_op(copy, point)
        if to_host:
            mirror.host_valid = True

    def _replace_inside(self, code: Operation) -> None:
        """Device code uses the mirrors: a view of a buffer becomes the same view of its
        mirror, built just before the code (the two have the same layout)."""
        views: dict[SSAValue, SSAValue] = {}

        def on_device(value: SSAValue) -> SSAValue | None:
            if value in views:
                return views[value]
            mirror = self.mirrors.get(value)
            if mirror is not None:
                return mirror.device
            owner = value.owner
            if not (isinstance(owner, Operation) and is_view(owner)):
                return None
            source = on_device(owner.operands[0])
            if source is None:
                return None
            clone = owner.clone()
            clone.operands[0] = source
            t = value.type
            assert isinstance(t, MemRefType)
            Rewriter.replace_value_with_new_type(clone.results[0], global_type(t))
            Rewriter.insert_op(clone, InsertPoint.before(code))
            views[value] = clone.results[0]
            return clone.results[0]

        for op in code.walk():
            for k, value in enumerate(op.operands):
                if not isinstance(value.type, MemRefType) or memory_space_of(value.type):
                    continue
                new = on_device(value)
                if new is not None:
                    op.operands[k] = new


def _index(ops: list[Operation], k: int) -> SSAValue:
    op = ConstantOp(IntegerAttr(k, IndexType()))
    ops.append(op)
    return op.result


def _inside_device_code(op: Operation) -> bool:
    current: Operation | None = op
    while current is not None:
        if is_device_code(current):
            return True
        current = current.parent_op()
    return False


def _host_use(op: Operation, buffer: SSAValue) -> _Use | None:
    """How the host part of `op` (and what it nests, outside device code) uses `buffer`
    (or a view of it; making a view is not a use)."""
    use: _Use | None = None
    for inner in op.walk():
        if _inside_device_code(inner) or is_view(inner):
            continue
        for value in inner.operands:
            if not isinstance(value.type, MemRefType) or view_root(value) is not buffer:
                continue
            use = use or _Use()
            if isinstance(inner, device.CopyOp):
                use.add(inner.source is value, inner.destination is value)
            else:
                use.add(*_access(inner, value))
    return use


def _definer(value: SSAValue, func: FuncOp) -> Operation:
    return value.owner if isinstance(value.owner, Operation) else func


def place_buffers(func: FuncOp) -> None:
    """Give every buffer the function's device code uses a home in global memory."""
    _Placement(func).run()
