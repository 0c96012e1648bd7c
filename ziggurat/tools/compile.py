"""Parse, verify and transform IR with located errors: the core of the tools."""

from __future__ import annotations

import dataclasses
import difflib
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, StringAttr, UnregisteredOp
from xdsl.ir import Block, BlockArgument, Operation, OpResult, Region
from xdsl.passes import ModulePass
from xdsl.traits import IsolatedFromAbove, NoTerminator, SymbolTable
from xdsl.utils.arg_spec import ArgSpec, parse_pipeline
from xdsl.utils.exceptions import (
    ArgSpecParseError,
    DiagnosticException,
    MultipleSpansParseError,
    ParseError,
    VerifyException,
)
from xdsl.utils.lexer import Span

from ziggurat.diagnostics import CompileError, location_of
from ziggurat.parser import ParserCrash, parse_module
from ziggurat.tools.driver import Note, ToolError, ToolErrors, Where
from ziggurat.universe import Registry

_DEBUG_NOTE = "rerun with --debug to see the Python traceback"


def _span_location(span: Span[str] | Span[bytes], line_offset: int = 0) -> Where:
    loc = span.get_location()
    return loc.file, loc.line + line_offset, loc.col


def parse_source(ctx: Context, text: str, name: str, line_offset: int = 0) -> ModuleOp:
    """Parse MLIR text into a module, or raise a located `ToolError`."""
    try:
        return parse_module(ctx, text, name, line_offset)
    except ParseError as error:
        where = _span_location(error.span, line_offset)
        notes: list[Note] = []
        if isinstance(error, MultipleSpansParseError):
            default = (error.ref_text or "see here").rstrip(":")
            notes = [(msg or default, _span_location(ref, line_offset)) for ref, msg in error.refs]
        if isinstance(error, ParserCrash):
            notes.append(_DEBUG_NOTE)
            raise ToolError(error.msg, where, notes, internal=error.__cause__) from None
        raise ToolError(error.msg, where, notes) from None


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def _where(op: Operation | None) -> Where | None:
    loc = location_of(op)
    return None if loc is None else (loc.file, loc.line, loc.col)


def verify_module(module: ModuleOp, after_pass: str | None = None) -> None:
    """Verify every op; report the invalid ones at their source locations.

    As in MLIR, each op isolated from above (a function, say) is verified on its
    own and every failing one is reported, while inside one, verification stops at
    the first invalid op; dominance is checked once the ops are valid. Besides each
    op's own verifier this checks what xDSL leaves out: that every operand is
    defined before its use (dominance), and which symbol is defined twice.
    """
    errors = _verify_isolated(module, after_pass, _Dominance())
    if errors:
        raise errors[0] if len(errors) == 1 else ToolErrors(errors)


def _verify_isolated(
    root: Operation, after_pass: str | None, dominance: _Dominance
) -> list[ToolError]:
    """Verify `root` and what it holds: its own ops, then each nested isolated op.

    An op that holds isolated ops (`builtin.module`) is verified after them, since
    its own checks (such as a symbol defined twice) are about what they contain.
    """
    scope: list[Operation] = []
    nested: list[Operation] = []
    holders: list[Operation] = []
    stack = [root]
    while stack:
        op = stack.pop()
        scope.append(op)
        inner: list[Operation] = []
        held = len(nested)
        for child in (c for r in op.regions for b in r.blocks for c in b.ops):
            (nested if _is_isolated(child) else inner).append(child)
        if len(nested) > held:
            holders.append(op)
        stack.extend(reversed(inner))
    deferred = {id(op) for op in holders}
    for op in scope:
        if id(op) not in deferred and (error := _op_error(op, after_pass)) is not None:
            return [error]
    errors = [e for op in nested for e in _verify_isolated(op, after_pass, dominance)]
    if errors:
        return errors
    for op in reversed(holders):
        if (error := _op_error(op, after_pass)) is not None:
            return [error]
    for op in scope:
        dominance.visit(op)
        if op.operands and (bad := dominance.first_bad_operand(op)) is not None:
            index, definition = bad
            notes: list[Note] = []
            if (where := _where(definition)) is not None:
                notes.append(("operand defined here", where))
            if after_pass is not None:
                notes.append(f"the IR is invalid after pass '{after_pass}'")
            message = f"'{op.name}' op operand #{index} does not dominate this use"
            return [ToolError(message, _where(op), notes)]
    return []


