"""The pins-only design of `sailbench board check`'s pack step: every pin of a profile's platform
on the board's balls with the I/O standards and attributes the real build gives them (the same
LiteX platform, so the same LPF lines), and almost no logic, so yosys and nextpnr --pack-only
take seconds instead of the probe SoC's minutes.

- The DDR pins go through the real build's ECP5DDRPHY (DQSBUFM, IDDRX2DQA/ODDRX2DQA per DQS
  group, behind the same CRG's ECLKSYNCB/CLKDIVF), so nextpnr checks the DQS groups.
- Every other resource is one input, output or inout per pin, by its LiteX name (pin_direction):
  inputs are XORed into one register, outputs and inout drivers follow a small counter, inout
  enables one counter bit.
- Resources on balls that are not user I/O of the package (SerDes pads: the DCU places them by
  channel) and resources whose balls an earlier resource already took (litex-boards' alternative
  views of one connector) are left out and listed in pins.json.

    python -m sailbench.gateware.targets.ecp5_pins --profile FILE --build-root DIR
"""
from __future__ import annotations

import argparse
import json
import sys
from functools import reduce
from operator import xor
from pathlib import Path
from types import SimpleNamespace

from migen import ClockDomain, ClockDomainsRenamer, Signal, TSTriple
from migen.genlib.record import DIR_M_TO_S
from litex.build.generic_platform import IOStandard, Pins
from litex.gen import LiteXModule

from sailbench.gateware.profiles import BoardProfile, ProfileError, get_profile
from sailbench.gateware.profiles.ecp5_package import balls

BUILD_NAME = "top"
COUNTER_BITS = 8
INPUT_NAMES = {"rx", "rx_ctl", "rx_data", "rx_clk", "miso", "int_n", "cd", "sdo", "dout", "so"}
OUTPUT_NAMES = {"tx", "tx_ctl", "tx_data", "tx_clk", "mdc", "clk", "clk_p", "sclk", "cs_n", "cs", "mosi", "sdi",
                "din", "si", "rst_n", "reset_n", "a", "ba", "ras_n", "cas_n", "we_n", "cke", "odt", "dm", "en",
                "wp", "hold"}
INPUT_RESOURCES = ("clk", "rst", "user_sw", "user_btn", "user_dip", "btn", "button", "sw")
OUTPUT_RESOURCES = ("user_led", "led")
OUTPUT_SUFFIXES = ("_en", "_rst_n", "_reset_n", "_oe")       # the Versa's refclk_en, refclk_rst_n


def is_pseudo_differential(io: str | None) -> bool:
    """SSTL135D_I, LVCMOS33D: differential standards ECP5 makes from two single-ended outputs."""
    return bool(io) and not io.upper().startswith(("LVDS", "SUBLVDS", "MLVDS", "BLVDS", "LVPECL", "SLVS")) and \
        (io.upper().endswith("D") or io.upper().endswith("D_I") or io.upper().endswith("D_II"))


def pin_direction(resource: str, subsignal: str | None, io: str | None = None) -> str:
    """'in', 'out' or 'inout' for one resource (or its subsignal) by its LiteX name, as the probe
    build drives it; a name it does not know is an inout (a true differential one an input, a
    pseudo-differential one an output, which is all ECP5 can do with them)."""
    r, s = resource.lower(), (subsignal or "").lower()
    if s:
        direction = "in" if s in INPUT_NAMES or s.startswith("rx") else \
            "out" if s in OUTPUT_NAMES or s.startswith("tx") else "inout"
        if r == "eth_clocks":
            direction = "in" if s.startswith("rx") else "out"
    else:
        direction = "in" if r.startswith(INPUT_RESOURCES) else \
            "out" if r.startswith(OUTPUT_RESOURCES) or r.endswith(OUTPUT_SUFFIXES) else "inout"
    if direction == "inout" and io:
        if is_pseudo_differential(io):
            return "out"
        if io.upper().startswith(("LVDS", "SUBLVDS", "MLVDS", "LVPECL", "SLVS")):
            return "in"
    return direction


