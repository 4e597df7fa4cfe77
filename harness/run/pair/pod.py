"""A bench pod: one process per board of a pair, driven over stdin/stdout JSON lines.

    python -m sailbench.harness.run.pair.pod --rank 0 --role upstream --board sim-pair-up \\
        --build-dir build/simpair-... --url socket://127.0.0.1:PORT        (simulated pair, inside its netns)
    python -m sailbench.harness.run.pair.pod --rank 1 --role downstream --board card-b --lab lab.yaml   (hardware)

The pod connects to its board and checks the identifier, then prints
{"event": "hello", ...}. After that it answers one JSON request a line,
{"op": NAME, "args": {...}}, with {"ok": true, "result": ...} or
{"ok": false, "error": "...", "type": "..."}; a failing step does not end the
pod (the runner decides). "exit" or end of input ends it with status 0. Its
log goes to stderr (the runner keeps the last lines). Exit status 3: the
board could not be reached.
"""
from __future__ import annotations

import argparse
from contextlib import ExitStack
import json
import random
import sys
import time
from pathlib import Path
from typing import Any, Callable

from sailbench.harness.board.board import Board
from sailbench.harness.errors import SailbenchError
from sailbench.harness.exit_codes import EXIT_NO_BOARD
from sailbench.harness.probes.clock import rate_clock_hz
from sailbench.harness.probes.lanes import GROUP, Lanes, lane_indexes



def _progress(message: str) -> None:
    print(f"[pod {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _send(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def _keys(per_lane: dict[int, Any]) -> dict[str, Any]:
    return {str(k): v for k, v in per_lane.items()}


def _cycles(board: Board) -> int:
    board.csr.write("cycles_latch", 1)
    return board.csr.read("cycles_value")


class Pod:
    def __init__(self, board: Board, rank: int, role: str):
        self.board = board
        self.rank = rank
        self.role = role

    def lanes(self, args: dict[str, Any]) -> Lanes:
        return Lanes.of(self.board, args.get("lanes"))

    def steps(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        return {
            "ident": lambda a: self.board.check_identifier(),
            "scratch": self.scratch,
            "cycles": lambda a: self.cycles(a.get("gap_s", 0.05)),
            "sleep": lambda a: time.sleep(float(a.get("seconds", 0))),
            "lane_states": lambda a: _keys(self.lanes(a).states()),
            "lane_counters": lambda a: {"word_clk_hz": self.lanes(a).word_clk_hz(),
                                        "lanes": _keys(self.lanes(a).counters())},
            "lane_group_latch": lambda a: {**(g := self.lanes(a).group_latch()), "lanes": _keys(g["lanes"]),
                                           "word_clk_hz": self.lanes(a).word_clk_hz()},
            "sys_clock": lambda a: rate_clock_hz(self.board, float(a["tolerance"]),
                                                 float(a.get("seconds", 1.0))).to_record(),
            "lane_clear": lambda a: self.lanes(a).clear(),
            "prbs": lambda a: self.lanes(a).prbs(a.get("pattern")),
            "fault": lambda a: self.lanes({"lanes": [a["lane"]]}).fault(a["lane"], **a.get("knobs", {})),
            "inject_errors": lambda a: self.lanes({"lanes": [a["lane"]]}).inject_errors(
                a["lane"], int(a["mask"]), int(a.get("words_ahead", 20_000))),
            "payload_start": lambda a: self.lanes(a).payload_start(int(a["frames"]), int(a["length"])),
        }

    def scratch(self, args: dict[str, Any]) -> dict[str, int]:
        value = int(args.get("value", random.getrandbits(32)))
        self.board.csr.write("ctrl_scratch", value)
        back = self.board.csr.read("ctrl_scratch")
        if back != value:
            raise SailbenchError(f"board '{self.board.name}': scratch wrote {value:#010x}, read {back:#010x}")
        return {"wrote": value, "read": back}

    def cycles(self, gap_s: float) -> dict[str, int]:
        c0 = _cycles(self.board)
        time.sleep(gap_s)
        c1 = _cycles(self.board)
        if c1 <= c0:
            raise SailbenchError(f"board '{self.board.name}': cycle counter did not advance ({c0} -> {c1})")
        return {"first": c0, "second": c1}

    def serve(self, stdin=sys.stdin) -> int:
        steps = self.steps()
        for line in stdin:
            line = line.strip()
            if not line:
                continue
            try:
                request = json.loads(line)
                op, args = request["op"], request.get("args", {})
            except (ValueError, KeyError, TypeError) as e:
                _send({"ok": False, "error": f"bad request {line[:80]!r}: {e}", "type": "ProtocolError"})
                continue
            if op == "exit":
                _send({"ok": True, "result": None})
                return 0
            t0 = time.monotonic()
            try:
                if op not in steps:
                    raise SailbenchError(f"unknown step {op!r}; steps: {', '.join(sorted(steps))}")
                result = steps[op](args)
                _send({"ok": True, "result": result})
                _progress(f"{op} done in {time.monotonic() - t0:.3f} s")
            except Exception as e:   # noqa: BLE001 - a failing step is reported, the runner decides
                _progress(f"{op} failed: {type(e).__name__}: {e}")
                _send({"ok": False, "error": str(e) or repr(e), "type": type(e).__name__})
        return 0


def _connect(a: argparse.Namespace, stack: ExitStack) -> Board:
    if a.build_dir:
        from sailbench.harness.build.manifest import read_build_manifest
        from sailbench.harness.board.sim_pair import connect_role
        build = Path(a.build_dir)
        return stack.enter_context(connect_role(build, read_build_manifest(build), a.role, a.url, a.board,
                                                timeout_s=a.timeout_s))
    from sailbench.harness.board.factory import LockPolicy, open_locked_board
    from sailbench.harness.config import load_lab
    return stack.enter_context(open_locked_board(load_lab(a.lab), a.board, _progress,
                                                 lock=LockPolicy.CALLER_HOLDS)).board   # the runner holds the pair


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="One bench pod (one board of a bench pair), driven over stdin/stdout.")
    p.add_argument("--rank", type=int, required=True)
    p.add_argument("--role", choices=("upstream", "downstream"), required=True)
    p.add_argument("--board", required=True)
    p.add_argument("--build-dir", help="simulated pair build directory (with --url)")
    p.add_argument("--url", help="the role's UART URL (simulated pair)")
    p.add_argument("--lab", help="lab.yaml (hardware boards)")
    p.add_argument("--timeout-s", type=float, default=2.0)
    a = p.parse_args(argv)
    _progress(f"rank {a.rank} ({a.role}) connecting to board '{a.board}'")
    with ExitStack() as stack:
        try:
            board = _connect(a, stack)
        except SailbenchError as e:
            _progress(f"cannot reach board: {e}")
            _send({"event": "fatal", "error": str(e), "type": type(e).__name__})
            return EXIT_NO_BOARD
        _send({"event": "hello", "rank": a.rank, "role": a.role, "board": a.board, "identifier": board.identifier,
               "lanes": lane_indexes(board.regmap), "lane_group": f"{GROUP}_latch" in board.regmap,
               "sys_clk_hz": board.nominal_sys_clk_hz,
               "build_hash": board.build_hash,
               "failing_clocks": list(board.manifest.report.failing_clocks) if board.manifest.report else []})
        _progress(f"ready: {board.identifier}")
        return Pod(board, a.rank, a.role).serve()


if __name__ == "__main__":
    sys.exit(main())
