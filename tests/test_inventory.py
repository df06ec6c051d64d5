"""devices.csv / cabling.csv loading: every bad row named with file, line and column."""

import pytest

from netdiag.inventory import InventoryError, load, load_cabling, load_devices, platform_names

PLATS = "|".join(platform_names())   # cumulus|eos|ib-host|ibdiagnet|linux|sonic today

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
    assert f"{c}:5: media: 'copper' is not one of dac|acc|aoc|fiber; did you mean 'dac'?" in probs
    assert f"{c}:6: cable_id: 'C1' already used on line 2" in probs
    assert f"{c}:6: length_m: 'x' is not a length in metres" in probs
    assert f"{c}:7: plane: empty, and neither end's device has a plane" in probs
    assert f"{c}:8: path: hop 'pp1-12' is not PANEL:PORT (hops are separated by ';')" in probs


def test_missing_header_column(tmp_path):
    # only name and platform are required in the header (issue 17: optional columns are optional)
    d = write(tmp_path, "devices.csv", "name,role\nx,leaf\n")
    with pytest.raises(InventoryError, match=r"devices.csv:1: header lacks column\(s\) platform"):
        load_devices(d)


def test_optional_columns_may_be_left_out_of_the_header(tmp_path):
    d = write(tmp_path, "devices.csv", "name,platform,rack\nx,linux,r07\nleaf-1,sonic,r08\n")
    c = write(tmp_path, "cabling.csv", "cable_id,a_device,a_port,b_device,b_port,plane\nC1,x,eth0,leaf-1,Ethernet0,0\n")
    inv = load(d, c)
    assert inv.devices["x"].rack == "r07" and inv.devices["x"].role == "" and inv.devices["x"].u == ""
    assert inv.cables[0].media == "" and inv.cables[0].length_m is None and inv.cables[0].path == ()


def test_offline_load_rejects_unknown_platform_role_and_u(tmp_path):
    # issue 17: these (and nxos before a driver existed) passed an offline sweep before; a live sweep would only have failed on the platform
    d = write(tmp_path, "devices.csv", DEV + "a,windows,,leaf,,,,,,\n" + "b,Sonic,,leaf,,,,,,\n"
              + "c,linux,,GPU,,,,,,\n" + "d,linux,,gpu_host,,,,,,forty\n" + "e,linux,,gpu_host,,,,,,30-31\n")
    with pytest.raises(InventoryError) as e:
        load_devices(d)
    probs = e.value.problems
    assert probs == [
        f"{d}:2: platform: unknown platform 'windows': not one of {PLATS}",
        f"{d}:3: platform: unknown platform 'Sonic': not one of {PLATS}; did you mean 'sonic'?",
        f"{d}:4: role: unknown role 'GPU': not one of gpu_host|cpu_host|storage|leaf|tor|spine|superspine|core|fabric_manager|patch_panel; did you mean 'gpu_host'?",
        f"{d}:5: u: 'forty' is not a rack unit (a number such as 30, or 30-31)",
    ]


def test_plan_plane_contradicting_the_inventory(tmp_path):
    d = write(tmp_path, "devices.csv", DEV + "gpu,linux,,gpu_host,,,,,,\nleaf0,sonic,,leaf,0,,,,,\n"
              "leaf1,sonic,,leaf,1,,,,,\nspine0,sonic,,spine,0,,,,,\n")
    c = write(tmp_path, "cabling.csv", CAB + "C1,gpu,eth0,leaf0,Ethernet0,fiber,3,0,\n"
              "C2,gpu,eth1,leaf1,Ethernet0,fiber,3,0,\n"          # plan says 0, leaf1 is plane 1
              "C3,leaf1,Ethernet8,spine0,Ethernet0,fiber,30,,\n"   # no plane, ends disagree
              "C4,leaf0,Ethernet8,spine0,Ethernet4,fiber,30,,pp-1:3;pp 2:4\n")
    with pytest.raises(InventoryError) as e:
        load(d, c)
    assert e.value.problems == [
        f"{c}:3: plane: '0' contradicts devices.csv, where b_device 'leaf1' is in plane '1'",
        f"{c}:4: plane: empty, and the ends are in different planes (leaf1 in '1', spine0 in '0')",
        f"{c}:5: path: hop 'pp 2:4' is not PANEL:PORT (hops are separated by ';')",
    ]


def test_cabling_without_inventory_skips_device_checks(tmp_path):
    c = write(tmp_path, "cabling.csv", CAB + "C1,a,eth0,b,Ethernet0,DAC,1.5,0,\n")
    cables = load_cabling(c)
    assert cables[0].media == "dac" and cables[0].length_m == 1.5


def test_allowed_platforms_are_exactly_the_registered_drivers(tmp_path):
    # one list: the platform drivers; every one of them loads, a name without a driver does not
    from netdiag import platforms
    from netdiag.inventory import platform_names

    assert platform_names() == tuple(sorted(platforms.platforms()))
    assert {"linux", "sonic", "cumulus", "eos", "ib-host", "ibdiagnet"} <= set(platform_names())
    d = write(tmp_path, "devices.csv", "name,platform\n" + "".join(f"d{i},{p}\n" for i, p in enumerate(platform_names())))
    assert [x.platform for x in load_devices(d).values()] == list(platform_names())


def test_optional_cage_and_module_columns_are_kept_when_filled(tmp_path):
    c = write(tmp_path, "cabling.csv", "cable_id,a_device,a_port,b_device,b_port,plane,a_cage,b_cage,a_module\n"
              "C1,gpu1,mlx5_0/1,leaf1,1,0,osfp1,cage1,\nC2,gpu1,mlx5_1/1,leaf1,2,0,osfp1,cage1,\n")
    plan = load(None, c).plan
    assert list(plan["a_cage"]) == ["osfp1", "osfp1"] and list(plan["b_cage"]) == ["cage1", "cage1"]
    assert "a_module" not in plan.columns and "b_module" not in plan.columns  # never filled: not kept
    one = write(tmp_path, "one.csv", "cable_id,a_device,a_port,b_device,b_port,plane,a_cage\nC1,g,e0,l,1,0,osfp1\n")
    assert list(load(None, one).plan[["a_cage", "b_cage"]].iloc[0]) == ["osfp1", ""]  # kept as a pair
    plain = write(tmp_path, "plain.csv", CAB + "C1,a,eth0,b,Ethernet0,aoc,3,0,\n")
    assert list(load(None, plain).plan.columns) == list(CAB.strip().split(","))
