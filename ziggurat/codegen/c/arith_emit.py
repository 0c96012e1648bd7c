"""`arith` ops as C expressions with MLIR's exact semantics.

Signless integers wrap: sums, differences and products are computed in an unsigned
type of at least 32 bits and converted back (GCC and Clang define that conversion
as modular). `i1` is `bool`; read as a signed number, true is -1.
"""

from __future__ import annotations

from xdsl.dialects import arith
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr
from xdsl.ir import Attribute, Operation

from ziggurat.codegen.c.ctypes_map import c_type, float_suffix, int_width, unsigned_type
from ziggurat.codegen.c.emitter import EmitHandlers, FunctionEmitter
from ziggurat.codegen.c.literals import scalar_literal
from ziggurat.diagnostics import CompileError
from ziggurat.dialects.arith import IndexCastUIOp, RemFOp

HANDLERS = EmitHandlers()
"""The `arith` ops every C-family target prints the same way (by xDSL's classes, which
ziggurat's `arith.trunci` subclasses; `arith.remf` and `arith.index_castui` are ziggurat's)."""


def signed_view(a: str, width: int) -> str:
    return f"(-(int8_t){a})" if width == 1 else a


def unsigned_view(a: str, width: int) -> str:
    return f"({unsigned_type(width)}){a}"


def wrap(expr: str, width: int) -> str:
    """An integer expression reduced to a `width`-bit signless value."""
    if width == 1:
        return f"(bool)(({expr}) & 1)"
    return f"(int{width}_t)({unsigned_type(width)})({expr})"


def _wide(a: str, width: int) -> str:
    wide = "uint64_t" if width == 64 else "uint32_t"
    return f"({wide}){unsigned_view(a, width)}"


_WRAPPING = {"arith.addi": "+", "arith.subi": "-", "arith.muli": "*"}
_BITWISE = {"arith.andi": "&", "arith.ori": "|", "arith.xori": "^"}
_DIVISIONS = ("divsi", "remsi", "floordivsi", "ceildivsi", "divui", "remui", "ceildivui")


def int_binary(em: FunctionEmitter, name: str, w: int, a: str, b: str, op: Operation) -> str:
    """The C expression of integer op `name` on operands `a`, `b` of width `w`."""
    if name in _WRAPPING:
        return wrap(f"{_wide(a, w)} {_WRAPPING[name]} {_wide(b, w)}", w)
    if name in _BITWISE:
        t = "bool" if w == 1 else f"int{w}_t"
        return f"({t})({a} {_BITWISE[name]} {b})"
    short = name.removeprefix("arith.")
    if short in _DIVISIONS:
        if w == 1:
            raise CompileError(f"c: '{name}' on i1 is not supported", op)
        return f"{em.use(f'{short}_i{w}')}({a}, {b})"
    if short in ("maxsi", "minsi"):
        sa, sb = signed_view(a, w), signed_view(b, w)
        return f"({sa} {'>' if short == 'maxsi' else '<'} {sb} ? {a} : {b})"
    if short in ("maxui", "minui"):
        ua, ub = unsigned_view(a, w), unsigned_view(b, w)
        return f"({ua} {'>' if short == 'maxui' else '<'} {ub} ? {a} : {b})"
    if short in ("shli", "shrui", "shrsi"):
        amount = f"(uint64_t){unsigned_view(b, w)}"
        if short == "shli":
            shifted = wrap(f"{_wide(a, w)} << {amount}", w)
            return f"({amount} >= {w} ? 0 : {shifted})"
        if short == "shrui":
            shifted = wrap(f"{unsigned_view(a, w)} >> {amount}", w)
            return f"({amount} >= {w} ? 0 : {shifted})"
        if w == 1:
            return a
        return f"({amount} >= {w} ? ({a} < 0 ? -1 : 0) : (int{w}_t)({a} >> {amount}))"
    raise CompileError(f"c: cannot emit '{name}'", op)


