"""`sailbench`: the bench's command line.

    sailbench bench --board sim          measure, judge, print the table, write results
    sailbench boards                     list the boards lab.yaml defines
    sailbench ident --board sim          open a board and print who it is
    sailbench sim                        run the simulated board until Ctrl-C (for poking at it)
    sailbench pair --pair sim-pair       measure a bench pair's lanes and judge INTERCARD
    sailbench build --board versa-ecp5   build a board's bitstream (or simulation) and print its timing report
    sailbench load --board versa-ecp5    load it with openFPGALoader (SRAM; --flash) and check the identifier
    sailbench sweep ddr --board sim --clocks 50M,75M,100M   DDR rate and timing verdict per sys clock
    sailbench propose-constants          a diff of bandwidth.rs with the measured figures (history or --results)
    sailbench history import FILE.sqlite copy a bench PC's history into the lab's (history.url), no duplicates

Exit status of `bench`: 0 every verdict held, 1 a verdict or invariant did not
hold or the checker found errors, 2 the bench could not run (board, config,
tool), 130 interrupted (partial results are kept). A figure that regressed
against its history counts as a verdict that did not hold (1); a board held by
another run is an error (2).

    sailbench nightly [--tag T]          every board (or those tagged T): health check, bench, history, report
    sailbench bringup --board NAME       staged checks, stopping at the first failing stage with a diagnosis
    sailbench -v COMMAND                 also log each step and its duration to stderr (--log-file PATH: to a file)

Exit status of `nightly`: a sum of bits: 0 all good, 1 a verdict did not hold,
4 a measurement failed or regressed, 8 a board could not be measured
(infrastructure); 2 it could not run at all. `bringup`: 0 passed, 1 a stage
failed, 2 it could not run.
"""
from __future__ import annotations

import argparse
import logging
import math
import signal
import sys
import time
from pathlib import Path

from sailbench.harness.errors import ConfigError, SailbenchError

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


