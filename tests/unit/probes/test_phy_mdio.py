"""The PHY's own view over MDIO: the bit-banged frames against a model of a clause-22 PHY on
LiteEth's ethphy_mdio CSRs, the decoder against register values of a Marvell 88E1512, and the
simulated board saying plainly that it has no PHY."""
from __future__ import annotations

import pytest

from sailbench.harness.probes.phy_mdio import (MDIO_CLK, MDIO_DO, MDIO_OE, R_CSR, W_CSR, MdioBus, PhyView, decode,
                                               read_phy_view)
from sailbench.harness.run import bringup
from sailbench.harness.run.bringup import StageFailed


class FakePhyCsr:
    """LiteEth's MDIO CSRs with a PHY behind them: samples MDIO on MDC rising edges as a PHY does."""

    def __init__(self, address: int, regs: dict[int, int]):
        self.address, self.regs = address, dict(regs)
        self.prev_clk, self.ones, self.state, self.bits = 0, 0, "idle", []
        self.out_index = -1
        self.op = self.phy = self.reg = 0
        self.writes = 0

    def write(self, name: str, value: int, **kw) -> None:
        assert name == W_CSR
        self.writes += 1
        clk = value & MDIO_CLK
        if clk and not self.prev_clk:
            self._rising(bool(value & MDIO_OE), bool(value & MDIO_DO))
        self.prev_clk = clk

    def read(self, name: str) -> int:
        assert name == R_CSR
        if self.state == "data" and self.phy == self.address:
            return (self.regs.get(self.reg, 0) >> self.out_index) & 1
        return 1                                          # pulled up: nobody drives

    def _rising(self, oe: bool, do: bool) -> None:
        bit = int(do) if oe else 1
        if self.state == "idle":
            if bit:
                self.ones += 1
            elif self.ones >= 32:
                self.state, self.bits = "header", [0]
            else:
                self.ones = 0
            return
        if self.state == "header":
            self.bits.append(bit)
            if len(self.bits) == 14:                      # start, op, phy, reg
                h = int("".join(map(str, self.bits)), 2)
                assert h >> 12 == 0b01, "no start pattern"
                self.op, self.phy, self.reg = h >> 10 & 3, h >> 5 & 0x1F, h & 0x1F
                self.state, self.bits = ("ta", []) if self.op == 0b10 else ("wdata", [])
            return
        if self.state == "ta":                            # read: two turnaround clocks, then D15 is driven
            self.bits.append(bit)
            if len(self.bits) == 2:
                self.state, self.out_index = "data", 15
            return
        if self.state == "data":
            self.out_index -= 1
            if self.out_index < 0:
                self.state, self.ones = "idle", 0
            return
        if self.state == "wdata":                         # write: turnaround 10 then 16 bits
            self.bits.append(bit)
            if len(self.bits) == 18:
                assert self.bits[:2] == [1, 0]
                if self.phy == self.address:
                    self.regs[self.reg] = int("".join(map(str, self.bits[2:])), 2)
                self.state, self.ones = "idle", 0


# 88E1512 with a 1000 Mb/s full-duplex link to a GbE switch
LINK_UP = {0: 0x1140, 1: 0x796D, 2: 0x0141, 3: 0x0DD1, 4: 0x0DE1, 5: 0xC5E1, 9: 0x0300, 10: 0x3C00 | 3,
           17: 0xAC08 | (1 << 6), 21: 7}
# no cable: nothing resolved, no partner
NO_CABLE = {0: 0x1140, 1: 0x7949, 2: 0x0141, 3: 0x0DD1, 4: 0x0DE1, 5: 0x0000, 9: 0x0300, 10: 0x0000,
            17: 0x0010, 21: 0}


def test_mdio_read_and_write_frames_reach_the_phy_model():
    csr = FakePhyCsr(address=3, regs={2: 0x0141, 3: 0x0DD1, 17: 0xAC08})
    bus = MdioBus(csr)
    assert bus.read(3, 2) == 0x0141 and bus.read(3, 17) == 0xAC08
    assert bus.read(4, 2) == 0xFFFF                       # nobody at address 4
    bus.write(3, 22, 0x0002)
    assert csr.regs[22] == 2 and bus.read(3, 22) == 2
    assert bus.find_phy() == 3


def test_decoded_link_up_names_speed_duplex_partner_and_errors():
    lines = decode(LINK_UP, address=0)
    assert lines[0] == "PHY Marvell 88E151x at MDIO address 0"
    assert "link up, autonegotiation complete" in lines
    assert "resolved: 1000 Mb/s full duplex, real-time link up, MDI-X" in lines
    assert "we advertise: 10HD, 10FD, 100HD, 100FD, 1000HD, 1000FD, pause, asym pause" in lines
    assert "link partner offers: 10HD, 10FD, 100HD, 100FD, 1000HD, 1000FD, pause" in lines
    assert "1000BASE-T: idle errors 3, local receiver OK, remote receiver OK" in lines
    assert "receive errors since the last read: 7" in lines


def test_decoded_no_cable_says_link_down_and_no_partner():
    lines = decode(NO_CABLE)
    assert "link DOWN (latched since the last read), autonegotiation NOT complete" in lines
    assert "speed and duplex not resolved, real-time link down, no energy on the cable" in lines
    assert "link partner offers: nothing (no partner, or autonegotiation off)" in lines


def test_decoded_power_down_and_half_duplex_100():
    lines = decode({0: 0x0800, 17: (1 << 14) | (1 << 11) | (1 << 10)})
    assert "control: POWERED DOWN, autonegotiation OFF" in lines
    assert "resolved: 100 Mb/s half duplex, real-time link up, MDI" in lines


class _Board:
    def __init__(self, sim, names=(), csr=None):
        self.is_sim, self.regmap, self.csr = sim, set(names), csr


def test_the_simulated_board_says_plainly_there_is_no_phy():
    view = read_phy_view(_Board(sim=True))
    assert not view.available
    assert view.lines() == ["PHY registers not available: the simulated board's Ethernet is a TAP device: there "
                            "is no PHY chip and no MDIO"]


def test_a_real_board_reads_page_0_and_every_register():
    csr = FakePhyCsr(address=1, regs={**LINK_UP, 22: 5})
    view = read_phy_view(_Board(sim=False, names=(W_CSR, R_CSR), csr=csr))
    assert view.available and view.address == 1 and csr.regs[22] == 0
    assert view.registers == {r: LINK_UP[r] for r in view.registers}
    assert view.to_record("versa")["decoded"][0] == "PHY Marvell 88E151x at MDIO address 1"


def test_no_phy_answering_is_said():
    view = read_phy_view(_Board(sim=False, names=(W_CSR, R_CSR), csr=FakePhyCsr(address=99, regs={})))
    assert not view.available and "no PHY answers on MDIO" in view.why


def test_a_failing_ethernet_stage_carries_the_phy_view(monkeypatch):
    runner = bringup._Bringup.__new__(bringup._Bringup)
    runner.board, runner.records = object(), []
    runner.config = type("C", (), {"name": "versa"})()

    def fail():
        raise StageFailed("no Etherbone reply", "check the cable")
    monkeypatch.setattr(runner, "_ethernet", fail, raising=False)
    monkeypatch.setattr("sailbench.harness.probes.phy_mdio.read_phy_view",
                        lambda board: PhyView(True, address=0, registers=NO_CABLE))
    with pytest.raises(StageFailed) as info:
        runner.ethernet()
    assert "no Etherbone reply" in info.value.detail and "PHY: link DOWN" in info.value.detail
    assert info.value.next_step == "check the cable" and runner.records[0]["probe"] == "phy_registers"
