"""Configuration: lab.yaml loading and validation into typed records (Lab, BoardConfig,
PairConfig, JudgementConfig, ...). Owns every rule about what a lab file may say and the
ConfigError messages that name the file, the key path and the line. records.py holds the
records, loading.py the YAML (with each key's line), validation.py the value checks and the
section reader, sections.py the section parsers, lab.py load_lab and find_lab.
Imports: the roots only (and gateware's pure profiles)."""
from sailbench.harness.config.lab import REPO_LAB, find_lab, load_lab
from sailbench.harness.config.records import (BoardConfig, EtherboneConfig, HistoryConfig, JudgementConfig, Lab,
                                              LabgridConfig, LabgridPlace, LocksConfig, PairConfig, SimConfig)

__all__ = ["REPO_LAB", "find_lab", "load_lab", "BoardConfig", "EtherboneConfig", "HistoryConfig", "JudgementConfig",
           "Lab", "LabgridConfig", "LabgridPlace", "LocksConfig", "PairConfig", "SimConfig"]