def _size(text: str) -> int:
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    t = text.strip().lower().removesuffix("ib").removesuffix("b")
    try:
        if t and t[-1] in units:
            return int(float(t[:-1]) * units[t[-1]])
        return int(t, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a size (examples: 65536, 64K, 1M)") from None


def _number(kind: type, low: float, what: str, *, inclusive: bool = True):
    """An argparse `type=`: a finite `kind` (int or float) >= low (or > low), else argparse's error."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not {'an integer' if kind is int else 'a number'}") \
                from None
        if not math.isfinite(value) or value < low or (not inclusive and value == low):
            raise argparse.ArgumentTypeError(f"'{text}': {what}")
        return value
    return parse


_count = _number(int, 1, "must be at least 1")
_count0 = _number(int, 0, "must be 0 or more")
_seconds = _number(float, 0, "must be a number of seconds > 0", inclusive=False)
_seconds0 = _number(float, 0, "must be a number of seconds >= 0")


def _ddr_length(text: str) -> int:
    n = _size(text)
    if n <= 0 or n & (n - 1):
        raise argparse.ArgumentTypeError(f"'{text}': the DDR length must be a power of two number of bytes "
                                         "(e.g. 64K, 1M)")
    return n


def _clock_list(text: str) -> list[int]:
    from sailbench.harness.run.sweep import parse_clocks
    try:
        return parse_clocks(text)
    except ConfigError as e:
        raise argparse.ArgumentTypeError(str(e).removeprefix("--clocks: ")) from None


def _ddr_base(text: str) -> int:
    n = _size(text)
    if n < 0:
        raise argparse.ArgumentTypeError(f"'{text}': the DDR base must be 0 or more")
    return n


def _patterns(text: str) -> tuple[str, ...]:
    from sailbench.harness.probes.ddr import PATTERNS
    names = tuple(x.strip() for x in text.split(",") if x.strip())
    unknown = [x for x in names if x not in PATTERNS]
    if unknown or not names:
        what = f"unknown pattern '{unknown[0]}'" if unknown else "no pattern given"
        raise argparse.ArgumentTypeError(f"{what}; use a comma list of {', '.join(PATTERNS)}")
    return names


def _frame_bytes(text: str) -> int:
    n = _number(int, 2, "a frame carries at least one 2-byte word")(text)
    if n % 2:
        raise argparse.ArgumentTypeError(f"'{text}': the lane probe sends 2-byte words; use an even size")
    return n


def _check_together(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Options that are only wrong together (argparse's usage line and one error line, exit 2)."""
    length, base = getattr(args, "ddr_length", None), getattr(args, "ddr_base", None)
    if length and base is not None and base % length:
        parser.error(f"argument --ddr-base: 0x{base:x} must be aligned to the DDR length {length} "
                     f"(a multiple of 0x{length:x})")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="sailbench",
        description="Hardware-in-the-loop bench for ECP5 sail cards: measure DDR, host-link and "
                    "inter-card bandwidth from hardware cycle counters and judge the Spanker scheduler's "
                    "constants.",
        epilog="The simulated board 'sim' (the default) needs no hardware: the probe SoC runs under "
               "Verilator inside a network namespace (root needed). See README.md.")
    p.add_argument("--lab", help="lab file (default: $SAILBENCH_LAB, ./lab.yaml, then the repository's lab.yaml)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="log each step (build, simulator, open, load, DRAM init, probes, pair phases) and its "
                        "duration to stderr")
    p.add_argument("--log-file", type=Path, metavar="PATH", help="write that step log to PATH")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser("bench", help="measure a board and judge the scheduler's constants",
                       description="Open the board (building/starting the simulated one if needed), measure "
                                   "its sys clock and DDR throughput (BIST write then read, sequential and "
                                   "random, repeated), print one table and write results/<run-id>.json as "
                                   "each figure is measured.")
    b.add_argument("--board", help="board name from lab.yaml (default: lab.yaml default_board, 'sim')")
    b.add_argument("--no-history", action="store_true",
                   help="do not record this run in the history database (and compare nothing)")
    _bench_options(b)

    sub.add_parser("boards", help="list the boards in lab.yaml")

    i = sub.add_parser("ident", help="open a board and print its identifier and build")
    i.add_argument("--board")

    s = sub.add_parser("sim", help="run the simulated board until Ctrl-C and print how to reach it")
    s.add_argument("--board", default=None, help="a kind: sim board from lab.yaml (default: the default board)")

    n = sub.add_parser("nightly", help="bench every board in lab.yaml (or a tag): health check, probes, "
                                       "history, regression alarms, HTML and JUnit report",
                       description="For each board in lab.yaml (or those with --tag): skip it if quarantined, "
                                   "take its lock, open it, check its health (identifier, scratch), then run "
                                   "the bench's probes. Records go to results/<run-id>.json and the history "
                                   "database; each figure is compared with its baseline. Writes "
                                   "results/<night-id>.html, .junit.xml and .json. Exit status: a sum of 1 "
                                   "(a verdict did not hold), 4 (a measurement failed or regressed) and 8 "
                                   "(a board could not be measured); 2 if it could not run at all.")
    n.add_argument("--tag", help="only the boards with this tag in lab.yaml")
    n.add_argument("--report-only", action="store_true",
                   help="measure nothing: draw the lab's latest night (every host's boards and pairs, trends per "
                        "figure, which host measured what) from the shared history (lab.yaml history.url)")
    _bench_options(n)

    u = sub.add_parser("bringup", help="staged bring-up checks of one board, stopping at the first failure",
                       description="Stages in order: tool present, cable detects, load, identifier, scratch, "
                                   "DRAM leveling, DRAM lines (data, mask, address and bank lines named by ball "
                                   "and net), DRAM BIST small, [DRAM BIST full], Ethernet link, SerDes lock. "
                                   "Stops at the first failing stage and says what to check next. A pass clears "
                                   "the board's quarantine. Writes results/bringup-<run-id>.json and .html.")
    u.add_argument("--board", required=True, help="board name from lab.yaml")
    u.add_argument("--lock-wait", type=_seconds0, help="seconds to wait for a board another run holds "
                                                   "(default: lab.yaml locks.wait_s)")
    u.add_argument("--full", action="store_true", help="after the line tests, write and check the whole DRAM "
                                                       "with the BIST (progress, rate)")

    bl = sub.add_parser("build", help="build a board's gateware: the bitstream and its timing report (or the "
                                      "simulation for a kind: sim board)",
                        description="Build the probe SoC for a board, cached by a hash of its inputs. For a real "
                                    "board: yosys, nextpnr-ecp5 and ecppack from PyPI (YoWASP), then nextpnr's "
                                    "report: utilisation and, per clock, achieved against required MHz. A clock "
                                    "that fails timing fails the build (exit 1) unless --allow-timing-fail.")
    bl.add_argument("--board", help="board name from lab.yaml (default: lab.yaml default_board)")
    bl.add_argument("--allow-timing-fail", action="store_true",
                    help="accept a bitstream whose clocks fail timing (still printed and recorded)")
    bl.add_argument("--results-dir", type=Path, help="where results/<run-id>.json go (default: lab.yaml results.dir)")

    ld = sub.add_parser("load", help="load a board's bitstream with openFPGALoader (SRAM; --flash for SPI flash)",
                        description="Build the board's bitstream if needed, load it with openFPGALoader over the "
                                    "cable lab.yaml names (SRAM unless --flash), then read the identifier to prove "
                                    "the board runs this build.")
    ld.add_argument("--board", help="board name from lab.yaml (default: lab.yaml default_board)")
    ld.add_argument("--flash", action="store_true", help="write the SPI flash (survives power-off) instead of SRAM")
    ld.add_argument("--allow-timing-fail", action="store_true",
                    help="load a bitstream whose clocks fail timing")
    sw = sub.add_parser("sweep", help="the DDR probe at several sys clocks (DDR clock = ratio x sys): rate, "
                                      "efficiency and the real-board timing verdict per clock")
    sw.add_argument("what", choices=["ddr"], help="what to sweep (ddr)")
    sw.add_argument("--board", help="board name from lab.yaml (default: lab.yaml default_board)")
    sw.add_argument("--clocks", required=True, type=_clock_list, help="sys clocks, comma list: 50M,75M,100M")
    sw.add_argument("--ddr-length", type=_ddr_length, default=1 << 20, help="bytes per DDR pass, power of two (default 1M)")
    sw.add_argument("--bitstreams", action="store_true",
                    help="also build the real-board bitstream at each clock for the timing column (minutes each)")
    sw.add_argument("--results-dir", type=Path, help="where results/<run-id>.json go (default: lab.yaml results.dir)")
    sw.add_argument("--no-history", action="store_true", help="do not record this run in the history database")
    pc = sub.add_parser("propose-constants", help="a unified diff of bandwidth.rs with the measured figures")
    pc.add_argument("--profile", help="only figures of boards with this profile")
    pc.add_argument("--results", type=Path, action="append",
                    help="read figures from this results file instead of the history (repeatable)")
    pc.add_argument("--constants", type=Path, help="bandwidth.rs to diff against (default: lab.yaml, else pinned)")
    pc.add_argument("--allow-simulated", action="store_true",
                    help="propose figures measured on simulated boards (commented 'simulated')")
    pc.add_argument("--output", type=Path, help="write the diff here (default: print it)")
    pr = sub.add_parser("pair", help="measure a bench pair's inter-card lanes (one bench pod per board) and judge "
                                     "INTERCARD",
                        description="Place and reserve a bench pair from lab.yaml `pairs` (both boards or neither), "
                                    "start one bench pod per board (rank 0 upstream, rank 1 downstream), wait for "
                                    "the lanes to come up (ready / degraded / timeout), measure framed payload and "
                                    "PRBS both ways, judge the pair total per direction against "
                                    "INTERCARD_BW_BYTES_PER_SEC, print the table and write results/<run-id>.json "
                                    "as it goes. Exit status: 0 every verdict held and no bit errors, 1 otherwise, "
                                    "2 the run could not run or stayed Pending (pair busy) or Failed, 130 "
                                    "interrupted (Cancelled).")
    pr.add_argument("--pair", required=True, help="pair name from lab.yaml pairs")
    pr.add_argument("--placement", default="preferred", choices=("preferred", "strict"),
                    help="preferred (default: the pair if free, else another free pair of the same kind, profile "
                         "and lanes, and the result says so) or strict (only this pair; Pending while busy)")
    pr.add_argument("--timeout", type=_seconds, default=600.0,
                    help="seconds the run may stay Pending waiting for the pair, and for the run itself (default 600)")
    pr.add_argument("--link-timeout", type=_seconds, default=5.0, help="link-ready wait deadline in seconds (default 5)")
    pr.add_argument("--frames", type=_count, default=200, help="framed payload: frames per lane and direction")
    pr.add_argument("--frame-bytes", type=_frame_bytes, default=2048, help="framed payload: payload bytes per frame (even)")
    pr.add_argument("--prbs", default="prbs31", choices=("prbs7", "prbs15", "prbs31"), help="PRBS pattern: prbs7, prbs15 or prbs31 (default prbs31)")
    pr.add_argument("--prbs-seconds", type=_seconds, default=0.5, help="seconds of PRBS checking (default 0.5)")
    pr.add_argument("--constants", type=Path, help="Spanker bandwidth.rs (default: lab.yaml, else pinned values)")
    pr.add_argument("--results-dir", type=Path, help="where results/<run-id>.json go (default: lab.yaml results.dir)")
    hi = sub.add_parser("history", help="the history database: where it is and what it holds; import a bench "
                                        "PC's SQLite history into the lab's (lab.yaml history.url)")
    hs = hi.add_subparsers(dest="history_action", metavar="ACTION", required=True)
    hs.add_parser("info", help="where the history is, its schema, its complete runs and their hosts")
    hs.add_parser("import", help="copy FILE.sqlite's runs, records and health checks in, without duplicates "
                                 "(running it twice adds nothing)").add_argument("file", type=Path, metavar="FILE.sqlite")

    lg = sub.add_parser("labgrid", help="a lab on several hosts: create/update the labgrid places lab.yaml implies",
                        description="`sailbench labgrid sync` creates or updates, on lab.yaml's labgrid coordinator, "
                                    "the place of every board with `labgrid: {place: ...}` and of every pair with "
                                    "`place:`, and prints what it changed (nothing the second time). "
                                    "`--exporter-config HOST` prints the labgrid-exporter config for the boards on "
                                    "HOST instead (docs/labgrid.md).")
    lg.add_argument("action", choices=["sync"], help="sync: places from lab.yaml")
    lg.add_argument("--exporter-config", metavar="HOST", help="print the exporter config for HOST's boards and exit")
    return p


