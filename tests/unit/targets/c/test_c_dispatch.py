"""C target: dispatch checks an op's class, not only its name."""

from __future__ import annotations

import pytest
from semantics import parse
from xdsl.dialects import memref
from xdsl.irdl import IRDLOperation, irdl_op_definition, operand_def, result_def, var_operand_def
from xdsl.rewriter import Rewriter

from ziggurat.diagnostics import CompileError
from ziggurat.targets.c.module_emit import emit_module

LOAD = """
func.func @f(%m: memref<4xf32>, %i: index) -> f32 {
  %v = memref.load %m[%i] : memref<4xf32>
  return %v : f32
}
"""


@irdl_op_definition
class ForeignLoadOp(IRDLOperation):
    """An op under `memref.load`'s name that is not xDSL's class (as a plugin could define)."""

    name = "memref.load"

    memref = operand_def()
    indices = var_operand_def()
    result = result_def()


def test_an_op_of_a_registered_name_but_another_class_is_refused_where_it_is():
    module = parse(LOAD)
    load = next(op for op in module.walk() if isinstance(op, memref.LoadOp))
    foreign = ForeignLoadOp.create(
        operands=list(load.operands), result_types=[r.type for r in load.results]
    )
    foreign.location = load.location
    Rewriter.replace_op(load, foreign)
    message = (
        r"cannot emit 'memref\.load': it is a .*ForeignLoadOp, not a xdsl.dialects.memref.LoadOp"
    )
    with pytest.raises(CompileError, match=message) as info:
        emit_module(module)
    assert info.value.op is foreign
    assert info.value.location is not None and info.value.location.line == 3
