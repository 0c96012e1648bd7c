"""Small static C helpers that give MLIR's exact semantics where C's operators do not.

Each helper is generated on demand for a given type, so the emitted file only holds
the ones it uses. Integer helpers define what MLIR leaves undefined (poison or UB):
division by zero gives 0, and signed division of the minimum by -1 wraps.
"""

from __future__ import annotations

from ziggurat.codegen.c.ctypes_map import unsigned_type


def _int_t(width: int) -> str:
    return "bool" if width == 1 else f"int{width}_t"


def _div_helpers(w: int) -> dict[str, str]:
    t, u = _int_t(w), unsigned_type(w)
    head = f"static inline {t} zg_%s_i{w}({t} a, {t} b)"
    neg = f"({t})(({u})0 - ({u})a)"
    return {
        f"divsi_i{w}": head % "divsi"
        + f" {{\n  if (b == 0) return 0;\n  if (b == -1) return {neg};\n  return a / b;\n}}",
        f"remsi_i{w}": head % "remsi"
        + " {\n  if (b == 0 || b == -1) return 0;\n  return a % b;\n}",
        f"floordivsi_i{w}": head
        % "floordivsi"
        + f" {{\n  if (b == 0) return 0;\n  if (b == -1) return {neg};\n"
        "  " + t + " q = a / b;\n  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;\n}",
        f"ceildivsi_i{w}": head
        % "ceildivsi"
        + f" {{\n  if (b == 0) return 0;\n  if (b == -1) return {neg};\n"
        "  " + t + " q = a / b;\n  return (a % b != 0 && ((a < 0) == (b < 0))) ? q + 1 : q;\n}",
        f"divui_i{w}": head % "divui"
        + f" {{\n  if (b == 0) return 0;\n  return ({t})(({u})a / ({u})b);\n}}",
        f"remui_i{w}": head % "remui"
        + f" {{\n  if (b == 0) return 0;\n  return ({t})(({u})a % ({u})b);\n}}",
        f"ceildivui_i{w}": head
        % "ceildivui"
        + f" {{\n  if (b == 0) return 0;\n  {u} q = ({u})a / ({u})b;\n"
        f"  return ({t})((({u})a % ({u})b != 0) ? q + 1 : q);\n}}",
    }


def _float_helpers(t: str, s: str) -> dict[str, str]:
    code = "f32" if t == "float" else "f64"
    return {
        f"maximumf_{code}": f"static inline {t} zg_maximumf_{code}({t} a, {t} b) {{\n"
        "  if (isnan(a) || isnan(b)) return a + b;\n"
        "  if (a == 0 && b == 0) return signbit(a) ? b : a;\n"
        "  return a > b ? a : b;\n}",
        f"minimumf_{code}": f"static inline {t} zg_minimumf_{code}({t} a, {t} b) {{\n"
        "  if (isnan(a) || isnan(b)) return a + b;\n"
        "  if (a == 0 && b == 0) return signbit(a) ? a : b;\n"
        "  return a < b ? a : b;\n}",
    }


def _fpto_helpers(code: str, t: str, w: int, unsigned: bool) -> dict[str, str]:
    """fptosi/fptoui: truncation; NaN gives 0 and out-of-range values saturate (C: UB)."""
    kind = "ui" if unsigned else "si"
    name = f"fpto{kind}_{code}_i{w}"
    target = unsigned_type(w) if unsigned else _int_t(w)
    if unsigned:
        lo, hi = "0.0", f"{float(2**w)!r}"
        max_v, min_v = f"UINT{w}_MAX", "0"
    else:
        lo, hi = f"{float(-(2 ** (w - 1)))!r}", f"{float(2 ** (w - 1))!r}"
        max_v, min_v = f"INT{w}_MAX", f"INT{w}_MIN"
    body = (
        f"static inline {_int_t(w)} zg_{name}({t} x) {{\n"
        "  if (isnan(x)) return 0;\n"
        f"  if (x <= {lo}) return ({_int_t(w)}){min_v};\n"
        f"  if (x >= {hi}) return ({_int_t(w)}){max_v};\n"
        f"  return ({_int_t(w)})({target})x;\n}}"
    )
    return {name: body}


def helper_text(name: str) -> str:
    """The C definition of helper `name` (e.g. `divsi_i32`, `maximumf_f32`, `alloc`)."""
    if name in _FIXED:
        return _FIXED[name]
    for w in (8, 16, 32, 64):
        table = _div_helpers(w)
        if name in table:
            return table[name]
    for t, s in (("float", "f"), ("double", "")):
        table = _float_helpers(t, s)
        if name in table:
            return table[name]
    if name.startswith("fpto"):
        kind, code, width = name.split("_")
        t = "float" if code == "f32" else "double"
        return _fpto_helpers(code, t, int(width[1:]), kind == "fptoui")[name]
    raise KeyError(name)


_FIXED: dict[str, str] = {
    "alloc": "static void *zg_alloc(int64_t bytes) {\n"
    "  size_t size = (size_t)(bytes > 0 ? bytes : 1);\n"
    "  size = (size + 63) / 64 * 64;\n"
    "  void *p = aligned_alloc(64, size);\n"
    "  if (p == NULL) {\n"
    '    fprintf(stderr, "ziggurat: out of memory allocating %lld bytes\\n", (long long)bytes);\n'
    "    abort();\n  }\n  return p;\n}",
    "affine_floordiv": "static inline int64_t zg_floordiv(int64_t a, int64_t b) {\n"
    "  int64_t q = a / b;\n  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;\n}",
    "affine_ceildiv": "static inline int64_t zg_ceildiv(int64_t a, int64_t b) {\n"
    "  int64_t q = a / b;\n  return (a % b != 0 && ((a < 0) == (b < 0))) ? q + 1 : q;\n}",
    "affine_mod": "static inline int64_t zg_mod(int64_t a, int64_t b) {\n"
    "  int64_t r = a % b;\n  return r < 0 ? r + (b < 0 ? -b : b) : r;\n}",
    "min": "static inline int64_t zg_min(int64_t a, int64_t b) { return a < b ? a : b; }",
    "max": "static inline int64_t zg_max(int64_t a, int64_t b) { return a > b ? a : b; }",
}


def ordered(names: set[str]) -> list[str]:
    """Helpers in a stable order (alloc first, then by name)."""
    return sorted(names, key=lambda n: (n != "alloc", n))
