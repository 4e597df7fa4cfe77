"""DDR3 / DDR3L timings from the JEDEC standard (JESD79-3F, JESD79-3-1 for DDR3L at 1.35 V).

Every DRAM part gets its timings from its density (tRFC), its page size (tFAW, tRRD)
and its speed bin (tRCD, tRP, CL, tRAS), not from per-part fixes: LiteDRAM's module
tables give some tRFC values in clocks of the part's fastest grade, which at a slow
DRAM clock overstates refresh five-fold. A profile may override single values from
its part's datasheet (`dram.timings`); the build's manifest says where each timing
came from ("jedec" or "datasheet"). A part whose timings cannot be derived (unknown
speed bin or density) is an error, never a silent default. LiteX-free: the profile
checks use it too.
"""
from __future__ import annotations

from dataclasses import dataclass


class DramTimingError(ValueError):
    """A DRAM part's timings cannot be derived from the standard (what is missing is named)."""


# tRFC (ns) by device density in Gbit (JESD79-3F table 68).
TRFC_NS = {0.5: 90.0, 1: 110.0, 2: 160.0, 4: 260.0, 8: 350.0}
TREFI_NS = 7800.0              # average periodic refresh interval, 0 to 85 C
TWR_NS = 15.0                  # write recovery
TWTR = (4, 7.5)                # (tCK, ns): the larger applies
TCCD = (4, None)
TZQCS = (64, None)


@dataclass(frozen=True)
class SpeedBin:
    """One JEDEC speed bin: data rate (MT/s), CL-tRCD-tRP in clocks at its own tCK, tRAS (ns)."""
    rate: int
    cl: int
    trcd_ns: float
    trp_ns: float
    tras_ns: float

    @property
    def tck_ns(self) -> float:
        return 2000.0 / self.rate


TCK_NS = {800: 2.5, 1066: 1.875, 1333: 1.5, 1600: 1.25, 1866: 1.07, 2133: 0.938}   # JEDEC's tCK(avg) per rate


def _bin(rate: int, cl: int, tras: float) -> SpeedBin:
    ns = round(cl * TCK_NS[rate], 3)
    return SpeedBin(rate, cl, ns, ns, tras)


# JESD79-3F tables 107-112 (tRCD = tRP = CL x tCK for the standard bins; tRAS min per rate).
SPEED_BINS: dict[str, SpeedBin] = {
    "DDR3-800D": _bin(800, 5, 37.5), "DDR3-800E": _bin(800, 6, 37.5),
    "DDR3-1066E": _bin(1066, 6, 37.5), "DDR3-1066F": _bin(1066, 7, 37.5), "DDR3-1066G": _bin(1066, 8, 37.5),
    "DDR3-1333F": _bin(1333, 7, 36.0), "DDR3-1333G": _bin(1333, 8, 36.0), "DDR3-1333H": _bin(1333, 9, 36.0),
    "DDR3-1333J": _bin(1333, 10, 36.0),
    "DDR3-1600G": _bin(1600, 8, 35.0), "DDR3-1600H": _bin(1600, 9, 35.0), "DDR3-1600J": _bin(1600, 10, 35.0),
    "DDR3-1600K": _bin(1600, 11, 35.0),
    "DDR3-1866J": _bin(1866, 10, 34.0), "DDR3-1866K": _bin(1866, 11, 34.0), "DDR3-1866L": _bin(1866, 12, 34.0),
    "DDR3-1866M": _bin(1866, 13, 34.0),
    "DDR3-2133K": _bin(2133, 11, 33.0), "DDR3-2133L": _bin(2133, 12, 33.0), "DDR3-2133M": _bin(2133, 13, 33.0),
    "DDR3-2133N": _bin(2133, 14, 33.0),
}

# tFAW and tRRD (ns) by page size (1 KB: x4/x8, 2 KB: x16) and data rate (JESD79-3F table 68/tRRD rows).
TFAW_NS = {1: {800: 40.0, 1066: 37.5, 1333: 30.0, 1600: 30.0, 1866: 27.0, 2133: 25.0},
           2: {800: 50.0, 1066: 50.0, 1333: 45.0, 1600: 40.0, 1866: 35.0, 2133: 35.0}}
TRRD_NS = {1: {800: 10.0, 1066: 7.5, 1333: 6.0, 1600: 6.0, 1866: 5.0, 2133: 5.0},
           2: {800: 10.0, 1066: 10.0, 1333: 7.5, 1600: 7.5, 1866: 6.0, 2133: 6.0}}

# What a profile's `dram.timings` may override (ns), and LiteDRAM's name for each.
OVERRIDABLE = ("tRP", "tRCD", "tWR", "tRFC", "tFAW", "tRAS", "tREFI", "tWTR", "tRRD")


def density_gbit(nbanks: int, nrows: int, ncols: int, chip_width: int) -> float:
    return nbanks * nrows * ncols * chip_width / 2**30


