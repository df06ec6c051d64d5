"""Regenerate the generated parts of docs/ from the code, or check they are current.

    python docs/generate.py           # rewrite them
    python docs/generate.py --check   # exit 1 and name the stale pages (tests/test_docs.py runs this)

Generated today: the table of formats in docs/parsers.md (`netdiag parse --list-formats`) and the
list of platform drivers in docs/inventory.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BLOCKS = {
    # page: (begin marker, function making the block)
    "parsers.md": "<!-- generated: netdiag parse --list-formats; python docs/generate.py -->",
    "inventory.md": "<!-- generated: the platform drivers; python docs/generate.py -->",
}
END = "<!-- end generated -->"


def formats_table() -> str:
    from netdiag import parsers

    rows = ["| format | tables | reads |", "|---|---|---|"]
    for f in parsers.formats().values():
        desc = " ".join(f.description.split()).replace("|", "\\|")
        rows.append(f"| `{f.name}` | {', '.join(f.tables)} | {desc} |")
    return "\n".join(rows)


def platforms_table() -> str:
    from netdiag import platforms

    rows = ["| platform | device and what netdiag reads on it |", "|---|---|"]
    for p in platforms.platforms().values():
        rows.append(f"| `{p.name}` | {' '.join(p.description.split()).replace('|', chr(92) + '|')} |")
    return "\n".join(rows)


BODY = {"parsers.md": formats_table, "inventory.md": platforms_table}


def render(text: str, begin: str, body: str) -> str:
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(END)
    return f"{head}{begin}\n{body}\n{END}{tail}"


def main(argv: list[str]) -> int:
    stale = []
    for name, begin in BLOCKS.items():
        page = ROOT / "docs" / name
        old = page.read_text(encoding="utf-8")
        if begin not in old or END not in old.partition(begin)[2]:
            print(f"{page}: markers {begin!r} ... {END!r} missing", file=sys.stderr)
            return 1
        new = render(old, begin, BODY[name]())
        if new == old:
            continue
        if "--check" in argv:
            stale.append(str(page))
        else:
            page.write_text(new, encoding="utf-8")
            print(f"wrote {page}")
    if stale:
        print(f"stale: {', '.join(stale)}: run python docs/generate.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
