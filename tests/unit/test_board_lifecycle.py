"""A real board's lifecycle (harness/board/lifecycle.py): cable found -> built (timing verdict) ->
loaded unless it already runs this build -> identified -> DRAM ready, each state asked for on its own.
The build, openFPGALoader's output and the board's registers are stand-ins here; tests/bitstream/
drives the real build and the real openFPGALoader, tests/board/ the simulated board."""
import json
from types import SimpleNamespace

import pytest

import sailbench.harness.board.lifecycle as lifecycle
import sailbench.harness.board.loader as loader
import sailbench.harness.build.bitstream
from sailbench.harness.board.board import ETHERBONE, Board, connect_hardware
from sailbench.harness.board.dram_init import CONTROL_HARDWARE, CONTROL_SOFTWARE
from sailbench.harness.board.lifecycle import BoardState, HardwareStrategy, open_board, strategy_for
from sailbench.harness.build.bitstream import Bitstream, TimingFailedError
from sailbench.harness.build.manifest import BuildManifest
from sailbench.harness.config import BoardConfig, EtherboneConfig
from sailbench.harness.errors import BoardSilentError, CableError, LoadError

IDENT = "sailbench profile=versa-ecp5 target=ecp5 version=0.1.0 hash=abc"
CONFIG = BoardConfig(name="v", kind="hardware", profile="versa-ecp5", serial="/dev/null", cable="ft2232")
DETECTED = "index 0:\n\tidcode 0x81112043\n\tmanufacturer lattice\n\tfamily ECP5\n\tmodel  LFE5UM5G-45\n"


class FakeBoardCsr:
    """The board's registers: answers the identifier only once a bitstream is 'loaded'."""

    def __init__(self, state):
        self.state = state
        self.transport = SimpleNamespace(name="/dev/null")

    def read_identifier(self) -> str:
        if not self.state["loaded"]:
            raise BoardSilentError("no answer", board="v", port="/dev/null")
        return IDENT

    def write(self, name, value, **kw):
        self.state["writes"].append((name, value))

    def read(self, name):
        return 0

    def close(self):
        pass


@pytest.fixture
def bench(monkeypatch, tmp_path):
    """A board on a cable (openFPGALoader's --detect output is given), its build cached, its registers faked."""
    state = {"loaded": False, "loads": 0, "builds": 0, "writes": [], "detect": (0, DETECTED)}
    (tmp_path / "report.txt").write_text("TIMING FAILED ...\n")
    manifest = BuildManifest.from_dict({
        "target": "ecp5", "version": "0.1.0", "packages": {},
        "bitstream": "top.bit", "hash": "abc", "identifier": IDENT, "profile": "versa-ecp5",
        "sys_clk_hz": 75_000_000, "csr_json": "csr.json",
        "report": {"json": "report.json", "text": "report.txt", "timing_passed": True, "fits": True,
                   "failing_clocks": [], "clocks": {}, "utilisation": {}},
        "dram": {"module": "MT41K64M16", "memtype": "DDR3", "data_width": 16, "ratio": 2,
                 "transfers_per_s": 300_000_000, "peak_bytes_per_s": 600_000_000, "bist_word_bytes": 16,
                 "size_bytes": 1 << 27, "main_ram_base": 0x40000000,
                 "phy": {"phytype": "ECP5DDRPHY", "memtype": "DDR3", "databits": 16, "dfi_databits": 64,
                         "nphases": 2, "rdphase": 0, "wrphase": 1, "cl": 6, "cwl": 5, "modules": 2,
                         "read_leveling": False, "write_leveling": False, "delays": 8, "bitslips": 4},
                 "init_sequence": [{"comment": "Release reset", "kind": "control", "bits": 0x0c,
                                    "address": 0, "bank": 0, "delay": 0}]}})
    bitstream = Bitstream("v", tmp_path, manifest)

    def ensure_bitstream(config, progress=print):
        state["builds"] += 1
        return bitstream

    def connect(config, build_dir, m):
        return Board(config.name, config, build_dir, m, regmap=None, csr=FakeBoardCsr(state))

    def load_bitstream(cable, path, idcode, fpga="", flash=False, progress=print):
        state["loads"] += 1
        state["loaded"] = True
        return loader.LoadResult(cable.board, cable.name, "sram", str(path), idcode or 0, 0.1)

    monkeypatch.setattr(sailbench.harness.build.bitstream, "ensure_bitstream", ensure_bitstream)
    monkeypatch.setattr(lifecycle, "connect_hardware", connect)
    monkeypatch.setattr(loader, "load_bitstream", load_bitstream)
    monkeypatch.setattr(loader, "executable", lambda configured=None: "openFPGALoader")
    monkeypatch.setattr(loader, "tool_version", lambda cable: (1, 1, 1))   # prints the whole IDCODE
    monkeypatch.setattr(loader, "run", lambda cable, args, timeout_s: state["detect"])
    return SimpleNamespace(state=state, bitstream=bitstream)


