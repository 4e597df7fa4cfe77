"""The main job through its console script, on the simulated board."""
import json
import os
import signal
import stat
import subprocess
import sys

import pytest

from processes import gone_or_zombie, simulators_under

SAILBENCH = [sys.executable, "-m", "sailbench.harness.cli"]


def _run(args, **kw):
    return subprocess.run([*SAILBENCH, *args], capture_output=True, text=True, timeout=600, **kw)


def _netns_of(pid: int):
    """Namespaces a sailbench process created (named sailbench-<pid>-...), still present."""
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return {line.split()[0] for line in out.splitlines() if line.startswith(f"sailbench-{pid}-")}


def test_unknown_board_is_one_clear_line():
    r = _run(["bench", "--board", "no-such-board"])
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "unknown board 'no-such-board'" in lines[0] and "sim" in lines[0] and "versa-ecp5" in lines[0]
    assert "Traceback" not in r.stderr


def test_malformed_lab_is_one_clear_line(tmp_path):
    lab = tmp_path / "lab.yaml"
    lab.write_text("boards:\n  sim:\n    kind: simulated\n")
    r = _run(["--lab", str(lab), "bench"])
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and str(lab) in r.stderr and "boards.sim.kind" in r.stderr


def test_bench_prints_table_and_writes_results(tmp_path):
    p = subprocess.Popen([*SAILBENCH, "bench", "--board", "sim", "--ddr-length", "64K", "--repeats", "2",
                          "--patterns", "sequential", "--clock-seconds", "0.5", "--results-dir", str(tmp_path),
                          "--hostlink-count", "100", "--no-sweep"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, umask=0o022)
    out, err = p.communicate(timeout=600)
    r = subprocess.CompletedProcess(p.args, p.returncode, out, err)
    # The pinned LOCAL_DDR constant (2 GB/s) cannot hold on an x16 DDR3 at 300 MT/s: exit 1 is the honest verdict.
    assert r.returncode == 1, r.stdout + r.stderr
    assert "DDR write sequential" in r.stdout and "DDR read sequential" in r.stdout
    assert "OPTIMISTIC" in r.stdout and "LOCAL_DDR" in r.stdout
    files = list(tmp_path.glob("*.json"))
    assert len(files) == 1
    data = json.loads(files[0].read_text())
    assert data["status"] == "failed"
    prov = data["provenance"]
    assert prov["board"] == "sim" and prov["profile"] == "versa-ecp5" and len(prov["gateware_hash"]) == 12
    assert prov["git"] and prov["tools"]["litex"]
    ddr = [x for x in data["records"] if x.get("probe") == "ddr" and not x.get("summary")]
    assert len(ddr) == 4   # write + read, 2 repeats
    for rec in ddr:
        for key in ("board", "probe", "direction", "bytes", "cycles", "sys_clk_hz", "rate_bytes_per_s",
                    "peak_bytes_per_s", "errors"):
            assert key in rec
        assert rec["errors"] == 0 and rec["sys_clk_hz"] == 75_000_000
    v = data["verdicts"][0]
    for key in ("constant", "constant_bytes_per_s", "measured_bytes_per_s", "ratio", "verdict"):
        assert key in v
    assert v["constant"] == "LOCAL_DDR_BW_BYTES_PER_SEC" and v["verdict"] == "optimistic"
    assert {i["name"] for i in data["invariants"]} >= {"LOCAL_DDR >= 4 x INTERCARD"}
    assert not _netns_of(p.pid)   # the namespace is gone
    # Under umask 022 every file the run wrote is 0644: the web server or CI user that publishes it can read it.
    written = {f.name: stat.S_IMODE(f.stat().st_mode) for f in tmp_path.iterdir() if f.is_file()}
    stem = files[0].stem
    assert {f"{stem}.json", f"{stem}.html", f"{stem}.junit.xml", "history.sqlite"} <= set(written), written
    assert all(mode == 0o644 for mode in written.values()), {n: oct(m) for n, m in written.items()}


def test_ctrl_c_keeps_what_was_measured_and_cleans_up(tmp_path):
    p = subprocess.Popen([*SAILBENCH, "bench", "--board", "sim", "--ddr-length", "1M", "--repeats", "20",
                          "--clock-seconds", "0.2", "--results-dir", str(tmp_path)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))   # even from a background job
    ddr_lines = 0
    for line in p.stdout:           # each DDR line is printed right after its record: the event, no polling
        ddr_lines += line.startswith("  DDR ")
        if ddr_lines >= 2:
            break
    assert p.poll() is None, "bench finished before it could be interrupted"
    sims = simulators_under(p.pid)
    assert sims, "no simulator found under the bench process"
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    data = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert data["status"] == "interrupted"
    assert len([r for r in data["records"] if r.get("probe") == "ddr"]) >= 2
    assert not _netns_of(p.pid)
    for pid in sims:
        assert gone_or_zombie(pid), f"simulator {pid} outlived the bench"

