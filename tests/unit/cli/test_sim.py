"""`sailbench sim` (harness/cli/sim.py): the commands it prints to reach the simulated board with LiteX's
tools, where it finds those tools, a hardware board refused, and what it prints once the board answers.
Starting a real simulated board and reaching it with litex_server: tests/cli/test_sim_command.py."""
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

from sailbench.gateware.build import executables
from sailbench.harness.board import lifecycle
from sailbench.harness.cli import sim
from unit.fakes.cli_runs import help_text, lab_file, sailbench


def test_help_says_nothing_is_measured(capsys):
    assert "Nothing is measured and no results file is written" in help_text(capsys, "sim")


def test_reach_commands_as_root_and_not(monkeypatch):
    monkeypatch.setattr(sim, "litex_tool", lambda name: f"/venv/bin/{name}")
    monkeypatch.setattr(sim.os, "geteuid", lambda: 0)
    server, client = sim.reach_commands("sb-sim-1", "192.168.1.50", 1234, Path("/b/csr.csv"))
    assert server == "ip netns exec sb-sim-1 /venv/bin/litex_server --udp --udp-ip 192.168.1.50 --udp-port 1234"
    assert client == "ip netns exec sb-sim-1 /venv/bin/litex_cli --csr-csv /b/csr.csv --ident"
    monkeypatch.setattr(sim.os, "geteuid", lambda: 1000)
    server, client = sim.reach_commands("sb-sim-1", "192.168.1.50", 1234, None)
    assert server.startswith("sudo ip netns exec sb-sim-1 ") and client.endswith("/venv/bin/litex_cli --ident")


def test_litex_tool_beside_the_interpreter_then_path_then_module(tmp_path, monkeypatch):
    monkeypatch.setattr(sim.sys, "executable", str(tmp_path / "python"))
    (tmp_path / "litex_server").touch()
    assert sim.litex_tool("litex_server") == str(tmp_path / "litex_server")
    monkeypatch.setattr(executables.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert sim.litex_tool("litex_cli") == "/usr/bin/litex_cli"
    monkeypatch.setattr(executables.shutil, "which", lambda name: None)
    assert sim.litex_tool("litex_cli") == f"{tmp_path / 'python'} -m litex.tools.litex_client"


def test_a_hardware_board_is_refused_in_one_line(tmp_path, capsys):
    done = sailbench(capsys, lab_file(tmp_path), "sim", "--board", "versa")
    assert done.code == 2
    assert done.err == ["sailbench: error: board 'versa' is kind 'hardware', not a simulated board"]


def test_lets_go_of_its_ports_and_prints_how_to_reach_the_board(tmp_path, capsys, monkeypatch):
    (tmp_path / "csr.csv").touch()
    closed, checked = [], []
    simulator = SimpleNamespace(netns=SimpleNamespace(name="sb-sim-7"), uart_url="socket://127.0.0.1:5555",
                                alive=lambda: False, check_alive=lambda: checked.append(True))
    client = SimpleNamespace(close=lambda: closed.append("uart"))
    board = SimpleNamespace(name="sim", identifier="probe SoC", sim=simulator, clients=lambda: {"uart": client},
                            build_dir=tmp_path, manifest=SimpleNamespace(etherbone=SimpleNamespace(
                                soc_ip="192.168.1.50", port=1234, host_ip="192.168.1.100")))

    @contextmanager
    def open_board(config, progress):
        yield board
    monkeypatch.setattr(lifecycle, "open_board", open_board)
    monkeypatch.setattr(sim, "litex_tool", lambda name: name)
    done = sailbench(capsys, lab_file(tmp_path), "sim")
    assert done.code == 0, done.err
    assert closed == ["uart"] and checked == [True], "ports let go; a simulator that stopped is checked"
    text = "\n".join(done.out)
    assert "simulated board 'sim' running: probe SoC" in text
    assert "socket://127.0.0.1:5555 inside network namespace sb-sim-7" in text
    assert "udp://192.168.1.50:1234 inside sb-sim-7 (host side 192.168.1.100 on tap0)" in text
    assert f"litex_cli --csr-csv {tmp_path / 'csr.csv'} --ident" in text and done.out[-1] == "Ctrl-C to stop."
