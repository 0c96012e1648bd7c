"""`cuda.launch`: runs a kernel on a grid, from the host."""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import (
    IndexType,
    MemRefType,
    SymbolRefAttr,
)
from xdsl.ir import (
    Attribute,
    SSAValue,
)
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    prop_def,
    var_operand_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import (
    SymbolTable,
)
from xdsl.utils.exceptions import VerifyException

from ziggurat.dialects.cuda.kernel import (
    DynamicSharedMemoryOp,
    KernelOp,
    constant_int,
    enclosing_kernel,
)
from ziggurat.dialects.device_attrs import MemorySpace, memory_space_of
from ziggurat.hardware.cuda import (
    MAX_THREADS_PER_BLOCK,
    architecture,
)

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
        and memory_space_of(parameter) == MemorySpace.GLOBAL
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
        sizes = [constant_int(v) for v in (*self.grid, *self.block)]
        if any(s is not None and s <= 0 for s in sizes):
            raise VerifyException("expects positive grid and block sizes")
        block = [b for b in map(constant_int, self.block) if b is not None]
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
        dynamic = constant_int(self.shared)
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
