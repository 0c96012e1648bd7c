"""Every shell example in README.md and docs/ runs and prints what the doc shows.

The conventions a doc follows (output, `...`, `$ cat FILE`, the `doc-test:` markers)
are in docs_examples.py and docs/contributing.md, "Examples in the docs". The first
tests check the checker on small made-up docs, so that a drifted doc cannot pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docs_examples import (
    Block,
    changes_environment,
    doc_files,
    environment,
    extract,
    missing_program,
    run_block,
)
from paths import ROOT

from ziggurat.targets.cuda import toolchain

ALL_BLOCKS = [block for path in doc_files(ROOT) for block in extract(path, ROOT)]


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "README.md").write_text("", encoding="utf-8")
    doc = tmp_path / "docs" / "made_up.md"
    doc.write_text(text, encoding="utf-8")
    return doc


MADE_UP = """\
Intro.

```console
$ cat hello.txt
hello
$ cat hello.txt | tr a-z A-Z
HELLO
$ echo "took 12.5 ms"; echo one; echo two
took 3 ms
...
$ cd sub 2>/dev/null || true
```

<!-- doc-test: skip (made up: too slow) -->
```sh
sleep 1000
```

```python
print("not a shell example")
```

<!-- doc-test: file data/in.txt -->
```text
abc
```

```console
$ cat data/in.txt; python -c "
print('x')"
abc
x
```

```sh
pip install nothing
```
"""


def test_the_conventions_are_read_as_documented(tmp_path: Path) -> None:
    blocks = extract(_write(tmp_path, MADE_UP), tmp_path)
    names = [b.name for b in blocks]
    assert names == [f"docs/made_up.md:{n}" for n in (3, 15, 28, 35)]
    assert blocks[1].skip == "made up: too slow"
    for block in (blocks[0], blocks[2]):
        failures = run_block(block, tmp_path, environment())
        assert [f.render(block.doc) for f in failures] == []
    assert (tmp_path / "hello.txt").read_text() == "hello\n"
    assert _why_skip(blocks[3]) == "docs/made_up.md:35:36 installs into the environment"
    with pytest.raises(ValueError, match="installs into the environment"):
        run_block(blocks[3], tmp_path, environment())


def test_a_drifted_example_is_reported_with_its_place_and_a_diff(tmp_path: Path) -> None:
    doc = _write(tmp_path, "```console\n$ echo printed\nshown\n$ false\n```\n")
    (block,) = extract(doc, tmp_path)
    rendered = [f.render(block.doc) for f in run_block(block, tmp_path, environment())]
    assert len(rendered) == 2
    assert rendered[0].startswith("docs/made_up.md:2: $ echo printed")
    assert "-shown" in rendered[0] and "+printed" in rendered[0]
    assert rendered[1].startswith("docs/made_up.md:4: $ false\n  exited with status 1")


class _Workdirs:
    """One scratch copy of the repository per doc; a doc's blocks run there in order."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.ran: dict[str, set[int]] = {}

    def prepare(self, block: Block) -> Path:
        """The doc's directory, with every earlier runnable block of the doc run in it."""
        from docs_examples import copy_tree

        workdir = self.base / block.doc.replace("/", "_")
        if block.doc not in self.ran:
            workdir.mkdir()
            copy_tree(ROOT, workdir)
            self.ran[block.doc] = set()
        for earlier in ALL_BLOCKS:
            if earlier.doc != block.doc or earlier.line >= block.line:
                continue
            if earlier.line not in self.ran[block.doc] and _why_skip(earlier) is None:
                run_block(earlier, workdir, environment())
                self.ran[block.doc].add(earlier.line)
        self.ran[block.doc].add(block.line)
        return workdir


@pytest.fixture(scope="module")
def workdirs(tmp_path_factory: pytest.TempPathFactory) -> _Workdirs:
    return _Workdirs(tmp_path_factory.mktemp("docs"))


def _why_skip(block: Block) -> str | None:
    if block.skip is not None:
        return f"{block.name}: {block.skip}"
    env = environment()
    for tool in block.requires:
        if tool == "cuda-gpu":
            reason = toolchain.no_gpu_reason()
            if reason is not None:
                return f"{block.name} needs a GPU: {reason}"
        elif missing_program(tool, env):
            return f"{block.name} needs {tool}, which is not installed"
    for command in block.commands:
        if changes_environment(command.text):
            return f"{block.name}:{command.line} installs into the environment"
        program = missing_program(command.text, env)
        if program is not None:
            return f"{block.name}:{command.line} runs {program}, which is not installed"
    return None


@pytest.mark.parametrize("block", ALL_BLOCKS, ids=[b.name for b in ALL_BLOCKS])
def test_doc_example(block: Block, workdirs: _Workdirs) -> None:
    reason = _why_skip(block)
    if reason is not None:
        pytest.skip(reason)
    failures = run_block(block, workdirs.prepare(block), environment())
    if failures:
        pytest.fail("\n\n".join(f.render(block.doc) for f in failures), pytrace=False)
