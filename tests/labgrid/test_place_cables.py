"""ECPIX-5 places against the real coordinator and exporter: the exporter config `sailbench labgrid sync
--exporter-config` writes for each revision's cable is accepted by labgrid-exporter, and the place's
matches cover the UART and the JTAG resource (USBDebugger for R02's FT2232H, USBFlashableDevice for
R03's FT4232H, which labgrid's USBDebugger does not take). No USB device is plugged in, so the
resources are exported but not available; what is checked is what the place would hand over."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from sailbench.harness.board.labgrid_place import coordinator
from sailbench.harness.board.place_resolve import DEBUGGER_CLASSES, place_cable
from sailbench.harness.config import load_lab
from sailbench.harness.run.labgrid_sync import exporter_config, sync_places

EXPORTER = "exp-ecpix5"
BOARDS = f"""\
  e5-r02:
    kind: hardware
    profile: ecpix5
    revision: R02
    cable_serial: FT2R02
    labgrid: {{place: lg-e5-r02, host: {EXPORTER}}}
  e5-r03:
    kind: hardware
    profile: ecpix5
    revision: R03
    cable_serial: FT4R03
    labgrid: {{place: lg-e5-r03, host: {EXPORTER}}}
"""


def _wait_groups(address: str, groups: set[str], proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if groups <= {r.group for r in coordinator(address).resources() if r.exporter == EXPORTER}:
            return
        assert proc.poll() is None, f"labgrid-exporter exited ({proc.returncode}):\n{log.read_text()}"
        time.sleep(0.1)
    raise AssertionError(f"the exporter's groups {groups} never reached the coordinator:\n{log.read_text()}")


def test_ecpix5_places_match_each_revisions_debugger(lg, tmp_path):
    loopback, _ = lg
    lab = load_lab(loopback.lab_yaml(tmp_path / "locks-e5", extra_boards=BOARDS))
    sync_places(lab, progress=lambda _m: None)
    config = tmp_path / "exporter.yaml"
    config.write_text(exporter_config(lab, EXPORTER))
    log = tmp_path / "exporter.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([str(Path(sys.executable).with_name("labgrid-exporter")), "-c", lab.coordinator,
                                 "-n", EXPORTER, "--hostname", "127.0.0.1", str(config)],
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_groups(lab.coordinator, {"lg-e5-r02", "lg-e5-r03"}, proc, log)
        c = coordinator(lab.coordinator)
        classes = {place: {r.cls for r in c.matched(c.place(place))} for place in ("lg-e5-r02", "lg-e5-r03")}
        assert classes["lg-e5-r02"] == {"NetworkSerialPort", "NetworkUSBDebugger"}
        assert classes["lg-e5-r03"] == {"NetworkSerialPort", "NetworkUSBFlashableDevice"}
        assert all(classes[p] & set(DEBUGGER_CLASSES) for p in classes), "place_resolve takes each as the debugger"
        text = config.read_text()
        assert "ID_MODEL_ID: '6011'" in text and "ID_SERIAL_SHORT: 'FT4R03'" in text
        assert [place_cable(lab.board(b)) for b in ("e5-r02", "e5-r03")] == ["ecpix5-debug", "ft4232"]
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
