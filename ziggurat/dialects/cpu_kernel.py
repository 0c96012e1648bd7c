"""`cpu.microkernel` and `cpu.call`: named routines for the hot inner tile.

A microkernel is a void C function on buffers and scalars. With a body, the
body is its definition (and its meaning, for the ref executor); without one
it is a declaration of a routine linked in from elsewhere (a hand-written
intrinsics kernel), which only the C target can run.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import (
    AnyFloat,
    FunctionType,
    IndexType,
    IntegerType,
    MemRefType,
    StringAttr,
    SymbolRefAttr,
)
from xdsl.ir import Attribute, Block, Region, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    lazy_traits_def,
    prop_def,
    region_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import (
    HasParent,
    IsolatedFromAbove,
    IsTerminator,
    SymbolOpInterface,
    SymbolTable,
)
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa


def _is_argument_type(t: Attribute) -> bool:
    return isinstance(t, MemRefType | IndexType | IntegerType) or isa(t, AnyFloat)


@irdl_op_definition
class ReturnOp(IRDLOperation):
    """`cpu.return`: ends a microkernel's body (implicit in the syntax)."""

    name = "cpu.return"
    traits = lazy_traits_def(lambda: (IsTerminator(), HasParent(MicrokernelOp)))

    def __init__(self) -> None:
        super().__init__()


@irdl_op_definition
class MicrokernelOp(IRDLOperation):
    """`cpu.microkernel @name(%a: memref<4x8xf32>, %s: f32) { ... }`, or a declaration
    `cpu.microkernel @name(memref<4x8xf32>, f32)`: a void routine on buffers and scalars.
    """

    name = "cpu.microkernel"

    sym_name = prop_def(StringAttr)
    function_type = prop_def(FunctionType)
    body = region_def()

    traits = traits_def(IsolatedFromAbove(), SymbolOpInterface())

    def __init__(self, name: str, inputs: Sequence[Attribute], body: Region | None = None):
        super().__init__(
            properties={
                "sym_name": StringAttr(name),
                "function_type": FunctionType.from_lists(inputs, []),
            },
            regions=[body if body is not None else Region()],
        )

    @property
    def is_declaration(self) -> bool:
        return not self.body.blocks

    @classmethod
    def parse(cls, parser: Parser) -> MicrokernelOp:
        name = parser.parse_symbol_name().data
        args: list[Parser.Argument] = []
        types: list[Attribute] = []

        def parse_one() -> None:
            arg = parser.parse_optional_argument()
            if arg is None:
                types.append(parser.parse_type())
            else:
                assert arg.type is not None  # arguments are parsed with their types
                args.append(arg)
                types.append(arg.type)

        pos = parser.pos
        parser.parse_comma_separated_list(Parser.Delimiter.PAREN, parse_one)
        if args and len(args) != len(types):
            parser.raise_error("expected either all arguments named or none", pos, parser.pos)
        body = None
        if args or not types:
            body = parser.parse_optional_region(args)
            if body is not None:
                if not body.blocks:
                    body.add_block(Block(arg_types=types))
                if not isinstance(body.block.last_op, ReturnOp):
                    body.block.add_op(ReturnOp())
            elif args:
                parser.raise_error("expected a body after named arguments")
        op = cls(name, types, body)
        attrs = parser.parse_optional_attr_dict_with_keyword()
        if attrs is not None:
            op.attributes |= attrs.data
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_symbol_name(self.sym_name.data)
        if self.is_declaration:
            with printer.in_parens():
                printer.print_list(self.function_type.inputs, printer.print_attribute)
        else:
            with printer.in_parens():
                printer.print_list(
                    self.body.block.args,
                    lambda a: printer.print_block_argument(a),
                )
            printer.print_string(" ")
            printer.print_region(
                self.body, print_entry_block_args=False, print_block_terminators=False
            )
        if self.attributes:
            printer.print_op_attributes(self.attributes, print_keyword=True)

    def verify_(self) -> None:
        inputs = list(self.function_type.inputs)
        if self.function_type.outputs.data:
            raise VerifyException("expects no results (a microkernel writes its buffers)")
        for t in inputs:
            if not _is_argument_type(t):
                raise VerifyException(f"expects memref, index, integer or float arguments, got {t}")
        if self.body.blocks:
            if len(self.body.blocks) != 1:
                raise VerifyException("expects a body of one block")
            if list(self.body.block.arg_types) != inputs:
                raise VerifyException("expects its body's arguments to match its signature")


@irdl_op_definition
class CallOp(IRDLOperation):
    """`cpu.call @name(%a, %s) : (memref<4x8xf32>, f32) -> ()`: run a microkernel."""

    name = "cpu.call"

    callee = prop_def(SymbolRefAttr)
    arguments = var_operand_def()

    assembly_format = (
        "$callee `(` $arguments `)` attr-dict `:` `(` type($arguments) `)` `->` `(` `)`"
    )

    def __init__(self, callee: str, arguments: Sequence[SSAValue]):
        super().__init__(operands=[arguments], properties={"callee": SymbolRefAttr(callee)})

    def kernel(self) -> MicrokernelOp:
        """The called microkernel (the verifier has checked that it exists)."""
        found = SymbolTable.lookup_symbol(self, self.callee)
        assert isinstance(found, MicrokernelOp)
        return found

    def verify_(self) -> None:
        name = self.callee.root_reference.data
        found = SymbolTable.lookup_symbol(self, self.callee)
        if found is None:
            raise VerifyException(f"calls '@{name}', which is not defined")
        if not isinstance(found, MicrokernelOp):
            raise VerifyException(f"calls '@{name}', which is a '{found.name}', not a microkernel")
        want = list(found.function_type.inputs)
        got = list(self.arguments.types)
        if got != want:
            raise VerifyException(
                f"passes ({', '.join(map(str, got))}) to '@{name}', "
                f"which takes ({', '.join(map(str, want))})"
            )
