"""Round-trip counts of the hardware steps, through the real UartBone against fake CSR targets
(tests/unit/fakes/csr_target.py): DRAM init with ECP5 read leveling against a model of the PHY, an
MDIO register read against a model of a clause-22 PHY; each over LiteX's own UARTBone bridge (one read
at a time) and over the probe SoC's bridge with its receive FIFO (`fifo=True`, the transport told
`rx_fifo_bytes` as a build manifest tells it). Counts are deterministic: asserted exactly."""
from __future__ import annotations

import pytest
from litedram.modules import MT41K64M16

from unit.fakes.csr_target import Ecp5PhyModel, UartBoneTarget, versa_regmap
from unit.board.test_dram_init import PHY, _dram
from unit.probes.test_phy_mdio import LINK_UP, FakePhyCsr
from sailbench.gateware.soc.dram_info import init_sequence
from sailbench.gateware.targets.sim import ecp5ddrphy_like_settings
from sailbench.harness.board.dram_init import init_dram
from sailbench.harness.build.manifest import InitStep
from sailbench.harness.probes.phy_mdio import MdioBus
from sailbench.harness.transport.client import CsrClient
from sailbench.harness.transport.counting import LinkCounts, counted_step
from sailbench.harness.transport.uartbone import UartBone

REGMAP = versa_regmap()


def _client(target: UartBoneTarget, baudrate: int = 115200, rx_fifo_bytes: int = 0) -> CsrClient:
    link = UartBone(target.url, baudrate=baudrate, ack_addr=REGMAP.register("ctrl_scratch").addr,
                    rx_fifo_bytes=rx_fifo_bytes)
    return CsrClient(link, REGMAP, "model")


FIFO = 1024                    # gateware/cores/uartbone_fifo.py RX_FIFO_BYTES


def _leveling_init(fifo: int, baudrate: int = 115200):
    """DRAM init with leveling against the PHY model: (result, counts, target)."""
    seq = init_sequence(ecp5ddrphy_like_settings(16, 75_000_000), MT41K64M16(75e6, "1:2").timing_settings)
    model = Ecp5PhyModel(good={0: (1, range(2, 7)), 1: (2, range(0, 4))})
    with UartBoneTarget(REGMAP, model, fifo=bool(fifo)) as target:
        csr = _client(target, baudrate, rx_fifo_bytes=fifo)
        try:
            result = init_dram("model", csr, _dram(PHY, list(seq)), progress=lambda m: None)
            counts = csr.transport.counter.step("DRAM init")
        finally:
            csr.close()
    assert model.regs["sdram_dfii_control"] == 0x01                   # handed back to the controller
    return result, counts, target


def test_dram_init_with_read_leveling_is_within_300_round_trips():
    seq = init_sequence(ecp5ddrphy_like_settings(16, 75_000_000), MT41K64M16(75e6, "1:2").timing_settings)
    model = Ecp5PhyModel(good={0: (1, range(2, 7)), 1: (2, range(0, 4))})
    with UartBoneTarget(REGMAP, model) as target:
        csr = _client(target)
        try:
            result = init_dram("model", csr, _dram(PHY, list(seq)), progress=lambda m: None)
            counts = csr.transport.counter.step("DRAM init")
        finally:
            csr.close()
    assert [(m.bitslip, m.delay, m.window, m.verified) for m in result.leveling] == [
        (1, 4, (2, 6), True), (2, 1, (0, 3), True)]
    assert model.regs["sdram_dfii_control"] == 0x01                   # handed back to the controller
    # 2 lanes x 4 bitslips x 8 delays x (3 seeds + burst detector) = 256, 2 x 4 verifying the
    # chosen setting, 1 switching DFII to software, 2 before the init sequence's long waits
    # (reset release, CKE), 1 handing DFII back. Before batching it was 4,840.
    assert counts.round_trips == 256 + 8 + 1 + 2 + 1 == 268 == result.round_trips
    assert result.to_record("model")["round_trips"] == 268
    assert counts.round_trips <= 300


