"""`--split-input-file`: where an input is cut, and that chunks keep the file's positions."""

from __future__ import annotations

from ziggurat.tools.split_input import split_input

PAD = " " * len("// -----")
"""What stands for the marker at the start of the chunk after it, so columns stay."""


def test_cut_at_each_marker_with_the_lines_before_each_chunk() -> None:
    split = split_input("a\n// -----\nb\nc\n// -----\nd")
    assert [(c.text, c.line_offset) for c in split.chunks] == [
        ("a\n", 0),
        (PAD + "\nb\nc\n", 1),
        (PAD + "\nd", 4),
    ]
    assert split.near_misses == []


def test_text_around_a_marker_stays_in_place() -> None:
    split = split_input("a // ----- b\nc")
    assert [(c.text, c.line_offset) for c in split.chunks] == [
        ("a ", 0),
        ("           b\nc", 0),
    ]
    # The next chunk's text keeps its column: 'b' is the 12th character of its line.
    assert split.chunks[1].text.index("b") == 11


def test_a_longer_dash_run_still_splits_and_leaves_the_rest() -> None:
    split = split_input("a\n// ------\nb")
    assert [c.text for c in split.chunks] == ["a\n", "        -\nb"]


def test_a_marker_short_of_two_dashes_is_a_near_miss() -> None:
    split = split_input("a\n// ----\nb\n// -----\nc")
    assert [c.text for c in split.chunks] == ["a\n// ----\nb\n", PAD + "\nc"]
    assert split.near_misses == [(2, 7)]


def test_a_custom_marker() -> None:
    split = split_input("a\n// ==== next\nb\n// -----\nc", "// ==== next")
    assert [(c.text, c.line_offset) for c in split.chunks] == [
        ("a\n", 0),
        (" " * 12 + "\nb\n// -----\nc", 1),
    ]


def test_no_marker_is_one_chunk() -> None:
    split = split_input("a\nb")
    assert [(c.text, c.line_offset) for c in split.chunks] == [("a\nb", 0)]
