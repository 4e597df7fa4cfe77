"""The probe SoC every target builds: ProbeSoC (probe_soc.py) with its UDP/IP core (ethcore.py),
its LiteDRAM module and controller settings and what the host learns of them (dram_settings.py,
dram_info.py, dram_pins.py), and the ECP5 SerDes side of a bitstream (ecp5_serdes.py)."""
