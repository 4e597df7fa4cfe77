"""UDP traffic generator and sink for the host-link probe (32-bit user ports of LiteEth's
sys-datapath UDP/IP stack: same width, same domain, no converter).

Payload layout (big-endian on the wire, payload length a multiple of 4, 64..1472):
    bytes 0-3   magic "SBHL"
    bytes 4-7   sequence number (0, 1, 2, ... per run)
    bytes 8-15  cycle counter value when the packet started (generator) / 0 (host)
    bytes 16-   filler: (sequence << 16 | word index) per 32-bit word

Generator: sends `count` packets of `payload_bytes` to `dst_ip:dst_port`, one
every `interval` cycles at most (0 = as fast as the MAC takes them), and
records the cycle of the first and last packet start and of the last word.
Sink: counts packets, bytes, sequence gaps (missing packets), late or
duplicate packets and bad magic, and the cycle of the first and last packet
start; packets over `max_payload` (LiteEth itself enforces no MTU) are
dropped and counted as oversized. Rates are (packets - 1) x payload / (last start - first start).
"""
from migen import Cat, FSM, If, Mux, NextState, NextValue, Signal

from litex.gen import LiteXModule
from litex.soc.interconnect.csr import CSR, CSRStatus, CSRStorage

MAGIC = 0x5342484C  # "SBHL"


def _wire(word):
    """LiteEth's 32->8 stride converter sends bits [7:0] first: swap so the wire is big-endian."""
    return Cat(word[24:32], word[16:24], word[8:16], word[0:8])


DRAIN_CYCLES = 2**20   # after the last packet: wait this long for its frame on the wire at most


class UdpTrafficGenerator(LiteXModule):
    def __init__(self, sink, cycles: Signal, src_port: int, wire_frame: Signal | None = None):
        """`wire_frame`: a sys pulse per generator frame leaving on the PHY's TX (cores/wire_frames.py).
        With it, first/last_cycle stamp frames on the wire (their last byte) and `busy` stays up
        until every packet has left (or DRAIN_CYCLES pass without one); without it, they stamp
        packet starts at the generator."""
        self.dst_ip = CSRStorage(32, description="Destination IPv4 address.")
        self.dst_port = CSRStorage(16, description="Destination UDP port.")
        self.payload_bytes = CSRStorage(16, reset=1472, description="UDP payload bytes (multiple of 4, 16..1472).")
        self.count = CSRStorage(32, description="Packets to send.")
        self.interval = CSRStorage(32, description="Minimum cycles between packet starts (0 = line rate).")
        self.start = CSR()
        self.busy = CSRStatus()
        self.sent = CSRStatus(32)
        where = "left on the wire" if wire_frame is not None else "started"
        self.first_cycle = CSRStatus(64, description=f"Cycle the first packet {where}.")
        self.last_cycle = CSRStatus(64, description=f"Cycle the last packet {where}.")
        self.wire_frames = CSRStatus(32, description="Frames of this run seen leaving on the PHY's TX "
                                     "(0 when not wire-stamped).")
        self.end_cycle = CSRStatus(64, description="Cycle the last word of the last packet was taken.")

        # # #

        words = Signal(14)
        word = Signal(14)
        seq = Signal(32)
        stamp = Signal(64)
        wait = Signal(32)
        data = Signal(32)
        drain = Signal(max=DRAIN_CYCLES + 1)
        self.comb += words.eq(self.payload_bytes.storage[2:])
        self.comb += [
            If(word == 0, data.eq(MAGIC)
            ).Elif(word == 1, data.eq(seq)
            ).Elif(word == 2, data.eq(stamp[32:])
            ).Elif(word == 3, data.eq(stamp[:32])
            ).Else(data.eq(Cat(word, seq[:16]))),
            sink.src_port.eq(src_port),
            sink.dst_port.eq(self.dst_port.storage),
            sink.ip_address.eq(self.dst_ip.storage),
            sink.length.eq(self.payload_bytes.storage),
            sink.data.eq(_wire(data)),
            sink.last.eq(word == words - 1),
            # On the last word only: LiteEth's 32-bit packetizers end a packet on any beat
            # with last_be set (all four bytes of the last word are valid).
            sink.last_be.eq(Mux(sink.last, 0b1000, 0)),
        ]
        self.sync += If(wait != 0, wait.eq(wait - 1))

        self.fsm = fsm = FSM(reset_state="IDLE")
        fsm.act("IDLE",
            If(self.start.re,
                NextValue(self.sent.status, 0),
                NextValue(seq, 0),
                NextValue(self.busy.status, 1),
                NextState("NEXT"),
            )
        )
        wired = wire_frame is not None
        fsm.act("NEXT",
            If(self.sent.status == self.count.storage,
                NextValue(self.busy.status, 0) if not wired else NextValue(drain, DRAIN_CYCLES),
                NextState("DRAIN" if wired else "IDLE"),
            ).Elif(wait == 0,
                NextValue(word, 0),
                NextValue(stamp, cycles),
                NextState("SEND"),
            )
        )
        fsm.act("SEND",
            sink.valid.eq(1),
            If(sink.ready,
                NextValue(word, word + 1),
                If(word == 0,
                    If(seq == 0, NextValue(self.first_cycle.status, stamp)),
                    NextValue(self.last_cycle.status, stamp),
                ) if not wired else [],
                If(sink.last,
                    NextValue(self.sent.status, self.sent.status + 1),
                    NextValue(seq, seq + 1),
                    NextValue(self.end_cycle.status, cycles),
                    NextState("NEXT"),
                ),
            )
        )
        fsm.act("DRAIN",
            If((self.wire_frames.status >= self.count.storage) | (drain == 0),
                NextValue(self.busy.status, 0),
                NextState("IDLE"),
            )
        )
        if wired:
            self.sync += [
                If(self.start.re,
                    self.wire_frames.status.eq(0),
                ).Elif(wire_frame & self.busy.status,
                    If(self.wire_frames.status == 0, self.first_cycle.status.eq(cycles)),
                    self.last_cycle.status.eq(cycles),
                    self.wire_frames.status.eq(self.wire_frames.status + 1),
                ),
                If(fsm.ongoing("DRAIN"), If(wire_frame, drain.eq(DRAIN_CYCLES)).Elif(drain != 0, drain.eq(drain - 1))),
            ]
        # the interval counts from each packet start
        self.sync += If(fsm.ongoing("NEXT") & (wait == 0) & (self.sent.status != self.count.storage),
                        wait.eq(self.interval.storage))


