"""harness/run/netlist_ports.py: the signals behind the cells a nextpnr error quotes, from a yosys
JSON netlist (a hand-written one here, shaped as yosys writes it)."""
import json

from sailbench.harness.run.netlist_ports import name_ports, ports_of_cell

NETLIST = {"modules": {"top": {
    "attributes": {"top": "00000000000000000000000000000001"},
    "ports": {"ddram_dq": {"direction": "input", "bits": [2, 3]}, "led": {"direction": "output", "bits": [9]}},
    "cells": {
        "TSHX2DQA_8": {"type": "TSHX2DQA", "connections": {"Q": [5], "DQSW270": [7]}},
        "TRELLIS_IO_3": {"type": "TRELLIS_IO", "connections": {"B": [3], "T": [5], "I": [6], "O": [8]}},
        "LUT": {"type": "LUT4", "connections": {"A": [8], "Z": [9]}},
    }}}}


def test_a_cell_behind_an_io_buffer_names_that_buffer_s_port():
    assert ports_of_cell(NETLIST, "TSHX2DQA_8") == ["ddram_dq[1]"]


def test_a_cell_on_a_port_and_reading_an_io_buffer_names_both_and_an_unknown_cell_nothing():
    assert ports_of_cell(NETLIST, "LUT") == ["ddram_dq[1]", "led"]
    assert ports_of_cell(NETLIST, "DQSBUFM_9") == []


def test_an_error_gets_the_signals_of_the_cells_it_quotes(tmp_path):
    path = tmp_path / "top.json"
    path.write_text(json.dumps(NETLIST))
    error = "DQS group mismatch, port DQSW270 of 'TSHX2DQA_8' in group LDQ41 is driven by DQSBUFM 'DQSBUFM_1'"
    assert name_ports(error, path) == f"{error} (signals: TSHX2DQA_8: ddram_dq[1])"
    assert name_ports("no quotes here", path) == "no quotes here"
    assert name_ports(error, tmp_path / "missing.json") == error
