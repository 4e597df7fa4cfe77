"""Loading a bitstream onto a real board with openFPGALoader.

SRAM by default (gone at power-off, nothing worn), SPI flash on request.
The cable (and, with several boards on one bench PC, the FTDI serial
number; for a network cable such as `xvc-client`, its HOST:PORT) comes from lab.yaml.
Before loading, the JTAG chain is read (`--detect`) and the FPGA's IDCODE compared with the
profile's part, so a missing cable, an unpowered board and the wrong board on the cable are
each one clear error naming the cable and suggesting `openFPGALoader --detect`. Which binary
runs and how its `--detect` output reads (0.10 masks the IDCODE's version nibble) is
harness/board/loader_binary.py. A board that refuses the bitstream is reported with what its
status register says; a CRC error names the bad frame (harness/build/ecp5_stream.py).
Every run of the tool has a timeout. A board in a labgrid place is loaded on the host
that has its debugger: over ssh, with the bitstream copied there first (`Cable.host`).
"""
from __future__ import annotations

import functools
import hashlib
import re
import shlex
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sailbench.harness.board.loader_binary import (DEBIAN_PACKAGE, EXE, Match, describe, executable, match_part,
                                                  parse_detect, parse_version, part_names, version, version_text)
from sailbench.harness.build.ecp5_stream import check_file
from sailbench.harness.config import BoardConfig
from sailbench.harness.errors import BoardError, ConfigError, ToolError
from sailbench.harness.steps import layer_logger, step

logger = layer_logger("board")

__all__ = ["EXE", "DEBIAN_PACKAGE", "executable", "parse_detect", "Cable", "LoadResult", "detect", "load"]

DETECT_TIMEOUT_S = 30.0
SRAM_TIMEOUT_S = 120.0
FLASH_TIMEOUT_S = 600.0

_NO_CABLE = ("unable to open ftdi device", "JTAG init failed", "usb_open() failed", "Failed to claim cable",
             "libusb", "No such device", "cable not found")
_ID_MISMATCH_RE = re.compile(r"bitstream has 0x([0-9a-fA-F]+) hardware requires 0x([0-9a-fA-F]+)")
_BSE_ERRORS = ("ID ERR", "CMD ERR", "CRC ERR", "Preamble ERR", "Abort ERR", "Overflow ERR", "SDM EOF")


@dataclass(frozen=True)
class Cable:
    """Where openFPGALoader finds a board: its cable name and optionally the FTDI serial number."""
    board: str
    name: str
    serial: str | None = None
    busdev: str | None = None       # BUS:DEV of the USB device (a labgrid place's NetworkUSBDebugger)
    host: str | None = None         # run openFPGALoader on this host over ssh (None: here)
    address: str | None = None      # HOST:PORT of a network cable (xvc-client, remote-bitbang)
    loader: str | None = None       # lab.yaml's openFPGALoader binary (None: the pinned one)

    def args(self) -> list[str]:
        net = self.address.rsplit(":", 1) if self.address else None
        return (["-c", self.name] + (["--ftdi-serial", self.serial] if self.serial else [])
                + (["--busdev-num", self.busdev] if self.busdev else [])
                + (["--ip", net[0], "--port", net[1]] if net else []))

    def command(self, args: list[str], stage: Callable[[str, Path], str] | None = None) -> list[str]:
        """The command line of one run. On a remote host: `ssh HOST -- openFPGALoader ...`, every local
        file argument replaced by its copy on that host (`stage(host, path)` copies it, see stage_file)."""
        if self.host is None:
            return [executable(self.loader), *self.args(), *args]
        stage = stage or stage_file
        remote = [stage(self.host, Path(a)) if Path(a).is_absolute() and Path(a).is_file() else a for a in args]
        return ["ssh", *SSH_OPTIONS, self.host, "--", shlex.join([EXE, *self.args(), *remote])]

    @property
    def label(self) -> str:
        return (f"cable '{self.name}'" + (f" at {self.address}" if self.address else "")
                + (f" (FTDI serial {self.serial})" if self.serial else "")
                + (f" (USB {self.busdev})" if self.busdev else "") + (f" on host {self.host}" if self.host else ""))

    @property
    def detect_hint(self) -> str:
        return f"check with `{EXE} --detect {' '.join(self.args())}`"


