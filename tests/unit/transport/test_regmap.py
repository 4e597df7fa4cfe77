"""RegisterMap from csr.json (layout as LiteX 2024.12 writes it)."""
from __future__ import annotations

import json

import pytest

from sailbench.harness.transport.regmap import Register, RegisterMap, UnknownNameError
from sailbench.harness.errors import ConfigError

# Trimmed from the csr.json of a CPU-less LiteX 2024.12 SoC with a 64-bit
# CSRStatus (probe_ticks) and a 40-bit CSRStorage (probe_wide).
CSR_JSON = {
    "csr_bases": {"ctrl": 0, "identifier_mem": 2048, "probe": 4096, "timer0": 6144},
    "csr_registers": {
        "ctrl_reset": {"addr": 0, "size": 1, "type": "rw"},
        "ctrl_scratch": {"addr": 4, "size": 1, "type": "rw"},
        "ctrl_bus_errors": {"addr": 8, "size": 1, "type": "ro"},
        "probe_ticks": {"addr": 4096, "size": 2, "type": "ro"},
        "probe_length": {"addr": 4104, "size": 1, "type": "rw"},
        "probe_wide": {"addr": 4108, "size": 2, "type": "rw"},
        "timer0_load": {"addr": 6144, "size": 1, "type": "rw"},
        "timer0_value": {"addr": 6160, "size": 1, "type": "ro"},
    },
    "constants": {
        "config_clock_frequency": 1000000,
        "config_cpu_type_none": None,
        "config_identifier": "sailbench test",
        "config_csr_data_width": 32,
        "config_csr_alignment": 32,
        "config_bus_address_width": 32,
    },
    "memories": {"csr": {"base": 0, "size": 65536, "type": "io"}},
}


@pytest.fixture
def csr_json(tmp_path):
    path = tmp_path / "csr.json"
    path.write_text(json.dumps(CSR_JSON, indent=4))
    return path


def test_registers_constants_memories_bases(csr_json):
    rm = RegisterMap.from_json(csr_json)
    assert rm.register("probe_ticks") == Register("probe_ticks", 0x1000, 2, "ro")
    assert rm.register("probe_ticks").end == 0x1008
    assert not rm.register("ctrl_bus_errors").writable
    assert rm.constant("CONFIG_CLOCK_FREQUENCY") == 1_000_000
    assert rm.constant("config_cpu_type_none") is None
    assert rm.memory("csr").size == 65536
    assert rm.base("identifier_mem") == 0x800
    assert rm.names("ctrl_") == ["ctrl_reset", "ctrl_scratch", "ctrl_bus_errors"]
    assert "timer0_load" in rm and "nope" not in rm


def test_multi_word_registers_are_msb_word_first(csr_json):
    rm = RegisterMap.from_json(csr_json)
    assert rm.join_words([0x11223344, 0x55667788]) == 0x1122334455667788
    assert rm.split_value(0xAB_CDEF0123, 2) == [0xAB, 0xCDEF0123]
    little = RegisterMap.from_json(csr_json, ordering="little")
    assert little.join_words([0x55667788, 0x11223344]) == 0x1122334455667788


def test_unknown_register_lists_close_matches(csr_json):
    rm = RegisterMap.from_json(csr_json)
    with pytest.raises(UnknownNameError) as err:
        rm.register("ctrl_scrach")
    assert isinstance(err.value, ConfigError)
    assert "no register 'ctrl_scrach'" in str(err.value)
    assert "did you mean: ctrl_scratch" in str(err.value)
    assert str(csr_json) in str(err.value)
    assert err.value.close_matches[0] == "ctrl_scratch"
    with pytest.raises(UnknownNameError) as err:
        rm.register("zzzzzz")
    assert "8 registers" in str(err.value)


def test_unknown_constant_and_memory(csr_json):
    rm = RegisterMap.from_json(csr_json)
    with pytest.raises(UnknownNameError, match="config_clock_frequency"):
        rm.constant("config_clock_frequncy")
    with pytest.raises(UnknownNameError, match="no memory 'main_ram'"):
        rm.memory("main_ram")
    with pytest.raises(UnknownNameError, match="no CSR base"):
        rm.base("sdram")


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(ConfigError, match="build the gateware first"):
        RegisterMap.from_json(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    with pytest.raises(ConfigError, match="not valid JSON"):
        RegisterMap.from_json(bad)
    bad.write_text(json.dumps({"csr_bases": {}}))
    with pytest.raises(ConfigError, match="missing 'csr_registers'"):
        RegisterMap.from_json(bad)
    bad.write_text(json.dumps({"csr_registers": {"x": {"addr": "4", "size": 1}}}))
    with pytest.raises(ConfigError, match="csr_registers.x: 'addr' must be"):
        RegisterMap.from_json(bad)


def test_other_csr_data_width_is_refused(tmp_path):
    data = json.loads(json.dumps(CSR_JSON))
    data["constants"]["config_csr_data_width"] = 8
    path = tmp_path / "csr.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ConfigError, match="csr_data_width=32"):
        RegisterMap.from_json(path)