def float_binary(em: FunctionEmitter, name: str, type_: Attribute, a: str, b: str) -> str | None:
    """The C expression of float op `name`, or None if `name` is not a float op."""
    code = "f32" if c_type(type_) == "float" else "f64"
    s = float_suffix(type_)
    simple = {"arith.addf": "+", "arith.subf": "-", "arith.mulf": "*", "arith.divf": "/"}
    if name in simple:
        return f"{a} {simple[name]} {b}"
    if name == "arith.remf":
        return f"fmod{s}({a}, {b})"
    if name in ("arith.maximumf", "arith.minimumf"):
        return f"{em.use(name.removeprefix('arith.') + '_' + code)}({a}, {b})"
    if name == "arith.maxnumf":
        return f"fmax{s}({a}, {b})"
    if name == "arith.minnumf":
        return f"fmin{s}({a}, {b})"
    return None


def binary(em: FunctionEmitter, name: str, type_: Attribute, a: str, b: str, op: Operation) -> str:
    """The C expression of a binary arith op on scalars (shared with reductions)."""
    width = int_width(type_)
    if width is not None:
        return int_binary(em, name, width, a, b, op)
    expr = float_binary(em, name, type_, a, b)
    if expr is None:
        raise CompileError(f"c: cannot emit '{name}' on {type_}", op)
    return expr


_BINARY_OPS = (
    arith.AddiOp,
    arith.SubiOp,
    arith.MuliOp,
    arith.DivSIOp,
    arith.DivUIOp,
    arith.RemSIOp,
    arith.RemUIOp,
    arith.CeilDivSIOp,
    arith.CeilDivUIOp,
    arith.FloorDivSIOp,
    arith.MaxSIOp,
    arith.MinSIOp,
    arith.MaxUIOp,
    arith.MinUIOp,
    arith.AndIOp,
    arith.OrIOp,
    arith.XOrIOp,
    arith.ShLIOp,
    arith.ShRSIOp,
    arith.ShRUIOp,
    arith.AddfOp,
    arith.SubfOp,
    arith.MulfOp,
    arith.DivfOp,
    RemFOp,
    arith.MaximumfOp,
    arith.MinimumfOp,
    arith.MaxnumfOp,
    arith.MinnumfOp,
)


@HANDLERS.on(*_BINARY_OPS)
def _binary(
    em: FunctionEmitter,
    op: arith.SignlessIntegerBinaryOperation | arith.FloatingPointLikeBinaryOperation,
) -> None:
    a, b = (em.value(v) for v in op.operands)
    em.bind(op.results[0], binary(em, op.name, op.results[0].type, a, b, op), op)


@HANDLERS.on(arith.ConstantOp)
def _constant(em: FunctionEmitter, op: arith.ConstantOp) -> None:
    value = op.properties.get("value")
    if value is None:
        value = op.attributes.get("value")
    result = op.results[0]
    if isinstance(value, DenseIntOrFPElementsAttr):
        raise CompileError("c: vector and tensor constants are not supported", op)
    assert value is not None
    em.values[result] = scalar_literal(value, result.type, op)


_CMPF = {
    1: "{a} == {b}",
    2: "{a} > {b}",
    3: "{a} >= {b}",
    4: "{a} < {b}",
    5: "{a} <= {b}",
    6: "({a} < {b} || {a} > {b})",
    7: "(!isnan({a}) && !isnan({b}))",
    8: "!({a} < {b} || {a} > {b})",
    9: "!({a} <= {b})",
    10: "!({a} < {b})",
    11: "!({a} >= {b})",
    12: "!({a} > {b})",
    13: "{a} != {b}",
    14: "(isnan({a}) || isnan({b}))",
}


@HANDLERS.on(arith.CmpfOp)
def _cmpf(em: FunctionEmitter, op: arith.CmpfOp) -> None:
    a, b = (em.value(v) for v in op.operands)
    predicate = op.predicate.value.data
    if predicate in (0, 15):
        c_type(op.operands[0].type, op)
        em.bind(op.results[0], "true" if predicate == 15 else "false", op)
        return
    em.bind(op.results[0], _CMPF[predicate].format(a=a, b=b), op)


