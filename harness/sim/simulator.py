"""The simulated board's process: Verilator's Vsim inside a network namespace.

`SimBoard.start()` creates a namespace, writes a per-run sim_config.js (UART
on a free TCP port, Ethernet on a TAP inside the namespace), starts Vsim
there and waits until its UART accepts a connection (ready is detected,
never a fixed sleep). `stop()` kills the process group and removes the
namespace and run directory; it runs on success, failure and Ctrl-C (use it
as a context manager).
"""
from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sailbench.harness.errors import SimulatorError
from sailbench.harness.sim.netns import NetNamespace, remove_stale_namespaces
from sailbench.harness.steps import layer_logger, step

if TYPE_CHECKING:
    from sailbench.harness.build.manifest import BuildManifest

logger = layer_logger("sim")

SIM_HOST_IP = "127.0.0.1"
_live: set["SimBoard"] = set()


def _sim_config(template: Path, uart_ports: dict[int, int]) -> str:
    """The build's sim_config.js with this run's UART ports (same clocks, same modules).

    `uart_ports` maps each serial2tcp instance's pad index (0 for a single board;
    0 and 1 for the simulated pair) to the TCP port it listens on."""
    modules = json.loads(template.read_text())
    for m in modules:
        if m.get("module") in ("serial2tcp", "sbuart"):
            index = 0
            for iface in m.get("interface", []):
                if isinstance(iface, dict) and iface.get("name") == "serial":
                    index = int(iface.get("index", 0))
            m["args"]["port"] = uart_ports[index]
    return json.dumps(modules, indent=4)


class SimBoard:
    """One running simulated board."""

    def __init__(self, build_dir: Path, manifest: BuildManifest, board: str, ready_timeout_s: float = 30.0,
                 uarts: int = 1):
        self.build_dir = Path(build_dir)
        self.manifest = manifest
        self.board = board
        self.ready_timeout_s = ready_timeout_s
        self.netns: NetNamespace | None = None
        self.proc: subprocess.Popen | None = None
        self.run_dir: Path | None = None
        self.uart_port: int | None = None          # the first UART's port
        self.uart_ports: dict[int, int] = {}       # pad index -> TCP port (several on the simulated pair)
        self.uarts = uarts
        self.log_path: Path | None = None
        self.started_s: float | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    @step(logger, "start the simulator")
    def start(self) -> "SimBoard":
        if os.geteuid() != 0:
            raise SimulatorError("the simulated board runs its Ethernet TAP inside a network namespace, "
                                 "which needs root (CAP_SYS_ADMIN); run as root", board=self.board)
        vsim = self.build_dir / self.manifest.vsim
        if not vsim.is_file():
            raise SimulatorError(f"{vsim} missing; delete {self.build_dir} to rebuild", board=self.board)
        remove_stale_namespaces()
        t0 = time.monotonic()
        _live.add(self)
        try:
            self.netns = NetNamespace().create()
            self.run_dir = Path(tempfile.mkdtemp(prefix="sailbench-sim-"))
            (self.run_dir / "modules").symlink_to(self.build_dir / self.manifest.modules_dir)
            for init in (self.build_dir / "gateware").glob("*.init"):   # $readmem paths are relative to cwd
                (self.run_dir / init.name).symlink_to(init)
            self.uart_ports = {i: self.netns.run_inside(_free_port) for i in range(self.uarts)}
            self.uart_port = self.uart_ports[0]
            eth = self.manifest.etherbone
            (self.run_dir / "sim_config.js").write_text(
                _sim_config(self.build_dir / "gateware" / "sim_config.js", self.uart_ports))
            self.log_path = self.run_dir / "vsim.log"
            log = open(self.log_path, "wb")
            self.proc = subprocess.Popen([*_die_with_parent(), *self.netns.exec_prefix(), str(vsim)],
                                         cwd=self.run_dir, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
            log.close()
            self._wait_uart_listening(t0)
            if eth is not None:
                self._wait_tap_up(t0, eth.host_ip)
        except BaseException:
            self.stop()
            raise
        self.started_s = time.monotonic() - t0
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=3)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=5)
        if self.netns is not None:
            self.netns.remove()
        if self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)
            self.run_dir = None
        _live.discard(self)

    def __enter__(self) -> "SimBoard":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- what drivers need -------------------------------------------------------------------------
    @property
    def uart_url(self) -> str:
        return f"socket://{SIM_HOST_IP}:{self.uart_port}"

    def uart_url_of(self, index: int) -> str:
        return f"socket://{SIM_HOST_IP}:{self.uart_ports[index]}"

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines: int = 15) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def check_alive(self) -> None:
        if not self.alive():
            code = None if self.proc is None else self.proc.returncode
            raise SimulatorError(f"simulator exited (code {code}); its output:\n{self.log_tail()}", board=self.board)

    # -- readiness ---------------------------------------------------------------------------------
    def _deadline_left(self, t0: float) -> float:
        return self.ready_timeout_s - (time.monotonic() - t0)

    def _wait_uart_listening(self, t0: float) -> None:
        # Asked of the kernel (ss), not by connecting: serial2tcp serves one client and a
        # probe connection closing while the real one opens can cost the real one its data.
        for port in self.uart_ports.values():
            while True:
                self.check_alive()
                r = subprocess.run(["ip", "netns", "exec", self.netns.name, "ss", "-Hltn", f"sport = :{port}"],
                                   capture_output=True, text=True)
                if r.returncode == 0 and r.stdout.strip():
                    break
                if self._deadline_left(t0) <= 0:
                    raise SimulatorError(f"UART server on port {port} not listening after "
                                         f"{self.ready_timeout_s:.0f} s; simulator output:\n{self.log_tail()}",
                                         board=self.board)
                time.sleep(0.02)

    def _wait_tap_up(self, t0: float, host_ip: str) -> None:
        while True:
            self.check_alive()
            r = subprocess.run(["ip", "-n", self.netns.name, "-o", "-4", "addr", "show", "dev", "tap0"],
                               capture_output=True, text=True)
            if host_ip in r.stdout:
                # room for a burst of host-to-board packets while the simulation drains them
                subprocess.run(["ip", "-n", self.netns.name, "link", "set", "tap0", "txqueuelen", "10000"],
                               capture_output=True)
                return
            if self._deadline_left(t0) <= 0:
                raise SimulatorError(f"simulator TAP tap0 did not come up with {host_ip} in namespace "
                                     f"{self.netns.name}; output:\n{self.log_tail()}", board=self.board)
            time.sleep(0.02)


def _die_with_parent() -> list[str]:
    """A command prefix that gives the simulator SIGTERM when the thread that started it is gone,
    so a harness killed with SIGKILL (or by the OOM killer) leaves no simulator running:
    util-linux's `setpriv --pdeathsig` (kept across `ip netns exec`'s exec).

    Not a Popen preexec_fn: that runs Python in the forked child, and once a process has gRPC
    threads (labgrid's client) the child's after-fork handlers crash it (SIGSEGV, the simulator
    "exited (code -11)" with no output)."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM", "--"] if setpriv else []


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((SIM_HOST_IP, 0))
        return s.getsockname()[1]


@atexit.register
def _stop_all() -> None:
    for board in list(_live):
        board.stop()
