"""The Ethernet PHY's own view, read over MDIO: link, speed and duplex, partner, receive errors.

When the Ethernet stage of a bring-up fails on a real board, the FPGA side
says little (no reply). The PHY chip knows more: whether the copper link is
up, what autonegotiation resolved, what the link partner offers, how many
symbols it received wrong. LiteEth puts the RGMII PHY's MDC/MDIO pins on two
CSRs when the platform has them (`LiteEthPHYMDIO`: `ethphy_mdio_w` with
fields mdc, oe, w; `ethphy_mdio_r` with r), as on the Versa-ECP5. There is no
CPU, so the host bit-bangs the MDIO frames over the bus, the way LiteX's
libliteeth/mdio.c does from a BIOS: 32 ones of preamble, start 01, op
(10 read, 01 write), PHY address, register, turnaround, 16 data bits, each
bit one CSR write with MDC low, one with MDC high, one low again. A register
read is about 180 CSR writes and 16 reads, queued as one batch (`MdioBus`): 17
round trips on LiteX's UARTBone bridge (it takes no command while it answers a
read), 1 on the probe SoC's bridge with its receive FIFO; the Ethernet link
itself is not needed, the UART is enough.

The decoder knows IEEE 802.3 clause 22 registers (0, 1, 4, 5, 9, 10) and the
Marvell 88E1512's page-0 copper registers (the Versa-ECP5's PHY): 17 copper
specific status (resolved speed/duplex, real-time link) and 21 receive error
counter (cleared when read). Page 0 is selected first (register 22 = 0).

The simulated board's Ethernet is a TAP device: no PHY chip, no MDIO, and
`read_phy_view` says so plainly instead of guessing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sailbench.harness.transport.batch import batch_for
from sailbench.harness.transport.counting import counted_step

MDIO_CLK, MDIO_OE, MDIO_DO = 0x01, 0x02, 0x04
OP_READ, OP_WRITE = 0b10, 0b01
W_CSR, R_CSR = "ethphy_mdio_w", "ethphy_mdio_r"
REGS = (0, 1, 2, 3, 4, 5, 9, 10, 17, 21)
MARVELL_OUI_ID1 = 0x0141
M88E151X_ID2 = 0x0DD0          # model 0x1D, revision in the low 4 bits


class MdioBus:
    """Clause-22 MDIO bit-banged through LiteEth's ethphy_mdio_{w,r} CSRs.

    A whole frame is one batch (harness/transport/batch.py): the writes go as fixed-address
    bursts without a confirming read each, each of a read's 16 data bits is a CSR read queued
    between two clock writes (nothing waits on a bit's value), and the frame ends with one
    check. The transport decides the waits: LiteX's UARTBone bridge takes no command while it
    answers a read, so there a register read is 17 round trips (16 bits and the frame's end);
    with the probe SoC's receive FIFO the frame goes out in one window, one round trip (two at
    most, at 115200 baud with a 1 KiB FIFO); a write is one either way."""

    def __init__(self, csr, w_csr: str = W_CSR, r_csr: str = R_CSR):
        self.csr = csr
        self.batch = batch_for(csr)
        self.w_csr, self.r_csr = w_csr, r_csr      # other registers: the same traffic on a board without MDIO
        self._queued: list[int] = []

    def _w(self, bits: int) -> None:
        self._queued.append(bits)

    def _send_queued(self) -> None:
        self.batch.write_repeated(self.w_csr, self._queued)
        self._queued = []

    def _queue_bit_read(self):
        self._send_queued()
        return self.batch.read(self.r_csr)

    def _end_frame(self) -> None:
        self._send_queued()
        self.batch.run()

    def _raw_write(self, word: int, count: int) -> None:
        for i in reversed(range(count)):
            do = MDIO_DO if (word >> i) & 1 else 0
            self._w(do | MDIO_OE)
            self._w(MDIO_CLK | do | MDIO_OE)
            self._w(do | MDIO_OE)

    def _turnaround(self) -> None:
        for _ in range(2):
            self._w(MDIO_CLK)
            self._w(0)

    def _header(self, op: int, phy: int, reg: int) -> None:
        self._w(MDIO_OE)
        self._raw_write(0xFFFF_FFFF, 32)
        self._raw_write(0b01, 2)
        self._raw_write(op, 2)
        self._raw_write(phy & 0x1F, 5)
        self._raw_write(reg & 0x1F, 5)

    def read(self, phy: int, reg: int) -> int:
        self._header(OP_READ, phy, reg)
        self._turnaround()
        bits = []
        for _ in range(16):
            bits.append(self._queue_bit_read())
            self._w(MDIO_CLK)
            self._w(0)
        self._turnaround()
        self._end_frame()
        word = 0
        for bit in bits:
            word = word << 1 | (bit.value & 1)
        return word

    def write(self, phy: int, reg: int, value: int) -> None:
        self._header(OP_WRITE, phy, reg)
        self._raw_write(0b10, 2)
        self._raw_write(value & 0xFFFF, 16)
        self._turnaround()
        self._end_frame()

    def find_phy(self) -> int | None:
        """The first address whose ID register 2 answers (an absent PHY reads all ones or zeros)."""
        for addr in range(32):
            if self.read(addr, 2) not in (0xFFFF, 0x0000):
                return addr
        return None


# -- decoding -------------------------------------------------------------------------------------

def _abilities(reg: int, gig: int | None = None, partner: bool = False) -> list[str]:
    names = [(5, "10HD"), (6, "10FD"), (7, "100HD"), (8, "100FD")]
    out = [n for bit, n in names if reg >> bit & 1]
    if gig is not None:
        bits = ((10, "1000HD"), (11, "1000FD")) if partner else ((8, "1000HD"), (9, "1000FD"))
        out += [n for bit, n in bits if gig >> bit & 1]
    if reg >> 10 & 1:
        out.append("pause")
    if reg >> 11 & 1:
        out.append("asym pause")
    return out


@dataclass
class PhyView:
    available: bool
    why: str = ""                         # when not available
    address: int | None = None
    registers: dict[int, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        if not self.available:
            return [f"PHY registers not available: {self.why}"]
        return decode(self.registers, self.address)

    def summary(self) -> str:
        return "; ".join(self.lines())

    def to_record(self, board: str) -> dict:
        return {"probe": "phy_registers", "board": board, "available": self.available, "why": self.why,
                "address": self.address, "registers": {str(k): v for k, v in self.registers.items()},
                "decoded": self.lines()}


def decode(regs: dict[int, int], address: int | None = None) -> list[str]:
    """The registers as a bring-up engineer reads them: one line per fact."""
    out = []
    id1, id2 = regs.get(2), regs.get(3)
    if id1 is not None and id2 is not None:
        name = ("Marvell 88E151x" if id1 == MARVELL_OUI_ID1 and id2 & 0xFFF0 == M88E151X_ID2 else
                f"ID {id1:04x}:{id2:04x}")
        out.append(f"PHY {name}" + (f" at MDIO address {address}" if address is not None else ""))
    bmcr, bmsr = regs.get(0), regs.get(1)
    if bmcr is not None:
        facts = []
        if bmcr >> 11 & 1:
            facts.append("POWERED DOWN")
        if bmcr >> 14 & 1:
            facts.append("in loopback")
        facts.append("autonegotiation on" if bmcr >> 12 & 1 else "autonegotiation OFF")
        out.append("control: " + ", ".join(facts))
    if bmsr is not None:
        out.append(f"link {'up' if bmsr >> 2 & 1 else 'DOWN (latched since the last read)'}, autonegotiation "
                   f"{'complete' if bmsr >> 5 & 1 else 'NOT complete'}"
                   + (", remote fault" if bmsr >> 4 & 1 else ""))
    ss = regs.get(17)
    if ss is not None:
        if ss >> 11 & 1:
            speed = {0: "10", 1: "100", 2: "1000"}.get(ss >> 14 & 3, "reserved")
            out.append(f"resolved: {speed} Mb/s {'full' if ss >> 13 & 1 else 'half'} duplex, real-time link "
                       f"{'up' if ss >> 10 & 1 else 'down'}" + (", MDI-X" if ss >> 6 & 1 else ", MDI"))
        else:
            out.append(f"speed and duplex not resolved, real-time link {'up' if ss >> 10 & 1 else 'down'}"
                       + (", energy detected on the cable" if not ss >> 4 & 1 else ", no energy on the cable"))
    if regs.get(4) is not None:
        out.append("we advertise: " + (", ".join(_abilities(regs[4], regs.get(9))) or "nothing"))
    if regs.get(5) is not None:
        partner = _abilities(regs[5], regs.get(10), partner=True)
        out.append("link partner offers: " + (", ".join(partner) or "nothing (no partner, or autonegotiation off)"))
    g = regs.get(10)
    if g is not None:
        facts = [f"idle errors {g & 0xFF}"]
        if g >> 15 & 1:
            facts.append("MASTER/SLAVE configuration FAULT")
        if regs.get(17, 0) >> 11 & 1 and (regs[17] >> 14 & 3) == 2:
            facts.append(f"local receiver {'OK' if g >> 13 & 1 else 'NOT OK'}, remote receiver "
                         f"{'OK' if g >> 12 & 1 else 'NOT OK'}")
        out.append("1000BASE-T: " + ", ".join(facts))
    if regs.get(21) is not None:
        out.append(f"receive errors since the last read: {regs[21]}")
    return out


def read_phy_view(board) -> PhyView:
    """The PHY's registers over MDIO, or why they cannot be read on this board."""
    if board.is_sim:
        return PhyView(False, "the simulated board's Ethernet is a TAP device: there is no PHY chip and no MDIO")
    if W_CSR not in board.regmap or R_CSR not in board.regmap:
        return PhyView(False, "this build has no MDIO CSRs (ethphy_mdio_w/_r): the platform's Ethernet pads "
                              "lack mdc/mdio")
    with counted_step("MDIO"):
        return _read_registers(board)


def _read_registers(board) -> PhyView:
    bus = MdioBus(board.csr)
    addr = bus.find_phy()
    if addr is None:
        return PhyView(False, "no PHY answers on MDIO at any address (MDC/MDIO wiring, the PHY's power or "
                              "its reset)")
    bus.write(addr, 22, 0)                       # 88E1512: page 0 (copper)
    regs = {r: bus.read(addr, r) for r in REGS}
    return PhyView(True, address=addr, registers=regs)
