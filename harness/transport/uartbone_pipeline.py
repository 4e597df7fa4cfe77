"""A batch over UARTBone when the bridge has a receive FIFO: reads sent without waiting.

A bitstream whose manifest says `uart.rx_fifo_bytes` (gateware/cores/uartbone_fifo.py)
buffers the commands it receives while it answers a read, and runs them in order. So a
batch goes out as a few *windows*: every command (writes and reads alike) back to back,
then all the answers read in one go: one round trip per window.

The FIFO may not overflow. The bridge has taken every byte up to a read command once that
read's answer is in, so the bytes sent after the last answered read are at most what the
FIFO holds: a window carries at most `rx_fifo_bytes` less one fence read, and a window
that would end in writes ends with a one-word fence read (ack_addr, else the last word
written) so the next one can start. A batch run without `confirm` leaves its trailing
writes unanswered; they count against the next window.

Without the FIFO (older bitstreams, `rx_fifo_bytes` 0) UartBone keeps its one-read-at-a-
time waits (harness/transport/uartbone.py).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

from sailbench.harness.transport.batch import ReadOp, WriteOp

READ_CMD_BYTES = 6                # cmd, length, address
CMD_READ_BURST_INCR = 0x02


@dataclass
class _Read:
    slot: int                     # index of the ReadOp's result
    addr: int
    words: int


@dataclass
class _Window:
    data: bytearray
    reads: list[_Read]
    tail: int = 0                 # bytes after the last read command
    last_write: int | None = None  # byte address of the last word written after the last read


def max_write_words(rx_fifo_bytes: int) -> int:
    """Longest write burst that fits a window with a fence read behind it."""
    return max(1, (rx_fifo_bytes - 2 * READ_CMD_BYTES) // 4)


def transact(link, ops: list[WriteOp | ReadOp], *, confirm: bool = True) -> list[list[int]]:
    """`UartBone.transact` with the FIFO: see the module docstring."""
    limit = link.rx_fifo_bytes - READ_CMD_BYTES       # room for a fence read
    results: list[list[int]] = [[] for op in ops if isinstance(op, ReadOp)]
    win = _Window(bytearray(), [])
    for command, read, last_word in _commands(link, ops):
        if link.unanswered + len(win.data) + len(command) > limit and (win.data or link.unanswered):
            _run(link, win, results, fence=True)
            win = _Window(bytearray(), [])
        win.data += command
        if read is not None:
            win.reads.append(read)
            win.tail, win.last_write = 0, None
        else:
            win.tail += len(command)
            win.last_write = last_word
            link.counter.write()
    if win.data or (confirm and link.unanswered):
        _run(link, win, results, fence=confirm)
    return results


def _commands(link, ops: list[WriteOp | ReadOp]):
    """(command bytes, _Read or None, byte address of the last word written) per command."""
    slot = -1
    burst = min(link.max_burst, max_write_words(link.rx_fifo_bytes))
    for op in ops:
        if isinstance(op, ReadOp):
            slot += 1
            if op.count < 1:
                raise ValueError(f"count must be >= 1, got {op.count}")
            for done in range(0, op.count, link.max_burst):
                n = min(link.max_burst, op.count - done)
                a = op.addr + 4 * done
                yield struct.pack(">BBI", CMD_READ_BURST_INCR, n, a >> 2), _Read(slot, a, n), None
        else:
            for command, last_word in link._write_commands(op, burst):
                yield command, None, last_word


def _run(link, win: _Window, results: list[list[int]], *, fence: bool) -> None:
    """Send a window and wait for its answers (one round trip); with `fence`, writes at its end
    (or left unanswered by an earlier batch) are followed by a fence read."""
    if fence and (win.tail or (not win.reads and link.unanswered)):
        last = win.last_write if win.last_write is not None else link.unanswered_last
        addr = link.ack_addr if link.ack_addr is not None else last
        win.data += struct.pack(">BBI", CMD_READ_BURST_INCR, 1, addr >> 2)
        win.reads.append(_Read(-1, addr, 1))
        win.tail = 0
    what = f"{len(win.reads)} reads and {len(win.data)} bytes of commands"
    link._send(bytes(win.data), what)
    if not win.reads:                      # writes only, not confirmed: answered by a later window
        link.unanswered += len(win.data)
        link.unanswered_last = win.last_write
        return
    first = win.reads[0]
    total = sum(r.words for r in win.reads)
    context = f" (the first of {len(win.reads)} reads sent together)" if len(win.reads) > 1 else ""
    words = link._receive(first.addr, total, context, sent_bytes=len(win.data))
    for r in win.reads:
        if r.slot >= 0:
            results[r.slot].extend(words[:r.words])
        words = words[r.words:]
    link.unanswered = win.tail
    link.unanswered_last = win.last_write
