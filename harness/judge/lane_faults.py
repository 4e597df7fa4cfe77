"""Which lane records are failed measurements: a silent lane, or faults beyond what the BER target allows.

The bound. An inter-card lane is specified, like 1000BASE-X (IEEE 802.3 clause 36/38), to a bit error
ratio of at most BER_TARGET = 1e-12. Every fault the probe counts needs at least one line bit error:
a bad frame is a frame whose CRC-32 failed (one flipped bit is enough, and CRC-32 catches every single
bit error), a gap is a frame the receiver never saw whole (its header or delimiter was hit), and a PRBS
lock loss needs `unlock_words` bad words in a row. So over `bits` line bits a healthy lane shows a
Poisson number of faults with mean at most bits x BER_TARGET. `allowed_faults` is the largest count
that is still plausible (probability at least ALPHA = 1 %) at that mean; more than that means the lane
runs worse than its target and its figures are not a measurement of the link the constant assumes.
For any realistic run (a payload phase moves ~1e7..1e9 line bits, mean 1e-5..1e-3) the bound is 0.
"""
from __future__ import annotations

import math
from typing import Any

from sailbench.gateware.profiles.lane_rates import CODE_EFFICIENCY

BER_TARGET = 1e-12
ALPHA = 0.01


def line_bits_per_byte(coding: str | None) -> float:
    """Line bits that carry one payload byte under the record's line code: 10 for 8b/10b (the default, also
    for a record that names no code), 8.25 for 64b/66b."""
    payload, line = CODE_EFFICIENCY[coding or "8b10b"]
    return 8 * line / payload


def allowed_faults(bits: float, ber_target: float = BER_TARGET, alpha: float = ALPHA) -> int:
    """The largest fault count k with P(X >= k) >= alpha for X ~ Poisson(bits x ber_target)."""
    lam = max(bits, 0.0) * ber_target
    k, term, below = 0, math.exp(-lam), 0.0     # below = P(X < k)
    while 1.0 - below - term >= alpha:           # P(X >= k + 1) still plausible: allow one more
        below += term
        k += 1
        term *= lam / k
    return k


def _where(r: dict[str, Any]) -> str:
    return f"lane {r.get('lane')} {r.get('direction')}"


def payload_faults(r: dict[str, Any]) -> list[str]:
    """Failed-measurement messages for one payload record ({"probe": "lane", "quantity": "payload"})."""
    frames = int(r.get("frames") or 0)
    sent = r.get("frames_sent")
    if frames <= 0:
        return [f"{_where(r)}: no payload frames received ({sent if sent is not None else '?'} sent); "
                "a silent lane is a failed measurement, not a slow link"]
    per_frame = int(r.get("payload_bytes_per_frame") or 0)
    bits = max(int(sent or frames) * per_frame, int(r.get("bytes") or 0)) * line_bits_per_byte(r.get("coding"))
    bound = allowed_faults(bits)
    out = []
    for key, what in (("bad_frames", "bad frames (CRC)"), ("sequence_errors", "sequence gaps")):
        n = int(r.get(key) or 0)
        if n > bound:
            out.append(f"{_where(r)}: {n} {what} in {frames} frames, more than the {bound} a BER of "
                       f"{BER_TARGET:g} allows over {bits:.3g} line bits")
    return out


def prbs_faults(r: dict[str, Any]) -> list[str]:
    """Failed-measurement messages for one PRBS record ({"probe": "lane", "quantity": "prbs"})."""
    bits = int(r.get("bits") or 0)
    if bits <= 0:
        return [f"{_where(r)}: PRBS tested no bits (the checker never locked)"]
    out = []
    if r.get("errors"):
        out.append(f"{_where(r)}: {r['errors']} PRBS bit errors in {bits:.3g} bits")
    losses, bound = int(r.get("lock_losses") or 0), allowed_faults(bits)
    if losses > bound:
        out.append(f"{_where(r)}: {losses} PRBS checker lock losses in {bits:.3g} bits, more than the {bound} "
                   f"a BER of {BER_TARGET:g} allows")
    return out
