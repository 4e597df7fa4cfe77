"""Fake CSR targets behind LiteX's UARTBone wire protocol, for counting round trips.

`UartBoneTarget` is a loopback TCP server (pyserial `socket://`) that speaks the
bridge's four commands (litex/soc/cores/uart.py, Stream2Wishbone: write/read burst,
incrementing or fixed address) and hands each register access, by name from a
register map, to a model (ctrl_scratch it keeps itself): `model.write(name, value)` when the register's last word
is written, `model.read(name)` for each word read. The harness's real UartBone talks
to it, so the round trips it counts are the ones it would make to a board. `fifo` picks
the bridge: False is LiteX's own (bytes that arrived behind a read command by the time it
answers are lost, and counted in `lost`), True the probe SoC's receive FIFO
(gateware/cores/uartbone_fifo.py: every command runs, in order).
`RegisterMemory` puts the same model behind csr_boards.FakeEtherbone.

`Ecp5PhyModel` is a small host-side model of LiteDRAM's DFII and ECP5DDRPHY read
leveling: each byte lane reads back right only at one bitslip and a window of read
delays; outside it the lane's bytes come back inverted, and the DQSBUFM burst detector
sees bursts only within a wider range of delays.
"""
from __future__ import annotations

import socket
import struct
from pathlib import Path

from sailbench.harness.transport.regmap import RegisterMap
from unit.fakes.serving import LoopbackTcpFake

VERSA_CSR = Path(__file__).resolve().parents[1] / "data" / "versa_ecp5_csr_subset.json"
SCRATCH = "ctrl_scratch"          # kept by the target itself (the fence reads it), not the model
CMD_WRITE, CMD_READ, CMD_WRITE_FIXED, CMD_READ_FIXED = 0x01, 0x02, 0x03, 0x04


def versa_regmap() -> RegisterMap:
    return RegisterMap.from_json(VERSA_CSR)


class RegisterBus:
    """Bus words to and from a model's registers by name (multi-word registers joined)."""

    def __init__(self, regmap: RegisterMap, model):
        self.regmap, self.model = regmap, model
        self.by_word = {r.addr + 4 * i: (r, i) for r in regmap.registers.values() for i in range(r.size)}
        self.words: dict[int, int] = {}

    def write_word(self, addr: int, value: int) -> None:
        self.words[addr] = value
        reg, i = self.by_word[addr]
        if reg.name == SCRATCH:
            return
        if i == reg.size - 1:
            words = [self.words.get(reg.addr + 4 * k, 0) for k in range(reg.size)]
            self.model.write(reg.name, self.regmap.join_words(words))

    def read_word(self, addr: int) -> int:
        reg, i = self.by_word[addr]
        if reg.name == SCRATCH:
            return self.words.get(addr, 0x12345678)
        return self.regmap.split_value(self.model.read(reg.name), reg.size)[i]


class RegisterMemory:
    """The `memory` of csr_boards.FakeEtherbone, backed by a RegisterBus; the write
    counter's address keeps its own count."""

    def __init__(self, bus: RegisterBus, counter_addr: int):
        self.bus, self.counter_addr, self.count = bus, counter_addr, 0

    def get(self, addr: int, default: int = 0) -> int:
        return self.count if addr == self.counter_addr else self.bus.read_word(addr)

    def __setitem__(self, addr: int, value: int) -> None:
        if addr == self.counter_addr:
            self.count = value
        else:
            self.bus.write_word(addr, value)


