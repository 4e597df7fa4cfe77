"""The host-link part of the bench: both directions at full size, judged against
HOST_LINK_BW_BYTES_PER_SEC, then a payload-size sweep against the ceiling curve.

Records, verdicts and errors go to the results file as they arrive; the figures for the
printed table come back to the bench (HostLinkFigures), which merges them into its outcome."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sailbench.harness.board.board import Board
from sailbench.harness.judge.ceilings import (BOARD_TO_HOST, GBE, HOST_LINK_DIRECTIONS, HOST_TO_BOARD, Wire,
                                              udp_ceiling_bytes_per_s)
from sailbench.harness.judge.constants import HOST_LINK, SchedulerConstants
from sailbench.harness.judge.timing import timing_reason
from sailbench.harness.judge.verdict import Verdict, judge, withhold
from sailbench.harness.probes.hostlink import HostLinkProbe, HostLinkResult
from sailbench.harness.record.results import ResultsFile
from sailbench.harness.report.table import TableRow

DIRECTIONS = HOST_LINK_DIRECTIONS
QUANTITY = {BOARD_TO_HOST: "board->host", HOST_TO_BOARD: "host->board"}
LABEL = {d: f"host link {q}" for d, q in QUANTITY.items()}


def ceiling_text(payload: int, wire: Wire, simulated: bool) -> str:
    """The UDP ceiling at `payload` on this wire; for a simulated wire, what it is beside the GbE figure."""
    here = udp_ceiling_bytes_per_s(payload, wire)
    gbe = udp_ceiling_bytes_per_s(payload, GBE)
    if not simulated:
        return f"{here / 1e6:.1f} MB/s UDP at {payload} B"
    missing = [name for name, n in (("preamble", wire.preamble_bytes), ("FCS", wire.fcs_bytes)) if not n]
    what = f"no {' or '.join(missing)}" if missing else "framed as GbE"
    return (f"{here / 1e6:.1f} MB/s UDP at {payload} B on the simulated wire ({what}, "
            f"{wire.line_rate_bytes_per_s / 1e6:.0f} MB/s line rate); real GbE carries {gbe / 1e6:.1f} MB/s")


@dataclass
class HostLinkFigures:
    """What the host-link step measured, for the bench's table and exit code."""
    rows: list[TableRow] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    judged: list[tuple[str, Verdict]] = field(default_factory=list)   # (table quantity, verdict)
    measurement_errors: list[str] = field(default_factory=list)
    rates: list[float] = field(default_factory=list)   # judged goodputs, both directions
    ceiling: str = ""                                    # ceiling_text of the judged payload
    swept: bool = False                                  # the payload sweep ran (records with "sweep")


def _report_result(progress: Callable[[str], None], r: HostLinkResult) -> None:
    loss = f", {r.lost} LOST ({r.gaps} gaps)" if r.lost or r.gaps else ""
    progress(f"  UDP {r.direction:13} {r.payload_bytes:5} B x {r.packets_offered}: "
             f"{r.rate_bytes_per_s / 1e6:7.2f} MB/s "
             f"({r.efficiency * 100:.1f} % of the {r.ceiling_bytes_per_s / 1e6:.2f} MB/s ceiling), "
             f"{r.packets_received}/{r.packets_offered} received{loss}")


def bench_hostlink(board: Board, results: ResultsFile, constants: SchedulerConstants, *, sys_clk_hz: float,
                   tolerance: float, slack: float, payload: int, count: int, sweep: tuple[int, ...],
                   sweep_count: int, progress: Callable[[str], None]) -> HostLinkFigures:
    """Measure and judge the host link (nothing when the build has none or `count` is 0)."""
    figures = HostLinkFigures()
    if not board.manifest.host_link or count <= 0:
        return figures
    probe = HostLinkProbe(board, sys_clk_hz=sys_clk_hz)
    figures.ceiling = ceiling_text(payload, probe.link, board.is_sim)
    progress(f"  host-link ceiling: {figures.ceiling}")
    untimed = timing_reason("hostlink", board.manifest.report)
    for direction in DIRECTIONS:
        run = probe.board_to_host if direction == BOARD_TO_HOST else probe.host_to_board
        r = run(payload, count)
        record = results.add_record(r.to_record())
        _report_result(progress, r)
        verdict = judge(HOST_LINK, constants[HOST_LINK], r.rate_bytes_per_s, tolerance, slack)
        if untimed:
            verdict = withhold(verdict, untimed)
        figures.verdicts.append(verdict)
        figures.judged.append((LABEL[direction], verdict))
        results.add_verdict(verdict, quantity=f"{QUANTITY[direction]} {r.payload_bytes} B", record=record)
        if r.lost or r.gaps:
            msg = (f"host link {direction}: {r.lost} of {r.packets_offered} packets lost "
                   f"({r.gaps} sequence gaps) on board '{board.name}'")
            figures.measurement_errors.append(msg)
            results.add_error(msg)
        figures.rows.append(TableRow(
            quantity=f"{LABEL[direction]} {r.payload_bytes} B", measured_bytes_per_s=r.rate_bytes_per_s,
            peak_bytes_per_s=r.ceiling_bytes_per_s, constant_name=HOST_LINK,
            constant_bytes_per_s=constants[HOST_LINK],
            verdict=f"{r.lost} lost" if r.lost else verdict.label, simulated=board.is_sim))
        figures.rates.append(r.rate_bytes_per_s)
    for size in sweep:
        for direction in DIRECTIONS:
            run = probe.board_to_host if direction == BOARD_TO_HOST else probe.host_to_board
            r = run(size, sweep_count)
            results.add_record(r.to_record() | {"sweep": True})
            _report_result(progress, r)
            figures.swept = True
    return figures
