"""Build the gateware a board needs, once per set of inputs (cached by hash).

The build itself runs in a child Python (`python -m sailbench.gateware.targets.sim ...`) so
LiteX's working-directory changes and output stay out of the harness; its
log goes to a file beside the build, and a progress line is printed while
it runs. A file lock makes concurrent runs wait for one build instead of
racing.
"""
from __future__ import annotations

import atexit
import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from sailbench.gateware.build.manifest import MANIFEST_NAME
from sailbench.harness.paths import REPO_ROOT

if TYPE_CHECKING:
    from sailbench.harness.config import BoardConfig
from sailbench.harness.errors import BuildError, ToolError
from sailbench.harness.steps import layer_logger, step

logger = layer_logger("build")

# Build children still running. Each runs in a session of its own, so its whole tree (LiteX, make,
# Verilator or yosys/nextpnr) can be stopped together: when the build that started it ends by an
# exception (Ctrl-C, a timeout), and at exit for a build a daemon thread started (the test suite's
# background builds), so no build outlives the process that wanted it and races the next run's.
_running: set[subprocess.Popen] = set()


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
    _running.discard(proc)


@atexit.register
def _stop_running_builds() -> None:
    for proc in list(_running):
        _stop(proc)


def build_root() -> Path:
    return Path(os.environ.get("SAILBENCH_BUILD_DIR", REPO_ROOT / "build")).resolve()


def _sim_args(profile: str, with_dram: bool, with_ethernet: bool, sys_clk_hz: int | None,
              host_link: str = "tap") -> list[str]:
    args = ["--profile", profile, "--build-root", str(build_root())]
    if not with_dram:
        args.append("--no-dram")
    if not with_ethernet:
        args.append("--no-ethernet")
    if sys_clk_hz is not None:
        args += ["--sys-clk-hz", str(sys_clk_hz)]
    if host_link != "tap":
        args += ["--host-link", host_link]
    return args


def _sim_options(profile: str, with_dram: bool, with_ethernet: bool, sys_clk_hz: int | None,
                 host_link: str = "tap"):
    from sailbench.gateware.profiles import ProfileError, get_profile
    from sailbench.gateware.targets.sim_options import SimOptions
    try:
        prof = get_profile(profile)
        return prof, SimOptions(with_dram=with_dram, with_ethernet=with_ethernet,
                                sys_clk_hz=sys_clk_hz, host_link=host_link).for_profile(prof)
    except (ProfileError, ValueError) as e:
        raise BuildError(str(e)) from None


def sim_build_dir(profile: str, with_dram: bool = True, with_ethernet: bool = True,
                  sys_clk_hz: int | None = None, host_link: str = "tap") -> Path:
    """Where the build for these inputs lives (whether or not it exists yet); `sys_clk_hz`
    None or equal to the profile's is the profile's clock (one build)."""
    from sailbench.gateware.targets.sim_options import sim_build_dir as _dir
    prof, options = _sim_options(profile, with_dram, with_ethernet, sys_clk_hz, host_link)
    return _dir(build_root(), prof, options)[0]


def ensure_board_sim_build(config: "BoardConfig", progress: Callable[[str], None] = print) -> Path:
    """The simulation build a `kind: sim` board of lab.yaml asks for (its `sim:` settings; without them the
    defaults and the profile's sys clock), built if needed."""
    sim = config.sim
    return ensure_sim_build(config.profile, with_dram=sim.dram if sim else True,
                            with_ethernet=sim.ethernet if sim else True, progress=progress,
                            sys_clk_hz=sim.sys_clk_hz if sim else None, host_link=sim.host_link if sim else "tap")


def ensure_sim_build(profile: str, with_dram: bool = True, with_ethernet: bool = True,
                     progress: Callable[[str], None] = print, timeout_s: float = 1800,
                     sys_clk_hz: int | None = None, host_link: str = "tap") -> Path:
    """Return a complete simulation build directory, building it if needed."""
    for tool in ("verilator", "make", "g++"):
        if not _which(tool):
            raise ToolError(f"'{tool}' not found: the simulated board needs Verilator and a C++ compiler; "
                            "run scripts/setup.sh (installs Debian verilator, libevent-dev, libjson-c-dev)")
    out = sim_build_dir(profile, with_dram, with_ethernet, sys_clk_hz, host_link)
    options = _sim_options(profile, with_dram, with_ethernet, sys_clk_hz, host_link)[1]
    return build_in_child("sailbench.gateware.targets.sim", _sim_args(profile, with_dram, with_ethernet, options.sys_clk_hz,
                                                              host_link), out,
                          f"simulated board '{profile}' (Verilator, about a minute, once per change)",
                          "simulation", progress, timeout_s)


