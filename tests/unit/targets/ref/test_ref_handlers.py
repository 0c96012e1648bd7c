"""Handlers are registered per op class: an op that only shares a handled name is reported."""

from __future__ import annotations

import numpy as np
import pytest
from semantics import parse
from test_ref_api import scalar_fn
from xdsl.irdl import IRDLOperation, irdl_op_definition, operand_def, result_def
from xdsl.rewriter import Rewriter

from ziggurat.diagnostics import CompileError
from ziggurat.targets.ref import run_function


@irdl_op_definition
class ImpostorAddiOp(IRDLOperation):
    """An op named like `arith.addi` that is not xDSL's `AddiOp`."""

    name = "arith.addi"
    lhs = operand_def()
    rhs = operand_def()
    result = result_def()


def test_an_op_of_another_class_under_a_handled_name_is_reported():
    module = parse(scalar_fn("%r = arith.addi %a0, %a1 : i32", ["i32", "i32"], "i32"))
    addi = next(op for op in module.walk() if op.name == "arith.addi")
    impostor = ImpostorAddiOp.create(
        operands=list(addi.operands), result_types=[r.type for r in addi.results]
    )
    Rewriter.replace_op(addi, impostor)
    with pytest.raises(
        CompileError,
        match=r"ref: cannot execute 'arith\.addi': it is a .*, not the "
        r"xdsl\.dialects\.arith\.AddiOp its handler is written for",
    ):
        run_function(module, [np.int32(1), np.int32(2)])
