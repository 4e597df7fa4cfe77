"""DFI fault injector: broken board wiring, on purpose, for the simulated board.

Sits on the DFI between LiteDRAM's controller (and its DFII) and the DRAM
PHY, so the host's DRAM line tests (harness/probes/dram_lines.py) can be
proven against the faults a new board revision really has: a DQ line stuck
at 0 or 1, two DQ lines shorted together, an address or bank line tied, a
data mask line that never masks. Every fault is off after reset; with all
CSRs at 0 the module is a wire (no register, no latency).

How the DFI carries the pins (LiteDRAM's ECP5DDRPHY and the DDR3 model in
sim.py alike): each phase's `wrdata`/`rddata` holds `dfi_databits //
databits` beats of the DQ bus, beat k in bits [k*databits, (k+1)*databits),
so DQ j is bit j of every beat; `wrdata_mask` holds one bit per byte lane
and beat (1 = do not write); `address` drives A[n] (row on ACTIVATE, column
on READ/WRITE, so one tied pin hits both) and `bank` BA[n].

- A stuck DQ is forced on both paths: what the DRAM stores and what the
  controller reads.
- A short between DQ a and b is wired-AND on both paths (the driver of a 0
  wins, as with a solder bridge between push-pull drivers of SSTL lines).
- A tied address/bank bit is forced on every command of every phase,
  DFII's included.
- A broken DM drives the lane's mask low: bytes the controller meant to
  keep are overwritten.

Sim builds only: a real board has its faults for free.
"""
from __future__ import annotations

from migen import Array, Cat, If, Signal

from litedram.phy.dfi import Interface
from litex.gen import LiteXModule
from litex.soc.interconnect.csr import CSRField, CSRStorage

DQ_OFF, DQ_STUCK_0, DQ_STUCK_1, DQ_SHORT = 0, 1, 2, 3
TIE_OFF, TIE_0, TIE_1 = 0, 1, 2


def _tie(value: Signal, mode: Signal, bit: Signal) -> Cat:
    """`value` with bit `bit` forced to 0 (mode TIE_0) or 1 (TIE_1)."""
    out = []
    for i in range(len(value)):
        hit = (mode != TIE_OFF) & (bit == i)
        out.append(((mode == TIE_1) & hit) | (value[i] & ~hit))
    return Cat(*out)


class DfiFaultInjector(LiteXModule):
    """Controller side: `self.dfi` (what LiteDRAM's core connects to); PHY side: `phy.dfi`.
    Stands in for the PHY towards the core (`settings`, `dfi`)."""

    def __init__(self, phy):
        self.settings = s = phy.settings
        pd = phy.dfi
        p0 = pd.phases[0]
        addressbits, bankbits, databits = len(p0.address), len(p0.bank), s.databits
        self.dfi = Interface(addressbits=addressbits, bankbits=bankbits, nranks=s.nranks,
                             databits=s.dfi_databits, nphases=s.nphases)
        self.dq = CSRStorage(description="DQ fault (every beat, write and read paths).", fields=[
            CSRField("mode", size=2, description="0 off, 1 `bit` stuck at 0, 2 `bit` stuck at 1, "
                                                 "3 `bit` and `other` shorted (wired-AND)"),
            CSRField("bit", size=6, offset=8, description="DQ line (0 = DQ0)"),
            CSRField("other", size=6, offset=16, description="second DQ line of a short"),
        ])
        self.address = CSRStorage(description="Address line tied (every command, every phase).", fields=[
            CSRField("mode", size=2, description="0 off, 1 tied to 0, 2 tied to 1"),
            CSRField("bit", size=5, offset=8, description="address line (0 = A0)"),
        ])
        self.bank = CSRStorage(description="Bank address line tied (every command, every phase).", fields=[
            CSRField("mode", size=2, description="0 off, 1 tied to 0, 2 tied to 1"),
            CSRField("bit", size=3, offset=8, description="bank line (0 = BA0)"),
        ])
        self.dm = CSRStorage(description="Data mask line that never masks.", fields=[
            CSRField("enable", size=1, description="1: the lane's DM is driven low (bytes always written)"),
            CSRField("lane", size=3, offset=8, description="byte lane (DM0 = lane 0)"),
        ])

        # # #

        dq_mode, dq_a, dq_b = self.dq.fields.mode, self.dq.fields.bit, self.dq.fields.other
        beats = s.dfi_databits // databits
        lanes = databits // 8

        def dq_fault(value):
            """One beat (databits wide) through the DQ fault."""
            bits = Array([value[i] for i in range(databits)])
            wired = Signal()
            self.comb += wired.eq(bits[dq_a] & bits[dq_b])
            out = []
            for i in range(databits):
                a, b = dq_a == i, dq_b == i
                out.append(
                    ((dq_mode == DQ_STUCK_1) & a) |
                    ((dq_mode == DQ_SHORT) & (a | b) & wired) |
                    (value[i] & ~(((dq_mode == DQ_STUCK_0) | (dq_mode == DQ_STUCK_1)) & a)
                              & ~((dq_mode == DQ_SHORT) & (a | b))))
            return Cat(*out)

        for ctrl, phy_phase in zip(self.dfi.phases, pd.phases):
            self.comb += ctrl.connect(phy_phase, omit={"address", "bank", "wrdata", "wrdata_mask", "rddata"})
            self.comb += [
                phy_phase.address.eq(_tie(ctrl.address, self.address.fields.mode, self.address.fields.bit)),
                phy_phase.bank.eq(_tie(ctrl.bank, self.bank.fields.mode, self.bank.fields.bit)),
                phy_phase.wrdata.eq(Cat(*[dq_fault(ctrl.wrdata[k * databits:(k + 1) * databits])
                                          for k in range(beats)])),
                ctrl.rddata.eq(Cat(*[dq_fault(phy_phase.rddata[k * databits:(k + 1) * databits])
                                     for k in range(beats)])),
            ]
            mask = []
            for k in range(beats):
                for lane in range(lanes):
                    m = ctrl.wrdata_mask[k * lanes + lane]
                    mask.append(m & ~(self.dm.fields.enable & (self.dm.fields.lane == lane)))
            self.comb += phy_phase.wrdata_mask.eq(Cat(*mask))
