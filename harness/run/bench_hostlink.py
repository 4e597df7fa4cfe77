"""The host-link part of the bench: both directions at full size, judged against
HOST_LINK_BW_BYTES_PER_SEC, then a payload-size sweep against the ceiling curve."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from sailbench.harness.judge.constants import HOST_LINK, SchedulerConstants
from sailbench.harness.probes.hostlink import HostLinkProbe, HostLinkResult
from sailbench.harness.report.sweep_plot import write_sweep_svg
from sailbench.harness.report.table import TableRow
from sailbench.harness.judge.verdict import judge

if TYPE_CHECKING:
    from sailbench.harness.run.bench import BenchOutcome, BenchSettings
    from sailbench.harness.board.board import Board
    from sailbench.harness.config.lab import Lab

DIRECTIONS = ("board_to_host", "host_to_board")
LABEL = {"board_to_host": "host link board->host", "host_to_board": "host link host->board"}


def _say_result(say: Callable[[str], None], r: HostLinkResult) -> None:
    loss = f", {r.lost} LOST ({r.gaps} gaps)" if r.lost or r.gaps else ""
    say(f"  UDP {r.direction:13} {r.payload_bytes:5} B x {r.packets_offered}: {r.rate_bytes_per_s / 1e6:7.2f} MB/s "
        f"({r.efficiency * 100:.1f} % of the {r.ceiling_bytes_per_s / 1e6:.2f} MB/s ceiling), "
        f"{r.packets_received}/{r.packets_offered} received{loss}")


def bench_hostlink(board: "Board", lab: "Lab", settings: "BenchSettings", sys_clk_hz: float,
                   constants: SchedulerConstants, outcome: "BenchOutcome", say: Callable[[str], None]) -> list[float]:
    """Measured goodputs of both directions (empty when the build has no host link)."""
    if not board.manifest.get("host_link") or settings.hostlink_count <= 0:
        return []
    results = outcome.results
    probe = HostLinkProbe(board, sys_clk_hz=sys_clk_hz)
    rates = []
    for direction in DIRECTIONS:
        run = probe.board_to_host if direction == "board_to_host" else probe.host_to_board
        r = run(settings.hostlink_payload, settings.hostlink_count)
        results.add_record(r.to_record())
        _say_result(say, r)
        verdict = judge(HOST_LINK, constants[HOST_LINK], r.rate_bytes_per_s, lab.judgement.tolerance,
                        lab.judgement.slack)
        outcome.verdicts.append(verdict)
        outcome.judged.append((LABEL[direction], verdict))
        results.add_verdict(verdict)
        if r.lost or r.gaps:
            msg = (f"host link {direction}: {r.lost} of {r.packets_offered} packets lost "
                   f"({r.gaps} sequence gaps) on board '{board.name}'")
            outcome.measurement_errors.append(msg)
            results.add_error(msg)
        outcome.rows.append(TableRow(
            quantity=f"{LABEL[direction]} {r.payload_bytes} B", measured_bytes_per_s=r.rate_bytes_per_s,
            peak_bytes_per_s=r.ceiling_bytes_per_s, constant_name=HOST_LINK,
            constant_bytes_per_s=constants[HOST_LINK],
            verdict=f"{r.lost} lost" if r.lost else verdict.verdict))
        rates.append(r.rate_bytes_per_s)
    sweep: list[HostLinkResult] = []
    for payload in settings.hostlink_sweep:
        for direction in DIRECTIONS:
            run = probe.board_to_host if direction == "board_to_host" else probe.host_to_board
            r = run(payload, settings.hostlink_sweep_count)
            results.add_record(r.to_record() | {"sweep": True})
            _say_result(say, r)
            sweep.append(r)
    if sweep:
        svg = results.path.with_name(results.path.stem + "-hostlink-sweep.svg")
        write_sweep_svg(svg, sweep, board.manifest["host_link"], title=f"{board.name}: UDP goodput vs payload")
        outcome.artifacts.append(svg)
        say(f"  payload sweep plot: {svg}")
    return rates
