"""What the host needs to know about a build's DRAM, exported into the manifest.

With no CPU there is no BIOS: the host brings the DDR3 up itself through
LiteDRAM's DFII CSRs (harness/board/dram_init.py). This exports, at build time,
the same data the BIOS is compiled from (litedram/init.py,
`get_sdram_phy_c_header`): the PHY settings (phases, read/write phase,
leveling capabilities, delays, bitslips) and the JEDEC init sequence with
its mode register values, each command as DFII bits.
"""
from __future__ import annotations

from litedram.init import get_sdram_phy_init_sequence

from sailbench.gateware.cores.dfi_accounting import CLASSES, EVENTS, burst_cycles
from sailbench.gateware.soc.dram_settings import controller_manifest, timing_manifest
from sailbench.gateware.build.manifest import DramAccounting, DramInfo, DramPhy, InitStep
from sailbench.gateware.profiles import BoardProfile

# DFII bit names used in litedram/init.py's sequences (litedram/init.py, get_sdram_phy_c_header).
DFII_CONTROL = {"DFII_CONTROL_SEL": 0x01, "DFII_CONTROL_CKE": 0x02, "DFII_CONTROL_ODT": 0x04,
                "DFII_CONTROL_RESET_N": 0x08}
DFII_COMMAND = {"DFII_COMMAND_CS": 0x01, "DFII_COMMAND_WE": 0x02, "DFII_COMMAND_CAS": 0x04,
                "DFII_COMMAND_RAS": 0x08, "DFII_COMMAND_WRDATA": 0x10, "DFII_COMMAND_RDDATA": 0x20}


def _bits(expr: str) -> tuple[str, int]:
    """'DFII_COMMAND_RAS|DFII_COMMAND_CS' -> ("command", 0x09); control words -> ("control", bits)."""
    names = [n.strip() for n in expr.split("|")]
    if all(n in DFII_CONTROL for n in names):
        return "control", sum(DFII_CONTROL[n] for n in names)
    if all(n in DFII_COMMAND for n in names):
        return "command", sum(DFII_COMMAND[n] for n in names)
    raise ValueError(f"unknown DFII bits in init sequence: {expr!r}")


def init_sequence(phy_settings, timing_settings) -> list[InitStep]:
    """The JEDEC power-up sequence as the BIOS replays it: one entry per DFII write.

    `kind` "control" writes sdram_dfii_control; "command" issues a command on
    phase 0 with address/bank. `delay` is the BIOS's cdelay() count after it."""
    seq, _mr = get_sdram_phy_init_sequence(phy_settings, timing_settings)
    out = []
    for comment, address, bank, cmd, delay in seq:
        kind, bits = _bits(cmd)
        out.append(InitStep(comment=comment, kind=kind, bits=bits, address=address, bank=bank, delay=delay))
    return out


def phy_info(phy_settings) -> DramPhy:
    s = phy_settings
    rdphase = getattr(s.rdphase, "reset", s.rdphase)
    wrphase = getattr(s.wrphase, "reset", s.wrphase)
    return DramPhy(
        phytype=s.phytype,
        memtype=s.memtype,
        databits=s.databits,
        dfi_databits=s.dfi_databits,
        nphases=s.nphases,
        rdphase=int(getattr(rdphase, "value", rdphase)),
        wrphase=int(getattr(wrphase, "value", wrphase)),
        cl=s.cl,
        cwl=s.cwl,
        modules=s.strobes,                 # byte lanes (DQS groups)
        read_leveling=bool(s.read_leveling),
        write_leveling=bool(s.write_leveling),
        delays=s.delays,
        bitslips=s.bitslips,
    )


def dram_manifest(soc, profile: BoardProfile, sys_clk_hz: int | None = None) -> DramInfo:
    """The manifest's `dram` section for a ProbeSoC with LiteDRAM (sim or bitstream) whose sys
    clock is `sys_clk_hz` (default: the profile's)."""
    d = profile.dram
    sys_clk_hz = sys_clk_hz or profile.sys_clk_hz
    phy_settings = soc.sdram_phy_settings
    module = soc.sdram_module
    return DramInfo(
        module=d.module, memtype=d.memtype, data_width=d.data_width, ratio=d.ratio,
        transfers_per_s=d.transfers_per_s(sys_clk_hz),
        peak_bytes_per_s=d.peak_bytes_per_s(sys_clk_hz),
        max_transfers_per_s=d.max_transfers_per_s,      # the FPGA family's DDR3 limit per pin
        max_peak_bytes_per_s=d.max_peak_bytes_per_s,
        bist_word_bytes=soc.bist_word_bytes,
        size_bytes=soc.bus.regions["main_ram"].size,
        main_ram_base=soc.bus.regions["main_ram"].origin,
        phy=phy_info(phy_settings),
        init_sequence=tuple(init_sequence(phy_settings, module.timing_settings)),
        # The LiteDRAM controller settings the figures are valid for (gateware/soc/dram_settings.py).
        controller=controller_manifest(soc.sdram_controller_settings),
        timings=timing_manifest(module),
        # DFI accounting CSRs (ddr_accounting_<name>), gateware/cores/dfi_accounting.py.
        accounting=DramAccounting(csr_prefix="ddr_accounting", events=tuple(EVENTS), classes=tuple(CLASSES),
                                  burst_cycles=burst_cycles(phy_settings)),
    )
