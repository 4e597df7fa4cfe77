"""CSR field layouts exported into the build manifest (build time, from the gateware itself).

The host decodes packed CSRs (e.g. a lane probe's `status`) with the offsets
and sizes the gateware declared, read from the manifest, instead of copies.
"""
from __future__ import annotations

from litex.soc.interconnect.csr import CSRStatus, CSRStorage

from sailbench.gateware.build.manifest import CsrField


def csr_field_layout(module) -> dict[str, dict[str, CsrField]]:
    """Every CSRStatus/CSRStorage with fields directly on `module`: register -> field -> layout."""
    out: dict[str, dict[str, CsrField]] = {}
    for name, csr in sorted(vars(module).items()):
        if isinstance(csr, (CSRStatus, CSRStorage)) and getattr(csr, "fields", None) is not None:
            fields = csr.fields.fields
            if fields and not (len(fields) == 1 and fields[0].name == "_"):
                out[name] = {f.name: CsrField(f.offset, f.size) for f in fields}
    return out


def lane_csr_fields(lane_probes) -> dict[str, dict[str, dict[str, CsrField]]]:
    """The manifest's `csr_fields` for a build with lane probes ({} without)."""
    return {"lane": csr_field_layout(lane_probes[0])} if lane_probes else {}
