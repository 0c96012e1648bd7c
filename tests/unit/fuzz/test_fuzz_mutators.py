"""The fuzzer's tokeniser and mutation operators do what their names say, and only that."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from paths import MODELS

from tests.fuzz import mutators
from tests.fuzz.mutators import NUMBERS, mutate
from tests.fuzz.tokens import join, significant, tokenize

MLP = (MODELS / "mlp.mlir").read_bytes()
ATTENTION = (MODELS / "attention.mlir").read_bytes()


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_tokenize_gives_the_text_back(text: str) -> None:
    assert join(tokenize(text)) == text


def test_tokenize_cuts_where_a_reader_would() -> None:
    text = '%0 = arith.constant -1.5e3 : f32 // note\n"a\\"b" @f ^bb0 #map -> 0x1F'
    kinds = [(t.kind, t.text) for t in tokenize(text) if t.kind != "space"]
    assert kinds == [
        ("ssa", "%0"),
        ("punct", "="),
        ("ident", "arith.constant"),
        ("number", "-1.5e3"),
        ("punct", ":"),
        ("ident", "f32"),
        ("comment", "// note"),
        ("string", '"a\\"b"'),
        ("symbol", "@f"),
        ("block", "^bb0"),
        ("alias", "#map"),
        ("arrow", "->"),
        ("number", "0x1F"),
    ]


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.integers(0, 2**32))
def test_truncation_never_grows_the_input(data: bytes, seed: int) -> None:
    cut = mutators.truncate(random.Random(seed), data, b"")
    assert len(cut) <= len(data)
    assert data.startswith(cut)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32))
def test_a_byte_flip_changes_one_bit(seed: int) -> None:
    flipped = mutators.flip_byte(random.Random(seed), MLP, b"")
    assert len(flipped) == len(MLP)
    diff = [a ^ b for a, b in zip(MLP, flipped, strict=True) if a != b]
    assert len(diff) == 1 and diff[0].bit_count() == 1


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32))
def test_a_token_delete_removes_one_token(seed: int) -> None:
    tokens = tokenize(MLP.decode())
    deleted = mutators.delete_token(random.Random(seed), MLP, b"").decode()
    assert any(deleted == join(tokens[:i] + tokens[i + 1 :]) for i in significant(tokens))


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32))
def test_a_number_change_puts_a_boundary_value_in_place_of_a_number(seed: int) -> None:
    tokens = tokenize(MLP.decode())
    changed = mutators.change_number(random.Random(seed), MLP, b"").decode()
    numbers = [i for i, t in enumerate(tokens) if t.kind == "number"]
    assert any(
        changed == join(tokens[:i]) + value + join(tokens[i + 1 :])
        for i in numbers
        for value in NUMBERS
    )


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32))
def test_an_ssa_rename_changes_only_ssa_names(seed: int) -> None:
    before = tokenize(MLP.decode())
    after = tokenize(mutators.rename_ssa(random.Random(seed), MLP, b"").decode())
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        if old != new:
            assert old.kind == "ssa" and new.text.startswith("%")


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32))
def test_a_splice_is_a_prefix_of_one_file_then_a_suffix_of_the_other(seed: int) -> None:
    spliced = mutators.splice(random.Random(seed), MLP, ATTENTION)
    mine, theirs = MLP.splitlines(keepends=True), ATTENTION.splitlines(keepends=True)
    assert any(
        spliced == b"".join(mine[:i]) + b"".join(theirs[j:])
        for i in range(len(mine) + 1)
        for j in range(len(theirs))
    )


def test_operators_leave_an_input_they_cannot_work_on_unchanged() -> None:
    rng = random.Random(0)
    for op in (mutators.rename_ssa, mutators.change_number, mutators.delete_token):
        assert op(rng, b"   \n", b"") == b"   \n"
    assert mutators.truncate(rng, b"", b"") == b""


def test_mutants_depend_only_on_the_random_seed() -> None:
    first = [mutate(random.Random(f"7:{i}"), MLP, ATTENTION, False) for i in range(20)]
    again = [mutate(random.Random(f"7:{i}"), MLP, ATTENTION, False) for i in range(20)]
    assert first == again
    assert len({m for m, _ in first}) > 15


def test_binary_inputs_get_byte_operators_only() -> None:
    names = {mutate(random.Random(i), bytes(64), bytes(32), True)[1] for i in range(200)}
    used = {n for name in names for n in name.split("+")}
    assert used <= {op.__name__ for op in mutators.BINARY_MUTATORS}
