"""A labgrid lab on loopback: a coordinator and two exporters, for the place-lock tests.

The coordinator listens on 127.0.0.1 (port 0: the kernel picks a free one) and keeps its
places in a temporary directory; each exporter exports `NetworkSerialPort` resources
pointing at 127.0.0.1 ports. Exporters stop before the coordinator (an exporter exits
with code 100 when its coordinator goes away). Nothing is left running after the session.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
READY_S = 60.0          # bounds a start that never comes; returns as soon as ready (loaded machines are slow)
IDENTITY = {"LG_HOSTNAME": "bench-test", "LG_USERNAME": "sailbench"}


def _wait_line(proc: subprocess.Popen, log: Path, pattern: str, what: str) -> re.Match:
    deadline = time.monotonic() + READY_S
    while time.monotonic() < deadline:
        m = re.search(pattern, log.read_text(errors="replace"))
        if m:
            return m
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited ({proc.returncode}) before it was ready:\n{log.read_text()}")
        time.sleep(0.05)
    raise RuntimeError(f"{what} not ready within {READY_S:.0f} s:\n{log.read_text()}")


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@dataclass
class LoopbackLab:
    """The processes, the lab.yaml that uses them, and ways to restart each one."""
    root: Path
    serial_ports: dict[str, int]                    # group (place) -> TCP port its NetworkSerialPort names
    exporters_groups: dict[str, list[str]]          # exporter name -> its groups
    port: int = 0
    coordinator_proc: subprocess.Popen | None = None
    exporter_procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start_coordinator(self) -> None:
        log = self.root / "coordinator.log"
        out = open(log, "w")
        self.coordinator_proc = subprocess.Popen(
            [str(BIN / "labgrid-coordinator"), "-l", f"127.0.0.1:{self.port}"], cwd=self.root / "coordinator",
            stdout=out, stderr=subprocess.STDOUT)
        m = _wait_line(self.coordinator_proc, log, r"listening on 127\.0\.0\.1:(\d+)", "labgrid-coordinator")
        self.port = int(m.group(1))

    def stop_coordinator(self) -> None:
        _stop(self.coordinator_proc)

    def exporter_config(self, name: str) -> Path:
        path = self.root / f"{name}.yaml"
        lines = [f"## loopback exporter {name}"]
        for group in self.exporters_groups[name]:
            lines += [f"{group}:", "  NetworkSerialPort:", "    host: 127.0.0.1",
                      f"    port: {self.serial_ports[group]}", "    speed: 115200", "    protocol: raw"]
        path.write_text("\n".join(lines) + "\n")
        return path

    def start_exporter(self, name: str) -> None:
        log = self.root / f"{name}.log"
        out = open(log, "w")
        proc = subprocess.Popen(
            [str(BIN / "labgrid-exporter"), "-c", self.address, "-n", name, "--hostname", "127.0.0.1",
             str(self.exporter_config(name))], cwd=self.root, stdout=out, stderr=subprocess.STDOUT)
        self.exporter_procs[name] = proc
        _wait_line(proc, log, r"Exporter ready", f"labgrid-exporter {name}")

    def stop_exporter(self, name: str) -> None:
        _stop(self.exporter_procs.pop(name, None))

    def wait_resources(self, present: bool, group: str, timeout_s: float = 60.0) -> None:
        from sailbench.harness.board.labgrid_place import coordinator
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = any(r.group == group and r.avail for r in coordinator(self.address).resources())
            if found == present:
                return
            time.sleep(0.1)
        raise AssertionError(f"group {group} {'never appeared' if present else 'never went away'}")

    def ensure_up(self) -> None:
        if self.coordinator_proc is None or self.coordinator_proc.poll() is not None:
            self.start_coordinator()
        for name in self.exporters_groups:
            proc = self.exporter_procs.get(name)
            if proc is None or proc.poll() is not None:
                self.exporter_procs.pop(name, None)
                self.start_exporter(name)
        for groups in self.exporters_groups.values():
            for group in groups:
                self.wait_resources(True, group)

    def stop(self) -> None:
        for name in list(self.exporter_procs):       # exporters first, then the coordinator
            self.stop_exporter(name)
        self.stop_coordinator()

    def lab_yaml(self, lock_dir: Path, extra_boards: str = "") -> Path:
        path = self.root / f"lab-{lock_dir.name}.yaml"
        path.write_text(f"""\
labgrid:
  coordinator: {self.address}
locks:
  dir: {lock_dir}
  wait_s: 5
results:
  dir: {self.root / 'results'}
boards:
  va:
    kind: hardware
    profile: versa-ecp5
    labgrid: {{place: lg-a, host: exp1}}
  vb:
    kind: hardware
    profile: versa-ecp5
    labgrid: {{place: lg-b, host: exp2}}
  vc:
    kind: hardware
    profile: versa-ecp5
    labgrid: {{place: lg-c, host: exp2}}
{extra_boards}pairs:
  ab:
    kind: hardware
    profile: versa-ecp5
    upstream: va
    downstream: vb
    place: lg-ab
""")
        return path


@pytest.fixture(scope="session")
def loopback_lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("labgrid")
    (root / "coordinator").mkdir()
    saved = {k: os.environ.get(k) for k in IDENTITY}
    os.environ.update(IDENTITY)       # this process's identity on the coordinator (set before its session)
    lab = LoopbackLab(root, serial_ports={"lg-a": 40101, "lg-b": 40102, "lg-c": 40103},
                      exporters_groups={"exp1": ["lg-a"], "exp2": ["lg-b", "lg-c"]})
    try:
        lab.ensure_up()
        yield lab
    finally:
        from sailbench.harness.board.labgrid_place import coordinator
        coordinator(lab.address).close()
        lab.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture
def lg(loopback_lab, tmp_path):
    """The loopback lab, up and synced, with a lab.yaml using a fresh lock directory; every place free."""
    from sailbench.harness.config import load_lab
    from sailbench.harness.run.labgrid_sync import sync_places
    loopback_lab.ensure_up()
    path = loopback_lab.lab_yaml(tmp_path / "locks")
    lab = load_lab(path)
    sync_places(lab, progress=lambda _m: None)
    yield loopback_lab, lab
    _release_all(loopback_lab.address)


def _release_all(address: str) -> None:
    """Leave every place free for the next test (held by test holders that were killed, say)."""
    from labgrid.remote.generated import labgrid_coordinator_pb2 as pb
    from sailbench.harness.board.labgrid_place import LabgridError, coordinator
    c = coordinator(address)
    try:
        for name, place in c.places().items():
            if place.acquired:
                c.call("ReleasePlace", pb.ReleasePlaceRequest(placename=name))
    except LabgridError:
        pass
