"""Host-link probe: UDP goodput board->host and host->board, from the board's cycle counters.

Board->host: the SoC's generator sends `count` packets; its cycle stamps of
the first and last packet start give the rate; the host's receiver counts
what arrived (loss, gaps) and its wall clock is a cross-check only.
Host->board: the host sends a numbered sequence; the SoC's sink counts
packets, bytes, gaps and the cycles between first and last arrival.
"""
from __future__ import annotations

import socket
import time
from dataclasses import asdict, dataclass

from sailbench.harness.board.board import Board
from sailbench.harness.errors import ConfigError, ProbeError
from sailbench.harness.judge.ceilings import BOARD_TO_HOST, HOST_TO_BOARD, udp_ceiling_bytes_per_s
from sailbench.harness.transport.etherbone import bind_to_interface
from sailbench.harness.transport.udp_host import UdpReceiver, send_sequence
from sailbench.harness.steps import layer_logger, step

logger = layer_logger("probes")

HOST_RX_PORT = 6100
PAYLOAD_MIN, PAYLOAD_MAX = 64, 1472


@dataclass
class HostLinkResult:
    board: str
    probe: str
    direction: str              # BOARD_TO_HOST or HOST_TO_BOARD (judge/ceilings.py)
    payload_bytes: int
    packets_offered: int        # what the sender sent
    packets_received: int       # what the receiver counted
    lost: int
    gaps: int                   # missing sequence numbers seen by the receiver
    late: int
    bytes: int                  # payload bytes counted by the receiver
    cycles: int                 # first to last packet start, on the board
    sys_clk_hz: float
    rate_bytes_per_s: float     # goodput from the board's cycles
    ceiling_bytes_per_s: float  # UDP goodput limit of the link at this payload size
    peak_bytes_per_s: float     # same as the ceiling (for tables shared with other probes)
    efficiency: float
    host_rate_bytes_per_s: float | None   # host wall-clock cross-check (meaningless on the simulated board)
    errors: int                 # lost packets

    def to_record(self) -> dict:
        return asdict(self)


