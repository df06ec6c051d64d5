"""STATE_DB transceiver dump shapes and the SONiC platform's command mapping."""

import json

from netdiag import parsers, platforms


def test_redis_dump_shape_with_type_value_and_flags():
    dump = {
        "TRANSCEIVER_INFO|Ethernet0": {"type": "hash", "ttl": -1, "value": {
            "type": "QSFP-DD Double Density 8X Pluggable Transceiver", "manufacturer": "ACME", "model": "X1",
            "serial": "S1", "vendor_rev": "A", "connector": "MPO 1x12", "cable_type": "Length Cable Assembly(m)",
            "cable_length": "0.0", "specification_compliance": "sm_media_interface", "media_lane_count": "4"}},
        "TRANSCEIVER_DOM_SENSOR|Ethernet0": {"type": "hash", "value": {
            "temperature": "71.0", "voltage": "3.3", "rx1power": "-2.0", "rx2power": "-inf", "tx1bias": "50.0",
            "tx1power": "N/A"}},
        "TRANSCEIVER_DOM_THRESHOLD|Ethernet0": {"type": "hash", "value": {
            "rxpowerhighalarm": "0.0", "rxpowerhighwarning": "0.0", "rxpowerlowalarm": "0.0",
            "rxpowerlowwarning": "0.0", "temphighalarm": "75.0"}},
        "TRANSCEIVER_DOM_FLAG|Ethernet0": {"type": "hash", "value": {
            "rx2powerLAlarm": "True", "tempHWarn": "True", "rx1powerLAlarm": "False"}},
        "TRANSCEIVER_STATUS|Ethernet0": {"type": "hash", "value": {"module_state": "ModuleReady", "rx2los": "True"}},
        "PORT_TABLE|Ethernet0": {"type": "hash", "value": {"speed": "400000"}},
    }
    out = parsers.parse_text("auto", json.dumps(dump))
    (m,) = out["modules"]
    assert m["identifier"] == "QSFP-DD" and m["media_lanes"] == 4 and m["length_m"] is None
    assert m["rx_power_mw_high_alarm"] is None and m["temperature_c_high_alarm"] == 75.0
    assert m["module_state"] == "ModuleReady" and m["alarms"] == ["temperature_high_warn"]
    lanes = {r["lane"]: r for r in out["lanes"]}
    assert lanes[2]["rx_power_mw"] == 0.0 and lanes[2]["rx_los"] is True
    assert lanes[2]["alarms"] == ["rx_power_low_alarm"]
    assert lanes[1]["tx_power_mw"] is None and lanes[1]["tx_bias_ma"] == 50.0


def test_platform_maps_commands_as_issued():
    p = platforms.get("sonic")
    assert p.parser_for("show interfaces transceiver eeprom --dom") == ("sonic-transceiver-eeprom", None)
    assert p.parser_for("sudo sfputil show eeprom -d -p Ethernet8") == ("sonic-transceiver-eeprom", "Ethernet8")
    assert p.parser_for("show interfaces counters -a")[0] == "sonic-counters"
    assert p.parser_for("show interfaces counters errors")[0] == "sonic-counters"
    assert p.parser_for("show interfaces counters fec-stats")[0] == "sonic-counters-fec-stats"
    assert p.parser_for("show interfaces counters fec-histogram Ethernet0") == \
        ("sonic-counters-fec-histogram", "Ethernet0")
    assert p.parser_for("show interfaces counters detailed Ethernet4") == ("sonic-counters-detailed", "Ethernet4")
    assert p.parser_for("show lldp table")[0] == "sonic-lldp-table"
    assert p.parser_for("show lldp neighbors")[0] == "lldpctl-text"
    assert p.parser_for("show interface transceiver dom Ethernet 12")[0] == "sonic-klish-transceiver-dom"
    for cmd in p.discovery:
        assert p.parser_for(cmd) is not None, cmd
    for cmd in p.port_commands(["Ethernet0"]):
        assert p.parser_for(cmd) is not None, cmd
    tables = {"ports": [{"port": "Ethernet0", "admin_up": True}, {"port": "Ethernet4", "admin_up": False},
                        {"port": "eth0", "admin_up": True}]}
    assert p.ports_from(tables) == ["Ethernet0"]
