"""cabling.csv checks and normal forms computed once per distinct value (netdiag.inventory
load_cabling_frame): the same cells, types and messages as checking every row."""

import pytest

from netdiag.inventory import InventoryError, load, load_cabling_frame

DEV = "name,platform,address,role,plane,site,hall,row,rack,u\n"
CAB = "cable_id,a_device,a_port,b_device,b_port,media,length_m,plane,path\n"


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_paths_media_and_lengths_normalised(tmp_path):
    c = write(tmp_path, "cabling.csv", CAB +
              "C1,a,e0,b,E0,AOC,3,0,pp1:1 ; pp2:1\n"       # blanks around ';'
              "C2,a,e1,b,E4,fiber,30,0,;pp1:2;\n"          # ';' at both ends
              "C3,a,e2,b,E8,Fiber,2.5,0,pp1:3;;pp2:3\n"    # an empty hop
              "C4,a,e3,b,E12,dac,,0,\n"                   # no path, no length
              "C5,a,e4,b,E16,dac,1,0,pp1:1 ; pp2:1\n")    # the same path as C1
    df = load_cabling_frame(c)
    assert df["path"].tolist() == ["pp1:1;pp2:1", "pp1:2", "pp1:3;;pp2:3", "", "pp1:1;pp2:1"]
    assert df["media"].tolist() == ["aoc", "fiber", "fiber", "dac", "dac"]
    assert df["length_m"].dtype == "float64"
    assert df["length_m"].fillna(-1).tolist() == [3.0, 30.0, 2.5, -1.0, 1.0]
    assert all(type(v) is str for col in ("cable_id", "a_device", "path", "media") for v in df[col])


def test_clean_paths_kept_as_written(tmp_path):
    c = write(tmp_path, "cabling.csv", CAB + "C1,a,e0,b,E0,aoc,3,0,pp1:1;pp2:1\nC2,a,e1,b,E4,aoc,3,0,\n")
    assert load_cabling_frame(c)["path"].tolist() == ["pp1:1;pp2:1", ""]


def test_ports_used_twice_and_self_loops_in_file_order(tmp_path):
    d = write(tmp_path, "devices.csv", DEV + "a,linux,,,0,,,,,\nb,sonic,,,0,,,,,\n")
    c = write(tmp_path, "cabling.csv", CAB +
              "C1,a,e0,b,E0,aoc,3,0,\n"
              "C2,b,E0,a,e0,aoc,3,0,\n"        # both ends already used by C1: a then b
              "C3,a,e5,a,e5,aoc,3,0,\n"        # a port joined to itself (reported once)
              "C4,b,E8,a,e1,aoc,3,0,pp1:1;bad hop;pp-9\n")
    with pytest.raises(InventoryError) as e:
        load(d, c)
    assert e.value.problems == [
        f"{c}:3: a_port: b:E0 is already used by cable 'C1' on line 2",
        f"{c}:3: b_port: a:e0 is already used by cable 'C1' on line 2",
        f"{c}:4: b_port: a cable cannot join a port to itself",
        f"{c}:5: path: hop 'bad hop' is not PANEL:PORT (hops are separated by ';')",
        f"{c}:5: path: hop 'pp-9' is not PANEL:PORT (hops are separated by ';')",
    ]
