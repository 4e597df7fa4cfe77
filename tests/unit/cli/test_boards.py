"""`sailbench boards` (harness/cli/boards.py): one line per board and per pair of lab.yaml, saying how
each is reached."""
from unit.fakes.cli_runs import lab_file, sailbench

LAB = """\
default_board: versa
boards:
  sim: {kind: sim, profile: versa-ecp5, tags: [sim, ddr]}
  versa: {kind: hardware, profile: versa-ecp5, serial: /dev/ttyUSB1, cable: ft2232, tags: [ddr]}
  net: {kind: hardware, profile: ecpix5, cable: ecpix5-debug, etherbone: {ip: 192.168.7.50}}
"""


def test_each_board_says_its_kind_profile_reach_and_tags(tmp_path, capsys):
    lab = lab_file(tmp_path, LAB)
    done = sailbench(capsys, lab, "boards")
    assert done.code == 0, done.err
    assert done.out[0] == f"boards in {lab}:"
    lines = {line.split()[0]: line for line in done.out[1:]}
    assert set(lines) == {"sim", "versa", "net"} and len(done.out) == 4, "no pairs, no pairs heading"
    assert "simulated (Verilator, netns)" in lines["sim"] and "tags=sim,ddr" in lines["sim"]
    assert "/dev/ttyUSB1" in lines["versa"] and lines["versa"].endswith("(default)")
    assert "192.168.7.50" in lines["net"] and "profile=ecpix5" in lines["net"] and "hardware" in lines["net"]
    assert "(default)" not in lines["sim"]


def test_pairs_follow_with_their_boards_and_lanes(tmp_path, capsys):
    lab = lab_file(tmp_path, LAB + "pairs:\n  sp: {kind: sim, profile: versa-ecp5, upstream: up, downstream: down, "
                                   "lanes: [0, 2], tags: [lanes]}\n")
    done = sailbench(capsys, lab, "boards")
    assert done.code == 0, done.err
    at = done.out.index(f"pairs in {lab} (sailbench pair --pair NAME):")
    pair = done.out[at + 1]
    assert pair.split()[0] == "sp" and "simulated (Verilator, netns): up -> down" in pair
    assert "lanes=0,2" in pair and "tags=lanes" in pair and "place=" not in pair