def page_kb(ncols: int, chip_width: int) -> int:
    """DDR3 page size in KB: columns x chip width / 8 (x16 parts: 2 KB)."""
    return max(1, ncols * chip_width // 8 // 1024)


@dataclass(frozen=True)
class Timing:
    ck: int | None
    ns: float | None
    source: str                  # "jedec" or "datasheet"


def ddr3_timings(part: str, speed_bin: str | None, nbanks: int, nrows: int, ncols: int, chip_width: int,
                 overrides: dict[str, float] | None = None) -> dict[str, Timing]:
    """Every timing LiteDRAM needs for `part`, from the standard, then the datasheet overrides."""
    if speed_bin is None:
        raise DramTimingError(f"DRAM part {part}: no speed bin; set dram.speed_bin to the part's JEDEC bin "
                              f"(e.g. DDR3-1600K for a -125 marking)")
    sb = SPEED_BINS.get(speed_bin)
    if sb is None:
        raise DramTimingError(f"DRAM part {part}: unknown speed bin '{speed_bin}'; known: "
                              + ", ".join(SPEED_BINS))
    density = density_gbit(nbanks, nrows, ncols, chip_width)
    trfc = TRFC_NS.get(density if density < 1 else int(density))
    if trfc is None:
        raise DramTimingError(f"DRAM part {part}: density {density:g} Gbit ({nbanks} banks x {nrows} rows x "
                              f"{ncols} columns x{chip_width}) has no JEDEC tRFC (512 Mb to 8 Gb)")
    page = page_kb(ncols, chip_width)
    rate = sb.rate
    out = {
        "tRP": Timing(None, sb.trp_ns, "jedec"), "tRCD": Timing(None, sb.trcd_ns, "jedec"),
        "tWR": Timing(None, TWR_NS, "jedec"), "tRFC": Timing(None, trfc, "jedec"),
        "tFAW": Timing(None, TFAW_NS[min(page, 2)][rate], "jedec"), "tRAS": Timing(None, sb.tras_ns, "jedec"),
        "tREFI": Timing(None, TREFI_NS, "jedec"), "tWTR": Timing(TWTR[0], TWTR[1], "jedec"),
        "tCCD": Timing(TCCD[0], TCCD[1], "jedec"), "tRRD": Timing(4, TRRD_NS[min(page, 2)][rate], "jedec"),
        "tZQCS": Timing(TZQCS[0], TZQCS[1], "jedec"),
    }
    for name, ns in (overrides or {}).items():
        if name not in OVERRIDABLE:
            raise DramTimingError(f"DRAM part {part}: '{name}' is not a timing a profile may override "
                                  f"({', '.join(OVERRIDABLE)})")
        out[name] = Timing(out[name].ck, float(ns), "datasheet")
    return out


def describe(part: str, speed_bin: str, nbanks: int, nrows: int, ncols: int, chip_width: int) -> dict:
    """What the table was entered with: density, page size, speed bin (for the manifest)."""
    return {"part": part, "speed_bin": speed_bin, "density_gbit": density_gbit(nbanks, nrows, ncols, chip_width),
            "page_kb": page_kb(ncols, chip_width), "chip_width": chip_width, "cl_of_bin": SPEED_BINS[speed_bin].cl}


MAIN_TIMINGS = ("tRFC", "tRCD", "tRP")      # what a report line always names


def timings_record(timings: dict | None) -> dict | None:
    """What a DDR record keeps of its build's `dram.timings`: every timing's sys cycles, the value it
    came from and where from (jedec or datasheet), and the table's basis (part, speed bin, density);
    None for a manifest without sources (older builds)."""
    sources = (timings or {}).get("sources") or {}
    if not sources:
        return None
    return {"sources": {name: {"cycles": timings.get(name), **src} for name, src in sources.items()},
            "basis": dict(timings.get("basis") or {})}


def timings_text(timings: dict | None) -> str:
    """One phrase for a report: "tRFC 160 ns, tRCD 13.75 ns, tRP 13.75 ns (JEDEC DDR3-1600K, 2 Gbit)", tRFC,
    tRCD and tRP always, then every other timing taken from the datasheet, each override marked; the
    timings not named are the JEDEC table's. Takes a manifest's `dram.timings` or a DDR record's
    `dram_timings`; "" for a manifest without sources (older builds)."""
    sources = (timings or {}).get("sources") or {}
    if not sources:
        return ""
    basis = timings.get("basis") or {}
    names = [n for n in MAIN_TIMINGS if n in sources]
    names += sorted(n for n, s in sources.items() if s["source"] == "datasheet" and n not in MAIN_TIMINGS)
    parts = []
    for name in names:
        s = sources[name]
        value = f"{s['ns']:g} ns" if s.get("ns") is not None else f"{s['ck']} tCK"
        parts.append(f"{name} {value}" + (" (datasheet)" if s["source"] == "datasheet" else ""))
    where = f"JEDEC {basis.get('speed_bin', '')}, {basis.get('density_gbit', 0):g} Gbit".replace(" ,", ",")
    return f"{', '.join(parts)} ({where})"
