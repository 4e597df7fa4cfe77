"""`sailbench`: the bench's command line.

    sailbench bench --board sim          measure, judge, print the table, write results
    sailbench boards                     list the boards lab.yaml defines
    sailbench ident --board sim          open a board and print who it is
    sailbench sim                        run the simulated board until Ctrl-C (for poking at it)
    sailbench build --board versa-ecp5   build a board's bitstream (or simulation) and print its timing report
    sailbench load --board versa-ecp5    load it with openFPGALoader (SRAM; --flash) and check the identifier

Exit status of `bench`: 0 every verdict held, 1 a verdict or invariant did not
hold or the checker found errors, 2 the bench could not run (board, config,
tool), 130 interrupted (partial results are kept).
"""
from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from harness.errors import SailbenchError

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


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="sailbench",
        description="Hardware-in-the-loop bench for ECP5 sail cards: measure DDR (and later host-link and "
                    "inter-card) bandwidth from hardware cycle counters and judge the Spanker scheduler's "
                    "constants.",
        epilog="The simulated board 'sim' (the default) needs no hardware: the probe SoC runs under "
               "Verilator inside a network namespace (root needed). See README.md.")
    p.add_argument("--lab", help="lab file (default: $SAILBENCH_LAB, ./lab.yaml, then the repository's lab.yaml)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser("bench", help="measure a board and judge the scheduler's constants",
                       description="Open the board (building/starting the simulated one if needed), measure "
                                   "its sys clock and DDR throughput (BIST write then read, sequential and "
                                   "random, repeated), print one table and write results/<run-id>.json as "
                                   "each figure is measured.")
    b.add_argument("--board", help="board name from lab.yaml (default: lab.yaml default_board, 'sim')")
    b.add_argument("--constants", type=Path, help="Spanker bandwidth.rs to read the constants from "
                                                  "(default: lab.yaml scheduler.bandwidth_rs, else pinned rev-A values)")
    b.add_argument("--ddr-length", type=_size, default=1 << 20, help="bytes per DDR pass, power of two (default 1M)")
    b.add_argument("--ddr-base", type=_size, default=0, help="DRAM offset of the region (default 0)")
    b.add_argument("--patterns", default="sequential,random", help="comma list of sequential,random")
    b.add_argument("--repeats", type=int, help="repeats per measurement (default: lab.yaml judgement.repeats)")
    b.add_argument("--clock-seconds", type=float, default=3.0,
                   help="how long to count cycles against host time to measure the sys clock (default 3)")
    b.add_argument("--results-dir", type=Path, help="where results/<run-id>.json go (default: lab.yaml results.dir)")

    sub.add_parser("boards", help="list the boards in lab.yaml")

    i = sub.add_parser("ident", help="open a board and print its identifier and build")
    i.add_argument("--board")

    s = sub.add_parser("sim", help="run the simulated board until Ctrl-C and print how to reach it")
    s.add_argument("--board", default=None, help="a kind: sim board from lab.yaml (default: the default board)")

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
    return p


def _cmd_bench(args, lab) -> int:
    from harness.bench import BenchSettings, render_outcome, run_bench
    patterns = tuple(x.strip() for x in args.patterns.split(",") if x.strip())
    settings = BenchSettings(ddr_length=args.ddr_length, ddr_base=args.ddr_base, patterns=patterns,
                             repeats=args.repeats, clock_seconds=args.clock_seconds,
                             constants_path=args.constants, results_dir=args.results_dir)
    t0 = time.monotonic()
    outcome = run_bench(lab, args.board or lab.default_board, settings, say=lambda m: print(m, flush=True))
    print()
    print(render_outcome(outcome))
    print(f"bench took {time.monotonic() - t0:.1f} s")
    return outcome.exit_code


def _cmd_boards(args, lab) -> int:
    print(f"boards in {lab.path}:")
    for name, b in lab.boards.items():
        where = "simulated (Verilator, netns)" if b.kind == "sim" else (b.serial or (b.etherbone and b.etherbone.ip))
        default = "  (default)" if name == lab.default_board else ""
        print(f"  {name:16} {b.kind:9} profile={b.profile:12} {where}  tags={','.join(b.tags)}{default}")
    return 0


def _cmd_ident(args, lab) -> int:
    from harness.board import open_board
    with open_board(lab.board(args.board or lab.default_board), progress=print) as board:
        print(f"{board.name}: {board.identifier}")
        print(f"  build {board.build_dir}  port {board.port}")
    return 0


def _cmd_sim(args, lab) -> int:
    from harness.board import open_board
    cfg = lab.board(args.board or lab.default_board)
    if cfg.kind != "sim":
        raise SailbenchError(f"board '{cfg.name}' is kind '{cfg.kind}', not a simulated board")
    with open_board(cfg, progress=print) as board:
        ns = board.sim.netns.name
        print(f"simulated board '{board.name}' running: {board.identifier}")
        print(f"  UART (UARTBone): {board.sim.uart_url} inside network namespace {ns}")
        if board.manifest.get("etherbone"):
            eb = board.manifest["etherbone"]
            print(f"  Etherbone: udp://{eb['soc_ip']}:{eb['port']} inside {ns} (host side {eb['host_ip']} on tap0)")
        print(f"  e.g.: ip netns exec {ns} litex_server --udp --udp-ip {board.manifest.get('etherbone', {}).get('soc_ip', '')}")
        print(f"  csr.json: {board.build_dir / 'csr.json'}")
        print("Ctrl-C to stop.")
        while board.sim.alive():
            time.sleep(0.5)
        board.sim.check_alive()
    return 0


def _cmd_build(args, lab) -> int:
    cfg = lab.board(args.board or lab.default_board)
    if cfg.kind == "sim":
        from harness.builds import ensure_sim_build
        out = ensure_sim_build(cfg.profile, with_dram=cfg.sim.dram if cfg.sim else True,
                               with_ethernet=cfg.sim.ethernet if cfg.sim else True, progress=print)
        print(f"simulated board '{cfg.name}' built: {out}")
        return 0
    from harness.build_run import build_board
    return build_board(lab, cfg, allow_timing_fail=args.allow_timing_fail or cfg.allow_timing_fail,
                       results_dir=args.results_dir)


def _cmd_load(args, lab) -> int:
    from harness import loader
    from harness.board import connect_hardware, wait_identifier
    from harness.builds import read_build_manifest
    cfg = lab.board(args.board or lab.default_board)
    result = loader.load(cfg, flash=args.flash, progress=print, allow_timing_fail=args.allow_timing_fail or None)
    print(result)
    build_dir = Path(result.build_dir)
    with connect_hardware(cfg, build_dir, read_build_manifest(build_dir)) as board:
        wait_identifier(board)
        print(f"board '{cfg.name}' runs this build: {board.identifier} (on {board.port})")
    return 0


def _on_sigterm(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.command:
        _parser().print_help()
        return EXIT_ERROR
    signal.signal(signal.SIGTERM, _on_sigterm)   # a killed run cleans up like Ctrl-C
    try:
        from harness.config import find_lab, load_lab
        lab = load_lab(find_lab(args.lab))
        return {"bench": _cmd_bench, "boards": _cmd_boards, "ident": _cmd_ident, "sim": _cmd_sim,
                "build": _cmd_build, "load": _cmd_load}[args.command](args, lab)
    except SailbenchError as e:
        print(f"sailbench: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("sailbench: interrupted; what was measured is kept in the results file", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
