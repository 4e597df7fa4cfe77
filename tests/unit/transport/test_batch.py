"""Batched bus access (harness/transport/batch.py): writes without a confirming read each, one
wait per read on UARTBone, posted writes checked by the write counter on Etherbone."""
from __future__ import annotations

import pytest
from litex.soc.cores import uart as litex_uart

from unit.fakes.csr_target import UartBoneTarget, versa_regmap
from sailbench.harness.errors import BoardSilentError
from sailbench.harness.transport import uartbone
from sailbench.harness.transport.batch import CsrBatch, ImmediateBatch, ReadOp, WriteOp, batch_for
from sailbench.harness.transport.client import CsrClient
from sailbench.harness.transport.etherbone import EtherboneLink
from sailbench.harness.transport.uartbone import UartBone

from unit.fakes.csr_boards import FakeEtherbone

REGMAP = versa_regmap()


class Registers:
    """Every register write in order; reads give the last value written."""

    def __init__(self):
        self.log: list[tuple[str, int]] = []
        self.values: dict[str, int] = {}

    def write(self, name, value):
        self.log.append((name, value))
        self.values[name] = value

    def read(self, name):
        return self.values.get(name, 0)


def test_the_command_codes_are_the_bridges():
    assert uartbone.CMD_WRITE_BURST_INCR == litex_uart.CMD_WRITE_BURST_INCR
    assert uartbone.CMD_READ_BURST_INCR == litex_uart.CMD_READ_BURST_INCR
    assert uartbone.CMD_WRITE_BURST_FIXED == litex_uart.CMD_WRITE_BURST_FIXED


def test_adjacent_writes_merge_into_one_burst_in_address_order_only():
    b = CsrBatch(CsrClient(transport=None, regmap=REGMAP))
    b.write("sdram_dfii_pi0_address", 0x400)
    b.write("sdram_dfii_pi0_baddress", 2)            # next word: merged
    b.write("sdram_dfii_pi0_command", 0x0F)          # lower address: a new burst (issue order kept)
    b.write("sdram_dfii_pi0_command_issue", 1)
    b.write_repeated("ddrphy_dly_sel", [1, 0, 3, 0])
    a = REGMAP.register
    assert b.ops == [WriteOp(a("sdram_dfii_pi0_address").addr, (0x400, 2)),
                     WriteOp(a("sdram_dfii_pi0_command").addr, (0x0F, 1)),
                     WriteOp(a("ddrphy_dly_sel").addr, (1, 0, 3, 0), fixed=True)]
    p = b.read("sdram_dfii_control")
    with pytest.raises(RuntimeError, match="before its batch ran"):
        p.value


def test_a_batch_over_uartbone_waits_once_per_read_and_checks_trailing_writes_once():
    regs = Registers()
    with UartBoneTarget(REGMAP, regs) as target:
        client = CsrClient(UartBone(target.url, ack_addr=REGMAP.register("ctrl_scratch").addr), REGMAP)
        try:
            b = batch_for(client)
            assert isinstance(b, CsrBatch)
            b.write("sdram_dfii_pi0_wrdata", 0x1122334455667788)
            b.write_repeated("ddrphy_dly_sel", [1, 0, 3])
            wr = b.read("sdram_dfii_pi0_wrdata")
            span = b.read_span(["sdram_dfii_pi0_wrdata", "sdram_dfii_pi1_command"])
            b.write("sdram_dfii_control", 0x0E)
            b.run()
            counts = client.transport.counter.total
        finally:
            client.close()
    assert wr.value == span["sdram_dfii_pi0_wrdata"].value == 0x1122334455667788
    assert [v for n, v in regs.log if n == "ddrphy_dly_sel"] == [1, 0, 3]
    assert regs.log[-1] == ("sdram_dfii_control", 0x0E)
    assert (counts.round_trips, counts.writes) == (3, 3)        # two reads, one check; three write bursts


def test_a_client_without_transact_gets_each_call_at_once():
    regs = Registers()
    b = batch_for(regs)
    assert isinstance(b, ImmediateBatch)
    b.write("x", 5)
    assert b.read("x").value == 5 and regs.log == [("x", 5)]


def _etherbone(fake, **kw) -> EtherboneLink:
    return EtherboneLink(fake.ip, fake.port, sock=fake.client_sock, timeout_s=2.0, board="sim",
                         write_counter_addr=0xC0, **kw)


def test_an_etherbone_batch_posts_writes_and_reads_them_back_with_the_counter_in_one_record():
    with FakeEtherbone(write_counter=0xC0) as fake:
        link = _etherbone(fake)
        link.read(0x10)                                  # a first access, as an open makes
        link.counter.reset()
        got = link.transact([WriteOp(0x100, (1, 2, 3)), WriteOp(0x200, (7, 8), fixed=True),
                             ReadOp(0x100, 3), ReadOp(0x200, 1)])
        counts = link.counter.total
    assert got == [[1, 2, 3], [8]]
    # the write counter's first reading, then one record: 3 + 1 words and the counter
    assert (counts.round_trips, counts.writes) == (2, 3)


def test_a_lost_posted_write_fails_the_batch_naming_the_words():
    with FakeEtherbone(write_counter=0xC0, drop_writes=1) as fake:
        link = _etherbone(fake)
        with pytest.raises(BoardSilentError, match="posted 2 words but the SoC's Etherbone write counter moved by 0"):
            link.transact([WriteOp(0x100, (1, 2)), ReadOp(0x100, 2)])