def _is_isolated(op: Operation) -> bool:
    return bool(op.regions) and op.has_trait(IsolatedFromAbove)


def _op_error(op: Operation, after_pass: str | None) -> ToolError | None:
    """The error of `op`'s own verifier, or of an empty block in its regions."""
    try:
        op.verify(verify_nested_ops=False)
    except Exception as error:
        return _verify_error(op, error, after_pass)
    if op.regions and _has_empty_block(op):
        empty = VerifyException("empty block: expected at least a terminator")
        return _verify_error(op, empty, after_pass)
    return None


def _has_empty_block(op: Operation) -> bool:
    """A block with no ops, where a terminator is required (xDSL does not check this)."""
    if isinstance(op, UnregisteredOp) or op.has_trait(NoTerminator):
        return False
    return any(block.first_op is None for region in op.regions for block in region.blocks)


_NOT_TERMINATED = re.compile(r"Operation (\S+) terminates block in .*not a terminator")
_REDEFINED = re.compile(r'Redefinition of symbol "(.*)"')


def _verify_error(op: Operation, error: Exception, after_pass: str | None) -> ToolError:
    message = _first_line(error)
    notes: list[Note] = []
    if after_pass is not None:
        notes.append(f"the IR is invalid after pass '{after_pass}'")
    if (redefined := _REDEFINED.match(message)) and op.has_trait(SymbolTable):
        return _redefinition(op, redefined.group(1), notes)
    if match := _NOT_TERMINATED.match(message):
        message = f"block with no terminator: its last op, '{match.group(1)}', is not one"
    elif not message.startswith(f"'{op.name}' op "):
        # MLIR's op errors all begin "'name' op "; xDSL's trait errors leave out the "op".
        rest = message.removeprefix(f"'{op.name}'").lstrip().removeprefix("op ")
        message = f"'{op.name}' op {rest}"
    internal = None
    if not isinstance(error, DiagnosticException | ValueError) and type(error) is not Exception:
        # Not a verifier's way to reject IR: most likely a bug in the verifier.
        message += f" ({type(error).__name__} in the verifier)"
        notes.append(_DEBUG_NOTE)
        internal = error
    return ToolError(message, _where(op), notes, internal=internal)


def _redefinition(table: Operation, name: str, notes: list[Note]) -> ToolError:
    """Report the second definition of symbol `name`, with a note on the first."""
    first: Operation | None = None
    for op in table.regions[0].block.ops:
        sym = op.get_attr_or_prop("sym_name")
        if isinstance(sym, StringAttr) and sym.data == name:
            if first is None:
                first = op
                continue
            if (where := _where(first)) is not None:
                notes.insert(0, ("see existing symbol definition here", where))
            return ToolError(f"redefinition of symbol named '{name}'", _where(op), notes)
    return ToolError(f"redefinition of symbol named '{name}'", _where(table), notes)


