"""Bounds on single operations of diagram scripts: the budget tracer of `engine.bpmn.sandbox` runs between
lines, and one C-level operation cannot be interrupted (`3 ** 40000000` ran 24.6 s past a 2 s budget), so
the operations that can build huge values are checked before they run: `**`, `*`, `<<`, `+`, `%` on text
and format specs (rewritten into calls of the guards below), `pow`, and the str methods whose result can
dwarf their inputs. Integers stay under MAX_INT_BITS bits (about 30,000 digits), strings, lists and tuples
under MAX_SEQUENCE items or characters; each such operation then takes well under a millisecond."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any

from engine.errors import ScriptPolicyError

MAX_INT_BITS = 100_000
MAX_SEQUENCE = 1_000_000


class BoundedOperators(ast.NodeTransformer):
    """Route the operators that can build huge values (`**`, `*`, `<<`, `+`, `%` on text, format specs)
    through the guards below. Applied after RestrictedPython's checks, so the `_` names are ours."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        guard = _GUARDED_BINOPS.get(type(node.op))
        if guard is None:
            return node
        call = ast.Call(ast.Name(guard, ast.Load()), [node.left, node.right], [])
        return ast.copy_location(call, node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        self.generic_visit(node)
        if node.format_spec is not None:  # f"{x:>{width}}": the spec is computed, then checked
            checked = ast.Call(ast.Name("_format_spec_", ast.Load()), [node.format_spec], [])
            node.format_spec = ast.JoinedStr([ast.FormattedValue(checked, -1, None)])
        return node


_GUARDED_BINOPS = {
    ast.Pow: "_pow_",
    ast.Mult: "_mul_",
    ast.LShift: "_lshift_",
    ast.Add: "_add_",
    ast.Mod: "_mod_",
}


def _too_big(what: str, limit: str) -> ScriptPolicyError:
    return ScriptPolicyError(f"{what} trong kịch bản giới hạn ở {limit}; kết quả này lớn hơn")


def _bits(value: Any) -> int:
    return abs(value).bit_length() if isinstance(value, int) else 0


def _length(value: Any) -> int | None:
    return len(value) if isinstance(value, str | bytes | list | tuple) else None


def _check_pow(base: Any, exponent: Any) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        if (_bits(base) - 1) * exponent > MAX_INT_BITS:  # |base| ** n has at least that many bits
            raise _too_big("'**'", f"số nguyên {MAX_INT_BITS} bit")


def _check_mul(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int):
        if _bits(left) + _bits(right) > MAX_INT_BITS:
            raise _too_big("'*'", f"số nguyên {MAX_INT_BITS} bit")
        return
    for sequence, count in ((left, right), (right, left)):
        size = _length(sequence)
        if size is not None and isinstance(count, int) and size * count > MAX_SEQUENCE:
            raise _too_big("lặp bằng '*'", f"{MAX_SEQUENCE} phần tử hoặc ký tự")


def _check_lshift(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int) and left and _bits(left) + right > MAX_INT_BITS:
        raise _too_big("'<<'", f"số nguyên {MAX_INT_BITS} bit")


def _check_add(left: Any, right: Any) -> None:
    sizes = (_length(left), _length(right))
    if None not in sizes and sizes[0] + sizes[1] > MAX_SEQUENCE:
        raise _too_big("nối bằng '+'", f"{MAX_SEQUENCE} phần tử hoặc ký tự")


_NUMBERS = re.compile(r"\d+")


def _check_width(spec: str, values: Any = ()) -> None:
    """A width or precision in a format (or a `*` one taken from the values) builds that many characters
    in one C call."""
    numbers = [int(n) if len(n) <= 9 else MAX_SEQUENCE + 1 for n in _NUMBERS.findall(spec)]
    if "*" in spec:
        numbers += [v for v in values if isinstance(v, int)]
    if any(n > MAX_SEQUENCE for n in numbers):
        raise _too_big("độ rộng hoặc độ chính xác khi định dạng", f"{MAX_SEQUENCE} ký tự")


def guarded_pow(base: Any, exponent: Any, modulus: Any = None) -> Any:
    if modulus is None:
        _check_pow(base, exponent)
        return base**exponent
    return pow(base, exponent, modulus)  # modular: as many steps as the exponent has bits


def _mul(left: Any, right: Any) -> Any:
    _check_mul(left, right)
    return left * right


def _lshift(left: Any, right: Any) -> Any:
    _check_lshift(left, right)
    return left << right


def _add(left: Any, right: Any) -> Any:
    _check_add(left, right)
    return left + right


def _mod(left: Any, right: Any) -> Any:
    if isinstance(left, str):  # "%*d" % (10 ** 9, 1) pads in one C call
        _check_width(left, right if isinstance(right, tuple) else (right,))
    return left % right


def _format_spec(spec: str) -> str:
    _check_width(spec)
    return spec


def _width(text: str, width: Any = 0, *rest: Any) -> int:
    return width if isinstance(width, int) else 0


def _tabs(text: str, tabsize: Any = 8) -> int:
    return len(text) + text.count("\t") * tabsize if isinstance(tabsize, int) else 0


def _replaced(text: str, old: Any = "", new: Any = "", *rest: Any) -> int:
    if not isinstance(old, str) or not isinstance(new, str):
        return 0
    return len(text) + text.count(old) * max(len(new) - len(old), 0)


# The str methods whose result can dwarf their inputs (`s.replace("x", s)`, `"".join([s] * 1000)` with one
# shared string), with the length of that result computed before they run.
_RESULT_LENGTH: dict[str, Callable[..., int]] = {
    "ljust": _width,
    "rjust": _width,
    "center": _width,
    "zfill": _width,
    "expandtabs": _tabs,
    "replace": _replaced,
}


def _sized(text: str, name: str, method: Callable) -> Callable:
    """str method `name` bound to `text`, refused when its result would pass MAX_SEQUENCE characters."""

    def checked(*args: Any) -> Any:
        if _RESULT_LENGTH[name](text, *args) > MAX_SEQUENCE:
            raise _too_big(f"str.{name}()", f"{MAX_SEQUENCE} ký tự")
        return method(*args)

    return checked


def _joiner(text: str) -> Callable:
    def join(items: Any) -> str:
        parts = list(items)  # a generator is read once, here
        size = sum(len(p) for p in parts if isinstance(p, str)) + len(text) * max(len(parts) - 1, 0)
        if size > MAX_SEQUENCE:
            raise _too_big("str.join()", f"{MAX_SEQUENCE} ký tự")
        return text.join(parts)

    return join


def checked_attribute(obj: Any, name: str, value: Any) -> Any:
    """`value` (the attribute `name` of `obj`), wrapped in its size check when it is one of those methods."""
    if isinstance(obj, str) and name in _RESULT_LENGTH:
        return _sized(obj, name, value)
    if isinstance(obj, str) and name == "join":
        return _joiner(obj)
    return value


INPLACE_CHECKS = {"+=": _check_add, "*=": _check_mul, "**=": _check_pow, "<<=": _check_lshift}
GUARDS: dict[str, Any] = {
    "_pow_": guarded_pow,
    "_mul_": _mul,
    "_lshift_": _lshift,
    "_add_": _add,
    "_mod_": _mod,
    "_format_spec_": _format_spec,
}
