"""devices.csv / cabling.csv loading: every bad row named with file, line and column."""

import pytest

from netdiag.inventory import InventoryError, load, load_cabling, load_devices

DEV = "name,platform,address,role,plane,site,hall,row,rack,u\n"
CAB = "cable_id,a_device,a_port,b_device,b_port,media,length_m,plane,path\n"


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_good_files_load(tmp_path):
    d = write(tmp_path, "devices.csv", DEV + "gpu-01,linux,10.0.0.1,gpu_host,,dc1,A,07,12,30\n"
              "leaf-p0-01,sonic,10.0.1.1,leaf,0,dc1,A,07,20,40\n")
    c = write(tmp_path, "cabling.csv", CAB + "C1,gpu-01,eth0,leaf-p0-01,Ethernet0,aoc,3,0,\n"
              "C2,gpu-01,eth1,leaf-p0-01,Ethernet4,fiber,30,0,pp-r07-01:12;pp-r31-02:12\n")
    inv = load(d, c)
    assert inv.devices["gpu-01"].location() == "dc1 hall A row 07 rack 12 U30"
    assert inv.cables[1].path == ("pp-r07-01:12", "pp-r31-02:12")
    assert inv.cable_at()[("leaf-p0-01", "Ethernet4")].cable_id == "C2"
    assert [x.name for x in inv.select(["gpu-*"])] == ["gpu-01"]
    assert [x.name for x in inv.select(role="leaf", plane="0")] == ["leaf-p0-01"]


def test_every_bad_device_row_is_reported_with_line_and_column(tmp_path):
    d = write(tmp_path, "devices.csv", DEV + "gpu-01,linux,,,,,,,,\n" + "gpu-01,linux,,,,,,,,\n"
              "bad/name,linux,,,,,,,,\n" + ",,,,,,,,,\n" + "x,,,,,,,,,\n" + "y,linux,,,\n")
    with pytest.raises(InventoryError) as e:
        load_devices(d)
    probs = e.value.problems
    assert f"{d}:3: name: 'gpu-01' already defined on line 2" in probs
    assert f"{d}:4: name: 'bad/name' is not a valid device name" in probs
    assert f"{d}:6: platform: empty" in probs
    assert f"{d}:7: 5 fields, header has 10" in probs
    assert len(probs) == 4


def test_every_bad_cable_row_is_reported(tmp_path):
    d = write(tmp_path, "devices.csv", DEV + "a,linux,,,0,,,,,\nb,sonic,,,0,,,,,\nc,sonic,,,,,,,,\nd,sonic,,,,,,,,\n")
    c = write(tmp_path, "cabling.csv", CAB +
              "C1,a,eth0,b,Ethernet0,aoc,3,0,\n"
              "C2,a,eth0,b,Ethernet4,aoc,3,0,\n"        # port used twice
              "C3,a,eth1,zz,Ethernet8,aoc,3,0,\n"       # unknown device
              "C4,a,eth2,b,Ethernet12,copper,3,0,\n"    # unknown media
              "C1,a,eth3,b,Ethernet16,dac,x,0,\n"        # duplicate id, bad length
              "C6,c,swp1,d,swp1,fiber,,,\n"              # no plane anywhere
              "C7,a,eth4,b,Ethernet20,fiber,,0,pp1-12\n")  # bad path hop
    with pytest.raises(InventoryError) as e:
        load(d, c)
    probs = e.value.problems
    assert f"{c}:3: a_port: a:eth0 is already used by cable 'C1' on line 2" in probs
    assert f"{c}:4: b_device: unknown device 'zz' (not in devices.csv)" in probs
    assert f"{c}:5: media: 'copper' is not one of dac|acc|aoc|fiber" in probs
    assert f"{c}:6: cable_id: 'C1' already used on line 2" in probs
    assert f"{c}:6: length_m: 'x' is not a length in metres" in probs
    assert f"{c}:7: plane: empty, and neither end's device has a plane" in probs
    assert f"{c}:8: path: hop 'pp1-12' is not PANEL:PORT" in probs


def test_missing_header_column(tmp_path):
    d = write(tmp_path, "devices.csv", "name,platform\nx,linux\n")
    with pytest.raises(InventoryError, match=r"devices.csv:1: header lacks column\(s\) address"):
        load_devices(d)


def test_cabling_without_inventory_skips_device_checks(tmp_path):
    c = write(tmp_path, "cabling.csv", CAB + "C1,a,eth0,b,Ethernet0,DAC,1.5,0,\n")
    cables = load_cabling(c)
    assert cables[0].media == "dac" and cables[0].length_m == 1.5
