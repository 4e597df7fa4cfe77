"""UdpTrafficGenerator into UdpTrafficSink in migen simulation (the generator's UDP user port wired
straight to the sink's, as the SoC's loopback through LiteEth would deliver them): every packet
counted with its bytes, the sequence unbroken, the magic right, the cycle stamps of the first and
last packet start one packet time (plus the interval) apart, oversized payloads dropped and counted."""
from migen import Module, Signal, run_simulation

from liteeth.common import eth_udp_user_description
from litex.soc.interconnect import stream

from sailbench.gateware.cores.udp_traffic import UdpTrafficGenerator, UdpTrafficSink


class _Loop(Module):
    def __init__(self):
        self.cycles = Signal(64)
        self.sync += self.cycles.eq(self.cycles + 1)
        self.port = stream.Endpoint(eth_udp_user_description(32))
        self.submodules.gen = UdpTrafficGenerator(self.port, self.cycles, src_port=6000)
        self.submodules.sink = UdpTrafficSink(self.port, self.cycles)


def _run(payload_bytes: int, count: int, interval: int = 0, max_payload: int = 1472) -> dict[str, int]:
    dut, got = _Loop(), {}

    def bench():
        yield dut.gen.payload_bytes.storage.eq(payload_bytes)
        yield dut.gen.count.storage.eq(count)
        yield dut.gen.interval.storage.eq(interval)
        yield dut.sink.max_payload.storage.eq(max_payload)
        yield
        yield dut.gen.start.re.eq(1)
        yield
        yield dut.gen.start.re.eq(0)
        yield
        for _ in range(count * (payload_bytes // 4 + interval + 4) + 50):   # bounded
            if not (yield dut.gen.busy.status):
                break
            yield
        yield
        for name in ("sent", "first_cycle", "last_cycle"):
            got[f"gen_{name}"] = yield getattr(dut.gen, name).status
        for name in ("packets", "bytes", "gaps", "late", "bad_magic", "last_seq", "oversized",
                     "first_cycle", "last_cycle"):
            got[name] = yield getattr(dut.sink, name).status
        got["busy"] = yield dut.gen.busy.status

    run_simulation(dut, bench())
    return got


def test_every_packet_arrives_in_sequence_with_its_bytes():
    got = _run(payload_bytes=64, count=5)
    assert got["busy"] == 0 and got["gen_sent"] == 5
    assert (got["packets"], got["bytes"], got["gaps"], got["late"], got["bad_magic"], got["oversized"]) == \
        (5, 5 * 64, 0, 0, 0, 0)
    assert got["last_seq"] == 4
    # back to back: a packet start every 16 words plus the generator's one cycle between packets
    assert got["gen_last_cycle"] - got["gen_first_cycle"] == 4 * (16 + 1)
    assert got["last_cycle"] - got["first_cycle"] == got["gen_last_cycle"] - got["gen_first_cycle"]


def test_the_interval_spaces_packet_starts():
    got = _run(payload_bytes=64, count=4, interval=100)
    assert got["packets"] == 4 and got["gaps"] == 0
    assert got["gen_last_cycle"] - got["gen_first_cycle"] == 3 * (100 + 1)


def test_payloads_over_max_payload_are_dropped_and_counted():
    got = _run(payload_bytes=128, count=3, max_payload=64)
    assert got["gen_sent"] == 3
    assert (got["packets"], got["bytes"], got["oversized"]) == (0, 0, 3)
