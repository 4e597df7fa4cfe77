"""ECPIX-5 cables per revision in labgrid: the exporter config's USB match and JTAG resource, the place's
debugger class and the openFPGALoader cable a place's board is loaded with."""
import pytest
import yaml

from sailbench.harness.board import loader, place_resolve
from sailbench.harness.board.labgrid_place import Resource
from sailbench.harness.board.loader import Cable
from sailbench.harness.config import BoardConfig, LabgridPlace, load_lab
from sailbench.harness.run.labgrid_sync import exporter_config, jtag_resource


def ecpix5(revision):
    return BoardConfig(name="e5", kind="hardware", profile="ecpix5", revision=revision,
                       labgrid=LabgridPlace(place="e5", host="bench2", coordinator="lab:20408"))


@pytest.mark.parametrize("revision, cable", [("R02", "ecpix5-debug"), ("R03", "ft4232"), (None, "ecpix5-debug")])
def test_place_board_is_loaded_with_its_revisions_cable(monkeypatch, revision, cable):
    monkeypatch.setattr(place_resolve, "debugger", lambda config, address: ("bench2", "3:7"))
    assert loader.cable_for(ecpix5(revision)) == Cable("e5", cable, None, busdev="3:7", host="bench2")


def test_versa_place_keeps_ft2232():
    versa = BoardConfig(name="va", kind="hardware", profile="versa-ecp5", labgrid=LabgridPlace(place="va"))
    assert place_resolve.place_cable(versa) == "ft2232"


def test_jtag_resource_where_labgrids_usbdebugger_does_not_match():
    assert jtag_resource("0403:6010") == "USBDebugger"
    assert jtag_resource("0403:6011") == "USBFlashableDevice"


def test_flashable_device_is_the_places_debugger(monkeypatch):
    r = Resource("bench2", "e5", "NetworkUSBFlashableDevice", "USBFlashableDevice",
                 {"host": "bench2", "busnum": 1, "devnum": 4}, True, None)
    monkeypatch.setattr(place_resolve, "view", lambda config, address: place_resolve.PlaceView("e5", [], [r], []))
    assert place_resolve.debugger(ecpix5("R03"), "lab:20408") == ("bench2", "1:4")


def test_exporter_config_per_revision(tmp_path):
    path = tmp_path / "lab.yaml"
    path.write_text("labgrid: {coordinator: lab:20408}\nboards:\n"
                    "  a: {kind: hardware, profile: ecpix5, revision: R02, labgrid: {place: pa, host: h}}\n"
                    "  b: {kind: hardware, profile: ecpix5, revision: R03, cable_serial: FT4B,"
                    " labgrid: {place: pb, host: h}}\n")
    groups = yaml.safe_load(exporter_config(load_lab(path), "h"))
    assert groups["pa"]["USBSerialPort"]["match"] == {"ID_VENDOR_ID": "0403", "ID_MODEL_ID": "6010",
                                                      "ID_USB_INTERFACE_NUM": "01"}
    assert groups["pa"]["USBDebugger"]["match"] == {"ID_VENDOR_ID": "0403", "ID_MODEL_ID": "6010"}
    assert groups["pb"]["USBSerialPort"]["match"]["ID_MODEL_ID"] == "6011"
    assert groups["pb"]["USBFlashableDevice"]["match"] == {"ID_VENDOR_ID": "0403", "ID_MODEL_ID": "6011",
                                                           "ID_SERIAL_SHORT": "FT4B", "DEVTYPE": "usb_device"}
    assert "USBDebugger" not in groups["pb"]
