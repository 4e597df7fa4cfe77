"""`sailbench board`: check a board profile before building, or scaffold one from an LPF."""
from __future__ import annotations

import argparse
from pathlib import Path

from sailbench.harness.errors import ConfigError

NAME = "board"
HELP = "board profiles: check one before building, or scaffold one from an LPF"
DESCRIPTION = ("`board check FILE` validates a profile file before any long build: part and package, every pin a "
               "ball of the package, one VCCIO per bank, DDR byte lanes in their DQS groups, the SerDes channel "
               "budget, then a synthesis and nextpnr --pack-only. `board new --from-lpf LPF` writes a profile "
               "from a Lattice LPF. Exit status: 0 passed / written, 1 a check failed, 2 could not run. "
               "See docs/boards.md.")


def arguments(p: argparse.ArgumentParser) -> None:
    bs = p.add_subparsers(dest="board_command", metavar="ACTION", required=True)
    c = bs.add_parser("check", help="validate a board profile file (static checks and a pins-only pack: seconds)",
                      description="Static checks of a profile file (part, package, balls, banks, DQS groups, SerDes "
                                  "budget), then synthesis and nextpnr --pack-only of a pins-only design: every pin "
                                  "of the profile with the I/O standard and attributes the build gives it, the DDR "
                                  "pins through ECP5DDRPHY (DQS groups); nextpnr names any signal it rejects.")
    c.add_argument("file", type=Path, help="the profile file (e.g. gateware/boards/versa-ecp5.yaml)")
    c.add_argument("--no-pack", action="store_true", help="static checks only: no synthesis and pack")
    c.add_argument("--full-pack", action="store_true",
                   help="pack the whole probe SoC instead of the pins-only design (its cores too: the RGMII "
                        "PHY's delay cells, the lane probes; minutes of synthesis)")
    n = bs.add_parser("new", help="scaffold a board profile from a Lattice LPF",
                      description="Write a profile file from a Lattice LPF (LOCATE COMP / IOBUF PORT lines), "
                                  "asking by flag only for what an LPF cannot say.")
    n.add_argument("--from-lpf", type=Path, required=True, metavar="LPF", help="the LPF (LOCATE COMP / IOBUF PORT)")
    n.add_argument("--output", "-o", type=Path, required=True, help="the profile file to write (NAME.yaml)")
    n.add_argument("--part", required=True, help="the FPGA part, e.g. LFE5UM5G-85F")
    n.add_argument("--package", help="the package (default: the one package all the LPF's balls fit)")
    n.add_argument("--speed-grade", type=int, default=8, choices=(6, 7, 8))
    n.add_argument("--dram-part", help="the DRAM part (litedram.modules name), e.g. MT41K128M16")
    n.add_argument("--speed-bin", help="its JEDEC speed bin, e.g. DDR3-1600K")
    n.add_argument("--host-phy", choices=("rgmii", "sgmii"), help="the host-link PHY, if any")


def run(args: argparse.Namespace, lab) -> int:
    if args.board_command == "check":
        from sailbench.harness.run.board_check import run_board_check
        return run_board_check(args.file, pack=not args.no_pack, full_pack=args.full_pack,
                               progress=lambda m: print(m, flush=True))
    from sailbench.harness.run.board_new import NewBoard, run_board_new
    if args.output.suffix != ".yaml":
        raise ConfigError("the profile file's name is NAME.yaml (the name is the profile's)", path=str(args.output))
    new = NewBoard(name=args.output.stem, part=args.part, package=args.package, speed_grade=args.speed_grade,
                   dram_part=args.dram_part, speed_bin=args.speed_bin, host_phy=args.host_phy)
    out = run_board_new(args.from_lpf, new, args.output)
    print(f"wrote {out}; next: sailbench board check {out}")
    return 0