def _resource_balls(resource: tuple) -> list[str]:
    """Every ball of a platform `_io` entry, outer Pins and Subsignals' alike."""
    out = []
    for c in resource[2:]:
        if isinstance(c, Pins):
            out += c.identifiers
        for sc in getattr(c, "constraints", ()):
            if isinstance(sc, Pins):
                out += sc.identifiers
    return out


class PinsTop(LiteXModule):
    """Every requestable pin of `platform`, kept alive by a counter and an input XOR."""

    def __init__(self, platform, profile: BoardProfile, with_ddr: bool = True, with_serdes: bool = True):
        from litedram.phy import ECP5DDRPHY
        from sailbench.gateware.targets.ecp5 import Ecp5CRG
        self.platform = platform
        self.counter = counter = Signal(COUNTER_BITS)
        self.inputs: list[Signal] = []
        self.outputs: list[Signal] = []
        self.directions: dict[str, str] = {}
        self.skipped: list[dict] = []
        if with_ddr and profile.dram is not None and _has(platform, "ddram"):
            self.crg = Ecp5CRG(platform, profile.sys_clk_hz, profile.clk_in)
            self.ddrphy = ECP5DDRPHY(platform.request("ddram"), sys_clk_freq=profile.sys_clk_hz)
            self.comb += [self.crg.stop.eq(self.ddrphy.init.stop), self.crg.reset.eq(self.ddrphy.init.reset)]
            self._tie_dfi(self.ddrphy.dfi)
            self.directions["ddram"] = "ECP5DDRPHY"
        else:
            self.cd_sys = ClockDomain()
            self.comb += self.cd_sys.clk.eq(platform.request(profile.clk_in))
        self.directions[profile.clk_in] = "in (the CRG's clock)"
        if with_serdes:
            self._add_serdes(profile)
        taken = {b for resource, _ in platform.constraint_manager.matched for b in _resource_balls(resource)}
        user_io = balls(profile.part, profile.package)
        for resource in list(platform.constraint_manager.available):
            name, number = resource[0], resource[1]
            pins = _resource_balls(resource)
            dedicated = [b for b in pins if b not in user_io]
            again = [b for b in pins if b in taken]
            if dedicated or again:
                why = f"not user I/O balls: {' '.join(dedicated)}" if dedicated else \
                    f"balls already taken: {' '.join(again)}"
                self.skipped.append({"resource": name, "index": number, "why": why})
                continue
            taken.update(pins)
            self._keep_alive(name, number, platform.request(name, number), resource)
        x = Signal()
        self.sync += [counter.eq(counter + 1), x.eq(reduce(xor, self.inputs, 0))]
        for i, o in enumerate(self.outputs):
            self.comb += o.eq(counter[i % COUNTER_BITS] ^ x)

    def _add_serdes(self, profile: BoardProfile) -> None:
        """The real build's SerDes side for every lane channel the profile has, optional ones too
        (a board check is of the board, not of a default build): the EXTREFB with its enables, one
        SerDesECP5Channel per channel and one DCUA per DCU, pads requested as the build requests
        them (ecp5_serdes.request_pair: only the pair, so the Versa's PCIe x1 edge lane no longer
        drags its connector clock's Y11/Y12 in as I/O, which nextpnr refused)."""
        from sailbench.gateware.cores.lane_probe import LINE_RATE
        from sailbench.gateware.phy.dcu_ecp5 import SerDesECP5Channel, SerDesECP5DCU
        from sailbench.gateware.soc.ecp5_serdes import add_serdes_refclk, lane_pll_setting, request_pair
        if profile.serdes_refclk is None:
            return
        by_dcu: dict[int, list] = {}
        for i, ch in enumerate((*profile.lanes, *profile.optional_lanes)):
            setting = lane_pll_setting(profile, i, ch, LINE_RATE / 1e9)
            pll = SimpleNamespace(refclk=add_serdes_refclk(self, profile, ch.dual), config=setting.pll_config())
            serdes = SerDesECP5Channel(pll, request_pair(self, ch.tx_pads), request_pair(self, ch.rx_pads),
                                       dual=ch.dual, channel=ch.channel,
                                       tx_polarity=ch.tx_polarity, rx_polarity=ch.rx_polarity)
            serdes.serdes_params.update(setting.dcua_params())
            self.outputs += [serdes.tx_data[j] for j in range(len(serdes.tx_data))]
            self.inputs += [serdes.rx_data[j] for j in range(len(serdes.rx_data))]
            renamed = ClockDomainsRenamer({"tx": f"lane{i}_tx", "rx": f"lane{i}_rx"})(serdes)
            by_dcu.setdefault(ch.dual, []).append(renamed)
            self.directions[f"lane{i}"] = f"{ch.name} ({ch.tx_pads} -> {ch.rx_pads})"
        for dual, channels in sorted(by_dcu.items()):
            self.add_module(name=f"dcu{dual}", module=SerDesECP5DCU(channels))

    def _tie_dfi(self, dfi) -> None:
        for phase in dfi.phases:
            for sig, direction in phase.iter_flat():
                (self.outputs if direction == DIR_M_TO_S else self.inputs).append(sig)

    def _keep_alive(self, name: str, number: int, pads, resource: tuple) -> None:
        subs = [(c.name, c) for c in resource[2:] if hasattr(c, "constraints")]
        if not subs:
            self._pin(f"{name}{number}", name, None, pads, _io_of(resource[2:]))
            return
        outer = _io_of(resource[2:])
        for sub, c in subs:
            self._pin(f"{name}{number}_{sub}", name, sub, getattr(pads, sub), _io_of(c.constraints) or outer)

    def _pin(self, label: str, resource: str, sub: str | None, pad: Signal, io: str | None) -> None:
        direction = pin_direction(resource, sub, io)
        self.directions[label] = direction
        if direction == "in":
            self.inputs += [pad[i] for i in range(len(pad))]
        elif direction == "out":
            self.outputs += [pad[i] for i in range(len(pad))]
        else:
            t = TSTriple(len(pad))
            self.specials += t.get_tristate(pad)
            self.comb += t.oe.eq(self.counter[-1])
            self.outputs += [t.o[i] for i in range(len(pad))]
            self.inputs += [t.i[i] for i in range(len(pad))]


