"""What kind of board lab.yaml describes, and what that kind implies.

`kind: sim` or `kind: hardware` is parsed into a `BoardKind` once, in the
config; everything after asks the kind what it means (`simulated`,
`needs_cable`...) instead of comparing strings. `BoardKind` is a `StrEnum`,
so it prints, serialises and compares as the word lab.yaml uses.
"""
from __future__ import annotations

from enum import StrEnum


class BoardKind(StrEnum):
    SIM = "sim"                  # the Verilator simulation of the probe SoC, one private instance per open
    HARDWARE = "hardware"        # an ECP5 board on a JTAG cable, loaded with openFPGALoader

    @property
    def simulated(self) -> bool:
        """Figures from it are the simulation's, and say so."""
        return self is BoardKind.SIM

    @property
    def needs_cable(self) -> bool:
        """A JTAG cable to look for before building, and a bitstream to load through it."""
        return self is BoardKind.HARDWARE

    @property
    def shared(self) -> bool:
        """One physical board that runs must lock; a simulated board is private to the process that starts it."""
        return self is BoardKind.HARDWARE

    @property
    def inits_dram_from_host(self) -> bool:
        """There is no CPU: the host runs the DRAM init sequence (and read leveling) over the CSR bus.
        The simulated DRAM model starts ready."""
        return self is BoardKind.HARDWARE

    @classmethod
    def parse(cls, value: object) -> "BoardKind":
        """The kind lab.yaml names; ValueError naming the kinds otherwise."""
        try:
            return cls(value)
        except ValueError:
            raise ValueError(f"kind must be one of {', '.join(k.value for k in cls)}, got {value!r}") from None
