"""The sandbox of diagram scripts and expressions: policy check, restricted compile, guards, budget.

Pure Python, no SpiffWorkflow: `engine.bpmn.scripting` plugs this into the script engine.

Scripts come from business analysts. They get arithmetic, strings, dicts, lists, comprehensions,
f-strings, functions and the helpers the caller injects; no imports, no names or attributes starting
with `_`, no introspection builtins. `try` and `with` are refused too: CPython switches a trace
function off once it raises, so a script that caught the budget error could loop on untraced."""

from __future__ import annotations

import ast
import dis
import functools
import importlib
import operator
import re
import sys
import time
import types
from collections.abc import Callable
from typing import Any

from RestrictedPython import PrintCollector, RestrictingNodeTransformer, safe_builtins
from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence, safer_getattr_raise

from engine.bpmn.sandbox_bounds import GUARDS as BOUND_GUARDS
from engine.bpmn.sandbox_bounds import INPLACE_CHECKS, BoundedOperators, checked_attribute, guarded_pow
from engine.errors import BudgetExceededError, ScriptPolicyError

SCRIPT_FILENAME = "<script>"
EXPRESSION_FILENAME = "<expression>"
_FILENAMES = {"exec": SCRIPT_FILENAME, "eval": EXPRESSION_FILENAME}
MAX_RANGE = 100_000
COMPILE_CACHE_SIZE = 4096

# Builtins that only fail at run time (they are not in the sandbox's builtins) but that no diagram
# has a reason to name: refusing them at deploy time gives the author a clear message early.
FORBIDDEN_NAMES = frozenset(
    "open exec eval compile globals locals vars getattr setattr delattr input breakpoint help memoryview"
    " type object".split()
)

_NOT_ALLOWED = {
    ast.Import: "kịch bản không được import",
    ast.ImportFrom: "kịch bản không được import",
    ast.Try: "kịch bản không được dùng try/except: hãy để bước lỗi và sửa dữ liệu của nó",
    ast.With: "kịch bản không được dùng khối 'with'",
    ast.ClassDef: "kịch bản không được định nghĩa class",
}
_NOT_ALLOWED[ast.TryStar] = _NOT_ALLOWED[ast.Try]

# Name the injected loop tick so RestrictedPython's "no leading underscore" rule keeps scripts off it.
_TICK = "_step_"


def check_source(source: str, *, mode: str) -> list[tuple[int | None, str]]:
    """Every syntax and policy problem of a script (mode "exec") or expression ("eval"); runs nothing."""
    return _analyse(source, mode)[1]


@functools.lru_cache(maxsize=COMPILE_CACHE_SIZE)
def compile_checked(source: str, mode: str) -> types.CodeType:
    """Restricted code for `source`, cached by text; SyntaxError or ScriptPolicyError when refused."""
    code, problems, syntax_error = _analyse(source, mode)
    if syntax_error is not None:
        raise syntax_error
    if problems:
        raise ScriptPolicyError("; ".join(message for _, message in problems), line=problems[0][0])
    assert code is not None
    return code


def _analyse(source: str, mode: str) -> tuple[types.CodeType | None, list[tuple[int | None, str]], Any]:
    """(code, problems, the SyntaxError if any) of one source text."""
    if mode not in _FILENAMES:
        raise ValueError(f"mode must be 'exec' or 'eval', got {mode!r}")
    filename = _FILENAMES[mode]
    try:
        tree = ast.parse(source, filename, mode)
    except (SyntaxError, ValueError) as err:  # ValueError: null bytes in the source
        error = err if isinstance(err, SyntaxError) else SyntaxError(str(err))
        return None, [(error.lineno, f"syntax error: {error.msg}")], error
    problems = _own_policy_problems(tree, mode)
    # The transformer compile_restricted_exec/_eval use, applied by hand so the loop tick can go in after it.
    errors: list[str] = []
    RestrictingNodeTransformer(errors, [], {}).visit(tree)
    problems += [_plain(error) for error in errors]
    if problems:
        return None, _unique_sorted(problems), None
    _insert_loop_ticks(tree)
    BoundedOperators().visit(tree)
    ast.fix_missing_locations(tree)
    try:
        code = compile(tree, filename, mode)
    except SyntaxError as err:  # found by the compiler, not the parser: 'return' outside function, ...
        return None, [(err.lineno, f"syntax error: {err.msg}")], err
    stuck = _untraceable_loop_lines(code)
    if stuck:
        return None, [(line, "this loop can never end") for line in stuck], None
    return code, [], None


