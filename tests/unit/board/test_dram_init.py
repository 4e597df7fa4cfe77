"""Host-side DRAM init: the BIOS's test pattern, init replay order, and read leveling against a window model."""
import json
import shutil
import subprocess
from dataclasses import asdict, replace
from pathlib import Path

import pytest

import litex
from sailbench.gateware.soc.dram_info import init_sequence, phy_info
from sailbench.gateware.targets.sim import ecp5ddrphy_like_settings
from sailbench.harness.build.manifest import DramInfo, DramPhy, InitStep
from sailbench.harness.board.dram_init import (CONTROL_HARDWARE, CONTROL_SOFTWARE, SEEDS, Dfii, init_dram, lane_errors,
                               pattern_bytes, read_leveling, replay_init_sequence, widest_window)
from sailbench.harness.errors import BoardError

LIBBASE = Path(litex.__file__).parent / "soc" / "software" / "libbase"
PHY = DramPhy(phytype="ECP5DDRPHY", memtype="DDR3", databits=16, dfi_databits=64, nphases=2, rdphase=0, wrphase=1,
              cl=6, cwl=5, modules=2, read_leveling=True, write_leveling=False, delays=8, bitslips=4)


def _dram(phy: DramPhy, steps: list[InitStep]) -> DramInfo:
    return DramInfo(module="MT41K64M16", memtype="DDR3", data_width=16, ratio=2, transfers_per_s=300_000_000,
                    peak_bytes_per_s=600_000_000, bist_word_bytes=16, size_bytes=1 << 27, main_ram_base=0x40000000,
                    phy=phy, init_sequence=tuple(steps))


class FakeCsr:
    """Records register writes by name; reads return the last value written (0 before)."""

    def __init__(self):
        self.writes: list[tuple[str, int]] = []
        self.values: dict[str, int] = {}

    def write(self, name: str, value: int, **kwargs) -> None:
        self.writes.append((name, value))
        self.values[name] = value

    def read(self, name: str) -> int:
        return self.values.get(name, 0)


def test_pattern_is_the_bioses(tmp_path):
    """Same bytes as liblitedram's sdram_write_read_check_test_pattern, from LiteX's own lfsr.h."""
    src = tmp_path / "pattern.c"
    src.write_text(r'''
#include <stdio.h>
#include "lfsr.h"
int main(void) {
    unsigned int seeds[] = {42, 84, 36};
    for (int s = 0; s < 3; s++) {
        unsigned int prv = seeds[s];
        for (int i = 0; i < 16; i++) {
            unsigned char value = 0;
            for (int bit = 0; bit < 8; bit++) { prv = lfsr(32, prv); value |= (prv & 1) << bit; }
            printf("%02x", value);
        }
        printf("\n");
    }
    return 0;
}
''')
    cc = shutil.which("cc") or shutil.which("gcc")
    assert cc, "a C compiler is needed (build-essential, scripts/setup.sh)"
    subprocess.run([cc, "-I", str(LIBBASE), "-o", str(tmp_path / "pattern"), str(src)], check=True)
    bios = subprocess.run([str(tmp_path / "pattern")], capture_output=True, text=True, check=True).stdout.split()
    ours = [b"".join(pattern_bytes(seed, 2, 8)).hex() for seed in SEEDS]
    assert ours == bios


def test_lane_errors_look_at_the_lanes_bytes_only():
    written = bytes(range(8))
    assert lane_errors(written, written, 0) == 0
    # lane 0 of a x16 in one 1:2 phase: bytes 3 (falling edge) and 7 (rising edge), big-endian
    read = bytearray(written)
    read[7] ^= 0xFF
    read[3] ^= 0x01
    assert lane_errors(written, bytes(read), 0) == 9 and lane_errors(written, bytes(read), 1) == 0
    read = bytearray(written)
    read[6] ^= 0x03
    assert lane_errors(written, bytes(read), 1) == 2 and lane_errors(written, bytes(read), 0) == 0


def test_replay_follows_the_exported_sequence_in_order():
    from litedram.modules import MT41K64M16
    module = MT41K64M16(75e6, "1:2")
    seq = init_sequence(ecp5ddrphy_like_settings(16, 75_000_000), module.timing_settings)
    csr = FakeCsr()
    replay_init_sequence(Dfii(csr, PHY), seq)
    controls = [v for n, v in csr.writes if n == "sdram_dfii_control"]
    assert controls == [0x0c, 0x0e]                           # release reset (ODT|RESET_N), then CKE high
    commands = [(csr.writes[i - 2][1], csr.writes[i - 1][1], v) for i, (n, v) in enumerate(csr.writes)
                if n == "sdram_dfii_pi0_command"]
    assert [bank for _a, bank, cmd in commands if cmd == 0x0f] == [2, 3, 1, 0]    # MR2, MR3, MR1, MR0
    assert commands[-1] == (0x400, 0, 0x03)                   # ZQ calibration long: A10, WE|CS
    assert csr.writes.count(("sdram_dfii_pi0_command_issue", 1)) == 5


