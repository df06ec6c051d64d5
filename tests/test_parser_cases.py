"""Every parser against its real samples (tests/cases), plus the meta-test that each has one."""

import pytest

from casekit import case_dirs, check_tables, input_file, load_expected
from netdiag import parsers

CASES = case_dirs()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_case_parses_to_expected_values(case):
    fmt = case.parent.name
    exp = load_expected(case)
    data = input_file(case).read_bytes()
    got = parsers.parse_text(fmt, data, device=exp.get("device"), port=exp.get("port"))
    check_tables(got, exp, f"{fmt}/{case.name}")


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_auto_detection_picks_the_cases_format(case):
    exp = load_expected(case)
    if not exp.get("auto", True):
        pytest.skip("case marked auto: false (format not self-describing)")
    assert parsers.detect(input_file(case).read_text(errors="replace")) == case.parent.name


@pytest.mark.parametrize("fmt", sorted(parsers.formats()))
def test_every_parser_has_a_real_sample_case(fmt):
    mine = [c for c in CASES if c.parent.name == fmt]
    assert mine, f"parser {fmt!r} has no case in tests/cases/{fmt}/ (a real sample + expected.json)"
    for c in mine:
        src = c / "SOURCE"
        assert src.is_file() and src.read_text().strip(), f"{c}: SOURCE (attribution) missing or empty"
        assert load_expected(c).get("tables"), f"{c}: expected.json checks no table"


def test_every_case_folder_names_a_registered_format():
    known = set(parsers.formats())
    for c in CASES:
        assert c.parent.name in known, f"{c}: no parser named {c.parent.name!r}"
