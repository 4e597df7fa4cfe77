"""The LiteDRAM module and controller settings every probe build uses, in one place.

What an accelerator on the card would get is what the probe measures with:
these settings go into the build (ProbeSoC.add_probe_dram) and into the
manifest (`dram.controller`, `dram.timings`), and the bench's DDR figures are
only valid for them. LiteDRAM's defaults are the starting point; PROBE_CONTROLLER
lists what sailbench changes and why (figures from the DFI accounting, see
gateware/cores/dfi_accounting.py and docs/measurement.md).

The module's timings come from the JEDEC DDR3 table (gateware/profiles/dram_jedec.py) by
the part's density and the profile's speed bin, with the profile's datasheet
overrides; LiteDRAM's module class gives only the geometry. A part LiteDRAM does
not know, or whose timings cannot be derived, is a ProfileError.
"""
from __future__ import annotations

from litedram import modules as litedram_modules
from litedram.core.controller import ControllerSettings
from litedram.modules import DDR3Module, _SpeedgradeTimings, _TechnologyTimings

from sailbench.gateware.profiles.dram_jedec import DramTimingError, ddr3_timings, describe
from sailbench.gateware.profiles import DramProfile, ProfileError

# Fields of ControllerSettings that are plain data and worth recording.
RECORDED = ("cmd_buffer_depth", "cmd_buffer_buffered", "read_time", "write_time", "with_refresh",
            "refresh_postponing", "with_auto_precharge", "address_mapping", "bank_byte_alignment")

# What the probe changes from LiteDRAM's defaults, and why (DFI accounting on the simulated
# Versa-ECP5, 1 MiB sequential, JEDEC tRFC):
# - refresh_postponing 8 (LiteDRAM default 1; JEDEC DDR3 allows up to 8 postponed REF): every
#   refresh closes all rows, and the multiplexer leaves REFRESH for READ, so a write stream pays
#   a read->write turnaround (read_latency cycles) and row re-opens after each one. Issued in
#   bursts of 8, that overhead is paid once per 8 tREFI instead of every tREFI.
PROBE_CONTROLLER: dict = {"refresh_postponing": 8}
TIMING_NAMES = ("tRP", "tRCD", "tWR", "tWTR", "tREFI", "tRFC", "tFAW", "tCCD", "tRRD", "tRC", "tRAS", "tZQCS")


def _geometry(d: DramProfile):
    cls = getattr(litedram_modules, d.module, None)
    if cls is None or not all(hasattr(cls, a) for a in ("nbanks", "nrows", "ncols")):
        raise ProfileError(f"DRAM part '{d.module}' is not in litedram.modules, so its geometry (banks, rows, "
                           "columns) is unknown; use a part it lists with the same geometry")
    return cls


def dram_module(d: DramProfile, sys_clk_hz: float, ratio: int | None = None):
    """The LiteDRAM module of profile DRAM `d` at sys_clk_hz, 1:ratio (default the profile's), its
    timings from the JEDEC table and the profile's datasheet overrides."""
    if isinstance(d, str):
        raise ProfileError(f"DRAM part '{d}': timings need the profile's speed bin; pass its DramProfile")
    base = _geometry(d)
    try:
        t = ddr3_timings(d.module, d.speed_bin, base.nbanks, base.nrows, base.ncols, d.chip_width or 16,
                         dict(d.timing_overrides))
    except DramTimingError as e:
        raise ProfileError(str(e)) from None

    def ck_ns(name):
        return (t[name].ck, t[name].ns) if t[name].ck else t[name].ns

    cls = type(d.module, (DDR3Module,), {
        "nbanks": base.nbanks, "nrows": base.nrows, "ncols": base.ncols,
        "technology_timings": _TechnologyTimings(tREFI=t["tREFI"].ns, tWTR=ck_ns("tWTR"), tCCD=ck_ns("tCCD"),
                                                 tRRD=ck_ns("tRRD"), tZQCS=ck_ns("tZQCS")),
        "speedgrade_timings": {"default": _SpeedgradeTimings(
            tRP=t["tRP"].ns, tRCD=t["tRCD"].ns, tWR=t["tWR"].ns, tRFC=(None, t["tRFC"].ns),
            tFAW=(None, t["tFAW"].ns), tRAS=t["tRAS"].ns)},
        "timing_sources": {k: {"ck": v.ck, "ns": v.ns, "source": v.source} for k, v in t.items()},
        "timing_basis": describe(d.module, d.speed_bin, base.nbanks, base.nrows, base.ncols, d.chip_width or 16),
    })
    return cls(sys_clk_hz, f"1:{ratio or d.ratio}")


def timing_manifest(module) -> dict:
    """The manifest's `dram.timings`: the controller's timings in sys cycles, and for each the
    value it came from and where from (`sources`: jedec or datasheet), with the table's basis."""
    t = module.timing_settings
    out = {n: getattr(t, n, None) for n in TIMING_NAMES}
    out["sources"] = getattr(module, "timing_sources", {})
    out["basis"] = getattr(module, "timing_basis", {})
    return out


def controller_settings(overrides: dict | None = None) -> ControllerSettings:
    """ControllerSettings with the probe's choices, then `overrides` (experiments, tests)."""
    kwargs = dict(PROBE_CONTROLLER)
    kwargs.update(overrides or {})
    return ControllerSettings(**kwargs)


def controller_manifest(settings: ControllerSettings) -> dict:
    """The manifest's `dram.controller` sub-dict: every recorded field, defaults included."""
    return {name: getattr(settings, name) for name in RECORDED}
