"""ip -j link JSON variants of other iproute2 versions, and sysfs-net variants."""

import json

from netdiag import parsers


def ipj(obj):
    return parsers.parse_text("ip-link-json", json.dumps(obj))


def test_iproute2_414_stats644_and_32bit_stats():
    out = ipj([{"ifname": "eth0", "flags": ["BROADCAST", "UP", "LOWER_UP"], "operstate": "UP", "mtu": 9000,
                "stats644": {"rx": {"bytes": 5, "packets": 1, "errors": 0, "dropped": 2},
                             "tx": {"bytes": 6, "packets": 1, "errors": 1, "dropped": 0}}},
               {"ifname": "eth1", "flags": ["BROADCAST"], "operstate": "DOWN",
                "stats": {"rx": {"bytes": 7, "crc_errors": 3}, "tx": {"bytes": 8, "carrier_changes": 11}}}])
    c = {r["port"]: r for r in out["counters"]}
    assert c["eth0"]["rx_discards"] == 2 and c["eth0"]["rx_bytes_bits"] == 64 and c["eth0"]["tx_errors"] == 1
    assert c["eth1"]["rx_crc_errors"] == 3 and c["eth1"]["rx_bytes_bits"] == 32
    p = {r["port"]: r for r in out["ports"]}
    assert p["eth1"]["carrier_changes"] == 11 and p["eth1"]["admin_up"] is False and p["eth1"]["oper_up"] is False


def test_top_level_carrier_changes_and_operstates():
    out = ipj([{"ifname": "a", "flags": ["UP", "LOWER_UP"], "operstate": "UNKNOWN", "carrier_changes": 5},
               {"ifname": "b", "flags": ["UP"], "operstate": "UNKNOWN"},
               {"ifname": "c", "flags": ["UP", "LOWER_UP"], "operstate": "DORMANT"},
               {"ifname": "d", "flags": ["UP"], "operstate": "LOWERLAYERDOWN"}])
    p = {r["port"]: r for r in out["ports"]}
    assert p["a"]["carrier_changes"] == 5 and p["a"]["oper_up"] is True
    assert [p[x]["oper_up"] for x in "bcd"] == [False, False, False]
    assert "counters" not in out


def test_brief_json_and_concatenated_arrays():
    text = ('[{"ifname":"eth0","operstate":"UP","address":"aa:bb:cc:dd:ee:ff","flags":["UP","LOWER_UP"]}]\n'
            '[{"ifname":"eth1","operstate":"DOWN","flags":["UP"]}]\n')
    out = parsers.parse_text("ip-link-json", text)
    assert [(r["port"], r["oper_up"], r["mac"], r["mtu"]) for r in out["ports"]] == \
        [("eth0", True, "aa:bb:cc:dd:ee:ff", None), ("eth1", False, None, None)]
    assert parsers.detect(text) == "ip-link-json"


def test_sysfs_variants():
    text = ("/sys/class/net/eth0/carrier: 0\n/sys/class/net/eth0/operstate: up\n"
            "/sys/class/net/eth0/speed:4294967295\n/sys/class/net/eth0/flags:0x1002\n"
            "==> /sys/class/net/eth1/mtu <==\n9000\n"
            "/sys/class/net/eth1/statistics/rx_crc_errors:12\n/sys/class/net/eth1/statistics/rx_dropped:3\n"
            "cat: /sys/class/net/eth1/speed: Invalid argument\n")
    out = parsers.parse_text("sysfs-net", text)
    p = {r["port"]: r for r in out["ports"]}
    assert p["eth0"]["oper_up"] is False          # carrier wins over operstate
    assert p["eth0"]["speed_gbps"] is None and p["eth0"]["admin_up"] is False
    assert p["eth1"]["mtu"] == 9000 and p["eth1"]["speed_gbps"] is None
    assert out["counters"] == [dict(out["counters"][0], port="eth1", rx_crc_errors=12, rx_discards=3)]
    assert parsers.detect(text) == "sysfs-net"
