"""User TOML files (`--thresholds`, `scan --settings`, any override of a packaged TOML) checked
against the packaged file they override, which is the schema (docs/configuration.md).

- a syntax error is reported as FILE:LINE:COLUMN with what the parser expected;
- a key or section the packaged file does not have is named, with the closest valid one;
- a value of the wrong type is explained (a number where the packaged file has a number, a list of
  numbers where it has one, one of the severities where it has a severity...).

Everything wrong in one file is reported at once (:class:`ConfigError`, one line per problem, each
`FILE:LINE:COLUMN: why`). The packaged file is read each time, so keys added to it are valid at once.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from importlib import resources
from pathlib import Path

import click

from netdiag import exitcodes

SEVERITIES = ("critical", "warning", "info", "off")


class ConfigError(click.ClickException):
    """A user configuration file is unreadable or does not fit its schema. `problems` holds
    'FILE:LINE:COLUMN: why' strings; exits UNKNOWN (3) from the command line, without a traceback."""

    exit_code = exitcodes.UNKNOWN

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("bad configuration file:\n  " + "\n  ".join(problems))


def packaged(name: str) -> dict:
    """A packaged TOML of netdiag/health (the schema of its overrides)."""
    return tomllib.loads(resources.files("netdiag.health").joinpath(name).read_text())


# ------------------------------------------------------------------------------------------------
# where keys are: a small scanner of the user's text (tomllib reports no positions)

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^(\s*)((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")


def _split_key(k: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", k)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def key_positions(text: str) -> dict[tuple, tuple[int, int]]:
    """(path...) -> (line, column), 1-based, of every table header and key of a TOML text; the n-th
    table of an array of tables is the path element n (an int)."""
    pos: dict[tuple, tuple[int, int]] = {}
    table: tuple = ()
    aot: dict[tuple, int] = {}
    depth = 0
    for ln, line in enumerate(text.splitlines(), 1):
        if depth > 0:   # inside a multi-line array
            depth += line.count("[") - line.count("]")
            continue
        m = _HEADER.match(line)
        if m and "=" not in m.group(2):
            path = tuple(_split_key(m.group(2)))
            if m.group(1) == "[[":
                n = aot.get(path, -1) + 1
                aot[path] = n
                table = path + (n,)
            else:
                table = _resolve(path, aot)
            pos.setdefault(table, (ln, line.index("[") + 1))
            continue
        m = _KEY.match(line)
        if m:
            path = table + tuple(_split_key(m.group(2)))
            rest = line[m.end():]
            pos.setdefault(path, (ln, len(m.group(1)) + 1))
            pos.setdefault(("=",) + path, (ln, m.end() + len(rest) - len(rest.lstrip()) + 1))   # its value
            depth = max(0, rest.split("#")[0].count("[") - rest.split("#")[0].count("]"))
    return pos


def _resolve(path: tuple, aot: dict) -> tuple:
    """[a.b] under an array of tables [[a]] means the last table of a."""
    out: tuple = ()
    for p in path:
        out += (p,)
        if out in aot:
            out += (aot[out],)
    return out


# ------------------------------------------------------------------------------------------------


def _where(path: tuple) -> str:
    return ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")


def _type_name(v) -> str:
    if isinstance(v, bool):
        return f"the boolean {str(v).lower()}"
    if isinstance(v, (int, float)):
        return f"the number {v!r}"
    if isinstance(v, str):
        return f"the string {v!r}"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "a table"
    return type(v).__name__


def _type_problem(ref, v) -> str | None:
    """Why `v` cannot stand where the packaged file has `ref`, or None."""
    if isinstance(ref, bool):
        return None if isinstance(v, bool) else f"expected true or false, got {_type_name(v)}"
    if isinstance(ref, float):
        ok = isinstance(v, (int, float)) and not isinstance(v, bool)
        return None if ok else f"expected a number (like {ref!r}), got {_type_name(v)}" + (
            " (write it without quotes)" if isinstance(v, str) and _is_number(v) else "")
    if isinstance(ref, int):
        if isinstance(v, int) and not isinstance(v, bool):
            return None
        if isinstance(v, float) and v.is_integer():
            return None
        return f"expected a whole number (like {ref!r}), got {_type_name(v)}" + (
            " (write it without quotes)" if isinstance(v, str) and _is_number(v) else "")
    if isinstance(ref, str):
        if not isinstance(v, str):
            return f"expected a string (like {ref!r}), got {_type_name(v)}"
        if ref in SEVERITIES and v not in SEVERITIES:
            close = difflib.get_close_matches(v, SEVERITIES, 1)
            return (f"expected one of {', '.join(SEVERITIES)}, got {v!r}"
                    + (f"; did you mean {close[0]!r}?" if close else ""))
        return None
    if isinstance(ref, list):
        if not isinstance(v, list):
            return f"expected a list (like {ref!r}), got {_type_name(v)}"
        if ref and not isinstance(ref[0], dict):
            for i, x in enumerate(v):
                why = _type_problem(ref[0], x)
                if why:
                    return f"item {i + 1}: {why}"
            if len(ref) == 2 and all(isinstance(x, (int, float)) for x in ref) and len(v) != 2:
                return f"expected a list of 2 numbers (like {ref!r}), got {len(v)}"
        return None
    return None


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def _union(items: list) -> dict:
    """The schema of an array of tables: every key any packaged table has."""
    out: dict = {}
    for it in items:
        if isinstance(it, dict):
            for k, v in it.items():
                if isinstance(v, dict) and isinstance(out.get(k), dict):
                    out[k] = _union([out[k], v])
                else:
                    out.setdefault(k, v)
    return out


def check(data: dict, schema: dict, path: tuple = ()) -> list[tuple[tuple, str]]:
    """(path, why) for every key of `data` that `schema` (the packaged file) does not allow."""
    out = []
    for k, v in data.items():
        p = path + (k,)
        if k not in schema:
            what = "section" if isinstance(v, dict) else "key"
            close = difflib.get_close_matches(k, [str(x) for x in schema], 1, 0.6)
            inside = f" in [{_where(path)}]" if path else ""
            hint = f"; did you mean {close[0]!r}?" if close else f"; valid: {', '.join(sorted(map(str, schema)))}"
            out.append((p, f"unknown {what} {k!r}{inside}{hint}"))
            continue
        ref = schema[k]
        if isinstance(ref, dict):
            if not isinstance(v, dict):
                out.append((p, f"{_where(p)}: expected a table [{_where(p)}], got {_type_name(v)}"))
            else:
                out += check(v, ref, p)
        elif isinstance(ref, list) and ref and isinstance(ref[0], dict):
            if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
                out.append((p, f"{_where(p)}: expected tables [[{_where(p)}]], got {_type_name(v)}"))
            else:
                sch = _union(ref)
                for i, item in enumerate(v):
                    out += check(item, sch, p + (i,))
        else:
            why = _type_problem(ref, v)
            if why:
                out.append((p, f"{_where(p)}: {why}"))
    return out


def _locate(pos: dict, path: tuple) -> tuple[int, int]:
    """The position of `path`, else of its nearest enclosing table, else 1:1."""
    while path:
        if path in pos:
            return pos[path]
        path = path[:-1]
    return (1, 1)


def load_user(path: str | Path, schema_name: str) -> dict:
    """A user's TOML override of the packaged `schema_name`, checked (see module doc). Raises
    ConfigError naming FILE:LINE:COLUMN of each problem."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise ConfigError([f"{p}: cannot read: {e.strerror or e}"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise ConfigError([f"{p}:{line}:{col}: not UTF-8 text (TOML files are UTF-8)"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        where = f"{m.group(1)}:{m.group(2)}" if m else "1:1"
        if m is None and "end of document" in msg:
            where = f"{text.count(chr(10)) + 1}:1"
        why = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", msg)
        raise ConfigError([f"{p}:{where}: TOML syntax error: {why}"]) from None
    problems = check(data, packaged(schema_name))
    if problems:
        pos = key_positions(text)
        out = []
        for kp, why in problems:
            ln, col = pos.get(("=",) + kp) if not why.startswith("unknown") and ("=",) + kp in pos else _locate(pos, kp)
            out.append(f"{p}:{ln}:{col}: {why}")
        raise ConfigError(out)
    return data


class TomlFile(click.ParamType):
    """A click parameter: an existing TOML file overriding the packaged `schema_name`, checked when
    the command line is read (a bad file is a usage error, exit 3, before any work starts)."""

    name = "file"

    def __init__(self, schema_name: str):
        self.schema_name = schema_name

    def convert(self, value, param, ctx):
        if value is None:
            return None
        p = Path(value)
        if not p.exists():
            self.fail(f"{value}: no such file", param, ctx)
        if p.is_dir():
            self.fail(f"{value}: is a directory", param, ctx)
        try:
            load_user(p, self.schema_name)
        except ConfigError as e:
            self.fail("\n  ".join(e.problems), param, ctx)
        return value
