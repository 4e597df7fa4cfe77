"""lab.yaml loading and validation."""
from pathlib import Path
from textwrap import dedent

import pytest

from sailbench.harness.config import REPO_LAB, BoardConfig, find_lab, load_lab
from sailbench.harness.errors import ConfigError, UnknownBoardError

GOOD = """\
default_board: sim
boards:
  sim:
    kind: sim
    profile: versa-ecp5
    tags: [sim, ddr]
  versa-ecp5:
    kind: hardware
    profile: versa-ecp5
    serial: /dev/ttyUSB1
    cable: ft2232
    etherbone:
      ip: 192.168.1.50
      host_ip: 192.168.1.100
      interface: enx001122334455
    tags: [hardware]
judgement:
  tolerance: 0.2
scheduler:
  bandwidth_rs: spanker/bandwidth.rs
results:
  dir: out
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lab.yaml"
    path.write_text(dedent(text))
    return path


def error_for(tmp_path: Path, text: str) -> ConfigError:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_lab(path)
    assert str(path) in str(info.value), "every config error names the file"
    assert info.value.path == str(path)
    return info.value


def with_board(body: str, name: str = "hw") -> str:
    lines = "\n".join("    " + line for line in dedent(body).strip().splitlines())
    return f"boards:\n  {name}:\n{lines}\n"


def test_good_lab_loads(tmp_path):
    lab = load_lab(write(tmp_path, GOOD))
    hw = lab.board("versa-ecp5")
    assert isinstance(hw, BoardConfig)
    assert hw.kind == "hardware" and hw.serial == "/dev/ttyUSB1" and hw.cable == "ft2232"
    assert hw.baudrate == 115200 and hw.timeout_s == 2.0 and hw.sim is None
    assert hw.etherbone.ip == "192.168.1.50" and hw.etherbone.port == 1234
    assert hw.etherbone.interface == "enx001122334455"
    sim = lab.board("sim")
    assert sim.sim.dram and sim.sim.ethernet and sim.sim.sys_clk_hz == 75_000_000
    assert lab.judgement.tolerance == 0.2 and lab.judgement.slack == 0.25
    assert lab.judgement.repeats == 3 and lab.judgement.clock_tolerance == 0.005
    assert lab.constants_path == tmp_path / "spanker" / "bandwidth.rs"
    assert lab.results_dir == tmp_path / "out"
    assert lab.default_board == "sim"


def test_defaults(tmp_path):
    lab = load_lab(write(tmp_path, "boards:\n  sim:\n    kind: sim\n"))
    assert lab.constants_path is None
    assert lab.results_dir == tmp_path / "results"
    assert lab.board("sim").profile == "versa-ecp5"
    assert lab.board("sim").tags == []


def test_repo_lab_yaml_is_valid():
    lab = load_lab(REPO_LAB)
    assert set(lab.boards) >= {"sim", "versa-ecp5"}
    assert lab.board(lab.default_board).kind == "sim"
    hw = lab.board("versa-ecp5")
    assert hw.serial and hw.etherbone and hw.cable == "ft2232"


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError, match="not found") as info:
        load_lab(missing)
    assert str(missing) in str(info.value)


def test_unreadable_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read") as info:
        load_lab(tmp_path)  # a directory
    assert str(tmp_path) in str(info.value)


def test_empty_file(tmp_path):
    assert "empty" in str(error_for(tmp_path, ""))


def test_yaml_syntax_error_names_line(tmp_path):
    err = error_for(tmp_path, "boards:\n  sim:\n    kind: sim\n   tags: [a\n")
    assert "YAML error at line 4" in str(err)


def test_duplicate_key(tmp_path):
    err = error_for(tmp_path, "boards:\n  sim:\n    kind: sim\n    kind: hardware\n")
    assert "duplicate key 'kind'" in str(err)
    assert "line 4" in str(err) and "first at line 3" in str(err)


def test_duplicate_board(tmp_path):
    err = error_for(tmp_path, "boards:\n  sim:\n    kind: sim\n  sim:\n    kind: sim\n")
    assert "duplicate key 'sim'" in str(err)


def test_merge_keys_may_be_overridden(tmp_path):
    lab = load_lab(write(tmp_path, """\
        boards:
          a: &base
            kind: hardware
            profile: versa-ecp5
            serial: /dev/ttyUSB1
          b:
            <<: *base
            serial: /dev/ttyUSB3
        """))
    assert lab.board("b").serial == "/dev/ttyUSB3"
    assert lab.board("b").profile == "versa-ecp5"


def test_unknown_top_key_lists_allowed(tmp_path):
    err = error_for(tmp_path, "boards:\n  sim: {kind: sim}\njudgment: {}\n")
    assert err.key == "judgment"
    assert "unknown key 'judgment'" in str(err) and "judgement" in str(err)
    assert "line 3" in str(err)


def test_unknown_board_key_lists_allowed(tmp_path):
    err = error_for(tmp_path, with_board("""
        kind: hardware
        profile: versa-ecp5
        serial: /dev/ttyUSB1
        baud: 9600
        """))
    assert err.key == "boards.hw.baud"
    assert f"{err.path}: boards.hw.baud: unknown key 'baud'" in str(err)
    assert "baudrate" in str(err)


def test_cable_only_on_hardware(tmp_path):
    err = error_for(tmp_path, with_board("kind: sim\ncable: ft2232", name="sim"))
    assert err.key == "boards.sim.cable"


def test_wrong_type_says_expected_and_found(tmp_path):
    err = error_for(tmp_path, with_board("""
        kind: hardware
        profile: versa-ecp5
        serial: /dev/ttyUSB1
        baudrate: fast
        """))
    assert err.key == "boards.hw.baudrate"
    assert "expected a baud rate >= 1" in str(err) and "found string 'fast'" in str(err)
    assert "line 6" in str(err)


def test_bool_is_not_an_integer(tmp_path):
    err = error_for(tmp_path, "boards:\n  sim: {kind: sim}\njudgement: {repeats: true}\n")
    assert err.key == "judgement.repeats" and "boolean true" in str(err)


@pytest.mark.parametrize("key, value", [
    ("tolerance", "1.0"), ("tolerance", "-0.1"), ("slack", "-1"),
    ("clock_tolerance", "x"), ("repeats", "0"),
])
def test_judgement_ranges(tmp_path, key, value):
    err = error_for(tmp_path, f"boards:\n  sim: {{kind: sim}}\njudgement:\n  {key}: {value}\n")
    assert err.key == f"judgement.{key}" and "expected" in str(err)


def test_bad_kind(tmp_path):
    err = error_for(tmp_path, with_board("kind: fpga"))
    assert err.key == "boards.hw.kind" and "'sim' or 'hardware'" in str(err)


@pytest.mark.parametrize("url", [
    "/dev/ttyUSB1", "/dev/ttyACM0", "/dev/serial/by-id/usb-FTDI_Lattice-if01-port0",
    "socket://127.0.0.1:4321", "socket://bench-pi.local:5000", "rfc2217://10.0.0.2:2217",
])
def test_good_serial_urls(tmp_path, url):
    lab = load_lab(write(tmp_path, with_board(f"kind: hardware\nprofile: versa-ecp5\nserial: '{url}'")))
    assert lab.board("hw").serial == url


@pytest.mark.parametrize("url", [
    "ttyUSB1", "/dev/sda", "/tmp/ttyUSB1", "tcp://127.0.0.1:4321", "socket://127.0.0.1",
    "socket://127.0.0.1:99999", "socket://:4321", "rfc2217://host:port", "COM3",
    "socket://host:1234/extra",
])
def test_bad_serial_urls(tmp_path, url):
    err = error_for(tmp_path, with_board(f"kind: hardware\nprofile: versa-ecp5\nserial: '{url}'"))
    assert err.key == "boards.hw.serial"
    assert "pyserial URL" in str(err) and repr(url) in str(err)


def test_hardware_board_needs_a_transport(tmp_path):
    err = error_for(tmp_path, with_board("kind: hardware\nprofile: versa-ecp5\ncable: ft2232"))
    assert err.key == "boards.hw"
    assert "serial" in str(err) and "etherbone" in str(err)


def test_hardware_board_needs_a_profile(tmp_path):
    err = error_for(tmp_path, with_board("kind: hardware\nserial: /dev/ttyUSB1"))
    assert err.key == "boards.hw.profile" and "missing required key 'profile'" in str(err)


def test_etherbone_only_is_a_transport(tmp_path):
    lab = load_lab(write(tmp_path, with_board(
        "kind: hardware\nprofile: versa-ecp5\netherbone: {ip: 10.0.0.5, port: 2000}")))
    assert lab.board("hw").etherbone.port == 2000 and lab.board("hw").serial is None


@pytest.mark.parametrize("body, key", [
    ("etherbone: {port: 1234}", "boards.hw.etherbone.ip"),
    ("etherbone: {ip: 192.168.1.500}", "boards.hw.etherbone.ip"),
    ("etherbone: {ip: 10.0.0.5, port: 0}", "boards.hw.etherbone.port"),
    ("etherbone: {ip: 10.0.0.5, interface: 'a very long interface name'}",
     "boards.hw.etherbone.interface"),
    ("etherbone: {ip: 10.0.0.5, host_ip: 10.0.0.5}", "boards.hw.etherbone.host_ip"),
    ("etherbone: {ip: 10.0.0.5, mac: 'x'}", "boards.hw.etherbone.mac"),
    ("etherbone: 10.0.0.5", "boards.hw.etherbone"),
])
def test_bad_etherbone(tmp_path, body, key):
    err = error_for(tmp_path, with_board(f"kind: hardware\nprofile: versa-ecp5\n{body}"))
    assert err.key == key


def test_sim_section(tmp_path):
    lab = load_lab(write(tmp_path, with_board(
        "kind: sim\nsim: {dram: false, sys_clk_hz: 50_000_000}", name="s")))
    assert lab.board("s").sim.dram is False and lab.board("s").sim.sys_clk_hz == 50_000_000
    err = error_for(tmp_path, with_board("kind: sim\nsim: {sys_clk_hz: 75e6}", name="s"))
    assert err.key == "boards.s.sim.sys_clk_hz" and "found string '75e6'" in str(err)
    err = error_for(tmp_path, with_board("kind: hardware\nprofile: versa-ecp5\nserial: /dev/ttyUSB1\nsim: {}"))
    assert err.key == "boards.hw.sim"


def test_no_boards(tmp_path):
    err = error_for(tmp_path, "boards: {}\n")
    assert err.key == "boards"
    err = error_for(tmp_path, "results: {dir: r}\n")
    assert err.key == "boards" and "missing required key" in str(err)


def test_default_board_must_exist(tmp_path):
    err = error_for(tmp_path, "default_board: versa\nboards:\n  sim: {kind: sim}\n")
    assert err.key == "default_board" and "sim" in str(err)


def test_unknown_board_lists_known(tmp_path):
    lab = load_lab(write(tmp_path, GOOD))
    with pytest.raises(UnknownBoardError) as info:
        lab.board("versa")
    assert "unknown board 'versa'" in str(info.value)
    assert "sim, versa-ecp5" in str(info.value)
    assert str(lab.path) in str(info.value)
    assert isinstance(info.value, ConfigError)


def test_find_lab_order(tmp_path, monkeypatch):
    monkeypatch.delenv("SAILBENCH_LAB", raising=False)
    monkeypatch.chdir(tmp_path)
    assert find_lab(None) == REPO_LAB
    (tmp_path / "lab.yaml").write_text("boards: {}\n")
    assert find_lab(None) == tmp_path / "lab.yaml"
    monkeypatch.setenv("SAILBENCH_LAB", str(tmp_path / "env.yaml"))
    assert find_lab(None) == tmp_path / "env.yaml"
    assert find_lab("explicit.yaml") == tmp_path / "explicit.yaml"


def test_history_and_locks_defaults(tmp_path):
    lab = load_lab(write(tmp_path, "boards:\n  sim:\n    kind: sim\nresults: {dir: out}\n"))
    assert lab.history_path == tmp_path / "out" / "history.sqlite"
    assert lab.history.baseline_runs == 5 and lab.history.drop_threshold == 0.10
    assert lab.history.quarantine_after == 3
    assert lab.locks.dir is None and lab.lock_dir.name in ("sailbench", "sailbench-locks")
    assert lab.locks.wait_s == 600.0


def test_history_and_locks_sections(tmp_path):
    lab = load_lab(write(tmp_path, """\
        boards:
          sim: {kind: sim}
        history:
          path: db/history.sqlite
          baseline_runs: 3
          drop_threshold: 0.2
          quarantine_after: 2
        locks: {dir: /run/lock/lab, wait_s: 30}
        """))
    assert lab.history_path == tmp_path / "db" / "history.sqlite"
    assert lab.history.baseline_runs == 3 and lab.history.drop_threshold == 0.2
    assert lab.history.quarantine_after == 2
    assert lab.lock_dir == Path("/run/lock/lab") and lab.locks.wait_s == 30.0


@pytest.mark.parametrize("section, key, value", [
    ("history", "baseline_runs", "0"), ("history", "drop_threshold", "0"),
    ("history", "drop_threshold", "1.5"), ("history", "quarantine_after", "true"),
    ("history", "path", "''"), ("history", "window", "3"),
    ("locks", "wait_s", "-1"), ("locks", "dir", "[]"), ("locks", "timeout", "3"),
])
def test_history_and_locks_errors_name_the_key(tmp_path, section, key, value):
    err = error_for(tmp_path, f"boards:\n  sim: {{kind: sim}}\n{section}:\n  {key}: {value}\n")
    assert err.key == f"{section}.{key}" and "line 4" in str(err)
