"""The ECP5 target's SerDes side: reference clock, inter-card lane probes, SGMII host link.

Which channels carry what comes from the profile (`lanes`, `sgmii_channel`,
`serdes_refclk`, `serdes_refclk_dcu1`, gateware/profiles/). Each lane is a
channel of a DCU (gateware/phy/dcu_ecp5.py: one DCUA per DCU carries both of
its channels; 20-bit words at the line rate / 20, its PLL settings from
gateware/soc/dcu_pll.py: 1.25 Gb/s by default, 62.5 MHz words) with the sailbench lane
probe on its fabric words (`attach_serdes_ecp5`), renamed into its own clock
domains `lane<i>_tx` (the DCU's TX clock) and `lane<i>_rx` (the recovered RX
clock), and a clock meter (`lane<i>_clock`) that counts both word clocks over
one window of sys cycles, so the host converts lane rates with measured clocks.

The SGMII PHY is liteiclink's SerDesECP5, which takes a whole DCUA for its one
channel, so lanes in the SGMII PHY's DCU are left out (the manifest lists the
lanes actually built).
"""
from __future__ import annotations

from types import SimpleNamespace

from migen import ClockDomainsRenamer

from sailbench.gateware.cores.clock_meter import ClockMeter
from sailbench.gateware.cores.lane_group import LaneGroup
from sailbench.gateware.cores.lane_probe import BYTES_PER_WORD, LINE_RATE, LaneProbe, attach_serdes_ecp5
from sailbench.gateware.soc.dram_pins import dram_pin_table
from sailbench.gateware.phy.dcu_ecp5 import SerDesECP5Channel, SerDesECP5DCU
from sailbench.gateware.phy.sgmii_ecp5 import SGMIIPHYECP5, SerDesECP5RefClk
from sailbench.gateware.profiles import BoardProfile, SerDesChannel, SerDesRefClk


def serdes_refclk_of(profile: BoardProfile, dual: int) -> SerDesRefClk:
    """The reference clock of DCU `dual`: `serdes_refclk_dcu1` for DCU1 if the profile has one, else
    the profile's `serdes_refclk` (one EXTREFB feeding every DCU used)."""
    if dual == 1 and profile.serdes_refclk_dcu1 is not None:
        return profile.serdes_refclk_dcu1
    return profile.serdes_refclk


def add_serdes_refclk(soc, profile: BoardProfile, dual: int = 0):
    """The reference clock (EXTREFB) of DCU `dual`, once per pad pair per SoC; returns the clock signal."""
    r = serdes_refclk_of(profile, dual)
    refclks = soc.__dict__.setdefault("serdes_refclks", {})
    key = (r.pads, r.index)
    if key not in refclks:
        platform = soc.platform
        if not refclks:
            for pin in r.enables:
                soc.comb += platform.request(pin).eq(1)
        refclk = SerDesECP5RefClk(request_pair(soc, r.pads, None if ":" in r.pads else r.index),
                                  loc=r.loc, rterm=r.termination_ohm is not None)
        soc.add_module(name="serdes_refclk" if not refclks else f"serdes_refclk{len(refclks)}", module=refclk)
        refclks[key] = refclk
    return refclks[key].refclk


def request_pair(soc, name: str, index: int | None = None):
    """A differential pad pair (`.p`, `.n`) of the platform: "sma_tx" is a resource with subsignals
    p/n; "sata:tx" is the tx_p/tx_n subsignals of resource "sata". Only that pair is requested (as a
    resource of its own, `sata_tx`): litex-boards puts a connector's clock and both pairs in one
    resource (the ECPIX-5's `sata`, the Versa's `pcie_x1`), and requesting the whole of it made
    every subsignal an I/O, the Versa's PCIe clock on balls nextpnr does not take as I/O (Y11/Y12)."""
    resource, _, pair = name.partition(":")
    if not pair:
        return soc.platform.request(resource, index)
    number = 0 if index is None else index
    part = f"{resource}_{pair}"
    manager = soc.platform.constraint_manager
    if not any(r[0] == part and r[1] == number for r in manager.available + [m[0] for m in manager.matched]):
        whole = next((r for r in manager.available if r[0] == resource and r[1] == number), None)
        if whole is None:
            raise ValueError(f"the platform has no resource '{resource}' {number} for SerDes pads '{name}'")
        subs = [c for c in whole[2:] if getattr(c, "name", None) in (f"{pair}_p", f"{pair}_n")]
        rest = [c for c in whole[2:] if not hasattr(c, "constraints")]       # IOStandard, Misc of the whole
        manager.add_extension([(part, number, *subs, *rest)])
    pads = soc.platform.request(part, number)
    return SimpleNamespace(p=getattr(pads, f"{pair}_p"), n=getattr(pads, f"{pair}_n"))