def test_an_mdio_register_read_is_one_round_trip_per_data_bit_and_one_check():
    phy = FakePhyCsr(3, LINK_UP)
    with UartBoneTarget(REGMAP, phy) as target:
        csr = _client(target)
        try:
            with counted_step("MDIO"):
                value = MdioBus(csr).read(3, 2)
                MdioBus(csr).write(3, 22, 0)
            counts = csr.transport.counter.step("MDIO")
        finally:
            csr.close()
    assert value == LINK_UP[2]
    # read: 16 data bits + 1 end-of-frame check; write: 1 check. The writes go as fixed-address
    # bursts (142 words per burst at 115200 baud: the bridge's 100 ms timer). Before: 195 for the read.
    assert counts.round_trips == 17 + 1
    assert target.lost == 0                      # nothing was sent behind a read


@pytest.mark.parametrize("baudrate, trips", [(115200, 1), (3_000_000, 1)])
def test_with_the_receive_fifo_an_mdio_register_read_is_one_round_trip(baudrate, trips):
    """The whole frame (~920 bytes: preamble, header, 16 bit reads between clock writes, the end
    check) fits one window of the 1 KiB FIFO; a 512-byte FIFO would take 2."""
    phy = FakePhyCsr(3, LINK_UP)
    with UartBoneTarget(REGMAP, phy, fifo=True) as target:
        csr = _client(target, baudrate, rx_fifo_bytes=FIFO)
        try:
            with counted_step("MDIO"):
                value = MdioBus(csr).read(3, 2)
            read_trips = csr.transport.counter.step("MDIO").round_trips
            with counted_step("MDIO"):
                MdioBus(csr).write(3, 22, 0)
            counts = csr.transport.counter.step("MDIO")
        finally:
            csr.close()
    assert value == LINK_UP[2] and phy.regs[22] == 0
    assert read_trips == trips <= 3 and counts.round_trips == trips + 1
    assert target.max_backlog <= FIFO and target.lost == 0
    print(f"MDIO register read at {baudrate} baud with the FIFO: {read_trips} round trip(s) (17 without)")


def test_with_the_receive_fifo_dram_init_with_leveling_is_70_round_trips():
    before, _c, _t = _leveling_init(0)
    result, counts, target = _leveling_init(FIFO)
    assert [(m.bitslip, m.delay, m.window, m.verified) for m in result.leveling] == [
        (m.bitslip, m.delay, m.window, m.verified) for m in before.leveling] == [
        (1, 4, (2, 6), True), (2, 1, (0, 3), True)]
    # 2 lanes x 4 bitslips x 8 delays, each setting's three seeds and the burst detector in one
    # window = 64, 2 verifying the chosen setting, 1 switching DFII to software, 2 before the
    # init sequence's long waits, 1 handing DFII back. Without the FIFO 268.
    assert counts.round_trips == 64 + 2 + 1 + 2 + 1 == 70 == result.round_trips
    assert target.max_backlog <= FIFO and target.lost == 0
    print(f"DRAM init with read leveling, UART: {before.round_trips} round trips without the FIFO, "
          f"{result.round_trips} with it")


def test_counts_go_to_the_step_they_were_made_in():
    with UartBoneTarget(REGMAP, Ecp5PhyModel(good={})) as target:
        csr = _client(target)
        try:
            csr.read("ctrl_scratch")
            with counted_step("probe"):
                csr.write("ctrl_scratch", 5)
                csr.write("ctrl_scratch", 6, confirm=False)
                assert csr.read("ctrl_scratch") == 6
            counter = csr.transport.counter
        finally:
            csr.close()
    assert counter.step("other") == LinkCounts(round_trips=1, writes=0)
    assert counter.step("probe") == LinkCounts(round_trips=2, writes=2)
    assert counter.total == LinkCounts(3, 2)
    assert counter.lines() == ["other: 1 round trips, 0 writes", "probe: 2 round trips, 2 writes"]


