"""SGMII PHY in simulation: auto-negotiation and frames both ways.

MAC end: SGMIIWordPHY on liteeth's PCS, as in SGMIIPHYECP5. PHY end:
SGMIIPHYSide, the 88E1512's role. Between them the SerDes link model carries
20-bit words at 62.5 MHz through liteeth's PCSGearbox, as SerDesECP5 does.
Timers are SIM_TIMERS (cycles, not milliseconds); see sgmii_ecp5.PCSTimers.
"""
from dataclasses import replace

from sailbench.gateware.phy.sgmii_ecp5 import SIM_TIMERS, SGMIIConfig

from sgmii_sim import (CLOCKS_WITH_SYS, MAC_A, MAC_B, SGMIIPair, collect, frame, on_wire, run, send,
                       wait_link_up)
from migen import passive

LINK_UP_LIMIT = 1_000   # eth_tx cycles; SIM_TIMERS give ~270


def test_sgmii_autoneg_1000_and_frames_both_ways():
    dut = SGMIIPair()
    to_phy = [on_wire(frame(MAC_A, MAC_B, n, seed)) for seed, n in enumerate((46, 600, 80))]
    to_mac = [on_wire(frame(MAC_B, MAC_A, n, seed + 10)) for seed, n in enumerate((120, 46, 300))]
    at_phy, at_mac, seen = [], [], {}

    def mac_side():
        yield from wait_link_up(dut, seen, LINK_UP_LIMIT)
        seen["mac_lp"] = yield dut.mac_end.lp_config
        seen["phy_lp"] = yield dut.phy_end.lp_config
        seen["speed"] = yield dut.mac_end.speed
        yield from send(dut.mac_end.sink, to_phy)
        for _ in range(100):
            yield
        seen["restarts"] = (yield dut.mac_end.restarts), (yield dut.phy_end.restarts)

    def phy_side():
        yield from wait_link_up(dut, {}, LINK_UP_LIMIT)
        yield from send(dut.phy_end.sink, to_mac)
        for _ in range(100):
            yield

    run(dut, {"eth_tx": [mac_side(), phy_side()],
              "eth_rx": [collect(dut.phy_end.source, at_phy), collect(dut.mac_end.source, at_mac)]})

    print(f"link up after {seen['link_up_cycle']} eth_tx cycles")
    assert seen["link_up_cycle"] < 400
    partner = SGMIIConfig(seen["mac_lp"])            # what the MAC end learnt from the PHY
    assert (partner.sgmii, partner.link, partner.full_duplex, partner.ack, partner.speed_mbps) == \
        (True, True, True, True, 1000), hex(seen["mac_lp"])
    assert seen["speed"] == 0b10
    mac_word = SGMIIConfig(seen["phy_lp"])           # the MAC's acknowledge, as the PHY saw it
    assert mac_word.sgmii and mac_word.ack, hex(seen["phy_lp"])
    # Preamble (first byte rebuilt from /S/), SFD, frame and FCS arrive byte for byte.
    assert at_phy == to_phy
    assert at_mac == to_mac
    assert seen["restarts"] == (0, 0)


def test_mac_to_mac_through_sgmii_with_one_injected_bit_error():
    """LiteEthMACCore on both ends: preamble and CRC added and checked as LiteEth does; a bit
    flipped on the A->B lane inside the second frame is caught by the CRC checker."""
    dut = SGMIIPair(with_macs=True)
    a_frames = [frame(MAC_A, MAC_B, n, seed) for seed, n in enumerate((46, 120, 64))]
    b_frames = [frame(MAC_B, MAC_A, n, seed + 20) for seed, n in enumerate((100, 46))]
    at_b, at_b_errors, at_a, at_a_errors, seen = [], [], [], [], {}
    lane = dut.link.a_to_b

    @passive
    def corrupt_second_frame():
        """Arm the lane's error_at at the word after byte 40 of frame 1 enters the PHY."""
        sink, frames_seen, nbytes = dut.mac_end.sink, 0, 0
        while True:
            if (yield sink.valid) and (yield sink.ready):
                nbytes += 1
                if frames_seen == 1 and nbytes == 40:
                    yield lane.error_at.eq((yield lane.words) + 2)
                    yield lane.error_at_enable.eq(1)
                if (yield sink.last):
                    frames_seen, nbytes = frames_seen + 1, 0
            yield

    def a_side():
        yield from wait_link_up(dut, seen, LINK_UP_LIMIT)
        yield from send(dut.mac_a.sink, a_frames)
        for _ in range(250):
            yield
        seen["crc_errors_b"] = yield dut.mac_b.rx_datapath.crc_errors.status
        seen["crc_errors_a"] = yield dut.mac_a.rx_datapath.crc_errors.status
        seen["flipped"] = yield lane.errors

    def b_side():
        yield from wait_link_up(dut, {}, LINK_UP_LIMIT)
        yield from send(dut.mac_b.sink, b_frames)

    run(dut, {"sys": [a_side(), b_side(), collect(dut.mac_b.source, at_b, at_b_errors),
                      collect(dut.mac_a.source, at_a, at_a_errors)],
              "eth_tx": corrupt_second_frame()},
        clocks=CLOCKS_WITH_SYS)

    assert seen["flipped"] == 1
    assert at_b_errors == [0, 1, 0]
    assert at_b[0] == a_frames[0] and at_b[2] == a_frames[2]    # preamble and FCS stripped
    assert at_b[1] != a_frames[1]
    assert seen["crc_errors_b"] == 1
    assert at_a == b_frames and at_a_errors == [0, 0] and seen["crc_errors_a"] == 0


