"""Memory spaces, hardware dimensions and fragment roles are enums, in the IR and in Python."""

from __future__ import annotations

import pytest
from semantics import parse
from xdsl.dialects.builtin import MemRefType, f32

from ziggurat.dialects.cuda import FragmentRole, FragmentType
from ziggurat.dialects.device import ParallelOp
from ziggurat.dialects.device_attrs import (
    TARGETS,
    Dim,
    MemorySpace,
    MemorySpaceAttr,
    memory_space_of,
)
from ziggurat.parser import ParseError


def test_memory_space_reads_back_as_an_enum() -> None:
    text = "func.func @f(%a: memref<4xf32, #device.memory_space<shared>>) {\n  func.return\n}\n"
    function = next(iter(parse(text).ops))
    memref = function.regions[0].block.args[0].type
    assert memory_space_of(memref) is MemorySpace.SHARED
    assert str(MemRefType(f32, [4], memory_space=MemorySpaceAttr(MemorySpace.LOCAL))) == (
        "memref<4xf32, #device.memory_space<local>>"
    )
    with pytest.raises(ParseError, match="expected a memory space, one of: host, global"):
        parse(text.replace("shared", "texture"))


def test_every_target_names_known_spaces_and_dims() -> None:
    for info in TARGETS.values():
        assert all(isinstance(space, MemorySpace) for space in info.memory_spaces)
        assert all(isinstance(dim, Dim) for dim in info.dims)


def test_parallel_dims_are_enums() -> None:
    text = """
    func.func @f(%n: index) {
      device.launch target(#device.target<cpu>) {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        device.parallel (%i) = (%c0) to (%n) step (%c1) mapping [#device.dim<thread>] {
        }
      }
      func.return
    }
    """
    loop = next(op for op in parse(text).walk() if isinstance(op, ParallelOp))
    assert loop.dims == [Dim.THREAD]


def test_fragment_role_is_an_enum() -> None:
    fragment = FragmentType(FragmentRole.ACCUMULATOR, f32)
    assert fragment.role.data is FragmentRole.ACCUMULATOR
    assert str(fragment) == "!cuda.fragment<accumulator, f32>"