class _Dominance:
    """Checks that each operand is defined before its use, as MLIR's verifier does.

    Ops are visited in `walk` order (pre-order), so for two ops of one block the
    one visited first comes first. Across the blocks of a region, dominator trees
    are built on demand, only for multi-block regions. Regions of ops without
    terminators (`builtin.module`) and of unregistered ops are graph regions, where
    order does not matter.
    """

    def __init__(self) -> None:
        self._seen: set[int] = set()
        self._trees: dict[Region, _DominatorTree] = {}

    def visit(self, op: Operation) -> None:
        self._seen.add(id(op))

    def first_bad_operand(self, op: Operation) -> tuple[int, Operation | None] | None:
        """The index and defining op of the first operand not visible at `op`."""
        for index, value in enumerate(op.operands):
            if isinstance(value, OpResult):
                definer: Operation | None = value.op
                block = value.op.parent
            elif isinstance(value, BlockArgument):
                definer, block = None, value.block
            else:
                continue
            if block is None or block.parent is None:
                continue
            if not self._dominates(definer, block, op):
                return index, definer
        return None

    def _dominates(self, definer: Operation | None, block: Block, user: Operation) -> bool:
        region = block.parent
        # Climb from the user to its ancestor in the defining region.
        ancestor = user
        user_block = user.parent
        while user_block is not None and user_block.parent is not region:
            parent_region = user_block.parent
            parent_op = None if parent_region is None else parent_region.parent
            if parent_op is None:
                return False
            ancestor, user_block = parent_op, parent_op.parent
        if user_block is None or region is None:
            return False
        owner = region.parent
        if owner is not None and (
            isinstance(owner, UnregisteredOp) or owner.has_trait(NoTerminator)
        ):
            return True
        if user_block is block:
            if definer is None:
                return True
            return definer is not ancestor and id(definer) in self._seen
        tree = self._trees.get(region)
        if tree is None:
            tree = self._trees[region] = _DominatorTree(region)
        return tree.dominates(block, user_block)


class _DominatorTree:
    """Dominance between the blocks of one region (Cooper, Harvey and Kennedy)."""

    def __init__(self, region: Region):
        entry = region.blocks[0]
        postorder = list(_postorder(entry))
        rpo = postorder[::-1]
        number = {block: i for i, block in enumerate(rpo)}
        preds: dict[Block, list[Block]] = {block: [] for block in rpo}
        for block in rpo:
            for succ in _successors(block):
                if succ in preds:
                    preds[succ].append(block)
        idom: dict[Block, Block] = {entry: entry}

        def intersect(a: Block, b: Block) -> Block:
            while a is not b:
                while number[a] > number[b]:
                    a = idom[a]
                while number[b] > number[a]:
                    b = idom[b]
            return a

        changed = True
        while changed:
            changed = False
            for block in rpo[1:]:
                new: Block | None = None
                for pred in preds[block]:
                    if pred in idom:
                        new = pred if new is None else intersect(pred, new)
                if new is not None and idom.get(block) is not new:
                    idom[block] = new
                    changed = True
        # Number the dominator tree so that each query is two comparisons.
        children: dict[Block, list[Block]] = {block: [] for block in rpo}
        for block in rpo[1:]:
            children[idom[block]].append(block)
        self._enter: dict[Block, int] = {}
        self._exit: dict[Block, int] = {}
        clock = 0
        stack: list[tuple[Block, bool]] = [(entry, False)]
        while stack:
            block, done = stack.pop()
            clock += 1
            if done:
                self._exit[block] = clock
                continue
            self._enter[block] = clock
            stack.append((block, True))
            stack.extend((child, False) for child in children[block])

    def dominates(self, a: Block, b: Block) -> bool:
        if b not in self._enter:
            return True  # unreachable code: MLIR accepts any use there
        if a not in self._enter:
            return False
        return self._enter[a] <= self._enter[b] and self._exit[b] <= self._exit[a]


def _successors(block: Block) -> tuple[Block, ...]:
    last = block.last_op
    return () if last is None else tuple(last.successors)


def _postorder(entry: Block) -> Iterator[Block]:
    visited = {entry}
    stack = [(entry, iter(_successors(entry)))]
    while stack:
        block, successors = stack[-1]
        for succ in successors:
            if succ not in visited:
                visited.add(succ)
                stack.append((succ, iter(_successors(succ))))
                break
        else:
            stack.pop()
            yield block


_PIPELINE_ERROR = re.compile(r"pass-pipeline:\d+:(\d+)")