def test_sgmii_autoneg_100_throttles_tx_and_pins_liteeth_rx_framing():
    """The MAC end follows the PHY's advertised 100 Mb/s: it sends each byte 10 times.

    liteeth 2024.12's PCSRX at 10/100 Mb/s delivers the bytes but never asserts
    `last` (its output is gated by the replication timer, which stops at /T/)
    and keeps the frame's last byte until the next frame; it also rebuilds a
    preamble byte for /S/ that the transmitter did not consume. This test pins
    that behaviour: when it fails, liteeth changed and the 1000-only limitation
    noted in sgmii_ecp5.py can be revisited."""
    dut = SGMIIPair(speed_mbps=100)
    sent = on_wire(frame(MAC_A, MAC_B, 46, 3))
    ready_cycles, delivered, seen = [], [], {}

    def mac_side():
        yield from wait_link_up(dut, seen, LINK_UP_LIMIT)
        seen["mac_lp"] = yield dut.mac_end.lp_config
        seen["speed"] = yield dut.mac_end.speed
        sink = dut.mac_end.sink
        for i, byte in enumerate(sent):
            yield sink.valid.eq(1)
            yield sink.data.eq(byte)
            yield sink.last.eq(int(i == len(sent) - 1))
            yield
            cycles = 1
            while not (yield sink.ready):
                cycles += 1
                yield
            ready_cycles.append(cycles)
        yield sink.valid.eq(0)
        for _ in range(60):
            yield

    @passive
    def watch(source):
        yield source.ready.eq(1)
        while True:
            if (yield source.valid):
                delivered.append(((yield source.data), (yield source.last)))
            yield

    run(dut, {"eth_tx": mac_side(), "eth_rx": watch(dut.phy_end.source)})

    assert SGMIIConfig(seen["mac_lp"]).speed_mbps == 100
    assert seen["speed"] == 0b01
    assert set(ready_cycles[1:]) == {10}, ready_cycles     # one byte per 10 cycles
    data = bytes(d for d, _ in delivered)
    assert data == b"\x55" + sent[:-1]
    assert not any(last for _, last in delivered)


def test_late_lock_cut_and_relink():
    """Receivers lock 150 word cycles (300 eth cycles) late; a cut drops the link on both ends (no /C/ or /I/ for a
    check period), and when the cable is back the link re-negotiates and carries frames."""
    lock_delay = 150                                     # lane (62.5 MHz word) cycles
    timers = replace(SIM_TIMERS, check_cycles=300)
    dut = SGMIIPair(timers=timers, lock_delay=lock_delay)
    after = [on_wire(frame(MAC_A, MAC_B, 46, 7))]
    at_phy, seen = [], {}

    def scenario():
        ready_at = None
        for cycle in range(LINK_UP_LIMIT):
            if ready_at is None and (yield dut.link.b.rx_ready):
                ready_at = cycle
            if (yield dut.mac_end.link_up) and (yield dut.phy_end.link_up):
                seen["first_up"] = cycle
                break
            yield
        seen["ready_at"] = ready_at
        for lane in (dut.link.a_to_b, dut.link.b_to_a):
            yield lane.cut.eq(1)
        for cycle in range(3 * timers.check_cycles):
            if not (yield dut.mac_end.link_up) and not (yield dut.phy_end.link_up):
                seen["down_after"] = cycle
                break
            yield
        for lane in (dut.link.a_to_b, dut.link.b_to_a):
            yield lane.cut.eq(0)
        seen["relink_after"] = yield from wait_link_up(dut, {}, 3 * LINK_UP_LIMIT)
        seen["restarts"] = (yield dut.mac_end.restarts), (yield dut.phy_end.restarts)
        yield from send(dut.mac_end.sink, after)
        for _ in range(60):
            yield

    run(dut, {"eth_tx": scenario(), "eth_rx": collect(dut.phy_end.source, at_phy)})

    print(seen)
    assert seen["ready_at"] >= 2 * lock_delay            # 2 eth_tx cycles per word
    assert seen["first_up"] > seen["ready_at"]
    assert "down_after" in seen and seen["down_after"] <= 2 * timers.check_cycles + 50
    assert seen["relink_after"] > 2 * lock_delay
    assert min(seen["restarts"]) >= 1
    assert at_phy == after