def _bench_options(b: argparse.ArgumentParser) -> None:
    """Options shared by `bench` and `nightly`."""
    b.add_argument("--constants", type=Path, help="Spanker bandwidth.rs to read the constants from "
                                                  "(default: lab.yaml scheduler.bandwidth_rs, else pinned rev-A values)")
    b.add_argument("--ddr-length", type=_ddr_length, default=1 << 20, help="bytes per DDR pass, power of two (default 1M)")
    b.add_argument("--ddr-base", type=_ddr_base, default=0, help="DRAM offset of the region (default 0)")
    b.add_argument("--patterns", type=_patterns, default=("sequential", "random"), help="comma list of sequential,random")
    b.add_argument("--repeats", type=_count, help="repeats per measurement (default: lab.yaml judgement.repeats)")
    b.add_argument("--clock-seconds", type=_seconds, default=3.0,
                   help="how long to count cycles against host time to measure the sys clock (default 3)")
    b.add_argument("--results-dir", type=Path, help="where results/<run-id>.json go (default: lab.yaml results.dir)")
    b.add_argument("--lock-wait", type=_seconds0, help="seconds to wait for a board another run holds "
                                                   "(default: lab.yaml locks.wait_s)")
    b.add_argument("--hostlink-count", type=_count0, default=1000,
                   help="UDP packets per host-link measurement, each direction (default 1000; 0 skips the host link)")
    b.add_argument("--no-sweep", action="store_true", help="skip the host-link payload-size sweep")