def _own_policy_problems(tree: ast.AST, mode: str) -> list[tuple[int | None, str]]:
    problems = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", None)
        if type(node) in _NOT_ALLOWED:
            problems.append((line, _NOT_ALLOWED[type(node)]))
        elif mode == "eval" and isinstance(node, ast.Name) and node.id in ("print", "printed"):
            # RestrictedPython sets print up in scripts only; in an expression it would be a NameError.
            problems.append((line, f"không dùng được '{node.id}' trong biểu thức"))
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            if isinstance(node.ctx, ast.Load):
                problems.append((line, f"không dùng được '{node.id}' trong kịch bản"))
            else:
                problems.append(
                    (line, f"'{node.id}' là tên dành riêng trong kịch bản: hãy đặt tên biến khác")
                )
    return problems


_TRANSLATIONS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r'"(.+)" is an invalid variable name because it starts with "_"'),
        lambda m: f"không dùng được '{m[1]}' trong kịch bản (tên bắt đầu bằng '_' là dành riêng)",
    ),
    (
        re.compile(r'"(.+)" is an invalid attribute name because it starts with "_"'),
        lambda m: (
            f"không dùng được thuộc tính '{m[1]}' trong kịch bản (tên bắt đầu bằng '_' là tên dành riêng)"
        ),
    ),
    (
        re.compile(r'"(.+)" is a restricted name'),
        lambda m: f"không dùng được thuộc tính '{m[1]}' trong kịch bản",
    ),
    (re.compile(r'"(.+)" is a reserved name'), lambda m: f"'{m[1]}' là tên dành riêng trong kịch bản"),
    (
        re.compile(r"(Exec|Eval) calls are not allowed"),
        lambda m: f"không dùng được '{m[1].lower()}' trong kịch bản",
    ),
    (
        re.compile(r"Augmented assignment of object items and slices is not allowed"),
        lambda m: "kịch bản không được viết x[k] += ...: hãy viết x[k] = x[k] + ...",
    ),
    (
        re.compile(r"Augmented assignment of attributes is not allowed"),
        lambda m: "kịch bản không được viết x.a += ...: hãy viết x.a = x.a + ...",
    ),
    (
        re.compile(r"(\w+) statements are not allowed"),
        lambda m: f"kịch bản không được dùng {_STATEMENTS.get(m[1], m[1])}",
    ),
]
_STATEMENTS = {
    "Nonlocal": "'nonlocal'",
    "AsyncFunctionDef": "'async def'",
    "Await": "'await'",
    "AsyncFor": "'async for'",
    "AsyncWith": "'async with'",
    "TryStar": "try/except*",
}
_RP_ERROR = re.compile(r"^Line (\d+|None): (.*?)\.?$", re.DOTALL)


def _plain(error: str) -> tuple[int | None, str]:
    """A RestrictedPython error ("Line 3: ...") as (line, a sentence for a diagram author)."""
    match = _RP_ERROR.match(error)
    line, text = (None, error) if match is None else (None if match[1] == "None" else int(match[1]), match[2])
    for pattern, say in _TRANSLATIONS:
        found = pattern.search(text)
        if found:
            return line, say(found)
    return line, text[:1].lower() + text[1:]


def _unique_sorted(problems: list[tuple[int | None, str]]) -> list[tuple[int | None, str]]:
    return sorted(dict.fromkeys(problems), key=lambda p: p[0] or 0)


def _insert_loop_ticks(tree: ast.AST) -> None:
    """Start every while body with a no-op name load.

    `while True: pass` compiles to a jump onto itself, which CPython 3.11 never reports as a line
    event; with the tick, every turn of every loop is a backward jump onto another instruction."""
    for node in ast.walk(tree):
        if isinstance(node, ast.While):
            node.body.insert(0, ast.copy_location(ast.Expr(ast.Name(_TICK, ast.Load())), node))
    ast.fix_missing_locations(tree)


def _untraceable_loop_lines(code: types.CodeType) -> list[int | None]:
    """Lines of jumps onto themselves, which no tracer sees (a safety net behind the loop ticks)."""
    lines, todo = [], [code]
    while todo:
        current = todo.pop()
        for ins in dis.get_instructions(current):
            if "JUMP" in ins.opname and ins.argval == ins.offset:
                lines.append(ins.positions.lineno if ins.positions else None)
        todo += [const for const in current.co_consts if isinstance(const, types.CodeType)]
    return lines


# Guards and builtins -------------------------------------------------------------------------------


def _limited_range(*args: int) -> range:
    result = range(*args)
    try:
        size = len(result)
    except OverflowError:
        size = MAX_RANGE + 1
    if size > MAX_RANGE:
        raise ScriptPolicyError(f"range() trong kịch bản giới hạn {MAX_RANGE} phần tử, range này nhiều hơn")
    return result


# C code that imports a module for its own use (date.strftime and __format__ import `time`,
# datetime.strptime `_strptime`) looks up __import__ in the *calling frame's* builtins, the sandbox's.
_IMPLICIT_IMPORTS = frozenset({"time", "_strptime"})


