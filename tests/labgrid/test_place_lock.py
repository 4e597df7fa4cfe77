"""Place locks on a loopback labgrid lab: exclusivity, pairs, stale holds, restarts, offline exporters."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sailbench.harness.board.labgrid_place import coordinator, identity
from sailbench.harness.errors import LabgridError, PlaceLostError
from sailbench.harness.board.place_lock import HoldCheck, PlaceLock, lock_for_board, lock_for_pair_place
from sailbench.harness.errors import BoardBusyError
from sailbench.harness.record.results import ResultsFile

HOLDER = Path(__file__).with_name("holder.py")


class Holder:
    """A process of its own holding a place, as another run (another host, or this one) would."""

    def __init__(self, lab_path: Path, kind: str, name: str, host: str = "other-host", hold_s: float = 3600):
        env = os.environ | {"LG_HOSTNAME": host, "LG_USERNAME": "sailbench"}
        self.proc = subprocess.Popen([sys.executable, str(HOLDER), str(lab_path), kind, name, str(hold_s)],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.lines: list[str] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.lines.append(line.rstrip())
            if line.startswith("HELD"):
                return
        self.stop()
        raise AssertionError(f"holder of {kind} {name} never held it:\n" + "\n".join(self.lines))

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc.stdout.close()


def other_lab(loopback, name: str) -> Path:
    """lab.yaml of another host: its own lock directory (no shared flock)."""
    return loopback.lab_yaml(loopback.root / f"locks-{name}-{time.monotonic_ns()}")


def test_place_lock_holds_writes_holder_and_releases(lg):
    loopback, lab = lg
    lock = lock_for_board(lab, "va", progress=lambda _m: None, wait_s=1, command="sailbench bench --board va")
    assert isinstance(lock, PlaceLock)
    with lock:
        assert lock.held
        place = coordinator(lab.coordinator).place("lg-a")
        assert place.acquired == identity() == "bench-test/sailbench"
        holder = json.loads(place.comment)
        assert holder["pid"] == os.getpid() and holder["command"] == "sailbench bench --board va"
        assert {"host", "since"} <= set(holder)
        [serial] = lock.check_resources()
        assert (serial.host, serial.params["port"]) == ("127.0.0.1", loopback.serial_ports["lg-a"])
        lock.check_held()
    place = coordinator(lab.coordinator).place("lg-a")
    assert place.acquired is None and place.comment == ""
    assert not lock.held


def test_exclusive_across_processes_busy_names_holder_within_wait(lg):
    loopback, lab = lg
    holder = Holder(other_lab(loopback, "b"), "board", "va")
    try:
        t0 = time.monotonic()
        said = []
        with pytest.raises(BoardBusyError) as e:
            lock_for_board(lab, "va", progress=said.append, wait_s=1.5).acquire()
        waited = time.monotonic() - t0
        assert 1.5 <= waited < 60, waited          # its wait_s at least (load cannot shorten it); never hangs
        message = str(e.value)
        assert f"pid {holder.proc.pid} on " in message and "(holder va)" in message, message
        assert "labgrid place 'lg-a'" in message
        assert e.value.holder["pid"] == holder.proc.pid
        assert said and "waiting" in said[0]
        with lock_for_board(lab, "vb", progress=lambda _m: None, wait_s=0):     # another place is free
            pass
        assert not lock_for_board(lab, "va", wait_s=0, progress=lambda _m: None).flock.held
    finally:
        holder.stop()
    with lock_for_board(lab, "va", progress=lambda _m: None, wait_s=5) as lock:   # released by the holder
        assert lock.held


def test_same_host_waits_on_the_local_lock_first(lg):
    loopback, lab = lg
    holder = Holder(lab.path, "board", "va", host="bench-test")            # this host, same lock dir
    try:
        with pytest.raises(BoardBusyError, match=rf"pid {holder.proc.pid} .*\(holder va\)"):
            lock_for_board(lab, "va", progress=lambda _m: None, wait_s=0.3).acquire()
    finally:
        holder.stop()


def test_pair_place_is_all_or_nothing_and_excludes_its_boards(lg):
    loopback, lab = lg
    pair_holder = Holder(other_lab(loopback, "pair"), "pair", "ab")
    try:
        for board in ("va", "vb"):
            with pytest.raises(BoardBusyError) as e:
                lock_for_board(lab, board, progress=lambda _m: None, wait_s=0.3).acquire()
            assert f"pid {pair_holder.proc.pid}" in str(e.value) and "through place 'lg-ab'" in str(e.value)
        with lock_for_board(lab, "vc", progress=lambda _m: None, wait_s=0):      # not in the pair
            pass
    finally:
        pair_holder.stop()
    board_holder = Holder(other_lab(loopback, "board"), "board", "vb")
    try:
        with pytest.raises(BoardBusyError, match=rf"pid {board_holder.proc.pid}"):
            lock_for_pair_place(lab, "ab", progress=lambda _m: None, wait_s=0.3).acquire()
        with lock_for_board(lab, "va", progress=lambda _m: None, wait_s=0):      # the failed pair kept nothing
            pass
        assert coordinator(lab.coordinator).place("lg-ab").acquired is None
    finally:
        board_holder.stop()
    with lock_for_pair_place(lab, "ab", progress=lambda _m: None, wait_s=5) as lock:
        assert len(lock.check_resources()) == 2


def test_sigkilled_run_leaves_a_stale_hold_the_next_run_adopts(lg):
    loopback, lab = lg
    holder = Holder(lab.path, "board", "vb", host="bench-test")           # a run on this host
    pid = holder.proc.pid
    holder.kill()                                                          # SIGKILL: no release
    holder.stop()
    place = coordinator(lab.coordinator).place("lg-b")
    assert place.acquired == "bench-test/sailbench"                        # labgrid has no lease
    said = []
    with lock_for_board(lab, "vb", progress=said.append, wait_s=2) as lock:
        assert lock.adopted_from["pid"] == pid
        assert any("adopting a stale hold" in m and f"pid {pid}" in m for m in said), said
        assert json.loads(coordinator(lab.coordinator).place("lg-b").comment)["pid"] == os.getpid()
        lock.check_held()
    assert coordinator(lab.coordinator).place("lg-b").acquired is None


def test_another_hosts_hold_is_not_adopted(lg):
    loopback, lab = lg
    holder = Holder(other_lab(loopback, "x"), "board", "vb", host="other-host")
    holder.kill()
    holder.stop()
    with pytest.raises(BoardBusyError, match="on "):
        lock_for_board(lab, "vb", progress=lambda _m: None, wait_s=0.2).acquire()


def test_offline_exporter_is_an_infrastructure_error(lg):
    loopback, lab = lg
    loopback.stop_exporter("exp1")
    loopback.wait_resources(False, "lg-a")
    lock = lock_for_board(lab, "va", progress=lambda _m: None, wait_s=1)
    with pytest.raises(LabgridError, match=r"place 'lg-a' has 0 of 1 serial port.*exporter is offline"):
        lock.acquire()
    assert not lock.held and not lock.flock.held
    assert coordinator(lab.coordinator).place("lg-a").acquired is None      # not left held
    loopback.ensure_up()


def test_exporter_restart_mid_run_keeps_the_hold(lg):
    loopback, lab = lg
    with lock_for_board(lab, "vc", progress=lambda _m: None, wait_s=1) as lock:
        loopback.stop_exporter("exp2")
        loopback.wait_resources(False, "lg-c")
        lock.check_held()                                                  # the hold is the coordinator's
        with pytest.raises(LabgridError, match="exporter is offline"):
            lock.check_resources()
        loopback.start_exporter("exp2")
        loopback.wait_resources(True, "lg-c")
        deadline = time.monotonic() + 10
        while True:                                                        # the coordinator re-acquires them
            try:
                lock.check_resources()
                break
            except LabgridError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        lock.check_held()


def test_coordinator_restart_mid_run_loses_the_hold_and_keeps_results(lg, tmp_path):
    loopback, lab = lg
    lock = lock_for_board(lab, "va", progress=lambda _m: None, wait_s=1).acquire()
    try:
        results = ResultsFile("lg-restart", tmp_path, {"board": "va"}, sinks=[HoldCheck(lock, every_s=0)])
        with pytest.raises(PlaceLostError, match=r"lost the hold on place 'lg-a'.*coordinator restart.*kept"):
            with results:
                results.add_record({"probe": "first", "value": 1})
                loopback.stop()                          # exporters first, then the coordinator
                loopback.ensure_up()                     # same port; places come back from places.yaml
                results.add_record({"probe": "second", "value": 2})
                results.add_record({"probe": "third", "value": 3})
        data = json.loads(results.path.read_text())
        assert [r["probe"] for r in data["records"]] == ["first", "second"]
        assert data["status"] != "running"
    finally:
        lock.release()
    assert not lock.held


def test_pair_reservation_takes_the_pair_place_whole(lg):
    from sailbench.harness.run.pair.reservation import Busy, PairReservation, try_reserve
    loopback, lab = lg
    got = try_reserve(lab.lock_dir, lab.pair("ab"), "sailbench pair --pair ab", lab)
    assert isinstance(got, PairReservation) and got.held
    try:
        assert coordinator(lab.coordinator).place("lg-ab").acquired == identity()
        again = try_reserve(lab.lock_dir, lab.pair("ab"), "second", lab)
        assert isinstance(again, Busy) and "sailbench pair --pair ab" in again.reason
        with pytest.raises(BoardBusyError, match="through place 'lg-ab'"):
            lock_for_board(loopback_lab_other(loopback), "vb", progress=lambda _m: None, wait_s=0).acquire()
    finally:
        got.release()
    assert coordinator(lab.coordinator).place("lg-ab").acquired is None


def loopback_lab_other(loopback):
    from sailbench.harness.config import load_lab
    return load_lab(other_lab(loopback, "o"))


def test_sync_is_idempotent_and_prints_changes(lg):
    loopback, lab = lg
    extra = "  vd:\n    kind: hardware\n    profile: versa-ecp5\n    cable_serial: FT4XYZ\n" \
            "    labgrid: {place: lg-d, host: exp9}\n"
    path = loopback.lab_yaml(loopback.root / f"locks-sync-{time.monotonic_ns()}", extra_boards=extra)
    cli = [str(Path(sys.executable).with_name("sailbench")), "--lab", str(path), "labgrid"]
    first = subprocess.run([*cli, "sync"], capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == ["created place 'lg-d'", "place 'lg-d': added match */lg-d/*",
                                         "place 'lg-d': tags board=vd profile=versa-ecp5 sailbench=board"]
    second = subprocess.run([*cli, "sync"], capture_output=True, text=True, timeout=60)
    assert second.returncode == 0 and second.stdout.startswith("places on 127.0.0.1:") and \
        "already match lab.yaml (5 places)" in second.stdout, second.stdout
    pair = coordinator(lab.coordinator).place("lg-ab")
    assert sorted(repr(m) for m in pair.matches) == ["*/lg-a/*", "*/lg-b/*"]
    exp = subprocess.run([*cli, "sync", "--exporter-config", "exp9"], capture_output=True, text=True, timeout=60)
    assert exp.returncode == 0, exp.stderr
    assert "lg-d:     ## board 'vd'" in exp.stdout and "ID_SERIAL_SHORT: 'FT4XYZ'" in exp.stdout
    assert "USBSerialPort" in exp.stdout and "USBDebugger" in exp.stdout and "lg-a" not in exp.stdout
    import yaml
    assert set(yaml.safe_load(exp.stdout)) == {"lg-d"}           # valid YAML once rendered (## are comments)


def test_unreachable_coordinator_is_one_line_in_seconds(tmp_path):
    import socket as _socket
    with _socket.socket() as s:                      # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    lab_path = tmp_path / "lab.yaml"
    lab_path.write_text(f"labgrid: {{coordinator: '127.0.0.1:{port}'}}\nlocks: {{dir: {tmp_path / 'locks'}}}\n"
                        "boards:\n  va:\n    kind: hardware\n    profile: versa-ecp5\n    labgrid: {place: lg-a}\n")
    from sailbench.harness.config import load_lab
    lock = lock_for_board(load_lab(lab_path), "va", progress=lambda _m: None, wait_s=1)
    t0 = time.monotonic()
    with pytest.raises(LabgridError, match=rf"cannot reach the labgrid coordinator at 127\.0\.0\.1:{port}"):
        lock.acquire()
    assert time.monotonic() - t0 < 60          # bounded (generous: a busy machine stretches connect timeouts)
    assert not lock.flock.held
    coordinator(f"127.0.0.1:{port}").close()


def test_pair_place_from_the_pair_runners_thread(lg, tmp_path):
    """The pair runner reserves (and re-checks) in a thread of its own."""
    import threading
    from sailbench.harness.run.pair.reservation import PairReservation, try_reserve
    loopback, lab = lg
    coordinator(lab.coordinator).places()               # a session opened by the main thread first
    out: dict = {}

    def work():
        try:
            got = try_reserve(lab.lock_dir, lab.pair("ab"), "pair thread", lab)
            out["held"] = isinstance(got, PairReservation) and got.held
            results = ResultsFile("lg-thread", tmp_path, {"board": "ab"}, sinks=[HoldCheck(got.locks[0], every_s=0)])
            with results:
                results.add_record({"probe": "x"})
            got.release()
        except BaseException as e:      # noqa: BLE001 - reported below
            out["error"] = e

    t = threading.Thread(target=work)
    t.start()
    t.join(60)
    assert "error" not in out, out.get("error")
    assert out["held"]
    assert coordinator(lab.coordinator).place("lg-ab").acquired is None


def test_a_live_local_holder_is_never_adopted(lg):
    """Same identity, another lock directory (another checkout's locks.dir): its process lives, so its
    hold is not stale: busy, naming it."""
    loopback, lab = lg
    holder = Holder(other_lab(loopback, "same-host"), "board", "vc", host="bench-test")
    try:
        with pytest.raises(BoardBusyError, match=rf"pid {holder.proc.pid} "):
            lock_for_board(lab, "vc", progress=lambda _m: None, wait_s=0.5).acquire()
    finally:
        holder.stop()