def _bench_settings(args):
    from sailbench.harness.run.bench import BenchSettings
    return BenchSettings(ddr_length=args.ddr_length, ddr_base=args.ddr_base, patterns=tuple(args.patterns),
                         repeats=args.repeats, clock_seconds=args.clock_seconds,
                         constants_path=args.constants, results_dir=args.results_dir, lock_wait_s=args.lock_wait,
                         **_hostlink_settings(args))


def _hostlink_settings(args) -> dict:
    out = {}
    if getattr(args, "hostlink_count", None) is not None:
        out["hostlink_count"] = args.hostlink_count
    if getattr(args, "no_sweep", False):
        out["hostlink_sweep"] = ()
    return out


def _progress(message: str) -> None:
    print(message, flush=True)


def _cmd_bench(args, lab) -> int:
    from contextlib import nullcontext
    from sailbench.harness.run.bench import render_outcome, report_measured_invariants, run_bench
    from sailbench.harness.record.history import open_history
    from sailbench.harness.record.history_sink import HistorySink
    from sailbench.harness.report.model import RunReport, board_report
    from sailbench.harness.report.write import write_reports
    settings = _bench_settings(args)
    t0 = time.monotonic()
    with (nullcontext() if args.no_history else open_history(lab)) as history:
        sinks = [] if history is None else [HistorySink(history, lab.history, _progress)]
        outcome = run_bench(lab, args.board or lab.default_board, settings, progress=_progress, sinks=sinks)
        results = outcome.results
        trend = history.trend(results.data["provenance"]["board"]) if history else []
        measured = report_measured_invariants(history, results) if history else None
    board = board_report(results.data, results.path, trend, duration_s=round(time.monotonic() - t0, 1))
    report = RunReport("bench", results.run_id, f"sailbench bench {results.run_id}", results.data["started"],
                       results.data["finished"], [board], outcome.exit_code)
    files = write_reports(report, results.path.parent, results.run_id)
    print()
    print(render_outcome(outcome))
    if measured is not None:
        print("\n".join(measured.lines()))
    print(f"report: {files.html} (JUnit XML: {files.junit})")
    print(f"bench took {time.monotonic() - t0:.1f} s")
    return outcome.exit_code


