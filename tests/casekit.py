"""Case-folder parser tests (NAPALM / ntc-templates style).

tests/cases/<format>/<case>/ holds:
  input.*        the raw output, byte for byte as recorded (a real sample)
  SOURCE         where it came from (the MANIFEST.tsv row of ../shared/realworld, or a URL + licence)
  expected.json  what the parser must return, written by hand from reading the input:
    {"device": "h1", "port": "eth0",        # context given to the parser (optional)
     "auto": true,                          # --format auto must choose <format> (default true)
     "tables": {"lanes": {"count": 4,       # exact row count (optional)
                          "rows": [{"port": "eth0", "lane": 3, "rx_power_mw": 0.9101}]}},
     "absent": ["counters"]}                # tables that must have no rows
Rows are found by the table's key columns given in the expected row; only the listed fields are
compared (floats to 1e-6 relative); lists compare as sets.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from netdiag import model

CASES = Path(__file__).resolve().parent / "cases"


def case_dirs():
    if not CASES.is_dir():
        return []
    return sorted(p for p in CASES.glob("*/*") if p.is_dir())


def input_file(case: Path) -> Path:
    files = sorted(case.glob("input*"))
    if len(files) != 1:
        raise AssertionError(f"{case}: expected exactly one input* file, found {len(files)}")
    return files[0]


def _same(a, b) -> bool:
    if isinstance(b, float) or isinstance(a, float):
        if a is None or b is None:
            return a is b
        return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-12)
    if isinstance(b, list):
        return a is not None and sorted(map(str, a)) == sorted(map(str, b))
    return a == b


def check_tables(actual: dict, expected: dict, where: str) -> None:
    for table, spec in expected.get("tables", {}).items():
        rows = actual.get(table, [])
        if "count" in spec:
            assert len(rows) == spec["count"], f"{where}: {table} has {len(rows)} rows, expected {spec['count']}"
        keys = model.KEYS[table]
        for exp in spec.get("rows", []):
            sel = {k: exp[k] for k in keys if k in exp}
            hits = [r for r in rows if all(r.get(k) == v for k, v in sel.items())]
            assert len(hits) == 1, f"{where}: {table} rows matching {sel}: {len(hits)} (want 1)"
            got = hits[0]
            for col, val in exp.items():
                assert col in got, f"{where}: {table}.{col} is not a schema column"
                assert _same(got[col], val), f"{where}: {table} {sel} {col} = {got[col]!r}, expected {val!r}"
    for table in expected.get("absent", []):
        assert not actual.get(table), f"{where}: {table} should have no rows, has {len(actual[table])}"


def load_expected(case: Path) -> dict:
    return json.loads((case / "expected.json").read_text())