def test_a_silent_board_is_loaded_identified_and_its_dram_brought_up(bench):
    board = open_board(CONFIG, progress=lambda m: None)
    assert bench.state["loads"] == 1 and board.load is not None and board.identifier == IDENT
    writes = bench.state["writes"]
    assert writes[0] == ("sdram_dfii_control", CONTROL_SOFTWARE)
    assert ("sdram_dfii_control", 0x0c) in writes and writes[-1] == ("sdram_dfii_control", CONTROL_HARDWARE)
    assert board.dram_init is not None and board.dram_init.steps == 1
    assert set(board.timings) == {f"{s.name.lower()}_s" for s in BoardState if s > BoardState.CONFIGURED}


def test_a_board_already_running_this_build_is_not_reloaded(bench):
    bench.state["loaded"] = True
    board = open_board(CONFIG, progress=lambda m: None)
    assert bench.state["loads"] == 0 and board.load is None and board.identifier == IDENT


def test_reload_loads_even_a_board_that_runs_this_build(bench):
    bench.state["loaded"] = True
    strategy = HardwareStrategy(CONFIG, progress=lambda m: None, reload=True)
    strategy.transition(BoardState.LOADED)
    assert bench.state["loads"] == 1 and strategy.board.load is not None


def test_a_caller_asks_for_the_state_it_needs(bench):
    strategy = strategy_for(CONFIG, progress=lambda m: None)
    assert strategy.transition(BoardState.CABLE_FOUND) is None
    assert strategy.state == BoardState.CABLE_FOUND and bench.state["builds"] == 0
    assert strategy.detected == "LFE5UM5G-45 (IDCODE 0x81112043) on cable 'ft2232'"
    strategy.transition(BoardState.BUILT)
    assert bench.state["builds"] == 1 and bench.state["loads"] == 0 and strategy.board is None
    board = strategy.transition(BoardState.IDENTIFIED)
    assert board.identifier == IDENT and bench.state["writes"] == []          # no DRAM init yet
    strategy.transition(BoardState.DRAM_READY)
    assert board.dram_init is not None and bench.state["builds"] == 1         # earlier steps are not run again


def test_no_cable_fails_before_anything_is_built(bench):
    """Fail fast: `pytest --board versa-ecp5` with no cable must not spend minutes on nextpnr first."""
    bench.state["detect"] = (1, "unable to open ftdi device: -3 (device not found)\nJTAG init failed\n")
    with pytest.raises(CableError) as info:
        open_board(CONFIG, progress=lambda m: None)
    assert "cable 'ft2232' not found" in str(info.value) and str(info.value).startswith("board 'v': ")
    assert "boards.v.cable in lab.yaml" in info.value.hint and "--detect -c ft2232" in info.value.hint
    assert bench.state["builds"] == 0 and bench.state["loads"] == 0


