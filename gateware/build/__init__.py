"""Build tools shared by the targets, none of them a circuit: the inputs hash and tool versions
(build_info.py), the build skeleton every target runs in (build_once.py), the typed manifest
every build writes last (manifest.py), CSR layouts exported into it (csr_export.py), the
Verilator compile (verilator.py), the YoWASP yosys/nextpnr/ecppack steps (yowasp.py) and
nextpnr's report read back (pnr_report.py)."""
