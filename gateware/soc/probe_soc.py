"""ProbeSoC: the CPU-less LiteX SoC every sailbench board runs.

Composition only: a board target (gateware/targets/sim.py for the simulated board,
gateware/targets/ecp5.py for real ECP5 boards) supplies the platform, the CRG and the
PHYs; this class adds the identifier, the bus bridges, LiteDRAM with its BIST
engines and the hardware counters, and exports what the host needs.
"""
from __future__ import annotations

from litex.soc.integration.soc_core import SoCCore

from sailbench.gateware.cores.cycle_counter import CycleCounter
from sailbench.gateware.cores.uartbone_fifo import BufferedUARTBone
from sailbench.gateware.cores.window_timer import WindowTimer
from sailbench.gateware.cores.dfi_accounting import ControllerTaps, DfiAccounting, burst_cycles
from sailbench.gateware.soc.dram_settings import controller_settings
from sailbench.gateware.cores.write_counter import BusWriteCounter
from sailbench.gateware.cores.frame_counter import FrameCounter
from sailbench.gateware.cores.udp_traffic import UdpTrafficGenerator, UdpTrafficSink
from sailbench.gateware.cores.wire_frames import WireFrames
from sailbench.gateware.soc.ethcore import add_probe_ethcore

HOSTLINK_GEN_PORT = 6000    # the generator's source port
HOSTLINK_SINK_PORT = 6001   # the board listens here for host-to-board traffic
from sailbench.gateware.profiles import BoardProfile

IDENT_PREFIX = "sailbench"


def identifier_string(profile: str, target: str, version: str, build_hash: str) -> str:
    """What the board answers when asked who it is (max 255 characters)."""
    return f"{IDENT_PREFIX} profile={profile} target={target} version={version} hash={build_hash}"