def _cmd_nightly(args, lab) -> int:
    if args.report_only:
        from sailbench.harness.run.lab_report import write_lab_report
        print(write_lab_report(lab, getattr(args, "results_dir", None), progress=_progress).text())
        return 0
    from sailbench.harness.run.nightly import NightlySettings, render_summary, run_nightly
    outcome = run_nightly(lab, NightlySettings(tag=args.tag, bench=_bench_settings(args)), progress=_progress)
    print(render_summary(outcome))
    return outcome.exit_code


def _cmd_bringup(args, lab) -> int:
    from sailbench.harness.run.bringup import render_bringup, run_bringup
    report = run_bringup(lab, args.board, progress=_progress, lock_wait_s=args.lock_wait, full=args.full)
    print()
    print(render_bringup(report))
    return report.exit_code


def _cmd_boards(args, lab) -> int:
    print(f"boards in {lab.path}:")
    for name, b in lab.boards.items():
        where = "simulated (Verilator, netns)" if b.kind == "sim" else (b.serial or (b.etherbone and b.etherbone.ip))
        default = "  (default)" if name == lab.default_board else ""
        print(f"  {name:16} {b.kind:9} profile={b.profile:12} {where}  tags={','.join(b.tags)}{default}")
    return 0


def _cmd_ident(args, lab) -> int:
    from sailbench.harness.board.board import open_board
    with open_board(lab.board(args.board or lab.default_board), progress=print) as board:
        print(f"{board.name}: {board.identifier}")
        print(f"  build {board.build_dir}  port {board.port}")
    return 0