def _pipeline_syntax_error(spec: str, error: ArgSpecParseError) -> ToolError:
    """xDSL's message and column, shown under the pipeline as given."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    match = next((m for line in lines if (m := _PIPELINE_ERROR.match(line))), None)
    message = lines[-1] if lines else "syntax error"
    message = message[:1].lower() + message[1:]
    context = ""
    if match is not None:
        col = int(match.group(1))
        context = f"  {spec}\n  {' ' * (col - 1)}^\n"
    return ToolError(f"invalid pass pipeline: {message}", context=context)


def _option_names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if f.init and f.name != "name"]


def check_options(cls: type, spec: ArgSpec, kind: str = "pass") -> None:
    """Name an unknown option of a pass or target and what it accepts, before xDSL does."""
    known = _option_names(cls)
    for given in spec.parameters:
        if given.replace("-", "_") in known:
            continue
        dashed = [name.replace("_", "-") for name in known]
        if not known:
            raise ToolError(f"{kind} '{spec.name}' has no option '{given}': it takes no options")
        close = difflib.get_close_matches(given.replace("_", "-"), dashed, 1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise ToolError(
            f"{kind} '{spec.name}' has no option '{given}'; {hint}"
            f"its options are: {', '.join(dashed)}"
        )


def _expand(pass_: ModulePass) -> list[ModulePass]:
    """A named pipeline's passes (recursively), so each is run, timed and dumped alone."""
    from ziggurat.passes.pipelines import PipelinePass

    if isinstance(pass_, PipelinePass):
        return [p for inner in pass_.passes() for p in _expand(inner)]
    return [pass_]


@dataclass
class Pipeline:
    """Passes parsed from xDSL's pipeline syntax: `a,b{opt=v list=1,2}`."""

    passes: list[ModulePass] = field(default_factory=list[ModulePass])

    @staticmethod
    def parse(registry: Registry, spec: str) -> Pipeline:
        try:
            specs = list(parse_pipeline(spec))
        except ArgSpecParseError as error:
            raise _pipeline_syntax_error(spec, error) from None
        passes: list[ModulePass] = []
        for pass_spec in specs:
            factory = registry.passes.get(pass_spec.name)
            if factory is None:
                close = difflib.get_close_matches(pass_spec.name, registry.passes, 3)
                hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
                raise ToolError(
                    f"unknown pass '{pass_spec.name}'{hint} (--list-passes shows them all)"
                )
            pass_type = factory()
            check_options(pass_type, pass_spec)
            try:
                pass_ = pass_type.from_pass_spec(pass_spec)
            except (ValueError, TypeError) as error:
                raise ToolError(
                    f"invalid options for pass '{pass_spec.name}': {_first_line(error)}"
                ) from None
            passes.extend(_expand(pass_))
        return Pipeline(passes)

    def spec(self) -> str:
        """The pipeline in xDSL syntax, named pipelines expanded, every option shown."""
        return ",".join(str(p.pipeline_pass_spec(include_default=True)) for p in self.passes)

    def run(
        self,
        ctx: Context,
        module: ModuleOp,
        after_each: Callable[[ModulePass, ModuleOp], None] | None = None,
        timings: list[tuple[str, float]] | None = None,
        debug: bool = False,
    ) -> None:
        """Apply each pass, verifying the IR after it; errors name the pass."""
        for pass_ in self.passes:
            start = time.perf_counter()
            try:
                pass_.apply(ctx, module)
            except CompileError as error:
                loc = error.location
                where = None if loc is None else (loc.file, loc.line, loc.col)
                raise ToolError(f"{pass_.name}: {error.message}", where) from None
            except Exception as error:
                if debug:
                    raise
                raise ToolError(
                    f"pass '{pass_.name}' failed: {type(error).__name__}: {_first_line(error)}",
                    notes=[_DEBUG_NOTE],
                ) from error
            if timings is not None:
                timings.append((pass_.name, time.perf_counter() - start))
            verify_module(module, after_pass=pass_.name)
            if after_each is not None:
                after_each(pass_, module)
