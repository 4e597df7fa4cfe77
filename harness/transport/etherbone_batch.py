"""A batch over Etherbone: writes posted, reads in few records, one write-counter check per read.

The probe SoC counts the words its Etherbone master writes (`etherbone_writes_count`). A batch
posts its writes without waiting, then reads each run of consecutive reads in one record with
the counter as its last word: the counter must have advanced by every word posted since the
previous check, else the batch fails naming the count (it is not resent: its writes may be
strobes, e.g. DFII command_issue). A batch ending in writes reads the counter alone (with
`confirm`); without it, its words are checked by the next batch's first read. LiteEth takes a record of writes or of reads, never both, one record per packet,
so a batch costs one round trip per run of reads (harness/transport/etherbone.py).
"""
from __future__ import annotations

from sailbench.harness.errors import BoardSilentError
from sailbench.harness.transport.batch import ReadOp, WriteOp


def transact(link, ops: list[WriteOp | ReadOp], *, confirm: bool = True) -> list[list[int]]:
    if link._writes_seen is None:
        link._writes_seen = link._read_write_counter("a batch")
    results: list[list[int]] = []
    posted = getattr(link, "unchecked_words", 0)     # left by a batch run without `confirm`
    i = 0
    while i < len(ops):
        op = ops[i]
        if isinstance(op, WriteOp):
            packets = [(op.addr, [w]) for w in op.words] if op.fixed else [(op.addr, list(op.words))]
            for addr, words in packets:
                link.write(addr, words, confirm=False)
                posted += len(words)
            i += 1
            continue
        run: list[ReadOp] = []
        while (i < len(ops) and isinstance(ops[i], ReadOp)
               and sum(o.count for o in run) + ops[i].count < link.max_words):
            run.append(ops[i])
            i += 1
        if not run:                          # one read longer than a record: plain bursts
            results.append(link.read(op.addr, op.count))
            i += 1
            continue
        addrs = [o.addr + 4 * k for o in run for k in range(o.count)] + [link.write_counter_addr]
        got = link.read_records(addrs, f"a batch's {len(addrs)}-word read")
        _check_posted(link, got[-1], posted)
        posted = 0
        for o in run:
            results.append(got[:o.count])
            got = got[o.count:]
    if posted and confirm:
        _check_posted(link, link._read_write_counter("a batch"), posted)
        posted = 0
    link.unchecked_words = posted
    return results


def _check_posted(link, count: int, posted: int) -> None:
    want = (link._writes_seen + posted) & 0xFFFF_FFFF
    moved = (count - link._writes_seen) & 0xFFFF_FFFF
    link._writes_seen = count
    if count != want:
        raise BoardSilentError(
            f"a batch posted {posted} words but the SoC's Etherbone write counter moved by {moved}: "
            "write packets were lost (or another program writes to this board); check the link "
            "for packet loss", board=link.board, port=link.name)
