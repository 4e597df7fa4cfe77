"""LiteEth's UDP/IP stack 32 bits wide in sys, with register stages around the MAC core.

LiteX's `add_etherbone(data_width=32)` builds LiteEthUDPIPCore with its sys
datapath: only the PHY, last-byte marking and the 8<->32 converters stay in the
PHY's clock domains. On the ECP5 that closes the 125 MHz RGMII domain, but the
sys side then holds one combinational valid/ready chain from the MAC's TX
clock-crossing FIFO through the MAC packetizer, the ARP/UDP/Etherbone FSMs and
the depacketizers back to the RX FIFO's read port (15.7 ns on the
LFE5UM5G-45F: sys 63.6 MHz against 75). LiteEthMAC connects its core to the
crossbar with plain wires and has no option to buffer them, so this module is
LiteEthIPCore/LiteEthUDPIPCore's composition (MAC, ARP, IP, ICMP, UDP; same
arguments and attribute names) with registered stream.Buffers (valid and
ready) on each side of the MAC core and between each layer and the crossbar
below it (MAC<->ARP, MAC<->IP, IP<->ICMP, IP<->UDP), which cut that chain
(a cycle of latency per stage, no loss of throughput).
"""
from __future__ import annotations


from litex.gen import LiteXModule
from litex.soc.interconnect import stream

from liteeth.common import convert_ip, eth_phy_description
from liteeth.core.arp import LiteEthARP
from liteeth.core.icmp import LiteEthICMP
from liteeth.core.ip import LiteEthIP
from liteeth.core.udp import LiteEthUDP
from liteeth.frontend.etherbone import LiteEthEtherbone
from liteeth.mac.common import LiteEthMACCrossbar, LiteEthMACDepacketizer, LiteEthMACPacketizer
from liteeth.mac.core import LiteEthMACCore


def _buffered(port, dw: int, owner: LiteXModule):
    """A user port like the crossbar's `port`, joined to it through a registered stream.Buffer
    (valid and ready) each way, added to `owner`: no combinational valid/ready path between them."""
    user = type(port)(dw)
    tx = stream.Buffer(user.sink.description, pipe_valid=True, pipe_ready=True)
    rx = stream.Buffer(port.source.description, pipe_valid=True, pipe_ready=True)
    owner.submodules += tx, rx
    owner.comb += [user.sink.connect(tx.sink), tx.source.connect(port.sink),
                   port.source.connect(rx.sink), rx.source.connect(user.source)]
    return user


class _BufferedPorts:
    """Stands in for a LiteEth layer (`.crossbar.get_port`) and hands out its ports `_buffered`:
    a layer above (ARP, IP, ICMP, UDP) then has no combinational valid/ready path into the
    crossbar below."""
    def __init__(self, layer, owner: LiteXModule):
        self._layer, self._owner = layer, owner
        self.crossbar = self

    def __getattr__(self, name):
        return getattr(self._layer, name)

    def get_port(self, key, dw=8):
        return _buffered(self._layer.crossbar.get_port(key, dw), dw, self._owner)


class _BufferedUDPPorts:
    """Stands in for LiteEthUDP towards its users (Etherbone, the host-link generator and sink):
    `.crossbar.get_port(port, dw, cd)` returns the UDP crossbar's port `_buffered`, so a user's
    packetizers and FSMs have no combinational valid/ready path through the UDP crossbar into the
    UDP packetizer/depacketizer. Only sys users are buffered."""
    def __init__(self, udp, owner: LiteXModule):
        self._udp, self._owner = udp, owner
        self.crossbar = self

    @property
    def dw(self):
        return self._udp.crossbar.dw

    def get_port(self, udp_port, dw=8, cd="sys"):
        port = self._udp.crossbar.get_port(udp_port, dw=dw, cd=cd)
        return _buffered(port, dw, self._owner) if cd == "sys" else port


class BufferedMAC(LiteXModule):
    """LiteEthMAC in crossbar mode, sys datapath, with a register stage each side of the core."""
    def __init__(self, phy, dw: int):
        self.core = LiteEthMACCore(phy=phy, dw=dw, with_sys_datapath=True, with_preamble_crc=True,
                                   tx_cdc_depth=32, tx_cdc_buffered=True, rx_cdc_depth=32, rx_cdc_buffered=True)
        self.crossbar = LiteEthMACCrossbar(dw)
        self.packetizer = LiteEthMACPacketizer(dw)
        self.depacketizer = LiteEthMACDepacketizer(dw)
        self.tx_buffer = stream.Buffer(eth_phy_description(dw), pipe_valid=True, pipe_ready=True)
        self.rx_buffer = stream.Buffer(eth_phy_description(dw), pipe_valid=True, pipe_ready=True)
        self.comb += [
            self.crossbar.master.source.connect(self.packetizer.sink),
            self.packetizer.source.connect(self.tx_buffer.sink),
            self.tx_buffer.source.connect(self.core.sink),
            self.core.source.connect(self.rx_buffer.sink),
            self.rx_buffer.source.connect(self.depacketizer.sink),
            self.depacketizer.source.connect(self.crossbar.master.sink),
        ]


class ProbeUDPIPCore(LiteXModule):
    """MAC + ARP + IP + ICMP + UDP, 32 bits in sys (as LiteEthUDPIPCore(dw=32, with_sys_datapath=True))."""
    def __init__(self, phy, mac_address: int, ip_address: str, clk_freq: int, dw: int = 32):
        ip = convert_ip(ip_address)
        self.mac = BufferedMAC(phy, dw)
        mac = _BufferedPorts(self.mac, self)
        self.arp = LiteEthARP(mac=mac, mac_address=mac_address, ip_address=ip, clk_freq=clk_freq,
                              entries=1, dw=dw)
        self.ip = LiteEthIP(mac=mac, mac_address=mac_address, ip_address=ip, arp_table=self.arp.table,
                            with_broadcast=True, dw=dw)
        ip_layer = _BufferedPorts(self.ip, self)
        self.icmp = LiteEthICMP(ip=ip_layer, ip_address=ip, dw=dw, fifo_depth=128)
        self.udp = LiteEthUDP(ip=ip_layer, ip_address=ip, dw=dw)
        self.udp_users = _BufferedUDPPorts(self.udp, self)    # what Etherbone and the host link use


def add_probe_ethcore(soc, phy, ip_address: str, mac_address: int, udp_port: int, buffer_depth: int) -> None:
    """What LiteX's add_etherbone(data_width=32) adds, on ProbeUDPIPCore: `ethcore_etherbone`,
    `etherbone` (a bus master) and the PHY clock constraints (none for simulated PHYs)."""
    soc.ethcore_etherbone = ethcore = ProbeUDPIPCore(phy, mac_address, ip_address, soc.clk_freq)
    soc.etherbone = etherbone = LiteEthEtherbone(ethcore.udp_users, udp_port, buffer_depth=buffer_depth, cd="sys")
    soc.bus.add_master(name="etherbone", master=etherbone.wishbone.bus)
    if not getattr(phy, "model", False):
        rx_clk, tx_clk = phy.crg.cd_eth_rx.clk, phy.crg.cd_eth_tx.clk
        soc.platform.add_period_constraint(rx_clk, 1e9 / phy.rx_clk_freq)
        if rx_clk is not tx_clk:
            soc.platform.add_period_constraint(tx_clk, 1e9 / phy.tx_clk_freq)
            soc.platform.add_false_path_constraints(soc.crg.cd_sys.clk, rx_clk, tx_clk)
        else:
            soc.platform.add_false_path_constraints(soc.crg.cd_sys.clk, rx_clk)
