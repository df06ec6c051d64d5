"""The Jinja environments reports and tickets are rendered with.

* HTML: autoescape on, StrictUndefined (a typo in a template is an error, never an empty cell).
* Text/Markdown tickets: StrictUndefined, no HTML autoescape; device-supplied strings go through the
  ``md`` filter, which backslash-escapes what Markdown (and the HTML it may embed) would interpret.
* A user template folder (``--templates DIR``) is searched before the packaged templates and is only
  ever loaded into a sandboxed environment: a template can read the data it is given, not call into
  Python.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from netdiag.errors import UserInputError

#: `_` between letters or digits (hot_module, ens1np0_1) never makes emphasis in CommonMark: left
#: as it is, so grep finds the names; any other `_` is escaped
_MD_SPECIAL = re.compile(r"([\\`*\[\]{}<>|~!#&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
_MD_ANY = re.compile(r"[\\`*\[\]{}<>|~!#&_]")   # a character _MD_SPECIAL may match (a quick test first)


def md_escape(value) -> str:
    """A value as literal Markdown text: characters Markdown or embedded HTML would interpret are
    backslash-escaped, line breaks become spaces (a device string cannot start a new block)."""
    return _md_text("" if value is None else str(value))


@functools.lru_cache(maxsize=1 << 16)
def _md_text(s: str) -> str:
    # cached: device names, ports, locations and part types repeat across thousands of tickets
    if not s.isprintable():  # (checked in C; most strings need no replacing)
        s = "".join(ch if ch.isprintable() else " " for ch in s)
    if _MD_ANY.search(s) is None:   # most have nothing to escape: no substitution to set up
        return s
    return _MD_SPECIAL.sub(r"\\\1", s)


class _MdCache(dict):
    """``MD[value]`` is md_escape(value): a dict lookup for a string seen before (the Python ticket
    renderer looks up hundreds of values per ticket). Only strings are kept (1, 1.0 and True are
    equal keys but print differently), at most 65,536 of them."""

    def __missing__(self, value):
        out = md_escape(value)
        if type(value) is str:
            if len(self) >= 1 << 16:
                self.clear()
            self[value] = out
        return out


MD = _MdCache()


def md_code(value) -> str:
    """A value as a Markdown code span (for commands): backticks inside are fenced by longer runs."""
    s = "" if value is None else str(value)
    if not s.isprintable():
        s = "".join(ch if ch.isprintable() else " " for ch in s)
    fence = "`"
    while fence in s:
        fence += "`"
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def fmt_num(v) -> str:
    """A measured number for people: '?' when unknown, integers whole, others to 4 significant digits."""
    if type(v) is float:   # the common case first (same result as below)
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:.4g}"
    if v is None:
        return "?"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer() and abs(v) < 1e15):
        return str(int(v))
    return f"{v:.4g}"


def fmt_dbm(v) -> str:
    """A power in dBm: '?' when unknown, 'dark' for no light (-40 dBm and below)."""
    if v is None:
        return "?"
    return "dark" if v <= -40 else f"{v:.2f}"


def _loader(templates_dir: str | Path | None) -> jinja2.BaseLoader:
    pkg = jinja2.PackageLoader("netdiag.render", "templates")
    if templates_dir is None:
        return pkg
    path = Path(templates_dir)
    if not path.is_dir():
        raise UserInputError(f"--templates {templates_dir}: not a directory")
    return jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(path)), pkg])


def _env(templates_dir: str | Path | None, autoescape: bool) -> jinja2.Environment:
    kw = dict(loader=_loader(templates_dir), autoescape=autoescape, undefined=jinja2.StrictUndefined,
              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env = ImmutableSandboxedEnvironment(**kw) if templates_dir is not None else jinja2.Environment(**kw)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
    env.filters["md"] = md_escape
    env.filters["mdcode"] = md_code
    env.filters["num"] = fmt_num
    env.filters["dbm"] = fmt_dbm
    return env


def html_env(templates_dir: str | Path | None = None) -> jinja2.Environment:
    """Environment for HTML: autoescape, StrictUndefined; sandboxed when `templates_dir` is given."""
    return _env(templates_dir, autoescape=True)


def text_env(templates_dir: str | Path | None = None) -> jinja2.Environment:
    """Environment for Markdown/plain-text tickets: StrictUndefined; sandboxed with `templates_dir`."""
    return _env(templates_dir, autoescape=False)


def source(env: jinja2.Environment, name: str) -> str:
    """The raw text of a template file (CSS, JS) as the environment's loader finds it."""
    text, _, _ = env.loader.get_source(env, name)
    return text
