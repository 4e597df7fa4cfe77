"""The top-level ports behind a cell nextpnr names: its errors name primitives ("port DQSW270 of
'TSHX2DQA_8' ... is driven by DQSBUFM 'DQSBUFM_1'"), the board's author knows signals
("ddram_dq[8]"). Read from yosys' JSON netlist: the ports wired to the cell directly or through
one I/O buffer (TRELLIS_IO) it drives or reads."""
from __future__ import annotations

import json
import re
from pathlib import Path

IO_BUFFERS = ("TRELLIS_IO", "$nextpnr_ibuf", "$nextpnr_obuf", "$nextpnr_iobuf")


def _port_bits(module: dict) -> dict[int, str]:
    out = {}
    for name, port in module.get("ports", {}).items():
        bits = port.get("bits", [])
        for i, bit in enumerate(bits):
            if isinstance(bit, int):
                out[bit] = f"{name}[{i}]" if len(bits) > 1 else name
    return out


def ports_of_cell(netlist: dict, cell: str) -> list[str]:
    """Top-level ports on `cell`'s nets or on the nets of an I/O buffer that shares one of them."""
    module = next((m for m in netlist.get("modules", {}).values() if m.get("attributes", {}).get("top")), None)
    if module is None or cell not in module.get("cells", {}):
        return []
    ports = _port_bits(module)
    nets = {b for bits in module["cells"][cell]["connections"].values() for b in bits if isinstance(b, int)}
    found = {ports[b] for b in nets if b in ports}
    for other in module["cells"].values():
        if other["type"] in IO_BUFFERS:
            bits = {b for bs in other["connections"].values() for b in bs if isinstance(b, int)}
            if bits & nets:
                found |= {ports[b] for b in bits if b in ports}
    return sorted(found)


def name_ports(error: str, netlist_path: Path) -> str:
    """`error` with the ports behind each cell it quotes ('TSHX2DQA_8' -> ports ddram_dq[8]) appended."""
    try:
        netlist = json.loads(netlist_path.read_text())
    except (OSError, ValueError):
        return error
    named = []
    for cell in dict.fromkeys(re.findall(r"'([^']+)'", error)):
        ports = ports_of_cell(netlist, cell)
        if ports:
            named.append(f"{cell}: {' '.join(ports)}")
    return f"{error} (signals: {'; '.join(named)})" if named else error
