"""Opening a real board (what the `board` fixture does): build -> timing verdict -> load unless the
board already runs this build -> identifier -> DRAM init. The build, the cable and the board are
stand-ins here; tests/bitstream/ drives the real build and the real openFPGALoader."""
from pathlib import Path
from types import SimpleNamespace

import pytest

import sailbench.harness.build.bitstream
import sailbench.harness.board.board
import sailbench.harness.board.loader
from sailbench.harness.build.bitstream import Bitstream, TimingFailedError
from sailbench.harness.build.manifest import BuildManifest
from sailbench.harness.board.board import Board, open_board
from sailbench.harness.config import BoardConfig
from sailbench.harness.board.dram_init import CONTROL_HARDWARE, CONTROL_SOFTWARE
from sailbench.harness.errors import BoardSilentError

IDENT = "sailbench profile=versa-ecp5 target=ecp5 version=0.1.0 hash=abc"
CONFIG = BoardConfig(name="v", kind="hardware", profile="versa-ecp5", serial="/dev/ttyUSB1", cable="ft2232")


class FakeBoardCsr:
    """The board's registers: answers the identifier only once a bitstream is 'loaded'."""

    def __init__(self, state):
        self.state = state
        self.transport = SimpleNamespace(name="/dev/ttyUSB1")

    def read_identifier(self) -> str:
        if not self.state["loaded"]:
            raise BoardSilentError("no answer", board="v", port="/dev/ttyUSB1")
        return IDENT

    def write(self, name, value, **kw):
        self.state["writes"].append((name, value))

    def read(self, name):
        return 0

    def close(self):
        pass


@pytest.fixture
def bench(monkeypatch, tmp_path):
    state = {"loaded": False, "loads": 0, "writes": []}
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
    monkeypatch.setattr(sailbench.harness.build.bitstream, "ensure_bitstream", lambda config, progress=print: bitstream)

    def connect(config, build_dir, m):
        return Board(config.name, config, build_dir, m, regmap=None, csr=FakeBoardCsr(state))

    def load_bitstream(cable, path, idcode, fpga="", flash=False, progress=print):
        state["loads"] += 1
        state["loaded"] = True
        return sailbench.harness.board.loader.LoadResult(cable.board, cable.name, "sram", str(path), idcode or 0, 0.1)

    monkeypatch.setattr(sailbench.harness.board.board, "connect_hardware", connect)
    monkeypatch.setattr(sailbench.harness.board.loader, "load_bitstream", load_bitstream)
    return SimpleNamespace(state=state, bitstream=bitstream)


def test_a_silent_board_is_loaded_identified_and_its_dram_brought_up(bench):
    board = open_board(CONFIG, progress=lambda m: None)
    assert bench.state["loads"] == 1 and board.load is not None and board.identifier == IDENT
    writes = bench.state["writes"]
    assert writes[0] == ("sdram_dfii_control", CONTROL_SOFTWARE)
    assert ("sdram_dfii_control", 0x0c) in writes and writes[-1] == ("sdram_dfii_control", CONTROL_HARDWARE)
    assert board.dram_init is not None and board.dram_init.steps == 1


def test_a_board_already_running_this_build_is_not_reloaded(bench):
    bench.state["loaded"] = True
    board = open_board(CONFIG, progress=lambda m: None)
    assert bench.state["loads"] == 0 and board.load is None and board.identifier == IDENT


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