def _implicit_import(
    name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0
) -> Any:
    """__import__ for those C internals only: scripts can neither name it nor write an import statement."""
    if level == 0 and name in _IMPLICIT_IMPORTS:
        return importlib.import_module(name)
    raise ScriptPolicyError("kịch bản không được import")


def _getattr(obj: Any, name: str) -> Any:
    """RestrictedPython's safer_getattr (raising on missing attributes), with clearer refusals."""
    if name == "mro":  # Exception.mro() would hand out BaseException, which passes every except clause
        raise ScriptPolicyError("không dùng được 'mro' trong kịch bản")
    try:
        value = safer_getattr_raise(obj, name)
    except NotImplementedError:
        raise ScriptPolicyError(f"không dùng được '{name}' trong kịch bản: hãy dùng f-string") from None
    return checked_attribute(obj, name, value)


def _write(obj: Any) -> Any:
    """Scripts may change the dicts and lists they made or got from data, nothing else."""
    if isinstance(obj, dict | list):
        return obj
    raise ScriptPolicyError(f"kịch bản chỉ được sửa dict và list, không sửa được {type(obj).__name__}")


def _getitem(obj: Any, key: Any) -> Any:
    return obj[key]


def _apply(func: Callable, *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


_INPLACE = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
    "**=": operator.ipow,
    "<<=": operator.ilshift,
    ">>=": operator.irshift,
    "&=": operator.iand,
    "|=": operator.ior,
    "^=": operator.ixor,
    "@=": operator.imatmul,
}


def _inplacevar(op: str, target: Any, value: Any) -> Any:
    if op in INPLACE_CHECKS:
        INPLACE_CHECKS[op](target, value)
    return _INPLACE[op](target, value)


_CURATED = {
    "sum": sum,
    "min": min,
    "max": max,
    "sorted": sorted,
    "enumerate": enumerate,
    "dict": dict,
    "list": list,
    "tuple": tuple,
    "set": set,
    "any": any,
    "all": all,
    "zip": zip,
    "map": map,
    "filter": filter,
    "len": len,
    "range": _limited_range,
    "pow": guarded_pow,
    "abs": abs,
    "round": round,
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "isinstance": isinstance,
    "reversed": reversed,
}
# Out of RestrictedPython's safe_builtins: attribute writers (named in FORBIDDEN_NAMES), class building
# (classes are refused), and exceptions outside Exception, which would slip past SpiffWorkflow's handlers.
_DROPPED = {
    "setattr",
    "delattr",
    "__build_class__",
    "BaseException",
    "SystemExit",
    "KeyboardInterrupt",
    "GeneratorExit",
}
BUILTINS: dict[str, Any] = {k: v for k, v in safe_builtins.items() if k not in _DROPPED} | _CURATED
BUILTINS["__import__"] = _implicit_import
GUARDS: dict[str, Any] = {
    "__builtins__": BUILTINS,
    "_getattr_": _getattr,
    "_getitem_": _getitem,
    "_getiter_": iter,
    "_write_": _write,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_inplacevar_": _inplacevar,
    "_apply_": _apply,
    "_print_": PrintCollector,  # print() output goes to the script's `printed`, never to stdout
    **BOUND_GUARDS,
    _TICK: None,
}
BUILTIN_NAMES = frozenset(name for name in BUILTINS if not name.startswith("_")) | {"print"}


def run_with_budget(
    code: types.CodeType, namespace: dict[str, Any], *, step_budget: int, time_budget: float
) -> Any:
    """eval() `code` in `namespace`, raising BudgetExceededError past `step_budget` lines or `time_budget` s.

    A tracer is installed for this call only (the previous one is restored) and follows only frames
    of sandbox code, so helpers and builtins run untraced, at full speed."""
    what = "script" if code.co_filename == SCRIPT_FILENAME else "expression"
    steps = 0
    deadline = time.perf_counter() + time_budget

    def on_line(frame: types.FrameType, event: str, arg: Any) -> Any:
        nonlocal steps
        if event == "line":
            steps += 1
            if steps > step_budget:
                raise BudgetExceededError(
                    f"{what} exceeded its budget of {step_budget} steps: does it loop without end?"
                )
            if time.perf_counter() > deadline:
                raise BudgetExceededError(
                    f"{what} exceeded its time budget of {time_budget:g} s: does it loop without end?"
                )
        return on_line

    def on_call(frame: types.FrameType, event: str, arg: Any) -> Any:
        return on_line if frame.f_code.co_filename in (SCRIPT_FILENAME, EXPRESSION_FILENAME) else None

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        return eval(code, namespace)
    finally:
        sys.settrace(previous)
