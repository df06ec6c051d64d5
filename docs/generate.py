"""Regenerate the generated parts of docs/ from the code, or check they are current.

    python docs/generate.py           # rewrite them
    python docs/generate.py --check   # exit 1 and name the stale pages (tests/test_docs.py runs this)

Generated today: the table of formats in docs/parsers.md, from `netdiag parse --list-formats`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BEGIN = "<!-- generated: netdiag parse --list-formats; python docs/generate.py -->"
END = "<!-- end generated -->"


def formats_table() -> str:
    from netdiag import parsers

    rows = ["| format | tables | reads |", "|---|---|---|"]
    for f in parsers.formats().values():
        desc = " ".join(f.description.split()).replace("|", "\\|")
        rows.append(f"| `{f.name}` | {', '.join(f.tables)} | {desc} |")
    return "\n".join(rows)


def render(text: str, body: str) -> str:
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{body}\n{END}{tail}"


def main(argv: list[str]) -> int:
    page = ROOT / "docs" / "parsers.md"
    old = page.read_text(encoding="utf-8")
    if BEGIN not in old or END not in old:
        print(f"{page}: markers {BEGIN!r} ... {END!r} missing", file=sys.stderr)
        return 1
    new = render(old, formats_table())
    if "--check" in argv:
        if new != old:
            print(f"{page} is stale: run python docs/generate.py", file=sys.stderr)
            return 1
        return 0
    if new != old:
        page.write_text(new, encoding="utf-8")
        print(f"wrote {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
