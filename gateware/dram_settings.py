"""The LiteDRAM controller settings every probe build uses, in one place.

What an accelerator on the card would get is what the probe measures with:
these settings go into the build (ProbeSoC.add_probe_dram) and into the
manifest (`dram.controller`), and the bench's DDR figures are only valid for
them. LiteDRAM's defaults are the starting point; PROBE_CONTROLLER lists what
sailbench changes and why (figures from the DFI accounting, see
gateware/cores/dfi_accounting.py and docs/measurement.md).
"""
from __future__ import annotations

from litedram.core.controller import ControllerSettings

# Fields of ControllerSettings that are plain data and worth recording.
RECORDED = ("cmd_buffer_depth", "cmd_buffer_buffered", "read_time", "write_time", "with_refresh",
            "refresh_postponing", "with_auto_precharge", "address_mapping", "bank_byte_alignment")

# What the probe changes from LiteDRAM's defaults (empty = LiteDRAM's defaults).
PROBE_CONTROLLER: dict = {}


def controller_settings(overrides: dict | None = None) -> ControllerSettings:
    """ControllerSettings with the probe's choices, then `overrides` (experiments, tests)."""
    kwargs = dict(PROBE_CONTROLLER)
    kwargs.update(overrides or {})
    return ControllerSettings(**kwargs)


def controller_manifest(settings: ControllerSettings) -> dict:
    """The manifest's `dram.controller` sub-dict: every recorded field, defaults included."""
    return {name: getattr(settings, name) for name in RECORDED}