def pad_balls(platform_module: str, resource: str) -> str:
    """A differential pad's balls from the platform's pin table, "P/N" ("W8/W9"); "" if not there.
    `resource` as in request_pair ("sma_tx", "sata:tx")."""
    resource, _, pair = resource.partition(":")
    table = dram_pin_table(platform_module, resource)
    keys = (f"{pair}_p", f"{pair}_n") if pair else ("p", "n")
    return "/".join(table[k][0] for k in keys if table.get(k)) if table else ""


def lane_channels(profile: BoardProfile, host_link: str | None) -> list[SerDesChannel]:
    """The profile's lane channels that this build can have (not in the SGMII PHY's DCU)."""
    if host_link == "sgmii" and profile.sgmii_channel is not None:
        return [c for c in profile.lanes if c.dual != profile.sgmii_channel.dual]
    return list(profile.lanes)


def add_lanes(soc, profile: BoardProfile, channels: list[SerDesChannel],
              line_rate_gbps: float = LINE_RATE / 1e9) -> list[dict]:
    """One SerDesECP5Channel + LaneProbe (`lane<i>`) + ClockMeter (`lane<i>_clock`) per channel, one
    SerDesECP5DCU (`dcu<d>`, its DCUA) per DCU used, and one LaneGroup (`lane_group`) that starts
    and latches all lanes in one sys cycle. The TX PLL multiplier and divider, the CDR divider, the
    MAX_RATE parameters and the word clocks' period constraints follow `line_rate_gbps` from each
    DCU's reference clock (gateware/soc/dcu_pll.py; ProfileError if the DCU cannot make the rate).

    Returns the manifest's description of each lane."""
    out = []
    soc.lane_probes = []
    by_dcu: dict[int, list] = {}
    for i, ch in enumerate(channels):
        refclk_hz = serdes_refclk_of(profile, ch.dual).hz
        setting = lane_pll_setting(profile, i, ch, line_rate_gbps)
        refclk = add_serdes_refclk(soc, profile, ch.dual)
        tx_cd, rx_cd = f"lane{i}_tx", f"lane{i}_rx"
        pll = SimpleNamespace(refclk=refclk, config=setting.pll_config())    # SerDesECP5PLL's two fields
        serdes = SerDesECP5Channel(pll, request_pair(soc, ch.tx_pads), request_pair(soc, ch.rx_pads),
                                   dual=ch.dual, channel=ch.channel,
                                   tx_polarity=ch.tx_polarity, rx_polarity=ch.rx_polarity)
        serdes.serdes_params.update(setting.dcua_params())      # MAX_RATE: the rate, not liteiclink's "5.0"
        # nextpnr names the clock nets after these: pnr_report maps laneN_{tx,rx}outclk to laneN_{tx,rx}.
        serdes.txoutclk.name_override, serdes.rxoutclk.name_override = f"lane{i}_txoutclk", f"lane{i}_rxoutclk"
        serdes = ClockDomainsRenamer({"tx": tx_cd, "rx": rx_cd})(serdes)
        by_dcu.setdefault(ch.dual, []).append(serdes)
        probe = LaneProbe(cycles=None, tx_cd=tx_cd, rx_cd=rx_cd, word_clk_hz=serdes.tx_clk_freq)
        attach_serdes_ecp5(probe, serdes)
        soc.add_module(name=f"lane{i}", module=probe)
        soc.lane_probes.append(probe)     # csr_fields in the manifest (csr_export.lane_csr_fields)
        soc.add_module(name=f"lane{i}_clock",
                       module=ClockMeter({"tx": tx_cd, "rx": rx_cd}, cycles=soc.cycles.count))
        soc.platform.add_period_constraint(serdes.txoutclk, 1e9 / serdes.tx_clk_freq)
        soc.platform.add_period_constraint(serdes.rxoutclk, 1e9 / serdes.rx_clk_freq)
        out.append({
            "lane": i, "serdes": ch.name, "dual": ch.dual, "channel": ch.channel,
            "tx_pads": ch.tx_pads, "rx_pads": ch.rx_pads,
            # the balls, for bring-up's "lane 0 (DCU0 CH1, sma_tx W8/W9 -> sma_rx Y7/Y8)"
            "pins": {"tx": pad_balls(profile.platform, ch.tx_pads), "rx": pad_balls(profile.platform, ch.rx_pads)},
            "tx_clock_domain": tx_cd, "rx_clock_domain": rx_cd,
            "word_clk_hz": serdes.tx_clk_freq, "bytes_per_word": BYTES_PER_WORD,
            "refclk_hz": refclk_hz, "pll": {k: pll.config[k] for k in ("m", "d", "vco_freq")},
        })
    for dual, dcu_channels in sorted(by_dcu.items()):     # one DCUA per DCU, its lanes' channels in it
        soc.add_module(name=f"dcu{dual}", module=SerDesECP5DCU(dcu_channels))
    if soc.lane_probes:        # all lanes started and latched in one sys cycle, as in the simulated pair
        soc.lane_group = LaneGroup(soc.lane_probes, soc.cycles.count)
    return out


