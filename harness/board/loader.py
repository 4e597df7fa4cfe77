"""Loading a bitstream onto a real board with openFPGALoader.

SRAM by default (gone at power-off, nothing worn), SPI flash on request.
The cable (and, with several boards on one bench PC, the FTDI serial
number) comes from lab.yaml. Before loading, the JTAG chain is read
(`--detect`) and the FPGA's IDCODE compared with the profile's part, so a
missing cable, an unpowered board and the wrong board on the cable are each
one clear error naming the cable and suggesting `openFPGALoader --detect`.
Every run of the tool has a timeout. A board in a labgrid place is loaded on the host
that has its debugger: over ssh, with the bitstream copied there first (`Cable.host`).
"""
from __future__ import annotations

import hashlib
import re
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sailbench.harness.config import BoardConfig
from sailbench.harness.errors import BoardError, ConfigError, ToolError
from sailbench.harness.steps import layer_logger, step

logger = layer_logger("board")

EXE = "openFPGALoader"
DEBIAN_PACKAGE = "openfpgaloader"
DETECT_TIMEOUT_S = 30.0
SRAM_TIMEOUT_S = 120.0
FLASH_TIMEOUT_S = 600.0

_IDCODE_RE = re.compile(r"^\s*idcode\s+0x([0-9a-fA-F]+)", re.M)
_MODEL_RE = re.compile(r"^\s*model\s+(\S+)", re.M)
_NO_CABLE = ("unable to open ftdi device", "JTAG init failed", "usb_open() failed", "Failed to claim cable",
             "libusb", "No such device", "cable not found")


@dataclass(frozen=True)
class Cable:
    """Where openFPGALoader finds a board: its cable name and optionally the FTDI serial number."""
    board: str
    name: str
    serial: str | None = None
    busdev: str | None = None       # BUS:DEV of the USB device (a labgrid place's NetworkUSBDebugger)
    host: str | None = None         # run openFPGALoader on this host over ssh (None: here)

    def args(self) -> list[str]:
        return (["-c", self.name] + (["--ftdi-serial", self.serial] if self.serial else [])
                + (["--busdev-num", self.busdev] if self.busdev else []))

    def command(self, args: list[str], stage: Callable[[str, Path], str] | None = None) -> list[str]:
        """The command line of one run. On a remote host: `ssh HOST -- openFPGALoader ...`, every local
        file argument replaced by its copy on that host (`stage(host, path)` copies it, see stage_file)."""
        if self.host is None:
            return [executable(), *self.args(), *args]
        stage = stage or stage_file
        remote = [stage(self.host, Path(a)) if Path(a).is_absolute() and Path(a).is_file() else a for a in args]
        return ["ssh", *SSH_OPTIONS, self.host, "--", shlex.join([EXE, *self.args(), *remote])]

    @property
    def label(self) -> str:
        return (f"cable '{self.name}'" + (f" (FTDI serial {self.serial})" if self.serial else "")
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


def executable() -> str:
    exe = shutil.which(EXE)
    if not exe:
        raise ToolError(f"'{EXE}' not found: install the Debian package '{DEBIAN_PACKAGE}' "
                        f"(apt-get install {DEBIAN_PACKAGE}; scripts/setup.sh does)")
    return exe


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


def parse_detect(output: str) -> list[tuple[int, str]]:
    """(idcode, model) of each device `--detect` lists."""
    ids = [int(x, 16) for x in _IDCODE_RE.findall(output)]
    models = _MODEL_RE.findall(output)
    return [(i, models[n] if n < len(models) else "?") for n, i in enumerate(ids)]


def detect_fpga(cable: Cable, expected_idcode: int | None, fpga: str = "",
                timeout_s: float = DETECT_TIMEOUT_S) -> tuple[int, str]:
    """Read the JTAG chain; return the FPGA's (IDCODE, model), checked against the profile's part."""
    rc, out = run(cable, ["--detect"], timeout_s)
    check_output(cable, rc, out, "detect the FPGA")
    devices = parse_detect(out)
    if not devices:
        raise BoardError(f"{cable.label} answers but {EXE} lists no device on its JTAG chain; "
                         f"{cable.detect_hint}", board=cable.board)
    if expected_idcode is None:
        return devices[0]
    for idcode, model in devices:
        if idcode == expected_idcode:
            return idcode, model
    found = ", ".join(f"0x{i:08x} ({m})" for i, m in devices)
    raise BoardError(f"wrong FPGA on {cable.label}: found {found}, profile expects {fpga} "
                     f"(0x{expected_idcode:08x}); wrong board on this cable? {cable.detect_hint}",
                     board=cable.board)


@step(logger, "load the bitstream (openFPGALoader)")
def load_bitstream(cable: Cable, bitstream: Path, expected_idcode: int | None, fpga: str = "",
                   flash: bool = False, progress: Callable[[str], None] = print) -> LoadResult:
    """Detect, then write `bitstream` to SRAM (default) or the SPI flash."""
    if not bitstream.is_file():
        raise BoardError(f"bitstream {bitstream} does not exist; build it (sailbench build --board {cable.board})",
                         board=cable.board)
    t0 = time.monotonic()
    idcode, model = detect_fpga(cable, expected_idcode, fpga)
    mode = "flash" if flash else "sram"
    progress(f"loading {bitstream.name} into {mode.upper()} of board '{cable.board}' over {cable.label} "
             f"({model}, IDCODE 0x{idcode:08x})")
    args = (["-f"] if flash else ["-m"]) + [str(bitstream)]
    rc, out = run(cable, args, FLASH_TIMEOUT_S if flash else SRAM_TIMEOUT_S)
    check_output(cable, rc, out, f"write {mode}")
    if re.search(r"\bFAIL\b", out):
        raise BoardError(f"{EXE} reported a failure writing {mode} on {cable.label}: '{_first_error(out)}'; "
                         f"{cable.detect_hint}", board=cable.board)
    return LoadResult(cable.board, cable.name, mode, str(bitstream), idcode, time.monotonic() - t0,
                      out.splitlines()[-20:])


# --- by board (lab.yaml) -----------------------------------------------------------------------

def cable_for(config: BoardConfig) -> Cable:
    if not config.kind.needs_cable:
        raise BoardError(f"is kind '{config.kind}': there is nothing to load with {EXE}", board=config.name)
    if config.labgrid is not None and not config.cable:
        from sailbench.harness.board.place_resolve import PLACE_CABLE, debugger
        host, busdev = debugger(config, config.labgrid.address)
        return Cable(config.name, PLACE_CABLE, config.cable_serial, busdev=busdev, host=host)
    if not config.cable:
        raise ConfigError(f"board '{config.name}' has no cable: set it to the {EXE} cable name (e.g. ft2232; "
                          f"`{EXE} --list-cables` lists them)", key=f"boards.{config.name}.cable")
    return Cable(config.name, config.cable, config.cable_serial)


def expected_fpga(config: BoardConfig) -> tuple[int | None, str]:
    from sailbench.gateware.profiles import get_profile
    profile = get_profile(config.profile)
    return profile.jtag_idcode, profile.fpga


def detect(config: BoardConfig, timeout_s: float = DETECT_TIMEOUT_S) -> str:
    """The board's FPGA as seen on its cable, checked against its profile (one line)."""
    cable = cable_for(config)
    idcode, model = detect_fpga(cable, *expected_fpga(config), timeout_s=timeout_s)
    return f"{model} (IDCODE 0x{idcode:08x}) on {cable.label}"


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