class UdpTrafficSink(LiteXModule):
    def __init__(self, source, cycles: Signal):
        self.reset = CSR()
        self.packets = CSRStatus(32)
        self.bytes = CSRStatus(64)
        self.gaps = CSRStatus(32, description="Packets missing from the sequence.")
        self.late = CSRStatus(32, description="Packets older than the newest seen (reordered or duplicated).")
        self.bad_magic = CSRStatus(32)
        self.first_cycle = CSRStatus(64, description="Cycle the first packet started arriving.")
        self.last_cycle = CSRStatus(64, description="Cycle the last packet started arriving.")
        self.last_seq = CSRStatus(32)
        self.max_payload = CSRStorage(16, reset=1472, description="Larger UDP payloads are dropped "
                                      "(LiteEth enforces no MTU): a GbE frame carries at most 1472.")
        self.oversized = CSRStatus(32, description="Packets dropped for exceeding max_payload.")

        # # #

        word = Signal(14)
        start = Signal(64)
        magic_ok = Signal()
        seq = Signal(32)
        expected = Signal(32)
        have = Signal()
        value = Signal(32)
        self.comb += [
            source.ready.eq(1),
            value.eq(_wire(source.data)),   # the swap is its own inverse
        ]
        self.sync += [
            If(self.reset.re,
                self.packets.status.eq(0), self.bytes.status.eq(0), self.gaps.status.eq(0),
                self.late.status.eq(0), self.bad_magic.status.eq(0), have.eq(0), word.eq(0),
                self.oversized.status.eq(0),
                expected.eq(0),
            ).Elif(source.valid,
                word.eq(word + 1),
                If(word == 0, start.eq(cycles), magic_ok.eq(value == MAGIC)),
                If(word == 1, seq.eq(value)),
                If(source.last & (source.length > self.max_payload.storage),
                    word.eq(0),
                    self.oversized.status.eq(self.oversized.status + 1),
                ).Elif(source.last,
                    word.eq(0),
                    self.packets.status.eq(self.packets.status + 1),
                    self.bytes.status.eq(self.bytes.status + source.length),
                    If(~magic_ok | (word < 1),
                        self.bad_magic.status.eq(self.bad_magic.status + 1),
                    ).Else(
                        If(~have, have.eq(1), self.first_cycle.status.eq(start)),
                        self.last_cycle.status.eq(start),
                        self.last_seq.status.eq(seq),
                        If(seq >= expected,
                            self.gaps.status.eq(self.gaps.status + (seq - expected)),
                            expected.eq(seq + 1),
                        ).Else(
                            self.late.status.eq(self.late.status + 1),
                        ),
                    ),
                ),
            ),
        ]