class ProbeSoC(SoCCore):
    def __init__(self, platform, profile: BoardProfile, target: str, version: str,
                 build_hash: str, sys_clk_hz: int):
        self.profile = profile
        self.target = target
        self.build_hash = build_hash
        self.ident = identifier_string(profile.name, target, version, build_hash)
        SoCCore.__init__(self, platform, sys_clk_hz,
            cpu_type="None",
            integrated_rom_size=0,
            integrated_sram_size=0,
            with_uart=False,
            with_timer=False,
            with_ctrl=True,            # ctrl_scratch: the round-trip register
            ident=self.ident,
            ident_version=False,       # no build time: the identifier is reproducible
            csr_data_width=32,
        )
        self.cycles = CycleCounter()
        self.add_constant("SAILBENCH_SYS_CLK_HZ", sys_clk_hz)

    # Host bridges ---------------------------------------------------------------------------------
    def add_probe_uartbone(self, phy, cd: str = "sys") -> None:
        """UARTBone on an already created UART PHY (RS232PHY on boards, RS232PHYModel in sim),
        clocked in `cd` (crossed into sys when it is another domain), behind a receive FIFO
        (gateware/cores/uartbone_fifo.py): the host may send a batch of commands, reads among
        them, without waiting for each answer. The manifest says so (`uart.rx_fifo_bytes`)."""
        self.uartbone = BufferedUARTBone(phy, clk_freq=self.sys_clk_freq, cd=cd,
                                         address_width=self.bus.address_width)
        self.uartbone_rx_fifo_bytes = self.uartbone.rx_fifo_bytes
        self.bus.add_master(name="uartbone", master=self.uartbone.wishbone)

    def add_probe_etherbone(self, phy, ip_address: str, mac_address: int):
        """Etherbone on LiteEth's UDP/IP stack, 32 bits wide in sys (LiteEth's sys datapath).

        As LiteX's add_etherbone(data_width=32), with register stages around the MAC core
        (gateware/soc/ethcore.py). LiteEth's sys datapath: only the PHY, the
        last-byte marking (LiteEthMACRXLastBE: an 8-bit PHY's `last` is its `last_be`, so the
        MAC checks the FCS of every frame) and the 8<->32 converters stay in the PHY's clock
        domains; preamble, CRC, padding, ARP/IP/UDP and Etherbone run in sys. The 8-bit stack
        in eth_rx could not close 125 MHz on an ECP5 (91 MHz); 32 bits at 75 MHz leave
        300 MB/s for a 125 MB/s wire. Returns the PHY (the host-link frame counter taps its RX)."""
        # buffer_depth 256: one Etherbone record may carry a 255-word burst (the
        # LiteX default of 16 silently drops longer bursts).
        add_probe_ethcore(self, phy, ip_address=ip_address, mac_address=mac_address, udp_port=1234,
                          buffer_depth=256)
        self.etherbone_writes = BusWriteCounter(self.etherbone.wishbone.bus)
        return phy

    def add_probe_hostlink(self, phy) -> None:
        """UDP traffic generator and sink on the Etherbone's UDP/IP stack: 32-bit user ports in
        sys, the stack's own width and domain (no converter, no clock crossing), and a frame
        counter on the PHY's RX so frames the stack drops are still seen."""
        crossbar = self.ethcore_etherbone.udp_users.crossbar
        tx = crossbar.get_port(HOSTLINK_GEN_PORT, dw=32, cd="sys")
        rx = crossbar.get_port(HOSTLINK_SINK_PORT, dw=32, cd="sys")
        self.comb += tx.source.ready.eq(1)   # nothing is expected on the generator's port: drain it
        count = self.cycles.count
        # Generator frames stamped as they leave on the PHY's TX (8 bytes of preamble+SFD first
        # where LiteEth's MAC inserts them), so the stack's buffering does not shorten the run.
        self.hostlink_wire = WireFrames(phy.sink, "eth_tx", HOSTLINK_GEN_PORT,
                                        offset=8 if getattr(phy, "with_preamble_crc", True) else 0)
        self.hostlink_tx = UdpTrafficGenerator(tx.sink, count, HOSTLINK_GEN_PORT, self.hostlink_wire.frame)
        self.hostlink_rx = UdpTrafficSink(rx.source, count)
        self.hostlink_phy_rx = FrameCounter(phy.source, "eth_rx")
        self.add_constant("SAILBENCH_HOSTLINK_GEN_PORT", HOSTLINK_GEN_PORT)
        self.add_constant("SAILBENCH_HOSTLINK_SINK_PORT", HOSTLINK_SINK_PORT)

    # DRAM -----------------------------------------------------------------------------------------
    def add_probe_dram(self, phy, module) -> None:
        """LiteDRAM, its BIST generator/checker, a cycle window around each, main_ram on the bus.

        No L2 cache: a word the host writes over the bus must reach the DRAM
        before the checker reads it back (the corruption test relies on it)."""
        self.sdram_controller_settings = controller_settings()
        self.add_sdram("sdram", phy=phy, module=module, with_bist=True, l2_cache_size=0,
                       controller_settings=self.sdram_controller_settings)
        # Kept for the manifest: the host replays the init sequence built from these (dram_info.py).
        self.sdram_module = module
        self.sdram_phy_settings = phy.settings
        gen, chk = self.sdram_generator, self.sdram_checker
        self.ddr_write_timer = WindowTimer(start=gen.start.re, done=gen.done.status)
        self.ddr_read_timer = WindowTimer(start=chk.start.re, done=chk.done.status)
        # Where the window's cycles go: counters on the DFI the PHY sees (after the injector).
        taps = ControllerTaps(self.sdram)
        self.submodules += taps
        self.ddr_accounting = DfiAccounting(self.sdram.dfii.master, start=gen.start.re | chk.start.re,
            window=self.ddr_write_timer.running | self.ddr_read_timer.running,
            burst_cycles=burst_cycles(phy.settings), refresh=taps.refresh, turnaround=taps.turnaround,
            row=taps.row, work=taps.work)
        # The BIST ports are full-width native ports: one BIST word = one controller word.
        self.bist_word_bytes = self.sdram.crossbar.controller.data_width // 8
        self.add_constant("SAILBENCH_BIST_WORD_BYTES", self.bist_word_bytes)