def ensure_pair_build(profile: str, lanes: int, progress: Callable[[str], None] = print,
                      timeout_s: float = 1800, line_rate_gbps: float = 1.25, coding: str = "8b10b") -> Path:
    """The simulated bench pair (two probe SoCs in one Verilator simulation) at a lane line rate
    and line code, built if needed."""
    from sailbench.gateware.profiles.lane_rates import LineRate
    from sailbench.gateware.profiles import ProfileError, get_profile
    from sailbench.gateware.targets.sim_pair_options import pair_build_dir
    try:
        prof = get_profile(profile)
        rate = LineRate(line_rate_gbps, coding)
    except (ProfileError, ValueError) as e:
        raise BuildError(str(e)) from None
    out = pair_build_dir(build_root(), prof, lanes, rate)[0]
    return build_in_child("sailbench.gateware.targets.sim_pair", ["--profile", profile, "--lanes", str(lanes),
                                                "--line-rate", f"{rate.line_rate_gbps:g}", "--coding", rate.coding,
                                                "--build-root", str(build_root())], out,
                          f"simulated pair '{profile}' x{lanes} lanes at {rate.label} (Verilator)", "simulation",
                          progress, timeout_s)


def build_in_child(module: str, args: list[str], out: Path, what: str, kind: str,
                   progress: Callable[[str], None] = print, timeout_s: float = 1800,
                   relay_prefix: str | None = None) -> Path:
    """Run `python -m module args` to produce build directory `out`, unless it is complete.

    One build per directory at a time (file lock: a second run waits and then
    finds it done). The child's output goes to `<out>.build.log`; lines
    starting with `relay_prefix` are passed on to `progress` as they appear,
    and a "still building" line every 30 s otherwise."""
    if (out / MANIFEST_NAME).is_file():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out.parent / f".{out.name}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)   # another run building the same inputs: wait for it
        if (out / MANIFEST_NAME).is_file():
            return out
        log_path = out.parent / f"{out.name}.build.log"
        progress(f"building {what} -> {out.name}")
        t0 = time.monotonic()
        with step(logger, f"build {what}"), open(log_path, "w") as log, \
                open(log_path, errors="replace") as tail:
            proc = subprocess.Popen([sys.executable, "-m", module, *args], stdout=log, stderr=subprocess.STDOUT,
                                    cwd=REPO_ROOT, start_new_session=True)
            _running.add(proc)
            try:
                last = t0
                while proc.poll() is None:
                    time.sleep(0.5)
                    now = time.monotonic()
                    if now - t0 > timeout_s:
                        raise BuildError(f"{kind} build did not finish in {timeout_s:.0f} s; log: {log_path}")
                    relayed = _relay(tail, relay_prefix, progress)
                    if relayed:
                        last = now
                    elif now - last >= 30 or (relay_prefix is None and now - last >= 10):
                        progress(f"  ... still building ({now - t0:.0f} s, log: {log_path})")
                        last = now
                _relay(tail, relay_prefix, progress)
            finally:
                _stop(proc)
        if proc.returncode != 0 or not (out / MANIFEST_NAME).is_file():
            text = log_path.read_text(errors="replace").splitlines()
            errors = [ln for ln in text if ln.startswith("error: ")]
            if errors:
                raise BuildError(f"{kind} build failed: {errors[-1].removeprefix('error: ')} (log: {log_path})")
            tail_text = "\n".join(text[-12:])
            raise BuildError(f"{kind} build failed (exit {proc.returncode}); log: {log_path}\n{tail_text}")
        progress(f"built in {time.monotonic() - t0:.0f} s")
    return out


def _relay(tail, prefix: str | None, progress: Callable[[str], None]) -> bool:
    """Pass new complete log lines starting with `prefix` to `progress`; True if any was."""
    if prefix is None:
        return False
    relayed = False
    while True:
        pos = tail.tell()
        line = tail.readline()
        if not line.endswith("\n"):
            tail.seek(pos)
            return relayed
        if line.startswith(prefix):
            progress("  " + line.rstrip())
            relayed = True


def _which(tool: str) -> bool:
    from shutil import which
    return which(tool) is not None