def _cmd_sim(args, lab) -> int:
    from sailbench.harness.board.board import open_board
    cfg = lab.board(args.board or lab.default_board)
    if cfg.kind != "sim":
        raise SailbenchError(f"board '{cfg.name}' is kind '{cfg.kind}', not a simulated board")
    with open_board(cfg, progress=print) as board:
        ns = board.sim.netns.name
        print(f"simulated board '{board.name}' running: {board.identifier}")
        print(f"  UART (UARTBone): {board.sim.uart_url} inside network namespace {ns}")
        eb = board.manifest.etherbone
        if eb:
            print(f"  Etherbone: udp://{eb.soc_ip}:{eb.port} inside {ns} (host side {eb.host_ip} on tap0)")
        print(f"  e.g.: ip netns exec {ns} litex_server --udp --udp-ip {eb.soc_ip if eb else ''}")
        print(f"  csr.json: {board.build_dir / 'csr.json'}")
        print("Ctrl-C to stop.")
        while board.sim.alive():
            time.sleep(0.5)
        board.sim.check_alive()
    return 0


def _cmd_build(args, lab) -> int:
    cfg = lab.board(args.board or lab.default_board)
    if cfg.kind == "sim":
        from sailbench.harness.build.cache import ensure_board_sim_build
        out = ensure_board_sim_build(cfg, progress=print)
        print(f"simulated board '{cfg.name}' built: {out}")
        return 0
    from sailbench.harness.run.build_command import build_board
    return build_board(lab, cfg, allow_timing_fail=args.allow_timing_fail or cfg.allow_timing_fail,
                       results_dir=args.results_dir)


def _cmd_load(args, lab) -> int:
    from sailbench.harness.board import loader
    from sailbench.harness.board.board import connect_hardware, wait_identifier
    from sailbench.harness.build.manifest import read_build_manifest
    cfg = lab.board(args.board or lab.default_board)
    result = loader.load(cfg, flash=args.flash, progress=print, allow_timing_fail=args.allow_timing_fail or None)
    print(result)
    build_dir = Path(result.build_dir)
    with connect_hardware(cfg, build_dir, read_build_manifest(build_dir)) as board:
        wait_identifier(board)
        print(f"board '{cfg.name}' runs this build: {board.identifier} (on {board.port})")
    return 0


def _cmd_pair(args, lab) -> int:
    from sailbench.harness.errors import PairCancelled, PairError, PairPendingError
    from sailbench.harness.run.pair.runner import PairRun, PairSettings
    from sailbench.harness.run.pair.table import exit_code, render_pair
    from sailbench.harness.run.pair.placement import check_placement
    check_placement(args.placement)                  # rejected before anything starts
    settings = PairSettings(placement=args.placement, timeout_s=args.timeout, link_timeout_s=args.link_timeout,
                            payload_frames=args.frames, payload_length=args.frame_bytes, prbs_pattern=args.prbs,
                            prbs_seconds=args.prbs_seconds, results_dir=args.results_dir,
                            constants_path=args.constants)
    run = PairRun(lab, args.pair, settings, progress=_progress).start()
    try:
        result = run.wait_until_complete(args.timeout * 2 + 120)
        run.join(30)
    except KeyboardInterrupt:
        run.cancel("interrupted (Ctrl-C)")
        run.join(30)
        raise
    except PairPendingError as e:
        print(f"sailbench: Pending: {e.reason}", file=sys.stderr)
        print(f"results: {run.results.path if run.results else '-'}")
        return EXIT_ERROR
    except PairCancelled:
        raise KeyboardInterrupt from None
    except PairError as e:
        run.cancel("gave up waiting")
        run.join(30)
        print(f"sailbench: error: {e}", file=sys.stderr)
        print(f"results: {run.results.path if run.results else '-'}")
        return EXIT_ERROR
    print()
    print(render_pair(result))
    return exit_code(result)


