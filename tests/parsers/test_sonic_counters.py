"""portstat tables across releases (sonic-utilities utilities_common/portstat.py headers,
tests/portstat_test.py layouts), with literal expected values."""

import pytest

from netdiag import parsers
from netdiag.parsers import ParseError


def parse(fmt, text, **kw):
    return parsers.parse_text(fmt, text, **kw)


ERRORS_ONLY = """\
      IFACE    STATE    RX_ERR    RX_DRP    RX_OVR    TX_ERR    TX_DRP    TX_OVR
-----------  -------  --------  --------  --------  --------  --------  --------
  Ethernet0        U         0         0         0         0         0         0
  Ethernet8        U        17     1,209         0         3         0         0
 Ethernet16        X       N/A       N/A       N/A       N/A       N/A       N/A
"""


def test_errors_only_table():
    out = parse("sonic-counters", ERRORS_ONLY)
    c = {r["port"]: r for r in out["counters"]}
    assert c["Ethernet8"]["rx_errors"] == 17 and c["Ethernet8"]["rx_discards"] == 1209
    assert c["Ethernet8"]["tx_errors"] == 3 and c["Ethernet8"]["rx_packets"] is None
    assert c["Ethernet16"]["rx_errors"] is None
    p = {r["port"]: r for r in out["ports"]}
    assert p["Ethernet16"]["admin_up"] is False and p["Ethernet0"]["oper_up"] is True
    assert parsers.detect(ERRORS_ONLY) == "sonic-counters"


MULTI_ASIC = """\
Last cached time was 2024-03-01T10:00:01.123456
The rates are calculated within 3 seconds period
         IFACE    STATE    RX_OK    RX_BPS    RX_UTIL    RX_ERR    RX_DRP    RX_OVR    TX_OK    TX_BPS    TX_UTIL    TX_ERR    TX_DRP    TX_OVR
--------------  -------  -------  --------  ---------  --------  --------  --------  -------  --------  ---------  --------  --------  --------
     Ethernet0        U        8  0.00 B/s      0.00%        10       100       N/A       10  0.00 B/s      0.00%       N/A       N/A       N/A
  Ethernet-BP0        U        6  0.00 B/s      0.00%         0     1,000       N/A       60  0.00 B/s      0.00%       N/A       N/A       N/A

Reminder: Please execute 'show interface counters -d all' to include internal links

"""


def test_multi_asic_with_preamble_and_reminder():
    out = parse("sonic-counters", MULTI_ASIC)
    c = {r["port"]: r for r in out["counters"]}
    assert set(c) == {"Ethernet0", "Ethernet-BP0"}
    assert c["Ethernet-BP0"]["rx_discards"] == 1000 and c["Ethernet0"]["tx_packets"] == 10
    assert c["Ethernet0"]["tx_errors"] is None


def test_collapsed_whitespace_rows_still_read():
    text = ("IFACE STATE RX_OK RX_BPS RX_UTIL RX_ERR RX_DRP RX_OVR TX_OK TX_BPS TX_UTIL TX_ERR TX_DRP TX_OVR\n"
            "-----  -----  -----  ------  -------  ------  ------  ------  -----  ------  -------  ------  ------  ------\n"
            "Ethernet0  U  1,234  12.5 MB/s  1.00%  5  6  0  4,321  1.0 KB/s  0.01%  7  8  0\n")
    (r,) = parse("sonic-counters", text)["counters"]
    assert (r["rx_packets"], r["rx_errors"], r["rx_discards"], r["tx_packets"], r["tx_errors"], r["tx_discards"]) == \
        (1234, 5, 6, 4321, 7, 8)


FEC_OLD = """\
    IFACE    STATE    FEC_CORR    FEC_UNCORR    FEC_SYMBOL_ERR
---------  -------  ----------  ------------  ----------------
Ethernet0        U     130,402             3                 4
"""

FEC_BER = """\
    IFACE    STATE    FEC_CORR    FEC_UNCORR    FEC_SYMBOL_ERR    FEC_PRE_BER    FEC_POST_BER
---------  -------  ----------  ------------  ----------------  -------------  --------------
Ethernet0        U  12,345,678             0           901,234       2.31e-07        0.00e+00
Ethernet8        D           0             0                 0            N/A             N/A
"""


def test_fec_stats_header_versions():
    (r,) = parse("sonic-counters-fec-stats", FEC_OLD)["counters"]
    assert r["fec_corrected_cw"] == 130402 and r["fec_uncorrectable_cw"] == 3 and r["fec_corrected_symbols"] == 4
    assert r["symbol_errors"] is None
    c = {r["port"]: r for r in parse("sonic-counters-fec-stats", FEC_BER)["counters"]}
    assert c["Ethernet0"]["raw_ber"] == 2.31e-07 and c["Ethernet0"]["effective_ber"] == 0.0
    assert c["Ethernet0"]["fec_corrected_cw"] == 12345678
    assert c["Ethernet8"]["raw_ber"] is None
    assert parsers.detect(FEC_BER) == "sonic-counters-fec-stats"


HIST_ALL = """\
    IFACE       BIN0     BIN1     BIN2     BIN3     BIN4     BIN5     BIN6     BIN7    BIN8    BIN9    BIN10    BIN11    BIN12    BIN13    BIN14    BIN15
---------  ---------  -------  -------  -------  -------  -------  -------  -------  ------  ------  -------  -------  -------  -------  -------  -------
Ethernet0  1,000,000  900,000  800,000  700,000  600,000  500,000  400,000  300,000       0       0        0        0        0        0        0       12
Ethernet4        N/A      N/A      N/A      N/A      N/A      N/A      N/A      N/A     N/A     N/A      N/A      N/A      N/A      N/A      N/A      N/A
"""


def test_fec_histogram_all_ports_table():
    rows = parse("sonic-counters-fec-histogram", HIST_ALL)["fec_histogram"]
    assert len(rows) == 16 and {r["port"] for r in rows} == {"Ethernet0"}
    b = {r["bin"]: r["count"] for r in rows}
    assert b[0] == 1000000 and b[15] == 12


def test_detailed_crc_and_port_from_context():
    text = ("Packets Received 64 Octets..................... 10\n"
            "Total Packets Received Without Errors.......... 1,000\n"
            "Rx CRC Errors.................................. 42\n"
            "Total Packets Transmitted Successfully......... 2,000\n"
            "Time Since Counters Last Cleared............... 2024-03-01 10:00:01.123456\n")
    (r,) = parse("sonic-counters-detailed", text, port="Ethernet12")["counters"]
    assert r["port"] == "Ethernet12" and r["rx_packets"] == 1000 and r["tx_packets"] == 2000 and r["rx_crc_errors"] == 42


@pytest.mark.parametrize("fmt", ["sonic-counters", "sonic-counters-fec-stats", "sonic-counters-fec-histogram",
                                 "sonic-counters-detailed"])
def test_not_portstat_output(fmt):
    with pytest.raises(ParseError):
        parse(fmt, "Error: Unknown Namespace asic99\n")