@HANDLERS.on(arith.CmpiOp)
def _cmpi(em: FunctionEmitter, op: arith.CmpiOp) -> None:
    a, b = (em.value(v) for v in op.operands)
    width = int_width(op.operands[0].type)
    assert width is not None
    c_type(op.operands[0].type, op)
    predicate = op.predicate.value.data
    symbol = ("==", "!=", "<", "<=", ">", ">=", "<", "<=", ">", ">=")[predicate]
    if predicate >= 6:
        a, b = unsigned_view(a, width), unsigned_view(b, width)
    elif predicate >= 2:
        a, b = signed_view(a, width), signed_view(b, width)
    em.bind(op.results[0], f"{a} {symbol} {b}", op)


@HANDLERS.on(arith.SelectOp)
def _select(em: FunctionEmitter, op: arith.SelectOp) -> None:
    c, a, b = (em.value(v) for v in op.operands)
    em.bind(op.results[0], f"{c} ? {a} : {b}", op)


@HANDLERS.on(arith.NegfOp)
def _negf(em: FunctionEmitter, op: arith.NegfOp) -> None:
    em.bind(op.results[0], f"-{em.value(op.operands[0])}", op)


CastOp = (
    arith.ExtSIOp
    | arith.ExtUIOp
    | arith.TruncIOp
    | arith.IndexCastOp
    | IndexCastUIOp
    | arith.SIToFPOp
    | arith.UIToFPOp
    | arith.FPToSIOp
    | arith.FPToUIOp
    | arith.ExtFOp
    | arith.TruncFOp
    | arith.BitcastOp
)
"""The casts, which the C emitter tells apart by name."""


@HANDLERS.on(
    arith.ExtSIOp,
    arith.ExtUIOp,
    arith.TruncIOp,
    arith.IndexCastOp,
    IndexCastUIOp,
    arith.SIToFPOp,
    arith.UIToFPOp,
    arith.FPToSIOp,
    arith.FPToUIOp,
    arith.ExtFOp,
    arith.TruncFOp,
    arith.BitcastOp,
)
def _cast(em: FunctionEmitter, op: CastOp) -> None:
    src_type, dst_type = op.operands[0].type, op.results[0].type
    a = em.value(op.operands[0])
    src_c, dst_c = c_type(src_type, op), c_type(dst_type, op)
    sw, dw = int_width(src_type), int_width(dst_type)
    kind = op.name.removeprefix("arith.")
    if kind in ("index_cast", "index_castui"):
        assert sw is not None and dw is not None
        kind = "trunci" if sw > dw else ("extsi" if kind == "index_cast" else "extui")
    if kind == "extsi":
        assert sw is not None
        expr = f"({dst_c}){signed_view(a, sw)}"
    elif kind == "extui":
        assert sw is not None
        expr = f"({dst_c}){unsigned_view(a, sw)}"
    elif kind == "trunci":
        assert dw is not None
        expr = wrap(a, dw)
    elif kind == "sitofp":
        assert sw is not None
        expr = f"({dst_c}){signed_view(a, sw)}"
    elif kind == "uitofp":
        assert sw is not None
        expr = f"({dst_c}){unsigned_view(a, sw)}"
    elif kind in ("fptosi", "fptoui"):
        assert dw is not None
        if dw == 1:
            expr = f"(trunc{float_suffix(src_type)}({a}) != 0)"
        else:
            code = "f32" if src_c == "float" else "f64"
            expr = f"{em.use(f'{kind}_{code}_i{dw}')}({a})"
    elif kind in ("extf", "truncf"):
        expr = f"({dst_c}){a}"
    elif kind == "bitcast":
        if src_c == dst_c:
            expr = a
        else:
            expr = f"((union {{ {src_c} from; {dst_c} to; }}){{.from = {a}}}).to"
    else:
        raise CompileError(f"c: cannot emit '{op.name}'", op)
    em.bind(op.results[0], expr, op)