def _cmd_sweep(args, lab) -> int:
    from contextlib import nullcontext
    from sailbench.harness.record.history import open_history
    from sailbench.harness.record.history_sink import HistorySink
    from sailbench.harness.run.sweep import render_sweep, run_ddr_sweep
    clocks = args.clocks
    with (nullcontext() if args.no_history else open_history(lab)) as history:
        sinks = [] if history is None else [HistorySink(history, lab.history, _progress)]
        outcome = run_ddr_sweep(lab, args.board or lab.default_board, clocks, length=args.ddr_length,
                                bitstreams=args.bitstreams, results_dir=args.results_dir, progress=_progress, sinks=sinks)
    print()
    print(render_sweep(outcome))
    for path in outcome.artifacts:
        print(f"plot: {path}")
    print(f"results: {outcome.results.path}")
    return 0 if all(not p.error for p in outcome.points) else 1


def _cmd_propose(args, lab) -> int:
    from sailbench.harness.run.propose import propose_from_lab
    text = propose_from_lab(lab, profile=args.profile, results=args.results, constants_path=args.constants,
                            allow_simulated=args.allow_simulated)
    if args.output:
        args.output.write_text(text.diff)
        print(f"diff written to {args.output}")
    else:
        print(text.diff, end="")
    print(text.summary)
    return 0


def _cmd_history(args, lab) -> int:
    from sailbench.harness.run.history_import import history_command
    return history_command(lab, args.history_action, getattr(args, "file", None), progress=_progress)


def _cmd_labgrid(args, lab) -> int:
    from sailbench.harness.run.labgrid_sync import exporter_config, sync_places
    if args.exporter_config:
        print(exporter_config(lab, args.exporter_config), end="")
        return 0
    sync_places(lab, progress=_progress)
    return 0


def _on_sigterm(signum, frame):
    raise KeyboardInterrupt


def _step_log(verbose: bool, log_file: Path | None) -> list[logging.Handler]:
    """The `sailbench.*` loggers (harness/steps.py) at DEBUG: to stderr with -v, to a file with
    --log-file. Without either nothing is configured, so the output is only the progress lines."""
    handlers: list[logging.Handler] = []
    if verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
    if log_file is not None:
        try:
            handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
        except OSError as e:
            raise ConfigError(f"cannot write the log file {log_file}: {e.strerror or e}") from e
    logger = logging.getLogger("sailbench")
    for handler in handlers:
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
        logger.addHandler(handler)
    if handlers:
        logger.setLevel(logging.DEBUG)
    return handlers


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _check_together(parser, args)
    if not args.command:
        _parser().print_help()
        return EXIT_ERROR
    signal.signal(signal.SIGTERM, _on_sigterm)   # a killed run cleans up like Ctrl-C
    handlers: list[logging.Handler] = []
    try:
        handlers = _step_log(args.verbose, args.log_file)
        from sailbench.harness.config.lab import find_lab, load_lab
        lab = load_lab(find_lab(args.lab))
        return {"bench": _cmd_bench, "pair": _cmd_pair, "boards": _cmd_boards, "ident": _cmd_ident, "sim": _cmd_sim,
                "build": _cmd_build, "load": _cmd_load,
                "nightly": _cmd_nightly, "bringup": _cmd_bringup, "labgrid": _cmd_labgrid, "sweep": _cmd_sweep,
                "propose-constants": _cmd_propose, "history": _cmd_history}[args.command](args, lab)
    except SailbenchError as e:
        print(f"sailbench: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("sailbench: interrupted; what was measured is kept in the results file", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        for handler in handlers:
            logging.getLogger("sailbench").removeHandler(handler)
            handler.close()
        if handlers:
            logging.getLogger("sailbench").setLevel(logging.NOTSET)


if __name__ == "__main__":
    sys.exit(main())
