"""Fuzzed, garbled, truncated, binary and empty inputs: every parser either reads what it can or
raises ParseError saying where and why; it never crashes (no other exception, no parser bug)."""

import os
import random
import zlib

import pytest

from casekit import case_dirs, input_file
from netdiag import parsers
from netdiag.parsers import ParseError

FORMATS = sorted(parsers.formats())
CASES = case_dirs()
GARBAGE = (
    b"lorem ipsum dolor sit amet\nconsectetur adipiscing elit\n",
    b"<html><body>502 Bad Gateway</body></html>\n",
    b"% Invalid input detected at '^' marker.\n",
    b"bash: ethtool: command not found\n",
    b"{\"unexpected\": [1, 2, 3]}\n",
)


def _outcome(fmt, data):
    """Parse and return the tables, or the ParseError; any other exception fails the test."""
    try:
        return parsers.parse_text(fmt, data, device="dut", port="eth0", command="fuzz")
    except ParseError as e:
        assert not e.internal, f"{fmt}: parser bug surfaced as ParseError: {e}"
        assert str(e), "ParseError without a message"
        return e


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("data", [b"", b"   \n\n", b"\x00\x01\x02\xff" * 64, bytes(range(256)) * 8],
                         ids=["empty", "blank", "binary", "allbytes"])
def test_empty_and_binary_input_is_a_parse_error(fmt, data):
    assert isinstance(_outcome(fmt, data), ParseError)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("data", GARBAGE, ids=["lorem", "html", "cli-error", "not-found", "json"])
def test_output_of_another_kind_is_a_parse_error(fmt, data):
    assert isinstance(_outcome(fmt, data), ParseError)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_truncated_and_mutated_samples_never_crash(case):
    fmt = case.parent.name
    raw = input_file(case).read_bytes()
    # deterministic per case; NETDIAG_FUZZ_SEED varies it for longer fuzzing runs
    rng = random.Random(zlib.crc32(case.name.encode()) + int(os.environ.get("NETDIAG_FUZZ_SEED", "0")))
    variants = [raw[: int(len(raw) * f)] for f in (0.05, 0.2, 0.5, 0.8, 0.97)]
    lines = raw.splitlines(keepends=True)
    for _ in range(40):
        b = bytearray(raw)
        for _ in range(rng.randint(1, 12)):
            i = rng.randrange(len(b))
            b[i] = rng.choice(b":/ \t\n0123456789-.abcXYZ[]{}\",")
        variants.append(bytes(b))
        shuffled = lines[:]
        rng.shuffle(shuffled)
        variants.append(b"".join(shuffled[: rng.randint(1, len(shuffled))]))
        dup = lines[:]
        i = rng.randrange(len(dup))
        dup.insert(i, dup[i])
        variants.append(b"".join(dup))
    for v in variants:
        out = _outcome(fmt, v)
        if not isinstance(out, ParseError):
            assert isinstance(out, dict)
