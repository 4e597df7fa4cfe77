"""The build manifest: what a build tells the host, as typed records (no LiteX).

Every target (sim, ecp5, simpair) writes one `sailbench.json` last, so its
presence marks a complete build (gateware/build/build_once.py). The harness reads it back through
harness/build/manifest.py and uses attributes, never string keys. This module
imports neither migen nor LiteX: the host imports it at run time.

The JSON's keys are the records' field names (results and provenance carry
parts of it); `schema` versions the layout. A manifest
without `schema` is version 1 (written before the key existed, same layout).
"""
from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST_NAME = "sailbench.json"
SCHEMA_VERSION = 1


class ManifestError(ValueError):
    """A manifest that does not parse: the message names the file and the field."""


# -- records ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DramPhy:
    """LiteDRAM PHY settings the host needs for DFII init and leveling (dram_info.phy_info)."""
    phytype: str
    memtype: str
    databits: int
    dfi_databits: int
    nphases: int
    rdphase: int
    wrphase: int
    cl: int
    cwl: int | None
    modules: int                  # byte lanes (DQS groups)
    read_leveling: bool
    write_leveling: bool
    delays: int
    bitslips: int


@dataclass(frozen=True)
class InitStep:
    """One DFII write of the JEDEC init sequence: `kind` "control" or "command"."""
    comment: str
    kind: str
    bits: int
    address: int
    bank: int
    delay: int


@dataclass(frozen=True)
class DramAccounting:
    """The DFI accounting CSRs (<csr_prefix>_<name>) of gateware/cores/dfi_accounting.py."""
    csr_prefix: str
    events: tuple[str, ...]
    classes: tuple[str, ...]
    burst_cycles: int             # sys cycles of data per read/write burst


@dataclass(frozen=True)
class DramInfo:
    module: str
    memtype: str
    data_width: int
    ratio: int
    transfers_per_s: float
    peak_bytes_per_s: float
    bist_word_bytes: int
    size_bytes: int
    main_ram_base: int
    phy: DramPhy
    init_sequence: tuple[InitStep, ...]
    max_transfers_per_s: float | None = None     # the FPGA family's DDR3 limit per pin
    max_peak_bytes_per_s: float | None = None
    controller: dict[str, Any] | None = None     # LiteDRAM controller settings (gateware/soc/dram_settings.py)
    timings: dict[str, Any] | None = None        # controller timings in sys cycles; `sources` (jedec/datasheet) and `basis`
    accounting: DramAccounting | None = None     # builds with DFI accounting


@dataclass(frozen=True)
class EtherboneInfo:
    soc_ip: str
    port: int
    host_ip: str | None = None    # simulated boards: the TAP's address inside the netns
    mac: str | None = None        # bitstreams: the board's MAC address (its build option)


@dataclass(frozen=True)
class FrameCost:
    """What one UDP frame costs on a host link beyond its payload, and the link's line rate."""
    line_rate_bytes_per_s: int
    preamble_bytes: int
    fcs_bytes: int
    header_bytes: int       # Ethernet 14 + IPv4 20 + UDP 8
    min_frame_bytes: int    # before the FCS (shorter frames are padded)
    tx_gap_bytes: int       # inter-frame gap after a frame the board sends
    rx_gap_bytes: int       # ... after a frame the board receives


# GbE on the copper: 125 MB/s, preamble+SFD 8, FCS 4, minimum 60 bytes before the FCS, a 12-byte gap
# either way; a 1472-byte UDP payload is 1538 bytes on the wire. The one home of these numbers: the
# targets write them into the manifest, the host's ceilings (harness/judge/ceilings.py) read them.
GBE = FrameCost(line_rate_bytes_per_s=125_000_000, preamble_bytes=8, fcs_bytes=4, header_bytes=42,
                min_frame_bytes=60, tx_gap_bytes=12, rx_gap_bytes=12)


@dataclass(frozen=True)
class HostLinkInfo:
    """The host link's wire: what one frame costs beyond its UDP payload, and the ports."""
    phy: str
    line_rate_bytes_per_s: int
    preamble_bytes: int
    fcs_bytes: int
    header_bytes: int
    min_frame_bytes: int
    tx_gap_bytes: int
    rx_gap_bytes: int
    gen_port: int
    sink_port: int


