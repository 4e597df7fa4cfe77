"""A two-host lab writes its two nightlies into one PostgreSQL history; one page shows both hosts' boards.

The loopback labgrid lab (conftest.py: one coordinator, its exporters) gets two more exporters,
`exp-a` and `exp-b`, each publishing one simulated board's UART (a real Verilator SoC in its own
network namespace, relayed to a loopback port) as its place. Each host's nightly is a real
`sailbench nightly --tag` in its own UTS namespace, so `hostname` (and the host its results and
history rows name) is `pc-a` or `pc-b`; both run at once and write into one database of a real
PostgreSQL server (tests/history/pg_server.py). `sailbench nightly --report-only` then draws the
lab's latest night. Cost: the simulation build is shared with the other sim tests (cached); two
simulators and two short nightlies take about a minute on two cores.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sailbench.harness.build.cache import ensure_sim_build
from sailbench.harness.build.manifest import read_build_manifest
from sailbench.harness.config import load_lab
from sailbench.harness.record.history import History
from sailbench.harness.run.labgrid_sync import sync_places
from sailbench.harness.sim.simulator import SimBoard
from test_bench_through_place import Relay

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "history"))
from pg_server import server_bin, start_server  # noqa: E402

SAILBENCH = [sys.executable, "-m", "sailbench.harness.cli"]
QUICK = ["--ddr-length", "64K", "--repeats", "1", "--patterns", "sequential", "--clock-seconds", "0.5",
         "--hostlink-count", "0", "--no-sweep"]
HOSTS = {"pc-a": ("exp-a", "lg-sim-a", "sima"), "pc-b": ("exp-b", "lg-sim-b", "simb")}


@pytest.fixture
def pg_history():
    bin_dir = server_bin()
    if bin_dir is None:
        pytest.fail("PostgreSQL server binaries not found: scripts/setup.sh installs Debian's postgresql")
    server = start_server(bin_dir)
    try:
        yield server, server.new_database("twohost")
    finally:
        server.stop()


@pytest.fixture
def two_host_lab(lg, pg_history, tmp_path):
    loopback, _lab = lg
    server, url = pg_history
    build_dir = ensure_sim_build("versa-ecp5", with_dram=True, with_ethernet=True, progress=lambda _m: None)
    manifest = read_build_manifest(build_dir)
    sims, relays, extra = [], [], ""
    try:
        for host, (exporter, place, board) in HOSTS.items():
            sim = SimBoard(build_dir, manifest, board=place).start()
            sims.append(sim)
            relay = Relay(sim)
            relays.append(relay)
            loopback.serial_ports[place] = relay.port
            loopback.exporters_groups[exporter] = [place]
            loopback.start_exporter(exporter)
            loopback.wait_resources(True, place)
            extra += f"  {board}:\n    kind: sim\n    labgrid: {{place: {place}}}\n    tags: [{host}]\n"
        path = loopback.lab_yaml(tmp_path / "locks", extra_boards=extra)
        path.write_text(path.read_text() + f"history:\n  url: {url}\n")
        lab = load_lab(path)
        sync_places(lab, progress=lambda _m: None)
        yield lab, server, url
    finally:
        for host, (exporter, place, _board) in HOSTS.items():
            loopback.stop_exporter(exporter)
            loopback.exporters_groups.pop(exporter, None)
        for relay in relays:
            relay.close()
        for sim in sims:
            sim.stop()


def nightly_on(host: str, lab: Path, results: Path, env: dict[str, str]) -> subprocess.Popen:
    """`sailbench nightly --tag HOST` as host HOST: its own UTS namespace, its hostname set."""
    command = " ".join([f"hostname {host} &&", "exec", *SAILBENCH, "--lab", str(lab), "nightly", "--tag", host,
                        "--results-dir", str(results), *QUICK])
    return subprocess.Popen(["unshare", "--uts", "--", "sh", "-c", command], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def test_two_hosts_nightlies_share_one_history_and_one_page(two_host_lab, tmp_path, monkeypatch):
    lab, server, url = two_host_lab
    env = server.env()
    monkeypatch.setenv("PGPASSWORD", server.password)      # for this process's reads, as for the nightlies
    nightlies = {host: nightly_on(host, lab.path, tmp_path / host, env) for host in HOSTS}
    for host, proc in nightlies.items():
        try:
            out, err = proc.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        # exit 1 is the honest verdict: the pinned LOCAL_DDR cannot hold on the simulated DDR3
        assert proc.returncode in (0, 1), f"{host}: {out[-3000:]}\n{err[-3000:]}"
        assert f"history {url}" in out
    with History(url=url) as h:
        runs = {(r["host"], r["board"]) for r in h.runs()}
        assert runs == {("pc-a", "sima"), ("pc-b", "simb")}, runs
        assert {r["night_id"] for r in h.runs()} == {n["night_id"] for n in h.latest_nights()}
    done = subprocess.run([*SAILBENCH, "--lab", str(lab.path), "nightly", "--report-only", "--results-dir",
                           str(tmp_path / "lab")], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    page = Path(re.search(r"^report: (\S+)$", done.stdout, re.M).group(1)).read_text()
    assert "sima on pc-a" in page and "simb on pc-b" in page
    hosts = {m for m in re.findall(r'data-figure="ddr/[^"]+" data-host="([^"]+)"', page)}
    assert hosts == {"pc-a", "pc-b"}, "each host's DDR figures are on the one page"
    data = json.loads(Path(re.search(r"^JSON: (\S+)$", done.stdout, re.M).group(1)).read_text())
    assert set(data["nights"]) == {"pc-a", "pc-b"}
