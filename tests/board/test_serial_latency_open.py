"""A simulated board opened behind the emulated USB-serial adapter (lab.yaml
`sim.serial_latency_ms`, harness/sim/serial_latency.py): the open goes through the adapter and
reads the identifier in the same round trips as without it. Starts a second simulator of the
same (cached) build for a few seconds; simulated boards only."""
from __future__ import annotations

from dataclasses import replace

import pytest

from sailbench.harness.board.lifecycle import open_board
from sailbench.harness.config import SimConfig
from sailbench.harness.transport.counting import counted_step, counter_of


@pytest.mark.sim_only
def test_a_board_behind_a_16_ms_adapter_opens_and_answers(lab, board_name):
    config = lab.board(board_name)
    if not config.kind.simulated:
        pytest.skip("the adapter is emulated for simulated boards only")
    config = replace(config, sim=replace(config.sim or SimConfig(), serial_latency_ms=16))
    with counted_step("open"):
        board = open_board(config, progress=lambda m: None)
    try:
        assert board.port != board.sim.uart_url              # through the adapter's own port
        assert board.identifier.startswith("sailbench ")
        board.csr.write("ctrl_scratch", 0x5A5A)
        assert board.csr.read("ctrl_scratch") == 0x5A5A
        counter = counter_of(board.csr)
        fifo = board.manifest.uart.rx_fifo_bytes
    finally:
        board.close()
    # the 256-word identifier: bursts of 255 + 1, sent together to a bridge with a receive FIFO
    assert counter.step("open").round_trips == (1 if fifo else 2)
    assert counter.step("other").round_trips == 2               # a confirmed write, a read
