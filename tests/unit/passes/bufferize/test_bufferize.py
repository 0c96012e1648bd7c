"""`ziggurat-bufferize`: tensor programs keep their meaning on buffers.

Each program is run by the `ref` executor before and after the pass on the
same random inputs (random shapes drawn by hypothesis), and the bufferized
program's structure is checked where a user would notice it: how many
buffers it allocates and copies (in-place reuse happened, copies only where
needed), that every buffer it does not return is freed, that no tensor is
left, and that the caller's arguments are never written.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from semantics import REGISTRY, apply, assert_preserves_semantics, parse
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, TensorType

from ziggurat.diagnostics import CompileError
from ziggurat.passes.bufferize.ziggurat_bufferize import BufferizePass
from ziggurat.targets.ref import random_inputs, run_function

PASS = "ziggurat-bufferize"
dims = st.integers(1, 6)
examples = settings(max_examples=15, deadline=None)


def count(module: ModuleOp, name: str) -> int:
    return sum(1 for op in module.walk() if op.name == name)


def check_buffers(module: ModuleOp) -> None:
    """No tensor is left; each allocation is freed once or returned, never both."""
    for op in module.walk():
        if isinstance(op, func.FuncOp):
            continue
        for value in (*op.operands, *op.results):
            assert not isinstance(value.type, TensorType), f"tensor left in {op.name}"
    for op in module.walk():
        if op.name != "memref.alloc":
            continue
        users = [use.operation.name for use in op.results[0].uses]
        freed = users.count("memref.dealloc")
        returned = users.count("func.return")
        assert freed + returned == 1, f"alloc used by {users}"


def bufferize(text: str, entry: str | None = None) -> ModuleOp:
    module = assert_preserves_semantics(text, PASS, entry=entry)
    check_buffers(module)
    return module


MLP = """
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @mlp(%x: tensor<{m}x{k}xf32>, %w: tensor<{k}x{n}xf32>, %b: tensor<{n}xf32>)
    -> tensor<{m}x{n}xf32> {{
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<{m}x{n}xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>)
                      outs(%i : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %biased = linalg.generic {{indexing_maps = [#id, #row, #id],
                            iterator_types = ["parallel", "parallel"]}}
      ins(%mm, %b : tensor<{m}x{n}xf32>, tensor<{n}xf32>) outs(%e : tensor<{m}x{n}xf32>) {{
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  }} -> tensor<{m}x{n}xf32>
  %relu = linalg.generic {{indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}}
      ins(%biased : tensor<{m}x{n}xf32>) outs(%e : tensor<{m}x{n}xf32>) {{
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  }} -> tensor<{m}x{n}xf32>
  return %relu : tensor<{m}x{n}xf32>
}}
"""


@examples
@given(m=dims, k=dims, n=dims)
def test_mlp_layer_lives_in_one_buffer(m: int, k: int, n: int) -> None:
    module = bufferize(MLP.format(m=m, k=k, n=n))
    assert count(module, "memref.alloc") == 1
    assert count(module, "memref.copy") == 0
    assert count(module, "linalg.matmul") == 1


def _chain(shape: str, ops: list[str]) -> str:
    """A chain of elementwise generics, each writing into a fresh `tensor.empty`."""
    t = f"tensor<{shape}xf32>"
    lines = [f"func.func @chain(%x: {t}, %y: {t}) -> {t} {{"]
    rank = shape.count("x") + 1
    dims_ = ", ".join(f"d{i}" for i in range(rank))
    ident = f"affine_map<({dims_}) -> ({dims_})>"
    iters = ", ".join(['"parallel"'] * rank)
    prev = "%x"
    for i, op in enumerate(ops):
        lines.append(f"  %e{i} = tensor.empty() : tensor<{shape}xf32>")
        lines.append(
            f"  %v{i} = linalg.generic {{indexing_maps = [{ident}, {ident}, {ident}], "
            f"iterator_types = [{iters}]}} ins({prev}, %y : {t}, {t}) outs(%e{i} : {t}) {{"
        )
        lines.append("  ^bb0(%a: f32, %b: f32, %o: f32):")
        lines.append(f"    %r = arith.{op} %a, %b : f32")
        lines.append("    linalg.yield %r : f32")
        lines.append(f"  }} -> tensor<{shape}xf32>")
        prev = f"%v{i}"
    lines.append(f"  return {prev} : tensor<{shape}xf32>")
    lines.append("}")
    return "\n".join(lines)


@examples
@given(
    shape=st.lists(dims, min_size=1, max_size=3).map(lambda s: "x".join(map(str, s))),
    ops=st.lists(st.sampled_from(["addf", "mulf", "subf", "maximumf"]), min_size=1, max_size=5),
)
def test_elementwise_chain_reuses_one_buffer(shape: str, ops: list[str]) -> None:
    module = bufferize(_chain(shape, ops))
    # The first op cannot overwrite the argument; every later one overwrites
    # its dead input in place.
    assert count(module, "memref.alloc") == 1
    assert count(module, "memref.copy") == 0


INIT_TWICE = """
func.func @twice(%a: tensor<{m}x{k}xf32>, %b: tensor<{k}x{n}xf32>, %c: tensor<{k}x{n}xf32>)
    -> (tensor<{m}x{n}xf32>, tensor<{m}x{n}xf32>) {{
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<{m}x{n}xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %x = linalg.matmul ins(%a, %b : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>)
                     outs(%i : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %y = linalg.matmul ins(%a, %c : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>)
                     outs(%i : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  return %x, %y : tensor<{m}x{n}xf32>, tensor<{m}x{n}xf32>
}}
"""


@examples
@given(m=dims, k=dims, n=dims)
def test_init_used_twice_is_copied_once(m: int, k: int, n: int) -> None:
    module = bufferize(INIT_TWICE.format(m=m, k=k, n=n))
    assert count(module, "memref.alloc") == 2
    assert count(module, "memref.copy") == 1


ARG_INIT = """
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @acc(%a: tensor<{m}x{k}xf32>, %b: tensor<{k}x{n}xf32>, %c: tensor<{m}x{n}xf32>)
    -> tensor<{m}x{n}xf32> {{
  %x = linalg.matmul ins(%a, %b : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>)
                     outs(%c : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %y = linalg.generic {{indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}}
      ins(%x, %c : tensor<{m}x{n}xf32>, tensor<{m}x{n}xf32>) outs(%c : tensor<{m}x{n}xf32>) {{
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.subf %p, %q : f32
    linalg.yield %s : f32
  }} -> tensor<{m}x{n}xf32>
  return %y : tensor<{m}x{n}xf32>
}}
"""


@examples
@given(m=dims, k=dims, n=dims)
def test_argument_used_as_init_is_never_written(m: int, k: int, n: int) -> None:
    text = ARG_INIT.format(m=m, k=k, n=n)
    module = bufferize(text)
    assert count(module, "memref.copy") == 1
    args = random_inputs(module)
    before = [a.copy() for a in args]
    (result,) = run_function(module, args)
    for arg, original in zip(args, before, strict=True):
        np.testing.assert_array_equal(arg, original)
    a, b, _c = before
    np.testing.assert_allclose(result, a @ b, rtol=1e-4, atol=1e-5)


SLICES = """
#id = affine_map<(i, j) -> (i, j)>
func.func @slices(%t: tensor<{h}x{w}xf32>, %u: tensor<{sh}x{sw}xf32>)
    -> (tensor<{h}x{w}xf32>, tensor<{ph}x{pw}xf32>, tensor<{flat}xf32>) {{
  %s = tensor.extract_slice %t[{oh}, {ow}] [{sh}, {sw}] [1, 1]
      : tensor<{h}x{w}xf32> to tensor<{sh}x{sw}xf32>
  %e = tensor.empty() : tensor<{sh}x{sw}xf32>
  %d = linalg.generic {{indexing_maps = [#id, #id, #id],
                       iterator_types = ["parallel", "parallel"]}}
      ins(%s, %u : tensor<{sh}x{sw}xf32>, tensor<{sh}x{sw}xf32>) outs(%e : tensor<{sh}x{sw}xf32>) {{
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  }} -> tensor<{sh}x{sw}xf32>
  %i = tensor.insert_slice %d into %t[{ow2}, {oh2}] [{sh}, {sw}] [1, 1]
      : tensor<{sh}x{sw}xf32> into tensor<{h}x{w}xf32>
  %zero = arith.constant 0.5 : f32
  %p = tensor.pad %s low[1, 0] high[0, 2] {{
  ^bb0(%x: index, %y: index):
    tensor.yield %zero : f32
  }} : tensor<{sh}x{sw}xf32> to tensor<{ph}x{pw}xf32>
  %c = tensor.collapse_shape %i [[0, 1]] : tensor<{h}x{w}xf32> into tensor<{flat}xf32>
  %x = tensor.expand_shape %c [[0, 1]] output_shape [{h}, {w}]
      : tensor<{flat}xf32> into tensor<{h}x{w}xf32>
  %f = tensor.collapse_shape %x [[0, 1]] : tensor<{h}x{w}xf32> into tensor<{flat}xf32>
  return %x, %p, %f : tensor<{h}x{w}xf32>, tensor<{ph}x{pw}xf32>, tensor<{flat}xf32>
}}
"""


@examples
@given(data=st.data(), h=dims, w=dims)
def test_slices_pad_and_reshapes(data: st.DataObject, h: int, w: int) -> None:
    side = min(h, w)
    sh = data.draw(st.integers(1, side), "sh")
    sw = data.draw(st.integers(1, side), "sw")
    oh, ow = data.draw(st.integers(0, h - sh)), data.draw(st.integers(0, w - sw))
    oh2, ow2 = data.draw(st.integers(0, w - sw)), data.draw(st.integers(0, h - sh))
    text = SLICES.format(
        h=h, w=w, sh=sh, sw=sw, oh=oh, ow=ow, oh2=oh2, ow2=ow2, ph=sh + 1, pw=sw + 2, flat=h * w
    )
    module = bufferize(text)
    assert count(module, "memref.subview") == 3
    assert count(module, "memref.collapse_shape") == 2
    assert count(module, "memref.expand_shape") == 1


CONSTANT = """
#id = affine_map<(d0) -> (d0)>
func.func @affine(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %scale = arith.constant dense<[1.0, -2.0, 0.5, 3.0]> : tensor<4xf32>
  %shift = arith.constant dense<[0.25, 0.0, -1.0, 2.0]> : tensor<4xf32>
  %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%x, %scale : tensor<4xf32>, tensor<4xf32>) outs(%shift : tensor<4xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %m = arith.mulf %a, %s : f32
    %r = arith.addf %m, %o : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  return %y, %shift : tensor<4xf32>, tensor<4xf32>
}
"""


def test_constants_become_read_only_globals() -> None:
    module = bufferize(CONSTANT)
    assert count(module, "memref.global") == 2
    # The init %shift is a constant: the generic accumulates into a copy,
    # and the returned %shift is another copy (the caller owns its results).
    assert count(module, "memref.copy") == 2
    (_x,) = random_inputs(module)
    _y, shift = run_function(module, [_x])
    np.testing.assert_array_equal(shift, np.array([0.25, 0.0, -1.0, 2.0], np.float32))


INT8 = """
func.func @q(%a: tensor<{m}x{k}xi8>, %b: tensor<{k}x{n}xi8>) -> tensor<{m}x{n}xi32> {{
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<{m}x{n}xi32>
  %i = linalg.fill ins(%zero : i32) outs(%e : tensor<{m}x{n}xi32>) -> tensor<{m}x{n}xi32>
  %c = linalg.matmul ins(%a, %b : tensor<{m}x{k}xi8>, tensor<{k}x{n}xi8>)
                     outs(%i : tensor<{m}x{n}xi32>) -> tensor<{m}x{n}xi32>
  return %c : tensor<{m}x{n}xi32>
}}
"""


@examples
@given(m=dims, k=dims, n=dims)
def test_int8_matmul(m: int, k: int, n: int) -> None:
    module = bufferize(INT8.format(m=m, k=k, n=n))
    assert count(module, "memref.alloc") == 1
    assert count(module, "memref.copy") == 0


CONV = """
#nhwc = affine_map<(n, h, w, c) -> (n, h, w, c)>
#chan = affine_map<(n, h, w, c) -> (c)>
func.func @conv(%x: tensor<1x{ih}x{iw}x{c}xf32>, %w: tensor<{kh}x{kw}x{c}x{f}xf32>,
                %b: tensor<{f}xf32>)
    -> tensor<1x{oh}x{ow}x{f}xf32> {{
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x{oh}x{ow}x{f}xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<1x{oh}x{ow}x{f}xf32>)
      -> tensor<1x{oh}x{ow}x{f}xf32>
  %conv = linalg.conv_2d_nhwc_hwcf
      ins(%x, %w : tensor<1x{ih}x{iw}x{c}xf32>, tensor<{kh}x{kw}x{c}x{f}xf32>)
      outs(%i : tensor<1x{oh}x{ow}x{f}xf32>) -> tensor<1x{oh}x{ow}x{f}xf32>
  %y = linalg.generic {{indexing_maps = [#nhwc, #chan, #nhwc],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}}
      ins(%conv, %b : tensor<1x{oh}x{ow}x{f}xf32>, tensor<{f}xf32>)
      outs(%e : tensor<1x{oh}x{ow}x{f}xf32>) {{
  ^bb0(%v: f32, %bias: f32, %o: f32):
    %s = arith.addf %v, %bias : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }} -> tensor<1x{oh}x{ow}x{f}xf32>
  return %y : tensor<1x{oh}x{ow}x{f}xf32>
}}
"""


@settings(max_examples=10, deadline=None)
@given(
    oh=st.integers(1, 4),
    ow=st.integers(1, 4),
    kh=st.integers(1, 3),
    kw=st.integers(1, 3),
    c=st.integers(1, 3),
    f=st.integers(1, 3),
)
def test_conv_bias_relu(oh: int, ow: int, kh: int, kw: int, c: int, f: int) -> None:
    text = CONV.format(oh=oh, ow=ow, kh=kh, kw=kw, c=c, f=f, ih=oh + kh - 1, iw=ow + kw - 1)
    module = bufferize(text)
    assert count(module, "memref.alloc") == 1
    assert count(module, "memref.copy") == 0


CALL = """
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @square(%x: tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32> {{
  %e = tensor.empty() : tensor<{m}x{n}xf32>
  %y = linalg.generic {{indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}}
      ins(%x : tensor<{m}x{n}xf32>) outs(%e : tensor<{m}x{n}xf32>) {{
  ^bb0(%a: f32, %o: f32):
    %r = arith.mulf %a, %a : f32
    linalg.yield %r : f32
  }} -> tensor<{m}x{n}xf32>
  return %y : tensor<{m}x{n}xf32>
}}
func.func @main(%x: tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32> {{
  %a = func.call @square(%x) : (tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %b = func.call @square(%a) : (tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %c = func.call @square(%x) : (tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %e = tensor.empty() : tensor<{m}x{n}xf32>
  %s = linalg.generic {{indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}}
      ins(%b, %c : tensor<{m}x{n}xf32>, tensor<{m}x{n}xf32>) outs(%e : tensor<{m}x{n}xf32>) {{
  ^bb0(%p: f32, %q: f32, %o: f32):
    %r = arith.subf %p, %q : f32
    linalg.yield %r : f32
  }} -> tensor<{m}x{n}xf32>
  return %s : tensor<{m}x{n}xf32>
}}
"""


@examples
@given(m=dims, n=dims)
def test_call_results_are_owned_by_the_caller(m: int, n: int) -> None:
    module = bufferize(CALL.format(m=m, n=n), entry="main")
    main = next(
        op for op in module.ops if isinstance(op, func.FuncOp) and op.sym_name.data == "main"
    )
    # The caller frees what it does not return: %a and %c (the sum is written
    # over %b, which is returned).
    assert count(main, "memref.dealloc") == 2
    assert count(main, "memref.alloc") == 0


TILED = """
func.func @tiled(%a: tensor<{m}x{k}xf32>, %b: tensor<{k}x{n}xf32>, %c: tensor<{m}x{n}xf32>)
    -> tensor<{m}x{n}xf32> {{
  %c0 = arith.constant 0 : index
  %cm = arith.constant {m} : index
  %step = arith.constant {t} : index
  %zero = arith.constant 0.0 : f32
  {init}
  %r = scf.for %i = %c0 to %cm step %step iter_args(%acc = {init_value}) -> (tensor<{m}x{n}xf32>) {{
    %as = tensor.extract_slice %a[%i, 0] [{t}, {k}] [1, 1]
        : tensor<{m}x{k}xf32> to tensor<{t}x{k}xf32>
    %cs = tensor.extract_slice %acc[%i, 0] [{t}, {n}] [1, 1]
        : tensor<{m}x{n}xf32> to tensor<{t}x{n}xf32>
    %mm = linalg.matmul ins(%as, %b : tensor<{t}x{k}xf32>, tensor<{k}x{n}xf32>)
                        outs(%cs : tensor<{t}x{n}xf32>) -> tensor<{t}x{n}xf32>
    %ins = tensor.insert_slice %mm into %acc[%i, 0] [{t}, {n}] [1, 1]
        : tensor<{t}x{n}xf32> into tensor<{m}x{n}xf32>
    scf.yield %ins : tensor<{m}x{n}xf32>
  }}
  return %r : tensor<{m}x{n}xf32>
}}
"""


@examples
@given(tiles=st.integers(1, 4), t=st.integers(1, 3), k=dims, n=dims, from_arg=st.booleans())
def test_tiled_loop_updates_its_buffer_in_place(
    tiles: int, t: int, k: int, n: int, from_arg: bool
) -> None:
    m = tiles * t
    init = (
        ""
        if from_arg
        else f"%e = tensor.empty() : tensor<{m}x{n}xf32>\n  %init = linalg.fill ins(%zero : f32) "
        f"outs(%e : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>"
    )
    value = "%c" if from_arg else "%init"
    text = TILED.format(m=m, k=k, n=n, t=t, init=init, init_value=value)
    module = bufferize(text)
    assert count(module, "memref.alloc") == 1
    # Starting from the argument costs one copy (arguments are read-only);
    # the tiles themselves are computed in place, with no copy in the loop.
    assert count(module, "memref.copy") == (1 if from_arg else 0)
    loop = next(op for op in module.walk() if op.name == "scf.for")
    assert not loop.results
    assert count(loop, "memref.copy") == 0


IF = """
#id = affine_map<(i) -> (i)>
func.func @pick(%flag: i1, %a: tensor<{n}xf32>, %b: tensor<{n}xf32>) -> tensor<{n}xf32> {{
  %r = scf.if %flag -> (tensor<{n}xf32>) {{
    scf.yield %a : tensor<{n}xf32>
  }} else {{
    %e = tensor.empty() : tensor<{n}xf32>
    %s = linalg.generic {{indexing_maps = [#id, #id, #id],
                         iterator_types = ["parallel"]}}
        ins(%a, %b : tensor<{n}xf32>, tensor<{n}xf32>) outs(%e : tensor<{n}xf32>) {{
    ^bb0(%p: f32, %q: f32, %o: f32):
      %v = arith.addf %p, %q : f32
      linalg.yield %v : f32
    }} -> tensor<{n}xf32>
    scf.yield %s : tensor<{n}xf32>
  }}
  return %r : tensor<{n}xf32>
}}
"""


@examples
@given(n=dims, flag=st.booleans())
def test_if_with_tensor_results(n: int, flag: bool) -> None:
    text = IF.format(n=n)
    module = bufferize(text)
    args = random_inputs(module)
    args[0] = np.array(flag)
    (got,) = run_function(parse(text), [a.copy() for a in args])
    (want,) = run_function(module, args)
    np.testing.assert_allclose(got, want)


def test_unsupported_op_is_a_located_error() -> None:
    module = parse(
        "func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {\n"
        "  %r = arith.addf %a, %a : tensor<4xf32>\n"
        "  return %r : tensor<4xf32>\n"
        "}\n"
    )
    with pytest.raises(CompileError) as error:
        BufferizePass().apply(REGISTRY.make_context(), module)
    assert "cannot lower 'arith.addf'" in error.value.message
    assert error.value.location is not None
    assert (error.value.location.line, error.value.location.col) == (2, 3)


def test_dynamic_shapes_take_sizes_from_their_operands() -> None:
    module = parse(
        """
func.func @f(%a: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %a, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%d) : tensor<?x4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%p: f32, %o: f32):
    %r = arith.addf %p, %p : f32
    linalg.yield %r : f32
  } -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
"""
    )
    apply(module, PASS)
    check_buffers(module)
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    (got,) = run_function(module, [a])
    np.testing.assert_array_equal(got, a + a)


@settings(max_examples=10, deadline=None)
@given(sizes=st.lists(st.integers(1, 8), min_size=2, max_size=3), m=dims, k=dims, n=dims)
def test_after_linalg_tile_every_tile_is_computed_in_place(
    sizes: list[int], m: int, k: int, n: int
) -> None:
    """What linalg-tile makes on tensors (extract, compute, insert) needs no copy."""
    pipeline = f"linalg-tile{{tile-sizes={','.join(map(str, sizes))}}},{PASS}"
    module = assert_preserves_semantics(INT8.format(m=m, k=k, n=n), pipeline)
    check_buffers(module)
    assert count(module, "memref.alloc") == 1
    assert count(module, "memref.copy") == 0
