"""The fast paths of the parsers (issue 15) give what the plain code gives.

Each speed-up keeps a reference form of what it replaces (the regex, the pandas/numpy call, the
standard JSON decoder) and is checked against it on every real sample of tests/cases, on outputs
cut at many points, and on hand-made edge cases. Parsing results themselves are pinned by the
parser cases (tests/cases/*/expected.json); here a cold parse (memos emptied) and a warm one must
also agree, since several fast paths remember what they worked out.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from netdiag import completeness, parsers
from netdiag.parsers import (_json, _sonic_common, eos_transceiver, ethtool_link, ethtool_module, ethtool_stats,
                             nvue, sonic_transceiver)

CASES = Path(__file__).resolve().parent / "cases"


def _inputs(fmt: str) -> list[str]:
    return [p.read_bytes().decode("utf-8", "replace") for p in sorted((CASES / fmt).glob("*/input*"))]


def _cuts(text: str, n: int = 25, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    return [text[:c] for c in sorted({rng.randrange(len(text) + 1) for _ in range(n)} | {len(text)})]


# --- JSON: orjson when installed, answers exactly json's -------------------------------------------

JSON_EDGE = ['{"a": 1}', '  {"a": [1, 2.5, -0.0, 1e300]}  ', '{"a": NaN}', '{"a": Infinity}',
             '{"a": 1} trailing text', '{"a": 18446744073709551615, "b": -9223372036854775808}',
             '{"a": "\\ud800"}', '{"a": 1, "a": 2}', '[' * 900 + ']' * 900, '{"a": ', '', 'not json',
             '{"x": "é\\u00e9"}', ' {"a": 1}', '\n[1]']


def _outcome(fn, text, *a):
    try:
        return ("ok", fn(text, *a))
    except RecursionError:
        return ("RecursionError",)
    except ValueError as e:
        return (type(e).__name__, str(e))


@pytest.mark.parametrize("text", JSON_EDGE + [t for fmt in ("eos-transceiver-dom-thresholds-json",
                                                             "lldpctl-json", "ip-link-json")
                                             for t in _inputs(fmt)], ids=lambda t: str(len(t)))
def test_json_decoding_is_the_standard_librarys(text):
    want_loads = _outcome(json.loads, text)
    want_raw = _outcome(lambda t: json.JSONDecoder().raw_decode(t)[0], text)
    got_loads, got_raw = _outcome(_json.loads, text), _outcome(_json.raw_decode, text)
    assert repr(got_loads) == repr(want_loads)   # repr: NaN, -0.0 and int/float told apart
    assert repr(got_raw) == repr(want_raw)


def test_json_integers_beyond_64_bits_are_their_float():
    # the one documented difference (see netdiag/parsers/_json.py): the float the parsers make of them
    for n in (2**64, -2**63 - 1, 10**30):
        got = _json.loads(f'{{"a": {n}}}')["a"]
        assert got == n if isinstance(got, int) else got == float(n)


@pytest.mark.parametrize("fmt,text", [
    ("ip-link-json", "[" * 5000 + "]" * 5000), ("lldpctl-json", '{"lldp":' + "[" * 5000 + "]" * 5000 + "}"),
    ("eos-transceiver-dom-thresholds-json", '{"interfaces":' + "[" * 5000 + "]" * 5000 + "}"),
    ("eos-lldp-neighbors-detail-json", "{" * 3 + "}" * 3), ("eos-counters-errors-json", '{"interfaces": NaN}')],
    ids=["ip-deep", "lldp-deep", "eos-dom-deep", "eos-lldp-bad", "eos-nan"])
def test_json_parsers_answer_alike_with_and_without_orjson(monkeypatch, fmt, text):
    # nesting deeper than Python's recursion limit: json fails on it or not depending on how deep
    # the caller's stack already is (a RecursionError, reported as a parser failure); orjson reads
    # it and the parser rejects the content (or its own walk of it hits the limit). Either way the
    # output is refused with a ParseError; otherwise the answers are the same.
    def outcome():
        try:
            return parsers.parse_rows(fmt, text, device="d")
        except parsers.ParseError as e:
            return e

    fast = outcome()
    monkeypatch.setattr(_json, "_orjson", None)
    slow = outcome()
    assert isinstance(fast, parsers.ParseError) and isinstance(slow, parsers.ParseError)
    if "RecursionError" not in str(slow) and "too deeply" not in str(slow):
        assert str(fast) == str(slow)


def test_json_falls_back_without_orjson(monkeypatch):
    monkeypatch.setattr(_json, "_orjson", None)
    text = _inputs("eos-transceiver-dom-thresholds-json")[0]
    assert _json.loads(text) == json.loads(text)
    assert _json.raw_decode("xx" + text + " tail", 2) == json.loads(text)
    with pytest.raises(json.JSONDecodeError):
        _json.raw_decode('{"a": ')


# --- completeness of ethtool -m: phrases found by literal prefix, then required to begin a line -----

_OLD = {
    "thr": re.compile(r"^[ \t]*(?:Laser bias current|Laser output power|Module temperature|Module voltage|Laser rx power) "
                      r"(?:high|low) (?:alarm|warning) threshold[ \t]*:", re.M),
    "bias": re.compile(r"^[ \t]*Laser tx bias current \((?:Channel|Chan|Lane) (\d+)\)", re.M),
    "tx": re.compile(r"^[ \t]*Transmit avg optical power \((?:Channel|Chan|Lane) (\d+)\)", re.M),
    "rx": re.compile(r"^[ \t]*Rcvr signal avg optical power ?\((?:Channel|Chan|Lane) (\d+)\)", re.M),
    "flags": re.compile(r"^[ \t]*Alarm/warning flags implemented[ \t]*:[ \t]*(\w+)", re.M),
    "ident": re.compile(r"^[ \t]*Identifier[ \t]*:[ \t]*(0x[0-9a-fA-F]+)", re.M),
}


def _variants(text: str) -> list[str]:
    # the phrases also mid-line and unindented, where the ^[ \t]* patterns do / do not find them
    return [text, text.replace("\tLaser", "Laser", 3).replace("\tIdentifier", "x Identifier"),
            text.replace("\t", "  "), text.replace("\tTransmit", "\tfoo: Transmit")]


def test_completeness_line_start_matches_are_the_anchored_patterns():
    texts = [v for t in _inputs("ethtool-module") for c in _cuts(t) for v in _variants(c)]
    assert len(texts) > 400
    for t in texts:
        new = {"thr": sum(len(completeness._line_matches(rx, t)) for rx in completeness._THR),
               "bias": [m.group(1) for m in completeness._line_matches(completeness._BIAS, t)],
               "tx": [m.group(1) for m in completeness._line_matches(completeness._TX, t)],
               "rx": [m.group(1) for m in completeness._line_matches(completeness._RX, t)]}
        old = {"thr": len(_OLD["thr"].findall(t)), "bias": _OLD["bias"].findall(t),
               "tx": _OLD["tx"].findall(t), "rx": _OLD["rx"].findall(t)}
        assert new == old
        for k, rx in (("flags", completeness._FLAGS), ("ident", completeness._IDENT)):
            m_new, m_old = completeness._first_line_match(rx, t), _OLD[k].search(t)
            assert (m_new and m_new.group(1)) == (m_old and m_old.group(1))


def test_a_cut_threshold_block_is_still_caught():
    text = next(t for t in _inputs("ethtool-module") if "alarm threshold" in t)
    cut = text[:text.index("alarm threshold") + 200]
    cut = cut[:cut.rindex("\n") + 1]   # whole lines: only the count of threshold lines tells
    assert any("threshold block incomplete" in c.why for c in completeness.ethtool_module(cut))


# --- ethtool -m: lines split by str methods ----------------------------------------------------------

def test_ethtool_module_colon_pairs_are_the_regex_pairs():
    texts = [c for t in _inputs("ethtool-module") for c in _cuts(t)] + ["a:b:c\n:x\nno colon\n\n x : \n"]
    for t in texts:
        if any(ch in t for ch in ethtool_module._ODD_EOL_CHARS):
            continue   # those take the line-by-line way
        keys, values = ethtool_module._colon_columns(t)
        assert list(zip(keys, values)) == ethtool_module._FIRST_COLON.findall(t)


def test_ethtool_module_layout_way_is_the_line_by_line_way():
    """Outputs with "\\n" line ends whose alarm flags all read Off take the per-layout way; the same
    text with "\\r\\n" line ends is read line by line: both give the same tables (every case, cut
    at many points, and each case with its flags all set to Off, which takes the per-layout way
    whenever its layout has flags)."""
    all_off = [re.sub(r"(alarm|warning)( *(?:\((?:Channel|Chan) *\d+\))? *): On$", r"\1\2: Off", t, flags=re.M)
               for t in _inputs("ethtool-module")]
    fast_taken = 0
    for t in [c for t in _inputs("ethtool-module") for c in _cuts(t)] + all_off:
        if any(ch in t for ch in ethtool_module._ODD_EOL_CHARS) or "#" in t or "$" in t:
            continue
        ethtool_module._LAYOUTS.clear()
        got = _outcome_parse("ethtool-module", t)
        if t in all_off and any(lay[0] for lay in ethtool_module._LAYOUTS.values()):
            fast_taken += 1
        assert got == _outcome_parse("ethtool-module", t.replace("\n", "\r\n")), t[:200]
    assert fast_taken >= 3   # the per-layout way was taken (CWDM4, SFP28 LR, SFP+ SR), not only the other


def _outcome_parse(fmt, text):
    try:
        return ("ok", parsers.parse_text(fmt, text, device="d", port="p1"))
    except parsers.ParseError as e:
        return ("error", str(e))


_LINK_KV = re.compile(r"^\s*(?P<k>[A-Za-z][A-Za-z /()-]*?)\s*:\s*(?P<v>.*?)\s*$")


def test_ethtool_link_labels_are_the_regex_labels():
    edge = ["Speed: 1000Mb/s", "  Speed : 10 ", "\tLink detected:\tyes", "2speed: 1", "Sp3ed: 1", " : x",
            "Port:", "a:b:c", "Settings for eth0:", "Supported link modes:   1000baseT/Full", "x\ty: 1",
            "Advertised FEC modes: None\t RS", "Link down events: 3 ", "Ünicode: 1", "-x: 1"]
    lines = [ln for t in _inputs("ethtool-link") for ln in t.splitlines()] + edge
    for ln in lines:
        i = ln.find(":")
        if i < 0:
            continue
        m = _LINK_KV.match(ln)
        k = ethtool_link._key_of(ln[:i])
        assert (k or None) == (m.group("k").strip().lower() if m else None), ln
        if m:
            assert ln[i + 1:].strip() == m.group("v"), ln


def test_odd_line_ends_found_as_the_character_class_finds_them():
    for ch in "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":
        t = f"Port Temp\n{ch}Et1 1.0\n"
        assert eos_transceiver._odd_eol(t) and ethtool_module._ODD_EOL.search(t)
    assert not eos_transceiver._odd_eol("Et1 1.0\nEt2 N/A\n\t")


# --- EOS text: reading columns without pandas ----------------------------------------------------

def _floats_reference(tokens):
    arr = np.array(tokens, dtype=object)
    na = pd.Series(arr, dtype=object, copy=False).isin(eos_transceiver._NA_TOKENS).to_numpy()
    arr = arr.copy()
    arr[na] = "nan"
    try:
        return arr.astype("float64"), np.zeros(len(arr), dtype=bool)
    except (ValueError, TypeError):
        vals, bad = np.full(len(arr), np.nan), np.zeros(len(arr), dtype=bool)
        for i, t in enumerate(arr.tolist()):
            try:
                vals[i] = float(t)
            except ValueError:
                bad[i] = True
        return vals, bad


@pytest.mark.parametrize("tokens", [["1.5", "-30.00", "N/A", "n/a", "NA", "-", "--", "Unknown"],
                                    ["3.3", "inf", "-inf", "nan", "1e3", "1_0"],
                                    ["2.0", "ago", "N/A", "0:12:13"], [], ["x"]])
def test_eos_text_reading_columns(tokens):
    got, want = eos_transceiver._floats(tokens), _floats_reference(tokens)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    got = eos_transceiver._floats(np.array(tokens, dtype=object))
    np.testing.assert_array_equal(got[0], want[0])


# --- ethtool -S: 'name: value' lines by str methods ------------------------------------------------

def _scan_reference(text):
    values, port, good, other = {}, None, 0, 0
    for line in text.splitlines():
        if not line.strip():
            continue
        m = ethtool_stats._LINE.match(line)
        if m:
            good += 1
            if m.group("ring") is None:
                values.setdefault(m.group("name"), int(m.group("val")))
            continue
        h = ethtool_stats._HEADER.match(line)
        if h:
            if h.group("port") and port is None:
                port = h.group("port")
            continue
        other += 1
    return values, port, good, other


def test_ethtool_stats_scan_is_the_regex_scan():
    edge = "NIC statistics:\n  a: 1\n [3]: b: 2\n c : 00\n d: ²\n e: 1 2\n f:: 3\n g: ٣\n\n h:\n"
    for t in [c for t in _inputs("ethtool-stats") for c in _cuts(t)] + [edge]:
        got = ethtool_stats._scan(t)
        assert got == _scan_reference(t)
        assert list(got[0]) == list(_scan_reference(t)[0])


# --- memos: a cold parse and a warm one agree -----------------------------------------------------

@pytest.mark.parametrize("fmt", ["ethtool-module", "ethtool-link", "ethtool-stats",
                                 "eos-transceiver-dom-thresholds-json",
                                 "eos-transceiver-detail-json", "eos-transceiver-text", "nvue-transceiver",
                                 "nvue-transceiver-thresholds", "nvue-transceiver-channel", "nvue-link-phy-detail",
                                 "sonic-transceiver-eeprom",
                                 "sonic-transceiver-status", "sonic-counters", "sonic-counters-fec-stats"])
def test_cold_and_warm_parses_agree(fmt):
    def parse_all():
        out = []
        for t in _inputs(fmt):
            try:
                out.append(parsers.parse_text(fmt, t, device="d", port="p1"))
            except parsers.ParseError as e:
                out.append(str(e))
        return out

    for memo in (ethtool_module._READINGS, ethtool_module._KEY_PLANS, ethtool_stats._DRIVER_OF,
                 eos_transceiver._LANE_IDS, eos_transceiver._UNIT_LOWER, nvue._POWER_SEEN,
                 sonic_transceiver._KEY_KINDS, ethtool_stats._PLANS, nvue._TREE_KEYS, nvue._CONV_SEEN,
                 sonic_transceiver._FIELD_PLANS, sonic_transceiver._STATUS_PLANS, _sonic_common._COUNTS,
                 nvue._KV_KEYS, nvue._PHY_KEYS, ethtool_module._LAYOUTS, ethtool_module._MEDIA,
                 ethtool_link._KEY_OF):
        memo.clear()
    cold = parse_all()
    warm = parse_all()
    assert cold and repr(cold) == repr(warm)


# --- SONiC eeprom: 'Key: value' lines by str methods -----------------------------------------------

def test_sonic_kv_parts_are_the_regex_groups():
    lines = [ln for t in _inputs("sonic-transceiver-eeprom") for ln in t.splitlines()]
    lines += ["  : x", "a:", " a :  b c  ", "a::b", "\u3000key\u3000:\u3000v\u3000", "no colon", ":", "x:\t",
              "Ethernet0: SFP EEPROM detected"]
    assert len(lines) > 100
    for ln in lines:
        m = sonic_transceiver._KV.match(ln)
        assert sonic_transceiver._kv_parts(ln) == (None if m is None else (m.group("key"), m.group("val")))


# --- NVUE text trees: 'key : value' lines by str methods -------------------------------------------

def test_nvue_tree_parts_are_the_regex_groups():
    lines = [ln for fmt in ("nvue-transceiver", "nvue-transceiver-channel", "nvue-link-phy-detail",
                            "nvue-interface", "nvue-counters-errors") for t in _inputs(fmt) for ln in t.splitlines()]
    lines += ["a:b", "  a : ", "\tkey\t:\tv  w \t", " : x", "k:", "x: y: z", "\u3000k\u3000:\u3000v", "..."]
    assert len(lines) > 100
    for ln in lines:
        m = nvue._TREE_LINE.match(ln.rstrip())
        want = None if m is None else (len(m.group(1).expandtabs(8)), m.group(2).strip(), m.group(3))
        if want is not None and want[2] == "":
            want = (want[0], want[1], None)   # _kv_tree takes "" as no value, as None
        assert nvue._tree_parts(ln) == want


def _kv_tree_reference(text: str) -> dict:
    """_kv_tree as it read each line through _tree_parts (before the key texts were looked up)."""
    root: dict = {}
    stack: list = [(-1, root)]
    for line in text.splitlines():
        if not line.strip() or line.strip() in ("...", "\u2026"):
            continue
        parts = nvue._tree_parts(line)
        if parts is None:
            continue
        indent, key, val = parts
        while len(stack) > 1 and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        if val is None or val == "":
            node: dict = {}
            parent[key] = node
            stack.append((indent, node))
        else:
            parent[key] = val.strip()
    return root


def test_nvue_kv_tree_is_the_tree_of_its_line_parts():
    texts = [t for fmt in ("nvue-transceiver", "nvue-transceiver-channel", "nvue-transceiver-thresholds")
             for t in _inputs(fmt)]
    texts.append("a:b\n  a : \n\tkey\t:\tv  w \t\n : x\nk:\n  x: y: z\n\u3000k\u3000:\u3000v\n...\n\u2026\n"
                 "top :\n    deep : 1\n  mid : 2\n")
    assert len(texts) > 3
    for t in texts:
        nvue._TREE_KEYS.clear()
        assert nvue._kv_tree(t) == _kv_tree_reference(t)
        assert nvue._kv_tree(t) == _kv_tree_reference(t)  # warm


# --- EOS `show interfaces transceiver` text: large outputs cut by Arrow ---------------------------

def _eos_rows() -> tuple[str, list[str]]:
    """The header and the table rows of the real EOS samples."""
    head, rows = None, []
    for t in _inputs("eos-transceiver-text"):
        lines = t.splitlines()
        at = next(i for i, ln in enumerate(lines) if ln.startswith("-----"))
        head = head or "\n".join(lines[: at + 1])
        rows += [ln for ln in lines[at + 1:] if ln.strip()]
    return head, rows


def _eos_big(extra: str = "") -> str:
    """The real samples' rows repeated under many port names (Et3/17/2 -> Et<n>/17/2) past the
    size at which the Arrow path takes over."""
    head, rows = _eos_rows()
    out = [head]
    n = 0
    while sum(len(x) + 1 for x in out) < eos_transceiver.ARROW_MIN_CHARS + 20000:
        n += 1
        out += [re.sub(r"^Et\d+", f"Et{n}", r) for r in rows]
    return "\n".join(out) + "\n" + extra


@pytest.mark.parametrize("extra", ["", "Et900/1 1 2 3 4 5 6\nsome other line with enough tokens in it\n",
                                   "Et901/1 inf 3.3 5 1 1 1\n", "Et902/1 1_0 3.3 5 1 1 1\n",
                                   "Et903/1 1.0 3.3 5 1 1 \u00f1\n", "Et904/1 Unknown N/A n/a NA -- 3:3\n",
                                   "Et905/1 1e3 +2.5 .5 -0 5. 1\n", "Et906/1 1 2 3\n", "\tEt907/1\t1\t2\t3\t4\t5 x\n",
                                   "   Et908/1   1  2  3  4  5   \nEt909/1 1 2 3 4    \n"])
def test_eos_text_arrow_path_gives_the_python_paths_tables(monkeypatch, extra):
    text = _eos_big(extra)
    used = []
    arrow = eos_transceiver._arrow_columns
    monkeypatch.setattr(eos_transceiver, "_arrow_columns", lambda body: used.append(arrow(body)) or used[-1])
    fast = parsers.parse_frames("eos-transceiver-text", text, device="d")
    monkeypatch.setattr(eos_transceiver, "ARROW_MIN_CHARS", 10**12)
    plain = parsers.parse_frames("eos-transceiver-text", text, device="d")
    assert used  # the Arrow path was tried
    if extra in ("", "Et905/1 1e3 +2.5 .5 -0 5. 1\n", "Et906/1 1 2 3\n", "Et904/1 Unknown N/A n/a NA -- 3:3\n"):
        assert used[0] is not None  # and taken (plain numbers and N/A markers only)
    assert fast.keys() == plain.keys() == {"modules", "lanes"}
    for t in fast:
        pd.testing.assert_frame_equal(fast[t], plain[t])
    lanes = fast["lanes"]
    # readings of the real samples, under a repeated name: -0.72 dBm is 0.8472 mW, -30.00 is no light
    rx = lanes.loc[lanes["port"] == "Ethernet1/17/3", "rx_power_mw"].tolist()
    assert rx and all(v == pytest.approx(0.8472274141405964) for v in rx)
    assert lanes.loc[lanes["port"] == "Ethernet2/21/1", "rx_power_mw"].tolist()[:1] == [0.0]


def _phy_pairs_reference(text: str) -> list:
    """nvue phy-detail text -> pairs as the per-line regex read them."""
    pairs = []
    for line in text.splitlines():
        s = line.strip()
        if not s or nvue._DASH_LINE.match(line):
            continue
        if set(s.lower().split()) <= {"operational", "applied", "pending", "hardware"}:
            continue
        m = nvue._KV_ROW.match(line)
        if not m or not m.group(2):
            continue
        pairs.append((m.group(1), m.group(2).split()[0]))
    return pairs


def test_nvue_phy_pairs_are_the_regex_pairs():
    texts = _inputs("nvue-link-phy-detail")
    texts.append("  key-1  v w \n key2\n---- ----\n\u2026\u2026\u2026 x\n1abc 2\nab:c 3\na.b/c-d_e 7\nOperational Applied\n"
                 "operational x\n\u00e9t\u00e9 1\nk\u3000v\n\tk2\t9\t\n")
    assert len(texts) > 1
    for t in texts:
        nvue._KV_KEYS.clear()
        assert nvue._phy_pairs(t) == _phy_pairs_reference(t)
        assert nvue._phy_pairs(t) == _phy_pairs_reference(t)  # warm
