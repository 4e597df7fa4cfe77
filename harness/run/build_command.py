"""`sailbench build` for a real board: build, print the report, record it, give the verdict.

The report (utilisation, per clock achieved vs required MHz) is printed
whatever the verdict and recorded in results/<run-id>.json as a `build`
record with the bitstream's provenance. Exit status: 0 built and every clock
met (or a failure allowed, printed as a warning); 1 a clock fails timing.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

from sailbench.harness.build.bitstream import Bitstream, TimingFailedError, ensure_bitstream, judge_timing
from sailbench.harness.config import BoardConfig, Lab
from sailbench.harness.exit_codes import EXIT_FAILED, EXIT_OK
from sailbench.harness.record.results import ResultsFile, new_run_id, provenance



def build_record(bitstream: Bitstream, allowed: bool) -> dict:
    m = bitstream.manifest
    return {"probe": "build", "board": bitstream.board, "profile": m.profile, "fpga": m.fpga,
            "build_dir": str(bitstream.build_dir), "bitstream": str(bitstream.path),
            "build_seconds": m.build_seconds, "step_seconds": m.step_seconds,
            "timing_allowed_to_fail": allowed, "report": m.report.to_dict()}


def build_board(lab: Lab, config: BoardConfig, allow_timing_fail: bool = False, results_dir: Path | None = None,
                progress: Callable[[str], None] = print) -> int:
    results = ResultsFile(new_run_id(config.name), results_dir or lab.results_dir,
                          provenance(config.name, config.profile, None))
    with results:
        bitstream = ensure_bitstream(config, progress=progress)
        results.update_provenance(gateware_hash=bitstream.manifest.hash, build_dir=str(bitstream.build_dir),
                                  identifier=bitstream.manifest.identifier)
        results.add_record(build_record(bitstream, allow_timing_fail))
        progress("")
        progress(bitstream.report_text)
        progress(f"bitstream: {bitstream.path}")
        progress(f"report:    {bitstream.report_path} (and report.json beside it); results: {results.path}")
        try:
            judge_timing(bitstream, allow_timing_fail)
        except TimingFailedError as e:
            results.add_error(e)
            results.set_status("failed")
            print(f"sailbench: error: {e}", file=sys.stderr)
            return EXIT_FAILED
        if not bitstream.timing_passed:
            progress(f"WARNING: TIMING FAILED, allowed by --allow-timing-fail: {bitstream.failing_summary()}; "
                "this bitstream may misbehave in those clock domains (recorded in the results)")
        results.set_status("passed")
    return EXIT_OK


def build_command(lab: Lab, config: BoardConfig, *, allow_timing_fail: bool = False, results_dir: Path | None = None,
                  progress: Callable[[str], None] = print) -> int:
    """`sailbench build`: a simulated board's Verilator build, or a real board's bitstream (build_board);
    lab.yaml's allow_timing_fail for the board counts as --allow-timing-fail."""
    if config.kind.simulated:
        from sailbench.harness.build.cache import ensure_board_sim_build
        out = ensure_board_sim_build(config, progress=progress)
        progress(f"simulated board '{config.name}' built: {out}")
        return EXIT_OK
    return build_board(lab, config, allow_timing_fail=allow_timing_fail or config.allow_timing_fail,
                       results_dir=results_dir, progress=progress)