def test_the_wrong_fpga_on_the_cable_is_a_cable_error(bench):
    bench.state["detect"] = (0, DETECTED.replace("0x81112043", "0x41113043").replace("LFE5UM5G-45", "LFE5UM-85"))
    with pytest.raises(CableError, match=r"wrong FPGA on cable 'ft2232': found 0x41113043 \(LFE5UM-85\)"):
        open_board(CONFIG, progress=lambda m: None)
    assert bench.state["builds"] == 0


def test_a_missing_serial_port_fails_before_anything_is_built(bench):
    config = BoardConfig(**{**CONFIG.__dict__, "serial": "/dev/ttyUSB-sailbench-none"})
    with pytest.raises(CableError, match="serial port /dev/ttyUSB-sailbench-none does not exist") as info:
        open_board(config, progress=lambda m: None)
    assert "/dev/serial/by-id" in info.value.hint and bench.state["builds"] == 0


def test_a_failing_load_is_a_load_error_with_its_hint(bench, monkeypatch):
    def refuse(cable, path, idcode, fpga="", flash=False, progress=print):
        raise loader.BoardError("openFPGALoader reported a failure writing SRAM", board="v")
    monkeypatch.setattr(loader, "load_bitstream", refuse)
    with pytest.raises(LoadError, match="^board 'v': openFPGALoader reported a failure") as info:
        open_board(CONFIG, progress=lambda m: None)
    assert "sailbench load --board v" in info.value.hint


def test_a_bitstream_failing_timing_stops_before_the_board_is_touched(bench):
    m = bench.bitstream.manifest.to_dict()
    m["report"].update(timing_passed=False, failing_clocks=["eth_rx"],
                       clocks={"eth_rx": {"achieved_mhz": 91.2, "required_mhz": 125.0, "passed": False}})
    bench.bitstream.manifest = BuildManifest.from_dict(m)
    with pytest.raises(TimingFailedError, match=r"timing failed: eth_rx 91\.2 MHz < 125\.0 MHz required"):
        open_board(CONFIG, progress=lambda m: None)
    assert bench.state["loads"] == 0 and bench.state["writes"] == []
    said = []
    allowed = BoardConfig(**{**CONFIG.__dict__, "allow_timing_fail": True})
    open_board(allowed, progress=said.append)
    assert any(m.startswith("WARNING: board 'v' runs a bitstream that FAILS timing") for m in said)


def test_open_wants_a_connected_state(bench):
    with pytest.raises(ValueError, match="connected from state identified on"):
        strategy_for(CONFIG).open(BoardState.BUILT)


def test_a_board_with_no_serial_port_labels_its_etherbone_client_as_etherbone(tmp_path):
    (tmp_path / "csr.json").write_text(json.dumps({
        "csr_bases": {"ctrl": 0}, "csr_registers": {"ctrl_scratch": {"addr": 4, "size": 1, "type": "rw"}},
        "constants": {"config_csr_data_width": 32, "config_csr_alignment": 32, "config_bus_address_width": 32},
        "memories": {}}))
    manifest = SimpleNamespace(csr_json="csr.json")
    config = BoardConfig(name="eb", kind="hardware", profile="versa-ecp5",
                         etherbone=EtherboneConfig(ip="127.0.0.1", port=1))
    board = connect_hardware(config, tmp_path, manifest)
    try:
        assert board.primary_link == ETHERBONE and list(board.clients()) == [ETHERBONE]
        assert board.port == "udp://127.0.0.1:1"
    finally:
        board.close()


def test_a_closed_board_is_connected_again_when_asked(bench):
    bench.state["loaded"] = True
    strategy = strategy_for(CONFIG, progress=lambda m: None)
    first = strategy.open(BoardState.IDENTIFIED)
    strategy.close()
    assert strategy.state == BoardState.BUILT and strategy.board is None
    again = strategy.transition(BoardState.IDENTIFIED)
    assert again is not first and again.identifier == IDENT and bench.state["builds"] == 1