@dataclass(frozen=True)
class UartInfo:
    kind: str                     # "serial2tcp" (sim) or "rs232"
    baudrate: int | None = None
    rx_fifo_bytes: int | None = None   # UARTBone's receive FIFO (cores/uartbone_fifo.py); None: none, one read at a time


@dataclass(frozen=True)
class ClockSummary:
    achieved_mhz: float | None
    required_mhz: float | None
    passed: bool


@dataclass(frozen=True)
class ResourceUse:
    used: int
    available: int


@dataclass(frozen=True)
class ReportSummary:
    """nextpnr's verdict (pnr_report.BuildReport.summary) and where the full report is."""
    json: str
    text: str
    timing_passed: bool
    fits: bool
    failing_clocks: tuple[str, ...]
    clocks: dict[str, ClockSummary]
    utilisation: dict[str, ResourceUse]

    def to_dict(self) -> dict[str, Any]:
        return _to_json(self)


@dataclass(frozen=True)
class LaneChannel:
    """Where one lane of a bitstream sits: its SerDes channel, clock domains and PLL (gateware/soc/ecp5_serdes.py)."""
    lane: int
    serdes: str
    dual: int
    channel: int
    tx_pads: str
    rx_pads: str
    tx_clock_domain: str
    rx_clock_domain: str
    word_clk_hz: float
    bytes_per_word: int
    refclk_hz: float
    pll: dict[str, float]
    pins: dict[str, str] | None = None        # {"tx": "W8/W9", "rx": "Y7/Y8"}: the balls (P/N) of the pads


@dataclass(frozen=True)
class LaneInfo:
    """The inter-card lanes of a build: the simulated pair's, or a bitstream's (with `channels`)."""
    word_clk_hz: float
    bytes_per_word: int
    line_rate_baud: float
    ceiling_bytes_per_s: float
    faults: str | None = None              # the simulated pair: where the fault knobs are
    clock_meter: str | None = None         # laneN_clock CSRs (cores/clock_meter.py)
    channels: tuple[LaneChannel, ...] | None = None   # bitstreams: one per lane built
    coding: str = "8b10b"                  # the line code in fabric (gateware/profiles/lane_rates.py)


@dataclass(frozen=True)
class PairBoard:
    identifier: str
    csr_json: str
    serial_index: int


@dataclass(frozen=True)
class CsrField:
    offset: int
    size: int


# core -> register (without the instance prefix) -> field -> layout, e.g. csr_fields["lane"]["status"]["stage"]
CsrFields = dict[str, dict[str, dict[str, CsrField]]]


@dataclass(frozen=True)
class BuildManifest:
    target: str                   # "sim", "ecp5" or "simpair"
    profile: str
    hash: str
    version: str
    packages: dict[str, str]
    sys_clk_hz: int
    build_seconds: float | None = None
    identifier: str | None = None          # single boards; pair boards: boards[role].identifier
    role: str | None = None                # one board of a pair (for_role), never written
    options: dict[str, Any] | None = None
    csr_json: str | None = None
    uart: UartInfo | None = None
    etherbone: EtherboneInfo | None = None
    dram: DramInfo | None = None
    host_link: HostLinkInfo | None = None
    vsim: str | None = None                # simulations
    modules_dir: str | None = None
    fpga: str | None = None                # bitstreams
    jtag_idcode: int | None = None
    bitstream: str | None = None
    report: ReportSummary | None = None
    step_seconds: dict[str, float] | None = None
    clocks_mhz: dict[str, float] | None = None   # bitstreams: nominal MHz of each clock domain
    lanes: int | None = None               # the simulated pair; bitstreams: lanes built
    lane: LaneInfo | None = None
    boards: dict[str, PairBoard] | None = None
    csr_fields: CsrFields = field(default_factory=dict)
    schema: int = SCHEMA_VERSION

    def for_role(self, role: str) -> "BuildManifest":
        """One board of a pair, as the harness's Board sees it: its identifier and CSR map."""
        if not self.boards or role not in self.boards:
            raise ManifestError(f"build {self.hash} ({self.target}) has no board '{role}'")
        b = self.boards[role]
        return dataclasses.replace(self, identifier=b.identifier, csr_json=b.csr_json, role=role)

    def to_dict(self) -> dict[str, Any]:
        d = _to_json(self)
        d.pop("role", None)
        if self.boards is None:        # single boards always name both (null when absent)
            d.setdefault("etherbone", None)
            d.setdefault("dram", None)
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_dict(cls, data: Any, where: str = "manifest") -> "BuildManifest":
        if not isinstance(data, dict):
            raise ManifestError(f"{where}: not a JSON object")
        schema = data.get("schema", 1)
        if schema != SCHEMA_VERSION:
            raise ManifestError(f"{where}: schema {schema!r}, this sailbench reads schema {SCHEMA_VERSION}")
        return _load(cls, {**data, "schema": schema}, where)