def _io_of(constraints) -> str | None:
    return next((c.name for c in constraints if isinstance(c, IOStandard)), None)


def _has(platform, name: str) -> bool:
    return any(r[0] == name for r in platform.constraint_manager.available)


def generate(profile: BoardProfile, out: Path, with_ddr: bool = True, with_serdes: bool = True) -> Path:
    """Verilog, LPF and yosys script of the pins-only design in `out`/gateware; returns that folder."""
    from sailbench.gateware.targets.ecp5 import board_platform
    platform = board_platform(profile)
    top = PinsTop(platform, profile, with_ddr, with_serdes)
    gw = out / "gateware"
    platform.build(top, build_dir=str(gw), build_name=BUILD_NAME, run=False)
    (gw / "pins.json").write_text(json.dumps({"directions": top.directions, "skipped": top.skipped}, indent=1) + "\n")
    return gw


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Generate the pins-only design of a board profile (board check's pack).")
    p.add_argument("--profile", required=True, help="a profile name or file")
    p.add_argument("--build-root", required=True, help="the folder to write into (its gateware/ subfolder)")
    p.add_argument("--no-ddr", action="store_true", help="DDR pins as plain I/O, not through ECP5DDRPHY")
    p.add_argument("--no-serdes", action="store_true", help="no DCUA/EXTREFB: the SerDes pads left out")
    a = p.parse_args(argv)
    try:
        gw = generate(get_profile(a.profile), Path(a.build_root).resolve(), with_ddr=not a.no_ddr,
                      with_serdes=not a.no_serdes)
    except ProfileError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps({"gateware": str(gw)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