class HostLinkProbe:
    def __init__(self, board: Board, sys_clk_hz: float | None = None, timeout_s: float = 120.0):
        link = board.manifest.host_link
        if not link or "hostlink_tx_start" not in board.regmap:
            raise ConfigError(f"board '{board.name}' build has no host-link probe (build {board.build_dir.name})")
        self.board, self.link, self.csr = board, link, board.csr
        self.sys_clk_hz = float(sys_clk_hz or board.nominal_sys_clk_hz)
        self.timeout_s = timeout_s
        eb = board.manifest.etherbone if board.is_sim else None
        if eb is not None:
            self.host_ip, self.soc_ip = eb.host_ip, eb.soc_ip
        else:
            cfg = board.config.etherbone
            if cfg is None or not cfg.host_ip:
                raise ConfigError(f"board '{board.name}': the host-link probe needs etherbone.ip and "
                                  "etherbone.host_ip in lab.yaml")
            self.host_ip, self.soc_ip = cfg.host_ip, cfg.ip

    def _socket(self) -> socket.socket:
        def make() -> socket.socket:
            return socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        if self.board.is_sim:
            return self.board.sim.netns.run_inside(make)
        sock = make()
        interface = self.board.config.etherbone.interface if self.board.config.etherbone else None
        if interface:
            try:
                bind_to_interface(sock, interface)
            except BaseException:
                sock.close()
                raise
        return sock

    def _check_payload(self, payload: int) -> None:
        if not PAYLOAD_MIN <= payload <= PAYLOAD_MAX or payload % 4:
            raise ConfigError(f"UDP payload {payload} B must be a multiple of 4 in {PAYLOAD_MIN}..{PAYLOAD_MAX}")

    def _rate(self, packets: int, payload: int, cycles: int) -> float:
        return (packets - 1) * payload * self.sys_clk_hz / cycles if packets > 1 and cycles > 0 else 0.0

    @step(logger, "host-link probe board->host")
    def board_to_host(self, payload: int = 1472, count: int = 1000, interval_cycles: int = 0) -> HostLinkResult:
        self._check_payload(payload)
        sock = self._socket()
        try:
            sock.bind((self.host_ip, HOST_RX_PORT))
            rx = UdpReceiver(sock, count).start()
            c = self.csr
            c.write("hostlink_tx_dst_ip", int.from_bytes(socket.inet_aton(self.host_ip), "big"))
            c.write("hostlink_tx_dst_port", HOST_RX_PORT)
            c.write("hostlink_tx_payload_bytes", payload)
            c.write("hostlink_tx_count", count)
            c.write("hostlink_tx_interval", interval_cycles)
            c.write("hostlink_tx_start", 1)
            deadline = time.monotonic() + self.timeout_s
            while c.read("hostlink_tx_busy"):
                if time.monotonic() > deadline:
                    raise ProbeError(f"board '{self.board.name}': UDP generator still busy after "
                                     f"{self.timeout_s:.0f} s ({c.read('hostlink_tx_sent')} of {count} sent); "
                                     "is the Ethernet link up and the host address right?")
                time.sleep(0.01)
            v = c.read_many(["hostlink_tx_sent", "hostlink_tx_first_cycle", "hostlink_tx_last_cycle"])
            rx.wait(v["hostlink_tx_sent"], idle_s=1.0, deadline_s=self.timeout_s)
            got = rx.result()
        finally:
            sock.close()
        sent = v["hostlink_tx_sent"]
        cycles = v["hostlink_tx_last_cycle"] - v["hostlink_tx_first_cycle"]
        return self._result(BOARD_TO_HOST, payload, sent, got.packets, got.gaps, got.late,
                            got.bytes - 0, cycles, (got.packets - 1) * payload / got.wall_s if got.wall_s else None)

    @step(logger, "host-link probe host->board")
    def host_to_board(self, payload: int = 1472, count: int = 1000, pace_s: float = 0.0) -> HostLinkResult:
        self._check_payload(payload)
        c = self.csr
        c.write("hostlink_rx_reset", 1)
        sock = self._socket()
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 << 20)
            sent, wall = send_sequence(sock, (self.soc_ip, self.link.sink_port), payload, count, pace_s,
                                       deadline_s=self.timeout_s, board=self.board.name)
        finally:
            sock.close()
        names = ["hostlink_rx_packets", "hostlink_rx_bytes", "hostlink_rx_gaps", "hostlink_rx_late",
                 "hostlink_rx_first_cycle", "hostlink_rx_last_cycle"]
        deadline = time.monotonic() + self.timeout_s
        v = c.read_many(names)
        seen, since = v["hostlink_rx_packets"], time.monotonic()
        while v["hostlink_rx_packets"] + v["hostlink_rx_gaps"] < sent and time.monotonic() < deadline:
            time.sleep(0.02)
            v = c.read_many(names)
            if v["hostlink_rx_packets"] != seen:
                seen, since = v["hostlink_rx_packets"], time.monotonic()
            elif time.monotonic() - since > 2.0:
                break
        cycles = v["hostlink_rx_last_cycle"] - v["hostlink_rx_first_cycle"]
        return self._result(HOST_TO_BOARD, payload, sent, v["hostlink_rx_packets"], v["hostlink_rx_gaps"],
                            v["hostlink_rx_late"], v["hostlink_rx_bytes"], cycles,
                            sent * payload / wall if wall else None)

    def _result(self, direction: str, payload: int, offered: int, received: int, gaps: int, late: int,
                nbytes: int, cycles: int, host_rate: float | None) -> HostLinkResult:
        rate = self._rate(received, payload, cycles)
        ceiling = udp_ceiling_bytes_per_s(payload, self.link, direction)
        lost = max(0, offered - received)
        return HostLinkResult(
            board=self.board.name, probe="hostlink", direction=direction, payload_bytes=payload,
            packets_offered=offered, packets_received=received, lost=lost, gaps=gaps, late=late, bytes=nbytes,
            cycles=cycles, sys_clk_hz=self.sys_clk_hz, rate_bytes_per_s=rate, ceiling_bytes_per_s=ceiling,
            peak_bytes_per_s=ceiling, efficiency=rate / ceiling if ceiling else 0.0,
            host_rate_bytes_per_s=host_rate, errors=lost)
