"""Printing shared by the reshaping ops of `memref` and `tensor`.

xDSL prints a reassociation as an attribute (`[[0 : i64, 1 : i64]]`); MLIR
writes plain integer lists (`[[0, 1]]`). Both parse the same, so only the
printers need replacing.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    ArrayAttr,
    DenseArrayBase,
    IntegerAttr,
    IntegerType,
)
from xdsl.dialects.utils import print_dynamic_index_list
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.printer import Printer


def print_reassociation(printer: Printer, reassociation: Attribute) -> None:
    """`[[0, 1], [2]]`: the source dims grouped into each result dim."""
    assert isinstance(reassociation, ArrayAttr)

    def print_group(group: Attribute) -> None:
        assert isinstance(group, ArrayAttr)
        with printer.in_square_brackets():
            printer.print_list(
                group,
                lambda i: printer.print_int(i.value.data if isinstance(i, IntegerAttr) else i),
            )

    with printer.in_square_brackets():
        printer.print_list(reassociation, print_group)


def print_reshape(
    printer: Printer,
    op: Operation,
    source: SSAValue,
    reassociation: Attribute,
    output_shape: tuple[Sequence[SSAValue], DenseArrayBase[IntegerType]] | None = None,
) -> None:
    """` %src [[0, 1]] [output_shape [2, %n]] {attrs} : type into type`"""
    printer.print_string(" ")
    printer.print_ssa_value(source)
    printer.print_string(" ")
    print_reassociation(printer, reassociation)
    if output_shape is not None:
        dynamic, static = output_shape
        printer.print_string(" output_shape ")
        print_dynamic_index_list(printer, DYNAMIC_INDEX, dynamic, static.get_values())
    printer.print_op_attributes(op.attributes)
    printer.print_string(" : ")
    printer.print_attribute(source.type)
    printer.print_string(" into ")
    printer.print_attribute(op.results[0].type)