class UartBoneTarget(LoopbackTcpFake):
    def __init__(self, regmap: RegisterMap, model, fifo: bool = False):
        self.bus = RegisterBus(regmap, model)
        self.fifo = fifo
        self.lost = 0                     # bytes dropped (no FIFO: sent behind a read)
        self.backlog = self.max_backlog = 0   # bytes received after the last read answered
        super().__init__()

    def _received(self, conn: socket.socket, buf: bytearray, data: bytes) -> None:
        buf += data
        self.backlog += len(data)
        self.max_backlog = max(self.max_backlog, self.backlog)
        while len(buf) >= 6:
            cmd, length, waddr = struct.unpack(">BBI", buf[:6])
            addr, step = waddr * 4, (4 if cmd in (CMD_WRITE, CMD_READ) else 0)
            if cmd in (CMD_WRITE, CMD_WRITE_FIXED):
                need = 6 + 4 * length
                if len(buf) < need:
                    break
                for i, w in enumerate(struct.unpack(f">{length}I", buf[6:need])):
                    self.bus.write_word(addr + step * i, w)
                del buf[:need]
            else:
                del buf[:6]
                words = [self.bus.read_word(addr + step * i) for i in range(length)]
                if not self.fifo and buf:          # arrived while the bridge answers: lost
                    self.lost += len(buf)
                    buf.clear()
                self.backlog = len(buf)
                conn.sendall(struct.pack(f">{length}I", *words))


class Ecp5PhyModel:
    """DFII + ECP5DDRPHY read leveling; `good[m] = (bitslip, range of delays)`; the burst
    detector sees a burst at delays within `burst[m]` (default: the good range widened by 1)."""

    def __init__(self, good: dict[int, tuple[int, range]], modules: int = 2, delays: int = 8,
                 bitslips: int = 4, phase_bytes: int = 8, nphases: int = 2):
        self.good, self.modules, self.delays, self.bitslips = good, modules, delays, bitslips
        self.phase_bytes, self.nphases = phase_bytes, nphases
        self.regs: dict[str, int] = {}
        self.delay = [0] * modules
        self.bitslip = [0] * modules
        self.sel = 0
        self.row: list[int] = [0] * nphases        # what the last write command stored, per phase
        self.burstdet = 0
        self.commands = 0

    def write(self, name: str, value: int) -> None:
        self.regs[name] = value
        if name.endswith("_command_issue"):
            self._issue(int(name.split("_pi")[1].split("_")[0]))
            return
        for m in range(self.modules):
            if not (self.sel >> m) & 1 or name == "ddrphy_dly_sel" or not value:
                continue
            if name == "ddrphy_rdly_dq_rst":
                self.delay[m] = 0
            elif name == "ddrphy_rdly_dq_inc":
                self.delay[m] = (self.delay[m] + 1) % self.delays
            elif name == "ddrphy_rdly_dq_bitslip_rst":
                self.bitslip[m] = 0
            elif name == "ddrphy_rdly_dq_bitslip":
                self.bitslip[m] = (self.bitslip[m] + 1) % self.bitslips
        if name == "ddrphy_dly_sel":
            self.sel = value
        elif name == "ddrphy_burstdet_clr" and value:
            self.burstdet = 0

    def read(self, name: str) -> int:
        if name == "ddrphy_burstdet_seen":
            return self.burstdet
        return self.regs.get(name, 0)

    def _issue(self, phase: int) -> None:
        self.commands += 1
        cmd = self.regs.get(f"sdram_dfii_pi{phase}_command", 0)
        if cmd & 0x10:                                         # WRDATA: every phase's wrdata goes to row 0
            self.row = [self.regs.get(f"sdram_dfii_pi{p}_wrdata", 0) for p in range(self.nphases)]
        if cmd & 0x20:                                         # RDDATA
            for p in range(self.nphases):
                data = bytearray(self.row[p].to_bytes(self.phase_bytes, "big"))
                half = self.phase_bytes // 2
                for m in range(self.modules):
                    bitslip, window = self.good.get(m, (-1, range(0)))
                    ok = self.bitslip[m] == bitslip and self.delay[m] in window
                    if not ok:
                        for i in (half - 1 - m, 2 * half - 1 - m):
                            data[i] ^= 0xFF
                self.regs[f"sdram_dfii_pi{p}_rddata"] = int.from_bytes(data, "big")
            for m in range(self.modules):
                _b, window = self.good.get(m, (-1, range(0)))
                if window and window.start - 1 <= self.delay[m] <= window.stop:
                    self.burstdet |= 1 << m