@dataclass
class LoadResult:
    board: str
    cable: str
    mode: str                 # "sram" or "flash"
    bitstream: str
    idcode: int
    seconds: float
    output: list[str] = field(default_factory=list)
    build_dir: str = ""

    def to_record(self) -> dict:
        return {"probe": "load", "board": self.board, "cable": self.cable, "mode": self.mode,
                "bitstream": self.bitstream, "idcode": f"0x{self.idcode:08x}", "seconds": round(self.seconds, 2)}

    def __str__(self) -> str:
        return (f"{Path(self.bitstream).name} loaded into {self.mode.upper()} over cable '{self.cable}' "
                f"(IDCODE 0x{self.idcode:08x}) in {self.seconds:.1f} s")


SSH_OPTIONS = ("-o", "BatchMode=yes", "-o", "ConnectTimeout=10")
STAGE_DIR = ".cache/sailbench/bitstreams"        # on the remote host, under the ssh user's home
STAGE_TIMEOUT_S = 120.0


def remote_path(path: Path) -> str:
    """Where a file goes on a debugger's host: by content, so a copy is never stale."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return f"{STAGE_DIR}/{digest}/{path.name}"


def stage_commands(host: str, path: Path) -> tuple[list[str], list[str], str]:
    """(mkdir over ssh, scp) that put `path` on `host`, and its remote path."""
    dest = remote_path(path)
    mkdir = ["ssh", *SSH_OPTIONS, host, "--", shlex.join(["mkdir", "-p", str(Path(dest).parent)])]
    return mkdir, ["scp", "-q", *SSH_OPTIONS, str(path), f"{host}:{dest}"], dest


def stage_file(host: str, path: Path) -> str:
    """Copy `path` to `host` (labgrid's ManagedFile pattern); returns its path there."""
    mkdir, scp, dest = stage_commands(host, path)
    for cmd in (mkdir, scp):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=STAGE_TIMEOUT_S, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise BoardError(f"copying {path.name} to host {host} took over {STAGE_TIMEOUT_S:.0f} s "
                             f"(`{shlex.join(cmd)}`); check the network to {host}") from None
        except FileNotFoundError as e:
            raise ToolError(f"'{cmd[0]}' not found: install openssh-client to load boards on other hosts") from e
        if r.returncode != 0:
            raise BoardError(f"cannot copy {path.name} to host {host} (`{shlex.join(cmd)}` exit {r.returncode}: "
                             f"'{_first_error(r.stderr or r.stdout)}'); set up ssh keys for {host} (BatchMode)")
    return dest


def run(cable: Cable, args: list[str], timeout_s: float) -> tuple[int, str]:
    """One openFPGALoader run on `cable`: (exit status, stdout+stderr)."""
    cmd = cable.command(list(args))
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise BoardError(f"{EXE} did not finish in {timeout_s:.0f} s on {cable.label}; is the cable stuck? "
                         f"unplug and replug it, then {cable.detect_hint}", board=cable.board) from None
    if cable.host is not None and r.returncode == 255:
        raise BoardError(f"cannot run {EXE} on host {cable.host} over ssh ('{_first_error(r.stderr)}'); set up ssh "
                         f"keys for {cable.host} (BatchMode) and install {DEBIAN_PACKAGE} there", board=cable.board)
    return r.returncode, _clean(r.stdout + r.stderr)


def _clean(text: str) -> str:
    """openFPGALoader draws progress bars with \\r and colours with ANSI escapes."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return "\n".join(line.split("\r")[-1] for line in text.splitlines())


def _first_error(output: str) -> str:
    for line in output.splitlines():
        if re.search(r"error|fail|unable|not found", line, re.I):
            return line.strip()
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    return lines[-1] if lines else "no output"


def check_output(cable: Cable, rc: int, output: str, what: str) -> None:
    """Turn openFPGALoader's failures into one-line errors naming the cable."""
    if f"error : {cable.name} not found" in output:
        raise ConfigError(f"{EXE} does not know cable '{cable.name}'; see `{EXE} --list-cables`",
                          key=f"boards.{cable.board}.cable")
    if any(s.lower() in output.lower() for s in _NO_CABLE):
        raise BoardError(f"{cable.label} not found ({EXE}: '{_first_error(output)}'); is the board's USB "
                         f"(JTAG) plugged in and powered? {cable.detect_hint}", board=cable.board)
    if "no device found" in output.lower():
        raise BoardError(f"{cable.label} answers but no FPGA is on its JTAG chain; is the board powered and "
                         f"the cable on its JTAG port? {cable.detect_hint}", board=cable.board)
    if rc != 0:
        raise BoardError(f"{EXE} failed to {what} on {cable.label} (exit {rc}: '{_first_error(output)}'); "
                         f"{cable.detect_hint}", board=cable.board)


def tool_version(cable: Cable) -> tuple[int, int, int] | None:
    """The version of the openFPGALoader that runs for `cable` (here, or on its host over ssh)."""
    if cable.host is None:
        return version(executable(cable.loader))
    return _remote_version(cable.host)


@functools.lru_cache(maxsize=8)
def _remote_version(host: str) -> tuple[int, int, int] | None:
    try:
        r = subprocess.run(["ssh", *SSH_OPTIONS, host, "--", f"{EXE} -V"], capture_output=True, text=True,
                           timeout=DETECT_TIMEOUT_S, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse_version(r.stdout + r.stderr)


def detect_fpga(cable: Cable, expected_idcode: int | None, fpga: str = "",
                timeout_s: float = DETECT_TIMEOUT_S) -> Match:
    """Read the JTAG chain; return the FPGA as listed, checked against the profile's part."""
    rc, out = run(cable, ["--detect"], timeout_s)
    check_output(cable, rc, out, "detect the FPGA")
    devices = parse_detect(out)
    if not devices:
        raise BoardError(f"{cable.label} answers but {EXE} lists no device on its JTAG chain; "
                         f"{cable.detect_hint}", board=cable.board)
    if expected_idcode is None:
        return Match(*devices[0], exact=False, family_only=False)
    ver = tool_version(cable)
    match = match_part(devices, expected_idcode, ver)
    if match is not None:
        return match
    found = ", ".join(describe(i, m, ver) for i, m in devices)
    raise BoardError(f"wrong FPGA on {cable.label}: found {found}, profile expects {fpga} "
                     f"(0x{expected_idcode:08x}); wrong board on this cable? {cable.detect_hint}",
                     board=cable.board)


def describe_match(match: Match, fpga: str, cable: Cable) -> str:
    """One line: the FPGA found; for a family-only match, why that is all the loader can tell."""
    if not match.family_only:
        return f"{match.model} (IDCODE 0x{match.idcode:08x})"
    ver = version_text(tool_version(cable))
    return (f"{match.model} (IDCODE 0x{match.idcode:08x} as {ver} prints it, version nibble masked: the family "
            f"and size of {fpga}; this version cannot tell LFE5UM from LFE5UM5G, the load compares the full "
            f"IDCODE with the bitstream's)")


def _parts(idcode: int) -> str:
    return " or ".join(part_names(idcode)) or "an unknown part"


def refusal(cable: Cable, bitstream: Path, output: str, expected_idcode: int | None, fpga: str) -> BoardError | None:
    """The FPGA (or openFPGALoader for it) refused the bitstream: one line saying why, naming the
    bad frame of a corrupt bitstream. None if the output shows no refusal."""
    m = _ID_MISMATCH_RE.search(output)
    if m:
        bit_id, hw_id = int(m.group(1), 16), int(m.group(2), 16)
        wanted = fpga if fpga and bit_id == expected_idcode else _parts(bit_id)
        return BoardError(f"wrong FPGA on {cable.label}: found 0x{hw_id:08x} ({_parts(hw_id)}), bitstream "
                          f"{bitstream.name} is for {wanted} (0x{bit_id:08x}); {EXE} refused it before sending "
                          f"any of it; wrong board on this cable? {cable.detect_hint}", board=cable.board)
    code = next((c for c in _BSE_ERRORS if re.search(rf"\b{c}\b", output)), None)
    if code is None:
        return None
    report = check_file(bitstream, expected_idcode)
    if report.error:
        return BoardError(f"the FPGA on {cable.label} refused {bitstream.name} ({code} in its status register): "
                          f"{report.message}; rebuild the bitstream (sailbench build --board {cable.board})",
                          board=cable.board)
    return BoardError(f"the FPGA on {cable.label} refused {bitstream.name} ({code} in its status register) though "
                      f"the file checks clean ({report.frames} frames, every CRC good): data corrupted on the way? "
                      f"check the JTAG cable, try a lower --freq; {cable.detect_hint}", board=cable.board)


@step(logger, "load the bitstream (openFPGALoader)")
def load_bitstream(cable: Cable, bitstream: Path, expected_idcode: int | None, fpga: str = "",
                   flash: bool = False, progress: Callable[[str], None] = print) -> LoadResult:
    """Detect, then write `bitstream` to SRAM (default) or the SPI flash."""
    if not bitstream.is_file():
        raise BoardError(f"bitstream {bitstream} does not exist; build it (sailbench build --board {cable.board})",
                         board=cable.board)
    t0 = time.monotonic()
    match = detect_fpga(cable, expected_idcode, fpga)
    mode = "flash" if flash else "sram"
    progress(f"loading {bitstream.name} into {mode.upper()} of board '{cable.board}' over {cable.label} "
             f"({describe_match(match, fpga, cable)})")
    args = (["-f"] if flash else ["-m"]) + [str(bitstream)]
    rc, out = run(cable, args, FLASH_TIMEOUT_S if flash else SRAM_TIMEOUT_S)
    failed = rc != 0 or re.search(r"\bFAIL\b", out, re.I)
    refused = refusal(cable, bitstream, out, expected_idcode, fpga) if failed else None
    if refused is not None:
        raise refused
    check_output(cable, rc, out, f"write {mode}")
    if failed:
        raise BoardError(f"{EXE} reported a failure writing {mode} on {cable.label}: '{_first_error(out)}'; "
                         f"{cable.detect_hint}", board=cable.board)
    # a family-only match loaded: openFPGALoader compared the full IDCODE with the bitstream's
    idcode = expected_idcode if match.family_only and expected_idcode is not None else match.idcode
    return LoadResult(cable.board, cable.name, mode, str(bitstream), idcode, time.monotonic() - t0,
                      out.splitlines()[-20:])


# --- by board (lab.yaml) -----------------------------------------------------------------------

def cable_for(config: BoardConfig) -> Cable:
    if not config.kind.needs_cable:
        raise BoardError(f"is kind '{config.kind}': there is nothing to load with {EXE}", board=config.name)
    if config.labgrid is not None and not config.cable:
        from sailbench.harness.board.place_resolve import debugger, place_cable
        host, busdev = debugger(config, config.labgrid.address)
        return Cable(config.name, place_cable(config), config.cable_serial, busdev=busdev, host=host)
    if not config.cable:
        raise ConfigError(f"board '{config.name}' has no cable: set it to the {EXE} cable name (e.g. ft2232; "
                          f"`{EXE} --list-cables` lists them)", key=f"boards.{config.name}.cable")
    return Cable(config.name, config.cable, config.cable_serial, address=config.cable_address,
                 loader=config.openfpgaloader)


def expected_fpga(config: BoardConfig) -> tuple[int | None, str]:
    from sailbench.gateware.profiles import get_profile
    profile = get_profile(config.profile)
    return profile.jtag_idcode, profile.fpga


def detect(config: BoardConfig, timeout_s: float = DETECT_TIMEOUT_S) -> str:
    """The board's FPGA as seen on its cable, checked against its profile (one line)."""
    cable = cable_for(config)
    idcode, fpga = expected_fpga(config)
    match = detect_fpga(cable, idcode, fpga, timeout_s=timeout_s)
    return f"{describe_match(match, fpga, cable)} on {cable.label}"


def load(config: BoardConfig, flash: bool = False, progress: Callable[[str], None] = print,
         allow_timing_fail: bool | None = None) -> LoadResult:
    """Build the board's bitstream if needed, judge its timing, load it (SRAM unless `flash`)."""
    from sailbench.harness.build.bitstream import ensure_bitstream, judge_timing
    cable = cable_for(config)
    detect_fpga(cable, *expected_fpga(config))     # no tool, cable or board: said before minutes of building
    bitstream = ensure_bitstream(config, progress)
    allow = config.allow_timing_fail if allow_timing_fail is None else allow_timing_fail
    judge_timing(bitstream, allow)
    if not bitstream.timing_passed:
        progress(f"WARNING: loading a bitstream that FAILS timing ({bitstream.failing_summary()}); "
                 f"report: {bitstream.report_path}")
    result = load_bitstream(cable, bitstream.path, *expected_fpga(config), flash=flash, progress=progress)
    result.build_dir = str(bitstream.build_dir)
    return result
