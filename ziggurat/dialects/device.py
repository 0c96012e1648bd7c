"""The `device` dialect: where code runs and where its data lives, for any target.

`device.launch` runs a region on a target (`#device.target<cpu|cuda|mxu>`);
inside it, `device.parallel` is a parallel loop nest whose dimensions are
each mapped to a hardware dimension (`#device.dim<thread>`, `block_x`, ...).
`device.alloc` and `device.copy` allocate and move buffers between memory
spaces (`#device.memory_space<...>`, the memref memory space), and
`device.barrier` synchronises the units of a launch. Target dialects (`cpu`,
later `cuda` and `mxu`) lower from here; see docs/dialects/device.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.arith import ConstantOp
from xdsl.dialects.builtin import ArrayAttr, IndexType, IntegerAttr, MemRefType
from xdsl.ir import Block, Dialect, Operation, Region, SSAValue
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    irdl_op_definition,
    lazy_traits_def,
    operand_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import HasAncestor, HasParent, IsTerminator, RecursiveMemoryEffect
from xdsl.utils.exceptions import VerifyException

from ziggurat.dialects.device_attrs import (
    Dim,
    DimAttr,
    MemorySpaceAttr,
    TargetAttr,
    memory_space_of,
)
from ziggurat.dialects.loop_syntax import parse_loop_header, print_loop_header


@irdl_op_definition
class YieldOp(IRDLOperation):
    """`device.yield`: ends the body of a launch or a parallel loop (implicit in the syntax)."""

    name = "device.yield"
    traits = lazy_traits_def(lambda: (IsTerminator(), HasParent(LaunchOp, ParallelOp)))

    def __init__(self) -> None:
        super().__init__()


def _parse_body(parser: Parser, args: Sequence[Parser.Argument] = ()) -> Region:
    body = parser.parse_region(args)
    if not body.blocks:
        body.add_block(Block(arg_types=[a.type for a in args if a.type is not None]))
    if not isinstance(body.block.last_op, YieldOp):
        body.block.add_op(YieldOp())
    return body


def enclosing_launch(op: Operation) -> LaunchOp | None:
    """The `device.launch` that `op` is nested in, if any."""
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, LaunchOp):
        parent = parent.parent_op()
    return parent


@irdl_op_definition
class LaunchOp(IRDLOperation):
    """`device.launch target(#device.target<cpu>) { ... }`: a region run on a target.

    The region reads the values defined above it (buffers, sizes) like any
    nested region; what it does not put in a `device.parallel` runs once.
    """

    name = "device.launch"

    target = prop_def(TargetAttr)
    body = region_def("single_block")
    traits = traits_def(RecursiveMemoryEffect())

    def __init__(self, target: TargetAttr, body: Region):
        super().__init__(properties={"target": target}, regions=[body])

    @classmethod
    def parse(cls, parser: Parser) -> LaunchOp:
        parser.parse_keyword("target")
        parser.parse_punctuation("(")
        pos = parser.pos
        target = parser.parse_attribute()
        if not isinstance(target, TargetAttr):
            parser.raise_error("expected a '#device.target<...>' attribute", pos, parser.pos)
        parser.parse_punctuation(")")
        op = cls(target, _parse_body(parser))
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" target(")
        printer.print_attribute(self.target)
        printer.print_string(") ")
        printer.print_region(
            self.body,
            print_entry_block_args=False,
            print_empty_block=False,
            print_block_terminators=False,
        )
        printer.print_op_attributes(self.attributes)

    def verify_(self) -> None:
        if self.body.block.args:
            raise VerifyException("expects a body without arguments")
        if enclosing_launch(self) is not None:
            raise VerifyException("cannot be nested in another 'device.launch'")
        info = self.target.info
        for op in self.body.walk():
            for value in (*op.operands, *op.results):
                space = memory_space_of(value.type)
                if space is not None and space not in info.memory_spaces:
                    raise VerifyException(
                        f"uses memory space '{space}', which target '{self.target.kind.data}' "
                        "does not have (it has: " + ", ".join(info.memory_spaces) + ")"
                    )


def _constant_index(value: SSAValue) -> int | None:
    owner = value.owner
    if isinstance(owner, ConstantOp) and isinstance(owner.value, IntegerAttr):
        return owner.value.value.data
    return None


@irdl_op_definition
class ParallelOp(IRDLOperation):
    """`device.parallel (%i, %j) = (%lb0, %lb1) to (%ub0, %ub1) step (%s0, %s1)
    mapping [#device.dim<thread>, #device.dim<sequential>] { ... }`

    Every point of the iteration space runs the body once, in any order and
    possibly at once; dimension k runs on hardware dimension `mapping[k]`.
    """

    name = "device.parallel"

    lowerBound = var_operand_def(IndexType)
    upperBound = var_operand_def(IndexType)
    step = var_operand_def(IndexType)
    mapping = prop_def(ArrayAttr[DimAttr])
    body = region_def("single_block")

    irdl_options = (AttrSizedOperandSegments(as_property=True),)
    traits = traits_def(RecursiveMemoryEffect(), HasAncestor(LaunchOp))

    def __init__(
        self,
        lower: Sequence[SSAValue],
        upper: Sequence[SSAValue],
        steps: Sequence[SSAValue],
        mapping: Sequence[Dim | str],
        body: Region,
    ):
        super().__init__(
            operands=[lower, upper, steps],
            properties={"mapping": ArrayAttr(DimAttr(d) for d in mapping)},
            regions=[body],
        )

    @property
    def dims(self) -> list[Dim]:
        return [d.data for d in self.mapping]

    @classmethod
    def parse(cls, parser: Parser) -> ParallelOp:
        ivs, lower, upper, steps = parse_loop_header(parser)
        parser.parse_keyword("mapping")
        pos = parser.pos
        mapping = parser.parse_comma_separated_list(Parser.Delimiter.SQUARE, parser.parse_attribute)
        if not all(isinstance(m, DimAttr) for m in mapping):
            parser.raise_error("expected '#device.dim<...>' attributes", pos, parser.pos)
        body = _parse_body(parser, ivs)
        op = cls.build(
            operands=[lower, upper, steps],
            properties={"mapping": ArrayAttr(mapping)},
            regions=[body],
        )
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer) -> None:
        print_loop_header(
            printer, self.body.block.args, self.lowerBound, self.upperBound, self.step
        )
        printer.print_string(" mapping [")
        printer.print_list(self.mapping, printer.print_attribute)
        printer.print_string("] ")
        printer.print_region(self.body, print_entry_block_args=False, print_block_terminators=False)
        printer.print_op_attributes(self.attributes)

    def verify_(self) -> None:
        n = len(self.body.block.args)
        if n == 0:
            raise VerifyException("expects at least one induction variable")
        if any(t != IndexType() for t in self.body.block.arg_types):
            raise VerifyException("expects index induction variables")
        counts = (len(self.lowerBound), len(self.upperBound), len(self.step), len(self.mapping))
        if any(c != n for c in counts):
            raise VerifyException(
                f"expects one lower bound, upper bound, step and mapping per induction "
                f"variable ({n}), got {counts[0]}, {counts[1]}, {counts[2]} and {counts[3]}"
            )
        for step in self.step:
            value = _constant_index(step)
            if value is not None and value <= 0:
                raise VerifyException(f"expects positive steps, got {value}")
        launch = enclosing_launch(self)
        assert launch is not None  # HasAncestor(LaunchOp)
        self._verify_mapping(launch.target)

    def _verify_mapping(self, target: TargetAttr) -> None:
        kind, info = target.kind.data, target.info
        dims = self.dims
        for dim in dims:
            if dim not in info.dims:
                raise VerifyException(
                    f"maps a dimension to '{dim}', which target '{kind}' does not have "
                    "(it has: " + ", ".join(info.dims) + ")"
                )
        outer = [d for p in _enclosing_parallels(self) for d in p.dims]
        if info.unique_dims:
            seen = [d for d in (*outer, *dims) if d != Dim.SEQUENTIAL]
            for dim in set(seen):
                if seen.count(dim) > 1:
                    raise VerifyException(
                        f"maps more than one dimension of a nest to '{dim}' on target '{kind}'"
                    )
        if kind == "cpu":
            if Dim.THREAD in dims and Dim.THREAD in outer:
                raise VerifyException(
                    "maps a dimension to 'thread' inside a 'thread' dimension "
                    "(nested CPU parallelism is not supported)"
                )
            if Dim.SIMD in dims[:-1] or dims.count(Dim.SIMD) > 1:
                raise VerifyException("expects 'simd' only on its innermost dimension")


def _enclosing_parallels(op: Operation) -> list[ParallelOp]:
    found: list[ParallelOp] = []
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, LaunchOp):
        if isinstance(parent, ParallelOp):
            found.append(parent)
        parent = parent.parent_op()
    return found


@irdl_op_definition
class AllocOp(IRDLOperation):
    """`%m = device.alloc(%n) : memref<?x16xf32, #device.memory_space<global>>`

    A fresh buffer in the memory space of its type; `?` sizes come from the
    operands, in order. Free it with `memref.dealloc`.
    """

    name = "device.alloc"

    dynamic_sizes = var_operand_def(IndexType)
    memref = result_def(MemRefType)
    assembly_format = "`(` $dynamic_sizes `)` attr-dict `:` type($memref)"

    def __init__(self, memref_type: MemRefType, dynamic_sizes: Sequence[SSAValue] = ()):
        super().__init__(operands=[dynamic_sizes], result_types=[memref_type])

    def verify_(self) -> None:
        memref_type = self.memref.type
        assert isinstance(memref_type, MemRefType)
        if not isinstance(memref_type.memory_space, MemorySpaceAttr):
            raise VerifyException(
                "expects a memref type with a '#device.memory_space<...>' memory space"
            )
        dynamic = sum(1 for s in memref_type.get_shape() if s < 0)
        if dynamic != len(self.dynamic_sizes):
            raise VerifyException(
                f"expects {dynamic} dynamic sizes (one per '?'), got {len(self.dynamic_sizes)}"
            )


@irdl_op_definition
class CopyOp(IRDLOperation):
    """`device.copy %src, %dst : memref<4xf32, ...<host>> to memref<4xf32, ...<global>>`

    Copies every element of `%src` to `%dst`, which may be in another memory space.
    """

    name = "device.copy"

    source = operand_def(MemRefType)
    destination = operand_def(MemRefType)
    assembly_format = "$source `,` $destination attr-dict `:` type($source) `to` type($destination)"

    def __init__(self, source: SSAValue, destination: SSAValue):
        super().__init__(operands=[source, destination])

    def verify_(self) -> None:
        src, dst = self.source.type, self.destination.type
        assert isinstance(src, MemRefType) and isinstance(dst, MemRefType)
        if src.element_type != dst.element_type:
            raise VerifyException(
                f"expects the same element type, got {src.element_type} and {dst.element_type}"
            )
        if not _shapes_compatible(src.get_shape(), dst.get_shape()):
            raise VerifyException(
                f"expects the same shape, got {_shape_text(src)} and {_shape_text(dst)}"
            )


def _shapes_compatible(a: Sequence[int], b: Sequence[int]) -> bool:
    return len(a) == len(b) and all(x == y or x < 0 or y < 0 for x, y in zip(a, b, strict=True))


def _shape_text(memref_type: MemRefType) -> str:
    return "x".join("?" if s < 0 else str(s) for s in memref_type.get_shape()) or "scalar"


@irdl_op_definition
class BarrierOp(IRDLOperation):
    """`device.barrier`: every unit of the launch waits here until all have arrived."""

    name = "device.barrier"
    assembly_format = "attr-dict"
    traits = traits_def(HasAncestor(LaunchOp))

    def __init__(self) -> None:
        super().__init__()


Device = Dialect(
    "device",
    [LaunchOp, ParallelOp, AllocOp, CopyOp, BarrierOp, YieldOp],
    [TargetAttr, MemorySpaceAttr, DimAttr],
)
