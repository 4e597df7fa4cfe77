"""DFI fault injector in simulation: each fault changes exactly its line, and nothing when off.

The injector sits between a DFI master (driven by the test, as the controller
would) and a DFI slave (read by the test, as the PHY would), with the settings
of the simulated Versa-ECP5 (x16, 2 phases, 4 beats per phase). The CSR field
signals are driven directly: a bare simulation has no CSR bank.
"""
from __future__ import annotations

from migen.sim import run_simulation

from litedram.phy.dfi import Interface
from litex.gen import LiteXModule

from sailbench.gateware.cores.dfi_faults import DQ_SHORT, DQ_STUCK_0, DQ_STUCK_1, TIE_0, TIE_1, DfiFaultInjector
from sailbench.gateware.targets.sim import ecp5ddrphy_like_settings

DATABITS = 16
BEATS = 4


class _Phy(LiteXModule):
    def __init__(self):
        self.settings = ecp5ddrphy_like_settings(DATABITS, 75_000_000)
        self.dfi = Interface(addressbits=13, bankbits=3, nranks=1, databits=self.settings.dfi_databits,
                             nphases=self.settings.nphases)


class _Bench(LiteXModule):
    def __init__(self):
        self.phy = _Phy()
        self.inj = DfiFaultInjector(self.phy)


def beats(word: int) -> int:
    """One 16-bit DQ value in every beat of a phase."""
    return sum(word << (DATABITS * k) for k in range(BEATS))


def _run(setup: dict, wr_word: int, rd_word: int, address: int = 0, bank: int = 0, mask: int = 0):
    """Set the fault fields, drive phase 0 from both sides, return what each side sees."""
    dut = _Bench()
    out = {}

    def gen():
        for (csr, field), value in setup.items():
            yield getattr(getattr(dut.inj, csr).fields, field).eq(value)
        ctrl, phy = dut.inj.dfi.phases[0], dut.phy.dfi.phases[0]
        yield ctrl.wrdata.eq(beats(wr_word))
        yield ctrl.wrdata_mask.eq(mask)
        yield ctrl.address.eq(address)
        yield ctrl.bank.eq(bank)
        yield ctrl.cas_n.eq(0)
        yield phy.rddata.eq(beats(rd_word))
        yield phy.rddata_valid.eq(1)
        yield
        out["wrdata"] = (yield phy.wrdata)
        out["rddata"] = (yield ctrl.rddata)
        out["address"] = (yield phy.address)
        out["bank"] = (yield phy.bank)
        out["mask"] = (yield phy.wrdata_mask)
        out["cas_n"] = (yield phy.cas_n)
        out["rddata_valid"] = (yield ctrl.rddata_valid)

    run_simulation(dut, gen())
    return out


def test_no_fault_is_a_wire():
    o = _run({}, 0xA5C3, 0x3C5A, address=0x1ABC, bank=5, mask=0b10010110)
    assert o == {"wrdata": beats(0xA5C3), "rddata": beats(0x3C5A), "address": 0x1ABC, "bank": 5,
                 "mask": 0b10010110, "cas_n": 0, "rddata_valid": 1}


def test_stuck_dq_forces_that_bit_in_every_beat_both_ways():
    o = _run({("dq", "mode"): DQ_STUCK_0, ("dq", "bit"): 11}, 0xFFFF, 0xFFFF)
    assert o["wrdata"] == beats(0xFFFF & ~(1 << 11)) and o["rddata"] == beats(0xFFFF & ~(1 << 11))
    o = _run({("dq", "mode"): DQ_STUCK_1, ("dq", "bit"): 3}, 0x0000, 0x0100)
    assert o["wrdata"] == beats(1 << 3) and o["rddata"] == beats(0x0100 | 1 << 3)


def test_short_is_wired_and_of_the_two_lines_only():
    short = {("dq", "mode"): DQ_SHORT, ("dq", "bit"): 2, ("dq", "other"): 9}
    assert _run(short, 1 << 2, 0)["wrdata"] == 0                          # a=1, b=0: both read 0
    assert _run(short, 0xFFFF & ~(1 << 9), 0)["wrdata"] == beats(0xFFFF & ~(1 << 9) & ~(1 << 2))
    assert _run(short, 0xFFFF, 0xFFFF)["rddata"] == beats(0xFFFF)         # both 1: unchanged
    assert _run(short, 0x00F0, 0x00F0)["wrdata"] == beats(0x00F0)         # neither line involved


def test_tied_address_and_bank_lines():
    assert _run({("address", "mode"): TIE_0, ("address", "bit"): 12}, 0, 0, address=0x1FFF)["address"] == 0x0FFF
    assert _run({("address", "mode"): TIE_1, ("address", "bit"): 5}, 0, 0, address=0)["address"] == 1 << 5
    assert _run({("bank", "mode"): TIE_1, ("bank", "bit"): 1}, 0, 0, bank=0)["bank"] == 2
    assert _run({("bank", "mode"): TIE_0, ("bank", "bit"): 2}, 0, 0, bank=7)["bank"] == 3


def test_broken_dm_never_masks_its_lane():
    # mask bit k*2 + lane: lane 1 of every beat cleared, lane 0 kept
    o = _run({("dm", "enable"): 1, ("dm", "lane"): 1}, 0, 0, mask=0xFF)
    assert o["mask"] == 0b01010101
