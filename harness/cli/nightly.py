"""`sailbench nightly`: every board and pair in lab.yaml (or a tag), health check, bench, history, report."""
from __future__ import annotations

import argparse

from sailbench.harness.cli import options
from sailbench.harness.cli.bench import bench_options, bench_settings

NAME = "nightly"
KEEPS_RESULTS = True   # writes results/<run-id>.json as it measures (kept on Ctrl-C)
HELP = "bench every board in lab.yaml (or a tag): health check, probes, history, regression alarms, HTML and JUnit report"
DESCRIPTION = ("For each board in lab.yaml (or those with --tag): skip it if quarantined, take its lock, open it, "
               "check its health (identifier, scratch), then run the bench's probes; then each bench pair. Records "
               "go to results/<run-id>.json and the history database; each figure is compared with its baseline. "
               "Writes results/<night-id>.html, .junit.xml and .json. Exit status: a sum of 1 (a verdict did not "
               "hold), 4 (a measurement failed or regressed) and 8 (a board could not be measured); 2 if it could "
               "not run at all.")


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--tag", help="only the boards and pairs with this tag in lab.yaml")
    p.add_argument("--report-only", action="store_true",
                   help="measure nothing: draw the lab's latest night (every host's boards and pairs, trends per "
                        "figure, which host measured what) from the shared history (lab.yaml history.url)")
    bench_options(p)


def run(args: argparse.Namespace, lab) -> int:
    if args.report_only:
        from sailbench.harness.run.lab_report import write_lab_report
        print(write_lab_report(lab, getattr(args, "results_dir", None), progress=options.progress).text())
        return 0
    from sailbench.harness.cli.ddr_region import check_ddr_region
    from sailbench.harness.run.nightly import NightlySettings, render_summary, run_nightly, select_boards
    check_ddr_region(lab, select_boards(lab, args.tag), args.ddr_length, args.ddr_base)
    outcome = run_nightly(lab, NightlySettings(tag=args.tag, bench=bench_settings(args)), progress=options.progress)
    print(render_summary(outcome))
    return outcome.exit_code
