"""`sailbench pair`: measure a bench pair's inter-card lanes and judge INTERCARD (run/pair/runner.py)."""
from __future__ import annotations

import argparse
import sys

from sailbench.harness.cli import options
from sailbench.harness.exit_codes import EXIT_ERROR

NAME = "pair"
KEEPS_RESULTS = True   # writes results/<run-id>.json as it measures (kept on Ctrl-C)
HELP = "measure a bench pair's inter-card lanes (one bench pod per board) and judge INTERCARD"
DESCRIPTION = ("Place and reserve a bench pair from lab.yaml `pairs` (both boards or neither), start one bench pod "
               "per board (rank 0 upstream, rank 1 downstream), wait for the lanes to come up (ready / degraded / "
               "timeout), measure framed payload and PRBS both ways, judge the pair total per direction against "
               "INTERCARD_BW_BYTES_PER_SEC, print the table and write results/<run-id>.json as it goes, then record "
               "the run in the history (unless --no-history). Exit "
               "status: 0 every verdict held and no bit errors, 1 otherwise, 2 the run could not run or stayed "
               "Pending (pair busy) or Failed, 130 interrupted (Cancelled).")


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pair", required=True, help="pair name from lab.yaml pairs")
    p.add_argument("--line-rate", type=float, choices=(1.25, 2.5, 3.125, 5.0),
                   help="lane line rate in Gb/s (default: the pair's line_rate in lab.yaml, else 1.25)")
    p.add_argument("--coding", choices=("8b10b", "64b66b"),
                   help="lane line code (default: the pair's coding in lab.yaml, else 8b10b)")
    p.add_argument("--placement", default="preferred", choices=("preferred", "strict"),
                   help="preferred (default: the pair if free, else another free pair of the same kind, profile "
                        "and lanes, and the result says so) or strict (only this pair; Pending while busy)")
    p.add_argument("--timeout", type=options.seconds, default=600.0,
                   help="seconds the run may stay Pending waiting for the pair (default 600)")
    p.add_argument("--link-timeout", type=options.seconds, default=5.0,
                   help="link-ready wait deadline in seconds (default 5)")
    p.add_argument("--frames", type=options.count, default=200, help="framed payload: frames per lane and direction")
    p.add_argument("--frame-bytes", type=options.frame_bytes, default=2048,
                   help="framed payload: payload bytes per frame (even)")
    p.add_argument("--prbs", default="prbs31", choices=("prbs7", "prbs15", "prbs31"),
                   help="PRBS pattern: prbs7, prbs15 or prbs31 (default prbs31)")
    p.add_argument("--prbs-seconds", type=options.seconds, default=0.5, help="seconds of PRBS checking (default 0.5)")
    p.add_argument("--fault", action="append", type=_fault, default=[], metavar="ROLE:LANE:KNOB=N",
                   help="simulated pair: set a fault knob of a lane's receiver before the link-ready wait, e.g. "
                        "downstream:1:cut=1 (a dead lane); repeatable")
    options.constants(p)
    options.results_dir(p)
    options.no_history(p)


def record_in_history(lab, results_path) -> None:
    """The finished pair run into the history database (as the nightly records its pairs), so
    `propose-constants` and the comparisons see standalone pair runs too."""
    from sailbench.harness.record.history_sink import store_finished_run
    from sailbench.harness.report.model import load_results
    from sailbench.harness.run.recording import recording
    with recording(lab, True, options.progress) as (history, _):
        for c in store_finished_run(history, lab.history, load_results(str(results_path)), str(results_path),
                                    kind="pair"):
            if c.regressed:
                options.progress(c.message)
    from sailbench.harness.record.history import history_location
    options.progress(f"recorded in the history {history_location(lab)}")


def _fault(text: str) -> dict:
    """ROLE:LANE:KNOB=N -> a PairSettings fault ({"role", "lane", "knobs"})."""
    try:
        role, lane, knob = text.split(":")
        name, value = knob.split("=")
        if role not in ("upstream", "downstream"):
            raise ValueError
        return {"role": role, "lane": int(lane), "knobs": {name: int(value, 0)}}
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not ROLE:LANE:KNOB=N (e.g. downstream:1:cut=1)") from None


def run(args: argparse.Namespace, lab) -> int:
    from sailbench.harness.errors import PairCancelled, PairError, PairPendingError
    from sailbench.harness.run.pair.runner import PairRun, PairSettings, run_pair_to_end
    from sailbench.harness.run.pair.table import exit_code, render_pair
    from sailbench.harness.run.sweep_lanes import with_lane_rate
    lab = with_lane_rate(lab, args.line_rate, args.coding, requested=args.pair)
    settings = PairSettings(placement=args.placement, timeout_s=args.timeout, link_timeout_s=args.link_timeout,
                            payload_frames=args.frames, payload_length=args.frame_bytes, prbs_pattern=args.prbs,
                            prbs_seconds=args.prbs_seconds, results_dir=args.results_dir, faults=args.fault,
                            constants_path=args.constants)
    run = PairRun(lab, args.pair, settings, progress=options.progress)     # checks the placement first
    from sailbench.harness.report.run_files import write_run_reports
    from sailbench.harness.run.stopped import report_stopped_run
    try:
        result = run_pair_to_end(run)
    except (KeyboardInterrupt, PairCancelled):
        if run.results is not None:
            return report_stopped_run("pair", KeyboardInterrupt(), run.results.path, 0.0)
        raise KeyboardInterrupt from None
    except PairError as e:
        if not isinstance(e, PairPendingError) and run.results is not None and run.results.data.get("records"):
            return report_stopped_run("pair", e, run.results.path, 0.0)
        why = f"Pending: {e.reason}" if isinstance(e, PairPendingError) else f"error: {e}"
        print(f"sailbench: {why}", file=sys.stderr)
        print(f"results: {run.results.path if run.results else '-'}")
        return EXIT_ERROR
    if not args.no_history and run.results is not None:
        record_in_history(lab, run.results.path)
    print()
    print(render_pair(result, header=False))            # placement and link wait: said as progress
    reports = write_run_reports("pair", result.results_path)
    not_judged = sum(j.verdict.verdict == "not judged" for j in result.judgements)
    print(reports.outcome.headline(not_judged))         # what the exit status, JUnit and HTML say
    print(f"report: {reports.files.html} (JUnit XML: {reports.files.junit})")
    return exit_code(result)