# -- files --------------------------------------------------------------------------------------

def write_manifest(build_dir: Path, manifest: BuildManifest) -> Path:
    """Written last (temporary file and rename): its presence marks a complete build."""
    path = build_dir / MANIFEST_NAME
    tmp = path.with_suffix(".tmp")
    tmp.write_text(manifest.to_json())
    tmp.replace(path)
    return path


def load_manifest(path: Path) -> BuildManifest:
    """Parse `path`; OSError if it cannot be read, ManifestError (naming it) if it does not parse."""
    text = path.read_text()
    try:
        data = json.loads(text)
    except ValueError as e:
        raise ManifestError(f"{path}: not JSON ({e})") from None
    return BuildManifest.from_dict(data, str(path))


def manifest_exists(build_dir: Path) -> bool:
    return (build_dir / MANIFEST_NAME).is_file()


# -- JSON <-> records ---------------------------------------------------------------------------

def _to_json(obj: Any) -> Any:
    """Records to plain JSON values; optional fields that are None are left out."""
    if dataclasses.is_dataclass(obj):
        out = {}
        for f in dataclasses.fields(obj):
            v = getattr(obj, f.name)
            if v is None:
                continue
            out[f.name] = _to_json(v)
        return out
    if isinstance(obj, dict):
        return {k: _to_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_to_json(v) for v in obj]
    return obj


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _load(tp: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _load(inner, value, where)
    if dataclasses.is_dataclass(tp):
        if isinstance(value, tp):          # a record already (a target building its manifest)
            return value
        if not isinstance(value, dict):
            raise ManifestError(f"{where}: expected an object, got {type(value).__name__}")
        hints = _hints(tp)
        unknown = sorted(set(value) - set(hints))
        if unknown:
            raise ManifestError(f"{where}: unknown field(s) {', '.join(unknown)}")
        kwargs = {}
        for f in dataclasses.fields(tp):
            if f.name in value:
                kwargs[f.name] = _load(hints[f.name], value[f.name], f"{where}: {f.name}")
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise ManifestError(f"{where}: missing field '{f.name}'")
        return tp(**kwargs)
    if origin is dict:
        key_t, val_t = typing.get_args(tp)
        if not isinstance(value, dict):
            raise ManifestError(f"{where}: expected an object, got {type(value).__name__}")
        return {k: _load(val_t, v, f"{where}.{k}") for k, v in value.items()}
    if origin is tuple:
        if not isinstance(value, list):
            raise ManifestError(f"{where}: expected a list, got {type(value).__name__}")
        (item_t, _dots) = typing.get_args(tp)
        return tuple(_load(item_t, v, f"{where}[{i}]") for i, v in enumerate(value))
    if tp is Any:
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ManifestError(f"{where}: expected a number, got {value!r}")
        return value
    if tp in (int, str, bool):
        if not isinstance(value, tp) or (tp is int and isinstance(value, bool)):
            raise ManifestError(f"{where}: expected {tp.__name__}, got {value!r}")
        return value
    raise ManifestError(f"{where}: no reader for type {tp!r}")
