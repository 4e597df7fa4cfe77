"""Probes: measurements on an open board, each returning plain result records with the
hardware cycle counts they came from (sys clock, DDR BIST, host-link UDP traffic, inter-card
lanes). No verdicts and no files. Imports: board, transport, build, judge (ceilings), config and
the roots."""
