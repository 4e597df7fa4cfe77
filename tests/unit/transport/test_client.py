"""CsrClient over the real transports and fake boards."""
from __future__ import annotations

import pytest

from sailbench.harness.transport.client import CsrClient
from sailbench.harness.transport.etherbone import EtherboneLink
from sailbench.harness.transport.regmap import RegisterMap
from sailbench.harness.transport.uartbone import UartBone

from unit.fakes.csr_boards import CMD_READ, CMD_WRITE, FakeEtherbone, FakeUartBone
from unit.transport.test_regmap import CSR_JSON

REGMAP = RegisterMap.from_dict(CSR_JSON, path="csr.json")


@pytest.fixture
def uart():
    with FakeUartBone() as fake:
        link = UartBone(fake.url, board="sim", baudrate=3_000_000)
        yield fake, CsrClient(link, REGMAP, board="sim")
        link.close()


def test_read_and_write_by_name(uart):
    fake, csr = uart
    csr.write("ctrl_scratch", 0x12345678)
    assert fake.memory[0x4] == 0x12345678
    assert csr.read("ctrl_scratch") == 0x12345678


def test_multi_word_registers(uart):
    fake, csr = uart
    fake.memory.update({0x1000: 0x11223344, 0x1004: 0x55667788})
    assert csr.read("probe_ticks") == 0x1122334455667788
    csr.write("probe_wide", 0xAB_CDEF0123)
    assert (fake.memory[0x100C], fake.memory[0x1010]) == (0xAB, 0xCDEF0123)
    # both words in one burst, MSB word first, then the confirming read
    assert fake.commands[-2:] == [(CMD_WRITE, 2, 0x100C), (CMD_READ, 1, 0x1010)]
    assert csr.read("probe_wide") == 0xAB_CDEF0123


def test_write_checks(uart):
    _, csr = uart
    with pytest.raises(ValueError, match="read-only"):
        csr.write("ctrl_bus_errors", 1)
    with pytest.raises(ValueError, match="does not fit"):
        csr.write("ctrl_scratch", 1 << 32)
    with pytest.raises(ValueError, match="does not fit"):
        csr.write("probe_wide", -1)


def test_read_many_contiguous_is_one_burst(uart):
    fake, csr = uart
    fake.memory.update({0x1000: 1, 0x1004: 2, 0x1008: 3, 0x100C: 4, 0x1010: 5})
    before = len(fake.commands)
    got = csr.read_many(["probe_wide", "probe_ticks", "probe_length"])
    assert got == {"probe_wide": (4 << 32) | 5, "probe_ticks": (1 << 32) | 2,
                   "probe_length": 3}
    assert list(got) == ["probe_wide", "probe_ticks", "probe_length"]
    assert fake.commands[before:] == [(CMD_READ, 5, 0x1000)]


def test_read_many_with_gaps_reads_each_run(uart):
    fake, csr = uart
    fake.memory.update({0x0: 7, 0x4: 8, 0x1800: 9})
    before = len(fake.commands)
    got = csr.read_many(["timer0_load", "ctrl_reset", "ctrl_scratch"])
    assert got == {"timer0_load": 9, "ctrl_reset": 7, "ctrl_scratch": 8}
    assert fake.commands[before:] == [(CMD_READ, 2, 0x0), (CMD_READ, 1, 0x1800)]


def test_identifier_string_in_one_burst(uart):
    fake, csr = uart
    for i, c in enumerate(b"sailbench test\0"):
        fake.memory[0x800 + 4 * i] = c
    fake.memory[0x800 + 4 * 20] = ord("x")  # past the NUL: ignored
    before = len(fake.commands)
    assert csr.read_identifier() == "sailbench test"
    assert csr.base("identifier_mem") == 0x800
    assert [n for _, n, _ in fake.commands[before:]] == [255, 1]


def test_memory_bytes_are_little_endian_in_words(uart):
    fake, csr = uart
    fake.memory.update({0x0: 0x64636261, 0x4: 0x68676665})  # "abcd" "efgh"
    assert csr.read_memory_bytes("csr", 0, 8) == b"abcdefgh"
    assert csr.read_memory_bytes("csr", 1, 5) == b"bcdef"
    with pytest.raises(ValueError):
        csr.read_memory_bytes("csr", 65530, 10)


def test_same_client_over_etherbone():
    with FakeEtherbone() as fake:
        link = EtherboneLink(fake.ip, fake.port, sock=fake.client_sock, timeout_s=0.2,
                             ack_addr=REGMAP.register("ctrl_scratch").addr)
        csr = CsrClient(link, REGMAP, board="sim")
        csr.write("probe_wide", 0x1_0000_0002)
        fake.memory.update({0x1000: 0, 0x1004: 99})
        assert csr.read_many(["probe_ticks", "probe_length", "probe_wide"]) == {
            "probe_ticks": 99, "probe_length": 0, "probe_wide": 0x1_0000_0002}
        assert csr.read_words(0x100C, 2) == [1, 2]
        csr.close()
