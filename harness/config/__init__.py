"""Configuration: lab.yaml loading and validation into typed records (Lab, BoardConfig,
PairConfig, JudgementConfig, ...). Owns every rule about what a lab file may say and the
ConfigError messages that name the file, the key path and the line. Imports: the roots
only (and gateware's pure profiles)."""
