"""UartBone with the bridge's receive FIFO (harness/transport/uartbone_pipeline.py), through the real
UartBone against the fake target of csr_target.py with and without the FIFO: reads sent without
waiting, answered in order, windows no larger than the FIFO, and why the manifest must say so."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from unit.fakes.csr_target import UartBoneTarget, versa_regmap
from sailbench.gateware.build.manifest import UartInfo
from sailbench.harness.transport.batch import CsrBatch, WriteOp
from sailbench.harness.transport.client import CsrClient
from sailbench.harness.transport.uartbone import UartBone, rx_fifo_bytes_of

REGMAP = versa_regmap()
SCRATCH = REGMAP.register("ctrl_scratch").addr


class Registers:
    """A model that keeps what is written (and counts the writes per register)."""

    def __init__(self):
        self.values: dict[str, int] = {}
        self.writes: dict[str, int] = {}

    def write(self, name: str, value: int) -> None:
        self.values[name] = value
        self.writes[name] = self.writes.get(name, 0) + 1

    def read(self, name: str) -> int:
        return self.values.get(name, 0)


def _client(target: UartBoneTarget, fifo: int = 1024, **kw) -> CsrClient:
    return CsrClient(UartBone(target.url, ack_addr=SCRATCH, rx_fifo_bytes=fifo, **kw), REGMAP, "model")


def test_reads_between_writes_are_answered_in_order_in_one_round_trip():
    with UartBoneTarget(REGMAP, Registers(), fifo=True) as target:
        csr = _client(target)
        b = CsrBatch(csr)
        seen = []
        for v in (5, 6, 7):
            b.write("ethphy_mdio_w", v)
            seen.append(b.read("ethphy_mdio_w"))
        b.write("sdram_dfii_pi0_wrdata", 0x1_0000_0002)
        wide = b.read("sdram_dfii_pi0_wrdata")
        b.write("ethphy_mdio_w", 9)
        b.run()
        counts = csr.transport.counter.total
        csr.close()
    assert [p.value for p in seen] == [5, 6, 7] and wide.value == 0x1_0000_0002
    assert counts.round_trips == 1 and counts.writes == 5       # the trailing write's fence rides along
    assert target.lost == 0


def test_a_batch_larger_than_the_fifo_goes_in_windows_that_fit_it():
    model = Registers()
    with UartBoneTarget(REGMAP, model, fifo=True) as target:
        csr = _client(target, fifo=256)
        b = CsrBatch(csr)
        bits = []
        for i in range(100):                     # 100 x (10-byte write + 6-byte read) = 1,600 bytes
            b.write_repeated("ethphy_mdio_w", [i])
            bits.append(b.read("ethphy_mdio_w"))
        b.run()
        trips = csr.transport.counter.total.round_trips
        csr.close()
    assert [p.value for p in bits] == list(range(100))
    assert trips == 7                            # 1,600 bytes in windows of at most 250 (+ a fence)
    assert target.max_backlog <= 256 and target.lost == 0


def test_writes_sent_without_confirm_count_against_the_next_window():
    model = Registers()
    with UartBoneTarget(REGMAP, model, fifo=True) as target:
        csr = _client(target, fifo=128)
        addr = REGMAP.register("ethphy_mdio_w").addr
        csr.transport.transact([WriteOp(addr, (1,) * 20, fixed=True)], confirm=False)   # 86 bytes
        assert csr.transport.counter.total.round_trips == 0 and csr.transport.unanswered == 86
        csr.transport.transact([WriteOp(addr, (2,) * 20, fixed=True)])                 # must fence first
        trips = csr.transport.counter.total.round_trips
        csr.close()
    assert trips == 2 and model.writes["ethphy_mdio_w"] == 40 and target.max_backlog <= 128


def test_pipelining_to_a_bridge_without_the_fifo_loses_commands():
    """Why only a manifest with `uart.rx_fifo_bytes` turns it on: LiteX's own bridge drops the
    bytes that arrive while it answers a read."""
    with UartBoneTarget(REGMAP, Registers(), fifo=False) as target:
        csr = _client(target)
        b = CsrBatch(csr)
        b.read("ethphy_mdio_w")
        b.write("ethphy_mdio_w", 3)
        b.run(confirm=False)
        csr.close()
    assert target.lost > 0


def test_the_fifo_size_comes_from_the_build_manifest():
    assert rx_fifo_bytes_of(SimpleNamespace(uart=None)) == 0                    # no UART record
    assert rx_fifo_bytes_of(SimpleNamespace(uart=UartInfo(kind="rs232", baudrate=115200))) == 0   # older build
    assert rx_fifo_bytes_of(SimpleNamespace(uart=UartInfo(kind="rs232", rx_fifo_bytes=1024))) == 1024


def test_a_fifo_too_small_for_a_command_and_its_fence_is_refused():
    with pytest.raises(ValueError, match="rx_fifo_bytes"):
        UartBone("loop://", rx_fifo_bytes=16)


def test_a_bad_address_is_refused_before_anything_is_sent():
    with UartBoneTarget(REGMAP, Registers(), fifo=True) as target:
        csr = _client(target)
        with pytest.raises(ValueError, match="aligned"):
            csr.transport.transact([WriteOp(0x10, (1,)), WriteOp(0x13, (2,))])
        trips = csr.transport.counter.total
        csr.close()
    assert trips.round_trips == 0 and trips.writes == 0


@pytest.mark.parametrize("uart, fifo", [(None, 0), (UartInfo(kind="rs232", baudrate=115200), 0),
                                        (UartInfo(kind="rs232", baudrate=115200, rx_fifo_bytes=1024), 1024)])
def test_a_hardware_board_pipelines_only_when_its_build_has_the_fifo(tmp_path, uart, fifo):
    """connect_hardware reads the FIFO from the build's manifest: an older bitstream's manifest has
    none, so its link keeps one read at a time."""
    import shutil

    from unit.fakes.csr_target import VERSA_CSR
    from sailbench.harness.board.board import connect_hardware
    from sailbench.harness.config import BoardConfig

    shutil.copy(VERSA_CSR, tmp_path / "csr.json")
    manifest = SimpleNamespace(csr_json="csr.json", uart=uart)
    with UartBoneTarget(REGMAP, Registers(), fifo=bool(fifo)) as target:
        config = BoardConfig(name="v", kind="hardware", profile="versa-ecp5", serial=target.url)
        board = connect_hardware(config, tmp_path, manifest)
        try:
            assert board.csr.transport.rx_fifo_bytes == fifo
        finally:
            board.csr.close()
