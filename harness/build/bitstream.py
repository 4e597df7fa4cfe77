"""A real board's bitstream: built once per set of inputs, its timing judged.

The build runs `python -m sailbench.gateware.targets.ecp5` in a child process (YoWASP yosys,
nextpnr-ecp5, ecppack; minutes) into `build/ecp5-<profile>-<hash>/`, cached
by the hash of its inputs: the profile, the options lab.yaml implies (the
board's Etherbone address, UART baud rate), every gateware source and the
tool versions. nextpnr's report (report.json, report.txt) sits beside the
bitstream; a clock below its required frequency fails here, with the
report, unless the caller (`--allow-timing-fail`, or `allow_timing_fail:
true` for the board in lab.yaml) accepts it. Either way it is printed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sailbench.harness.build.cache import build_in_child, build_root
from sailbench.harness.build.manifest import BuildManifest, ReportSummary, read_build_manifest
from sailbench.harness.config import BoardConfig
from sailbench.harness.errors import BuildError, TimingFailedError

BUILD_TIMEOUT_S = 3600.0


@dataclass
class Bitstream:
    board: str
    build_dir: Path
    manifest: BuildManifest

    @property
    def path(self) -> Path:
        return self.build_dir / self.manifest.bitstream

    @property
    def report_summary(self) -> ReportSummary:
        return self.manifest.report

    @property
    def report_text(self) -> str:
        return self.report_path.read_text().rstrip()

    @property
    def report_path(self) -> Path:
        return self.build_dir / self.manifest.report.text

    @property
    def timing_passed(self) -> bool:
        return bool(self.manifest.report.timing_passed)

    def failing_summary(self) -> str:
        clocks = self.manifest.report.clocks
        return ", ".join(f"{d} {clocks[d].achieved_mhz:.1f} MHz < {clocks[d].required_mhz:.1f} MHz required"
                         for d in self.manifest.report.failing_clocks)


def _profile(config: BoardConfig):
    from sailbench.gateware.profiles import ProfileError, buildable_profile
    try:
        return buildable_profile(config.profile)
    except ProfileError as e:
        raise BuildError(f"board '{config.name}': {e}") from None


def ecp5_options(config: BoardConfig):
    """The build options lab.yaml implies for this board (they are part of the build hash)."""
    from sailbench.gateware.targets.ecp5_options import Ecp5Options
    kwargs = {"uart_baudrate": config.baudrate, "line_rate_gbps": config.lane_line_rate}
    if config.etherbone is not None:
        kwargs["eth_ip"] = config.etherbone.ip
        kwargs["mac"] = config.etherbone.mac
    return Ecp5Options(**kwargs)


def _args(config: BoardConfig, options, sys_clk_hz: int | None = None) -> list[str]:
    args = ["--profile", config.profile, "--build-root", str(build_root()), "--eth-ip", options.eth_ip,
            "--uart-baudrate", str(options.uart_baudrate), "--seed", str(options.seed)]
    args += ["--mac", options.mac] if options.mac else []
    from sailbench.gateware.profiles.lane_rates import DEFAULT_LINE_RATE_GBPS
    args += ["--line-rate", f"{options.line_rate_gbps:g}"] if options.line_rate_gbps != DEFAULT_LINE_RATE_GBPS else []
    return args + (["--sys-clk-hz", str(sys_clk_hz)] if sys_clk_hz else [])


def bitstream_dir(config: BoardConfig, sys_clk_hz: int | None = None) -> Path:
    """Where this board's bitstream for the current sources lives (whether or not it is built);
    `sys_clk_hz` overrides the profile's sys clock (the DDR clock sweep)."""
    from sailbench.gateware.targets.ecp5_options import ecp5_build_dir
    from sailbench.gateware.profiles import with_sys_clk
    return ecp5_build_dir(build_root(), with_sys_clk(_profile(config), sys_clk_hz), ecp5_options(config))[0]


def ensure_bitstream(config: BoardConfig, progress: Callable[[str], None] = print,
                     timeout_s: float = BUILD_TIMEOUT_S, sys_clk_hz: int | None = None) -> Bitstream:
    """The board's bitstream build, built now if the inputs changed. Timing is not judged here."""
    if not config.kind.needs_cable:
        raise BuildError(f"board '{config.name}' is kind '{config.kind}': it has no bitstream")
    profile = _profile(config)
    options = ecp5_options(config)
    out = bitstream_dir(config, sys_clk_hz)
    build_in_child("sailbench.gateware.targets.ecp5", _args(config, options, sys_clk_hz), out,
                   f"the {profile.fpga} bitstream for board '{config.name}' (yosys + nextpnr, minutes, "
                   "once per change)", "bitstream", progress, timeout_s, relay_prefix="[ecp5 build]")
    return Bitstream(config.name, out, read_build_manifest(out))


def judge_timing(bitstream: Bitstream, allow_timing_fail: bool) -> None:
    """Raise TimingFailedError when a clock fails and failing is not allowed."""
    if bitstream.timing_passed or allow_timing_fail:
        return
    raise TimingFailedError(
        f"board '{bitstream.board}': timing failed: {bitstream.failing_summary()} (report: "
        f"{bitstream.report_path}); the bitstream is built but not trusted: rerun with --allow-timing-fail "
        f"(or allow_timing_fail: true for the board in lab.yaml) to use it anyway",
        report=bitstream.report_text, report_path=bitstream.report_path)