def test_dram_init_over_etherbone_is_one_round_trip_per_seed():
    """With the SoC's write counter the posted writes are checked in each pattern's read record
    (the model behind csr_boards.FakeEtherbone)."""
    from unit.fakes.csr_target import RegisterBus, RegisterMemory
    from unit.fakes.csr_boards import FakeEtherbone
    from sailbench.harness.board.dram_init import dram_init_link
    from sailbench.harness.transport.etherbone import EtherboneLink

    seq = init_sequence(ecp5ddrphy_like_settings(16, 75_000_000), MT41K64M16(75e6, "1:2").timing_settings)
    model = Ecp5PhyModel(good={0: (1, range(2, 7)), 1: (2, range(0, 4))})
    counter = REGMAP.register("etherbone_writes_count").addr
    with FakeEtherbone(write_counter=counter) as fake:
        fake.memory = RegisterMemory(RegisterBus(REGMAP, model), counter)
        link = EtherboneLink(fake.ip, fake.port, sock=fake.client_sock, timeout_s=5.0, board="model",
                             write_counter_addr=counter)

        class Board:
            csr = object()
            etherbone = CsrClient(link, REGMAP, "model")
        csr = dram_init_link(Board)
        assert csr is Board.etherbone
        result = init_dram("model", csr, _dram(PHY, list(seq)), progress=lambda m: None)
        counts = link.counter.step("DRAM init")
    assert [(m.bitslip, m.delay, m.verified) for m in result.leveling] == [(1, 4, True), (2, 1, True)]
    # the counter's first reading, 1 per DFII switch and long wait (4), 2 lanes x 32 settings
    # x 3 seeds (the burst detector read in the last seed's record) = 192, 2 x 3 verifying
    assert counts.round_trips == 1 + 4 + 192 + 6 == 203


def test_dram_init_runs_again_over_the_uart_when_etherbone_loses_writes():
    from types import SimpleNamespace

    from sailbench.harness.board.dram_init import bring_up_dram
    from sailbench.harness.errors import BoardSilentError

    class Link:
        def __init__(self, lose: bool):
            self.lose, self.writes = lose, []
            self.transport = SimpleNamespace(name="udp://x", write_counter_addr=0xC0 if lose else None)

        def write(self, name, value, **kw):
            if self.lose:
                raise BoardSilentError("a batch posted 3 words but the SoC's Etherbone write counter moved by 2",
                                       board="b", port="udp://x")
            self.writes.append((name, value))

        def read(self, name):
            return 0

    steps = [InitStep(comment="x", kind="control", bits=0x0c, address=0, bank=0, delay=0)]
    from dataclasses import replace
    dram = _dram(replace(PHY, read_leveling=False, phytype="SDRAMPHYModel"), steps)
    board = SimpleNamespace(name="b", csr=Link(False), etherbone=Link(True), manifest=SimpleNamespace(dram=dram))
    said = []
    result = bring_up_dram(board, progress=said.append)
    assert result.steps == 1 and board.csr.writes[-1] == ("sdram_dfii_control", 0x01)
    assert "lost writes" in said[0] and "again over the UART" in said[0]


def test_bringups_phy_view_counts_17_round_trips_per_register():
    """read_phy_view on a PHY at MDIO address 1: the scan reads register 2 at addresses 0 and 1,
    page 0 is selected (a write: one check), then the 10 registers."""
    from types import SimpleNamespace

    from sailbench.harness.probes.phy_mdio import REGS, read_phy_view

    phy = FakePhyCsr(1, LINK_UP)
    with UartBoneTarget(REGMAP, phy) as target:
        csr = _client(target)
        try:
            view = read_phy_view(SimpleNamespace(is_sim=False, regmap=REGMAP, csr=csr))
            counts = csr.transport.counter.step("MDIO")
        finally:
            csr.close()
    assert view.available and view.address == 1
    assert counts.round_trips == 17 * 2 + 1 + 17 * len(REGS) == 205


def test_with_the_receive_fifo_bringups_phy_view_is_one_round_trip_per_register():
    from types import SimpleNamespace

    from sailbench.harness.probes.phy_mdio import REGS, read_phy_view

    phy = FakePhyCsr(1, LINK_UP)
    with UartBoneTarget(REGMAP, phy, fifo=True) as target:
        csr = _client(target, rx_fifo_bytes=FIFO)
        try:
            view = read_phy_view(SimpleNamespace(is_sim=False, regmap=REGMAP, csr=csr))
            counts = csr.transport.counter.step("MDIO")
        finally:
            csr.close()
    assert view.available and view.address == 1 and view.registers[2] == LINK_UP[2]
    assert counts.round_trips == 2 + 1 + len(REGS) == 13          # 205 without the FIFO