def lane_pll_setting(profile: BoardProfile, lane: int, ch: SerDesChannel, line_rate_gbps: float):
    """Lane `lane`'s DCU PLL setting (gateware/soc/dcu_pll.py) from its DCU's reference clock; ProfileError,
    one line, if the DCU cannot make the rate (the part, or the reference clock)."""
    from sailbench.gateware.soc.dcu_pll import DcuPllError, dcu_pll_setting
    from sailbench.gateware.profiles import ProfileError
    try:
        return dcu_pll_setting(line_rate_gbps, serdes_refclk_of(profile, ch.dual).hz, "UM5G" in profile.fpga.upper(),
                               where=f"profile '{profile.name}' lane {lane} ({ch.name}, {profile.fpga})")
    except DcuPllError as e:
        raise ProfileError(str(e)) from None


def check_lane_rate(profile: BoardProfile, options) -> None:
    """Before anything is built: ProfileError if a lane this build has cannot run at options.line_rate_gbps."""
    if options.with_lanes:
        for i, ch in enumerate(lane_channels(profile, options.host_phy(profile))):
            lane_pll_setting(profile, i, ch, options.line_rate_gbps)


def add_sgmii_phy(soc, profile: BoardProfile) -> SGMIIPHYECP5:
    """The SGMII PHY (liteeth PCS on SerDesECP5) on the profile's `sgmii_channel`."""
    ch = profile.sgmii_channel
    refclk = add_serdes_refclk(soc, profile, ch.dual)
    phy = SGMIIPHYECP5(tx_pads=request_pair(soc, ch.tx_pads), rx_pads=request_pair(soc, ch.rx_pads),
                       refclk=refclk, refclk_freq=serdes_refclk_of(profile, ch.dual).hz, dual=ch.dual, channel=ch.channel,
                       tx_polarity=ch.tx_polarity, rx_polarity=ch.rx_polarity)
    phy.serdes.txoutclk.name_override, phy.serdes.rxoutclk.name_override = "sgmii_txoutclk", "sgmii_rxoutclk"
    phy.add_timing_constraints(soc.platform)
    return phy