def test_init_dram_hands_dfii_back_to_hardware_even_on_failure():
    csr = FakeCsr()
    steps = [InitStep(comment="x", kind="control", bits=0x0c, address=0, bank=0, delay=0)]
    dram = _dram(replace(PHY, read_leveling=False, phytype="SDRAMPHYModel"), steps)
    init_dram("b", csr, dram, progress=lambda m: None)
    assert csr.writes[0] == ("sdram_dfii_control", CONTROL_SOFTWARE)
    assert csr.writes[-1] == ("sdram_dfii_control", CONTROL_HARDWARE)

    class Broken(FakeCsr):
        def write(self, name, value, **kw):
            if name == "sdram_dfii_pi0_command":
                raise BoardError("silent", board="b")
            super().write(name, value)
    csr = Broken()
    steps.append(InitStep(comment="y", kind="command", bits=0x0f, address=0, bank=2, delay=0))
    dram = replace(dram, init_sequence=tuple(steps))
    with pytest.raises(BoardError):
        init_dram("b", csr, dram, progress=lambda m: None)
    assert csr.writes[-1] == ("sdram_dfii_control", CONTROL_HARDWARE)


def test_a_manifest_without_the_dram_init_data_is_refused_naming_it(tmp_path):
    from sailbench.harness.build.manifest import read_build_manifest
    from sailbench.harness.errors import BuildError
    dram = {k: v for k, v in asdict(_dram(PHY, [])).items() if k != "init_sequence"}
    (tmp_path / "sailbench.json").write_text(json.dumps(
        {"target": "ecp5", "profile": "versa-ecp5", "hash": "abc", "version": "1", "packages": {},
         "sys_clk_hz": 75_000_000, "dram": dram}))
    with pytest.raises(BuildError, match=r"sailbench\.json: dram: missing field 'init_sequence'.*rebuild"):
        read_build_manifest(tmp_path)


def test_phy_info_of_the_ecp5ddrphy_settings():
    info = phy_info(ecp5ddrphy_like_settings(16, 75_000_000))
    assert (info.nphases, info.dfi_databits, info.modules) == (2, 64, 2)


# --- read leveling against a model of the read window ---------------------------------------------

class WindowModel:
    """Each byte lane reads back right only at one bitslip and a window of read delays (the
    ECP5DDRPHY seen through the BIOS's test); elsewhere the test counts errors."""

    def __init__(self, good: dict[int, tuple[int, range]], partial: dict[int, tuple[int, range]] | None = None,
                 modules: int = 2, delays: int = 8, bitslips: int = 4):
        self.good, self.partial = good, partial or {}
        self.modules, self.delays, self.bitslips = modules, delays, bitslips
        self.bitslip = {m: 0 for m in range(modules)}
        self.delay = {m: 0 for m in range(modules)}
        self.calls = 0

    def reset_delay(self, m): self.delay[m] = 0
    def inc_delay(self, m): self.delay[m] = (self.delay[m] + 1) % self.delays
    def reset_bitslip(self, m): self.bitslip[m] = 0
    def inc_bitslip(self, m): self.bitslip[m] = (self.bitslip[m] + 1) % self.bitslips
    def max_errors(self): return 96

    def errors(self, m):
        self.calls += 1
        for table, bad in ((self.good, 30), (self.partial, 60)):
            if m in table:
                bitslip, window = table[m]
                if self.bitslip[m] == bitslip:
                    return 0 if self.delay[m] in window else bad
        return 90


def test_leveling_picks_the_bitslip_and_centres_the_delay():
    model = WindowModel(good={0: (1, range(2, 7)), 1: (2, range(0, 4))})
    result = read_leveling(model)
    assert [(r.module, r.bitslip, r.delay, r.window, r.verified) for r in result] == [
        (0, 1, 4, (2, 6), True), (1, 2, 1, (0, 3), True)]
    assert model.bitslip == {0: 1, 1: 2} and model.delay == {0: 4, 1: 1}     # left at the chosen setting
    assert result[0].scan[1] == [30, 30, 0, 0, 0, 0, 0, 30]


def test_leveling_prefers_the_bitslip_with_more_working_delays():
    model = WindowModel(good={0: (3, range(1, 7)), 1: (0, range(3, 5))}, partial={0: (0, range(5, 7))})
    result = read_leveling(model)
    assert (result[0].bitslip, result[0].window) == (3, (1, 6))
    assert (result[1].bitslip, result[1].delay) == (0, 3)


def test_leveling_reports_a_lane_with_no_working_delay():
    model = WindowModel(good={0: (1, range(2, 5))})            # lane 1 never reads right
    result = read_leveling(model)
    assert result[0].window == (2, 4) and result[1].window is None and not result[1].verified


def test_widest_window():
    assert widest_window([1, 0, 0, 1, 0, 0, 0, 1]) == (4, 6)
    assert widest_window([0, 0, 0]) == (0, 2)
    assert widest_window([1, 1]) is None
    assert widest_window([0, 1, 0]) == (0, 0)                  # first of equals, like the BIOS
